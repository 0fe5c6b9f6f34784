"""Reading the roster tab of a Google Sheet through gspread, as the operator (two calls).

Under the drive.file scope the operator's token reaches only Sheets the toolkit made (or that
were opened with it), so the roster Sheet is the one `init` creates; any other Sheet answers
403/404, which is said with what to do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gspread.http_client import ParamsType
from gspread.utils import absolute_range_name

from ..domain.roster_sheet import SheetRef
from ..domain.roster_sheet_layout import ColumnCheck
from ..errors import APIError, InputError, Problem
from .connect import Connection
from .retry import execute
from .sheet_client import SheetCalls


def read_roster_tab(
    connection: Connection, user: str, ref: SheetRef
) -> tuple[str, list[list[Any]]]:
    """(the tab's title, its rows unformatted: dates and times as serial numbers); the first
    tab when none is named."""
    calls = SheetCalls(connection, user, ref.spreadsheet_id)
    where = f"roster Sheet {ref.spreadsheet_id}"
    try:
        info = calls.metadata("sheets(properties(title,index))")
    except APIError as err:
        if err.status not in (403, 404):
            raise
        raise InputError(
            Problem(
                where, None, None,
                f"cannot be read by {user} (Google answered {err.status}): check the id, and "
                "that the Sheet was made by `gws-supervision init` (the toolkit may open only "
                "the files it made) and is shared with that account",
            )
        ) from None  # fmt: skip
    sheets = sorted(info.get("sheets", []), key=lambda s: s["properties"].get("index", 0))
    titles = [str(s["properties"]["title"]) for s in sheets]
    tab = ref.tab or (titles[0] if titles else "")
    if tab not in titles:
        raise InputError(
            Problem(where, None, f"tab {tab!r}", f"no such tab; its tabs: {', '.join(titles)}")
        )
    return tab, calls.values_get(absolute_range_name(tab), "UNFORMATTED_VALUE")


SHEET_MIME = "application/vnd.google-apps.spreadsheet"
FIRST_TAB = 0  # a spreadsheet made through Drive has one tab, "Sheet1", sheetId 0


def _validation(check: ColumnCheck, column: int, rows: int) -> dict[str, Any]:
    """A setDataValidation request for one column below the header
    (https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/other#DataValidationRule)."""
    if check.kind == "list":
        condition: dict[str, Any] = {
            "type": "ONE_OF_LIST",
            "values": [{"userEnteredValue": choice} for choice in check.choices],
        }
        rule: dict[str, Any] = {"condition": condition, "strict": True, "showCustomUi": True}
    elif check.kind == "date":
        rule = {"condition": {"type": "DATE_IS_VALID"}, "strict": True,
                "inputMessage": "A date, e.g. 2027-01-04"}  # fmt: skip
    else:
        rule = {"condition": {"type": "TEXT_IS_EMAIL"}, "strict": True,
                "inputMessage": "A work email address"}  # fmt: skip
    return {
        "setDataValidation": {
            "range": {
                "sheetId": FIRST_TAB, "startRowIndex": 1, "endRowIndex": rows,
                "startColumnIndex": column, "endColumnIndex": column + 1,
            },
            "rule": rule,
        }
    }  # fmt: skip


def create_roster_sheet(
    connection: Connection,
    user: str,
    title: str,
    tab: str,
    header: Sequence[str],
    notes: Mapping[str, str],
    checks: Sequence[ColumnCheck],
    rows: Sequence[Sequence[str]],
) -> str:
    """Make the roster Sheet as `user` (owned by them, shared with nobody) through the toolkit's
    own token, so the app holds its drive.file grant and can read it later; one batchUpdate
    lays it out, one values update types the rows in as a person would (USER_ENTERED: dates
    become dates). Returns its id."""
    made = execute(
        connection.drive(user)
        .files()
        .create(body={"name": title, "mimeType": SHEET_MIME}, fields="id"),
        what="drive.files.create",
        policy=connection.retry,
        meter=connection.meter,
    )
    sid = str(made["id"])
    calls = SheetCalls(connection, user, sid)
    grid_rows = max(1000, len(rows) + 1)
    index = {name: i for i, name in enumerate(header)}
    requests_: list[dict[str, Any]] = [
        {
            "updateSheetProperties": {
                "properties": {
                    "sheetId": FIRST_TAB, "title": tab,
                    "gridProperties": {"rowCount": grid_rows, "columnCount": len(header),
                                       "frozenRowCount": 1},
                },
                "fields": "title,gridProperties(rowCount,columnCount,frozenRowCount)",
            }
        },
        {
            "updateCells": {
                "start": {"sheetId": FIRST_TAB, "rowIndex": 0, "columnIndex": 0},
                "rows": [{"values": [
                    {"userEnteredValue": {"stringValue": name},
                     "userEnteredFormat": {"textFormat": {"bold": True}},
                     "note": notes.get(name, "")}
                    for name in header
                ]}],
                "fields": "userEnteredValue,userEnteredFormat.textFormat.bold,note",
            }
        },
    ]  # fmt: skip
    requests_ += [_validation(c, index[c.column], grid_rows) for c in checks if c.column in index]
    calls.batch_update(requests_)
    if rows:
        body = {"values": [list(r) for r in rows]}
        params: ParamsType = {"valueInputOption": "USER_ENTERED"}
        cells = absolute_range_name(tab, "A2")
        calls._run(
            "sheets.spreadsheets.values.update",
            lambda: calls.http.values_update(sid, cells, params=params, body=body),
        )
    return sid
