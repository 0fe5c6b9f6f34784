"""Absence cover (Hillingdon Supervision Framework 3.4): when a supervisor is away, another
supervisor holds their sessions so each supervisee keeps the prescribed frequency. Pure rules,
no I/O.

A covered session keeps its identity: the cover event's id is derived from the session id
(so a re-run finds it instead of booking another), and the record and the tracker row keep
the session id. The record stays in the usual supervisor's Drive (4.4: saved by the
supervisor on their Google Drive); the covering supervisor is given access to it.

A cover session is placed with the planner's rules: free for both people, on a working day
within working hours, and within the covering supervisor's daily limit of sessions. The
session's own time comes first, then other times that day, then the following days up to the
policy's rearrangement limit (3.3: "a date not later than 5 days").
"""

from __future__ import annotations

import hashlib
from base64 import b32hexencode
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..errors import InputError, Problem
from .policy import Policy
from .roster import RosterEntry
from .workdays import WorkingDays

KIND = "cover"
USUAL_SUPERVISOR_ROLE = "writer"  # on a covered session's record: they read and add to it
COVER_ROLE = "writer"  # the covering supervisor on the records of the sessions they hold
GRID_MINUTES = 30  # candidate start times, as the planner's
Span = tuple[datetime, datetime]


def cover_event_id(session_id: str) -> str:
    """The cover event's Calendar id (base32hex, a-v 0-9), stable for a session id."""
    digest = hashlib.sha256(f"gws-supervision:covers:{session_id}".encode())
    return b32hexencode(digest.digest()).decode().lower().rstrip("=")


def cover_label(cover_name: str, usual_name: str) -> str:
    """Who held the session, as the tracker's Supervisor column shows it."""
    return f"{cover_name} (cover for {usual_name})"


@dataclass(frozen=True)
class CoverWindow:
    """The absence: sessions of `supervisor` from `start` to `end` (inclusive) go to `by`."""

    supervisor: str
    by: str
    start: date
    end: date

    def includes(self, day: date) -> bool:
        return self.start <= day <= self.end


def check_window(supervisor: str, by: str, start: date, end: date) -> CoverWindow:
    """The absence as given on the command line; InputError naming the option otherwise."""
    problems = []
    if end < start:
        problems.append(Problem("--to", None, None, f"{end} is before --from {start}"))
    if supervisor.lower() == by.lower():
        problems.append(Problem("--by", None, None, "a supervisor cannot cover themselves"))
    if (end - start).days > 366:
        problems.append(Problem("--to", None, None, "a cover window is at most a year"))
    if problems:
        raise InputError(problems)
    return CoverWindow(supervisor.lower(), by.lower(), start, end)


def check_not_own_supervisee(window: CoverWindow, roster: Sequence[RosterEntry]) -> None:
    """A supervisee cannot hold their own supervision: refuse a cover by one of the absent
    supervisor's supervisees (it would book "Supervision (cover): Ann / Ann")."""
    mine = [
        e
        for e in roster
        if e.supervisor_email == window.supervisor and e.supervisee_email == window.by
    ]
    if mine:
        e = mine[0]
        managers = sorted(
            {x.line_manager_email for x in roster if x.supervisee_email == window.supervisor}
            - {window.by}
        )
        hint = f" (for example {managers[0]})" if managers else ""
        raise InputError(
            Problem(
                "--by",
                None,
                None,
                f"{e.supervisee_name} ({window.by}) is one of {e.supervisor_name}'s own "
                f"supervisees (roster line {e.line}) and cannot hold their own supervision; "
                f"choose another supervisor to cover{hint}. Nothing was changed.",
            )
        )


@dataclass(frozen=True)
class Placement:
    """Where a covered session is held: its own time, or the nearest free one."""

    start: datetime
    end: datetime
    moved_from: datetime | None = None  # the session's own start, when it could not stay
    reason: str = ""


def place_cover(
    start: datetime,
    end: datetime,
    busy: Iterable[Span],
    held_per_day: Mapping[date, int],
    policy: Policy,
    now: datetime,
    workdays: WorkingDays | None = None,
) -> Placement | None:
    """The cover session's slot: `start` itself if free, else the nearest free start on the
    30-minute grid that day, then on the following working days up to the policy's
    `rearrange_within_days`; never in the past, always inside working hours, never overlapping
    `busy` (both people's busy times together) and never on a day the covering supervisor
    already holds `max_sessions_per_day` sessions (`held_per_day`). None: no such slot."""
    tz = policy.tz
    days = workdays or WorkingDays(policy.region, policy.closure_days)
    length = end - start
    spans = sorted((a.astimezone(tz), b.astimezone(tz)) for a, b in busy)
    own = start.astimezone(tz)
    opens, closes = policy.working_hours

    def fits(at: datetime) -> bool:
        stop = at + length
        if at < now or held_per_day.get(at.date(), 0) >= policy.max_sessions_per_day:
            return False
        if at.time() < opens or stop.time() > closes or stop.date() != at.date():
            return False
        return not any(a < stop and at < b for a, b in spans)

    if fits(own):
        return Placement(own, own + length)
    for offset in range(policy.rearrange_within_days + 1):
        day = own.date() + timedelta(days=offset)
        if not days.is_working_day(day):
            continue
        first = datetime.combine(day, opens, tzinfo=tz)
        last = datetime.combine(day, closes, tzinfo=tz) - length
        grid = []
        at = first
        while at <= last:
            grid.append(at)
            at += timedelta(minutes=GRID_MINUTES)
        if offset == 0:  # the same day: nearest to the session's own time first
            grid.sort(key=lambda t: (abs((t - own).total_seconds()), t))
        for candidate in grid:
            if fits(candidate):
                if offset == 0:
                    why = "its own time is not free for both"
                elif held_per_day.get(own.date(), 0) >= policy.max_sessions_per_day:
                    why = f"the daily limit of {policy.max_sessions_per_day} sessions was reached"
                else:
                    why = "no time that day was free for both"
                return Placement(candidate, candidate + length, own, why)
    return None
