"""spreadsheets.batchUpdate request kinds: each edits the loaded document and returns its reply.

A request raises `bad_request(...)`; the dispatcher (spreadsheets.py) prefixes Google's
"Invalid requests[i].kind: " and, since nothing is saved until every request succeeded,
the whole batch is atomic.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..core.api import Call, bad_request
from .a1 import Box, box_to_grid, grid_to_box
from .dimensions import delete, insert
from .model import (
    apply_mask,
    get_cell,
    grid_size,
    intern,
    lookup,
    new_sheet,
    pack,
    reindex,
    set_cell,
    sheet_by_id,
    trim,
    unpack,
)
from .values import extended_value, from_extended

Request = Callable[[Call, dict[str, Any], dict[str, Any]], dict[str, Any] | None]
REQUESTS: dict[str, Request] = {}
CONDITIONS = {
    "NUMBER_GREATER",
    "NUMBER_GREATER_THAN_EQ",
    "NUMBER_LESS",
    "NUMBER_LESS_THAN_EQ",
    "NUMBER_EQ",
    "NUMBER_NOT_EQ",
    "NUMBER_BETWEEN",
    "NUMBER_NOT_BETWEEN",
    "TEXT_CONTAINS",
    "TEXT_NOT_CONTAINS",
    "TEXT_STARTS_WITH",
    "TEXT_ENDS_WITH",
    "TEXT_EQ",
    "TEXT_IS_EMAIL",
    "TEXT_IS_URL",
    "DATE_EQ",
    "DATE_BEFORE",
    "DATE_AFTER",
    "DATE_ON_OR_BEFORE",
    "DATE_ON_OR_AFTER",
    "DATE_BETWEEN",
    "DATE_NOT_BETWEEN",
    "DATE_IS_VALID",
    "ONE_OF_RANGE",
    "ONE_OF_LIST",
    "BLANK",
    "NOT_BLANK",
    "CUSTOM_FORMULA",
    "BOOLEAN",
    "TEXT_NOT_EQ",
    "DATE_NOT_EQ",
    "FILTER_EXPRESSION",
}
NO_VALUE_CONDITIONS = {
    "BLANK",
    "NOT_BLANK",
    "TEXT_IS_EMAIL",
    "TEXT_IS_URL",
    "DATE_IS_VALID",
    "BOOLEAN",
}


def request(name: str) -> Callable[[Request], Request]:
    def register(fn: Request) -> Request:
        REQUESTS[name] = fn
        return fn

    return register


def box_in(sheet: dict[str, Any], grid: dict[str, Any]) -> Box:
    rows, cols = grid_size(sheet)
    box = grid_to_box(grid)
    if box.r0 >= rows and rows or box.c0 >= cols and cols:
        raise bad_request(
            f"Range ({box.r0}, {box.c0}) is outside the grid ({rows} rows, {cols} columns)."
        )
    if box.r1 is not None and box.r1 > rows or box.c1 is not None and box.c1 > cols:
        raise bad_request(f"Range exceeds grid limits. Max rows: {rows}, max columns: {cols}")
    return box.clamp(rows, cols)


def sheet_of(doc: dict[str, Any], grid: dict[str, Any] | None) -> dict[str, Any]:
    return sheet_by_id(doc, (grid or {}).get("sheetId", 0))


def deep_copy(value: Any) -> Any:
    return json.loads(json.dumps(value))


# -- cells ------------------------------------------------------------------------------------


class CellWriter:
    """Applies CellData under a field mask, caching format-only edits per old format id."""

    def __init__(self, doc: dict[str, Any], data: dict[str, Any], mask: str) -> None:
        self.doc, self.data, self.mask = doc, data, mask or ""
        paths = [p.strip().split("(")[0].split(".")[0].split("/")[0] for p in self.mask.split(",")]
        self.format_only = bool(paths) and all(
            p in ("userEnteredFormat", "dataValidation") for p in paths
        )
        self.cache: dict[tuple[Any, Any], tuple[Any, Any]] = {}

    def apply(self, sheet: dict[str, Any], r: int, c: int) -> None:
        parts = unpack(get_cell(sheet, r, c))
        key = (parts.get("F"), parts.get("V"))
        if self.format_only and key in self.cache:
            parts["F"], parts["V"] = self.cache[key]
            set_cell(sheet, r, c, pack(parts))
            return
        view: dict[str, Any] = {}
        if parts.get("f"):
            view["userEnteredValue"] = {"formulaValue": parts["f"]}
        elif parts.get("v") is not None:
            view["userEnteredValue"] = extended_value(parts["v"])
        if parts.get("F") is not None:
            view["userEnteredFormat"] = lookup(self.doc, "formats", parts["F"])
        if parts.get("V") is not None:
            view["dataValidation"] = lookup(self.doc, "validations", parts["V"])
        if parts.get("n"):
            view["note"] = parts["n"]
        mask = (
            self.mask
            if self.mask.strip() != "*"
            else "userEnteredValue,userEnteredFormat,dataValidation,note"
        )
        apply_mask(view, self.data, mask)
        try:
            value, formula = from_extended(view.get("userEnteredValue") or {})
        except ValueError as exc:
            raise bad_request(str(exc)) from None
        new_f = intern(self.doc, "formats", view.get("userEnteredFormat"))
        new_v = intern(self.doc, "validations", view.get("dataValidation"))
        self.cache[key] = (new_f, new_v)
        parts.update({"v": value, "f": formula, "F": new_f, "V": new_v, "n": view.get("note")})
        set_cell(sheet, r, c, pack(parts))


@request("repeatCell")
def repeat_cell(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    sheet = sheet_of(doc, req.get("range"))
    box = box_in(sheet, req.get("range") or {})
    if not req.get("fields"):
        raise bad_request("At least one field must be specified in 'fields'.")
    writer = CellWriter(doc, req.get("cell") or {}, req["fields"])
    for r in range(box.r0, box.r1 or 0):
        for c in range(box.c0, box.c1 or 0):
            writer.apply(sheet, r, c)
    trim(sheet)
    return None


@request("updateCells")
def update_cells(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    if not req.get("fields"):
        raise bad_request("At least one field must be specified in 'fields'.")
    if "start" in req:
        start = req["start"]
        sheet = sheet_by_id(doc, start.get("sheetId", 0))
        r0, c0, limit = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0)), None
    else:
        sheet = sheet_of(doc, req.get("range"))
        limit = box_in(sheet, req.get("range") or {})
        r0, c0 = limit.r0, limit.c0
    rows, cols = grid_size(sheet)
    mask = req["fields"]
    for i, row in enumerate(req.get("rows") or []):
        for j, data in enumerate(row.get("values") or []):
            r, c = r0 + i, c0 + j
            if limit is not None and (r >= (limit.r1 or 0) or c >= (limit.c1 or 0)):
                continue
            if r >= rows or c >= cols:
                raise bad_request(
                    f"Range exceeds grid limits. Max rows: {rows}, max columns: {cols}"
                )
            CellWriter(doc, data or {}, mask).apply(sheet, r, c)
    if limit is not None:  # cells of the range without data are cleared for the masked fields
        given = req.get("rows") or []
        for r in range(limit.r0, limit.r1 or 0):
            values = given[r - r0].get("values") or [] if r - r0 < len(given) else []
            for c in range(limit.c0 + len(values), limit.c1 or 0):
                CellWriter(doc, {}, mask).apply(sheet, r, c)
    trim(sheet)
    return None


@request("setDataValidation")
def set_data_validation(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    rule = req.get("rule")
    if rule:
        check_condition(rule.get("condition") or {})
    repeat_cell(
        call,
        doc,
        {
            "range": req.get("range"),
            "cell": {"dataValidation": rule} if rule else {},
            "fields": "dataValidation",
        },
    )


def check_condition(condition: dict[str, Any]) -> None:
    kind = condition.get("type")
    if kind not in CONDITIONS:
        raise bad_request(f"Invalid ConditionType: {kind}")
    values = condition.get("values") or []
    if kind not in NO_VALUE_CONDITIONS and kind != "ONE_OF_LIST" and not values:
        raise bad_request(f"{kind} condition requires at least one value")
    if kind == "CUSTOM_FORMULA" and not str(
        (values[0] or {}).get("userEnteredValue", "")
    ).startswith("="):
        raise bad_request("CUSTOM_FORMULA condition requires a formula starting with '='")


@request("updateBorders")
def update_borders(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    sheet = sheet_of(doc, req.get("range"))
    box = box_in(sheet, req.get("range") or {})
    r1, c1 = (box.r1 or 1) - 1, (box.c1 or 1) - 1
    for r in range(box.r0, r1 + 1):
        for c in range(box.c0, c1 + 1):
            borders: dict[str, Any] = {}
            edges = {"top": r == box.r0, "bottom": r == r1, "left": c == box.c0, "right": c == c1}
            for side, on_edge in edges.items():
                if on_edge and req.get(side):
                    borders[side] = req[side]
            if r < r1 and req.get("innerHorizontal"):
                borders["bottom"] = req["innerHorizontal"]
            if c < c1 and req.get("innerVertical"):
                borders["right"] = req["innerVertical"]
            if borders:
                fields = ",".join(f"userEnteredFormat.borders.{side}" for side in borders)
                CellWriter(doc, {"userEnteredFormat": {"borders": borders}}, fields).apply(
                    sheet, r, c
                )
    return None


MERGE_TYPES = ("MERGE_ALL", "MERGE_COLUMNS", "MERGE_ROWS")


@request("mergeCells")
def merge_cells(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    """MERGE_ALL makes one merge, MERGE_COLUMNS one per column, MERGE_ROWS one per row; each
    keeps its top-left value only (gspread's cassettes CellTest.test_merge_cells: MERGE_ROWS of
    A1:B2 is two merges; WorksheetTest.test_get_merge_cells_and_unmerge_cells)."""
    sheet = sheet_of(doc, req.get("range"))
    box = box_in(sheet, req.get("range") or {})
    kind = req.get("mergeType") or "MERGE_ALL"
    if kind not in MERGE_TYPES:
        raise bad_request(f"Invalid value at 'requests.merge_cells.merge_type': {kind}")
    r1, c1 = box.r1 or box.r0, box.c1 or box.c0
    if kind == "MERGE_COLUMNS":
        parts = [Box(box.r0, r1, c, c + 1) for c in range(box.c0, c1)]
    elif kind == "MERGE_ROWS":
        parts = [Box(r, r + 1, box.c0, c1) for r in range(box.r0, r1)]
    else:
        parts = [Box(box.r0, r1, box.c0, c1)]
    sid = sheet["properties"]["sheetId"]
    kept = []
    for merge in sheet.get("merges", []):
        old = grid_to_box(merge)
        if _inside(old, box):
            continue  # merged again: replaced (CellTest.test_merge_cells, MERGE_ROWS then ALL)
        if _meets(old, box):
            raise bad_request(
                "You must select all cells in a merged range to merge or unmerge them."
            )
        kept.append(merge)
    sheet["merges"] = kept
    for part in parts:
        if (part.r1 or 0) - part.r0 == 1 and (part.c1 or 0) - part.c0 == 1:
            continue  # a single cell is not a merge
        for r in range(part.r0, part.r1 or 0):
            for c in range(part.c0, part.c1 or 0):
                if (r, c) != (part.r0, part.c0):
                    _clear_value(sheet, r, c)
        sheet.setdefault("merges", []).append(box_to_grid(sid, part))
    trim(sheet)
    return None


def _inside(inner: Box, outer: Box) -> bool:
    return (
        inner.r0 >= outer.r0
        and inner.c0 >= outer.c0
        and (inner.r1 or 0) <= (outer.r1 or 0)
        and (inner.c1 or 0) <= (outer.c1 or 0)
    )


def _meets(a: Box, b: Box) -> bool:
    return a.r0 < (b.r1 or 0) and b.r0 < (a.r1 or 0) and a.c0 < (b.c1 or 0) and b.c0 < (a.c1 or 0)


def _clear_value(sheet: dict[str, Any], r: int, c: int) -> None:
    parts = unpack(get_cell(sheet, r, c))
    parts.pop("v", None)
    parts.pop("f", None)
    set_cell(sheet, r, c, pack(parts))


@request("unmergeCells")
def unmerge_cells(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    sheet = sheet_of(doc, req.get("range"))
    target = grid_to_box(req.get("range") or {})
    sheet["merges"] = [
        m
        for m in sheet.get("merges", [])
        if not (
            grid_to_box(m).r0 >= target.r0
            and grid_to_box(m).c0 >= target.c0
            and (target.r1 is None or (grid_to_box(m).r1 or 0) <= target.r1)
            and (target.c1 is None or (grid_to_box(m).c1 or 0) <= target.c1)
        )
    ]
    return None


# -- sheets and dimensions --------------------------------------------------------------------


@request("addSheet")
def add_sheet(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> dict[str, Any]:
    sheet = new_sheet(doc, deep_copy(req.get("properties") or {}))
    return {"properties": deep_copy(sheet["properties"])}


@request("deleteSheet")
def delete_sheet(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    sheet = sheet_by_id(doc, req.get("sheetId", 0))
    if len(doc["sheets"]) == 1:
        raise bad_request("You can't remove all the sheets in a document.")
    doc["sheets"].remove(sheet)
    sid = sheet["properties"]["sheetId"]
    doc["namedRanges"] = [
        n for n in doc.get("namedRanges", []) if int(n["range"].get("sheetId", 0)) != sid
    ]
    reindex(doc)
    return None


@request("updateSheetProperties")
def update_sheet_properties(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    given = req.get("properties") or {}
    sheet = sheet_by_id(doc, given.get("sheetId", 0))
    if not req.get("fields"):
        raise bad_request("At least one field must be specified in 'fields'.")
    props = sheet["properties"]
    old_title, old_index = props["title"], props["index"]
    updated = deep_copy(props)
    apply_mask(updated, given, req["fields"])
    for key in ("sheetId", "sheetType"):
        updated[key] = props[key]
    if updated.get("title") != old_title:
        title = str(updated.get("title") or "")
        if not title or any(
            s is not sheet and s["properties"]["title"].lower() == title.lower()
            for s in doc["sheets"]
        ):
            raise bad_request(
                f'A sheet with the name "{title}" already exists. Please enter another name.'
            )
    if updated.get("hidden") and all(
        s is sheet or s["properties"].get("hidden") for s in doc["sheets"]
    ):  # gspread's cassette WorksheetTest.test_hide_show_worksheet: Google's 400
        raise bad_request("You can't hide all the sheets in a document.")
    grid = updated.get("gridProperties") or {}
    if props.get("sheetType", "GRID") == "GRID":
        for key in ("rowCount", "columnCount"):
            grid.setdefault(key, props["gridProperties"][key])
            if int(grid[key]) < 1:
                raise bad_request(f"Invalid {key}: must be at least 1")
        if int(grid.get("frozenRowCount", 0)) >= int(grid["rowCount"]):
            raise bad_request("You can't freeze all visible rows on the sheet.")
        if int(grid.get("frozenColumnCount", 0)) >= int(grid["columnCount"]):
            raise bad_request("You can't freeze all visible columns on the sheet.")
        _shrink(sheet, int(grid["rowCount"]), int(grid["columnCount"]))
        updated["gridProperties"] = grid
    sheet["properties"] = updated
    new_index = updated.get("index", old_index)
    if new_index != old_index:
        doc["sheets"].remove(sheet)
        doc["sheets"].insert(max(0, min(int(new_index), len(doc["sheets"]))), sheet)
    reindex(doc)
    return None


def _shrink(sheet: dict[str, Any], rows: int, cols: int) -> None:
    """Resizing a grid smaller drops the cells outside it."""
    del sheet["rows"][rows:]
    for row in sheet["rows"]:
        if row:
            del row[cols:]
    trim(sheet)


def _dimension(
    doc: dict[str, Any], rng: dict[str, Any]
) -> tuple[dict[str, Any], str, int, int | None]:
    sheet = sheet_by_id(doc, rng.get("sheetId", 0))
    dim = rng.get("dimension")
    if dim not in ("ROWS", "COLUMNS"):
        raise bad_request(f"Invalid dimension: {dim}")
    end = rng.get("endIndex")
    return sheet, dim, int(rng.get("startIndex", 0)), None if end is None else int(end)


@request("appendDimension")
def append_dimension(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    sheet, dim, _, _ = _dimension(
        doc, {"sheetId": req.get("sheetId", 0), "dimension": req.get("dimension")}
    )
    length = int(req.get("length", 0))
    if length < 1:
        raise bad_request("length must be at least 1")
    key = "rowCount" if dim == "ROWS" else "columnCount"
    sheet["properties"]["gridProperties"][key] += length
    return None


@request("insertDimension")
def insert_dimension(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    sheet, dim, start, end = _dimension(doc, req.get("range") or {})
    insert(doc, sheet, dim, start, (end or start) - start)
    return None


@request("deleteDimension")
def delete_dimension(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    sheet, dim, start, end = _dimension(doc, req.get("range") or {})
    rows, cols = grid_size(sheet)
    delete(doc, sheet, dim, start, end if end is not None else (rows if dim == "ROWS" else cols))
    return None


@request("updateDimensionProperties")
def update_dimension_properties(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    sheet, dim, start, end = _dimension(doc, req.get("range") or {})
    rows, cols = grid_size(sheet)
    end = min(
        end if end is not None else (rows if dim == "ROWS" else cols),
        rows if dim == "ROWS" else cols,
    )
    meta = sheet.setdefault("rowMeta" if dim == "ROWS" else "colMeta", {})
    for i in range(start, end):
        entry = meta.get(str(i), {})
        apply_mask(entry, req.get("properties") or {}, req.get("fields") or "*")
        meta[str(i)] = entry
    return None


@request("autoResizeDimensions")
def auto_resize_dimensions(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    """Fit widths to the longest text (about 7 pixels a character), heights to 21 pixels."""
    sheet, dim, start, end = _dimension(doc, req.get("dimensions") or {})
    rows, cols = grid_size(sheet)
    end = end if end is not None else (rows if dim == "ROWS" else cols)
    meta = sheet.setdefault("rowMeta" if dim == "ROWS" else "colMeta", {})
    for i in range(start, end):
        if dim == "ROWS":
            size = 21
        else:
            longest = max(
                (
                    len(str(_val(row[i])))
                    for row in sheet["rows"]
                    if row and i < len(row) and row[i] is not None
                ),
                default=0,
            )
            size = max(100 if longest == 0 else 0, min(7 * longest + 12, 1000), 25)
        meta[str(i)] = {**meta.get(str(i), {}), "pixelSize": size}
    return None


def _val(cell: Any) -> Any:
    return (
        (cell.get("v") if cell.get("v") is not None else cell.get("f", ""))
        if isinstance(cell, dict)
        else cell
    )
