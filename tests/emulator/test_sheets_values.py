"""Sheets v4 values through the real gspread and google-api-python-client against the emulator."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import gspread
import pytest
from googleapiclient.errors import HttpError

OPS = "ops@example-council.gov.uk"
LM = "lm@example-council.gov.uk"
STRANGER = "someone@example-council.gov.uk"


@pytest.fixture
def sheet_id(sheets_for: Callable[[str], Any]) -> str:
    created = (
        sheets_for(OPS).spreadsheets().create(body={"properties": {"title": "Tracker"}}).execute()
    )
    return str(created["spreadsheetId"])


def test_create_defaults_like_google(sheets_for: Callable[[str], Any], workspace: Any) -> None:
    created = sheets_for(OPS).spreadsheets().create(body={"properties": {"title": "T"}}).execute()
    props = created["sheets"][0]["properties"]
    assert props == {
        "sheetId": 0,
        "title": "Sheet1",
        "index": 0,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": 1000, "columnCount": 26},
    }
    assert created["spreadsheetUrl"].endswith(f"/d/{created['spreadsheetId']}/edit")
    file = workspace.store.get("file", created["spreadsheetId"])
    assert file["mimeType"] == "application/vnd.google-apps.spreadsheet"
    assert file["owners"][0]["emailAddress"] == OPS


def test_update_raw_keeps_text_user_entered_parses(
    gspread_for: Callable[[str], gspread.Client], sheet_id: str
) -> None:
    ws = gspread_for(OPS).open_by_key(sheet_id).sheet1
    link = '=HYPERLINK("https://docs.google.com/document/d/abc/edit","Record")'
    ws.update([[link, "42", "TRUE", "2027-01-04"]], "A1", raw=True)
    ws.update([[link, "42", "TRUE", "2027-01-04", "'0123", "12.5%"]], "A2", raw=False)
    formulas = ws.get("A1:F2", value_render_option="FORMULA")
    assert formulas[0] == [link, "42", "TRUE", "2027-01-04"]
    assert formulas[1] == [link, 42, True, 46391, "0123", 0.125]
    shown = ws.get("A1:F2")
    assert shown[0] == [link, "42", "TRUE", "2027-01-04"]
    assert shown[1] == ["Record", "42", "TRUE", "2027-01-04", "0123", "12.50%"]


def test_dates_are_serial_numbers_with_a_date_format(
    gspread_for: Callable[[str], gspread.Client], sheets_for: Callable[[str], Any], sheet_id: str
) -> None:
    ws = gspread_for(OPS).open_by_key(sheet_id).sheet1
    ws.update([["2027-01-04", "04/01/2027", "2027-03-10 14:30"]], "A1", raw=False)
    assert ws.get("A1:C1", value_render_option="UNFORMATTED_VALUE") == [
        [46391, 46478, 46456.604166666664]
    ]
    assert ws.get(
        "A1:A1", value_render_option="UNFORMATTED_VALUE", date_time_render_option="FORMATTED_STRING"
    ) == [["2027-01-04"]]
    got = (
        sheets_for(OPS)
        .spreadsheets()
        .get(spreadsheetId=sheet_id, ranges=["Sheet1!A1:B1"], includeGridData=True)
        .execute()
    )
    cell = got["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["userEnteredValue"] == {"numberValue": 46391}
    assert cell["effectiveValue"] == {"numberValue": 46391}
    assert cell["formattedValue"] == "2027-01-04"
    assert cell["userEnteredFormat"]["numberFormat"] == {"type": "DATE", "pattern": "yyyy-mm-dd"}
    us_style = got["sheets"][0]["data"][0]["rowData"][0]["values"][1]
    assert us_style["formattedValue"] == "4/1/2027"  # en_US: month first


def test_locale_decides_day_month_order(sheets_for: Callable[[str], Any]) -> None:
    svc = sheets_for(OPS)
    sid = (
        svc.spreadsheets()
        .create(body={"properties": {"title": "GB", "locale": "en_GB"}})
        .execute()["spreadsheetId"]
    )
    svc.spreadsheets().values().update(
        spreadsheetId=sid,
        range="A1",
        valueInputOption="USER_ENTERED",
        body={"values": [["04/01/2027"]]},
    ).execute()
    got = (
        svc.spreadsheets()
        .values()
        .get(spreadsheetId=sid, range="A1", valueRenderOption="UNFORMATTED_VALUE")
        .execute()
    )
    assert got == {"range": "Sheet1!A1", "majorDimension": "ROWS", "values": [[46391]]}


def test_get_all_values_and_records_trim_like_google(
    gspread_for: Callable[[str], gspread.Client], sheets_for: Callable[[str], Any], sheet_id: str
) -> None:
    ws = gspread_for(OPS).open_by_key(sheet_id).sheet1
    ws.update([["Session ID", "Team", "Note"], ["S1", "North", ""], ["S2", "", "late"]], "A1")
    assert ws.get_all_values() == [
        ["Session ID", "Team", "Note"],
        ["S1", "North", ""],
        ["S2", "", "late"],
    ]
    trimmed = ws.spreadsheet.values_get("Sheet1")["values"]  # Google trims trailing empty cells
    assert trimmed == [["Session ID", "Team", "Note"], ["S1", "North"], ["S2", "", "late"]]
    assert ws.get_all_records() == [
        {"Session ID": "S1", "Team": "North", "Note": ""},
        {"Session ID": "S2", "Team": "", "Note": "late"},
    ]
    whole = (
        sheets_for(OPS)
        .spreadsheets()
        .values()
        .get(spreadsheetId=sheet_id, range="Sheet1")
        .execute()
    )
    assert whole["range"] == "Sheet1!A1:Z1000"
    cols = (
        sheets_for(OPS)
        .spreadsheets()
        .values()
        .get(spreadsheetId=sheet_id, range="A:C", majorDimension="COLUMNS")
        .execute()
    )
    assert cols["range"] == "Sheet1!A1:C1000"
    assert cols["values"] == [["Session ID", "S1", "S2"], ["Team", "North"], ["Note", "", "late"]]


def test_update_errors_like_google(sheets_for: Callable[[str], Any], sheet_id: str) -> None:
    values = sheets_for(OPS).spreadsheets().values()
    with pytest.raises(HttpError) as exc:
        values.update(
            spreadsheetId=sheet_id,
            range="A1:B1",
            valueInputOption="RAW",
            body={"values": [[1, 2, 3]]},
        ).execute()
    assert exc.value.resp.status == 400
    assert "tried writing to column [C]" in str(exc.value)
    with pytest.raises(HttpError) as exc:
        values.update(
            spreadsheetId=sheet_id,
            range="A1000",
            valueInputOption="RAW",
            body={"values": [[1], [2]]},
        ).execute()
    assert "exceeds grid limits. Max rows: 1000, max columns: 26" in str(exc.value)
    with pytest.raises(HttpError) as exc:
        values.update(spreadsheetId=sheet_id, range="A1", body={"values": [[1]]}).execute()
    assert exc.value.resp.status == 400
    with pytest.raises(HttpError) as exc:
        values.get(spreadsheetId=sheet_id, range="Nope!A1").execute()
    assert "Unable to parse range: Nope!A1" in str(exc.value)


def test_quoted_sheet_names_and_unbounded_ranges(
    gspread_for: Callable[[str], gspread.Client], sheet_id: str
) -> None:
    sh = gspread_for(OPS).open_by_key(sheet_id)
    ws = sh.add_worksheet("My sheet", rows=10, cols=5)
    resp = ws.update([["a", "b"], ["c", "d"], ["e", "f"]], "B2")
    assert resp["updatedRange"] == "'My sheet'!B2:C4"
    assert sh.values_get("'My sheet'!C:C")["values"] == [[], ["b"], ["d"], ["f"]]
    assert sh.values_get("'My sheet'!3:4") == {
        "range": "'My sheet'!A3:E4",
        "majorDimension": "ROWS",
        "values": [["", "c", "d"], ["", "e", "f"]],
    }
    assert sh.values_get("'My sheet'!B3:C")["range"] == "'My sheet'!B3:C10"


def test_append_rows_finds_the_table(
    gspread_for: Callable[[str], gspread.Client], sheet_id: str
) -> None:
    """Over a whole sheet, the table is the last block of data (gspread's cassette
    WorksheetTest.test_append_row_with_empty_value: A1 and C1 filled, table "Sheet1!C1"; "the
    append will only occur after the last row in the entire sheet where there is text",
    yagisanatode.com on the Sheets API append); from one cell, the block starting there
    (test_append_row_with_empty_value_and_table_range: table "Sheet1!A1")."""
    ws = gspread_for(OPS).open_by_key(sheet_id).sheet1
    ws.update([["ID", "Name"], ["1", "Ann"]], "A1")
    ws.update([["footnote"]], "A10")
    res = ws.append_rows([["2", "Bob"], ["3", "Cy"]], table_range="A1")
    assert res["tableRange"] == "Sheet1!A1:B2"
    assert res["updates"]["updatedRange"] == "Sheet1!A3:B4"
    assert res["updates"]["updatedCells"] == 4
    assert ws.get_all_values()[:4] == [["ID", "Name"], ["1", "Ann"], ["2", "Bob"], ["3", "Cy"]]
    after = ws.append_rows([["x", "y"]])
    assert after["tableRange"] == "Sheet1!A10"
    assert after["updates"]["updatedRange"] == "Sheet1!A11:B11"
    ws.append_rows([["4", "Di"]], table_range="A1", insert_data_option="INSERT_ROWS")
    assert ws.get("A10:B12") == [[], ["footnote"], ["x", "y"]]
    assert gspread_for(OPS).open_by_key(sheet_id).sheet1.row_count == 1001


def test_append_at_an_empty_cell_writes_there(
    gspread_for: Callable[[str], gspread.Client], sheet_id: str
) -> None:
    """gspread's insert_row inserts an empty row 2 and appends at 'Sheet1'!A2: Google writes
    at A2, above the data that moved down (cassette WorksheetTest.test_insert_row: no
    tableRange, updatedRange "Sheet1!A2:H2")."""
    ws = gspread_for(OPS).open_by_key(sheet_id).sheet1
    ws.update([["a"], ["b"]], "A1")
    ws.insert_row(["new"], 2)
    assert ws.col_values(1) == ["a", "new", "b"]


def test_append_past_the_end_adds_rows(sheets_for: Callable[[str], Any]) -> None:
    svc = sheets_for(OPS)
    body = {
        "sheets": [
            {"properties": {"title": "Small", "gridProperties": {"rowCount": 2, "columnCount": 3}}}
        ]
    }
    sid = svc.spreadsheets().create(body=body).execute()["spreadsheetId"]
    values = svc.spreadsheets().values()
    values.update(
        spreadsheetId=sid,
        range="Small!A1",
        valueInputOption="RAW",
        body={"values": [["h"], ["r1"]]},
    ).execute()
    res = values.append(
        spreadsheetId=sid, range="Small", valueInputOption="RAW", body={"values": [["r2"], ["r3"]]}
    ).execute()
    assert res["updates"]["updatedRange"] == "Small!A3:A4"
    grid = (
        svc.spreadsheets()
        .get(spreadsheetId=sid)
        .execute()["sheets"][0]["properties"]["gridProperties"]
    )
    assert grid["rowCount"] == 4
    with pytest.raises(HttpError) as exc:
        values.append(
            spreadsheetId=sid,
            range="Small",
            valueInputOption="RAW",
            body={"values": [[1, 2, 3, 4]]},
        ).execute()
    assert "exceeds grid limits" in str(exc.value)


def test_batch_update_and_batch_get_through_googleapiclient(
    sheets_for: Callable[[str], Any], sheet_id: str
) -> None:
    values = sheets_for(OPS).spreadsheets().values()
    res = values.batchUpdate(
        spreadsheetId=sheet_id,
        body={
            "valueInputOption": "USER_ENTERED",
            "data": [
                {"range": "A1:B2", "values": [["x", "1"], ["y", "2"]]},
                {"range": "D1", "majorDimension": "COLUMNS", "values": [["=SUM(B1:B2)", "=B2/0"]]},
            ],
        },
    ).execute()
    assert res["totalUpdatedCells"] == 6
    assert res["totalUpdatedSheets"] == 1
    assert [r["updatedRange"] for r in res["responses"]] == ["Sheet1!A1:B2", "Sheet1!D1:D2"]
    got = values.batchGet(
        spreadsheetId=sheet_id, ranges=["B1:B2", "D1:D2"], valueRenderOption="UNFORMATTED_VALUE"
    ).execute()
    assert [vr["values"] for vr in got["valueRanges"]] == [[[1], [2]], [[3], ["#DIV/0!"]]]


def test_clear_and_batch_clear_keep_formats(
    gspread_for: Callable[[str], gspread.Client], sheet_id: str
) -> None:
    ws = gspread_for(OPS).open_by_key(sheet_id).sheet1
    ws.update([["a", "b"], ["c", "d"]], "A1")
    ws.format("A1", {"textFormat": {"bold": True}})
    assert ws.batch_clear(["A1", "B2"])["clearedRanges"] == ["Sheet1!A1", "Sheet1!B2"]
    assert ws.spreadsheet.values_get("Sheet1")["values"] == [["", "b"], ["c"]]
    assert ws.spreadsheet.values_clear("Sheet1!A:B")["clearedRange"] == "Sheet1!A1:B1000"
    assert "values" not in ws.spreadsheet.values_get("Sheet1")
    meta = ws.spreadsheet.fetch_sheet_metadata({"includeGridData": "true", "ranges": "A1"})
    assert meta["sheets"][0]["data"][0]["rowData"][0]["values"][0]["userEnteredFormat"][
        "textFormat"
    ] == {"bold": True}


def test_acl_stranger_403_reader_403(
    gspread_for: Callable[[str], gspread.Client], workspace: Any, sheet_id: str
) -> None:
    """Sheets answers 403 to someone who may not open an existing spreadsheet (unlike Drive,
    whose 404 hides it); see test_sheets_shape.py for the source."""
    with pytest.raises(PermissionError):
        gspread_for(STRANGER).open_by_key(sheet_id)
    file = workspace.store.get("file", sheet_id)
    file["permissions"].append({"type": "user", "role": "reader", "emailAddress": LM, "id": "p-lm"})
    with workspace.store.transaction():
        workspace.store.put("file", sheet_id, file)
    ws = gspread_for(LM).open_by_key(sheet_id).sheet1
    assert ws.get_all_values() == [[]]
    with pytest.raises(gspread.exceptions.APIError) as exc:
        ws.update([["x"]], "A1")
    assert exc.value.response.status_code == 403


def test_every_write_touches_the_drive_file(
    gspread_for: Callable[[str], gspread.Client], workspace: Any, sheet_id: str
) -> None:
    before = workspace.store.get("file", sheet_id)["version"]
    ws = gspread_for(OPS).open_by_key(sheet_id).sheet1
    ws.update([["x"]], "A1")
    ws.format("A1", {"textFormat": {"bold": True}})
    assert int(workspace.store.get("file", sheet_id)["version"]) == int(before) + 2


def test_sessions_tab_of_5000_rows_is_fast(
    gspread_for: Callable[[str], gspread.Client], sheet_id: str
) -> None:
    ws = gspread_for(OPS).open_by_key(sheet_id).sheet1
    ws.resize(rows=5001, cols=12)
    rows = [
        [
            f"S{i}",
            "North",
            "sup@x",
            "sue@x",
            "lm@x",
            "A",
            "2027-01-04",
            "https://d/x",
            "2027-01-11",
            "",
            "DUE",
            "",
        ]
        for i in range(5000)
    ]
    started = time.perf_counter()
    ws.update([["h"] * 12, *rows], "A1", raw=False)
    ws.format("G2:G5001", {"numberFormat": {"type": "DATE", "pattern": "dd/mm/yyyy"}})
    got = ws.get_all_values()
    elapsed = time.perf_counter() - started
    assert len(got) == 5001
    assert got[1][6] == "04/01/2027"
    assert elapsed < 3.0, elapsed  # well under a second each on a developer machine


def test_protected_range_blocks_other_editors(
    gspread_for: Callable[[str], gspread.Client], workspace: Any, sheet_id: str
) -> None:
    owner_ws = gspread_for(OPS).open_by_key(sheet_id).sheet1
    owner_ws.add_protected_range("A1:B2", editor_users_emails=[OPS])
    owner_ws.add_protected_range("C1:C2", warning_only=True)
    owner_ws.update([["owner may"]], "A1")
    file = workspace.store.get("file", sheet_id)
    file["permissions"].append({"type": "user", "role": "writer", "emailAddress": LM, "id": "p-lm"})
    with workspace.store.transaction():
        workspace.store.put("file", sheet_id, file)
    ws = gspread_for(LM).open_by_key(sheet_id).sheet1
    ws.update([["warned only"]], "C1")
    with pytest.raises(gspread.exceptions.APIError) as exc:
        ws.update([["x", "y"]], "B2")
    assert "protected cell" in str(exc.value)
    assert ws.get("A1:C1") == [["owner may", "", "warned only"]]


def test_gspread_create_and_open_by_title(gspread_for: Callable[[str], gspread.Client]) -> None:
    client = gspread_for(OPS)
    created = client.create("Supervision tracker")
    created.sheet1.update([["Session ID"]], "A1")
    opened = client.open("Supervision tracker")
    assert opened.id == created.id
    assert opened.sheet1.get_all_values() == [["Session ID"]]
