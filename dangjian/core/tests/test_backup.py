"""Production 5: `dangjian backup DIR` then `dangjian restore DIR` gives back an identical database (every
table's row count and content checksum) and the uploaded files — on SQLite always, and on PostgreSQL in the
PostgreSQL run. The commands run as an operator runs them: in their own processes, against their own database."""
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from .servers import ROOT, clean_environ

DANGJIAN = str(Path(sys.executable).parent / "dangjian")

FINGERPRINT = "import json; from dangjian.core.backup import table_fingerprints; print(json.dumps(table_fingerprints()))"
GENERATIONS = "import json; from dangjian.core.generations import issued; print(json.dumps(issued()))"


def data(fingerprints):
    """The cache generations are not data: a restore moves them past every one issued before it."""
    return {t: f for t, f in fingerprints.items() if t != "core_generation"}
UPLOAD = ("from django.core.files.base import ContentFile; from django.core.files.storage import default_storage; "
          "default_storage.save('meetings/2026/11/纪要.pdf', ContentFile(b'%PDF-1.4 minutes'))")
MUTATE = ("from dangjian.members.models import Member; from dangjian.orgs.models import Organization; "
          "Member.objects.filter(pk__in=list(Member.objects.values_list('pk', flat=True)[:50])).update(name='改动'); "
          "Organization.objects.filter(code='G').update(name='改名'); "
          "from django.core.files.storage import default_storage; default_storage.delete('meetings/2026/11/纪要.pdf')")


def databases():
    yield "sqlite"
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        yield "postgresql"


@pytest.fixture(params=list(databases()))
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/live.sqlite3"
        return
    import psycopg

    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"dangjian_backup_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield f"{server}/{name}"
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_backup_restores_an_identical_database_and_the_files(tmp_path, database_url):
    env = {**clean_environ(), "DATABASE_URL": database_url, "DANGJIAN_MEDIA_ROOT": str(tmp_path / "media"),
           "DANGJIAN_SECRET_KEY": "backup-test-" + "k" * 40}

    def dj(*args, stdin=None):
        result = subprocess.run([DANGJIAN, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                                input=stdin)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    dj("migrate", "--noinput")
    dj("load_demo")
    dj("shell", "-v", "0", "-c", UPLOAD)
    before = json.loads(dj("shell", "-v", "0", "-c", FINGERPRINT))
    assert before["members_member"][0] > 1000
    out = dj("backup", str(tmp_path / "backup"))
    assert "已备份" in out and (tmp_path / "backup" / "manifest.json").exists()
    dj("shell", "-v", "0", "-c", MUTATE)
    assert json.loads(dj("shell", "-v", "0", "-c", FINGERPRINT)) != before
    issued = json.loads(dj("shell", "-v", "0", "-c", GENERATIONS))
    assert "已取消" in subprocess.run([DANGJIAN, "restore", str(tmp_path / "backup")], cwd=ROOT, env=env,
                                     capture_output=True, text=True, input="no\n").stderr
    assert "恢复" in dj("restore", str(tmp_path / "backup"), "--yes")
    assert data(json.loads(dj("shell", "-v", "0", "-c", FINGERPRINT))) == data(before)
    restored = json.loads(dj("shell", "-v", "0", "-c", GENERATIONS))
    assert issued and all(restored[topic] > n for topic, n in issued.items())
    assert (tmp_path / "media" / "meetings/2026/11/纪要.pdf").read_bytes() == b"%PDF-1.4 minutes"
