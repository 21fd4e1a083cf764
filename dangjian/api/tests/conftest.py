import datetime

import pytest
from rest_framework.test import APIClient

from dangjian.factories import next_id_number


@pytest.fixture
def api():
    """api(user) → an APIClient authenticated as that user (anonymous without one)."""

    def _api(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _api


@pytest.fixture
def new_member():
    """new_member(org, **over) → a valid POST body for /api/members/ in `org`."""

    def _new(org, **over):
        born = datetime.date(1990, 1, 2)
        data = {"name": "接口新增", "gender": "M", "birth_date": born.isoformat(), "id_number": next_id_number(born, "M"),
                "joined_on": "2015-07-01", "confirmed_on": "2016-07-01", "status": "full", "category": "employed",
                "organization": org.pk}
        data.update(over)
        return data

    return _new
