"""Sheets v4 spreadsheets.values.*: get, batchGet, update, batchUpdate, append, clear, batchClear."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.api import Call, bad_request, handler
from .a1 import Box, col_letters, format_range
from .cells import Reader, clear_values, find_table, write_value
from .model import (
    exceeds,
    grid_size,
    open_spreadsheet,
    protection_guard,
    resolve,
    save,
    strip_private,
    title_of,
    trim,
)

RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATETIME_OPTIONS = ("SERIAL_NUMBER", "FORMATTED_STRING")


def _options(call: Call, prefix: str = "") -> tuple[str, str]:
    value_key = "responseValueRenderOption" if prefix else "valueRenderOption"
    date_key = "responseDateTimeRenderOption" if prefix else "dateTimeRenderOption"
    option = call.param(value_key, "FORMATTED_VALUE")
    dt_option = call.param(date_key, "SERIAL_NUMBER")
    if option not in RENDER_OPTIONS:
        raise bad_request(f"Invalid {value_key}: {option}")
    if dt_option not in DATETIME_OPTIONS:
        raise bad_request(f"Invalid {date_key}: {dt_option}")
    return option, dt_option


def _read(
    doc: dict[str, Any], reader: Reader, text: str, option: str, dt: str, major: str
) -> dict[str, Any]:
    sheet, box = resolve(doc, text)
    rows, cols = grid_size(sheet)
    if box.r0 >= rows or box.c0 >= cols:
        raise exceeds(sheet, box)
    bounded = box.clamp(rows, cols)
    out: dict[str, Any] = {"range": format_range(title_of(sheet), bounded), "majorDimension": major}
    values = reader.values(sheet, bounded, option, dt, major)
    if values:
        out["values"] = values
    return out


@handler("sheets.spreadsheets.values.get")
def values_get(call: Call) -> dict[str, Any]:
    _, doc = open_spreadsheet(call, call.params["spreadsheetId"], "reader")
    option, dt = _options(call)
    major = call.param("majorDimension", "ROWS")
    return _read(doc, Reader(doc), call.params["range"], option, dt, _major(major))


@handler("sheets.spreadsheets.values.batchGet")
def values_batch_get(call: Call) -> dict[str, Any]:
    _, doc = open_spreadsheet(call, call.params["spreadsheetId"], "reader")
    option, dt = _options(call)
    major = _major(call.param("majorDimension", "ROWS"))
    ranges = call.param("ranges", [])
    if isinstance(ranges, str):
        ranges = [ranges]
    reader = Reader(doc)
    return {
        "spreadsheetId": doc["spreadsheetId"],
        "valueRanges": [_read(doc, reader, text, option, dt, major) for text in ranges],
    }


def _major(value: Any) -> str:
    value = value or "ROWS"
    if value == "DIMENSION_UNSPECIFIED":
        return "ROWS"
    if value not in ("ROWS", "COLUMNS"):
        raise bad_request(f"Invalid majorDimension: {value}")
    return str(value)


def _input_option(value: Any) -> bool:
    """True for USER_ENTERED, False for RAW; anything else is Google's 400."""
    if value in ("RAW", "USER_ENTERED"):
        return value == "USER_ENTERED"
    raise bad_request(f"Invalid valueInputOption: {value or 'INPUT_VALUE_OPTION_UNSPECIFIED'}")


def _matrix(body: dict[str, Any]) -> list[list[Any]]:
    values = body.get("values") or []
    if _major(body.get("majorDimension")) == "COLUMNS":
        height = max((len(col) for col in values), default=0)
        return [[col[r] if r < len(col) else None for col in values] for r in range(height)]
    return [list(row) for row in values]


def write_range(
    doc: dict[str, Any],
    text: str,
    body: dict[str, Any],
    user_entered: bool,
    anchor: tuple[int, int] | None = None,
    guard: Callable[[dict[str, Any], Box], None] | None = None,
) -> tuple[dict[str, Any], Box, dict[str, Any]]:
    """Write one ValueRange; returns (sheet, written box, UpdateValuesResponse)."""
    sheet, box = resolve(doc, text)
    rows, cols = grid_size(sheet)
    matrix = _matrix(body)
    height = len(matrix)
    width = max((len(row) for row in matrix), default=0)
    r0, c0 = anchor or (box.r0, box.c0)
    if not box.single and anchor is None:
        if box.r1 is not None and r0 + height > box.r1:
            raise bad_request(
                f"Requested writing within range [{text}], but tried writing to row [{box.r1 + 1}]"
            )
        if box.c1 is not None and c0 + width > box.c1:
            raise bad_request(
                f"Requested writing within range [{text}], but tried writing to column [{col_letters(box.c1)}]"
            )
    written = Box(r0, r0 + max(height, 1), c0, c0 + max(width, 1))
    if (
        written.r1 is not None
        and written.c1 is not None
        and (written.r1 > rows or written.c1 > cols)
    ):
        raise exceeds(sheet, written)
    if guard is not None:
        guard(sheet, written)
    locale = str(doc["properties"].get("locale", "en_US"))
    cells = 0
    for i, row in enumerate(matrix):
        for j, raw in enumerate(row):
            if raw is None:
                continue  # null values are skipped (Google: "Null values will be skipped")
            write_value(doc, sheet, r0 + i, c0 + j, raw, user_entered, locale)
            cells += 1
    trim(sheet)
    response: dict[str, Any] = {"spreadsheetId": doc["spreadsheetId"]}
    if height and width:
        response.update(
            {
                "updatedRange": format_range(title_of(sheet), written),
                "updatedRows": sum(1 for row in matrix if any(v is not None for v in row)),
                "updatedColumns": sum(
                    1
                    for j in range(width)
                    if any(j < len(row) and row[j] is not None for row in matrix)
                ),
                "updatedCells": cells,
            }
        )
    else:
        response["updatedRange"] = format_range(title_of(sheet), box.clamp(rows, cols))
    return sheet, written, response


def _with_data(
    call: Call,
    doc: dict[str, Any],
    response: dict[str, Any],
    include: Any,
    prefix: str = "response",
) -> None:
    if include and response.get("updatedRange"):
        option, dt = _options(call, prefix) if prefix else ("FORMATTED_VALUE", "SERIAL_NUMBER")
        response["updatedData"] = _read(
            doc, Reader(doc), response["updatedRange"], option, dt, "ROWS"
        )


@handler("sheets.spreadsheets.values.update")
def values_update(call: Call) -> dict[str, Any]:
    file, doc = open_spreadsheet(call, call.params["spreadsheetId"], "writer")
    user_entered = _input_option(call.param("valueInputOption"))
    body = call.body or {}
    _same_range(call.params["range"], body)
    guard = protection_guard(doc, file, call.user)
    _, _, response = write_range(doc, call.params["range"], body, user_entered, guard=guard)
    strip_private(doc)
    save(call, file, doc)
    _with_data(call, doc, response, call.param("includeValuesInResponse"))
    return response


def _same_range(url_range: str, body: dict[str, Any]) -> None:
    given = body.get("range")
    if given and given.replace("'", "") != url_range.replace("'", ""):
        raise bad_request(
            f"Requested range [{url_range}] is not the same as the range in the body [{given}]"
        )


@handler("sheets.spreadsheets.values.batchUpdate")
def values_batch_update(call: Call) -> dict[str, Any]:
    file, doc = open_spreadsheet(call, call.params["spreadsheetId"], "writer")
    body = call.body or {}
    user_entered = _input_option(body.get("valueInputOption"))
    responses, sheets = [], set()
    for value_range in body.get("data") or []:
        if not value_range.get("range"):
            raise bad_request("Invalid data[0]: range is required")
        sheet, _, response = write_range(
            doc,
            value_range["range"],
            value_range,
            user_entered,
            guard=protection_guard(doc, file, call.user),
        )
        sheets.add(sheet["properties"]["sheetId"])
        responses.append(response)
    strip_private(doc)
    save(call, file, doc)
    if body.get("includeValuesInResponse"):
        option = body.get("responseValueRenderOption", "FORMATTED_VALUE")
        dt = body.get("responseDateTimeRenderOption", "SERIAL_NUMBER")
        reader = Reader(doc)
        for response in responses:
            if response.get("updatedRange"):
                response["updatedData"] = _read(
                    doc, reader, response["updatedRange"], option, dt, "ROWS"
                )
    out: dict[str, Any] = {"spreadsheetId": doc["spreadsheetId"]}
    if responses:
        out.update(
            {
                "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
                "totalUpdatedColumns": sum(r.get("updatedColumns", 0) for r in responses),
                "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
                "totalUpdatedSheets": len(sheets),
                "responses": responses,
            }
        )
    return out


@handler("sheets.spreadsheets.values.append")
def values_append(call: Call) -> dict[str, Any]:
    """Find the table in the range, write after its last row (OVERWRITE) or insert rows (INSERT_ROWS)."""
    file, doc = open_spreadsheet(call, call.params["spreadsheetId"], "writer")
    user_entered = _input_option(call.param("valueInputOption"))
    insert = call.param("insertDataOption", "OVERWRITE")
    if insert not in ("OVERWRITE", "INSERT_ROWS"):
        raise bad_request(f"Invalid insertDataOption: {insert}")
    body = call.body or {}
    _same_range(call.params["range"], body)
    sheet, box = resolve(doc, call.params["range"])
    rows, cols = grid_size(sheet)
    search = Box(box.r0, None, box.c0, None) if box.single else box
    table = find_table(sheet, search.clamp(rows, cols), box.single)
    start_row, start_col = (table.r1 or 0, table.c0) if table else (box.r0, box.c0)
    matrix = _matrix(body)
    height = len(matrix)
    width = max((len(row) for row in matrix), default=0)
    if start_col + width > cols:
        raise exceeds(
            sheet, Box(start_row, start_row + max(height, 1), start_col, start_col + width)
        )
    grid = sheet["properties"]["gridProperties"]
    if insert == "INSERT_ROWS" and height:
        from .dimensions import insert_rows

        insert_rows(doc, sheet, start_row, height)
    elif start_row + height > rows:
        grid["rowCount"] = start_row + height  # appending past the end adds rows
    _, _, updates = write_range(
        doc,
        call.params["range"],
        body,
        user_entered,
        anchor=(start_row, start_col),
        guard=protection_guard(doc, file, call.user),
    )
    strip_private(doc)
    save(call, file, doc)
    _with_data(call, doc, updates, call.param("includeValuesInResponse"))
    out: dict[str, Any] = {"spreadsheetId": doc["spreadsheetId"], "updates": updates}
    if table is not None:
        out["tableRange"] = format_range(title_of(sheet), table)
    return out


@handler("sheets.spreadsheets.values.clear")
def values_clear(call: Call) -> dict[str, Any]:
    file, doc = open_spreadsheet(call, call.params["spreadsheetId"], "writer")
    cleared = _clear(doc, call.params["range"], protection_guard(doc, file, call.user))
    save(call, file, doc)
    return {"spreadsheetId": doc["spreadsheetId"], "clearedRange": cleared}


@handler("sheets.spreadsheets.values.batchClear")
def values_batch_clear(call: Call) -> dict[str, Any]:
    file, doc = open_spreadsheet(call, call.params["spreadsheetId"], "writer")
    guard = protection_guard(doc, file, call.user)
    cleared = [_clear(doc, text, guard) for text in (call.body or {}).get("ranges") or []]
    save(call, file, doc)
    return {"spreadsheetId": doc["spreadsheetId"], "clearedRanges": cleared}


def _clear(doc: dict[str, Any], text: str, guard: Callable[[dict[str, Any], Box], None]) -> str:
    sheet, box = resolve(doc, text)
    rows, cols = grid_size(sheet)
    if box.r0 >= rows or box.c0 >= cols:
        raise exceeds(sheet, box)
    bounded = box.clamp(rows, cols)
    guard(sheet, bounded)
    clear_values(sheet, bounded)
    trim(sheet)
    return format_range(title_of(sheet), bounded)
