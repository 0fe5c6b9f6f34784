"""Rearranging a cancelled session (Hillingdon 3.3): "If a session is cancelled then the
supervisor should ensure that this is rearranged within 24 hours for a date not later than 5 days."

Pure: the earliest slot free for both people, and the status the tracker shows. "5 days" is read
as calendar days after the cancelled session's date (the policy says days, not working days);
the new slot itself must still be on a working day within working hours. Both numbers come from
the policy (`rearrange_within_hours`, `rearrange_within_days`).
"""

from __future__ import annotations

import hashlib
from base64 import b32hexencode
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from .policy import Policy
from .workdays import WorkingDays

REARRANGED = "REARRANGED"
NOT_REARRANGED = "NOT REARRANGED"
PENDING = "PENDING"
GRID_MINUTES = 30  # candidate start times, as the planner's
LEAD = timedelta(hours=2)  # never propose a slot starting sooner than this after "now"

Span = tuple[datetime, datetime]


def last_rearrange_date(cancelled_start: datetime, policy: Policy) -> date:
    """The last date a rearranged session may fall on: the cancelled session's local date plus
    `rearrange_within_days` calendar days (3.3: "a date not later than 5 days")."""
    return cancelled_start.astimezone(policy.tz).date() + timedelta(
        days=policy.rearrange_within_days
    )


def earliest_free_slot(
    cancelled_start: datetime,
    now: datetime,
    busy: Iterable[Span],
    policy: Policy,
    workdays: WorkingDays | None = None,
    *,
    minutes: int | None = None,
    lead: timedelta = LEAD,
) -> Span | None:
    """The earliest `minutes`-long slot (default the policy's session length) on the 30-minute
    grid, starting at least `lead` after `now`, on a working day within working hours, no later
    than `last_rearrange_date`, overlapping none of `busy` (both people's busy times together).
    None when there is no such slot: the supervisor has to rearrange by hand."""
    tz = policy.tz
    days = workdays or WorkingDays(policy.region, policy.closure_days)
    length = timedelta(minutes=minutes or policy.session_minutes)
    spans = sorted((s.astimezone(tz), e.astimezone(tz)) for s, e in busy)
    earliest = (now + lead).astimezone(tz)
    last = last_rearrange_date(cancelled_start, policy)
    day = earliest.date()
    opens, closes = policy.working_hours
    while day <= last:
        if days.is_working_day(day):
            start = datetime.combine(day, opens, tzinfo=tz)
            close = datetime.combine(day, closes, tzinfo=tz)
            while start + length <= close:
                end = start + length
                if start >= earliest and not any(s < end and start < e for s, e in spans):
                    return start, end
                start += timedelta(minutes=GRID_MINUTES)
        day += timedelta(days=1)
    return None


def rearrangement_status(
    cancelled_at: datetime,
    cancelled_session_start: datetime,
    replacement_start: datetime | None,
    now: datetime,
    policy: Policy,
    *,
    replaced_at: datetime | None = None,
) -> str:
    """What the tracker shows for a cancelled session (3.3): REARRANGED when a replacement is
    booked for a date no later than `rearrange_within_days` after the cancelled one (and, when
    `replaced_at` is known, booked within `rearrange_within_hours` of the cancellation);
    NOT REARRANGED when the replacement is too late or the hours passed without one; else
    PENDING (still inside the 24 hours)."""
    limit = cancelled_at + timedelta(hours=policy.rearrange_within_hours)
    if replacement_start is not None:
        in_time = replaced_at is None or replaced_at <= limit
        near = replacement_start.astimezone(policy.tz).date() <= last_rearrange_date(
            cancelled_session_start, policy
        )
        return REARRANGED if in_time and near else NOT_REARRANGED
    return (
        NOT_REARRANGED
        if hours_passed(cancelled_at, now, policy.rearrange_within_hours)
        else PENDING
    )


def hours_passed(cancelled_at: datetime, now: datetime, hours: int) -> bool:
    """3.3's "within 24 hours": breached only once more than `hours` have passed."""
    return now > cancelled_at + timedelta(hours=hours)


def rearrangement_event_id(cancelled_session_id: str) -> str:
    """The replacement event's id, derived from the cancelled session's id so that a re-run (or
    a run cut off after the insert) finds the same event instead of booking another. Calendar
    ids are base32hex (a-v, 0-9), 5 to 1024 characters."""
    digest = hashlib.sha256(f"gws-supervision:rearranges:{cancelled_session_id}".encode())
    return b32hexencode(digest.digest()).decode().lower().rstrip("=")
