"""Items 6 and 7: the demo keeps to a folder of its own, a workspace whose clock is set says so
on the first line of every command, and --workspace/--config work after the command name."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from cli_support import ROSTER, run, set_clock, setup

from gworkspace_supervision.cli.main import hoist_global_options
from gworkspace_supervision.emulator import LocalWorkspace


def test_the_demo_never_touches_the_default_workspace(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Item 6: the demo froze the clock of .gws-workspace, so a roster booked there afterwards
    silently lost its early sessions."""
    monkeypatch.chdir(tmp_path)
    demo = run(["demo", "--today", "2027-01-20"])
    assert demo.exit_code == 0, demo.output
    assert not (tmp_path / ".gws-workspace").exists()
    assert (tmp_path / ".gws-demo").is_dir()
    assert "--workspace local:.gws-demo export" in demo.stderr
    # the user's own roster, booked in the default folder: real time, and no notice
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    year = str(datetime.now(UTC).year + 1)
    booked = run(["book", "--roster", "roster.csv", "--year", year, "--dry-run"])
    assert booked.exit_code == 0, booked.output
    assert "clock is set" not in booked.output
    with LocalWorkspace(tmp_path / ".gws-workspace") as ws:
        assert ws.clock.mode == "real"


def test_a_set_clock_is_said_on_the_first_line(tmp_path: Path) -> None:
    directory, base, roster = setup(tmp_path)
    set_clock(directory, "2026-12-01T09:00:00Z")
    for args in (
        ["book", *roster, "--year", "2027", "--dry-run"],
        ["templates", "install", "--dry-run"],
        ["rearrange", "--all", *roster, "--dry-run"],
        ["emulator", "counters"],
    ):
        result = run([*base, *args])
        assert result.exit_code == 0, result.output
        first = result.output.splitlines()[0]
        assert first.startswith("Note: this workspace's clock is set (frozen at 2026-12-01 09:00")
        assert "emulator clock reset" in first
    with LocalWorkspace(directory) as ws:
        ws.clock.reset()
    quiet = run([*base, "book", *roster, "--year", "2027", "--dry-run"])
    assert "clock is set" not in quiet.output


def test_workspace_and_config_after_the_command_name(tmp_path: Path) -> None:
    """Item 7: `book --workspace ...` was refused with "No such option"."""
    settings = '[organisation]\nname = "After Council"\n'
    directory, base, roster = setup(tmp_path, settings)
    set_clock(directory, "2026-12-01T09:00:00Z")
    after = run(["book", *roster, "--year", "2027", "--send-updates", "none", *base])
    assert after.exit_code == 0, after.output
    assert directory.is_dir()
    synced = run(["sync", *roster, "--year", "2027", "--today=2027-02-01", *base])
    assert synced.exit_code == 0, synced.output
    report = run(["report", "--format", "json", f"--workspace=local:{directory}"])
    assert report.exit_code == 0, report.output
    assert json.loads(report.stdout)["rows"]
    nested = run(["emulator", "clock", "show", "--workspace", f"local:{directory}"])
    assert nested.exit_code == 0 and "2026-12-01T09:00:00+00:00 (frozen)" in nested.output
    # the settings given after the command are the ones read
    bad = tmp_path / "bad.toml"
    bad.write_text("[organisation]\nnmae = 1\n", encoding="utf-8")
    refused = run(["plan", *roster, "--year", "2027", "--config", str(bad)])
    assert refused.exit_code == 2 and "organisation.nmae: unknown key" in refused.stderr


def test_hoisting_keeps_order_and_stops_at_double_dash() -> None:
    args = ["book", "--config", "a.toml", "--year", "2027", "--workspace=local:w", "--", "--config"]
    assert hoist_global_options(args) == [
        "--config", "a.toml", "--workspace=local:w", "book", "--year", "2027", "--", "--config",
    ]  # fmt: skip
    twice = ["--workspace", "local:a", "plan", "--workspace", "local:b"]
    assert hoist_global_options(twice) == [
        "--workspace",
        "local:a",
        "--workspace",
        "local:b",
        "plan",
    ]
