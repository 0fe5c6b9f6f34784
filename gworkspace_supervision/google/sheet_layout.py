"""The tracker's layout and formats: tabs, columns, colours, rules, protections, the chart.

Ranges are written in A1 notation and turned into Sheets' GridRange by gspread
(`gspread.utils.a1_range_to_grid_range`), so a rule reads as the cells it covers ("K2:K": the
Status column below the header). Kept apart from the reading and writing in sheet.py so the look
of the Sheet can change (bump FORMAT_VERSION and the next sync re-applies it in the same one
batchUpdate) without touching the data.
"""

from __future__ import annotations

from typing import Any

from gspread.utils import Dimension, a1_range_to_grid_range, rowcol_to_a1

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
    "Record owner", "Completed at", "Cancelled at", "Urgent",
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
    "DECLINED": "D9D2E9",  # lilac: the supervisee said no; to be rearranged
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
# Leave and absence (`sync --absences`): the gaps and the sessions needing cover, by date.
GAPS = "Gaps and cover"
GAP_DATE_COLUMNS = (7,)  # Session date (services/absence_tracking.py's HEADER)
EXTRA_SHEET_IDS = {
    OBSERVATIONS: 3,
    **{t: 4 + i for i, t in enumerate(EVENT_TABS.values())},
    GAPS: 8,
}
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


def column(width: int) -> str:
    """The letter of a 1-based column (9 -> "I")."""
    return rowcol_to_a1(1, width)[:-1]


def cells(tab: str, a1: str) -> dict[str, Any]:
    """A GridRange of a tab from A1 notation ("G2:G": column G from row 2 down)."""
    return dict(a1_range_to_grid_range(a1, SHEET_IDS.get(tab, EXTRA_SHEET_IDS.get(tab))))


def extra_tab_requests(title: str, width: int, *, add: bool) -> list[dict[str, Any]]:
    """Create (when `add`) and format one extra tab: frozen bold header, dates, status colours
    on the last column, protected (warning only: sync rewrites the whole tab)."""
    sheet_id = EXTRA_SHEET_IDS[title]
    last = column(width)
    out: list[dict[str, Any]] = []
    if add:
        grid = {"rowCount": 1000, "columnCount": width, "frozenRowCount": 1}
        out.append({"addSheet": {"properties": {"sheetId": sheet_id, "title": title,
                                                "gridProperties": grid}}})  # fmt: skip
    out.append(_bold(cells(title, f"A1:{last}1")))
    dates = OBSERVATION_DATE_COLUMNS if title == OBSERVATIONS else EVENT_DATE_COLUMNS
    for index in dates:
        letter = column(index + 1)
        out.append(_number_format(cells(title, f"{letter}2:{letter}"), "DATE", "yyyy-mm-dd"))
    status = cells(title, f"{last}2:{last}")
    for i, (text, colour) in enumerate(EXTRA_COLOURS.items()):
        out.append(_text_rule(status, text, colour, i))
    out.append(_protect(cells(title, f"A1:{last}"), "Written by gws-supervision sync"))
    return out


def rgb(hex_colour: str) -> dict[str, float]:
    return {
        "red": int(hex_colour[0:2], 16) / 255,
        "green": int(hex_colour[2:4], 16) / 255,
        "blue": int(hex_colour[4:6], 16) / 255,
    }


def setup_requests() -> list[dict[str, Any]]:
    """A spreadsheet just created through Drive has one tab, "Sheet1", id 0 (as every new
    spreadsheet: gspread's cassettes): make it Sessions, add the other three with fixed ids,
    frozen headers, _state hidden, and the council's locale and time zone."""

    def grid(rows: int, columns: int, frozen: int) -> dict[str, int]:
        out = {"rowCount": rows, "columnCount": columns}
        return out | ({"frozenRowCount": frozen} if frozen else {})

    def add(name: str, columns: int, frozen: int, hidden: bool = False) -> dict[str, Any]:
        props: dict[str, Any] = {"sheetId": SHEET_IDS[name], "title": name,
                                 "gridProperties": grid(1000, columns, frozen)}  # fmt: skip
        if hidden:
            props["hidden"] = True
        return {"addSheet": {"properties": props}}

    return [
        {
            "updateSpreadsheetProperties": {
                "properties": {"locale": "en_GB", "timeZone": "Europe/London"},
                "fields": "locale,timeZone",
            }
        },
        {
            "updateSheetProperties": {
                "properties": {
                    "sheetId": SHEET_IDS[SESSIONS],
                    "title": SESSIONS,
                    "gridProperties": grid(1000, len(HEADER), 1),
                },  # fmt: skip
                "fields": "title,gridProperties.rowCount,gridProperties.columnCount,"
                "gridProperties.frozenRowCount",
            }
        },
        add(SUMMARY, 20, 0),
        add(OVERDUE, len(OVERDUE_HEADER), 1),
        add(STATE, 12, 1, hidden=True),
    ]


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


def _text_rule(rng: dict[str, Any], text: str, colour: str, index: int) -> dict[str, Any]:
    """Colour the cells of `rng` whose text is exactly `text`."""
    return {
        "addConditionalFormatRule": {
            "index": index,
            "rule": {
                "ranges": [rng],
                "booleanRule": {
                    "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": text}]},
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
                    "dimension": Dimension.cols,
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
    def source(a1: str) -> dict[str, Any]:
        return {"sourceRange": {"sources": [cells(SUMMARY, a1)]}}

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
            "domains": [{"domain": source("A1:A13")}],
            "series": [{"series": source("B1:B13"), "targetAxis": "LEFT_AXIS"}],
        },
    }
    if chart_id is not None:
        return {"updateChartSpec": {"chartId": chart_id, "spec": spec}}
    anchor = cells(SUMMARY, "I1")  # the chart's top-left corner sits on I1
    return {
        "addChart": {
            "chart": {
                "spec": spec,
                "position": {
                    "overlayPosition": {
                        "anchorCell": {
                            "sheetId": anchor["sheetId"],
                            "rowIndex": anchor["startRowIndex"],
                            "columnIndex": anchor["startColumnIndex"],
                        },
                        "widthPixels": 600,
                        "heightPixels": 320,
                    }
                },
            }
        }
    }


def basic_filter() -> dict[str, Any]:
    """The Sessions filter over every row the grid has now: Google stores a filter's range
    bounded by the grid when it is set, so it is set again whenever the tab grows."""
    return {"setBasicFilter": {"filter": {"range": cells(SESSIONS, f"A1:{column(len(HEADER))}")}}}


def format_requests(chart_id: int | None = None) -> list[dict[str, Any]]:
    """Everything that makes the Sheet readable; applied once (and per FORMAT_VERSION)."""
    last = column(len(HEADER))
    requests: list[dict[str, Any]] = [
        {"clearBasicFilter": {"sheetId": SHEET_IDS[SESSIONS]}},
        basic_filter(),
        _bold(cells(SESSIONS, f"A1:{last}1")),
        _bold(cells(OVERDUE, f"A1:{column(len(OVERDUE_HEADER))}1")),
        _bold(cells(SUMMARY, f"A1:{column(SUMMARY_WIDTH)}1")),
        _bold(cells(SUMMARY, f"A{SUMMARY_TABLE_ROW}:{column(SUMMARY_WIDTH)}{SUMMARY_TABLE_ROW}")),
    ]
    for index in DATE_COLUMNS:
        letter = column(index + 1)
        requests.append(
            _number_format(cells(SESSIONS, f"{letter}2:{letter}"), "DATE", "yyyy-mm-dd")
        )
    requests.append(_number_format(cells(OVERDUE, "F2:G"), "DATE", "yyyy-mm-dd"))
    requests.append(_number_format(cells(SUMMARY, "E1"), "DATE", "yyyy-mm-dd"))
    requests.append(_number_format(cells(SUMMARY, "B2:B13"), "PERCENT", "0%"))
    requests.append(_number_format(cells(SUMMARY, f"F{SUMMARY_TABLE_ROW + 1}:G"), "PERCENT", "0%"))
    status = column(STATUS_COLUMN + 1)
    requests += [
        _text_rule(cells(SESSIONS, f"{status}2:{status}"), text, colour, i)
        for i, (text, colour) in enumerate(COLOURS.items())
    ]
    requests += _widths(SESSIONS, WIDTHS)
    requests += _widths(OVERDUE, (330, 170, 150, 150, 150, 100, 100, 150, 330))
    requests += _widths(SUMMARY, (220, 110, 110, 110, 110, 150, 150))
    before_note = column(NOTE_COLUMN)  # everything left of the Note column
    requests.append(
        _protect(
            cells(SESSIONS, f"A1:{before_note}"),
            "Written by gws-supervision sync; edit the Note column only",
        )
    )
    requests.append(_protect(cells(SUMMARY, f"A1:{column(SUMMARY_WIDTH)}"), "Written by sync"))
    requests.append(
        _protect(cells(OVERDUE, f"A1:{column(len(OVERDUE_HEADER))}"), "Written by sync")
    )
    requests.append(_protect(cells(STATE, "A1:L"), "Sync state: do not edit"))
    requests.append(_chart(chart_id))
    return requests
