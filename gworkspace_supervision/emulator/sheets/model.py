"""The stored spreadsheet: one compact document per spreadsheet (kind "spreadsheet"), plus its Drive file.

Cells live per sheet in `rows`: a list (by row index) of lists (by column index) of cells, where a
cell is None (empty), a bare value (str/number/bool: a plain value with no format), or a dict
{"v": value, "f": formula, "F": format id, "V": validation id, "n": note}. Formats and data
validation rules are interned per spreadsheet (`formats`, `validations`), so a formatted column
of thousands of rows costs a small int per cell. A 5,000 x 12 tab loads and saves in milliseconds.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

from ..core.api import Call, HttpError, bad_request
from ..drive import files
from .a1 import Box, format_range, grid_to_box, parse_cells, split_sheet

KIND = "spreadsheet"
DEFAULT_ROWS = 1000
DEFAULT_COLS = 26

DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
    },
}


# -- loading and saving ---------------------------------------------------------------------------


def open_spreadsheet(
    call: Call, spreadsheet_id: str, need: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Drive file and the spreadsheet document, after the ACL check.

    Sheets, unlike Drive, does not hide a spreadsheet that exists from someone who may not open
    it: an unknown id is 404 NOT_FOUND "Requested entity was not found.", an existing spreadsheet
    the caller cannot open (or not write, for a write) is 403 PERMISSION_DENIED "The caller does
    not have permission" (gspread's cassettes ClientTest.test_access_non_existing_spreadsheet and
    test_access_private_spreadsheet, recorded against Google).
    """
    try:
        file = files.reach(call, spreadsheet_id, need)
    except HttpError as exc:
        if exc.code == 404 and call.store.get("file", spreadsheet_id) is None:
            raise HttpError(404, "notFound", "Requested entity was not found.") from exc
        if exc.code in (403, 404):
            raise HttpError(403, "forbidden", "The caller does not have permission") from exc
        raise
    if file.get("mimeType") != files.SHEET_MIME:
        raise bad_request("This operation is not supported for this document", "failedPrecondition")
    doc = call.store.get(KIND, spreadsheet_id)
    if doc is None:  # created through Drive files.create: an empty default spreadsheet
        doc = new_document(spreadsheet_id, file["name"], {})
        new_sheet(doc, {})
    doc["properties"]["title"] = file["name"]
    return file, doc


def save(call: Call, file: dict[str, Any], doc: dict[str, Any]) -> None:
    """Persist the content and touch the Drive file (modifiedTime, version, a Drive change)."""
    if file.get("name") != doc["properties"]["title"]:
        file["name"] = doc["properties"]["title"]
    call.store.put(KIND, doc["spreadsheetId"], doc)
    files.save_file(call.store, file, call.now)


def new_document(spreadsheet_id: str, title: str, properties: dict[str, Any]) -> dict[str, Any]:
    props = {
        "title": title,
        "locale": "en_US",
        "autoRecalc": "ON_CHANGE",
        "timeZone": "Etc/GMT",
        "defaultFormat": json.loads(json.dumps(DEFAULT_FORMAT)),
    }
    props.update({k: v for k, v in properties.items() if v is not None})
    props["title"] = title
    return {
        "spreadsheetId": spreadsheet_id,
        "properties": props,
        "sheets": [],
        "namedRanges": [],
        "developerMetadata": [],
        "formats": [],
        "validations": [],
    }


def new_sheet(doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    """Add a GRID sheet (Google's defaults: "SheetN", 1000 x 26, a random sheetId after the first)."""
    titles = {s["properties"]["title"].lower() for s in doc["sheets"]}
    ids = {s["properties"]["sheetId"] for s in doc["sheets"]}
    title = props.get("title")
    if title is None:
        n = len(doc["sheets"]) + 1
        while f"sheet{n}" in titles:
            n += 1
        title = f"Sheet{n}"
    if str(title).lower() in titles:
        raise bad_request(
            f'A sheet with the name "{title}" already exists. Please enter another name.'
        )
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = 0 if not doc["sheets"] else new_int_id(ids)
    elif int(sheet_id) in ids:
        raise bad_request(f"A sheet with the id {sheet_id} already exists.")
    grid = dict(props.get("gridProperties") or {})
    grid.setdefault("rowCount", DEFAULT_ROWS)
    grid.setdefault("columnCount", DEFAULT_COLS)
    index = props.get("index")
    index = len(doc["sheets"]) if index is None else max(0, min(int(index), len(doc["sheets"])))
    properties: dict[str, Any] = {
        "sheetId": int(sheet_id),
        "title": str(title),
        "index": index,
        "sheetType": props.get("sheetType") or "GRID",
        "gridProperties": grid,
    }
    properties.update({k: v for k, v in props.items() if v is not None and k not in properties})
    if properties["sheetType"] != "GRID":
        properties.pop("gridProperties")
    sheet: dict[str, Any] = {"properties": properties, "rows": [], "rowMeta": {}, "colMeta": {}}
    doc["sheets"].insert(index, sheet)
    reindex(doc)
    return sheet


def new_int_id(taken: set[int] | None = None) -> int:
    taken = taken or set()
    while True:
        value = secrets.randbelow(2**31 - 2) + 1
        if value not in taken:
            return value


def reindex(doc: dict[str, Any]) -> None:
    for i, sheet in enumerate(doc["sheets"]):
        sheet["properties"]["index"] = i


# -- finding sheets and ranges ----------------------------------------------------------------


def sheet_by_id(doc: dict[str, Any], sheet_id: Any) -> dict[str, Any]:
    sid = int(sheet_id or 0)
    for sheet in doc["sheets"]:
        if sheet["properties"]["sheetId"] == sid:
            return sheet
    raise bad_request(f"No grid with id: {sid}")


def sheet_by_title(doc: dict[str, Any], title: str) -> dict[str, Any] | None:
    for sheet in doc["sheets"]:
        if sheet["properties"]["title"] == title:
            return sheet
    lowered = title.lower()
    for sheet in doc["sheets"]:
        if sheet["properties"]["title"].lower() == lowered:
            return sheet
    return None


def grid_size(sheet: dict[str, Any]) -> tuple[int, int]:
    grid = sheet["properties"].get("gridProperties") or {}
    return int(grid.get("rowCount", 0)), int(grid.get("columnCount", 0))


def resolve(doc: dict[str, Any], text: str) -> tuple[dict[str, Any], Box]:
    """An A1 range or named range -> (sheet, box); 400 "Unable to parse range" like Google."""
    try:
        title, cells = split_sheet(text)
    except ValueError:
        raise bad_request(f"Unable to parse range: {text}") from None
    if title is not None:
        sheet = sheet_by_title(doc, title)
        if sheet is None:
            raise bad_request(f"Unable to parse range: {text}")
        if cells == "":
            return sheet, Box()
        box = parse_cells(cells)
        if box is None:
            # Google reads `'Sheet1'!NamedRange` as the named range (gspread's cassette
            # WorksheetTest.test_get_values_merge_cells_with_named_range)
            named = _named(doc, cells)
            if named is None:
                raise bad_request(f"Unable to parse range: {text}")
            return named
        return sheet, box
    box = parse_cells(cells)
    if box is not None:
        grids = [s for s in doc["sheets"] if s["properties"].get("sheetType", "GRID") == "GRID"]
        if not grids:
            raise bad_request(f"Unable to parse range: {text}")
        return grids[0], box
    sheet = sheet_by_title(doc, cells)
    if sheet is not None:
        return sheet, Box()
    found = _named(doc, cells)
    if found is None:
        raise bad_request(f"Unable to parse range: {text}")
    return found


def _named(doc: dict[str, Any], name: str) -> tuple[dict[str, Any], Box] | None:
    for named in doc.get("namedRanges", []):
        if named["name"] == name:
            rng = named["range"]
            return sheet_by_id(doc, rng.get("sheetId", 0)), grid_to_box(rng)
    return None


def title_of(sheet: dict[str, Any]) -> str:
    return str(sheet["properties"]["title"])


def exceeds(sheet: dict[str, Any], box: Box) -> HttpError:
    """Google's 400 for a range outside the sheet's grid."""
    rows, cols = grid_size(sheet)
    shown = format_range(
        title_of(sheet), Box(box.r0, box.r1 or box.r0 + 1, box.c0, box.c1 or box.c0 + 1)
    )
    return bad_request(
        f"Range ({shown}) exceeds grid limits. Max rows: {rows}, max columns: {cols}"
    )


def protection_guard(
    doc: dict[str, Any], file: dict[str, Any], user: str
) -> Callable[[dict[str, Any], Box], None]:
    """A check that refuses value writes into a protected range the user may not edit.

    The owner may always edit; warning-only ranges only warn in the UI, so the API writes them.
    """

    def guard(sheet: dict[str, Any], box: Box) -> None:
        if user == files.owner_of(file):
            return
        for prot in sheet.get("protectedRanges", []):
            if prot.get("warningOnly") or user in ((prot.get("editors") or {}).get("users") or []):
                continue
            rng = prot.get("range")
            if rng is None:
                named = [
                    n
                    for n in doc.get("namedRanges", [])
                    if n["namedRangeId"] == prot.get("namedRangeId")
                ]
                rng = named[0]["range"] if named else {"startRowIndex": 0, "endRowIndex": 0}
            if _overlaps(grid_to_box(rng), box):
                raise bad_request(
                    "You are trying to edit a protected cell or object. Please contact the "
                    "spreadsheet owner to remove protection if you need to edit."
                )

    return guard


def _overlaps(a: Box, b: Box) -> bool:
    def before(end: int | None, start: int) -> bool:
        return end is not None and end <= start

    return not (
        before(a.r1, b.r0) or before(b.r1, a.r0) or before(a.c1, b.c0) or before(b.c1, a.c0)
    )


# -- cells ------------------------------------------------------------------------------------


def get_cell(sheet: dict[str, Any], r: int, c: int) -> Any:
    rows = sheet["rows"]
    if r >= len(rows):
        return None
    row = rows[r]
    if not row or c >= len(row):
        return None
    return row[c]


def set_cell(sheet: dict[str, Any], r: int, c: int, cell: Any) -> None:
    rows = sheet["rows"]
    if cell is None and (r >= len(rows) or not rows[r] or c >= len(rows[r])):
        return
    while len(rows) <= r:
        rows.append(None)
    row = rows[r]
    if row is None:
        row = rows[r] = []
    while len(row) <= c:
        row.append(None)
    row[c] = cell


def trim(sheet: dict[str, Any]) -> None:
    """Drop trailing empty cells and rows so the stored document stays small."""
    rows = sheet["rows"]
    for i, row in enumerate(rows):
        if row:
            while row and row[-1] is None:
                row.pop()
            if not row:
                rows[i] = None
    while rows and not rows[-1]:
        rows.pop()


def unpack(cell: Any) -> dict[str, Any]:
    """A stored cell as a dict with optional keys v, f, F, V, n."""
    if cell is None:
        return {}
    if isinstance(cell, dict):
        return dict(cell)
    return {"v": cell}


def pack(parts: dict[str, Any]) -> Any:
    parts = {k: v for k, v in parts.items() if v is not None}
    if not parts:
        return None
    if list(parts) == ["v"] and not isinstance(parts["v"], dict):
        return parts["v"]
    return parts


def value_of(cell: Any) -> Any:
    if cell is None or not isinstance(cell, dict):
        return cell
    return cell.get("v")


def has_content(cell: Any) -> bool:
    """A cell counts for ValueRanges and table detection if it has a value or a formula."""
    if cell is None:
        return False
    if isinstance(cell, dict):
        return cell.get("v") is not None or bool(cell.get("f"))
    return True


# -- interned formats and validation rules ---------------------------------------------------


def intern(doc: dict[str, Any], pool: str, value: dict[str, Any] | None) -> int | None:
    if not value:
        return None
    table = doc.setdefault(pool, [])
    key = json.dumps(value, sort_keys=True)
    index = doc.setdefault("_index", {}).setdefault(pool, None)
    if index is None:
        index = {json.dumps(v, sort_keys=True): i for i, v in enumerate(table)}
        doc["_index"][pool] = index
    if key not in index:
        table.append(value)
        index[key] = len(table) - 1
    return int(index[key])


def lookup(doc: dict[str, Any], pool: str, ident: int | None) -> dict[str, Any] | None:
    if ident is None:
        return None
    return json.loads(json.dumps(doc[pool][ident]))  # type: ignore[no-any-return]  # deep copy


def strip_private(doc: dict[str, Any]) -> None:
    doc.pop("_index", None)


# -- field masks ---------------------------------------------------------------------------------


def parse_fields(mask: str) -> list[list[str]]:
    """Google's field mask: `a.b,c(d,e/f)` -> [[a,b],[c,d],[c,e,f]]; "*" -> [["*"]]."""
    paths: list[list[str]] = []

    def walk(text: str, prefix: list[str]) -> None:
        depth, start = 0, 0
        parts: list[str] = []
        for i, ch in enumerate(text):
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            elif ch == "," and depth == 0:
                parts.append(text[start:i])
                start = i + 1
        parts.append(text[start:])
        for part in (p.strip() for p in parts):
            if not part:
                continue
            if "(" in part and part.endswith(")"):
                head, _, inner = part.partition("(")
                walk(inner[:-1], prefix + _segments(head))
            else:
                paths.append(prefix + _segments(part))

    walk(mask or "", [])
    return paths


def _segments(path: str) -> list[str]:
    return [s for s in path.replace("/", ".").split(".") if s]


def apply_mask(target: dict[str, Any], source: dict[str, Any], mask: str) -> None:
    """Copy the masked paths from source to target; a path absent in source is cleared."""
    for path in parse_fields(mask):
        if path == ["*"]:
            target.clear()
            target.update(json.loads(json.dumps(source)))
            continue
        src: Any = source
        dst: Any = target
        for key in path[:-1]:
            src = src.get(key) if isinstance(src, dict) else None
            if not isinstance(dst.get(key), dict):
                if not isinstance(src, dict):
                    dst = None
                    break
                dst[key] = {}
            dst = dst[key]
        if dst is None:
            continue
        last = path[-1]
        if isinstance(src, dict) and last in src and src[last] is not None:
            dst[last] = json.loads(json.dumps(src[last]))
        else:
            dst.pop(last, None)
