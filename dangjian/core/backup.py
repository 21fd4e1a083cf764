"""Backup and restore: the database and the uploaded files, as one directory.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean`; SQLite: the online backup API (a consistent copy
while the application keeps running). Uploaded files are copied beside it. `manifest.json` records each table's
row count, and `restore` compares the restored database with it before it says it is done."""
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

from dangjian.core import generations


class BackupError(Exception):
    pass


def pg_tool(name):
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise BackupError(f"找不到 {name}（请安装 postgresql-client）")
    return found


def pg_args(db):
    args = ["-h", str(db.get("HOST") or "localhost"), "-U", db.get("USER") or "postgres"]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    for option, variable in (("sslmode", "PGSSLMODE"),):
        if db.get("OPTIONS", {}).get(option):
            env[variable] = db["OPTIONS"][option]
    return args, env


def table_counts():
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def table_fingerprints():
    """Per table: (row count, SHA-256 of every row in primary-key order) — what "identical" means for a restore."""
    out = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")
            digest, n = hashlib.sha256(), 0
            for row in cursor.fetchall():
                digest.update(repr(tuple(str(v) for v in row)).encode())
                n += 1
            out[table] = [n, digest.hexdigest()]
    return out


def backup(target):
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        args, env = pg_args(db)
        subprocess.run([pg_tool("pg_dump"), *args, "--format=custom", "--no-owner", "-f", str(target / "db.dump"),
                        db["NAME"]], env=env, check=True, capture_output=True)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target / "db.sqlite3") as dest:
            connection.connection.backup(dest)
        dest.close()
    else:
        raise BackupError(f"不支持的数据库：{connection.vendor}")
    media = Path(settings.MEDIA_ROOT)
    if (target / "media").exists():
        shutil.rmtree(target / "media")
    if media.exists():
        shutil.copytree(media, target / "media")
    manifest = {"vendor": connection.vendor, "tables": table_counts(),
                "files": sum(1 for p in (target / "media").rglob("*") if p.is_file()) if (target / "media").exists() else 0}
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def restore(source):
    source = Path(source)
    manifest = json.loads((source / "manifest.json").read_text())
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"备份来自 {manifest['vendor']}，当前数据库是 {connection.vendor}")
    db = settings.DATABASES["default"]
    issued = generations.issued()
    if connection.vendor == "postgresql":
        connections.close_all()
        args, env = pg_args(db)
        result = subprocess.run([pg_tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                                 "-d", db["NAME"], str(source / "db.dump")], env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(result.stderr.strip()[-2000:])
    else:
        connection.ensure_connection()
        with sqlite3.connect(source / "db.sqlite3") as src:
            src.backup(connection.connection)
        src.close()
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.rmtree(media)
    if (source / "media").exists():
        shutil.copytree(source / "media", media)
    counts = table_counts()
    differ = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if differ:
        raise BackupError(f"恢复后的行数与备份不一致：{differ}")
    generations.move_past(issued)  # the restored ones are older: no figure cached from the live data is read again
    return manifest
