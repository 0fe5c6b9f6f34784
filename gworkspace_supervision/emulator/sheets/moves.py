"""batchUpdate requests that move cells around: copyPaste, cutPaste, sortRange, dimension groups;
and the CSV a spreadsheet exports as (Drive files.export, text/csv).

Request shapes and replies follow gspread's cassettes recorded against Google
(WorksheetTest.test_copy_cut_range, test_sort, test_group_rows / test_group_columns,
SpreadsheetTest.test_export_spreadsheet). Formula references are not rewritten when cells move
(the emulator's documented deviation, as for inserted rows).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ..core.api import Call, bad_request
from .a1 import Box
from .cells import Reader
from .model import get_cell, grid_size, pack, set_cell, sheet_by_id, trim, unpack
from .requests import box_in, deep_copy, request, sheet_of

# which stored parts of a cell each paste type carries: v/f value and formula, F format,
# V validation, n note
PASTE_PARTS = {
    "PASTE_NORMAL": ("v", "f", "F", "V", "n"),
    "PASTE_NO_BORDERS": ("v", "f", "F", "V", "n"),
    "PASTE_VALUES": ("v",),
    "PASTE_FORMAT": ("F",),
    "PASTE_FORMULA": ("v", "f"),
    "PASTE_DATA_VALIDATION": ("V",),
}


def _parts(paste_type: str) -> tuple[str, ...]:
    kind = paste_type or "PASTE_NORMAL"
    if kind not in PASTE_PARTS:
        raise bad_request(f"pasteType {kind} is not supported by the local Workspace.")
    return PASTE_PARTS[kind]


def _block(sheet: dict[str, Any], box: Box) -> list[list[dict[str, Any]]]:
    return [
        [unpack(get_cell(sheet, r, c)) for c in range(box.c0, box.c1 or 0)]
        for r in range(box.r0, box.r1 or 0)
    ]


def _paste(
    sheet: dict[str, Any], r: int, c: int, source: dict[str, Any], parts: tuple[str, ...]
) -> None:
    rows, cols = grid_size(sheet)
    if r >= rows or c >= cols:
        raise bad_request(f"Range exceeds grid limits. Max rows: {rows}, max columns: {cols}")
    cell = unpack(get_cell(sheet, r, c))
    for key in parts:
        if key == "v" and "f" not in parts:
            cell.pop("f", None)  # values only: the formula's value, not the formula
        cell[key] = source.get(key)
    set_cell(sheet, r, c, pack(cell))


@request("copyPaste")
def copy_paste(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    """Copy the source over the destination; a destination a multiple of the source repeats
    it, a smaller one still receives the whole source (Sheets reference, CopyPasteRequest)."""
    parts = _parts(req.get("pasteType", "PASTE_NORMAL"))
    source_sheet = sheet_of(doc, req.get("source"))
    src = box_in(source_sheet, req.get("source") or {})
    target = sheet_of(doc, req.get("destination"))
    dst = box_in(target, req.get("destination") or {})
    block = _block(source_sheet, src)
    if (req.get("pasteOrientation") or "NORMAL") == "TRANSPOSE":
        block = [list(col) for col in zip(*block, strict=False)] if block else []
    height, width = len(block), len(block[0]) if block else 0
    if not height or not width:
        return None
    dst_h, dst_w = (dst.r1 or 0) - dst.r0, (dst.c1 or 0) - dst.c0
    out_h = max(height, dst_h - dst_h % height)
    out_w = max(width, dst_w - dst_w % width)
    for i in range(out_h):
        for j in range(out_w):
            _paste(target, dst.r0 + i, dst.c0 + j, block[i % height][j % width], parts)
    trim(target)
    return None


@request("cutPaste")
def cut_paste(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    """Move the source to the destination's top-left cell; the source is left empty."""
    parts = _parts(req.get("pasteType", "PASTE_NORMAL"))
    source_sheet = sheet_of(doc, req.get("source"))
    src = box_in(source_sheet, req.get("source") or {})
    where = req.get("destination") or {}
    target = sheet_by_id(doc, where.get("sheetId", 0))
    block = _block(source_sheet, src)
    for r in range(src.r0, src.r1 or 0):
        for c in range(src.c0, src.c1 or 0):
            set_cell(source_sheet, r, c, None)
    r0, c0 = int(where.get("rowIndex", 0)), int(where.get("columnIndex", 0))
    for i, row in enumerate(block):
        for j, cell in enumerate(row):
            _paste(target, r0 + i, c0 + j, cell, parts)
    trim(source_sheet)
    trim(target)
    return None


def _sort_key(value: Any) -> tuple[int, Any]:
    """Numbers before text before booleans; text compared without case."""
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, (int, float)):
        return (0, value)
    return (1, str(value).lower())


@request("sortRange")
def sort_range(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    """Rows of the range reordered by the sort specs (stable); empty cells always last."""
    sheet = sheet_of(doc, req.get("range"))
    box = box_in(sheet, req.get("range") or {})
    specs = req.get("sortSpecs") or []
    if not specs:
        raise bad_request("At least one sort spec is required.")
    reader = Reader(doc)
    rows = list(range(box.r0, box.r1 or 0))
    block = {r: _block(sheet, Box(r, r + 1, box.c0, box.c1))[0] for r in rows}
    for spec in reversed(specs):
        column = int(spec.get("dimensionIndex", 0))
        if not box.c0 <= column < (box.c1 or 0):
            raise bad_request(f"Invalid sort spec: column {column} is outside the range.")
        descending = spec.get("sortOrder") == "DESCENDING"
        filled = [r for r in rows if reader.effective(sheet, r, column)[0] not in (None, "")]
        empty = [r for r in rows if r not in filled]

        def key(r: int, col: int = column) -> tuple[int, Any]:
            return _sort_key(reader.effective(sheet, r, col)[0])

        filled.sort(key=key, reverse=descending)
        rows = filled + empty
    for offset, r in enumerate(rows):
        for j, cell in enumerate(block[r]):
            set_cell(sheet, box.r0 + offset, box.c0 + j, pack(cell))
    trim(sheet)
    return None


def _groups(doc: dict[str, Any], rng: dict[str, Any]) -> tuple[list[dict[str, Any]], Box]:
    sheet = sheet_by_id(doc, rng.get("sheetId", 0))
    dimension = rng.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise bad_request(f"Invalid dimension: {dimension}")
    key = "rowGroups" if dimension == "ROWS" else "columnGroups"
    start, end = int(rng.get("startIndex", 0)), rng.get("endIndex")
    if end is None or int(end) <= start:
        raise bad_request("Invalid dimension range: startIndex must be less than endIndex")
    return sheet.setdefault(key, []), Box(start, int(end))


@request("addDimensionGroup")
def add_dimension_group(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> dict[str, Any]:
    """A group one deeper than the groups around it; the reply lists the dimension's groups."""
    rng = deep_copy(req.get("range") or {})
    groups, span = _groups(doc, rng)
    depth = 1 + sum(
        1
        for g in groups
        if g["range"]["startIndex"] <= span.r0 and g["range"]["endIndex"] >= (span.r1 or 0)
    )
    groups.append({"range": rng, "depth": depth})
    groups.sort(key=lambda g: (g["depth"], g["range"]["startIndex"]))
    return {"dimensionGroups": deep_copy(groups)}


@request("deleteDimensionGroup")
def delete_dimension_group(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> dict[str, Any]:
    rng = req.get("range") or {}
    groups, span = _groups(doc, rng)
    same = [
        g
        for g in groups
        if (g["range"]["startIndex"], g["range"]["endIndex"]) == (span.r0, span.r1)
    ]
    if not same:
        raise bad_request("No dimension group over that range.")
    deepest = max(same, key=lambda g: g["depth"])
    groups.remove(deepest)
    return {"dimensionGroups": deep_copy(groups)} if groups else {}


def export_csv(doc: dict[str, Any]) -> bytes:
    """The first sheet as Drive exports it to text/csv: formatted values, rows and columns up to
    the last one holding data, no line end after the last row ("a1,B2" for one row)."""
    sheet = doc["sheets"][0]
    rows, cols = grid_size(sheet)
    values = Reader(doc).values(
        sheet, Box(0, rows, 0, cols), "FORMATTED_VALUE", "SERIAL_NUMBER", "ROWS"
    )
    width = max((len(row) for row in values), default=0)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in values:
        writer.writerow(list(row) + [""] * (width - len(row)))
    return out.getvalue().removesuffix("\r\n").encode("utf-8")
