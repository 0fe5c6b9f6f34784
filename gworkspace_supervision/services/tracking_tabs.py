"""Rows, summary and overdue list as the cell values of each tab (what `sync` writes).

People's notes: a row that stays on the same line keeps its Note cell untouched (the write
sends null there, which Sheets skips), so whatever was typed, even a formula, survives. A row
that moved carries the note it had, as text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..domain.status import Summary, Tally, TrackedSession
from ..domain.text import cell_text
from ..google.sheet import Content, Tabs, record_link, serial, session_cells, state_cells
from ..google.sheet_layout import SUMMARY_TABLE_ROW

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
TABLE_HEADER = (
    "Sessions held",
    "Complete on time",
    "Complete late",
    "Overdue",
    "On-time % this month",
    "On-time % year to date",
)


def build_tabs(
    rows: Sequence[TrackedSession],
    previous: Content,
    summary: Summary,
    overdue: Sequence[tuple[TrackedSession, int]],
    meta: Mapping[str, str],
) -> Tabs:
    before = [str(cells[0]) for cells in previous.sessions]
    sessions = []
    for i, row in enumerate(rows):
        cells = session_cells(row)
        if i < len(before) and before[i] == row.session_id:
            cells[11] = None  # unchanged line: leave the Note cell exactly as people left it
        sessions.append(cells)
    return Tabs(
        sessions=sessions,
        state=[state_cells(r) for r in rows],
        summary=summary_cells(summary),
        overdue=[
            [
                r.session_id,
                r.team,
                r.supervisor_name,
                r.supervisee_name,
                r.line_manager_name,
                serial(r.session_date),
                serial(r.record_due),
                days,
                record_link(r.record_id),
            ]
            for r, days in overdue
        ],
        meta=dict(meta),
    )


NOTE_COLUMN = 11  # Sessions' Note: what people typed, carried as they typed it


def safe_tabs(tabs: Tabs) -> Tabs:
    """Every cell through `cell_text`, so no name, team, label or setting (roster, policy,
    settings, caseload) can reach the Sheet as something a spreadsheet evaluates: the Sheet is
    written RAW, but a person may download it as CSV or xlsx. People's notes stay as typed."""

    def rows(block: Sequence[Sequence[Any]], keep: int | None = None) -> list[list[Any]]:
        return [[v if i == keep else cell_text(v) for i, v in enumerate(r)] for r in block]

    return replace(
        tabs,
        sessions=rows(tabs.sessions, NOTE_COLUMN),
        state=rows(tabs.state),
        summary=rows(tabs.summary),
        overdue=rows(tabs.overdue),
        meta={k: cell_text(v) for k, v in tabs.meta.items()},
        extra={title: rows(block) for title, block in tabs.extra.items()},
    )


def _pct(value: float | None) -> float | str:
    return round(value, 4) if value is not None else ""


def _line(name: str, tally: Tally) -> list[Any]:
    return [
        name,
        tally.held,
        tally.on_time,
        tally.late,
        tally.overdue,
        _pct(tally.month_pct),
        _pct(tally.on_time_pct),
    ]


def summary_cells(summary: Summary) -> list[list[Any]]:
    """Months (rows 1-13, the chart's data), then the team and supervisor tables."""
    out: list[list[Any]] = [["Month", "On time %", "", "As at", serial(summary.today)]]
    months = dict(summary.months)
    year = summary.months[0][0].year if summary.months else summary.today.year
    for month in range(1, 13):
        key = next((d for d in months if d.month == month and d.year == year), None)
        out.append([f"{MONTHS[month - 1]} {year}", _pct(months[key]) if key is not None else ""])
    while len(out) < SUMMARY_TABLE_ROW - 1:
        out.append([])
    out.append(["Team", *TABLE_HEADER])
    out += [_line(team, tally) for team, tally in summary.teams.items()]
    out.append(_line("All teams", summary.total))
    out.append([])
    out.append(["Supervisor", *TABLE_HEADER])
    out += [_line(name, tally) for name, tally in summary.supervisors.items()]
    return out
