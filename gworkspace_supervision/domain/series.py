"""Calendar series: a supervision pair's year as one RRULE plus RDATE/EXDATE.

One series becomes one recurring Google Calendar event (and one VEVENT in an ICS file), so a
year of sessions costs one API call per pair. A phased category (ASYE, probation) is folded into
the same series: the RRULE carries the phase with most sessions, the other phases' sessions are
RDATEs, and `phases` says from which session on each phase applies. `expand` turns a series back into its occurrence
times with dateutil.rrule; the planner's tests prove the expansion equals the plan.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dateutil.rrule import rruleset, rrulestr

from .people import PairPeople, ThroughPeople

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Series(ThroughPeople):
    """One recurring event: `start` is the first RRULE occurrence (aware, policy time zone).
    Its pair's people are `people` (the roster row, shared with the pair's sessions), read as
    series.supervisee_email etc."""

    people: PairPeople
    series_id: str
    pair_id: str
    phase: str
    cadence: str
    start: datetime
    duration: timedelta
    rrule: str
    exdates: tuple[datetime, ...]
    rdates: tuple[datetime, ...]
    plan_hash: str
    session_ids: tuple[str, ...]
    timezone: str = "Europe/London"
    type: str = "supervision"  # or an [[events]] type: "observation", "appraisal", ...
    kind: str = ""  # e.g. an observation's "direct work with a child"
    title: str = "Supervision"  # what the calendar event's summary starts with
    # a folded series: (phase, stamp of its first session) in order; () = the one `phase`
    phases: tuple[tuple[str, str], ...] = ()

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

    @property
    def phase_label(self) -> str:
        """'asye_weekly, then asye_fortnightly, then case_holding' (or the one phase)."""
        return ", then ".join(name for name, _ in self.phases) or self.phase

    def phases_text(self) -> str:
        """`phases` as stored on the event: 'asye_weekly@20270104T090000Z,...' ('' if one)."""
        return ",".join(f"{name}@{stamp}" for name, stamp in self.phases)


def phase_at(phases_text: str, session_id: str, default: str = "") -> str:
    """The phase of the session `session_id` of a folded series (see Series.phases_text):
    the last phase whose first session starts at or before it. Stamps sort as text."""
    stamp = session_id[-16:]
    found = default
    for part in phases_text.split(",") if phases_text else ():
        name, _, first = part.partition("@")
        if first <= stamp:
            found = name
    return found


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


# json.dumps with these options builds a new encoder per call: one per series planned
_HASH_ENCODER = json.JSONEncoder(sort_keys=True, default=str, separators=(",", ":"))


def plan_hash_for(fields: dict[str, object]) -> str:
    """A digest of everything written to the event, so a changed plan is detectable."""
    blob = _HASH_ENCODER.encode(fields)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def fold_rule(
    phases: list[tuple[list[date], int | None, int]], blocked: set[date]
) -> tuple[str, set[date]]:
    """The RRULE for a pair's phases folded into one series, and the dates it generates.

    `phases`: each phase's nominal dates, step in days (None = monthly) and monthly ordinal. The
    rule starts at the first date (RFC 5545: DTSTART is the first instance and must fit the
    rule), so a later phase's pattern qualifies only if, extended back, it hits that date; its
    gaps there become EXDATEs, except on `blocked` dates (a moved session lands there). Each
    candidate costs its EXDATEs plus the RDATEs it leaves; the cheapest wins, which is the
    phase with most sessions in practice (ASYE: the fortnightly phase; probation: monthly).
    """
    first = phases[0][0][0]
    nominal = {d for dates, _, _ in phases for d in dates}
    weekday = first.weekday()
    best: tuple[int, str, set[date]] | None = None
    for dates, every_days, ordinal in phases:
        pattern: list[date] = []
        if every_days is None:
            if nth_weekday(first.year, first.month, weekday, ordinal) != first:
                continue
            year, month, day = first.year, first.month, first
            while day <= dates[-1]:
                pattern.append(day)
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
                day = nth_weekday(year, month, weekday, ordinal)
            rule = monthly_rule(ordinal, weekday, len(pattern))
        else:
            if (dates[0] - first).days % every_days:
                continue
            count = (dates[-1] - first).days // every_days + 1
            pattern = [first + timedelta(days=every_days * i) for i in range(count)]
            rule = weekly_rule(every_days // 7, weekday, count)
        inside = set(pattern)
        gaps = inside - nominal
        if gaps & blocked:
            continue
        cost = len(gaps) + len(nominal - inside)
        if best is None or cost < best[0]:
            best = (cost, rule, inside)
    assert best is not None  # the first phase's own pattern always qualifies
    return best[1], best[2]
