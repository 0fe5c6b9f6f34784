"""Whether a year can be planned at all, decided from the inputs before anything is created.

A year whose every working day is closed, or a supervisor with 1,000 supervisees, used to end
in the planner's runtime error after a workspace folder had been made. These are input
problems: `plannable_problems` finds them from the roster, policy and closure days alone, and
names the closure setting or the roster line, so the CLI stops with exit 2 before any call.

The checks are necessary conditions only (never a false refusal): a supervisor's sessions are
counted at the least frequent cadence of each supervisee's category, and compared with the
most the supervisor's working days could hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .policy import Category, Policy
from .roster import RosterEntry
from .workdays import WorkingDays

DAYS_A_MONTH = 31  # a monthly phase, counted at its slowest


@dataclass(frozen=True)
class Unplannable:
    """One reason the year cannot be planned: `entry` is the roster row to blame, or None when
    the closure days leave no working day (`closures` says whose: "policy", "settings")."""

    message: str
    entry: RosterEntry | None = None
    closures: tuple[str, ...] = ()


def working_days(first: date, last: date, workdays: WorkingDays) -> int:
    """Working days from `first` to `last` inclusive."""
    count, day = 0, first
    while day <= last:
        count += workdays.is_working_day(day)
        day += timedelta(days=1)
    return count


def slowest_gap_days(category: Category, entry: RosterEntry) -> int:
    """The longest gap between two sessions any phase of `category` allows, in days."""
    gaps = [
        DAYS_A_MONTH if p.monthly else 7 * (p.every_weeks or entry.interval_weeks or 4)
        for p in category.phases
    ]
    return max(gaps) if gaps else 7 * 52


def plannable_problems(
    roster: Sequence[RosterEntry],
    policy: Policy,
    year: int,
    start: date | None = None,
    settings_closures: Iterable[date] = (),
) -> list[Unplannable]:
    """Why `year` (from `start`) cannot be planned for `roster`, or [] when it may be."""
    first, last = start or date(year, 1, 1), date(year, 12, 31)
    if not first <= last:
        return []  # the planner names a --from outside the year
    settings_closures = frozenset(settings_closures)
    every = WorkingDays(policy.region, set(policy.closure_days) | settings_closures)
    open_days = working_days(first, last, every)
    if open_days == 0:
        alone = {
            who: working_days(first, last, WorkingDays(policy.region, days)) == 0
            for who, days in (("policy", policy.closure_days), ("settings", settings_closures))
        }
        blame = tuple(w for w, shut in alone.items() if shut) or ("policy", "settings")
        return [
            Unplannable(
                f"closure days leave no working day between {first} and {last} to book "
                "supervision in; close fewer days",
                closures=blame,
            )
        ]
    hours = policy.working_hours
    span = (hours[1].hour * 60 + hours[1].minute) - (hours[0].hour * 60 + hours[0].minute)
    per_day = max(1, min(policy.max_sessions_per_day, span // policy.session_minutes))
    most = per_day * open_days
    needed: dict[str, int] = {}
    people: dict[str, int] = {}
    problems: list[Unplannable] = []
    for entry in roster:
        category = policy.categories.get(entry.category)
        if category is None:
            continue
        begin = max(first, entry.start_date or first)
        end = min(last, getattr(entry, "end_date", None) or last)
        if end < begin:
            continue
        at_least = ((end - begin).days + 1) // slowest_gap_days(category, entry)
        boss = entry.supervisor_email
        before = needed.get(boss, 0)
        needed[boss] = before + at_least
        people[boss] = people.get(boss, 0) + 1
        if before <= most < needed[boss]:
            problems.append(
                Unplannable(
                    f"{boss} would have {people[boss]} supervisees needing at least "
                    f"{needed[boss]} sessions from {first} to {last}, more than the {most} "
                    f"that fit ({open_days} working days x {per_day} a day, max_sessions_per_day "
                    f"and working hours); give {boss} fewer supervisees",
                    entry=entry,
                )
            )
    return problems
