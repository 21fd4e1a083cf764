from dangjian.members.models import Member
from dangjian.orgs.models import Organization


def names(qs):
    return sorted(o.code for o in qs)


def test_group_admin_sees_the_whole_tree(world):
    assert Organization.objects.visible_to(world.users.group_admin).count() == 7


def test_secretary_sees_only_their_branch_and_its_groups(world):
    assert names(Organization.objects.visible_to(world.users.secretary)) == ["A1", "A1G"]
    assert set(Member.objects.visible_to(world.users.secretary)) == set(world.members.a1)


def test_member_sees_only_own_record_and_own_organizations(world):
    assert list(Member.objects.visible_to(world.users.member)) == [world.members.me]
    assert names(Organization.objects.visible_to(world.users.member)) == ["A1", "A1G"]
    assert not Member.objects.visible_to(world.users.member, "change").exists()


def test_inspector_reads_the_subtree_but_cannot_change_it(world):
    assert names(Organization.objects.visible_to(world.users.inspector)) == ["A", "A1", "A1G", "A2"]
    assert not Member.objects.visible_to(world.users.inspector, "change").exists()


def test_outsider_in_sibling_subtree_sees_nothing_of_a(world):
    visible = Member.objects.visible_to(world.users.outsider)
    assert set(visible) == set(world.members.b1)


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Organization.objects.visible_to(AnonymousUser()).exists()


def test_error_pages_are_in_chinese_and_say_what_to_do(world, login):
    """Trust E: `make run` runs like production — no English debug page, a Chinese 404 with a way back."""
    response = login(world.users.outsider).get(f"/orgs/{world.orgs.a1.pk}/")
    body = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in body and "返回首页" in body and "Traceback" not in body


def test_healthz_answers_without_login_and_reveals_nothing_else(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert response["X-Request-ID"]


def test_healthz_says_which_part_is_down(db, client, settings, monkeypatch):
    from dangjian.core import observability

    def down():
        raise ConnectionError("refused")

    monkeypatch.setattr(observability, "_broker", down)
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a broker is configured
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "ok", "cache": "ok", "broker": "error"}}


def test_a_request_id_is_taken_from_the_proxy_or_made_and_logged(world, client, caplog):
    import logging

    assert client.get("/login/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    made = client.get("/login/", HTTP_X_REQUEST_ID="bad id with spaces\n")["X-Request-ID"]
    assert len(made) == 32 and " " not in made
    from dangjian.core.observability import JsonFormatter, RequestIdFilter, request_id

    token = request_id.set("rid-7")
    try:
        record = logging.LogRecord("dangjian", logging.WARNING, __file__, 1, "记录 %s", ("一条",), None)
        RequestIdFilter().filter(record)
        import json

        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["request_id"] == "rid-7" and line["message"] == "记录 一条"


def test_a_not_found_is_logged_with_its_request_id(db, client, caplog):
    import logging

    from dangjian.core.observability import RequestIdFilter

    handler_filter = RequestIdFilter()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="rid-404")
    record = next(r for r in caplog.records if r.name == "django.request")
    handler_filter.filter(record)
    assert response.status_code == 404 and record.request_id == "rid-404"


def _raised(make):
    try:
        make()
    except Exception as e:  # noqa: BLE001 — the test hands the raised exception to the classifier
        return e


def test_a_lost_database_is_told_from_a_bug_by_what_was_raised_and_while_handling_what(db):
    """A database restart answers 503 (retry, nothing saved) whatever Django raised on top of the driver's error;
    a programming error with no lost connection behind it stays a 500."""
    from django.db import OperationalError, ProgrammingError
    from django.db.transaction import TransactionManagementError

    from dangjian.core.views import database_outage

    def lost():
        raise OperationalError("server closed the connection unexpectedly")

    def while_handling():
        try:
            lost()
        except OperationalError:
            raise TransactionManagementError("An error occurred in the current transaction.")

    assert database_outage(_raised(lost))
    assert database_outage(_raised(while_handling))
    # the driver's own error, unwrapped (psycopg raises it closing a server-side cursor outside Django's wrapping)
    from django.db import connection

    def driver_lost():
        raise connection.Database.OperationalError("consuming input failed: server closed the connection unexpectedly")

    connection.ensure_connection()
    assert database_outage(_raised(driver_lost))
    assert not database_outage(_raised(lambda: 1 / 0))
    assert not database_outage(_raised(lambda: (_ for _ in ()).throw(ProgrammingError("syntax error"))))


def test_a_connection_dropped_inside_a_transaction_is_an_outage(monkeypatch):
    from types import SimpleNamespace

    from django.db import ProgrammingError, connections

    from dangjian.core.views import database_outage

    error = ProgrammingError("Cannot open a new connection in an atomic block.")
    assert not database_outage(error)
    # (a stand-in connection: marking the test database's own one would leave its transaction open behind the test)
    monkeypatch.setattr(connections, "all", lambda initialized_only=False: [SimpleNamespace(closed_in_transaction=True)])
    assert database_outage(error)
