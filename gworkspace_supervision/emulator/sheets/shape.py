"""Sheets answers shaped as Google's JSON: proto3 defaults left out, no nulls.

Google serialises Sheets resources from protocol buffers. A plain int32 or bool at its default is
not sent: a GridRange, DimensionRange or GridCoordinate on the first sheet carries no
`"sheetId": 0` (gspread's cassettes recorded against Google show `namedRanges[].range`,
`protectedRanges[].range`, `basicFilter.range`, `merges[]` and `rowGroups[].range` without it),
and a false `hidden` or `warningOnly` is absent (issuetracker.google.com/issues/229298342: "the
response does not include some default values. if missing => value is False"). Fields with
presence are kept at zero: a GridRange's `startRowIndex: 0`, SheetProperties' `sheetId: 0` and
`index: 0`, a chart position's `sheetId` (a oneof). Nothing is ever `null`.

The stored document keeps whatever was written; `shaped()` runs on the way out.
"""

from __future__ import annotations

from typing import Any

# Keys whose value is (a list of) GridRange, DimensionRange or GridCoordinate: sheetId 0 omitted.
RANGE_KEYS = frozenset(
    {
        "range",
        "ranges",
        "merges",
        "sources",
        "anchorCell",
        "dimensions",
        "dimensionRange",
        "gridRange",
        "source",
        "destination",
        "start",
        "dataSourceRange",
    }
)
# Booleans that Google leaves out when false, wherever they appear.
FALSE_OMITTED = frozenset(
    {
        "hidden",
        "rightToLeft",
        "warningOnly",
        "requestingUserCanEdit",
        "hideGridlines",
        "rowGroupControlAfter",
        "columnGroupControlAfter",
        "collapsed",
    }
)
ZERO_OMITTED = frozenset({"frozenRowCount", "frozenColumnCount", "offsetXPixels", "offsetYPixels"})


COLOUR_PARTS = frozenset({"red", "green", "blue", "alpha"})


def shaped(value: Any, key: str = "") -> Any:
    """A copy of `value` as Google would send it (see the module docstring).

    Colours as Google answers them (gspread's cassette WorksheetTest.test_format): zero
    components left out, and every `xColor` mirrored as `xColorStyle: {"rgbColor": ...}`
    (and the other way round), as the reference's deprecation notes of `backgroundColor` say.
    """
    if isinstance(value, list):
        return [shaped(item, key) for item in value if item is not None]
    if not isinstance(value, dict):
        return value
    if key.endswith("Color") and set(value) <= COLOUR_PARTS:
        return {k: v for k, v in value.items() if v}
    out: dict[str, Any] = {}
    for name, item in value.items():
        if item is None:
            continue
        if name in FALSE_OMITTED and item is False:
            continue
        if name in ZERO_OMITTED and item == 0 and not isinstance(item, bool):
            continue
        if name == "sheetId" and key in RANGE_KEYS and item == 0:
            continue
        out[name] = shaped(item, name)
    for name in list(out):
        colour = out[name]
        if name.endswith("Color") and isinstance(colour, dict) and set(colour) <= COLOUR_PARTS:
            out.setdefault(name + "Style", {"rgbColor": dict(colour)})
        elif name.endswith("ColorStyle") and isinstance(colour, dict) and "rgbColor" in colour:
            out.setdefault(name[: -len("Style")], dict(colour["rgbColor"]))
    return out
