"""A roster kept in a Google Sheet, validated exactly as the CSV roster is (domain/roster.py).

`sheet:SPREADSHEET_ID[/TAB]` names it (on the command line or as `[supervision] roster`). The
tab's rows, as the Sheet shows them, are turned into CSV text and read by the same parser, so
every rule of the CSV roster holds. Cells are read unformatted (dates and times as Sheets' serial
numbers), so a date or time reads the same whatever the Sheet's locale shows (a time typed 14:30
shows as "2:30:00 pm" in an en_US Sheet): date columns become YYYY-MM-DD, time columns HH:MM; each problem is then said in the Sheet's words: the tab,
the row number business support see at the left of the grid, and the column by its header and
its letter.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from gspread.utils import rowcol_to_a1

from ..errors import InputError, Problem
from .policy import Policy
from .roster import RosterEntry, parse_roster

PREFIX = "sheet:"
EPOCH = date(1899, 12, 30)  # Sheets' serial day 0


@dataclass(frozen=True)
class SheetRef:
    spreadsheet_id: str
    tab: str | None  # None: the first tab

    def where(self, tab: str) -> str:
        return f"roster Sheet {self.spreadsheet_id}, tab {tab!r}"


def is_sheet(spec: object) -> bool:
    return str(spec).startswith(PREFIX)


def sheet_ref(spec: str) -> SheetRef:
    """`sheet:ID` or `sheet:ID/TAB` -> SheetRef; a malformed spec is an InputError."""
    rest = spec[len(PREFIX) :]
    sid, _, tab = rest.partition("/")
    if not sid or not all(c.isalnum() or c in "-_" for c in sid):
        raise InputError(
            Problem(
                "--roster", None, None,
                f"{spec!r} is not a Sheet roster: write sheet:SPREADSHEET_ID or "
                "sheet:SPREADSHEET_ID/TAB (the id is the long part of the Sheet's address "
                "between /d/ and /edit)",
            )
        )  # fmt: skip
    return SheetRef(sid, tab.strip() or None)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (gspread's A1 helper, as the tracker's layout uses it)."""
    return rowcol_to_a1(1, index + 1)[:-1]


def parse_roster_rows(
    rows: Sequence[Sequence[Any]],
    where: str,
    policy: Policy,
    allowed_domains: Collection[str] | None = None,
) -> list[RosterEntry]:
    """The tab's rows (row 1 first, as values.get gives them) -> validated roster entries."""
    header = [str(c).strip().lower() for c in (rows[0] if rows else [])]
    letters = {name: column_letter(i) for i, name in enumerate(header) if name}
    breaks = [
        Problem(where, None, f"row {r}, {_column(header, c, letters)}",
                "holds a line break; keep each value on one line")
        for r, row in enumerate(rows, 1)
        for c, cell in enumerate(row)
        if "\n" in str(cell) or "\r" in str(cell)
    ]  # fmt: skip
    if breaks:
        raise InputError(breaks)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for number, row in enumerate(rows):  # one CSV line per Sheet row: line n is row n
        names = header if number else []
        writer.writerow(
            [cell_text(c, names[i] if i < len(names) else "") for i, c in enumerate(row)]
        )
    try:
        return parse_roster(out.getvalue(), where, policy, allowed_domains)
    except InputError as err:
        raise InputError([_in_sheet(p, where, letters) for p in err.problems]) from None


def cell_text(cell: Any, column: str) -> str:
    """A cell's unformatted value as the CSV roster would hold it: serial numbers in date
    columns (`*_date`) as YYYY-MM-DD, in time columns (`*_time`) as HH:MM; whole numbers
    without a decimal point."""
    if cell is None:
        return ""
    if isinstance(cell, bool) or not isinstance(cell, (int, float)):
        return str(cell)
    if column.endswith("_date"):
        return (EPOCH + timedelta(days=int(cell // 1))).isoformat()
    if column.endswith("_time"):
        minutes = round((cell % 1) * 24 * 60) % (24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _column(header: list[str], index: int, letters: dict[str, str]) -> str:
    name = header[index] if index < len(header) else ""
    return (
        f"column {name} ({letters[name]})" if name in letters else f"column {column_letter(index)}"
    )


def _in_sheet(problem: Problem, where: str, letters: dict[str, str]) -> Problem:
    """'line 5, column team' -> 'row 5, column team (G)'."""
    field = problem.field or ""
    name = field.removeprefix("column ").strip()
    if field.startswith("column ") and name in letters:
        field = f"column {name} ({letters[name]})"
    place = ", ".join(x for x in (f"row {problem.line}" if problem.line else "", field) if x)
    return Problem(where, None, place or None, problem.message)
