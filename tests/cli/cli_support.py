"""Helpers for the CLI tests: run a command, and read back what the local Workspace holds.

The local Workspace counts every API call it serves by method id; a "write" is any method that is
not a read, so a dry run is proved by a zero count of writes, and the emails by its outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.emulator import LocalWorkspace

D = "example-council.gov.uk"
ANN, BO, CY, LM, HEAD = (f"{n}@{D}" for n in ("ann", "bo", "cy", "lm", "head"))
ROSTER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "line_manager_name,category,preferred_day,preferred_time\n"
    f"{ANN},Ann Ash,{BO},Bo Birch,{LM},Lee Moss,case_holding,Mon,10:00\n"
    f"{CY},Cy Cole,{BO},Bo Birch,{LM},Lee Moss,case_holding,Tue,10:00\n"
)
READ_SUFFIXES = (".list", ".get", ".export", ".instances", ".query", ".batchGet", "Token")


def run(args: Sequence[str], input: str | None = None) -> Result:
    """The CLI as a person runs it; stdout and stderr kept apart."""
    return CliRunner().invoke(cli, list(args), input=input)


def counters(directory: Path) -> dict[str, Any]:
    with LocalWorkspace(directory) as ws:
        return ws.counters()


def writes(directory: Path) -> dict[str, int]:
    """Every write method the local Workspace served since its counters were reset."""
    methods: dict[str, int] = counters(directory)["methods"]
    return {m: n for m, n in methods.items() if not m.endswith(READ_SUFFIXES)}


def outbox(directory: Path) -> list[dict[str, Any]]:
    with LocalWorkspace(directory) as ws:
        return ws.outbox()


def reset(directory: Path) -> None:
    with LocalWorkspace(directory) as ws:
        ws.reset_counters()


def set_clock(directory: Path, instant: str) -> None:
    with LocalWorkspace(directory) as ws:
        ws.clock.set(instant)


def setup(tmp_path: Path, settings: str | None = None) -> tuple[Path, list[str], list[str]]:
    """A workspace folder, `--workspace` (and `--config`) arguments, and roster arguments."""
    directory = tmp_path / "ws"
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    base = ["--workspace", f"local:{directory}"]
    if settings is not None:
        (tmp_path / "settings.toml").write_text(settings, encoding="utf-8")
        base += ["--config", str(tmp_path / "settings.toml")]
    return directory, base, ["--roster", str(tmp_path / "roster.csv"), "--policy", "hillingdon"]
