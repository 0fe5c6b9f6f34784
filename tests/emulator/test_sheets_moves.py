"""copyPaste, cutPaste, sortRange, dimension groups and CSV export, as Google answers them.

Requests and replies as in gspread's cassettes recorded against Google (github.com/burnash/gspread,
tests/cassettes at v6.2.1): WorksheetTest.test_copy_cut_range, test_sort, test_group_rows,
test_group_columns, SpreadsheetTest.test_export_spreadsheet.
"""

from __future__ import annotations

from collections.abc import Callable

import gspread
import pytest


@pytest.fixture
def book(gspread_for: Callable[[str], gspread.Client]) -> gspread.Spreadsheet:
    return gspread_for("ops@example-council.gov.uk").create("Moves")


def test_copy_then_cut(book: gspread.Spreadsheet) -> None:
    """copy_range A1:A2 -> B1:B2 copies; cut_range A1:A2 -> C1 moves and empties the source."""
    ws = book.sheet1
    ws.update([["A1"], ["A2"]], "A1:A2")
    ws.format("A1", {"textFormat": {"bold": True}})
    ws.copy_range("A1:A2", "B1:B2")
    assert ws.get_values("B1:B2") == [["A1"], ["A2"]]
    ws.cut_range("A1:A2", "C1")
    assert ws.get_values("A1:C2") == [["", "A1", "A1"], ["", "A2", "A2"]]
    got = book._spreadsheets_get(
        {"ranges": ["Sheet1!A1:C1"], "fields": "sheets.data.rowData.values.userEnteredFormat"}
    )
    formats = got["sheets"][0]["data"][0]["rowData"][0]["values"]
    assert formats[0] == {} and formats[1] == formats[2] == {
        "userEnteredFormat": {"textFormat": {"bold": True}}
    }


def test_copy_repeats_over_a_larger_destination(book: gspread.Spreadsheet) -> None:
    """A destination a multiple of the source repeats it (CopyPasteRequest reference)."""
    ws = book.sheet1
    ws.update([["x", "y"]], "A1:B1")
    book.batch_update(
        {
            "requests": [
                {
                    "copyPaste": {
                        "source": {
                            "sheetId": 0,
                            "startRowIndex": 0,
                            "endRowIndex": 1,
                            "startColumnIndex": 0,
                            "endColumnIndex": 2,
                        },
                        "destination": {
                            "sheetId": 0,
                            "startRowIndex": 2,
                            "endRowIndex": 4,
                            "startColumnIndex": 0,
                            "endColumnIndex": 4,
                        },
                        "pasteType": "PASTE_VALUES",
                    }
                }
            ]
        }
    )
    assert ws.get_values("A3:D4") == [["x", "y", "x", "y"], ["x", "y", "x", "y"]]


def test_sort_range_by_columns(book: gspread.Spreadsheet) -> None:
    """gspread's test_sort: rows reordered by one or two sort specs, ascending or descending."""
    ws = book.sheet1
    ws.resize(5, 3)
    rows = [
        ["Apple", "2012", "4"],
        ["Banana", "2013", "3"],
        ["Canada", "2007", "1"],
        ["Dino", "2013", "2"],
    ]
    ws.update(rows, "A1:C4")
    ws.sort((3, "asc"), range="A1:C4")
    assert ws.get_all_values()[:4] == sorted(rows, key=lambda r: int(r[2]))
    ws.sort((2, "des"), (1, "asc"), range="A1:C4")
    assert [r[0] for r in ws.get_all_values()[:4]] == ["Banana", "Dino", "Apple", "Canada"]


def test_row_groups_are_added_listed_and_deleted(book: gspread.Spreadsheet) -> None:
    """addDimensionGroup answers the dimension's groups ({"range": {"dimension": "ROWS",
    "startIndex": 0, "endIndex": 2}, "depth": 1}, no sheetId 0); the sheet lists them as
    rowGroups; deleteDimensionGroup answers {} when none is left."""
    ws = book.sheet1
    reply = ws.add_dimension_group_rows(0, 2)
    assert reply["replies"][0]["addDimensionGroup"]["dimensionGroups"] == [
        {"range": {"dimension": "ROWS", "startIndex": 0, "endIndex": 2}, "depth": 1}
    ]
    assert ws.list_dimension_group_rows() == [
        {"range": {"dimension": "ROWS", "startIndex": 0, "endIndex": 2}, "depth": 1}
    ]
    gone = ws.delete_dimension_group_rows(0, 2)
    assert gone["replies"][0] == {"deleteDimensionGroup": {}}
    assert ws.list_dimension_group_rows() == []
    ws.add_dimension_group_columns(1, 3)
    assert ws.list_dimension_group_columns()[0]["range"]["dimension"] == "COLUMNS"


def test_export_as_csv(book: gspread.Spreadsheet) -> None:
    """Drive files.export to text/csv: the first sheet's values, b"a1,B2" for one row."""
    book.sheet1.update([["a1", "B2"]], "A1:B2")
    assert book.export(gspread.utils.ExportFormat.CSV) == b"a1,B2"
    book.sheet1.update([["x"]], "A3")
    assert book.export(gspread.utils.ExportFormat.CSV) == b"a1,B2\r\n,\r\nx,"
