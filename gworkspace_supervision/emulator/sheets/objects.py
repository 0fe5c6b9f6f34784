"""spreadsheets.batchUpdate requests for sheet objects: basic filter, conditional formats,
protected ranges, charts, named ranges, developer metadata, spreadsheet properties."""

from __future__ import annotations

import re
from typing import Any

from ..core.api import Call, bad_request
from .a1 import box_to_grid
from .model import apply_mask, new_int_id, new_sheet, sheet_by_id
from .requests import box_in, check_condition, deep_copy, request, sheet_of

# -- filters, conditional formats, protection, charts, names, metadata --------------------------


@request("setBasicFilter")
def set_basic_filter(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    """Google stores the filter's range bounded by the grid as it is now: `{"sheetId": 0}` reads
    back as rows 0-20 and columns 0-20 of a 20 x 20 sheet (gspread's cassette
    WorksheetTest.test_basic_filters). Rows added to the grid later are outside it."""
    filt = deep_copy(req.get("filter") or {})
    sheet = sheet_of(doc, filt.get("range"))
    box = box_in(sheet, filt.get("range") or {})
    filt["range"] = box_to_grid(sheet["properties"]["sheetId"], box)
    sheet["basicFilter"] = filt
    return None


@request("clearBasicFilter")
def clear_basic_filter(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    sheet_by_id(doc, req.get("sheetId", 0)).pop("basicFilter", None)
    return None


def _check_rule(doc: dict[str, Any], rule: dict[str, Any]) -> dict[str, Any]:
    ranges = rule.get("ranges") or []
    if not ranges:
        raise bad_request("At least one range must be specified.")
    sheets = {int(r.get("sheetId", 0)) for r in ranges}
    if len(sheets) > 1:
        raise bad_request("All ranges of a conditional format rule must be on the same sheet.")
    sheet = sheet_by_id(doc, sheets.pop())
    for rng in ranges:
        box_in(sheet, rng)
    if bool(rule.get("booleanRule")) == bool(rule.get("gradientRule")):
        raise bad_request("Exactly one of booleanRule or gradientRule must be set.")
    if rule.get("booleanRule"):
        check_condition(rule["booleanRule"].get("condition") or {})
    return sheet


@request("addConditionalFormatRule")
def add_conditional_format_rule(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    rule = deep_copy(req.get("rule") or {})
    sheet = _check_rule(doc, rule)
    rules = sheet.setdefault("conditionalFormats", [])
    index = int(req.get("index", 0))
    if index < 0 or index > len(rules):
        raise bad_request(f"Invalid index {index}: there are {len(rules)} rules.")
    rules.insert(index, rule)
    return None


def _rule_at(doc: dict[str, Any], req: dict[str, Any]) -> tuple[list[Any], int]:
    """The sheet's conditional formats and the request's index into them (400 if none)."""
    sheet = sheet_by_id(doc, req.get("sheetId", 0))
    rules = sheet.get("conditionalFormats", [])
    index = int(req.get("index", 0))
    if not 0 <= index < len(rules):
        raise bad_request(
            f"No conditional format on sheet {sheet['properties']['sheetId']} at index {index}"
        )
    return rules, index


@request("updateConditionalFormatRule")
def update_conditional_format_rule(
    call: Call, doc: dict[str, Any], req: dict[str, Any]
) -> dict[str, Any]:
    rules, index = _rule_at(doc, req)
    old = rules[index]
    if req.get("rule"):
        new = deep_copy(req["rule"])
        target = _check_rule(doc, new)
        rules.pop(index)
        target.setdefault("conditionalFormats", []).insert(index, new)
        return {"oldRule": old, "oldIndex": index, "newRule": new, "newIndex": index}
    new_index = int(req.get("newIndex", index))
    rules.insert(new_index, rules.pop(index))
    return {"oldRule": old, "oldIndex": index, "newRule": old, "newIndex": new_index}


@request("deleteConditionalFormatRule")
def delete_conditional_format_rule(
    call: Call, doc: dict[str, Any], req: dict[str, Any]
) -> dict[str, Any]:
    rules, index = _rule_at(doc, req)
    return {"rule": rules.pop(index)}


def _all_protected(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for s in doc["sheets"] for p in s.get("protectedRanges", [])]


@request("addProtectedRange")
def add_protected_range(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> dict[str, Any]:
    prot = {k: v for k, v in deep_copy(req.get("protectedRange") or {}).items() if v is not None}
    prot.pop("requestingUserCanEdit", None)  # read-only in Google's API
    if prot.get("warningOnly") and prot.get("editors"):
        raise bad_request("Protected ranges with warningOnly enabled cannot have editors.")
    if prot.get("namedRangeId"):
        named = [n for n in doc.get("namedRanges", []) if n["namedRangeId"] == prot["namedRangeId"]]
        if not named:
            raise bad_request(f"No named range with id {prot['namedRangeId']}")
        sheet = sheet_of(doc, named[0]["range"])
    else:
        prot["range"] = {k: v for k, v in (prot.get("range") or {}).items() if v is not None}
        sheet = sheet_of(doc, prot["range"])
        box_in(sheet, prot["range"])
    taken = {p["protectedRangeId"] for p in _all_protected(doc)}
    prot["protectedRangeId"] = int(prot.get("protectedRangeId") or new_int_id(taken))
    if not prot.get("warningOnly"):
        users = list(dict.fromkeys([call.user, *((prot.get("editors") or {}).get("users") or [])]))
        prot["editors"] = {**(prot.get("editors") or {}), "users": users}
        prot["editors"] = {k: v for k, v in prot["editors"].items() if v}
    sheet.setdefault("protectedRanges", []).append(prot)
    return {"protectedRange": {**prot, "requestingUserCanEdit": True}}


@request("deleteProtectedRange")
def delete_protected_range(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    target = int(req.get("protectedRangeId", 0))
    for sheet in doc["sheets"]:
        for prot in sheet.get("protectedRanges", []):
            if prot["protectedRangeId"] == target:
                sheet["protectedRanges"].remove(prot)
                return None
    raise bad_request(f"No protected range with id: {target}")


@request("addChart")
def add_chart(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> dict[str, Any]:
    chart = deep_copy(req.get("chart") or {})
    if not chart.get("spec"):
        raise bad_request("A chart must have a spec.")
    position = chart.get("position") or {}
    if position.get("newSheet"):
        sheet = new_sheet(doc, {"sheetType": "OBJECT", "title": chart["spec"].get("title") or None})
        chart["position"] = {"sheetId": sheet["properties"]["sheetId"]}
    elif "sheetId" in position:
        sheet = sheet_by_id(doc, position["sheetId"])
    else:
        anchor = (position.get("overlayPosition") or {}).get("anchorCell") or {}
        sheet = sheet_by_id(doc, anchor.get("sheetId", 0))
    taken = {c["chartId"] for s in doc["sheets"] for c in s.get("charts", [])}
    chart["chartId"] = int(chart.get("chartId") or new_int_id(taken))
    sheet.setdefault("charts", []).append(chart)
    return {"chart": chart}


@request("updateChartSpec")
def update_chart_spec(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    for sheet in doc["sheets"]:
        for chart in sheet.get("charts", []):
            if chart["chartId"] == int(req.get("chartId", 0)):
                chart["spec"] = deep_copy(req.get("spec") or {})
                return None
    raise bad_request(f"No chart with id: {req.get('chartId')}")


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


@request("addNamedRange")
def add_named_range(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> dict[str, Any]:
    named = deep_copy(req.get("namedRange") or {})
    name = str(named.get("name") or "")
    from .a1 import parse_cells

    if not _NAME.match(name) or parse_cells(name) is not None or name.upper() in ("TRUE", "FALSE"):
        raise bad_request(f"Invalid name: {name}")
    if any(n["name"].lower() == name.lower() for n in doc.get("namedRanges", [])):
        raise bad_request(f"Named range with name {name} already exists.")
    sheet = sheet_of(doc, named.get("range"))
    box_in(sheet, named.get("range") or {})
    named["range"].setdefault("sheetId", sheet["properties"]["sheetId"])
    named["namedRangeId"] = named.get("namedRangeId") or f"{new_int_id():x}"
    doc.setdefault("namedRanges", []).append(named)
    return {"namedRange": named}


@request("deleteNamedRange")
def delete_named_range(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    before = len(doc.get("namedRanges", []))
    doc["namedRanges"] = [
        n for n in doc.get("namedRanges", []) if n["namedRangeId"] != req.get("namedRangeId")
    ]
    if len(doc["namedRanges"]) == before:
        raise bad_request(f"No named range with id: {req.get('namedRangeId')}")
    return None


@request("updateSpreadsheetProperties")
def update_spreadsheet_properties(call: Call, doc: dict[str, Any], req: dict[str, Any]) -> None:
    if not req.get("fields"):
        raise bad_request("At least one field must be specified in 'fields'.")
    apply_mask(doc["properties"], req.get("properties") or {}, req["fields"])
    if not doc["properties"].get("title"):
        raise bad_request("The spreadsheet title must not be empty.")
    return None


@request("createDeveloperMetadata")
def create_developer_metadata(
    call: Call, doc: dict[str, Any], req: dict[str, Any]
) -> dict[str, Any]:
    meta = deep_copy(req.get("developerMetadata") or {})
    if not meta.get("metadataKey") or meta.get("visibility") not in ("DOCUMENT", "PROJECT"):
        raise bad_request(
            "developerMetadata needs a metadataKey and a visibility of DOCUMENT or PROJECT."
        )
    location = meta.get("location") or {}
    if "sheetId" in location:
        sheet_by_id(doc, location["sheetId"])
        location["locationType"] = "SHEET"
    elif location.get("dimensionRange"):
        sheet_by_id(doc, location["dimensionRange"].get("sheetId", 0))
        dimension = location["dimensionRange"].get("dimension")
        location["locationType"] = "ROW" if dimension == "ROWS" else "COLUMN"
    else:
        location = {"locationType": "SPREADSHEET", "spreadsheet": True}
    meta["location"] = location
    taken = {m["metadataId"] for m in doc.get("developerMetadata", [])}
    meta["metadataId"] = int(meta.get("metadataId") or new_int_id(taken))
    doc.setdefault("developerMetadata", []).append(meta)
    return {"developerMetadata": meta}


@request("updateDeveloperMetadata")
def update_developer_metadata(
    call: Call, doc: dict[str, Any], req: dict[str, Any]
) -> dict[str, Any]:
    wanted = {
        f.get("developerMetadataLookup", {}).get("metadataId") for f in req.get("dataFilters") or []
    }
    wanted_keys = {
        f.get("developerMetadataLookup", {}).get("metadataKey")
        for f in req.get("dataFilters") or []
    }
    changed = []
    for meta in doc.get("developerMetadata", []):
        if meta["metadataId"] in wanted or meta["metadataKey"] in wanted_keys:
            apply_mask(meta, req.get("developerMetadata") or {}, req.get("fields") or "*")
            changed.append(meta)
    return {"developerMetadata": changed}


@request("deleteDeveloperMetadata")
def delete_developer_metadata(
    call: Call, doc: dict[str, Any], req: dict[str, Any]
) -> dict[str, Any]:
    lookup_ = (req.get("dataFilter") or {}).get("developerMetadataLookup") or {}
    gone = [
        m
        for m in doc.get("developerMetadata", [])
        if m["metadataId"] == lookup_.get("metadataId")
        or m["metadataKey"] == lookup_.get("metadataKey")
    ]
    doc["developerMetadata"] = [m for m in doc.get("developerMetadata", []) if m not in gone]
    return {"deletedDeveloperMetadata": gone}
