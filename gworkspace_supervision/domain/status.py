"""Session and record status for the tracking Sheet: pure rules, no I/O.

Hillingdon Supervision Framework 4.4: the record is completed within 5 working days (the policy's
`record_due_working_days`, counted from the day after the session; bank holidays and closure
days do not count). Hillingdon 3.3: a cancelled session is rearranged within 24 hours for a
date not later than 5 days after it.

How cancellation is read from the calendar (as `rearrange` (services/rearrange.py) links them):
a session is cancelled when its calendar instance is cancelled on its own (the series lives
on). It is rearranged when a live app event tagged `rearranges=<session id>` was created within
`rearrange_within_hours` of the cancellation and starts no later than `rearrange_within_days`
after the cancelled date. A cancelled session without such a replacement shows CANCELLED for
the first 24 hours after the cancellation (time to rearrange) and NOT REARRANGED after that.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from .rearrange import hours_passed
from .workdays import WorkingDays


class Status(StrEnum):
    BOOKED = "BOOKED"  # the session is still to come
    DUE = "DUE"  # held, record not complete, not yet past its due day
    OVERDUE = "OVERDUE"  # past the due day and not complete
    COMPLETE = "COMPLETE"  # completed on or before the due day
    COMPLETE_LATE = "COMPLETE LATE"
    CANCELLED = "CANCELLED"
    NOT_REARRANGED = "NOT REARRANGED"  # Hillingdon 3.3 breached
    HELD = "HELD"  # an observation, appraisal or review whose time has passed (no record)


DRAFT, COMPLETE = "DRAFT", "COMPLETE"
_STATUS_LINE = re.compile(r"record\s*status\s*[:\-]\s*\**\s*([a-z]+)", re.IGNORECASE)


def parse_record_status(text: str) -> str | None:
    """`DRAFT` or `COMPLETE` from a Doc's `Record status:` line (the last one wins), else None.

    Case-insensitive and tolerant of spacing: 'record status :  complete' reads COMPLETE;
    'Completed' counts as COMPLETE, anything else (e.g. the template's DRAFT) as DRAFT.
    """
    found = _STATUS_LINE.findall(text or "")
    if not found:
        return None
    word = found[-1].upper()
    return COMPLETE if word in ("COMPLETE", "COMPLETED") else DRAFT


_URGENT_LINE = re.compile(
    r"urgent\s*/\s*significant\s+decisions?\s*[:\-]\s*\**\s*([a-z]+)", re.IGNORECASE
)


def parse_record_urgent(text: str) -> bool:
    """True when a Doc's `Urgent / significant decisions:` line (the last one wins) says yes
    (Islington: a record of significant case decisions or urgent matters is due within 24
    hours). Case-insensitive; 'yes', 'y' and 'true' count, anything else (the template's
    'no') does not. The policy decides whether the mark changes the deadline."""
    found = _URGENT_LINE.findall(text or "")
    return bool(found) and found[-1].lower() in ("yes", "y", "true")


def record_due(session_day: date, workdays: WorkingDays, days: int) -> date:
    """The last day the record is on time: `days` working days after the session day."""
    return workdays.add_working_days(session_day, days)


def working_days_overdue(due: date, today: date, workdays: WorkingDays) -> int:
    """Working days past the due day (0 when not yet past it)."""
    return max(0, workdays.working_days_between(due, today))


def session_status(
    *,
    end: datetime,
    now: datetime,
    due: date,
    completed: date | None,
    cancelled_at: datetime | None = None,
    cancelled: bool = False,
    rearranged: bool = False,
    rearrange_hours: int = 24,
) -> Status:
    """The status of one session as at `now` (aware); `due` from `record_due`."""
    today = now.astimezone(end.tzinfo).date() if end.tzinfo else now.date()
    if cancelled or cancelled_at is not None:
        if rearranged:
            return Status.CANCELLED
        since = cancelled_at or end  # the one 3.3 rule: domain.rearrange
        if hours_passed(since, now, rearrange_hours):
            return Status.NOT_REARRANGED
        return Status.CANCELLED
    if completed is not None and completed <= today:
        return Status.COMPLETE if completed <= due else Status.COMPLETE_LATE
    if end > now:
        return Status.BOOKED
    return Status.OVERDUE if today > due else Status.DUE


@dataclass
class TrackedSession:
    """One row of the tracking Sheet, in the domain's words (names shown, emails kept)."""

    session_id: str
    team: str
    supervisor_email: str
    supervisor_name: str
    supervisee_email: str
    supervisee_name: str
    line_manager_email: str
    line_manager_name: str
    category: str
    start: datetime
    end: datetime
    record_due: date
    status: Status = Status.BOOKED
    record_id: str | None = None
    completed: date | None = None
    note: str = ""
    record_owner: str = ""
    completed_at: datetime | None = None  # the Doc's modifiedTime when it first read COMPLETE
    cancelled_at: datetime | None = None
    type: str = "supervision"  # or an [[events]] type (observation, appraisal, ...)
    kind: str = ""  # an observation's kind
    urgent: bool = False  # the record is marked urgent (Islington: due within 24 hours)

    @property
    def session_date(self) -> date:
        return self.start.date()


@dataclass
class Tally:
    """Counts for one team, supervisor or month; on-time % over records decided so far."""

    held: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    due: int = 0
    month_on_time: int = 0
    month_decided: int = 0

    @property
    def decided(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def on_time_pct(self) -> float | None:
        return self.on_time / self.decided if self.decided else None

    @property
    def month_pct(self) -> float | None:
        return self.month_on_time / self.month_decided if self.month_decided else None

    def add(self, status: Status, this_month: bool) -> None:
        if status in (Status.CANCELLED, Status.NOT_REARRANGED, Status.BOOKED):
            return
        self.held += 1
        self.on_time += status == Status.COMPLETE
        self.late += status == Status.COMPLETE_LATE
        self.overdue += status == Status.OVERDUE
        self.due += status == Status.DUE
        if this_month and status != Status.DUE:
            self.month_decided += 1
            self.month_on_time += status == Status.COMPLETE


@dataclass
class Summary:
    """What the Summary tab shows: per team, per supervisor, overall and on-time % by month."""

    today: date
    teams: dict[str, Tally] = field(default_factory=dict)
    supervisors: dict[str, Tally] = field(default_factory=dict)
    total: Tally = field(default_factory=Tally)
    months: list[tuple[date, float | None]] = field(default_factory=list)


def summarise(rows: Iterable[TrackedSession], today: date, year: int | None = None) -> Summary:
    """Aggregate rows of one year as at `today` (sorted keys, months Jan..today's month)."""
    summary = Summary(today)
    teams: dict[str, Tally] = defaultdict(Tally)
    supervisors: dict[str, Tally] = defaultdict(Tally)
    months: dict[int, Tally] = defaultdict(Tally)
    year = year or today.year
    for row in rows:
        day = row.session_date
        this_month = (day.year, day.month) == (today.year, today.month)
        teams[row.team or "(no team)"].add(row.status, this_month)
        supervisors[row.supervisor_name or row.supervisor_email].add(row.status, this_month)
        summary.total.add(row.status, this_month)
        if day.year == year:
            months[day.month].add(row.status, False)
    summary.teams = dict(sorted(teams.items()))
    summary.supervisors = dict(sorted(supervisors.items()))
    last = today.month if today.year == year else (12 if today.year > year else 0)
    summary.months = [(date(year, m, 1), months[m].on_time_pct) for m in range(1, last + 1)]
    return summary


def overdue_rows(
    rows: Sequence[TrackedSession], today: date, workdays: WorkingDays
) -> list[tuple[TrackedSession, int]]:
    """Open overdue records, oldest first, with working days overdue (the Overdue tab)."""
    late = [r for r in rows if r.status == Status.OVERDUE]
    late.sort(key=lambda r: (r.record_due, r.start, r.session_id))
    return [(r, working_days_overdue(r.record_due, today, workdays)) for r in late]
