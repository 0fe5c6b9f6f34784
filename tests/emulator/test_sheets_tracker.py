"""The tracking Sheet as the gspread-based adapter leaves it, read back from the local Workspace.

Tabs, the 12 Sessions columns, formats, warning-only protections, the chart; the basic filter set
again when the Sessions tab grows (Google bounds a filter's range by the grid when it is set:
gspread's cassette WorksheetTest.test_basic_filters); a tracker whose first run was cut off after
creating the file is finished by the next run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gworkspace_supervision.errors import SupervisionError
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.google.sheet import Content, Tabs, TrackerSheet
from gworkspace_supervision.google.sheet_layout import COLOURS, HEADER

OPERATOR = "business.support@example-council.gov.uk"


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Connection]:
    connection = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    try:
        yield connection
    finally:
        connection.close()


def _tabs(rows: int) -> Tabs:
    sessions = [
        [f"s{i}", "Team", "Sam", "Ann", "Lena", "asye", 46500 + i, "", 46507 + i, "", "DUE", ""]
        for i in range(rows)
    ]
    return Tabs(sessions=sessions, state=[], summary=[["Month"]], overdue=[], meta={})


def _sync(conn: Connection, rows: int) -> TrackerSheet:
    sheet = TrackerSheet.open(conn, OPERATOR)
    assert sheet is not None
    sheet.acquire()
    try:
        sheet.write(_tabs(rows), sheet.read())
    finally:
        sheet.release()
    return sheet


def _meta(conn: Connection, sheet: TrackerSheet) -> dict[str, Any]:
    return dict(
        conn.gspread(OPERATOR).http_client.fetch_sheet_metadata(
            sheet.spreadsheet_id, params={"includeGridData": "false"}
        )
    )


def test_a_new_tracker_has_its_tabs_formats_protections_and_chart(conn: Connection) -> None:
    sheet = _sync(conn, 3)
    meta = _meta(conn, sheet)
    assert meta["properties"]["locale"] == "en_GB"
    assert meta["properties"]["timeZone"] == "Europe/London"
    tabs = {s["properties"]["title"]: s for s in meta["sheets"]}
    assert list(tabs) == ["Sessions", "Summary", "Overdue", "_state"]
    props = {t: s["properties"] for t, s in tabs.items()}
    assert [props[t]["sheetId"] for t in tabs] == [0, 1, 2, 9]
    assert props["_state"].get("hidden") is True and "hidden" not in props["Sessions"]
    assert props["Sessions"]["gridProperties"] == {
        "rowCount": 1000,
        "columnCount": 12,
        "frozenRowCount": 1,
    }
    sessions = tabs["Sessions"]
    status_rules = sessions["conditionalFormats"]
    assert [
        r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in status_rules
    ] == list(COLOURS)
    # column K from row 2 down; sheetId 0 is left out as Google does
    assert status_rules[0]["ranges"] == [
        {"startRowIndex": 1, "startColumnIndex": 10, "endColumnIndex": 11}
    ]
    protected = [p for s in meta["sheets"] for p in s.get("protectedRanges", [])]
    assert len(protected) == 4 and all(p["warningOnly"] for p in protected)
    assert sessions["protectedRanges"][0]["range"] == {
        "startRowIndex": 0,
        "startColumnIndex": 0,
        "endColumnIndex": 11,  # A:K, the Note column (L) stays editable
    }
    assert sessions["basicFilter"]["range"] == {
        "startRowIndex": 0,
        "endRowIndex": 1000,
        "startColumnIndex": 0,
        "endColumnIndex": 12,
    }
    chart = tabs["Summary"]["charts"][0]
    anchor = chart["position"]["overlayPosition"]["anchorCell"]
    assert (anchor["sheetId"], anchor["columnIndex"], anchor.get("rowIndex", 0)) == (1, 8, 0)
    header = sheet.values("Sessions!A1:L1")
    assert tuple(header[0]) == HEADER
    shown = sheet.values("Sessions!G2:I2")
    assert shown == [["2027-04-23", "", "2027-04-30"]]  # serial 46500: DATE yyyy-mm-dd on G, I


def test_growing_the_sessions_tab_sets_the_filter_again(conn: Connection) -> None:
    _sync(conn, 3)
    sheet = _sync(conn, 1200)
    meta = _meta(conn, sheet)
    sessions = meta["sheets"][0]
    assert sessions["properties"]["gridProperties"]["rowCount"] == 1401
    assert sessions["basicFilter"]["range"]["endRowIndex"] == 1401
    assert len(sheet.values("Sessions!A:A")) == 1201


def test_a_run_cut_off_after_creating_the_file_is_finished_next_time(conn: Connection) -> None:
    first = TrackerSheet.open(conn, OPERATOR)
    assert first is not None and first.created
    first.acquire()
    first.release()  # killed here: the file exists, its tabs do not
    reader = TrackerSheet.open(conn, OPERATOR, create=False)  # `report`, before any sync
    assert reader is not None and reader.read() == Content()
    again = TrackerSheet.open(conn, OPERATOR)
    assert again is not None and again.spreadsheet_id == first.spreadsheet_id
    assert not again.created
    again.acquire()
    assert again.read() == Content()  # nothing to read yet, and no call for it
    again.write(_tabs(2), Content())
    again.release()
    titles = [s["properties"]["title"] for s in _meta(conn, again)["sheets"]]
    assert titles == ["Sessions", "Summary", "Overdue", "_state"]
    assert len(again.values("Sessions!A:A")) == 3


def test_sheets_calls_go_through_gspread_and_are_metered(conn: Connection) -> None:
    """One round trip per call in the Meter, under the method id the local Workspace counts."""
    sheet = _sync(conn, 2)
    conn.workspace.reset_counters()
    before = conn.meter.round_trips
    sheet.acquire()
    sheet.read()
    sheet.release()
    methods = conn.workspace.counters()["methods"]
    assert methods == {
        "sheets.spreadsheets.batchUpdate": 2,
        "sheets.spreadsheets.get": 1,
        "sheets.spreadsheets.values.batchGet": 1,
    }
    assert conn.meter.round_trips - before == 4


def test_a_tracker_the_operator_cannot_edit_is_said_plainly(conn: Connection) -> None:
    """Sheets answers 403 PERMISSION_DENIED for a spreadsheet the caller may not open (see
    test_sheets_shape.py); settings naming someone else's Sheet get a message saying what to do,
    not a traceback, and nothing is written."""
    other = conn.gspread("someone.else@example-council.gov.uk").create("Not yours")
    sheet = TrackerSheet.open(conn, OPERATOR, spreadsheet_id=other.id)
    assert sheet is not None
    with pytest.raises(SupervisionError, match="cannot be edited by business.support@") as err:
        sheet.acquire()
    assert "remove tracker_sheet_id" in str(err.value)
    missing = TrackerSheet.open(conn, OPERATOR, spreadsheet_id="no-such-sheet")
    assert missing is not None
    with pytest.raises(SupervisionError, match="does not exist"):
        missing.acquire()
    assert other.fetch_sheet_metadata().get("developerMetadata") is None


def test_a_new_tracker_costs_six_sheets_and_drive_calls(conn: Connection) -> None:
    """Creating the tracker: one Drive files.create (with its appProperties), the lock, one
    metadata read, tabs and formats in one batchUpdate, the values in one, the unlock; no read
    of the empty tabs. (Before gspread: spreadsheets.create + drive.files.update + a read.)"""
    conn.workspace.reset_counters()
    _sync(conn, 3)
    methods = conn.workspace.counters()["methods"]
    assert methods == {
        "drive.files.list": 1,
        "drive.files.create": 1,
        "sheets.spreadsheets.batchUpdate": 3,
        "sheets.spreadsheets.get": 1,
        "sheets.spreadsheets.values.batchUpdate": 1,
    }


def test_transient_sheets_errors_are_retried_through_gspread(conn: Connection) -> None:
    """429 and 5xx answers are retried with backoff and counted in the meter; the tracker ends
    up written all the same (Sheets usage limits: going over the per-minute quota "generates a
    429: Too many requests HTTP status code response. If this happens, you should use an
    exponential backoff algorithm", developers.google.com/sheets/api/limits)."""
    conn.workspace.faults.set(error_rate=0.3, error_codes=[429, 500, 503], seed=7)
    try:
        sheet = _sync(conn, 5)
    finally:
        conn.workspace.faults.set(error_rate=0.0)
    assert conn.meter.retries > 0
    assert conn.workspace.counters()["errors"]
    assert len(sheet.values("Sessions!A:A")) == 6
