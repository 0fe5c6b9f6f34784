"""Working days: weekends, the region's bank holidays (the `holidays` package, substitute days
included) and the organisation's closure days. Used for holiday moves and record due dates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import holidays

_ONE_DAY = timedelta(days=1)


class WorkingDays:
    """Answers 'is this a working day' and does working-day arithmetic for one region.

    Bank holidays are loaded per year on demand and cached, so planning thousands of people
    costs one `holidays` lookup per year.
    """

    def __init__(self, region: str = "ENG", closure_days: Iterable[date] = ()) -> None:
        self.region = region.upper()
        self.closure_days = frozenset(closure_days)
        self._years: set[int] = set()
        self._closed: dict[date, str] = {}

    def _load(self, year: int) -> None:
        if year in self._years:
            return
        self._years.add(year)
        for day, name in holidays.country_holidays("GB", subdiv=self.region, years=year).items():
            self._closed[day] = f"{name} (bank holiday)"
        for day in self.closure_days:
            if day.year == year:
                self._closed.setdefault(day, "organisation closure day")

    def reason_closed(self, day: date) -> str | None:
        """Why `day` is not a working day ('Good Friday (bank holiday)', 'Saturday'), or None."""
        self._load(day.year)
        name = self._closed.get(day)
        if name is not None:
            return name
        if day.weekday() >= 5:
            return day.strftime("%A")
        return None

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        self._load(day.year)
        return day not in self._closed

    def shift(self, day: date, direction: str = "next") -> date:
        """The nearest working day on or after (`next`) or on or before (`previous`) `day`."""
        step = _ONE_DAY if direction == "next" else -_ONE_DAY
        if direction not in ("next", "previous"):
            raise ValueError(f"direction must be 'next' or 'previous', not {direction!r}")
        while not self.is_working_day(day):
            day += step
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day`, counting from the day after.

        A session on Thu 23 Dec 2027 plus 5 working days is Tue 4 Jan 2028 (27 and 28 Dec and
        3 Jan are substitute bank holidays in England).
        """
        while count > 0:
            day += _ONE_DAY
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        total = 0
        day = start
        while day < end:
            day += _ONE_DAY
            if self.is_working_day(day):
                total += 1
        return total
