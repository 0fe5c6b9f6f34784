"""Calendar series: a phase of one supervision pair as one RRULE plus EXDATE/RDATE moves.

One series becomes one recurring Google Calendar event (and one VEVENT in an ICS file), so a
year of sessions costs a handful of API calls. `expand` turns a series back into its occurrence
times with dateutil.rrule; the planner's tests prove the expansion equals the plan.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dateutil.rrule import rruleset, rrulestr

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Series:
    """One recurring event: `start` is the first RRULE occurrence (aware, policy time zone)."""

    series_id: str
    pair_id: str
    supervisee_email: str
    supervisee_name: str
    supervisor_email: str
    supervisor_name: str
    line_manager_email: str
    category: str
    phase: str
    cadence: str
    start: datetime
    duration: timedelta
    rrule: str
    exdates: tuple[datetime, ...]
    rdates: tuple[datetime, ...]
    location: str | None
    plan_hash: str
    session_ids: tuple[str, ...]
    line_manager_name: str = ""
    team: str = ""
    timezone: str = "Europe/London"
    type: str = "supervision"  # or an [[events]] type: "observation", "appraisal", ...
    kind: str = ""  # e.g. an observation's "direct work with a child"
    title: str = "Supervision"  # what the calendar event's summary starts with

    def recurrence(self) -> list[str]:
        """Lines for Google Calendar's `event.recurrence` (and RFC 5545 property text)."""
        lines = [f"RRULE:{self.rrule}"]
        if self.exdates:
            lines.append(f"EXDATE;TZID={self.timezone}:" + ",".join(map(_local, self.exdates)))
        if self.rdates:
            lines.append(f"RDATE;TZID={self.timezone}:" + ",".join(map(_local, self.rdates)))
        return lines

    @property
    def end(self) -> datetime:
        return self.start + self.duration


def _local(moment: datetime) -> str:
    return f"{moment:%Y%m%dT%H%M%S}"


def weekly_rule(every_weeks: int, weekday: int, count: int) -> str:
    """RFC 5545 RRULE value for every `every_weeks` weeks on `weekday` (0 = Monday)."""
    interval = f";INTERVAL={every_weeks}" if every_weeks > 1 else ""
    return f"FREQ=WEEKLY{interval};BYDAY={WEEKDAY_CODES[weekday]};COUNT={count}"


def monthly_rule(ordinal: int, weekday: int, count: int) -> str:
    """The `ordinal`-th (1..4, or -1 for last) `weekday` of each month."""
    return f"FREQ=MONTHLY;BYDAY={ordinal}{WEEKDAY_CODES[weekday]};COUNT={count}"


def nth_weekday(year: int, month: int, weekday: int, ordinal: int) -> date:
    """The `ordinal`-th `weekday` of a month; ordinal -1 is the last one."""
    if ordinal > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (ordinal - 1))
    following = date(year + month // 12, month % 12 + 1, 1)
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def monthly_ordinal(day: date) -> int:
    """Which of the month's weekdays `day` is: 1..4, or -1 for a fifth (always the last)."""
    ordinal = (day.day - 1) // 7 + 1
    return -1 if ordinal == 5 else ordinal


def expand(series: Series) -> list[datetime]:
    """Every occurrence start of a series, as dateutil.rrule computes it, sorted."""
    rules = rruleset()
    rules.rrule(rrulestr(series.rrule, dtstart=series.start))  # type: ignore[arg-type]
    for moment in series.exdates:
        rules.exdate(moment)
    for moment in series.rdates:
        rules.rdate(moment)
    return sorted(rules)


def series_id_for(*parts: object) -> str:
    """A Google Calendar event id (base32hex: 0-9 a-v): 'sup' + a hex digest of stable inputs."""
    return "sup" + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:40]


def pair_id_for(supervisee_email: str, supervisor_email: str) -> str:
    return hashlib.sha256(f"{supervisee_email}\x1f{supervisor_email}".encode()).hexdigest()[:12]


def session_id_for(series_id: str, start: datetime) -> str:
    """Equals Google's instance id for the occurrence starting at `start`."""
    return f"{series_id}_{start.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def plan_hash_for(fields: dict[str, object]) -> str:
    """A digest of everything written to the event, so a changed plan is detectable."""
    blob = json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
