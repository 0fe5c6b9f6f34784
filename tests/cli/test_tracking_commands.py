"""The `sync`, `report`, `demo` and `export` commands through click, on a local Workspace."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.google.sheet_layout import COLOURS, HEADER
from gworkspace_supervision.services.demo import example_roster

EXAMPLE = example_roster()


def small_roster(tmp_path: Path) -> Path:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "roster.csv"
    path.write_text("\n".join(lines[:1] + lines[10:12]) + "\n", encoding="utf-8")
    return path


def test_sync_then_report_in_every_format(tmp_path: Path) -> None:
    runner = CliRunner()
    ws = f"local:{tmp_path / 'ws'}"
    roster = str(small_roster(tmp_path))
    base = ["--workspace", ws]
    common = ["--roster", roster, "--policy", "hillingdon"]
    assert (
        runner.invoke(cli, [*base, "emulator", "clock", "set", "2026-12-01T09:00:00Z"]).exit_code
        == 0
    )
    booked = runner.invoke(
        cli, [*base, "book", *common, "--year", "2027", "--send-updates", "none"]
    )
    assert booked.exit_code == 0, booked.output
    synced = runner.invoke(cli, [*base, "sync", *common, "--year", "2027", "--today", "2027-03-10"])
    assert synced.exit_code == 0, synced.output
    assert "Tracker (created): https://docs.google.com/spreadsheets/d/" in synced.output
    assert "As at Wed 10 Mar 2027" in synced.output

    as_json = runner.invoke(cli, [*base, "report", "--today", "2027-03-10", "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.stdout)["rows"]
    assert rows and set(rows[0]) == {
        "session_id", "supervisee_email", "supervisor_email", "team", "session_date",
        "record_due", "completed", "status",
    }  # fmt: skip
    held = [r for r in rows if r["session_date"] <= "2027-03-10"]
    assert held and all(r["status"] in ("DUE", "OVERDUE") for r in held)  # no records made
    assert all(r["status"] == "BOOKED" for r in rows if r["session_date"] > "2027-03-10")

    overdue = runner.invoke(
        cli, [*base, "report", "--overdue", "--today", "2027-03-10", "--format", "csv"]
    )
    assert overdue.exit_code == 0
    table = list(csv.DictReader(overdue.stdout.splitlines()))
    assert table and {r["status"] for r in table} == {"OVERDUE"}

    text = runner.invoke(cli, [*base, "report", "--today", "2027-03-10"])
    assert "Totals per team" in text.output and "Child in Need 1.1" in text.output
    assert "Example:" in runner.invoke(cli, ["sync", "--help"]).output
    assert "Example:" in runner.invoke(cli, ["report", "--help"]).output


def test_report_without_a_tracker_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--workspace", f"local:{tmp_path / 'ws'}", "report"])
    assert result.exit_code == 1
    assert "run `gws-supervision sync` first" in result.output
    assert "gws-supervision plan --roster FILE --year YEAR" in result.output


def test_demo_refuses_google() -> None:
    result = CliRunner().invoke(cli, ["--workspace", "google", "demo"])
    assert result.exit_code == 2
    assert "local Workspace only" in result.output


def test_demo_then_export(tmp_path: Path) -> None:
    runner = CliRunner()
    ws = ["--workspace", f"local:{tmp_path / 'ws'}"]
    demo = runner.invoke(cli, [*ws, "demo", "--today", "2027-01-22"])
    assert demo.exit_code == 0, demo.output
    assert "Supervision records as at Fri 22 Jan 2027" in demo.stdout
    assert "COMPLETE" in demo.stdout and "Totals per team" in demo.stdout
    assert f"--workspace local:{tmp_path / 'ws'} view" in demo.stderr  # how to look at it

    out = tmp_path / "export"
    exported = runner.invoke(cli, [*ws, "export", "--to", str(out)])
    assert exported.exit_code == 0, exported.output
    calendars = sorted((out / "calendars").glob("*.ics"))
    assert len(calendars) == 10  # the example roster's supervisors
    assert b"BEGIN:VEVENT" in calendars[0].read_bytes()
    records = sorted((out / "records").glob("Supervision record - *.html"))
    # one file per record in the Sheet, namesakes included (the example roster has two Amara Morgans)
    with (out / "tracker.csv").open(encoding="utf-8") as fh:
        linked = [row for row in csv.DictReader(fh) if row["Record"]]
    assert len(records) == len(linked)
    assert records and "Record status:" in records[0].read_text(encoding="utf-8")
    with (out / "tracker.csv").open(encoding="utf-8", newline="") as fh:
        shown = list(csv.reader(fh))
    assert tuple(shown[0]) == HEADER
    assert (out / "summary.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    book = load_workbook(out / "tracker.xlsx")
    sheet = book["Sessions"]
    assert tuple(c.value for c in sheet[1]) == HEADER
    seen: set[str] = set()
    for row in sheet.iter_rows(min_row=2):
        status = str(row[10].value)
        colour = COLOURS.get(status)
        if colour:
            assert str(row[10].fill.start_color.rgb).endswith(colour), status
            seen.add(status)
    assert {"COMPLETE", "OVERDUE"} <= seen
    assert len(list(sheet.iter_rows(min_row=2))) == len(shown) - 1
