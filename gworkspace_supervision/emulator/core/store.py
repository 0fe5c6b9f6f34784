"""The local Workspace's state: JSON documents in one SQLite file, safe across processes.

Every API call runs in one `transaction()` (BEGIN IMMEDIATE), so two processes using the same
folder serialise their writes and a crash leaves either the whole call or none of it.

The database holds the text of every record, so it is private like the OAuth token: the folder
is created 0700 and the database and its WAL and shared-memory files are 0600 (tightened on
open when an older version left them readable by every local user).
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    parent TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS docs_parent ON docs (kind, parent);
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


FOLDER_MODE = 0o700
FILE_MODE = 0o600


def _private_folder(directory: Path, database: Path) -> None:
    """Make `directory` 0700 (parents as usual); an existing folder is tightened only when it
    already holds our database (a folder someone pointed us at keeps its own mode)."""
    if directory.exists() and not directory.is_dir():
        raise NotADirectoryError(f"{directory} is a file, not a local Workspace folder")
    created = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    if created or database.exists():
        _tighten(directory, FOLDER_MODE)


def _private_file(path: Path) -> None:
    """Create the database file 0600 before SQLite opens it, or tighten an existing one."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    except OSError as exc:
        raise OSError(exc.errno, f"cannot open the local Workspace database: {exc.strerror}",
                      str(path)) from None  # fmt: skip
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def _tighten(path: Path, mode: int = FILE_MODE) -> None:
    try:
        if stat.S_IMODE(path.stat().st_mode) & ~mode:
            path.chmod(mode)
    except FileNotFoundError:
        pass


class Store:
    """A tiny document store: (kind, id) -> JSON dict, grouped by `parent` (e.g. a calendar id)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / "workspace.sqlite3"
        _private_folder(self.directory, self.path)
        _private_file(self.path)
        self._local = threading.local()
        self._conn().executescript(SCHEMA)
        for suffix in ("-wal", "-shm", "-journal"):
            _tighten(Path(f"{self.path}{suffix}"))

    # -- connection and transactions -------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            self._local.depth = 0
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One atomic unit of work; nested calls join the outer transaction."""
        conn = self._conn()
        if self._local.depth:
            self._local.depth += 1
            try:
                yield self
            finally:
                self._local.depth -= 1
            return
        conn.execute("BEGIN IMMEDIATE")
        self._local.depth = 1
        try:
            yield self
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")
        finally:
            self._local.depth = 0

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- documents --------------------------------------------------------------------------
    def get(self, kind: str, id: str) -> dict[str, Any] | None:
        row = (
            self._conn()
            .execute("SELECT data FROM docs WHERE kind=? AND id=?", (kind, id))
            .fetchone()
        )
        return None if row is None else json.loads(row[0])

    def put(self, kind: str, id: str, data: dict[str, Any], parent: str = "") -> None:
        self._conn().execute(
            "INSERT INTO docs (kind, id, parent, data) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (kind, id) DO UPDATE SET parent=excluded.parent, data=excluded.data",
            (kind, id, parent, json.dumps(data, separators=(",", ":"))),
        )

    def delete(self, kind: str, id: str) -> bool:
        cur = self._conn().execute("DELETE FROM docs WHERE kind=? AND id=?", (kind, id))
        return cur.rowcount > 0

    def list(self, kind: str, parent: str | None = None) -> list[dict[str, Any]]:
        """Documents of a kind (optionally under one parent), in insertion order."""
        if parent is None:
            rows = self._conn().execute(
                "SELECT data FROM docs WHERE kind=? ORDER BY rowid", (kind,)
            )
        else:
            rows = self._conn().execute(
                "SELECT data FROM docs WHERE kind=? AND parent=? ORDER BY rowid", (kind, parent)
            )
        return [json.loads(r[0]) for r in rows]

    def count(self, kind: str) -> int:
        return int(
            self._conn().execute("SELECT COUNT(*) FROM docs WHERE kind=?", (kind,)).fetchone()[0]
        )

    # -- settings (clock, faults) and counters ------------------------------------------------
    def get_setting(self, name: str, default: Any = None) -> Any:
        row = self._conn().execute("SELECT value FROM settings WHERE name=?", (name,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_setting(self, name: str, value: Any) -> None:
        self._conn().execute(
            "INSERT INTO settings (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value=excluded.value",
            (name, json.dumps(value)),
        )

    def next_seq(self, name: str) -> int:
        """A monotonically increasing number per name (change ids, revision ids)."""
        self.bump("seq:" + name)
        return self.counter("seq:" + name)

    def bump(self, name: str, n: int = 1) -> None:
        self._conn().execute(
            "INSERT INTO counters (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value=value+excluded.value",
            (name, n),
        )

    def counter(self, name: str) -> int:
        row = self._conn().execute("SELECT value FROM counters WHERE name=?", (name,)).fetchone()
        return 0 if row is None else int(row[0])

    def counters(self, prefix: str = "") -> dict[str, int]:
        rows = self._conn().execute(
            "SELECT name, value FROM counters WHERE name LIKE ? ORDER BY name", (prefix + "%",)
        )
        return {name: int(value) for name, value in rows}

    def reset_counters(self, prefix: str = "") -> None:
        self._conn().execute(
            "DELETE FROM counters WHERE name LIKE ? AND name NOT LIKE 'seq:%'", (prefix + "%",)
        )
