"""Sheets v4 emulator: spreadsheets.create / get / getByDataFilter / batchUpdate (+ developerMetadata).

A spreadsheet is a Drive file (SHEET_MIME) owned by its creator, so Drive sharing decides who
may read (get, values.get) and write (everything else); a stranger gets 403 PERMISSION_DENIED and
an unknown id 404, as from Google (model.open_spreadsheet). Answers are shaped as Google's
JSON on the way out (shape.py: proto defaults left out, no nulls) and errors carry no
`errors` list (server.error_reply). Content lives in one compact store document (see
model.py). Importing this module registers the values.* and batchUpdate handlers too.

Known, deliberate deviations from Google (documented for users of the emulator):
- Formulas: only a small set of functions is computed (formula.py); any other formula's
  effective value is its own text.
- Number formats: dates/times, percent and simple `#,##0.00`-style patterns are rendered;
  currency symbols and locales beyond month/day order are not.
- USER_ENTERED parses numbers, percentages, TRUE/FALSE, ISO and slash dates, times; not month
  names or currency.
- Protected ranges are enforced for values.* writes by editors who are neither the owner nor on
  the range's editors (warning-only ranges never block, as through the API); batchUpdate cell
  edits are not checked.
- Formula references are not rewritten when rows or columns are inserted or deleted, or when
  cells are copied, cut or sorted (moves.py).
- Drive v2 (gspread's import_csv) is not served.
"""

from __future__ import annotations

import copy
from typing import Any

from ..core.api import Call, HttpError, bad_request, handler
from ..drive import files
from . import moves as _moves  # noqa: F401  (registers copy, cut, sort, groups)
from . import objects as _objects  # noqa: F401  (registers object requests)
from . import valuesapi as _values  # noqa: F401  (registers values.* handlers)
from .a1 import Box
from .cells import Reader
from .model import (
    KIND,
    grid_size,
    new_document,
    new_sheet,
    open_spreadsheet,
    parse_fields,
    resolve,
    save,
    strip_private,
)
from .requests import REQUESTS, CellWriter
from .shape import shaped

SHEET_PARTS = (
    "conditionalFormats",
    "protectedRanges",
    "charts",
    "merges",
    "developerMetadata",
    "bandedRanges",
    "filterViews",
    "rowGroups",
    "columnGroups",
)


@handler("sheets.spreadsheets.create")
def create(call: Call) -> dict[str, Any]:
    body = call.body or {}
    props = dict(body.get("properties") or {})
    title = props.get("title") or "Untitled spreadsheet"
    file = files.create_file(call.store, call.user, call.now, title, files.SHEET_MIME)
    files.grant_created(call, file)
    doc = new_document(file["id"], title, props)
    for given in body.get("sheets") or [{}]:
        sheet = new_sheet(doc, copy.deepcopy(given.get("properties") or {}))
        for part in SHEET_PARTS + ("basicFilter",):
            if given.get(part):
                sheet[part] = copy.deepcopy(given[part])
        for grid in given.get("data") or []:
            _write_grid_data(doc, sheet, grid)
    for named in body.get("namedRanges") or []:
        doc["namedRanges"].append(copy.deepcopy(named))
    strip_private(doc)
    call.store.put(KIND, doc["spreadsheetId"], doc)
    return render_spreadsheet(doc, [], False)


def _write_grid_data(doc: dict[str, Any], sheet: dict[str, Any], grid: dict[str, Any]) -> None:
    r0, c0 = int(grid.get("startRow", 0)), int(grid.get("startColumn", 0))
    for i, row in enumerate(grid.get("rowData") or []):
        for j, data in enumerate(row.get("values") or []):
            CellWriter(
                doc, data or {}, "userEnteredValue,userEnteredFormat,dataValidation,note"
            ).apply(sheet, r0 + i, c0 + j)


@handler("sheets.spreadsheets.get")
def get(call: Call) -> dict[str, Any]:
    _, doc = open_spreadsheet(call, call.params["spreadsheetId"], "reader")
    ranges = call.param("ranges", [])
    if isinstance(ranges, str):
        ranges = [ranges]
    include = bool(call.param("includeGridData", False))
    if call.param("fields"):
        include = mask_selects_grid(call.params["fields"])
    return render_spreadsheet(doc, ranges, include)


def mask_selects_grid(mask: str) -> bool:
    """Does a field mask ask for grid data? Google: includeGridData "is ignored if a field mask
    was set in the request" (spreadsheets.get reference); the mask alone decides."""
    for path in parse_fields(mask):
        if path[0] == "*" or (path[0] == "sheets" and (len(path) == 1 or path[1] in ("data", "*"))):
            return True
    return False


@handler("sheets.spreadsheets.getByDataFilter")
def get_by_data_filter(call: Call) -> dict[str, Any]:
    _, doc = open_spreadsheet(call, call.params["spreadsheetId"], "reader")
    body = call.body or {}
    ranges = []
    for data_filter in body.get("dataFilters") or []:
        if data_filter.get("a1Range"):
            ranges.append(data_filter["a1Range"])
        elif data_filter.get("gridRange"):
            ranges.append(data_filter["gridRange"])
        else:
            raise bad_request(
                "Only a1Range and gridRange data filters are supported by the emulator."
            )
    include = bool(body.get("includeGridData"))
    if call.param("fields"):
        include = mask_selects_grid(call.params["fields"])
    return render_spreadsheet(doc, ranges, include)


def render_spreadsheet(
    doc: dict[str, Any], ranges: list[Any], include_grid: bool
) -> dict[str, Any]:
    """The Spreadsheet resource; `ranges` limit the sheets (and grid data) returned."""
    wanted: dict[int, list[Box]] = {}
    for rng in ranges:
        if isinstance(rng, dict):
            from .a1 import grid_to_box
            from .model import sheet_by_id

            sheet, box = sheet_by_id(doc, rng.get("sheetId", 0)), grid_to_box(rng)
        else:
            sheet, box = resolve(doc, rng)
        wanted.setdefault(sheet["properties"]["sheetId"], []).append(box)
    reader = Reader(doc)
    sheets = []
    for sheet in doc["sheets"]:
        sid = sheet["properties"]["sheetId"]
        if ranges and sid not in wanted:
            continue
        out: dict[str, Any] = {"properties": _properties(sheet)}
        if sheet.get("basicFilter"):
            out["basicFilter"] = copy.deepcopy(sheet["basicFilter"])
        for part in SHEET_PARTS:
            if sheet.get(part):
                out[part] = copy.deepcopy(sheet[part])
        sheet_meta = [
            m
            for m in doc.get("developerMetadata", [])
            if m.get("location", {}).get("sheetId") == sid
        ]
        if sheet_meta:
            out["developerMetadata"] = copy.deepcopy(sheet_meta)
        if include_grid and sheet["properties"].get("sheetType", "GRID") == "GRID":
            out["data"] = [_grid_data(reader, sheet, box) for box in wanted.get(sid, [Box()])]
        sheets.append(out)
    result: dict[str, Any] = {
        "spreadsheetId": doc["spreadsheetId"],
        "properties": copy.deepcopy(doc["properties"]),
        "sheets": sheets,
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{doc['spreadsheetId']}/edit",
    }
    if doc.get("namedRanges"):
        result["namedRanges"] = copy.deepcopy(doc["namedRanges"])
    top_meta = [
        m for m in doc.get("developerMetadata", []) if "sheetId" not in m.get("location", {})
    ]
    if top_meta:
        result["developerMetadata"] = copy.deepcopy(top_meta)
    return shaped(result)  # type: ignore[no-any-return]


def _properties(sheet: dict[str, Any]) -> dict[str, Any]:
    """Sheet properties as Google returns them: zero frozen counts and false flags omitted."""
    props = copy.deepcopy(sheet["properties"])
    grid = props.get("gridProperties")
    if grid:
        for key in ("frozenRowCount", "frozenColumnCount"):
            if not grid.get(key):
                grid.pop(key, None)
        for key in ("hideGridlines", "rowGroupControlAfter", "columnGroupControlAfter"):
            if grid.get(key) is False:
                grid.pop(key)
    if props.get("hidden") is False:
        props.pop("hidden")
    return props


def _grid_data(reader: Reader, sheet: dict[str, Any], box: Box) -> dict[str, Any]:
    rows, cols = grid_size(sheet)
    b = box.clamp(rows, cols)
    data: dict[str, Any] = {}
    if b.r0:
        data["startRow"] = b.r0
    if b.c0:
        data["startColumn"] = b.c0
    row_data = []
    last_row = min(b.r1 or 0, len(sheet["rows"]))
    for r in range(b.r0, last_row):
        row = sheet["rows"][r] or []
        values = [reader.cell_data(sheet, r, c) for c in range(b.c0, min(b.c1 or 0, len(row)))]
        while values and not values[-1]:
            values.pop()
        row_data.append({"values": values} if values else {})
    while row_data and not row_data[-1]:
        row_data.pop()
    if row_data:
        data["rowData"] = row_data
    data["rowMetadata"] = [_dim_meta(sheet, "rowMeta", r, 21) for r in range(b.r0, b.r1 or 0)]
    data["columnMetadata"] = [_dim_meta(sheet, "colMeta", c, 100) for c in range(b.c0, b.c1 or 0)]
    return data


def _dim_meta(sheet: dict[str, Any], key: str, index: int, default: int) -> dict[str, Any]:
    meta = {"pixelSize": default}
    meta.update(sheet.get(key, {}).get(str(index), {}))
    return meta


@handler("sheets.spreadsheets.batchUpdate")
def batch_update(call: Call) -> dict[str, Any]:
    """Apply every request in order; any failure is a 400 and nothing is saved (atomic)."""
    file, doc = open_spreadsheet(call, call.params["spreadsheetId"], "writer")
    body = call.body or {}
    requests = body.get("requests") or []
    if not requests:
        raise bad_request("Must specify at least one request.")
    replies = []
    for i, req in enumerate(requests):
        kinds = [k for k, v in (req or {}).items() if v is not None]
        if len(kinds) != 1:
            raise bad_request(f"Invalid requests[{i}]: exactly one kind of request must be set.")
        kind = kinds[0]
        fn = REQUESTS.get(kind)
        if fn is None:
            raise bad_request(
                f"Invalid requests[{i}].{kind}: this request kind is not supported by the emulator."
            )
        try:
            reply = fn(call, doc, req[kind] or {})
        except HttpError as exc:
            if exc.code != 400:
                raise
            raise bad_request(f"Invalid requests[{i}].{kind}: {exc.message}") from None
        except (KeyError, TypeError, ValueError) as exc:
            raise bad_request(f"Invalid requests[{i}].{kind}: malformed request ({exc}).") from None
        replies.append({kind: shaped(reply)} if reply is not None else {})
    strip_private(doc)
    save(call, file, doc)
    out: dict[str, Any] = {"spreadsheetId": doc["spreadsheetId"], "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        out["updatedSpreadsheet"] = render_spreadsheet(
            doc, body.get("responseRanges") or [], bool(body.get("responseIncludeGridData"))
        )
    return out


@handler("sheets.spreadsheets.developerMetadata.get")
def developer_metadata_get(call: Call) -> dict[str, Any]:
    _, doc = open_spreadsheet(call, call.params["spreadsheetId"], "reader")
    for meta in doc.get("developerMetadata", []):
        if meta["metadataId"] == int(call.params["metadataId"]):
            return shaped(meta)  # type: ignore[no-any-return]
    raise HttpError(404, "notFound", f"No developer metadata with ID: {call.params['metadataId']}")


@handler("sheets.spreadsheets.developerMetadata.search")
def developer_metadata_search(call: Call) -> dict[str, Any]:
    _, doc = open_spreadsheet(call, call.params["spreadsheetId"], "reader")
    found = []
    for data_filter in (call.body or {}).get("dataFilters") or []:
        look = data_filter.get("developerMetadataLookup") or {}
        for meta in doc.get("developerMetadata", []):
            if all(
                meta.get(k) == v
                for k, v in look.items()
                if k in ("metadataId", "metadataKey", "metadataValue", "visibility")
            ):
                found.append({"developerMetadata": shaped(meta), "dataFilters": [data_filter]})
    return {"matchedDeveloperMetadata": found} if found else {}
