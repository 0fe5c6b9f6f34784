"""The tracking Sheet's visible tabs as people see them, for `export`: two Sheets calls.

One spreadsheets.get (field mask: each tab's title, hidden flag, frozen rows and column pixel
widths, no cell data) and one values.batchGet of every visible tab (what people typed, dates as
serial numbers), through gspread as the operator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gspread.utils import absolute_range_name

from .connect import Connection
from .sheet_client import SheetCalls

FIELDS = (
    "sheets(properties(title,index,hidden,gridProperties(frozenRowCount)),"
    "data(columnMetadata(pixelSize)))"
)


@dataclass
class TabView:
    title: str
    frozen_rows: int = 0
    widths: list[int] = field(default_factory=list)  # pixels, column A first
    rows: list[list[Any]] = field(default_factory=list)


def read_tabs(connection: Connection, operator: str, spreadsheet_id: str) -> list[TabView]:
    """Every visible tab, in the Sheet's order."""
    calls = SheetCalls(connection, operator, spreadsheet_id)
    info = calls.metadata(FIELDS)
    sheets = sorted(info.get("sheets", []), key=lambda s: s["properties"].get("index", 0))
    tabs: list[TabView] = []
    for s in sheets:
        props = s["properties"]
        if props.get("hidden"):
            continue
        data = (s.get("data") or [{}])[0]
        widths = [int(c.get("pixelSize", 100)) for c in data.get("columnMetadata", [])]
        frozen = int((props.get("gridProperties") or {}).get("frozenRowCount", 0))
        tabs.append(TabView(str(props["title"]), frozen, widths))
    if tabs:
        ranges = [absolute_range_name(t.title) for t in tabs]
        for tab, rows in zip(tabs, calls.values_batch_get(ranges), strict=True):
            tab.rows = rows
    return tabs
