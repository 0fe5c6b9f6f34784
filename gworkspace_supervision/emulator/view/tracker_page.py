"""Tracker: the tracking Sheet as its reader sees it, from one spreadsheets.get with grid data.

Every tab (hidden ones marked), each cell's formatted value, background and bold from its
effective format, the tab's conditional formats (TEXT_EQ rules applied to the cells they cover,
as Sheets paints them, and every rule listed), its protected ranges and its charts (a column
chart drawn from the chart's source ranges). Links to a Doc open the record page, where Drive
decides again whether this person may see it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ...google.connect import Connection
from ..sheets.a1 import col_letters

SHEET_MIME = "application/vnd.google-apps.spreadsheet"
_DOC_LINK = re.compile(r"/document/d/([A-Za-z0-9_-]+)")


@dataclass
class Cell:
    text: str
    background: str = ""  # "#rrggbb" or ""
    bold: bool = False
    record_id: str = ""


@dataclass
class Chart:
    title: str
    bars: list[tuple[str, float]]
    top: float  # the scale's maximum


@dataclass
class Tab:
    sheet_id: int
    title: str
    hidden: bool
    colour: str
    frozen_rows: int
    rows: list[list[Cell]]
    rules: list[str] = field(default_factory=list)
    protected: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class TrackerPage:
    user: str
    sheets: list[tuple[str, str]]  # (id, name) every spreadsheet the person can open
    chosen: str
    title: str
    tabs: list[Tab]


def colour(value: dict[str, Any] | None) -> str:
    """Google's {red, green, blue} (0-1, omitted = 0) as #rrggbb; "" for none or white."""
    if not value:
        return ""
    rgb = value.get("rgbColor", value)
    parts = [round(float(rgb.get(k, 0)) * 255) for k in ("red", "green", "blue")]
    text = "#{:02x}{:02x}{:02x}".format(*parts)
    return "" if text == "#ffffff" else text


def _cell(data: dict[str, Any]) -> Cell:
    fmt = data.get("effectiveFormat") or data.get("userEnteredFormat") or {}
    text = str(data.get("formattedValue", ""))
    link = str(data.get("hyperlink") or "")
    found = _DOC_LINK.search(link) or _DOC_LINK.search(text)
    return Cell(
        text=text,
        background=colour(fmt.get("backgroundColorStyle") or fmt.get("backgroundColor")),
        bold=bool((fmt.get("textFormat") or {}).get("bold")),
        record_id=found.group(1) if found else "",
    )


def a1(rng: dict[str, Any]) -> str:
    """A GridRange in A1 notation (open ends as whole columns or rows)."""

    c0, c1 = rng.get("startColumnIndex"), rng.get("endColumnIndex")
    r0, r1 = rng.get("startRowIndex"), rng.get("endRowIndex")
    left = (col_letters(c0) if c0 is not None else "A") + (str(r0 + 1) if r0 is not None else "")
    right = (col_letters(c1 - 1) if c1 is not None else "") + (str(r1) if r1 is not None else "")
    return f"{left}:{right}" if right else left


def _inside(rng: dict[str, Any], row: int, col: int) -> bool:
    rows = range(rng.get("startRowIndex", 0), rng.get("endRowIndex", 10**9))
    columns = range(rng.get("startColumnIndex", 0), rng.get("endColumnIndex", 10**9))
    return row in rows and col in columns


def _condition(rule: dict[str, Any]) -> tuple[str, list[str], dict[str, Any]]:
    boolean = rule.get("booleanRule") or {}
    condition = boolean.get("condition") or {}
    values = [str(v.get("userEnteredValue", "")) for v in condition.get("values", [])]
    return str(condition.get("type", "gradient")), values, boolean.get("format") or {}


def _apply_rules(tab: Tab, rules: list[dict[str, Any]], offset: tuple[int, int]) -> None:
    """Paint cells as Sheets would for TEXT_EQ rules (first matching rule wins); list all."""
    for rule in rules:
        kind, values, fmt = _condition(rule)
        where = ", ".join(a1(r) for r in rule.get("ranges", []))
        paint = colour(fmt.get("backgroundColorStyle") or fmt.get("backgroundColor"))
        tab.rules.append(
            f"{where}: {kind} {' '.join(repr(v) for v in values)}".strip()
            + (f" → background {paint}" if paint else "")
        )
    painted: set[tuple[int, int]] = set()
    for rule in rules:
        kind, values, fmt = _condition(rule)
        paint = colour(fmt.get("backgroundColorStyle") or fmt.get("backgroundColor"))
        if kind != "TEXT_EQ" or not values or not paint:
            continue
        for r, row in enumerate(tab.rows):
            for c, cell in enumerate(row):
                at = (r + offset[0], c + offset[1])
                if at in painted or cell.text != values[0]:
                    continue
                if any(_inside(rng, *at) for rng in rule.get("ranges", [])):
                    cell.background = paint
                    painted.add(at)


def _number(cell: dict[str, Any]) -> float | None:
    value = (cell.get("effectiveValue") or {}).get("numberValue")
    return float(value) if isinstance(value, (int, float)) else None


def _chart(spec: dict[str, Any], grids: dict[int, list[list[dict[str, Any]]]]) -> Chart:
    basic = spec.get("basicChart") or {}
    headers = int(basic.get("headerCount", 0))

    def column(source: dict[str, Any]) -> list[dict[str, Any]]:
        ranges = (source.get("sourceRange") or {}).get("sources") or [{}]
        rng = ranges[0]
        grid = grids.get(int(rng.get("sheetId", 0)), [])
        rows = grid[rng.get("startRowIndex", 0) : rng.get("endRowIndex", len(grid))]
        col = int(rng.get("startColumnIndex", 0))
        return [row[col] if col < len(row) else {} for row in rows][headers:]

    domains = basic.get("domains") or [{}]
    series = basic.get("series") or [{}]
    labels = column(domains[0].get("domain") or {})
    values = column(series[0].get("series") or {})
    bars = [
        (str(label.get("formattedValue", "")), _number(value) or 0.0)
        for label, value in zip(labels, values, strict=False)
        if label.get("formattedValue")
    ]
    top = max([v for _, v in bars] + [0.0])
    return Chart(str(spec.get("title", "Chart")), bars, 1.0 if 0 < top <= 1 else top or 1.0)


def list_sheets(connection: Connection, user: str) -> list[tuple[str, str]]:
    answer = (
        connection.drive(user)
        .files()
        .list(
            q=f"mimeType='{SHEET_MIME}' and trashed=false",
            spaces="drive",
            pageSize=100,
            fields="files(id,name)",
            orderBy="name",
        )  # fmt: skip
        .execute()
    )
    return [(str(f["id"]), str(f.get("name", ""))) for f in answer.get("files", [])]


def read(connection: Connection, user: str, wanted: str | None) -> TrackerPage:
    sheets = list_sheets(connection, user)
    chosen = wanted or (sheets[0][0] if sheets else "")
    if not chosen:
        return TrackerPage(user, sheets, "", "", [])
    book = (
        connection.sheets(user)
        .spreadsheets()
        .get(spreadsheetId=chosen, includeGridData=True)
        .execute()
    )
    grids: dict[int, list[list[dict[str, Any]]]] = {}
    tabs: list[Tab] = []
    for sheet in book.get("sheets", []):
        props = sheet.get("properties") or {}
        sheet_id = int(props.get("sheetId", 0))
        data = (sheet.get("data") or [{}])[0]
        offset = (int(data.get("startRow", 0)), int(data.get("startColumn", 0)))
        raw = [list(r.get("values", [])) for r in data.get("rowData", [])]
        grids[sheet_id] = [[{}] * offset[1] + r for r in ([[]] * offset[0] + raw)]
        tab = Tab(
            sheet_id=sheet_id,
            title=str(props.get("title", "")),
            hidden=bool(props.get("hidden")),
            colour=colour(props.get("tabColorStyle") or props.get("tabColor")),
            frozen_rows=int((props.get("gridProperties") or {}).get("frozenRowCount", 0)),
            rows=[[_cell(c) for c in r] for r in raw],
        )
        _apply_rules(tab, sheet.get("conditionalFormats") or [], offset)
        for p in sheet.get("protectedRanges") or []:
            rng = p.get("range") or {}
            editors = (p.get("editors") or {}).get("users") or []
            tab.protected.append(
                f"{a1(rng) if rng else 'whole tab'}: {p.get('description') or 'protected'}"
                + (" (warning only)" if p.get("warningOnly") else "")
                + (f"; editors: {', '.join(editors)}" if editors else "")
            )
        tabs.append(tab)
    for sheet, tab in zip(book.get("sheets", []), tabs, strict=True):
        tab.charts = [_chart(c.get("spec") or {}, grids) for c in sheet.get("charts") or []]
    title = str((book.get("properties") or {}).get("title", ""))
    return TrackerPage(user, sheets, chosen, title, tabs)
