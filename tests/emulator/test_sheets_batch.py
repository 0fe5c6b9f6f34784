"""Sheets v4 spreadsheets.batchUpdate / get: the tracker's formatting, filter, rules and chart read back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gspread
import pytest
from googleapiclient.errors import HttpError

OPS = "ops@example-council.gov.uk"
RED = {"red": 0.96, "green": 0.8, "blue": 0.8}


@pytest.fixture
def sheet_id(sheets_for: Callable[[str], Any]) -> str:
    body = {
        "properties": {
            "title": "Supervision tracker",
            "locale": "en_GB",
            "timeZone": "Europe/London",
        },
        "sheets": [
            {
                "properties": {
                    "title": "Sessions",
                    "gridProperties": {"rowCount": 50, "columnCount": 12},
                }
            }
        ],
    }
    return str(sheets_for(OPS).spreadsheets().create(body=body).execute()["spreadsheetId"])


def _get(sheets_for: Callable[[str], Any], sid: str, **kw: Any) -> dict[str, Any]:
    return dict(sheets_for(OPS).spreadsheets().get(spreadsheetId=sid, **kw).execute())


def test_gspread_worksheets_format_validation_freeze_filter(
    gspread_for: Callable[[str], gspread.Client], sheets_for: Callable[[str], Any], sheet_id: str
) -> None:
    sh = gspread_for(OPS).open_by_key(sheet_id)
    assert sh.title == "Supervision tracker" and sh.locale == "en_GB"
    ws = sh.worksheet("Sessions")
    summary = sh.add_worksheet("Summary", rows=20, cols=6)
    assert [w.title for w in sh.worksheets()] == ["Sessions", "Summary"]
    ws.update([["Session ID", "Status"], ["S1", "DUE"]], "A1")
    ws.format("A1:L1", {"textFormat": {"bold": True}, "backgroundColor": RED})
    ws.add_validation(
        "B2:B50",
        gspread.utils.ValidationConditionType.one_of_list,
        ["DUE", "OVERDUE"],
        showCustomUi=True,
    )
    ws.freeze(rows=1)
    ws.set_basic_filter("A1:L50")
    got = _get(sheets_for, sheet_id, ranges=["Sessions!A1:B2"], includeGridData=True)
    sheet = got["sheets"][0]
    assert sheet["properties"]["gridProperties"] == {
        "rowCount": 50,
        "columnCount": 12,
        "frozenRowCount": 1,
    }
    assert ws.id == 0  # Google leaves a GridRange's sheetId 0 out (see test_sheets_shape.py)
    assert sheet["basicFilter"]["range"] == {
        "startRowIndex": 0,
        "endRowIndex": 50,
        "startColumnIndex": 0,
        "endColumnIndex": 12,
    }
    rows = sheet["data"][0]["rowData"]
    header = rows[0]["values"][0]
    assert header["userEnteredFormat"] == {
        "textFormat": {"bold": True},
        "backgroundColor": RED,
        "backgroundColorStyle": {"rgbColor": RED},
    }
    assert header["effectiveFormat"]["textFormat"]["fontSize"] == 10
    rule = rows[1]["values"][1]["dataValidation"]
    assert rule["condition"] == {
        "type": "ONE_OF_LIST",
        "values": [{"userEnteredValue": "DUE"}, {"userEnteredValue": "OVERDUE"}],
    }
    assert rule["showCustomUi"] is True
    summary.resize(rows=5)
    assert sh.worksheet("Summary").row_count == 5
    sh.del_worksheet(summary)
    assert len(sh.worksheets()) == 1


def test_tracker_rules_protection_chart_names_and_metadata(
    sheets_for: Callable[[str], Any], sheet_id: str
) -> None:
    svc = sheets_for(OPS).spreadsheets()
    col_k = {"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 10, "endColumnIndex": 11}
    sheet_meta = svc.get(spreadsheetId=sheet_id).execute()["sheets"][0]["properties"]
    assert sheet_meta["sheetId"] == 0
    requests = [
        {
            "addConditionalFormatRule": {
                "index": 0,
                "rule": {
                    "ranges": [col_k],
                    "booleanRule": {
                        "condition": {
                            "type": "TEXT_EQ",
                            "values": [{"userEnteredValue": "OVERDUE"}],
                        },
                        "format": {"backgroundColor": RED},
                    },
                },
            }
        },
        {
            "addConditionalFormatRule": {
                "index": 1,
                "rule": {
                    "ranges": [col_k],
                    "booleanRule": {
                        "condition": {
                            "type": "CUSTOM_FORMULA",
                            "values": [{"userEnteredValue": '=$K2="DUE"'}],
                        },
                        "format": {"backgroundColor": {"red": 1, "green": 0.9, "blue": 0.6}},
                    },
                },
            }
        },
        {
            "addProtectedRange": {
                "protectedRange": {
                    "range": {"sheetId": 0, "startColumnIndex": 8, "endColumnIndex": 11},
                    "description": "computed",
                    "warningOnly": True,
                }
            }
        },
        {
            "addChart": {
                "chart": {
                    "spec": {"title": "On time %", "basicChart": {"chartType": "LINE"}},
                    "position": {
                        "overlayPosition": {
                            "anchorCell": {"sheetId": 0, "rowIndex": 2, "columnIndex": 2}
                        }
                    },
                }
            }
        },
        {"addNamedRange": {"namedRange": {"name": "Statuses", "range": col_k}}},
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataKey": "app",
                    "metadataValue": "gws-supervision",
                    "location": {"spreadsheet": True},
                    "visibility": "DOCUMENT",
                }
            }
        },
        {
            "updateDimensionProperties": {
                "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                "properties": {"pixelSize": 180},
                "fields": "pixelSize",
            }
        },
        {
            "updateSpreadsheetProperties": {
                "properties": {"title": "Renamed tracker"},
                "fields": "title",
            }
        },
    ]
    replies = svc.batchUpdate(spreadsheetId=sheet_id, body={"requests": requests}).execute()[
        "replies"
    ]
    assert replies[0] == {} and replies[1] == {}
    prot_id = replies[2]["addProtectedRange"]["protectedRange"]["protectedRangeId"]
    chart_id = replies[3]["addChart"]["chart"]["chartId"]
    assert isinstance(prot_id, int) and isinstance(chart_id, int)
    assert replies[4]["addNamedRange"]["namedRange"]["name"] == "Statuses"
    assert replies[5]["createDeveloperMetadata"]["developerMetadata"]["metadataId"] > 0
    got = _get(sheets_for, sheet_id, ranges=["Sessions!A1:A1"], includeGridData=True)
    assert got["properties"]["title"] == "Renamed tracker"
    sheet = got["sheets"][0]
    assert [r["booleanRule"]["condition"]["type"] for r in sheet["conditionalFormats"]] == [
        "TEXT_EQ",
        "CUSTOM_FORMULA",
    ]
    assert sheet["protectedRanges"][0]["warningOnly"] is True
    assert sheet["protectedRanges"][0]["description"] == "computed"
    assert sheet["charts"][0]["spec"]["title"] == "On time %"
    assert sheet["data"][0]["columnMetadata"] == [{"pixelSize": 180}]
    assert got["namedRanges"][0]["range"] == {k: v for k, v in col_k.items() if k != "sheetId"}
    assert got["developerMetadata"][0]["metadataValue"] == "gws-supervision"
    found = (
        svc.developerMetadata()
        .search(
            spreadsheetId=sheet_id,
            body={"dataFilters": [{"developerMetadataLookup": {"metadataKey": "app"}}]},
        )
        .execute()
    )
    assert found["matchedDeveloperMetadata"][0]["developerMetadata"]["metadataKey"] == "app"
    svc.batchUpdate(
        spreadsheetId=sheet_id,
        body={
            "requests": [
                {"deleteConditionalFormatRule": {"sheetId": 0, "index": 0}},
                {"deleteProtectedRange": {"protectedRangeId": prot_id}},
            ]
        },
    ).execute()
    sheet = _get(sheets_for, sheet_id)["sheets"][0]
    assert len(sheet["conditionalFormats"]) == 1 and "protectedRanges" not in sheet


def test_batch_update_is_atomic_and_rejects_bad_requests(
    sheets_for: Callable[[str], Any], sheet_id: str
) -> None:
    svc = sheets_for(OPS).spreadsheets()
    add = {"addSheet": {"properties": {"title": "Overdue"}}}
    with pytest.raises(HttpError) as exc:
        svc.batchUpdate(
            spreadsheetId=sheet_id,
            body={
                "requests": [
                    add,
                    {
                        "updateSheetProperties": {
                            "properties": {"sheetId": 999, "title": "x"},
                            "fields": "title",
                        }
                    },
                ]
            },
        ).execute()
    assert exc.value.resp.status == 400
    assert "Invalid requests[1].updateSheetProperties: No grid with id: 999" in str(exc.value)
    assert [s["properties"]["title"] for s in _get(sheets_for, sheet_id)["sheets"]] == ["Sessions"]
    with pytest.raises(HttpError) as exc:
        svc.batchUpdate(
            spreadsheetId=sheet_id, body={"requests": [{"addBanding": {"bandedRange": {}}}]}
        ).execute()
    assert "not supported" in str(exc.value)
    with pytest.raises(HttpError) as exc:
        svc.batchUpdate(spreadsheetId=sheet_id, body={"requests": [add, add]}).execute()
    assert 'A sheet with the name "Overdue" already exists' in str(exc.value)
    reply = svc.batchUpdate(spreadsheetId=sheet_id, body={"requests": [add]}).execute()["replies"][
        0
    ]
    props = reply["addSheet"]["properties"]
    assert props["title"] == "Overdue" and props["index"] == 1 and props["sheetId"] > 0
    assert props["gridProperties"] == {"rowCount": 1000, "columnCount": 26}


def test_update_cells_repeat_cell_and_dimensions(
    sheets_for: Callable[[str], Any], sheet_id: str
) -> None:
    svc = sheets_for(OPS).spreadsheets()
    date_fmt = {"numberFormat": {"type": "DATE", "pattern": "dd/mm/yyyy"}}
    svc.batchUpdate(
        spreadsheetId=sheet_id,
        body={
            "requests": [
                {
                    "updateCells": {
                        "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
                        "fields": "userEnteredValue",
                        "rows": [
                            {
                                "values": [
                                    {"userEnteredValue": {"stringValue": "=not a formula"}},
                                    {"userEnteredValue": {"numberValue": 46391}},
                                ]
                            },
                            {
                                "values": [
                                    {"userEnteredValue": {"formulaValue": "=B1+1"}},
                                    {"userEnteredValue": {"boolValue": True}},
                                ]
                            },
                        ],
                    }
                },
                {
                    "repeatCell": {
                        "range": {"sheetId": 0, "startColumnIndex": 1, "endColumnIndex": 2},
                        "cell": {"userEnteredFormat": date_fmt},
                        "fields": "userEnteredFormat.numberFormat",
                    }
                },
            ]
        },
    ).execute()
    values = svc.values().get(spreadsheetId=sheet_id, range="Sessions!A1:B2").execute()["values"]
    assert values == [["=not a formula", "04/01/2027"], ["46392", "TRUE"]]
    svc.batchUpdate(
        spreadsheetId=sheet_id,
        body={
            "requests": [
                {
                    "insertDimension": {
                        "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}
                    }
                },
                {"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 2}},
                {
                    "autoResizeDimensions": {
                        "dimensions": {
                            "sheetId": 0,
                            "dimension": "COLUMNS",
                            "startIndex": 0,
                            "endIndex": 1,
                        }
                    }
                },
            ]
        },
    ).execute()
    values = svc.values().get(spreadsheetId=sheet_id, range="Sessions!A1:B2").execute()["values"]
    assert values == [[], ["=not a formula", "04/01/2027"]]
    got = _get(sheets_for, sheet_id, ranges=["Sessions!A2:A2"], includeGridData=True)
    sheet = got["sheets"][0]
    assert sheet["properties"]["gridProperties"] == {"rowCount": 51, "columnCount": 14}
    assert sheet["data"][0]["startRow"] == 1
    assert sheet["data"][0]["columnMetadata"][0]["pixelSize"] > 100
    svc.batchUpdate(
        spreadsheetId=sheet_id,
        body={
            "requests": [
                {
                    "deleteDimension": {
                        "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}
                    }
                }
            ]
        },
    ).execute()
    assert svc.values().get(spreadsheetId=sheet_id, range="Sessions!A1:A1").execute()["values"] == [
        ["=not a formula"]
    ]


def test_insert_rows_move_rule_ranges(sheets_for: Callable[[str], Any], sheet_id: str) -> None:
    svc = sheets_for(OPS).spreadsheets()
    rng = {
        "sheetId": 0,
        "startRowIndex": 1,
        "endRowIndex": 10,
        "startColumnIndex": 0,
        "endColumnIndex": 2,
    }
    svc.batchUpdate(
        spreadsheetId=sheet_id,
        body={
            "requests": [
                {"setBasicFilter": {"filter": {"range": rng}}},
                {
                    "insertDimension": {
                        "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 2}
                    }
                },
            ]
        },
    ).execute()
    moved = _get(sheets_for, sheet_id)["sheets"][0]["basicFilter"]["range"]
    assert (moved["startRowIndex"], moved["endRowIndex"]) == (3, 12)
