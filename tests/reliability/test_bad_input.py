"""The bad-input corpus (tests/data/bad, issue 7): every broken roster, policy and settings file
is refused by the real CLI with exit status 2, a message naming the file, the line and the field,
no traceback, and not one API call on the local Workspace. Tolerated quirks (a BOM, blank lines,
CRLF, non-ASCII names) are accepted."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.emulator import LocalWorkspace

CORPUS = Path(__file__).resolve().parents[1] / "data" / "bad"
MANIFEST = tomllib.loads((CORPUS / "MANIFEST.toml").read_text(encoding="utf-8"))
BAD: list[dict[str, Any]] = MANIFEST["bad"]
GOOD: list[dict[str, Any]] = MANIFEST["good"]
OK_ROSTER = CORPUS / "ok_roster.csv"
EXTRA = {
    "plan": [],
    "book": ["--send-updates", "none"],
    "records": ["--through", "2027-03-31"],
    "sync": ["--today", "2027-03-31"],
}


def run(case: dict[str, Any], workspace: Path, command: str) -> Result:
    path = CORPUS / case["file"]
    roster, policy, config = OK_ROSTER, "hillingdon", []
    if case["kind"] == "roster":
        roster = path
    elif case["kind"] == "policy":
        policy = str(path)
    else:
        config = ["--config", str(path)]
    argv = ["--workspace", f"local:{workspace}", *config, command]
    argv += ["--roster", str(roster), "--policy", policy, "--year", "2027", *EXTRA[command]]
    return CliRunner().invoke(cli, argv)


def api_calls(workspace: Path) -> tuple[int, int]:
    with LocalWorkspace(workspace) as ws:
        counters = ws.counters()
    return counters["http"], counters["api"]


def test_the_corpus_is_big_enough_and_every_file_is_listed() -> None:
    listed = {c["file"] for c in BAD + GOOD}
    on_disk = {p.name for p in CORPUS.iterdir() if p.name != "MANIFEST.toml"}
    assert on_disk == listed
    assert len(BAD) >= 30
    kinds = {c["kind"] for c in BAD}
    assert kinds == {"roster", "policy", "settings"}
    assert {c["command"] for c in BAD} == {"plan", "book", "records", "sync"}


@pytest.mark.parametrize("case", BAD, ids=[c["file"] for c in BAD])
def test_bad_input_exits_2_naming_file_line_and_field_with_zero_writes(
    case: dict[str, Any], tmp_path: Path
) -> None:
    workspace = tmp_path / "ws"
    result = run(case, workspace, case["command"])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    message = result.stderr
    named = CORPUS / case.get("named", case["file"])
    where = f"{named}, line {case['line']}"
    where += f", {case['field']}: " if case.get("field") else ": "
    assert where in message, message
    line = next(text for text in message.splitlines() if where in text)
    assert case["message"] in line, message
    assert result.stdout == ""
    assert api_calls(workspace) == (0, 0)


@pytest.mark.parametrize("case", GOOD, ids=[c["file"] for c in GOOD])
def test_tolerated_quirks_are_accepted(case: dict[str, Any], tmp_path: Path) -> None:
    result = run(case, tmp_path / "ws", "plan")
    assert result.exit_code == 0, result.output
    assert "sessions: " in result.stdout


def test_names_survive_a_bom_and_unicode(tmp_path: Path) -> None:
    case = {"file": "good_unicode_names.csv", "kind": "roster"}
    result = run(case, tmp_path / "ws", "plan")
    assert result.exit_code == 0, result.output
    assert "Zoë O'Neil" in result.stdout
    bom = run({"file": "good_bom.csv", "kind": "roster"}, tmp_path / "ws", "plan")
    plain = run({"file": "ok_roster.csv", "kind": "roster"}, tmp_path / "ws", "plan")
    assert bom.stdout == plain.stdout
