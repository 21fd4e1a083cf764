"""Trust G4: the API fuzzed against its own OpenAPI schema (schemathesis, bounded examples per operation).

Every generated request — valid or not, as the org admin of the whole group and as a persona of a sibling
subtree — must get an answer the schema documents, and never a server error. Requests go through the real
WSGI application (middleware, authentication, scope) with a token, as an integration would send them.
"""
import json
from pathlib import Path

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token

EXAMPLES = 25  # per operation and persona: bounded, so the whole run stays well under a minute


@pytest.fixture
def api_schema(world):
    from drf_spectacular.generators import SchemaGenerator

    # The WSGI handler closes "old" connections around each request; inside the test's transaction that
    # would close the test's own connection (Django's test client disconnects it the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(SchemaGenerator().get_schema(public=True),
                                                                  default=str)))
    schema.app = get_wsgi_application()
    yield schema
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


CASES = Path("var/fuzz-cases.json")
# A schema-valid id that names no organization in the caller's scope is rightly refused (a 400 on a filter, a 404
# on a path): "positive data acceptance" cannot know the scope. Every other check — server errors, response
# schema, documented status codes, content type, rejection of schema-invalid data — applies.
LEGITIMATE = [positive_data_acceptance]
BOUNDED = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))


def fuzz(schema, user):
    """Every operation of the schema, EXAMPLES generated requests each; returns the number of requests sent."""
    token = Token.objects.get_or_create(user=user)[0]
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @BOUNDED
        def run(case):
            nonlocal sent
            sent += 1
            case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, excluded_checks=LEGITIMATE)

        run()
    return sent


def record(persona, sent):
    CASES.parent.mkdir(exist_ok=True)
    figures = json.loads(CASES.read_text()) if CASES.exists() else {}
    figures[persona] = sent
    CASES.write_text(json.dumps(figures))


@pytest.mark.parametrize("persona", ["group_admin", "outsider", "inspector"])
def test_the_api_answers_every_generated_request_as_its_schema_says(api_schema, world, persona):
    sent = fuzz(api_schema, getattr(world.users, persona))
    record(persona, sent)
    assert sent >= 100
