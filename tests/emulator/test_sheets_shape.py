"""Sheets answers shaped like Google's: defaults left out, ranges filled in, no nulls, 403s.

The evidence is gspread's own cassettes, recorded against real Google (github.com/burnash/gspread,
tests/cassettes/*.json at tag v6.2.1), Google's Sheets reference, and Google's issue tracker.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import gspread
import pytest

OWNER = "ops@example-council.gov.uk"
STRANGER = "stranger@example-council.gov.uk"
SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"


@pytest.fixture
def book(gspread_for: Callable[[str], gspread.Client]) -> gspread.Spreadsheet:
    return gspread_for(OWNER).create("Shapes")


def _raw(workspace: Any, user: str, method: str, url: str, body: Any = None) -> Any:
    """One HTTP round trip as `user`, returning (status, parsed JSON body)."""
    session = workspace.session(user)
    try:
        answer = session.request(method, url, json=body)
        return answer.status_code, answer.json()
    finally:
        session.close()


def _nulls(value: Any, path: str = "") -> Iterator[str]:
    if value is None:
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nulls(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _nulls(item, f"{path}[{i}]")


def test_ranges_on_the_first_sheet_leave_sheet_id_0_out(book: gspread.Spreadsheet) -> None:
    """Google serialises GridRange.sheetId (a plain int32) only when it is not 0, but keeps a
    range's start indexes at 0: gspread's cassettes CellTest.test_define_named_range
    (namedRanges[].range), WorksheetTest.test_add_protected_range_normal (protectedRanges[].range),
    CellTest.test_merge_cells (merges[]) all read {"startRowIndex": 0, "endRowIndex": 2, ...}
    with no sheetId. SheetProperties keep `sheetId: 0` and `index: 0` (same cassettes)."""
    ws = book.sheet1
    ws.define_named_range("A1:B2", "Pair")
    ws.add_protected_range("A1:B2", description="keep")
    ws.merge_cells("C1:D2")
    meta = book.fetch_sheet_metadata()
    sheet = meta["sheets"][0]
    expected = {"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2}
    assert meta["namedRanges"][0]["range"] == expected
    assert sheet["protectedRanges"][0]["range"] == expected
    assert sheet["merges"] == [{**expected, "startColumnIndex": 2, "endColumnIndex": 4}]
    assert sheet["properties"]["sheetId"] == 0 and sheet["properties"]["index"] == 0


def test_a_second_sheet_keeps_its_sheet_id(book: gspread.Spreadsheet) -> None:
    """The omission is of the default value only: any other sheetId is sent."""
    other = book.add_worksheet("Other", rows=10, cols=5)
    other.define_named_range("A1:A2", "Col")
    assert book.fetch_sheet_metadata()["namedRanges"][0]["range"]["sheetId"] == other.id != 0


def test_basic_filter_range_is_filled_in_to_the_grid(book: gspread.Spreadsheet) -> None:
    """setBasicFilter with `{"sheetId": 0}` reads back bounded by the grid as it was then:
    {"startRowIndex": 0, "endRowIndex": 20, "startColumnIndex": 0, "endColumnIndex": 20} on a
    20 x 20 sheet (gspread's cassette WorksheetTest.test_basic_filters). Rows added later stay
    outside the filter."""
    ws = book.sheet1
    ws.resize(20, 20)
    ws.set_basic_filter()
    rng = book.fetch_sheet_metadata()["sheets"][0]["basicFilter"]["range"]
    assert rng == {
        "startRowIndex": 0,
        "endRowIndex": 20,
        "startColumnIndex": 0,
        "endColumnIndex": 20,
    }
    ws.add_rows(10)
    again = book.fetch_sheet_metadata()["sheets"][0]["basicFilter"]["range"]
    assert again["endRowIndex"] == 20


def test_false_and_zero_defaults_are_left_out(book: gspread.Spreadsheet) -> None:
    """A sheet that is not hidden has no `hidden` key ("the response does not include some
    default values. if missing => value is False": issuetracker.google.com/issues/229298342,
    quoted in gspread's WorksheetTest.test_hide_show_worksheet); likewise a protected range that
    is not warning-only, and frozen counts of 0."""
    ws = book.add_worksheet("Visible", rows=5, cols=5)
    book.batch_update(
        {
            "requests": [
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {"sheetId": ws.id, "startRowIndex": 0, "endRowIndex": 1},
                            "warningOnly": False,
                        }
                    }
                },
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": ws.id, "gridProperties": {"frozenRowCount": 0}},
                        "fields": "gridProperties.frozenRowCount",
                    }
                },
            ]
        }
    )
    sheet = book.fetch_sheet_metadata()["sheets"][1]
    assert "hidden" not in sheet["properties"]
    assert "frozenRowCount" not in sheet["properties"]["gridProperties"]
    assert "warningOnly" not in sheet["protectedRanges"][0]
    ws.hide()
    assert book.fetch_sheet_metadata()["sheets"][1]["properties"]["hidden"] is True


def test_nulls_are_never_sent(book: gspread.Spreadsheet, workspace: Any) -> None:
    """Google's JSON never carries null: a proto field is either set or absent (the Sheets
    reference documents every field as optional; gspread's cassettes hold no null at all)."""
    book.batch_update(
        {
            "requests": [
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                            "description": None,
                            "warningOnly": True,
                        }
                    }
                },
                {"addNamedRange": {"namedRange": {"name": "N", "range": {"sheetId": 0}}}},
            ]
        }
    )
    status, body = _raw(workspace, OWNER, "GET", f"{SHEETS}/{book.id}?includeGridData=true")
    assert status == 200
    assert list(_nulls(body)) == []


def test_unknown_id_is_404_and_a_closed_spreadsheet_is_403_without_errors_list(
    book: gspread.Spreadsheet, workspace: Any
) -> None:
    """Sheets errors are {"error": {"code", "message", "status"}}, no `errors` list; an unknown
    id is 404 NOT_FOUND "Requested entity was not found." and a spreadsheet the caller may not
    open is 403 PERMISSION_DENIED "The caller does not have permission" (gspread's cassettes
    ClientTest.test_access_non_existing_spreadsheet and ClientTest.test_access_private_spreadsheet)."""
    status, body = _raw(workspace, STRANGER, "GET", f"{SHEETS}/{book.id}?includeGridData=false")
    assert (status, body) == (
        403,
        {
            "error": {
                "code": 403,
                "message": "The caller does not have permission",
                "status": "PERMISSION_DENIED",
            }
        },
    )
    status, body = _raw(workspace, OWNER, "GET", f"{SHEETS}/test?includeGridData=false")
    assert (status, body) == (
        404,
        {
            "error": {
                "code": 404,
                "message": "Requested entity was not found.",
                "status": "NOT_FOUND",
            }
        },
    )
    status, body = _raw(workspace, STRANGER, "GET", f"{SHEETS}/{book.id}/values/A1")
    assert status == 403 and "errors" not in body["error"]


def test_a_bad_request_has_no_errors_list(book: gspread.Spreadsheet, workspace: Any) -> None:
    """gspread's cassette WorksheetTest.test_hide_show_worksheet: hiding the only sheet is
    400 {"code": 400, "message": "Invalid requests[0].updateSheetProperties: You can't hide all
    the sheets in a document.", "status": "INVALID_ARGUMENT"}."""
    request = {
        "requests": [
            {
                "updateSheetProperties": {
                    "properties": {"sheetId": 0, "hidden": True},
                    "fields": "hidden",
                }
            }
        ]
    }
    status, body = _raw(workspace, OWNER, "POST", f"{SHEETS}/{book.id}:batchUpdate", request)
    assert (status, body) == (
        400,
        {
            "error": {
                "code": 400,
                "message": "Invalid requests[0].updateSheetProperties: You can't hide all the "
                "sheets in a document.",
                "status": "INVALID_ARGUMENT",
            }
        },
    )


def test_a_field_mask_decides_whether_grid_data_comes_back(book: gspread.Spreadsheet) -> None:
    """spreadsheets.get: includeGridData "is ignored if a field mask was set in the request"
    (Sheets reference, developers.google.com/sheets/api/reference/rest/v4/spreadsheets/get);
    gspread's cassette WorksheetTest.test_format sends includeGridData=False with
    fields=sheets.data.rowData.values.userEnteredFormat and gets the data."""
    ws = book.sheet1
    ws.update_note("A1", "read me")
    got = book._spreadsheets_get(
        {
            "includeGridData": False,
            "ranges": ["Sheet1!A1"],
            "fields": "sheets.data.rowData.values.note",
        }
    )
    assert got == {"sheets": [{"data": [{"rowData": [{"values": [{"note": "read me"}]}]}]}]}
    empty = book._spreadsheets_get(
        {"ranges": ["Sheet1!B5"], "fields": "sheets.data.rowData.values.note"}
    )
    assert empty == {"sheets": [{"data": [{}]}]}
    plain = book._spreadsheets_get({"includeGridData": True, "fields": "sheets.properties.title"})
    assert plain == {"sheets": [{"properties": {"title": "Sheet1"}}]}


def test_colours_come_back_with_their_style_twin(book: gspread.Spreadsheet) -> None:
    """gspread's cassette WorksheetTest.test_format: a format set with backgroundColor
    {"green": 1, "blue": 1} and foregroundColor {"red": 1, "green": 1} reads back with zero
    components left out and `backgroundColorStyle` / `foregroundColorStyle` {"rgbColor": ...}."""
    ws = book.sheet1
    ws.format(
        "A2",
        {
            "backgroundColor": {"red": 0, "green": 1, "blue": 1},
            "textFormat": {"foregroundColor": {"red": 1, "green": 1, "blue": 0}},
        },
    )
    got = book._spreadsheets_get(
        {"ranges": ["Sheet1!A2"], "fields": "sheets.data.rowData.values.userEnteredFormat"}
    )
    fmt = got["sheets"][0]["data"][0]["rowData"][0]["values"][0]["userEnteredFormat"]
    assert fmt == {
        "backgroundColor": {"green": 1, "blue": 1},
        "backgroundColorStyle": {"rgbColor": {"green": 1, "blue": 1}},
        "textFormat": {
            "foregroundColor": {"red": 1, "green": 1},
            "foregroundColorStyle": {"rgbColor": {"red": 1, "green": 1}},
        },
    }


def test_merge_types_and_values_kept(book: gspread.Spreadsheet) -> None:
    """MERGE_ROWS of A1:B2 is two merges, a later MERGE_ALL of A1:B2 replaces them with one
    (gspread's cassette CellTest.test_merge_cells); only each merge's top-left value stays
    (WorksheetTest.test_get_merge_cells_and_unmerge_cells)."""
    ws = book.sheet1
    ws.update([["1", "2"], ["3", "4"]], "A1:B2")
    ws.merge_cells("A1:B2", merge_type="MERGE_ROWS")
    assert len(book.fetch_sheet_metadata()["sheets"][0]["merges"]) == 2
    assert ws.get_values("A1:B2") == [["1"], ["3"]]
    ws.merge_cells("A1:B2")
    assert len(book.fetch_sheet_metadata()["sheets"][0]["merges"]) == 1
    assert ws.get_values("A1:B2") == [["1"]]


def test_a_named_range_after_a_sheet_title(book: gspread.Spreadsheet) -> None:
    """`'Sheet1'!NamedRange` reads the named range (gspread's cassette
    WorksheetTest.test_get_values_merge_cells_with_named_range: range "Sheet1!B1:C3")."""
    ws = book.sheet1
    ws.update([["1", "2", "4"]], "A1:C1")
    ws.define_named_range("B1:C3", "NamedRange")
    got = book.values_get("'Sheet1'!NamedRange")
    assert got["range"] == "Sheet1!B1:C3" and got["values"] == [["2", "4"]]
    assert json.dumps(got).count("null") == 0
