import datetime

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dangjian.factories import MemberFactory, make_committee
from dangjian.meetings.models import Attendance, Meeting, MeetingOrganization
from dangjian.members.models import Status
from dangjian.reminders.models import Kind, Reminder
from dangjian.reminders.services import remind_all, reminders_for

TODAY = datetime.date(2026, 11, 23)


def titles(user, today=TODAY):
    return [r.title for r in reminders_for(user, today)]


def test_terms_are_announced_six_months_one_month_and_when_overdue(world):
    make_committee(world.orgs.a1, world.members.a1[:3], elected_on=datetime.date(2023, 12, 10), term_years=3)
    assert any("2026-12-10 届满（还有17天）" in t for t in titles(world.users.secretary))
    assert any("已于 2026-12-10 届满" in t for t in titles(world.users.secretary, datetime.date(2027, 1, 5)))
    # the outsider's scope does not include A1's committee
    assert not any("第一党支部" in t for t in titles(world.users.outsider))


def test_probation_ending_is_reminded_to_the_branch(world):
    MemberFactory(organization=world.orgs.a1, name="预备甲", status=Status.PROBATIONARY, confirmed_on=None,
                  joined_on=datetime.date(2025, 12, 1))
    assert any("预备甲 的预备期将于 2026-12-01 届满" in t for t in titles(world.users.secretary))
    assert not any("预备甲" in t for t in titles(world.users.outsider))


def test_political_birthdays_for_the_member_and_the_branch(world):
    me = world.members.me
    me.joined_on = datetime.date(2010, 11, 3)
    me.confirmed_on = datetime.date(2011, 11, 3)
    me.save()
    assert any("入党 16 周年" in t for t in titles(world.users.member))
    assert any("本月有 1 名党员过政治生日" in t for t in titles(world.users.secretary))


def test_meetings_due_this_quarter_are_reminded(world):
    ts = titles(world.users.secretary)
    assert any("第四季度尚未召开支部党员大会" in t for t in ts)
    admin = titles(world.users.group_admin)
    assert any("逾期未召开" in t for t in admin)  # October's 主题党日 is overdue everywhere


def test_six_months_without_organization_life_is_flagged_not_acted_on(world):
    m = Meeting.objects.create(organization=world.orgs.a1, kind="theme_day", topic="t", held_on=datetime.date(2026, 10, 8))
    MeetingOrganization.objects.create(meeting=m, organization=world.orgs.a1)
    for member in world.members.a1[:3]:
        Attendance.objects.create(meeting=m, member=member, status="present")
    flagged = [t for t in titles(world.users.secretary) if "连续6个月" in t]
    assert len(flagged) == 1 and world.members.a1[3].name in flagged[0] and "1 名" in flagged[0]
    world.members.a1[3].refresh_from_db()
    assert world.members.a1[3].ended_on is None


def test_the_daily_job_is_idempotent_and_emails_a_digest(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.users.secretary.email = "shuji@example.com"
    world.users.secretary.save()
    first = remind_all(TODAY)
    assert first > 0 and remind_all(TODAY) == 0
    assert len(mail.outbox) == 1 and "党建工作提醒" in mail.outbox[0].subject
    assert Reminder.objects.filter(user=world.users.secretary, emailed_at__isnull=False).exists()


def test_the_task_runs_in_process_without_a_broker(world):
    from dangjian.reminders.tasks import compute_daily_reminders

    assert compute_daily_reminders.delay().get() >= 0


def test_inbox_shows_and_marks_reminders(world, login):
    client = login(world.users.secretary)
    body = client.get(reverse("reminders:inbox")).content.decode()
    assert "尚未召开支部党员大会" in body
    client.post(reverse("reminders:read"))
    assert not Reminder.objects.filter(user=world.users.secretary, read_at__isnull=True).exists()


def test_reloading_the_inbox_does_not_recompute_todays_facts_until_ten_minutes_have_passed(world, login):
    from django.core.cache import cache

    admin = world.users.group_admin
    client = login(admin)
    client.get(reverse("reminders:inbox"))
    assert Reminder.objects.filter(user=admin).exists()
    Reminder.objects.filter(user=admin).delete()  # as if the facts had been computed before they arose
    assert client.get(reverse("reminders:inbox")).status_code == 200
    assert not Reminder.objects.filter(user=admin).exists()  # a reload within ten minutes: nothing recomputed
    cache.delete(f"reminders:visit:{admin.pk}")  # ten minutes later
    client.get(reverse("reminders:inbox"))
    assert Reminder.objects.filter(user=admin).exists()


def test_the_calendar_feed_has_planned_meetings_and_terms_and_a_secret_url(world, client, login):
    make_committee(world.orgs.a1, world.members.a1[:3], elected_on=datetime.date(2024, 3, 1))
    m = Meeting.objects.create(organization=world.orgs.a1, kind="general_assembly", topic="年度述职",
                               held_on=timezone.localdate() + datetime.timedelta(days=10), status="planned")
    MeetingOrganization.objects.create(meeting=m, organization=world.orgs.a1)
    login(world.users.secretary).get(reverse("reminders:inbox"))
    token = world.users.secretary.calendar_feed.token
    client.logout()
    body = client.get(reverse("reminders:ical", args=[token])).content.decode()
    assert "BEGIN:VCALENDAR" in body and "年度述职" in body and "换届" in body
    assert client.get(reverse("reminders:ical", args=["wrong"])).status_code == 404
    outsider_feed = login(world.users.outsider).get(reverse("reminders:inbox")) and world.users.outsider.calendar_feed
    assert "年度述职" not in client.get(reverse("reminders:ical", args=[outsider_feed.token])).content.decode()


def test_remind_runs_in_process_without_a_broker_and_only_submits_with_one(world, settings, monkeypatch):
    """Trust D: with a real broker there is no result backend — the command must not read a result."""
    from io import StringIO

    from django.core.management import call_command

    from dangjian.reminders import tasks

    out = StringIO()
    call_command("remind", stdout=out)
    assert "新增提醒" in out.getvalue()
    submitted = []

    class Sent:
        id = "task-1"

        def get(self):  # what a DisabledBackend does
            raise NotImplementedError("No result backend is configured.")

        ready = get

    monkeypatch.setattr(tasks.compute_daily_reminders, "delay", lambda: submitted.append(1) or Sent())
    settings.CELERY_TASK_ALWAYS_EAGER = False
    out = StringIO()
    call_command("remind", stdout=out)
    assert submitted == [1] and "task-1" in out.getvalue()


def test_an_overdue_conversion_stays_on_the_list_until_it_is_recorded(world):
    """Trust F: not for 60 days — until the 转正 is recorded."""
    m = MemberFactory(organization=world.orgs.a1, name="预备乙", status=Status.PROBATIONARY, confirmed_on=None,
                      joined_on=datetime.date(2024, 3, 1))  # probation ended 2025-03-01
    assert any("预备乙 的预备期已于 2025-03-01 届满，尚未登记转正" in t for t in titles(world.users.secretary))
    m.status, m.confirmed_on = Status.FULL, datetime.date(2025, 3, 20)
    m.save()
    assert not any(r.kind == "probation" for r in reminders_for(world.users.secretary, TODAY))


def test_one_month_and_six_months_are_calendar_months(world):
    """Trust F: a term ending 15 May 2027 is announced from 15 November (six calendar months; 183 days would
    start on 13 November) and is "one month ahead" from 15 April (31 days would start on 14 April)."""
    make_committee(world.orgs.a1, world.members.a1[:3], elected_on=datetime.date(2024, 5, 15), term_years=3)

    def term_keys(day):
        return {r.key.rsplit(":", 1)[1] for r in reminders_for(world.users.secretary, day) if r.kind == "term"}

    assert term_keys(datetime.date(2026, 11, 14)) == set()
    assert term_keys(datetime.date(2026, 11, 15)) == {"6m"}
    assert term_keys(datetime.date(2027, 4, 14)) == {"6m"}
    assert term_keys(datetime.date(2027, 4, 15)) == {"1m"}


def test_the_six_months_flag_reaches_the_org_admins_above(world):
    """Trust F: not only a branch committee grant: the 党委's org admin hears of it too."""
    reminders = titles(world.users.group_admin)
    assert any("示范集团党委下有" in t and "连续6个月以上未参加组织生活" in t for t in reminders)


def test_the_digest_goes_out_at_most_once_a_day_even_when_the_job_is_retried(world, settings, monkeypatch):
    """Production 3: a retried task or a second beat sends nothing more; a failed send can be retried."""
    from dangjian.reminders import services
    from dangjian.reminders.models import DigestSent

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = world.users.secretary
    user.email = "shuji@example.com"
    user.save()
    services.remind(user, TODAY)

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(services, "send_mail", broken)
    try:
        services.send_digest(user, TODAY)
    except OSError:
        pass
    assert not DigestSent.objects.exists() and len(mail.outbox) == 0  # rolled back: the retry may send
    monkeypatch.undo()
    assert services.send_digest(user, TODAY) > 0
    Reminder.objects.create(user=user, kind="term", key="late-arrival", title="当天新增的提醒")
    assert services.send_digest(user, TODAY) == 0  # same day, a retried task: nothing more
    assert len(mail.outbox) == 1
    assert services.send_digest(user, TODAY + datetime.timedelta(days=1)) == 1  # the next day's digest


def _personas_with_facts(world):
    """Terms, probations, birthdays, inactivity and meetings due, in several subtrees."""
    make_committee(world.orgs.a1, world.members.a1[:3], elected_on=datetime.date(2023, 12, 10), term_years=3)
    make_committee(world.orgs.b1, world.members.b1[:3], elected_on=datetime.date(2023, 12, 20), term_years=3)
    for org in (world.orgs.a1, world.orgs.a2, world.orgs.b1):
        MemberFactory(organization=org, status=Status.PROBATIONARY, confirmed_on=None, joined_on=datetime.date(2025, 12, 1))
        MemberFactory(organization=org, joined_on=datetime.date(2001, 11, 5))


def test_the_daily_job_gives_each_user_exactly_what_their_own_scope_gives(world):
    """The job computes each fact once for everyone and hands it out by the tree rule (core.scope.in_scope);
    every persona ends up with the same reminders as asking for that user alone."""
    from dangjian.core.scope import forget_grants

    _personas_with_facts(world)
    remind_all(TODAY, email=False)
    for user in vars(world.users).values():
        forget_grants(user)
        alone = {r.key for r in reminders_for(user, TODAY)}
        stored = set(Reminder.objects.filter(user=user).values_list("key", flat=True))
        assert stored == alone, user.username
    outsider = set(Reminder.objects.filter(user=world.users.outsider).values_list("title", flat=True))
    assert not any("第一党支部" in t for t in outsider)


def test_in_scope_agrees_with_visible_to(world):
    from dangjian.core.scope import in_scope, index_by_path, prime_grants
    from dangjian.members.models import Member

    _personas_with_facts(world)
    users = list(vars(world.users).values())
    prime_grants(users)
    index = index_by_path(Member.objects.values("pk", "organization__path"), lambda m: m["organization__path"])
    for user in users:
        for action in ("view", "change"):
            assert {m["pk"] for m in in_scope(index, user, action)} == set(
                Member.objects.visible_to(user, action).exclude(user=user).values_list("pk", flat=True)) - {
                m.pk for m in Member.objects.filter(user=user)}, (user.username, action)


def test_the_daily_job_costs_the_same_queries_for_5_or_25_branch_secretaries(world):
    """Production: per-user loops took 207–249 s for 100,000 members; the job is set-based."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.accounts import roles
    from dangjian.factories import UserFactory, grant, make_org

    def secretaries(n, start):
        for i in range(start, start + n):
            branch = make_org(f"测试{i}支部", parent=world.orgs.a, code=f"T{i}")
            grant(UserFactory(username=f"s{i}"), branch, roles.BRANCH_COMMITTEE)
            MemberFactory(organization=branch, joined_on=datetime.date(2001, 11, 5))

    secretaries(5, 0)
    with CaptureQueriesContext(connection) as few:
        remind_all(TODAY, email=False)
    secretaries(20, 5)
    with CaptureQueriesContext(connection) as many:
        remind_all(TODAY, email=False)
    def reads(ctx):  # the INSERT is batched by the database's parameter limit: rows written, not users
        return [q["sql"][:70] for q in ctx.captured_queries if not q["sql"].startswith("INSERT")]

    assert reads(many) == reads(few)
    assert Reminder.objects.filter(user__username="s24", kind=Kind.POLITICAL_BIRTHDAY).exists()
