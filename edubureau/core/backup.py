"""Consistent online backups: SQLite's backup API, or pg_dump/pg_restore for PostgreSQL."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    pass


def _pg_env(db):
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args(db):
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return args


def _need(tool):
    if not shutil.which(tool):
        raise BackupError(f"找不到 {tool}，请安装 PostgreSQL 客户端（postgresql-client）。")


def backup(out: Path, using="default") -> Path:
    """Write a consistent copy of the live database to `out` (readers and writers may go on)."""
    conn = connections[using]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        dest = sqlite3.connect(tmp)
        try:
            conn.connection.backup(dest)
        finally:
            dest.close()
    elif conn.vendor == "postgresql":
        _need("pg_dump")
        db = conn.settings_dict
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(tmp), *_pg_args(db)],
            env=_pg_env(db), capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode:
            tmp.unlink(missing_ok=True)
            raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
    else:
        raise BackupError(f"不支持的数据库类型：{conn.vendor}")
    os.replace(tmp, out)  # never leave a half-written backup under the final name
    return out


def restore(path: Path, using="default") -> None:
    """Replace the database's contents with the backup at `path`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    head = path.open("rb").read(16)
    conn = connections[using]
    if conn.vendor == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            raise BackupError("该文件不是 SQLite 备份（当前数据库为 SQLite）。")
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("备份文件已损坏（完整性检查未通过），未做任何恢复。")
            conn.ensure_connection()
            source.backup(conn.connection)
        finally:
            source.close()
    elif conn.vendor == "postgresql":
        if not head.startswith(PGDUMP_MAGIC):
            raise BackupError("该文件不是 pg_dump 备份（当前数据库为 PostgreSQL）。")
        _need("pg_restore")
        db = conn.settings_dict
        conn.close()
        result = subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
             *_pg_args(db), str(path)],
            env=_pg_env(db), capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode:
            raise BackupError(f"pg_restore 失败（已回滚，数据库未改变）：{result.stderr.strip()}")
    else:
        raise BackupError(f"不支持的数据库类型：{conn.vendor}")
