"""Reading the roster tab of a Google Sheet through gspread, as the operator (two calls).

Under the drive.file scope the operator's token reaches only Sheets the toolkit made (or that
were opened with it), so the roster Sheet is the one `init` creates; any other Sheet answers
403/404, which is said with what to do.
"""

from __future__ import annotations

from typing import Any

from gspread.utils import absolute_range_name

from ..domain.roster_sheet import SheetRef
from ..errors import APIError, InputError, Problem
from .connect import Connection
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
