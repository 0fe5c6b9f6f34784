"""Helpers for the security tests: the real CLI driven through a whole book + templates +
records + sync flow on a local Workspace, and a raw view of what the Workspace stores."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.emulator import LocalWorkspace
from gworkspace_supervision.services.demo import example_roster

EXAMPLE = example_roster()
DOMAIN = "example-council.gov.uk"
YEAR = "2027"
THROUGH = "2027-02-28"


def gws(folder: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--workspace", f"local:{folder}", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def inputs(roster: Path = EXAMPLE) -> list[str]:
    return ["--roster", str(roster), "--policy", "hillingdon", "--year", YEAR]


def full_flow(folder: Path, roster: Path = EXAMPLE) -> None:
    """Book the year in December, install templates, records for Jan-Feb on 1 March, sync."""
    steps = [
        ["emulator", "clock", "set", "2026-12-01T09:00:00Z"],
        ["book", *inputs(roster), "--send-updates", "none"],
        ["templates", "install"],
        ["emulator", "clock", "set", "2027-03-01T09:00:00Z"],
        ["records", *inputs(roster), "--through", THROUGH],
        ["sync", *inputs(roster)],
    ]
    for step in steps:
        result = gws(folder, *step)
        assert result.exit_code == 0, (step, result.output)


def stored(folder: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """Every (kind, id, document) the local Workspace holds, read straight from its SQLite."""
    with LocalWorkspace(folder) as ws, closing(sqlite3.connect(ws.store.path)) as db:
        rows = db.execute("SELECT kind, id, data FROM docs").fetchall()
    return [(kind, id_, json.loads(data)) for kind, id_, data in rows]
