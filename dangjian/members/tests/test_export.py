import io

from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from .roster_files import good_row, workbook


def rows_of(content):
    ws = load_workbook(io.BytesIO(content), read_only=True)["花名册"]
    return list(ws.iter_rows(values_only=True))


def test_export_holds_the_scope_and_the_filters(world, login):
    response = login(world.users.group_admin).get(reverse("members:export"), {"org": world.orgs.a.pk})
    rows = rows_of(b"".join(response.streaming_content))
    assert rows[0][0] == "姓名"
    assert len(rows) - 1 == 7


def test_inspector_export_masks_id_numbers(world, login):
    response = login(world.users.inspector).get(reverse("members:export"))
    rows = rows_of(b"".join(response.streaming_content))[1:]
    assert len(rows) == 7
    assert all("*" in r[4] for r in rows)


def test_secretary_export_shows_full_id_numbers_of_their_branch(world, login):
    response = login(world.users.secretary).get(reverse("members:export"))
    rows = rows_of(b"".join(response.streaming_content))[1:]
    assert {r[4] for r in rows} == {m.id_number for m in world.members.a1}


def test_member_cannot_export(world, login):
    assert login(world.users.member).get(reverse("members:export")).status_code == 403


def test_an_export_can_be_imported_again(world, tmp_path):
    from dangjian.members.importer import import_roster
    from dangjian.members.models import Member

    call_command("export_roster", str(tmp_path / "out.xlsx"), "--org", "A2")
    Member.objects.filter(organization=world.orgs.a2).delete()
    with open(tmp_path / "out.xlsx", "rb") as fh:
        result = import_roster(fh)
    assert result.ok, result.errors
    assert result.created == 3


def test_cli_import_exits_non_zero_and_lists_errors(world, tmp_path, capsys):
    import pytest
    from django.core.management.base import CommandError

    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook([good_row(**{"身份证号": "123"})]).getvalue())
    with pytest.raises(CommandError):
        call_command("import_roster", str(path))
    assert "第2行【身份证号】" in capsys.readouterr().err


def test_cli_import_of_a_good_file(world, tmp_path):
    from dangjian.members.models import Member

    path = tmp_path / "good.xlsx"
    path.write_bytes(workbook([good_row()]).getvalue())
    call_command("import_roster", str(path), "--user", "secretary")
    assert Member.objects.filter(name="孙立平", organization=world.orgs.a1).exists()
