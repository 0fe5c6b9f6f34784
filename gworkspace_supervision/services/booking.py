"""Book a year: reconcile the plan into every supervisor's calendar (Hillingdon 3.2).

load -> validate everything -> read what is booked and who is busy -> plan -> diff -> apply.
Reconcile, never append: each series event is tagged with the app, the pair, the plan's series
id and a hash of what was written, so a re-run writes nothing and a run cut off anywhere is
finished by running it again. Past sessions are never changed: a series that has started is
cut short at "now" (RRULE UNTIL) and its future part booked as a new event.

Stable: every pair already booked keeps its booked weekday, time and place in the cadence
(`pins` -> domain.pins.Pin -> the planner places those first), so a roster edit (a handover, a
starter, a leaver's end date) re-books only the pairs it is about and emails nobody else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.rrule import rrulestr

from ..context import RunContext
from ..domain.absences import Absence
from ..domain.events import SUPERVISION
from ..domain.pins import Pin
from ..domain.planner import Plan, plan_year
from ..domain.policy import Policy
from ..domain.roster import RosterEntry
from ..domain.series import WEEKDAY_CODES, Series, expand, pair_id_for, series_id_for
from ..errors import APIError, InputError, Problem
from ..google.batch import BatchError
from ..google.calendar import (
    BookedSeries,
    CalendarAdapter,
    Write,
    book_write,
    cancel_write,
    event_hash,
    event_summary,
    revive_write,
    truncate_write,
)
from ..settings import Settings

SEND_UPDATES = ("all", "none")
Progress = Callable[[int, int], None]  # (writes done so far, writes in total)


@dataclass(frozen=True)
class Change:
    """One line of the diff: what happens to one series event in one calendar, and why."""

    action: str  # "create" | "update" | "cancel" | "truncate" | "unchanged"
    calendar: str  # the supervisor whose calendar holds the event
    event_id: str
    series_key: str
    supervisee: str
    title: str
    sessions: int  # future sessions booked (create/update) or removed (cancel/truncate)
    reason: str = ""
    write: Write | None = field(default=None, compare=False, repr=False)  # None: no write
    notifies: int = 0  # guests Calendar emails about this change when sendUpdates=all
    first: datetime | None = None  # the first session booked (create/update)

    @property
    def kind(self) -> str | None:
        """The write: "insert" | "patch" | "delete"; None = no write."""
        return self.write.kind if self.write is not None else None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.event_id}"


@dataclass
class BookingResult:
    year: int
    dry_run: bool
    send_updates: str
    plan: Plan
    changes: list[Change]
    left: dict[str, list[Change]] = field(default_factory=dict)  # quota ran out: still to do
    failures: dict[str, str] = field(default_factory=dict)  # event id -> what Google said
    warnings: list[str] = field(default_factory=list)
    api_calls: int = 0
    round_trips: int = 0

    def count(self, action: str) -> int:
        """Series with this action in the diff (planned, whether or not written yet)."""
        return sum(1 for c in self.changes if c.action == action)

    def made(self, action: str) -> int:
        """Series with this action actually written (the diff in a dry run: nothing)."""
        if action == "unchanged":
            return self.count(action)
        return sum(1 for c in self.done if c.action == action)

    @property
    def writes(self) -> list[Change]:
        return [c for c in self.changes if c.kind is not None]

    @property
    def done(self) -> list[Change]:
        """The writes that happened (all of them unless quota or failures stopped some)."""
        if self.dry_run:
            return []
        skipped = {c.key for cs in self.left.values() for c in cs} | set(self.failures)
        return [c for c in self.writes if c.key not in skipped and c.event_id not in skipped]

    @property
    def invitations(self) -> int:
        """Emails Calendar sends (or, in a dry run, would send) to supervisees."""
        if self.send_updates != "all":
            return 0
        return sum(c.notifies for c in (self.writes if self.dry_run else self.done))

    @property
    def complete(self) -> bool:
        return not self.left and not self.failures


def book(
    ctx: RunContext,
    year: int,
    *,
    dry_run: bool = False,
    send_updates: str = "all",
    progress: Progress | None = None,
    start: date | None = None,
    absences: Sequence[Absence] = (),
) -> BookingResult:
    """Reconcile a year of supervision series into the supervisors' calendars. `absences`:
    a supervisee's sessions while away move to their return (domain.absences)."""
    if send_updates not in SEND_UPDATES:
        raise InputError(Problem("--send-updates", None, None, f"use one of {SEND_UPDATES}"))
    connection, the_policy, settings = ctx.connection, ctx.policy, ctx.settings
    roster = list(ctx.roster)  # loaded and validated (context.load_inputs / RunContext.of)
    ctx.check_recipients((e.supervisee_email, "supervisee (calendar invitation)") for e in roster)
    calls0, trips0 = connection.meter.api_calls, connection.meter.round_trips
    now = connection.now()
    adapter = CalendarAdapter(connection)
    calendars = sorted(
        {e.supervisor_email for e in roster} | {e.line_manager_email for e in roster}
    )
    booked = {cal: adapter.list_app_series(cal, year) for cal in calendars}
    warnings: list[str] = []
    busy = _busy_times(adapter, roster, booked, the_policy, year, now, settings, warnings)
    closures = settings.organisation.closure_days
    pinned = pins(roster, booked, the_policy)
    plan = plan_year(roster, the_policy, year, start=start, busy=busy, closure_days=closures,
                     absences=absences, pinned=pinned)  # fmt: skip
    changes = diff(plan, booked, now, roster)
    result = BookingResult(year, dry_run, send_updates, plan, changes, warnings=warnings)
    if not dry_run:
        _apply(adapter, result, progress)
    result.api_calls = connection.meter.api_calls - calls0
    result.round_trips = connection.meter.round_trips - trips0
    return result


# -- reading --------------------------------------------------------------------------------------
def _busy_times(
    adapter: CalendarAdapter,
    roster: Sequence[RosterEntry],
    booked: Mapping[str, Sequence[BookedSeries]],
    policy: Policy,
    year: int,
    now: datetime,
    settings: Settings,
    warnings: list[str],
) -> dict[str, list[tuple[datetime, datetime]]]:
    """Everyone's busy time this year, minus the sessions this app booked (they move freely)."""
    # The whole year, past included, so that re-planning later in the year sees the same
    # constraints and unchanged pairs keep their plan hash (no churn, no needless emails).
    tz = policy.tz
    lo, hi = datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)
    if now >= hi:
        return {}
    people = sorted({e.supervisee_email for e in roster} | {e.supervisor_email for e in roster})
    # free/busy is asked as the operator; with none set, as a supervisor (who can read it)
    operator = settings.organisation.operator or min(e.supervisor_email for e in roster)
    found = adapter.freebusy(operator, people, lo, hi)
    for cal, reason in sorted(found.errors.items()):
        warnings.append(f"free/busy of {cal} not readable ({reason}); planned without it")
    ours: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for cal, series in booked.items():
        for b in series:
            if b.cancelled:
                continue
            length = b.end - b.start
            spans = [(o, o + length) for o in b.occurrences() if o + length > lo and o < hi]
            for person in {cal, *b.attendees}:
                ours[person] += spans
    return {p: subtract(found.busy.get(p, []), ours.get(p, [])) for p in people}


def pins(
    roster: Sequence[RosterEntry], booked: Mapping[str, Sequence[BookedSeries]], policy: Policy
) -> list[Pin]:
    """Each roster pair's booked slot (its supervision series in its supervisor's calendar)
    and each booked [[events]] event's: the planner keeps them, so a roster edit re-books only
    the pairs it is about. A series cut short (its slot given up for a new one) pins only a
    pair with nothing else booked."""
    pairs = {pair_id_for(e.supervisee_email, e.supervisor_email): e for e in roster}
    found: dict[str, list[tuple[bool, Pin]]] = defaultdict(list)
    out: list[Pin] = []
    for cal, series in sorted(booked.items()):
        for b in series:
            entry = pairs.get(b.pair_id)
            if b.cancelled or entry is None or entry.supervisor_email != cal:
                continue
            local = b.start.astimezone(policy.tz)
            if b.kind != SUPERVISION:  # an observation, appraisal, review: one session
                out.append(
                    Pin(entry.supervisee_email, cal, local.date(), local.time(), b.series_key)
                )
                continue
            sessions = frozenset(o.astimezone(policy.tz) for o in b.occurrences())
            pin = Pin(entry.supervisee_email, cal, local.date(), local.time(), "", sessions)
            found[b.pair_id].append((b.truncated_at is not None, pin))
    for _, candidates in sorted(found.items()):
        current = [p for cut, p in candidates if not cut]
        out += current or [p for _, p in candidates]
    return out


def subtract(
    busy: Iterable[tuple[datetime, datetime]], ours: Iterable[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """Busy intervals with our own sessions cut out (free/busy merges adjacent events)."""
    holes = sorted(ours)
    out: list[tuple[datetime, datetime]] = []
    for start, end in sorted(busy):
        pieces = [(start, end)]
        for h_start, h_end in holes:
            if h_start >= end:
                break
            nxt: list[tuple[datetime, datetime]] = []
            for a, b in pieces:
                if h_end <= a or h_start >= b:
                    nxt.append((a, b))
                    continue
                if a < h_start:
                    nxt.append((a, h_start))
                if h_end < b:
                    nxt.append((h_end, b))
            pieces = nxt
        out += pieces
    return out


# -- the diff -------------------------------------------------------------------------------------
def diff(
    plan: Plan,
    booked: Mapping[str, Sequence[BookedSeries]],
    now: datetime,
    roster: Sequence[RosterEntry],
) -> list[Change]:
    """What to create, update, cancel or cut short, per supervisor calendar; pure."""
    wanted: dict[str, dict[str, Series]] = defaultdict(dict)
    for s in plan.series:
        wanted[s.supervisor_email][s.series_id] = s
    supervisor_of = {e.supervisee_email: e.supervisor_email for e in roster}
    changes: list[Change] = []
    for cal in sorted(set(wanted) | set(booked)):
        groups: dict[str, list[BookedSeries]] = defaultdict(list)
        for b in booked.get(cal, ()):
            groups[b.series_key].append(b)
        for key, s in sorted(wanted.get(cal, {}).items()):
            changes += _reconcile(cal, s, groups.get(key, []), now, plan)
        for key, events in sorted(groups.items()):
            if key in wanted.get(cal, {}):
                continue
            for b in events:
                changes += _retire(cal, b, now, _why_gone(b, cal, supervisor_of))
    return changes


def _why_gone(b: BookedSeries, cal: str, supervisor_of: Mapping[str, str]) -> str:
    person = b.attendees[0] if b.attendees else ""
    if person and person not in supervisor_of:
        return f"{person} left the roster"
    if person and supervisor_of[person] != cal:
        return f"{person} moved to {supervisor_of[person]}"
    return "no longer in the plan (category or phase changed)"


def _future(b: BookedSeries, now: datetime) -> tuple[int, bool]:
    """(sessions at or after now, whether any session is already past)."""
    occurrences = b.occurrences()
    later = sum(1 for o in occurrences if o >= now)
    return later, later < len(occurrences)


def _reconcile(
    cal: str, s: Series, events: list[BookedSeries], now: datetime, plan: Plan
) -> list[Change]:
    title = event_summary(s)
    live = [b for b in events if not b.cancelled and _future(b, now)[0]]
    digest = event_hash(s)
    same = [b for b in live if b.plan_hash == digest]
    if same:
        keep = same[0]
        out = [Change("unchanged", cal, keep.event_id, s.series_id, s.supervisee_email, title, 0)]
        for b in live:
            if b is not keep:
                out += _retire(cal, b, now, "duplicate of " + keep.event_id)
        return out
    target = future_part(s, now)
    if target is None:  # the plan's sessions are all past: nothing to book, nothing to change
        return [c for b in live for c in _retire(cal, b, now, "plan has no future sessions")]
    sessions = len(expand(target))
    out = []
    rest = live
    if live and not _future(live[0], now)[1]:
        primary, rest = live[0], live[1:]
        write = _write(target, primary.event_id, s, plan, "patch")
        out.append(
            Change("update", cal, primary.event_id, s.series_id, s.supervisee_email, title,
                   sessions, "plan changed", write, notifies=1, first=target.start)
        )  # fmt: skip
    else:
        if live:
            out += _retire(cal, live[0], now, "plan changed; past sessions kept")
            rest = live[1:]
        event_id, revive = _free_id(s, events, now)
        write = _write(target, event_id, s, plan, "insert")
        out.append(
            Change("create", cal, event_id, s.series_id, s.supervisee_email, title, sessions,
                   "new" if not events else "rebooked", revive_write(write) if revive else write,
                   notifies=1, first=target.start)
        )  # fmt: skip
    for b in rest:
        out += _retire(cal, b, now, "superseded")
    return out


def _write(target: Series, event_id: str, s: Series, plan: Plan, kind: str) -> Write:
    return book_write(
        target, event_id, policy=plan.policy, year=plan.year, series_key=s.series_id, kind=kind
    )


def _free_id(s: Series, events: Sequence[BookedSeries], now: datetime) -> tuple[str, bool]:
    """An event id for booking `s`: the plan's own id if free, else a stable derived one.

    Returns (id, revive): revive means the id belongs to a cancelled event of ours, which a
    patch brings back (Calendar keeps a deleted event's id taken).
    """
    taken = {b.event_id: b for b in events}
    for candidate in (
        s.series_id,
        series_id_for(s.series_id, s.plan_hash),
        series_id_for(s.series_id, s.plan_hash, now.date()),
    ):
        b = taken.get(candidate)
        if b is None:
            return candidate, False
        if b.cancelled:
            return candidate, True
    return series_id_for(s.series_id, s.plan_hash, now.isoformat()), False


def _retire(cal: str, b: BookedSeries, now: datetime, reason: str) -> list[Change]:
    """Cancel a series not started yet; cut a started one short at `now` (past kept)."""
    later, started = _future(b, now)
    if b.cancelled or not later:
        return []
    who = b.attendees[0] if b.attendees else ""
    guests = len(b.attendees)
    if not started:
        return [Change("cancel", cal, b.event_id, b.series_key, who, b.summary, later, reason,
                       cancel_write(b.event_id), notifies=guests)]  # fmt: skip
    return [Change("truncate", cal, b.event_id, b.series_key, who, b.summary, later, reason,
                   truncate_write(b, now), notifies=guests)]  # fmt: skip


def future_part(s: Series, now: datetime) -> Series | None:
    """The series from `now` on, still one RRULE where possible (DTSTART its first future
    session), else RDATEs; None if all of it is past."""
    every = expand(s)
    future = [o for o in every if o >= now]
    if not future:
        return None
    if len(future) == len(every):
        return s
    rule = [o for o in rrulestr(s.rrule, dtstart=s.start) if o >= now]  # type: ignore[union-attr]
    # RFC 5545: DTSTART is the first instance, so no RDATE may come before it (in a series
    # with folded phases, the next session may be another phase's RDATE)
    if rule and not any(now <= r < rule[0] for r in s.rdates):
        parts = [p for p in s.rrule.split(";") if not p.startswith(("COUNT=", "UNTIL="))]
        tail = replace(
            s,
            start=rule[0],
            rrule=";".join(parts + [f"COUNT={len(rule)}"]),
            exdates=tuple(x for x in s.exdates if x >= rule[0]),
            rdates=tuple(r for r in s.rdates if r >= now),
        )
        if expand(tail) == future:
            return tail
    return _from_first(s, future)


def _from_first(s: Series, future: list[datetime]) -> Series:
    """`future` as one series starting at its first session, none of it after the rule's end
    (Google Calendar would not show it; domain.calendar_safe): a weekly rule on the first
    session's weekday and time, else a daily one at its time, gaps excluded. RDATEs only
    when neither fits the last session (then the last ones may not show on Google)."""
    first, tz = future[0], future[0].tzinfo
    for step, code in ((7, f"WEEKLY;BYDAY={WEEKDAY_CODES[first.weekday()]}"), (1, "DAILY")):

        def fits(moment: datetime, step: int = step) -> bool:
            local = moment.astimezone(tz)
            days = (local.date() - first.date()).days
            return local.time() == first.time() and days % step == 0

        if not fits(future[-1]):
            continue
        count = (future[-1].astimezone(tz).date() - first.date()).days // step + 1
        pattern = [
            datetime.combine(first.date() + timedelta(days=step * k), first.time(), tzinfo=tz)
            for k in range(count)
        ]
        wanted = set(future)
        return replace(
            s, start=first, rrule=f"FREQ={code};COUNT={count}",
            exdates=tuple(p for p in pattern if p not in wanted),
            rdates=tuple(o for o in future if not fits(o)),
        )  # fmt: skip
    return replace(s, start=first, rrule="FREQ=DAILY;COUNT=1", exdates=(), rdates=tuple(future[1:]))


# -- applying -------------------------------------------------------------------------------------
def _apply(adapter: CalendarAdapter, result: BookingResult, progress: Progress | None) -> None:
    by_cal: dict[str, list[Change]] = defaultdict(list)
    for c in result.writes:
        by_cal[c.calendar].append(c)
    total = sum(len(cs) for cs in by_cal.values())
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    if progress is not None and total:
        progress(0, total)
    for cal, cs in sorted(by_cal.items()):
        writes = [c.write for c in cs if c.write is not None]
        try:
            answers = adapter.write(cal, writes, send_updates=result.send_updates, progress=tick)
        except BatchError as err:
            answers = dict(err.responses)
            for key, failure in err.failures.items():
                result.failures[str(key)] = failure.message
            if err.quota is not None:
                pending = set(err.pending)
                result.left[cal] = [c for c in cs if c.key in pending]
                continue
        retry = [c for c in cs if _status(answers.get(c.key)) == 409]
        if retry:  # the id exists though we did not list it: bring it to the plan's content
            again = [revive_write(c.write) for c in retry if c.write is not None]
            try:
                adapter.write(cal, again, send_updates=result.send_updates)
            except BatchError as err:
                for key, failure in err.failures.items():
                    result.failures[str(key)] = failure.message
                if err.quota is not None:
                    result.left.setdefault(cal, []).extend(
                        c for c in retry if f"patch:{c.event_id}" in set(err.pending)
                    )
        for c in cs:
            status = _status(answers.get(c.key))
            if status in (404, 410) and c.kind != "delete":
                result.failures[c.key] = f"{c.event_id} vanished while booking ({status})"


def _status(answer: Any) -> int | None:
    return answer.status if isinstance(answer, APIError) else None
