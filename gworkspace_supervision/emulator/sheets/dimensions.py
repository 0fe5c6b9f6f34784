"""Inserting and deleting rows/columns: cells move, and every range on the sheet follows them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..core.api import bad_request
from .model import grid_size

KEYS = {"ROWS": ("startRowIndex", "endRowIndex"), "COLUMNS": ("startColumnIndex", "endColumnIndex")}


def insert_rows(doc: dict[str, Any], sheet: dict[str, Any], start: int, count: int) -> None:
    insert(doc, sheet, "ROWS", start, count)


def insert(doc: dict[str, Any], sheet: dict[str, Any], dim: str, start: int, count: int) -> None:
    rows, cols = grid_size(sheet)
    limit = rows if dim == "ROWS" else cols
    if start < 0 or start > limit or count <= 0:
        raise bad_request(
            f"Invalid dimension range: start {start} is outside the grid (size {limit})"
        )
    grid = sheet["properties"]["gridProperties"]
    if dim == "ROWS":
        if start < len(sheet["rows"]):
            sheet["rows"][start:start] = [None] * count
        grid["rowCount"] = rows + count
    else:
        for row in sheet["rows"]:
            if row and start < len(row):
                row[start:start] = [None] * count
        grid["columnCount"] = cols + count
    _shift_meta(
        sheet, "rowMeta" if dim == "ROWS" else "colMeta", lambda i: i + count if i >= start else i
    )
    lo, hi = KEYS[dim]
    for rng in ranges_on(doc, sheet):
        if rng.get(lo) is not None and rng[lo] >= start:
            rng[lo] += count
        if rng.get(hi) is not None and rng[hi] > start:
            rng[hi] += count


def delete(doc: dict[str, Any], sheet: dict[str, Any], dim: str, start: int, end: int) -> None:
    rows, cols = grid_size(sheet)
    limit = rows if dim == "ROWS" else cols
    end = min(end, limit)
    if start < 0 or end <= start:
        raise bad_request("Invalid dimension range: startIndex must be less than endIndex")
    if start == 0 and end >= limit:
        what = "rows" if dim == "ROWS" else "columns"
        raise bad_request(f"You can't delete all the {what} on the sheet.")
    count = end - start
    grid = sheet["properties"]["gridProperties"]
    if dim == "ROWS":
        del sheet["rows"][start:end]
        grid["rowCount"] = rows - count
    else:
        for row in sheet["rows"]:
            if row:
                del row[start:end]
        grid["columnCount"] = cols - count
    meta = "rowMeta" if dim == "ROWS" else "colMeta"
    sheet[meta] = {k: v for k, v in sheet.get(meta, {}).items() if not start <= int(k) < end}
    _shift_meta(sheet, meta, lambda i: i - count if i >= end else i)

    def moved(i: int) -> int:
        return i if i <= start else (start if i < end else i - count)

    lo, hi = KEYS[dim]
    for rng in ranges_on(doc, sheet):
        if rng.get(lo) is not None:
            rng[lo] = moved(rng[lo])
        if rng.get(hi) is not None:
            rng[hi] = moved(rng[hi])
    _drop_empty(sheet, lo, hi)


def _drop_empty(sheet: dict[str, Any], lo: str, hi: str) -> None:
    def empty(rng: dict[str, Any]) -> bool:
        return rng.get(hi) is not None and rng.get(lo, 0) >= rng[hi]

    for rule in sheet.get("conditionalFormats", []):
        rule["ranges"] = [r for r in rule.get("ranges", []) if not empty(r)]
    sheet["conditionalFormats"] = [r for r in sheet.get("conditionalFormats", []) if r["ranges"]]
    sheet["protectedRanges"] = [
        p for p in sheet.get("protectedRanges", []) if "range" not in p or not empty(p["range"])
    ]
    sheet["merges"] = [m for m in sheet.get("merges", []) if not empty(m)]


def _shift_meta(sheet: dict[str, Any], key: str, move: Callable[[int], int]) -> None:
    sheet[key] = {str(move(int(k))): v for k, v in sheet.get(key, {}).items()}


def ranges_on(doc: dict[str, Any], sheet: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every GridRange that refers to this sheet (formats, protections, filter, merges, names)."""
    sid = sheet["properties"]["sheetId"]
    for rule in sheet.get("conditionalFormats", []):
        yield from rule.get("ranges", [])
    for prot in sheet.get("protectedRanges", []):
        if "range" in prot:
            yield prot["range"]
    if sheet.get("basicFilter"):
        yield sheet["basicFilter"]["range"]
    yield from sheet.get("merges", [])
    for named in doc.get("namedRanges", []):
        if int(named["range"].get("sheetId", 0)) == sid:
            yield named["range"]
