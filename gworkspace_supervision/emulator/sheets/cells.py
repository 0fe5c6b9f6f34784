"""Reading and writing cells of a stored sheet: ValueRanges, CellData and effective values."""

from __future__ import annotations

from typing import Any

from .a1 import Box
from .formula import FormulaError, Uncomputed, evaluate, hyperlink_target
from .model import (
    DEFAULT_FORMAT,
    get_cell,
    grid_size,
    has_content,
    intern,
    lookup,
    pack,
    set_cell,
    sheet_by_title,
    unpack,
)
from .values import extended_value, formatted, number_out, parse_input, render


class Reader:
    """Evaluates cells of one spreadsheet for one request (formula results are cached)."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.locale = str(doc["properties"].get("locale", "en_US"))
        self._cache: dict[tuple[int, int, int], tuple[Any, FormulaError | None, bool]] = {}
        self._depth = 0

    def effective(
        self, sheet: dict[str, Any], r: int, c: int
    ) -> tuple[Any, FormulaError | None, bool]:
        """(value, error, computed) of a cell; computed is False for a formula the emulator skips."""
        cell = get_cell(sheet, r, c)
        if not isinstance(cell, dict) or not cell.get("f"):
            return (cell.get("v") if isinstance(cell, dict) else cell), None, True
        key = (sheet["properties"]["sheetId"], r, c)
        if key in self._cache:
            return self._cache[key]
        self._cache[key] = (
            None,
            FormulaError("REF", "#REF!", "Circular dependency detected."),
            True,
        )
        self._depth += 1
        try:
            value = evaluate(
                cell["f"], lambda title, box: self._block(sheet, title, box), self._depth
            )
            result: tuple[Any, FormulaError | None, bool] = (_clean(value), None, True)
        except FormulaError as err:
            result = (None, err, True)
        except Uncomputed:
            result = (cell["f"], None, False)
        except (IndexError, TypeError, ValueError, ZeroDivisionError, OverflowError):
            result = (None, FormulaError("ERROR", "#ERROR!", "Formula parse error."), True)
        finally:
            self._depth -= 1
        self._cache[key] = result
        return result

    def _block(self, here: dict[str, Any], title: str | None, box: Box) -> list[list[Any]]:
        sheet = here if title is None else sheet_by_title(self.doc, title)
        if sheet is None:
            raise FormulaError("REF", "#REF!", f"Unresolved sheet name '{title}'.")
        rows, cols = grid_size(sheet)
        last_row = min(rows, max(len(sheet["rows"]), box.r0 + 1))
        b = box.clamp(last_row if box.r1 is None else rows, cols)
        return [
            [self.effective(sheet, r, c)[0] for c in range(b.c0, b.c1 or 0)]
            for r in range(b.r0, b.r1 or 0)
        ]

    def fmt(self, cell: Any) -> dict[str, Any] | None:
        """The cell's userEnteredFormat (shared, read-only)."""
        if not isinstance(cell, dict) or cell.get("F") is None:
            return None
        return self.doc["formats"][cell["F"]]  # type: ignore[no-any-return]

    def cell_value(self, sheet: dict[str, Any], r: int, c: int, option: str, dt_option: str) -> Any:
        cell = get_cell(sheet, r, c)
        if cell is None:
            return ""
        if not isinstance(cell, dict):
            return render(cell, None, None, option, dt_option, self.locale)
        formula = cell.get("f")
        fmt = self.fmt(cell)
        number_format = (fmt or {}).get("numberFormat")
        if formula and option != "FORMULA":
            value, error, _ = self.effective(sheet, r, c)
            if error is not None:
                return error.shown
            return render(value, None, number_format, option, dt_option, self.locale)
        return render(cell.get("v"), formula, number_format, option, dt_option, self.locale)

    def values(
        self, sheet: dict[str, Any], box: Box, option: str, dt_option: str, major: str
    ) -> list[list[Any]]:
        """The ValueRange `values` of a bounded box, trailing empty rows and cells trimmed."""
        r1 = min(box.r1 or 0, len(sheet["rows"]))
        grid: list[list[Any]] = []
        for r in range(box.r0, r1):
            row = sheet["rows"][r]
            if not row:
                grid.append([])
                continue
            end = min(box.c1 or 0, len(row))
            while end > box.c0 and not has_content(row[end - 1]):
                end -= 1
            out = []
            for c in range(box.c0, end):
                cell = row[c]
                if cell is None:
                    out.append("")
                elif type(cell) is str:
                    out.append(cell)
                else:
                    out.append(self.cell_value(sheet, r, c, option, dt_option))
            grid.append(out)
        if major == "COLUMNS":
            width = max((len(row) for row in grid), default=0)
            grid = [[row[c] if c < len(row) else "" for row in grid] for c in range(width)]
            for col in grid:
                while col and col[-1] == "":
                    col.pop()
        while grid and not grid[-1]:
            grid.pop()
        return grid

    def cell_data(self, sheet: dict[str, Any], r: int, c: int) -> dict[str, Any]:
        """Google's CellData for includeGridData."""
        cell = get_cell(sheet, r, c)
        if cell is None:
            return {}
        parts = unpack(cell)
        out: dict[str, Any] = {}
        fmt = self.fmt(cell)
        number_format = (fmt or {}).get("numberFormat")
        if parts.get("f"):
            out["userEnteredValue"] = {"formulaValue": parts["f"]}
            value, error, _ = self.effective(sheet, r, c)
            if error is not None:
                out["effectiveValue"] = {
                    "errorValue": {"type": error.kind, "message": error.message}
                }
                out["formattedValue"] = error.shown
            elif value is not None:
                out["effectiveValue"] = extended_value(value)
                out["formattedValue"] = formatted(value, number_format, self.locale)
            link = hyperlink_target(parts["f"])
            if link:
                out["hyperlink"] = link
        elif parts.get("v") is not None:
            out["userEnteredValue"] = extended_value(parts["v"])
            out["effectiveValue"] = extended_value(parts["v"])
            out["formattedValue"] = formatted(parts["v"], number_format, self.locale)
        if fmt:
            out["userEnteredFormat"] = fmt
            out["effectiveFormat"] = merge(DEFAULT_FORMAT, fmt)
        validation = lookup(self.doc, "validations", parts.get("V"))
        if validation:
            out["dataValidation"] = validation
        if parts.get("n"):
            out["note"] = parts["n"]
        return out


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return number_out(value)
    return value


# -- writing ----------------------------------------------------------------------------------


def write_value(
    doc: dict[str, Any],
    sheet: dict[str, Any],
    r: int,
    c: int,
    raw: Any,
    user_entered: bool,
    locale: str,
) -> None:
    """Write one input value (RAW or USER_ENTERED) into a cell, keeping its format and validation."""
    value, formula, implied = parse_input(raw, user_entered, locale)
    cell = get_cell(sheet, r, c)
    if formula is None and implied is None and not isinstance(cell, dict):
        set_cell(sheet, r, c, value)  # the common case: a plain value into an unformatted cell
        return
    parts = unpack(cell)
    parts["v"], parts["f"] = value, formula
    if implied is not None:
        parts["F"] = _implied_format(doc, parts.get("F"), implied)
    set_cell(sheet, r, c, pack(parts))


def _implied_format(doc: dict[str, Any], old: int | None, implied: dict[str, Any]) -> int | None:
    """A typed date/percent sets the number format, unless the cell already has a date format."""
    cache = doc.setdefault("_index", {}).setdefault("_implied", {})
    key = (old, implied["type"], implied.get("pattern"))
    if key not in cache:
        fmt = lookup(doc, "formats", old) or {}
        current = (fmt.get("numberFormat") or {}).get("type")
        keep = current in ("DATE", "DATE_TIME", "TIME") and implied["type"] in ("DATE", "DATE_TIME")
        if keep or current == implied["type"]:
            cache[key] = old
        else:
            fmt["numberFormat"] = dict(implied)
            cache[key] = intern(doc, "formats", fmt)
    return cache[key]  # type: ignore[no-any-return]


def clear_values(sheet: dict[str, Any], box: Box) -> None:
    """values.clear: values and formulas go; formats and validation stay."""
    r1 = min(box.r1 or 0, len(sheet["rows"]))
    for r in range(box.r0, r1):
        row = sheet["rows"][r]
        if not row:
            continue
        for c in range(box.c0, min(box.c1 or 0, len(row))):
            cell = row[c]
            if cell is None:
                continue
            parts = unpack(cell)
            parts.pop("v", None)
            parts.pop("f", None)
            row[c] = pack(parts)


def find_table(sheet: dict[str, Any], box: Box, single: bool) -> Box | None:
    """values.append's "table": a block of cells with content joined side by side or one above
    the other, as gspread's cassettes recorded against Google show it:

    - a one-cell range names where the table starts: an empty cell is no table (write there:
      WorksheetTest.test_insert_row appends at an empty A2 above data), a filled one is the
      block holding it, to its right and below (A1 filled, B1 empty: table "Sheet1!A1",
      WorksheetTest.test_append_row_with_empty_value_and_table_range);
    - a larger range (a whole sheet) holds the last block, bottom-most then right-most (A1
      and C1 filled, B1 empty: table "Sheet1!C1", WorksheetTest.test_append_row_with_empty_value).
    """
    rows = sheet["rows"]

    def filled(r: int, c: int) -> bool:
        return r < len(rows) and bool(rows[r]) and c < len(rows[r]) and has_content(rows[r][c])

    r_end = min(box.r1 or 0, len(rows))
    c_end = box.c1 or 0
    if single:
        if not filled(box.r0, box.c0):
            return None
        return _block_of(filled, box.r0, box.c0, Box(box.r0, r_end, box.c0, c_end))
    best: Box | None = None
    seen: set[tuple[int, int]] = set()
    for r in range(box.r0, r_end):
        row = rows[r] or []
        for c in range(box.c0, min(c_end, len(row))):
            if (r, c) in seen or not has_content(row[c]):
                continue
            block = _block_of(filled, r, c, box, seen)
            if best is None or ((block.r1 or 0), (block.c1 or 0)) > (
                (best.r1 or 0),
                (best.c1 or 0),
            ):
                best = block
    return best


def _block_of(
    filled: Any, r: int, c: int, limit: Box, seen: set[tuple[int, int]] | None = None
) -> Box:
    """The bounding box of the cells with content joined to (r, c) within `limit`."""
    seen = set() if seen is None else seen
    todo = [(r, c)]
    seen.add((r, c))
    r0, r1, c0, c1 = r, r + 1, c, c + 1
    while todo:
        y, x = todo.pop()
        r0, r1, c0, c1 = min(r0, y), max(r1, y + 1), min(c0, x), max(c1, x + 1)
        for ny, nx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
            inside = limit.r0 <= ny < (limit.r1 or 0) and limit.c0 <= nx < (limit.c1 or 0)
            if inside and (ny, nx) not in seen and filled(ny, nx):
                seen.add((ny, nx))
                todo.append((ny, nx))
    return Box(r0, r1, c0, c1)
