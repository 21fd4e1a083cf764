"""党建资料展评 (issue 12): a branch submits once inside the round's dates, its ledger snapshotted at submission; the
peers of the round and the organizer read and rate it — a branch never rates itself — each rater organization once;
the submitter sees the results and comments; the ranking bands 先进 / 一般 / 后进; another company sees nothing."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.factories import UserFactory, grant
from dangjian.accounts import roles
from dangjian.learning import showcase
from dangjian.learning.models import Entry, ShowcaseRound

TODAY = timezone.localdate()


@pytest.fixture
def round_(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return showcase.create_round(showcase_round=ShowcaseRound(
        organization=world.orgs.a, title="党建资料展评", year=TODAY.year, opens_on=TODAY - datetime.timedelta(days=3),
        closes_on=TODAY + datetime.timedelta(days=3)), by=world.users.group_admin)


def test_branches_submit_peers_rate_never_themselves_and_the_ranking_bands(world, login, round_):
    a2_secretary = UserFactory(username="a2_sec")
    grant(a2_secretary, world.orgs.a2, roles.BRANCH_COMMITTEE)
    client = login(world.users.secretary)
    client.post(reverse("learning:round_submit", args=[round_.pk]), {"organization": world.orgs.a1.pk, "note": "一支部资料"})
    entry = Entry.objects.get(organization=world.orgs.a1)
    assert sorted(f.name.rsplit(".", 1)[1] for f in entry.files.filter(generated=True)) == ["docx", "xlsx"]
    with pytest.raises(ValidationError):  # once per round
        showcase.submit(showcase_round=round_, organization=world.orgs.a1, by=world.users.secretary)
    a2_entry = showcase.submit(showcase_round=round_, organization=world.orgs.a2, by=a2_secretary)
    criteria = {c.name: c.pk for c in round_.criteria.all()}
    full = {criteria["完整性"]: 38, criteria["规范性"]: 36, criteria["创新性"]: 16}
    with pytest.raises(ValidationError) as e:  # its own entry
        showcase.rate(entry=entry, by=world.users.secretary, points=full)
    assert "不能为本组织的资料评分" in str(e.value)
    # A2's secretary reads A1's materials through the round and rates them; A1 rates A2; the 党委 rates both
    peer = login(a2_secretary)
    assert peer.get(reverse("learning:entry", args=[entry.pk])).status_code == 200
    generated = entry.files.filter(generated=True).first()
    assert peer.get(reverse("learning:entry_file", args=[generated.pk])).status_code == 200
    with pytest.raises(ValidationError) as e:
        showcase.rate(entry=entry, by=a2_secretary, points={**full, criteria["创新性"]: 21})
    assert "超出分值：创新性" in str(e.value)
    peer.post(reverse("learning:entry_rate", args=[entry.pk]), {f"p_{k}": v for k, v in full.items()} | {
        f"c_{criteria['规范性']}": "记录规范"})
    with pytest.raises(ValidationError):  # once per rater organization
        showcase.rate(entry=entry, by=a2_secretary, points=full)
    showcase.rate(entry=entry, by=world.users.group_admin, points={criteria["完整性"]: 40, criteria["规范性"]: 40,
                                                                   criteria["创新性"]: 18})
    showcase.rate(entry=a2_entry, by=world.users.secretary, points={criteria["完整性"]: 20, criteria["规范性"]: 20,
                                                                    criteria["创新性"]: 10})
    ranking = showcase.ranking(round_)
    assert [(e.organization, n, str(avg), band) for e, n, avg, band in ranking] == [
        (world.orgs.a1, 2, "94.0", "先进"), (world.orgs.a2, 1, "50.0", "后进")]
    mine = login(world.users.secretary).get(reverse("learning:entry", args=[entry.pk])).content.decode()
    assert "记录规范" in mine and "94.0" in mine  # the submitter sees results and comments
    assert login(world.users.outsider).get(reverse("learning:entry", args=[entry.pk])).status_code == 404
    assert login(world.users.outsider).get(reverse("learning:entry_file", args=[generated.pk])).status_code == 404


def test_submitting_outside_the_rounds_dates_is_refused(world, round_):
    ShowcaseRound.objects.filter(pk=round_.pk).update(closes_on=TODAY - datetime.timedelta(days=1))
    round_.refresh_from_db()
    with pytest.raises(ValidationError) as e:
        showcase.submit(showcase_round=round_, organization=world.orgs.a1, by=world.users.secretary)
    assert "提交时间为" in str(e.value) and not Entry.objects.exists()
