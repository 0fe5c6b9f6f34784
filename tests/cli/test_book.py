"""`gws-supervision book` through click's CliRunner, on a local Workspace folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.emulator import LocalWorkspace
from gworkspace_supervision.services.demo import example_roster

EXAMPLE = str(example_roster())
# The example roster under Hillingdon: 40 supervision series (one per pair: ASYE and probation
# phases folded into one), 3 single events for sessions moved past their series' last rule
# occurrence (Google would not show them as RDATEs: domain.calendar_safe) and 123 single events
# from the policy's [[events]] (practice observations 5.2 f, PADA appraisals and reviews 6).
SERIES = 166


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    with LocalWorkspace(ws) as workspace:
        workspace.clock.set("2026-12-01T09:00:00Z")
    return ws


def counters(folder: Path) -> dict[str, int]:
    with LocalWorkspace(folder) as workspace:
        return workspace.counters()


def invoke(folder: Path, *args: str) -> object:
    argv = ["--workspace", f"local:{folder}", "book", "--roster", EXAMPLE, "--year", "2027"]
    return CliRunner().invoke(cli, argv + list(args))


def test_help_shows_an_example() -> None:
    result = CliRunner().invoke(cli, ["book", "--help"])
    assert result.exit_code == 0
    assert "Example: gws-supervision book" in result.output and "--send-updates" in result.output


def test_dry_run_prints_the_diff_and_writes_nothing(folder: Path) -> None:
    result = invoke(folder, "--policy", "hillingdon", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was written." in result.stdout
    assert f"series to create: {SERIES}" in result.stdout
    assert f"that would be emailed: {SERIES}" in result.stdout
    assert "create    Supervision: " in result.stdout
    assert "create    Practice observation: " in result.stdout
    assert (
        "create    PADA appraisal: " in result.stdout and "create    PADA review: " in result.stdout
    )
    assert counters(folder)["event_writes"] == 0


def test_book_then_book_again_changes_nothing(folder: Path) -> None:
    first = invoke(folder)
    assert first.exit_code == 0, first.output
    assert f"series created: {SERIES}" in first.stdout and f"emailed: {SERIES}" in first.stdout
    assert "HTTP round trips" in first.stdout
    second = invoke(folder, "--send-updates", "none")
    assert second.exit_code == 0, second.output
    assert f"series unchanged: {SERIES}" in second.stdout and "series created: 0" in second.stdout
    assert counters(folder)["emails"] == SERIES


def test_bad_roster_exits_2_before_any_call(folder: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    lines = Path(EXAMPLE).read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("@example-council.gov.uk", "@gmail.com", 1)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["--workspace", f"local:{folder}", "book", "--roster", str(bad), "--year", "2027"]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 2
    assert "line 3" in result.stderr and "outside the allowed domains" in result.stderr
    assert "Traceback" not in result.output
    assert counters(folder)["http"] == 0


def test_bad_workspace_spec_is_an_input_error(tmp_path: Path) -> None:
    argv = ["--workspace", "gogle", "book", "--roster", EXAMPLE, "--year", "2027"]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 2
    assert "use 'local:DIR'" in result.stderr


def test_quota_exhausted_exits_1_and_says_what_is_left(folder: Path) -> None:
    with LocalWorkspace(folder) as workspace:
        workspace.faults.set(quota_exceeded_after=0)
    result = invoke(folder)
    assert result.exit_code == 1
    assert "Google's usage limit stopped writes to" in result.stderr
    assert "Run the same command again later" in result.stderr
    assert "series created: 0" in result.stdout
    with LocalWorkspace(folder) as workspace:
        workspace.faults.clear()
    again = invoke(folder)
    assert again.exit_code == 0 and f"series created: {SERIES}" in again.stdout
