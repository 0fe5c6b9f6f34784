"""A1 notation for the Sheets emulator: parse `'My sheet'!A1:C`, `2:5`, `Sheet1`, and format ranges back.

Indexes are zero-based and half-open, like Google's GridRange: row 1 is index 0 and `A1:B2`
is rows [0, 2) and columns [0, 2). An unbounded end is `None`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ENDPOINT = re.compile(r"^\$?([A-Za-z]{1,3})?\$?([0-9]+)?$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CELL_LIKE = re.compile(r"^[A-Za-z]{1,3}[0-9]+$|^[Rr][0-9]*[Cc][0-9]*$")


@dataclass
class Box:
    """A rectangle of a sheet: rows [r0, r1) and columns [c0, c1); None ends are unbounded."""

    r0: int = 0
    r1: int | None = None
    c0: int = 0
    c1: int | None = None
    single: bool = False  # written as one cell (an anchor for writes)

    def clamp(self, rows: int, cols: int) -> Box:
        r1 = rows if self.r1 is None else min(self.r1, rows)
        c1 = cols if self.c1 is None else min(self.c1, cols)
        return Box(self.r0, max(r1, self.r0), self.c0, max(c1, self.c0), self.single)

    @property
    def bounded(self) -> bool:
        return self.r1 is not None and self.c1 is not None


def col_index(letters: str) -> int:
    """'A' -> 0, 'Z' -> 25, 'AA' -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def col_letters(index: int) -> str:
    """0 -> 'A', 26 -> 'AA'."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def split_sheet(text: str) -> tuple[str | None, str]:
    """Split `'It''s'!A1` into ("It's", "A1"); a bare name or range returns (None, text)."""
    text = text.strip()
    if text.startswith("'"):
        i, title = 1, ""
        while i < len(text):
            if text[i] == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    title += "'"
                    i += 2
                    continue
                rest = text[i + 1 :]
                if rest.startswith("!"):
                    return title, rest[1:]
                if rest == "":
                    return title, ""
                raise ValueError(text)
            title += text[i]
            i += 1
        raise ValueError(text)
    if "!" in text:
        title, _, rest = text.rpartition("!")
        return title, rest
    return None, text


def parse_cells(text: str) -> Box | None:
    """Parse the part after `!`: `A1`, `A1:B2`, `A:C`, `2:5`, `A2:C`; None if it is not a range."""
    text = text.strip()
    if not text:
        return None
    if ":" not in text:
        m = _ENDPOINT.match(text)
        if not m or not m.group(1) or not m.group(2) or int(m.group(2)) < 1:
            return None
        r, c = int(m.group(2)) - 1, col_index(m.group(1))
        return Box(r, r + 1, c, c + 1, single=True)
    left, _, right = text.partition(":")
    a, b = _ENDPOINT.match(left), _ENDPOINT.match(right)
    if not a or not b or not (a.group(1) or a.group(2)) or not (b.group(1) or b.group(2)):
        return None
    if (a.group(2) and int(a.group(2)) < 1) or (b.group(2) and int(b.group(2)) < 1):
        return None
    ac = col_index(a.group(1)) if a.group(1) else None
    bc = col_index(b.group(1)) if b.group(1) else None
    ar = int(a.group(2)) - 1 if a.group(2) else None
    br = int(b.group(2)) - 1 if b.group(2) else None
    if ac is None and bc is not None or ar is None and br is not None and ac is None:
        return None
    # Columns: both letters given -> bounded; only rows given -> all columns.
    if ac is not None and bc is not None:
        c0, c1 = min(ac, bc), max(ac, bc) + 1
    else:
        c0, c1 = (ac or 0), None
    if ar is not None and br is not None:
        r0, r1 = min(ar, br), max(ar, br) + 1
    else:
        r0, r1 = (ar if ar is not None else 0), None
    return Box(r0, r1, c0, c1)


def quote_title(title: str) -> str:
    """Quote a sheet title when Google would (spaces, punctuation, cell-like names)."""
    if _PLAIN_TITLE.match(title) and not _CELL_LIKE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def format_range(title: str, box: Box) -> str:
    """`Sheet1!A1:B2` (or `Sheet1!A1` for one cell) for a bounded box."""
    assert box.r1 is not None and box.c1 is not None
    start = f"{col_letters(box.c0)}{box.r0 + 1}"
    end = f"{col_letters(max(box.c1 - 1, box.c0))}{max(box.r1, box.r0 + 1)}"
    cells = start if start == end else f"{start}:{end}"
    return f"{quote_title(title)}!{cells}"


def grid_to_box(grid: dict[str, object]) -> Box:
    """A GridRange dict (missing indexes are unbounded) as a Box."""

    def num(key: str) -> int | None:
        value = grid.get(key)
        return None if value is None else int(value)  # type: ignore[call-overload]

    return Box(
        num("startRowIndex") or 0,
        num("endRowIndex"),
        num("startColumnIndex") or 0,
        num("endColumnIndex"),
    )


def box_to_grid(sheet_id: int, box: Box) -> dict[str, int]:
    grid = {"sheetId": sheet_id, "startRowIndex": box.r0, "startColumnIndex": box.c0}
    if box.r1 is not None:
        grid["endRowIndex"] = box.r1
    if box.c1 is not None:
        grid["endColumnIndex"] = box.c1
    return grid
