"""Rearrange cancelled sessions (Hillingdon 3.3: within 24 hours, for a date not later than 5 days).

load -> read each supervisor's cancelled sessions and the replacements already booked -> for each
cancelled session not yet rearranged: free/busy of both people -> the earliest free slot in the
window -> book it as one event linked to the cancelled one, the supervisee invited. The
replacement's id is derived from the cancelled session's id, so a re-run (or a run cut off after
the insert) books nothing twice. A cancelled session with no free slot in the window, or whose
window has passed, is reported as needing a manual rearrangement (the CLI exits 1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..domain.policy import Policy
from ..domain.rearrange import (
    LEAD,
    NOT_REARRANGED,
    PENDING,
    Span,
    earliest_free_slot,
    last_rearrange_date,
    rearrangement_event_id,
    rearrangement_status,
)
from ..domain.workdays import WorkingDays
from ..errors import APIError, InputError, Problem
from ..google.calendar import CalendarAdapter
from ..google.calendar_rearrange import (
    CalendarState,
    CancelledSession,
    book_replacement,
    read_state,
)
from ..google.connect import Connection

BOOKED = "booked"
WOULD_BOOK = "would book"
ALREADY = "already rearranged"
NO_SLOT = "no free slot"
TOO_LATE = "window passed"
REPLACEMENT_CANCELLED = "rearranged session cancelled"
MANUAL = (NO_SLOT, TOO_LATE, REPLACEMENT_CANCELLED)


@dataclass(frozen=True)
class Outcome:
    """What happened to one cancelled session."""

    cancelled: CancelledSession
    action: str  # BOOKED | WOULD_BOOK | ALREADY | NO_SLOT | TOO_LATE | REPLACEMENT_CANCELLED
    status: str  # REARRANGED | NOT REARRANGED | PENDING (domain.rearrange.rearrangement_status)
    start: datetime | None = None  # the rearranged session
    end: datetime | None = None
    event_id: str | None = None

    @property
    def needs_manual(self) -> bool:
        return self.action in MANUAL


@dataclass
class RearrangeResult:
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    invitations: int = 0
    api_calls: int = 0
    round_trips: int = 0

    @property
    def manual(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.needs_manual]


def rearrange(
    connection: Connection,
    supervisors: Iterable[str],
    policy: Policy,
    *,
    session_id: str | None = None,
    time_min: datetime | None = None,
    time_max: datetime | None = None,
    dry_run: bool = False,
    send_updates: str = "all",
    closure_days: Iterable[date] = (),
    lead: timedelta = LEAD,
) -> RearrangeResult:
    """Rearrange every cancelled session (or just `session_id`) in the supervisors' calendars
    whose sessions start in [time_min, time_max) (default: 30 days ago to a year ahead)."""
    calls0, trips0 = connection.meter.api_calls, connection.meter.round_trips
    now = connection.now()
    lo = time_min or now - timedelta(days=30)
    hi = time_max or now + timedelta(days=366)
    adapter = CalendarAdapter(connection)
    workdays = WorkingDays(policy.region, set(policy.closure_days) | set(closure_days))
    result = RearrangeResult(dry_run)
    for supervisor in sorted({s.lower() for s in supervisors}):
        state = read_state(adapter, supervisor, lo, hi)
        booked: list[Span] = []  # replacements made in this run, busy for the next ones
        for cancelled in sorted(state.cancelled, key=lambda c: c.start):
            if session_id is not None and cancelled.session_id != session_id:
                continue
            outcome = _one(adapter, cancelled, state, policy, workdays, now, booked, lead,
                           dry_run, send_updates)  # fmt: skip
            if outcome.action == BOOKED and send_updates == "all":
                result.invitations += 1
            result.outcomes.append(outcome)
    if session_id is not None and not result.outcomes:
        raise InputError(
            Problem(
                "--session",
                None,
                None,
                f"no cancelled session {session_id!r} in the supervisors' calendars between "
                f"{lo:%Y-%m-%d} and {hi:%Y-%m-%d}",
            )
        )
    result.api_calls = connection.meter.api_calls - calls0
    result.round_trips = connection.meter.round_trips - trips0
    return result


def _one(
    adapter: CalendarAdapter,
    cancelled: CancelledSession,
    state: CalendarState,
    policy: Policy,
    workdays: WorkingDays,
    now: datetime,
    booked: list[Span],
    lead: timedelta,
    dry_run: bool,
    send_updates: str,
) -> Outcome:
    cancelled_at = cancelled.cancelled_at or now
    existing = state.replacements.get(cancelled.session_id)
    if existing is not None:
        if existing.status == "cancelled":
            return Outcome(
                cancelled, REPLACEMENT_CANCELLED, NOT_REARRANGED, event_id=existing.event_id
            )
        status = rearrangement_status(cancelled_at, cancelled.start, existing.start, now, policy,
                                      replaced_at=existing.created)  # fmt: skip
        return Outcome(cancelled, ALREADY, status, existing.start, existing.end, existing.event_id)
    last = last_rearrange_date(cancelled.start, policy)
    if last < now.astimezone(policy.tz).date():
        return Outcome(cancelled, TOO_LATE, NOT_REARRANGED)
    window_end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=policy.tz)
    people = [cancelled.calendar_user, cancelled.supervisee_email]
    found = adapter.freebusy(cancelled.calendar_user, people, now, max(window_end, now + lead))
    busy = [span for person in people for span in found.busy.get(person, [])] + booked
    slot = earliest_free_slot(cancelled.start, now, busy, policy, workdays, lead=lead)
    pending = rearrangement_status(cancelled_at, cancelled.start, None, now, policy)
    if slot is None:
        return Outcome(cancelled, NO_SLOT, pending)
    start, end = slot
    event_id = rearrangement_event_id(cancelled.session_id)
    if dry_run:
        return Outcome(cancelled, WOULD_BOOK, pending, start, end, event_id)
    answer = book_replacement(
        adapter,
        cancelled,
        start,
        end,
        policy_name=policy.name,
        rule=policy.rearrange_text(),
        send_updates=send_updates,
    )
    if isinstance(answer, APIError):  # 409: the id was taken by an earlier, deleted replacement
        return Outcome(cancelled, REPLACEMENT_CANCELLED, NOT_REARRANGED, event_id=event_id)
    booked.append((start, end))
    status = rearrangement_status(
        cancelled_at, cancelled.start, start, now, policy, replaced_at=now
    )
    return Outcome(cancelled, BOOKED, status, start, end, event_id)


__all__ = [
    "ALREADY",
    "BOOKED",
    "NO_SLOT",
    "PENDING",
    "REPLACEMENT_CANCELLED",
    "TOO_LATE",
    "WOULD_BOOK",
    "Outcome",
    "RearrangeResult",
    "rearrange",
]
