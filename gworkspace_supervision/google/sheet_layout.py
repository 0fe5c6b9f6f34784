"""The tracker's layout and formats as Sheets JSON: tabs, columns, colours, rules, the chart.

Kept apart from the reading and writing in sheet.py so the look of the Sheet can change (bump
FORMAT_VERSION and the next sync re-applies it in one batchUpdate) without touching the data.
"""

from __future__ import annotations

from typing import Any

FORMAT_VERSION = "1"
SESSIONS, SUMMARY, OVERDUE, STATE = "Sessions", "Summary", "Overdue", "_state"
SHEET_IDS = {SESSIONS: 0, SUMMARY: 1, OVERDUE: 2, STATE: 9}
HEADER = (
    "Session ID", "Team", "Supervisor", "Supervisee", "Line manager", "Category",
    "Session date", "Record", "Record due", "Completed", "Status", "Note",
)  # fmt: skip
DATE_COLUMNS = (6, 8, 9)  # Session date, Record due, Completed
STATUS_COLUMN = 10
NOTE_COLUMN = 11
STATE_HEADER = (
    "Session ID", "Supervisee email", "Supervisor email", "Line manager email", "Start", "End",
    "Record owner", "Completed at", "Cancelled at",
)  # fmt: skip
OVERDUE_HEADER = (
    "Session ID", "Team", "Supervisor", "Supervisee", "Line manager", "Session date",
    "Record due", "Working days overdue", "Record",
)  # fmt: skip
SUMMARY_WIDTH = 7
SUMMARY_TABLE_ROW = 15  # the team table starts here (1-based); months sit in rows 1-13
WIDTHS = (330, 170, 150, 150, 150, 200, 100, 330, 100, 100, 120, 300)

# Status colours (hex RGB), shared with the xlsx export so both look the same.
COLOURS = {
    "OVERDUE": "F4C7C3",  # red
    "NOT REARRANGED": "E6B8AF",  # red-brown: Hillingdon 3.3 breached
    "DUE": "FCE8B2",  # amber
    "COMPLETE": "B7E1CD",  # green
    "COMPLETE LATE": "F9CB9C",  # orange
    "CANCELLED": "D9D9D9",  # grey
}


# Tabs for the policy's [[events]] (issue 8): the Sessions tab keeps exactly its 12 columns
# (supervision sessions, whose records are tracked); each event type gets a tab of its own and
# observations a per-person tab. Added to an existing tracker by the first sync that has them.
OBSERVATIONS = "Observations"
EVENT_TABS = {
    "observation": "Observation dates",
    "appraisal": "Appraisals",
    "appraisal review": "Appraisal reviews",
    "agreement review": "Agreement reviews",
}
EXTRA_SHEET_IDS = {OBSERVATIONS: 3, **{t: 4 + i for i, t in enumerate(EVENT_TABS.values())}}
EVENT_HEADER = (
    "Event ID", "Type", "Kind", "Team", "Supervisor", "Supervisee", "Line manager", "Date",
    "Status",
)  # fmt: skip
EVENT_DATE_COLUMNS = (7,)
OBSERVATION_DATE_COLUMNS = (8,)  # Next booked
EXTRA_COLOURS = {
    "HELD": "B7E1CD",
    "COMPLETE": "B7E1CD",
    "CANCELLED": "D9D9D9",
    "DUE SOON": "FCE8B2",
    "DIRECT WORK MISSING": "F4C7C3",
    "MISSED": "E6B8AF",
}


def extra_tab_requests(title: str, width: int, *, add: bool) -> list[dict[str, Any]]:
    """Create (when `add`) and format one extra tab: frozen bold header, dates, status colours
    on the last column, protected (warning only: sync rewrites the whole tab)."""
    sheet_id = EXTRA_SHEET_IDS[title]
    out: list[dict[str, Any]] = []
    if add:
        grid = {"rowCount": 1000, "columnCount": width, "frozenRowCount": 1}
        out.append({"addSheet": {"properties": {"sheetId": sheet_id, "title": title,
                                                "gridProperties": grid}}})  # fmt: skip
    header = {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0,
              "endColumnIndex": width}  # fmt: skip
    out.append(_bold(header))
    dates = OBSERVATION_DATE_COLUMNS if title == OBSERVATIONS else EVENT_DATE_COLUMNS
    for column in dates:
        rng = {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": column,
               "endColumnIndex": column + 1}  # fmt: skip
        out.append(_number_format(rng, "DATE", "yyyy-mm-dd"))
    status = {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": width - 1,
              "endColumnIndex": width}  # fmt: skip
    for i, (text, colour) in enumerate(EXTRA_COLOURS.items()):
        out.append({
            "addConditionalFormatRule": {"index": i, "rule": {"ranges": [status], "booleanRule": {
                "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": text}]},
                "format": {"backgroundColor": rgb(colour)},
            }}}
        })  # fmt: skip
    whole = {"sheetId": sheet_id, "startRowIndex": 0, "startColumnIndex": 0,
             "endColumnIndex": width}  # fmt: skip
    out.append(_protect(whole, "Written by gws-supervision sync"))
    return out


def rgb(hex_colour: str) -> dict[str, float]:
    return {
        "red": int(hex_colour[0:2], 16) / 255,
        "green": int(hex_colour[2:4], 16) / 255,
        "blue": int(hex_colour[4:6], 16) / 255,
    }


def new_spreadsheet_body(title: str) -> dict[str, Any]:
    """spreadsheets.create: the four tabs with fixed ids, frozen headers, _state hidden."""

    def tab(name: str, frozen: int, columns: int, hidden: bool = False) -> dict[str, Any]:
        return {
            "properties": {
                "sheetId": SHEET_IDS[name],
                "title": name,
                "hidden": hidden,
                "gridProperties": {
                    "rowCount": 1000,
                    "columnCount": columns,
                    "frozenRowCount": frozen,
                },
            }
        }

    return {
        "properties": {"title": title, "locale": "en_GB", "timeZone": "Europe/London"},
        "sheets": [
            tab(SESSIONS, 1, len(HEADER)),
            tab(SUMMARY, 0, 20),
            tab(OVERDUE, 1, len(OVERDUE_HEADER)),
            tab(STATE, 1, 12, hidden=True),
        ],
    }


def _range(tab: str, r0: int, r1: int | None, c0: int, c1: int) -> dict[str, Any]:
    out: dict[str, Any] = {"sheetId": SHEET_IDS[tab], "startRowIndex": r0}
    if r1 is not None:
        out["endRowIndex"] = r1
    out |= {"startColumnIndex": c0, "endColumnIndex": c1}
    return out


def _number_format(rng: dict[str, Any], kind: str, pattern: str) -> dict[str, Any]:
    return {
        "repeatCell": {
            "range": rng,
            "cell": {"userEnteredFormat": {"numberFormat": {"type": kind, "pattern": pattern}}},
            "fields": "userEnteredFormat.numberFormat",
        }
    }


def _bold(rng: dict[str, Any]) -> dict[str, Any]:
    return {
        "repeatCell": {
            "range": rng,
            "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
            "fields": "userEnteredFormat.textFormat.bold",
        }
    }


def _status_rule(status: str, colour: str, index: int) -> dict[str, Any]:
    return {
        "addConditionalFormatRule": {
            "index": index,
            "rule": {
                "ranges": [_range(SESSIONS, 1, None, STATUS_COLUMN, STATUS_COLUMN + 1)],
                "booleanRule": {
                    "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": status}]},
                    "format": {"backgroundColor": rgb(colour)},
                },
            },
        }
    }


def _widths(tab: str, widths: tuple[int, ...]) -> list[dict[str, Any]]:
    return [
        {
            "updateDimensionProperties": {
                "range": {
                    "sheetId": SHEET_IDS[tab],
                    "dimension": "COLUMNS",
                    "startIndex": i,
                    "endIndex": i + 1,
                },
                "properties": {"pixelSize": width},
                "fields": "pixelSize",
            }
        }
        for i, width in enumerate(widths)
    ]


def _protect(rng: dict[str, Any], why: str) -> dict[str, Any]:
    return {"addProtectedRange": {"protectedRange": {"range": rng, "description": why,
                                                     "warningOnly": True}}}  # fmt: skip


def _chart(chart_id: int | None) -> dict[str, Any]:
    def source(column: int) -> dict[str, Any]:
        return {"sourceRange": {"sources": [_range(SUMMARY, 0, 13, column, column + 1)]}}

    spec = {
        "title": "Records completed on time, by month",
        "basicChart": {
            "chartType": "COLUMN",
            "legendPosition": "NO_LEGEND",
            "headerCount": 1,
            "axis": [
                {"position": "BOTTOM_AXIS", "title": "Month"},
                {"position": "LEFT_AXIS", "title": "On time"},
            ],
            "domains": [{"domain": source(0)}],
            "series": [{"series": source(1), "targetAxis": "LEFT_AXIS"}],
        },
    }
    if chart_id is not None:
        return {"updateChartSpec": {"chartId": chart_id, "spec": spec}}
    return {
        "addChart": {
            "chart": {
                "spec": spec,
                "position": {
                    "overlayPosition": {
                        "anchorCell": {
                            "sheetId": SHEET_IDS[SUMMARY],
                            "rowIndex": 0,
                            "columnIndex": 8,
                        },  # fmt: skip
                        "widthPixels": 600,
                        "heightPixels": 320,
                    }
                },
            }
        }
    }


def format_requests(chart_id: int | None = None) -> list[dict[str, Any]]:
    """Everything that makes the Sheet readable; applied once (and per FORMAT_VERSION)."""
    sessions_all = _range(SESSIONS, 0, None, 0, len(HEADER))
    requests: list[dict[str, Any]] = [
        {"clearBasicFilter": {"sheetId": SHEET_IDS[SESSIONS]}},
        {"setBasicFilter": {"filter": {"range": sessions_all}}},
        _bold(_range(SESSIONS, 0, 1, 0, len(HEADER))),
        _bold(_range(OVERDUE, 0, 1, 0, len(OVERDUE_HEADER))),
        _bold(_range(SUMMARY, 0, 1, 0, SUMMARY_WIDTH)),
        _bold(_range(SUMMARY, SUMMARY_TABLE_ROW - 1, SUMMARY_TABLE_ROW, 0, SUMMARY_WIDTH)),
    ]
    for column in DATE_COLUMNS:
        requests.append(_number_format(_range(SESSIONS, 1, None, column, column + 1), "DATE",
                                       "yyyy-mm-dd"))  # fmt: skip
    requests.append(_number_format(_range(OVERDUE, 1, None, 5, 7), "DATE", "yyyy-mm-dd"))
    requests.append(_number_format(_range(SUMMARY, 0, 1, 4, 5), "DATE", "yyyy-mm-dd"))
    requests.append(_number_format(_range(SUMMARY, 1, 13, 1, 2), "PERCENT", "0%"))
    requests.append(_number_format(_range(SUMMARY, SUMMARY_TABLE_ROW, None, 5, 7), "PERCENT",
                                   "0%"))  # fmt: skip
    requests += [
        _status_rule(status, colour, i) for i, (status, colour) in enumerate(COLOURS.items())
    ]
    requests += _widths(SESSIONS, WIDTHS)
    requests += _widths(OVERDUE, (330, 170, 150, 150, 150, 100, 100, 150, 330))
    requests += _widths(SUMMARY, (220, 110, 110, 110, 110, 150, 150))
    requests.append(
        _protect(
            _range(SESSIONS, 0, None, 0, NOTE_COLUMN),
            "Written by gws-supervision sync; edit the Note column only",
        )  # fmt: skip
    )
    requests.append(_protect(_range(SUMMARY, 0, None, 0, SUMMARY_WIDTH), "Written by sync"))
    requests.append(_protect(_range(OVERDUE, 0, None, 0, len(OVERDUE_HEADER)), "Written by sync"))
    requests.append(_protect(_range(STATE, 0, None, 0, 12), "Sync state: do not edit"))
    requests.append(_chart(chart_id))
    return requests
