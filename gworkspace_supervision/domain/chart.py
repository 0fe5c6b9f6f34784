"""The summary chart's data: on-time % of records per month, per team, against the target.

Pure, so what the chart will show is checked before anything is drawn. A month with records
decided (completed, late or overdue) has a percentage, 0.0 included; a month with none has
None ("no data"), which the chart draws differently from 0%.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .status import Tally, TrackedSession

TARGET = 1.0  # Hillingdon Supervision Framework 4.4: every record within 5 working days


@dataclass(frozen=True)
class ChartData:
    year: int
    months: tuple[date, ...]  # the first of each month shown, January to the last synced month
    teams: dict[str, tuple[float | None, ...]] = field(default_factory=dict)  # per month
    target: float = TARGET


def chart_data(
    rows: Iterable[TrackedSession], today: date, year: int, target: float = TARGET
) -> ChartData:
    """Per team, per month of `year` up to `today`'s: the share of decided records on time."""
    last = today.month if today.year == year else (12 if today.year > year else 0)
    tallies: dict[str, dict[int, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for row in rows:
        if row.session_date.year == year:
            tallies[row.team or "(no team)"][row.session_date.month].add(row.status, False)
    months = tuple(date(year, m, 1) for m in range(1, last + 1))
    teams = {
        team: tuple(by_month[m].on_time_pct for m in range(1, last + 1))
        for team, by_month in sorted(tallies.items())
    }
    return ChartData(year, months, teams, target)
