"""The year planner: roster + policy + year in, the exact sessions and calendar series out.

Pure and deterministic: the same inputs give the same sessions, ids and hashes. Occurrence dates
are computed arithmetically (no rrule parsing in the hot loop); series.expand proves the RRULEs.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from ..errors import InputError, Problem, SupervisionError
from .absences import Absence, by_person
from .calendar_safe import is_safe, safe_series
from .events import SUPERVISION, EventRule
from .people import PairPeople, ThroughPeople
from .pins import Pin, by_pair, by_series
from .policy import Category, Phase, Policy, cadence_text
from .roster import RosterEntry
from .series import (
    Series,
    fold_rule,
    monthly_ordinal,
    monthly_rule,
    nth_weekday,
    pair_id_for,
    plan_hash_for,
    series_id_for,
    session_id_for,
    weekly_rule,
)
from .workdays import WorkingDays

BusyTimes = (
    Mapping[str, Iterable[tuple[datetime, datetime]]]
    | Callable[[str], Iterable[tuple[datetime, datetime]]]
)
SINGLE_RULE = "FREQ=DAILY;COUNT=1"  # an [[events]] event: a series of one
_START = attrgetter("start")
_EVENT_CADENCE = {1: "yearly", 2: "six-monthly", 4: "quarterly"}
GRID_MINUTES = 30  # candidate start times when the preferred slot is taken
MOVE_SEARCH_DAYS = 10  # working days searched for a moved occurrence, each direction
# one session: (nominal day, day, start minute, nominal start if moved, why moved)
_Occurrence = tuple[date, date, int, datetime | None, str | None]
# a stretch of a person's cadence: (category, phase, restart on, end before)
_Link = tuple[str, "Phase", date | None, date | None]


class PlanningError(SupervisionError):
    """No slot for a pair's session: says which pair, so the CLI can name their roster line."""

    def __init__(self, supervisee: str, supervisor: str, message: str) -> None:
        self.supervisee, self.supervisor = supervisee, supervisor
        super().__init__(message)


class _SessionFields(NamedTuple):
    """A Session's fields. A year for 5,000 staff is 75,000 sessions: an immutable NamedTuple
    is built in a quarter of a frozen dataclass's time (which sets each field through
    object.__setattr__), so the planner builds them positionally, in this order."""

    people: PairPeople
    session_id: str
    series_id: str
    pair_id: str
    phase: str
    start: datetime
    end: datetime
    record_due: date
    moved_from: datetime | None = None  # the slot it would have had, when moved
    move_reason: str | None = None
    reassigned: str | None = None  # why the series is not at the preferred slot
    type: str = SUPERVISION  # or an [[events]] type: observation, appraisal, ...
    kind: str = ""  # an observation's kind, e.g. "direct work with a child"


class Session(_SessionFields, ThroughPeople):
    """One planned occurrence: a supervision session or an [[events]] event. Its pair's
    people (supervisee, supervisor, line manager, team, category, location) are `people`,
    shared by the pair's sessions, and read as session.supervisee_email etc."""

    __slots__ = ()


@dataclass(frozen=True)
class Gap:
    """A session not held because the supervisee was away (Islington: a gap from leave is
    recorded): its nominal start and the reason, for the tracker and the record."""

    supervisee_email: str
    supervisor_email: str
    nominal: datetime
    reason: str


@dataclass(frozen=True)
class Plan:
    year: int
    policy: Policy
    sessions: tuple[Session, ...]
    series: tuple[Series, ...]
    window: tuple[date, date]
    reassignments: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    gaps: tuple[Gap, ...] = ()

    @property
    def moves(self) -> tuple[Session, ...]:
        return tuple(s for s in self.sessions if s.moved_from is not None)

    @property
    def supervision(self) -> tuple[Session, ...]:
        """The supervision sessions only (no observations, appraisals or reviews)."""
        return tuple(s for s in self.sessions if s.type == SUPERVISION)


@dataclass
class _Segment:
    """One phase's nominal dates for a person (before holiday moves)."""

    phase: Phase
    category: str
    dates: list[date] = field(default_factory=list)
    every_days: int | None = None  # None = monthly
    ordinal: int = 1  # monthly: which weekday of the month (1..4, -1 = last)


class _Diary:
    """Everyone's booked minutes per day (with who holds them, so a move can say "taken by
    whom"), and each supervisor's session count per day."""

    def __init__(self, limit: int) -> None:
        self.busy: dict[str, dict[int, list[tuple[int, int, str]]]] = {}
        self.count: dict[str, dict[int, int]] = {}
        self.limit = limit

    def fits(self, supervisee: str, supervisor: str, day: int, start: int, end: int) -> bool:
        return self.fits_all(supervisee, supervisor, (day,), start, end)

    def fits_all(
        self, supervisee: str, supervisor: str, days: Iterable[int], start: int, end: int
    ) -> bool:
        """Every day free for both people at start..end, within the supervisor's daily limit
        (the one fit test: sessions, moves and events all use it)."""
        limit = self.limit
        counts = self.count.get(supervisor, {})
        mine = self.busy.get(supervisee, {})
        theirs = self.busy.get(supervisor, {})
        for day in days:
            if counts.get(day, 0) >= limit:
                return False
            for other_start, other_end, _ in mine.get(day, ()):
                if start < other_end and other_start < end:
                    return False
            for other_start, other_end, _ in theirs.get(day, ()):
                if start < other_end and other_start < end:
                    return False
        return True

    def holder(self, supervisee: str, supervisor: str, days: Iterable[int], start: int,
               end: int) -> str | None:  # fmt: skip
        """Why start..end does not fit on the first of `days` where it does not: 'taken by
        <who holds it>' or the supervisor's daily limit (the reason a move is marked with)."""
        for day in days:
            for email in (supervisee, supervisor):
                for other_start, other_end, who in self.busy.get(email, {}).get(day, ()):
                    if start < other_end and other_start < end:
                        return f"taken by {who}"
            if self.count.get(supervisor, {}).get(day, 0) >= self.limit:
                return f"{supervisor} already has {self.limit} sessions that day"
        return None

    def block(self, email: str, day: int, start: int, end: int, who: str) -> None:
        """An existing commitment: blocks the time, not counted as a session."""
        self.busy.setdefault(email, {}).setdefault(day, []).append((start, end, who))

    def book(
        self, supervisee: str, supervisor: str, days: Iterable[int], start: int, end: int, who: str
    ) -> None:
        """A session of the pair at start..end on each of `days`."""
        slot = (start, end, who)
        for email in (supervisee, supervisor):
            booked = self.busy.setdefault(email, {})
            for day in days:
                held = booked.get(day)
                if held is None:
                    booked[day] = [slot]
                else:
                    held.append(slot)
        counts = self.count.setdefault(supervisor, {})
        for day in days:
            counts[day] = counts.get(day, 0) + 1

    def book_pair(
        self, supervisee: str, supervisor: str, day: int, start: int, end: int, who: str
    ) -> None:
        self.book(supervisee, supervisor, (day,), start, end, who)


class _EventJob(NamedTuple):
    """One [[events]] event to place: the pair, the rule, which of its events and its month."""

    entry: RosterEntry
    pair_id: str
    facts: str  # what the event says of the pair (its plan hash covers them)
    spread: int  # where in the month the pair's events fall, from its pair id
    rule: EventRule
    nth: int  # which of the rule's events for the pair (0, 1, ...)
    month: int


@dataclass
class _Pair:
    """One person's placed year, waiting for the second pass (moves) and emission."""

    entry: RosterEntry
    segs: list[_Segment]
    minute: int
    minutes: int
    reassigned: str | None
    who: str  # how the diary names this pair's bookings
    # (segment, nominal day, why it cannot stay, earliest, latest day it may move to)
    moves: list[tuple[_Segment, date, str, date, date]] = field(default_factory=list)
    dropped: dict[date, str] = field(default_factory=dict)  # nominal day -> gap reason


class _Planner:
    def __init__(self, policy: Policy, year: int, first: date, workdays: WorkingDays) -> None:
        self.policy, self.year, self.first, self.workdays = policy, year, first, workdays
        self.last = date(year, 12, 31)
        self.tz = policy.tz
        open_, close = policy.working_hours
        self.open = open_.hour * 60 + open_.minute
        self.close = close.hour * 60 + close.minute
        self.diary = _Diary(policy.max_sessions_per_day)
        self.due_cache: dict[date, date] = {}
        self.near_cache: dict[int, list[int]] = {}
        # the plan window's working days (the planner asks for each of 60,000 sessions)
        self.working = frozenset(
            day for day in (first + timedelta(days=n) for n in range((self.last - first).days + 1))
            if workdays.is_working_day(day)
        )  # fmt: skip
        self.at_cache: dict[tuple[date, int], datetime] = {}
        self.utc_cache: dict[datetime, str] = {}
        self.event_slots: dict[
            tuple[int, int, int], tuple[date, datetime, datetime, str, timedelta, str]
        ] = {}
        self.month_cache: dict[int, list[int]] = {}
        self.move_cache: dict[date, list[date]] = {}
        # (day, start minute, minutes) -> start, end, UTC stamp of the session id, record due
        self.slot_cache: dict[tuple[date, int, int], tuple[datetime, datetime, str, date]] = {}
        self.sessions: list[Session] = []
        self.series: list[Series] = []
        self.safe: dict[str, list[Series]] = {}  # a re-encoded series' id -> its parts
        self.reassignments: list[str] = []
        self.notes: list[str] = []
        self.pending: list[_Pair] = []
        self.away: dict[str, list[Absence]] = {}  # supervisee -> absences, by start
        self.away_cache: dict[str, set[int]] = {}
        self.returns: list[tuple[_Pair, date, Absence]] = []
        self.gaps: list[Gap] = []
        self.pins: dict[tuple[str, str], Pin] = {}  # booked pairs: their slot comes first
        self.event_pins: dict[str, Pin] = {}  # booked [[events]] events, by series id
        self.events_done: set[tuple[str, str, str, int]] = set()  # (pair, type, index) at pins
        self.moved: dict[tuple[int, date], tuple[date, int, str]] = {}
        self.settled = 0  # pending pairs whose moves are relocated already
        self.returned = 0  # absences' returns handled already

    # -- nominal dates -------------------------------------------------------------------------
    def chain(self, entry: RosterEntry) -> list[_Link]:
        """The person's cadence over time: (category, phase, restart, end) in order.

        A status (ASYE, probation, performance plan) runs from its start (status_start, else
        start_date) to status_end or the end of its own phases; then the role's cadence takes
        over (the role column, else the status's `then`). A status starting after the person
        is in post follows a stretch of the role's cadence (`restart`: the status's first
        session is in the week it starts, not at the role's next date). `end` is exclusive.
        """
        categories = self.policy.categories
        links: list[_Link] = []
        begin = entry.status_start or entry.start_date
        if entry.status and entry.role and begin is not None and begin > self.started(entry):
            links += self.follow(entry.role, None, begin)
        restart = begin if links else None
        if entry.status:
            status = categories[entry.status]
            for phase in status.phases:
                end = self.until(phase, begin)
                if entry.status_end is not None and (end is None or end > entry.status_end):
                    end = entry.status_end
                links.append((status.key, phase, restart, end))
                restart = None
                if end is not None and end == entry.status_end:
                    break
            following = entry.role or status.then
            if following and (links[-1][3] is not None):
                links += self.follow(following, entry.start_date, None)
        else:
            links += self.follow(entry.category, entry.start_date, None)
        return links

    def follow(self, key: str, base: date | None, stop: date | None) -> list[_Link]:
        """A category's phases, then the `then` categories', the last ending at `stop`."""
        links: list[_Link] = []
        category: Category | None = self.policy.categories[key]
        seen: set[str] = set()
        while category is not None and category.key not in seen:
            seen.add(category.key)
            for phase in category.phases:
                links.append((category.key, phase, None, self.until(phase, base)))
            then = category.then
            category = self.policy.categories.get(then) if then else None
        if stop is not None:
            links = [
                (k, p, r, stop if e is None or e > stop else e)
                for k, p, r, e in links
                if e is None or e > self.first
            ] or links[-1:]
        return links

    @staticmethod
    def until(phase: Phase, base: date | None) -> date | None:
        if base is not None and phase.until_weeks is not None:
            return base + timedelta(weeks=phase.until_weeks)
        if base is not None and phase.until_months is not None:
            return base + relativedelta(months=phase.until_months)
        return None

    def started(self, entry: RosterEntry) -> date:
        """The first day anything may be planned for the person: in post and in the window."""
        return max(self.first, entry.start_date) if entry.start_date else self.first

    def finished(self, entry: RosterEntry) -> date:
        """The last day anything may be planned: the leaving date or the window's end."""
        return min(self.last, entry.end_date) if entry.end_date else self.last

    def phased(self, entry: RosterEntry) -> date | None:
        """The start the first phase counts from, when the person's cadence begins with a
        phased status (ASYE, probation: 'within their first week', Hillingdon 4.3)."""
        first = self.policy.categories[entry.status or entry.category]
        begin = entry.status_start or entry.start_date
        if not first.needs_start_date or begin is None:
            return None
        if entry.status and entry.role and begin > self.started(entry):
            return None  # the role comes first; the status restarts in its own week
        return begin

    def anchor(self, entry: RosterEntry) -> date:
        base = self.phased(entry)
        if base is None:
            base = self.started(entry)
            if entry.preferred_day is None:
                base = self.workdays.shift(base, "next")
        if entry.preferred_day is not None:
            base += timedelta(days=(entry.preferred_day - base.weekday()) % 7)
        elif base.weekday() >= 5:
            base += timedelta(days=7 - base.weekday())
        return base

    def segments(
        self, entry: RosterEntry, first_day: date, chain: list[_Link] | None = None
    ) -> list[_Segment]:
        """Nominal dates per phase from `first_day`, clipped to the plan window and to the
        person's start and end dates (`chain`: the person's, if already made)."""
        out: list[_Segment] = []
        current = first_day
        last = self.finished(entry)
        floor = self.started(entry)
        weekday = first_day.weekday()
        for category_key, phase, restart, end in chain or self.chain(entry):
            if restart is not None:  # a status begins: its first session in its own week
                aligned = restart + timedelta(days=(weekday - restart.weekday()) % 7)
                current = max(first_day, min(current, aligned))
            segment = _Segment(phase, category_key)
            if phase.monthly:
                ordinal, weekday_now = monthly_ordinal(current), current.weekday()
                segment.ordinal = ordinal
                year, month = current.year, current.month
                while current <= last and (end is None or current < end):
                    if current >= floor:
                        segment.dates.append(current)
                    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
                    current = nth_weekday(year, month, weekday_now, ordinal)
            else:
                weeks = phase.every_weeks or entry.interval_weeks or 4
                segment.every_days = weeks * 7
                step = timedelta(days=weeks * 7)
                if end is None and current < floor:  # skip ahead arithmetically
                    current += step * ((floor - current).days // (weeks * 7))
                while current <= last and (end is None or current < end):
                    if current >= floor:
                        segment.dates.append(current)
                    current += step
            if segment.dates:
                out.append(segment)
            if current > last:
                break
        return out

    # -- placing -------------------------------------------------------------------------------
    def candidates(
        self, anchor: date, preferred: int, horizon: int, minutes: int
    ) -> Iterable[tuple[int, int]]:
        """(day offset, start minute) nearest first: same day other times, then later days.

        Phased categories stay in the person's first week (Hillingdon 4.3: probation 'within
        their first week'); fixed cadences may spill into later weeks of their first cycle.
        """
        times = self.near(preferred, minutes)
        for offset in range(horizon):
            if (anchor + timedelta(days=offset)).weekday() < 5:
                for minute in times:
                    yield offset, minute

    def horizon(self, entry: RosterEntry, anchor: date, chain: list[_Link]) -> int:
        """How many days after the anchor the first session may be: a phased status's first
        week; a starter's first cadence step ('the first session within the cadence'); else
        up to four weeks."""
        begin = self.phased(entry)
        if begin is not None:
            return max(1, 7 - (anchor - begin).days) if begin >= self.first else 7
        if entry.start_date is not None and entry.start_date >= self.first:
            phase = chain[0][1]
            weeks = 4 if phase.monthly else (phase.every_weeks or entry.interval_weeks or 4)
            return max(1, min(28, weeks * 7 - (anchor - entry.start_date).days))
        return 28

    def place(self, entry: RosterEntry, pinned_only: bool = False) -> bool:
        """Place the pair (False: `pinned_only` and its booked slot does not fit, nothing done:
        it is placed again, as new, once every pair still fitting its booked slot is)."""
        anchor = self.anchor(entry)
        minutes = self.policy.minutes_for(entry.role or entry.category)
        preferred = (
            entry.preferred_time.hour * 60 + entry.preferred_time.minute
            if entry.preferred_time
            else self.open
        )
        a, b = entry.supervisee_email, entry.supervisor_email
        chosen: tuple[int, int, list[_Segment]] | None = None
        fallback: tuple[int, int, list[_Segment]] | None = None
        shift_cache: dict[int, tuple[list[_Segment], list[int]]] = {}
        first_days: list[int] = []
        chain = self.chain(entry)
        horizon = self.horizon(entry, anchor, chain)
        candidates = self.candidates(anchor, preferred, horizon, minutes)
        pin = self.pins.get((a, b))
        if pin is not None:
            pinned = self.pinned(entry, pin, anchor, horizon, chain, minutes, shift_cache)
            if pinned is not None:
                stated = entry.preferred_day is not None or entry.preferred_time is not None
                first = [(0, preferred)] if stated and pinned != (0, preferred) else []
                if pinned_only and first:
                    return False  # a stated preference elsewhere: placed with the changed pairs
                candidates = itertools.chain(first, [pinned], candidates)
        if pinned_only:
            if pin is None or pinned is None:
                return False
            offset, minute = pinned
            segs, days = shift_cache[offset]
            if not self.diary.fits_all(a, b, days, minute, minute + minutes):
                return False
            candidates = iter([pinned])
        for offset, minute in candidates:
            segs, days = self.shifted(entry, anchor, chain, offset, shift_cache)
            if fallback is None:
                fallback, first_days = (offset, minute, segs), days
            if self.diary.fits_all(a, b, days, minute, minute + minutes):
                chosen = (offset, minute, segs)
                break
        if fallback is None or not fallback[2]:
            self.notes.append(
                f"{entry.supervisee_email}: no sessions in {self.first}..{self.last} "
                f"(category {entry.category}, start_date {entry.start_date}"
                + (f", end_date {entry.end_date})" if entry.end_date else ")")
            )
            return True
        offset, minute, segs = chosen or fallback
        reassigned = None
        if (offset, minute) != (0, preferred) and (
            entry.preferred_day is not None or entry.preferred_time
        ):
            day = anchor + timedelta(days=offset)
            wanted = f"{anchor:%a} " if entry.preferred_day is not None else ""
            taken = self.diary.holder(a, b, first_days, preferred, preferred + minutes) or "taken"
            reassigned = (
                f"preferred {wanted}{preferred // 60:02d}:{preferred % 60:02d} {taken}; "
                f"booked {day:%a} {minute // 60:02d}:{minute % 60:02d}"
            )
            self.reassignments.append(f"{entry.supervisee_email} with {b}: {reassigned}")
        self.commit(entry, segs, minute, minutes, reassigned, fits=chosen is not None)
        return True

    def shifted(
        self,
        entry: RosterEntry,
        anchor: date,
        chain: list[_Link],
        offset: int,
        cache: dict[int, tuple[list[_Segment], list[int]]],
    ) -> tuple[list[_Segment], list[int]]:
        """The pair's segments with its cadence `offset` days after the anchor, and their
        working days (ordinals): cached per offset while the pair is placed."""
        known = cache.get(offset)
        if known is None:
            segs = self.segments(entry, anchor + timedelta(days=offset), chain)
            working = self.working  # segments lie inside the plan window
            days = [d.toordinal() for g in segs for d in g.dates if d in working]
            known = cache[offset] = (segs, days)
        return known

    def pinned(
        self,
        entry: RosterEntry,
        pin: Pin,
        anchor: date,
        horizon: int,
        chain: list[_Link],
        minutes: int,
        shift_cache: dict[int, tuple[list[_Segment], list[int]]],
    ) -> tuple[int, int] | None:
        """The (day offset, minute) that books the pair where it is booked already: of the
        offsets on the booked weekday, the one whose dates are most often booked dates (the
        same place in the cadence). None when the time is outside working hours now."""
        at = pin.at.hour * 60 + pin.at.minute
        if at < self.open or at + minutes > self.close:
            return None
        offsets = [
            o for o in range(horizon)
            if (anchor + timedelta(days=o)).weekday() == pin.day.weekday()
        ]  # fmt: skip
        if not offsets:
            return None
        booked = {pin.day} | {m.astimezone(self.tz).date() for m in pin.sessions}
        best, most = offsets[0], -1
        for offset in offsets:
            segs, _ = self.shifted(entry, anchor, chain, offset, shift_cache)
            same = sum(1 for g in segs for d in g.dates if d in booked)
            if same > most:
                best, most = offset, same
        return best, at

    def commit(
        self,
        entry: RosterEntry,
        segs: list[_Segment],
        minute: int,
        minutes: int,
        reassigned: str | None,
        fits: bool,
    ) -> None:
        """Book the pair's working days at `minute`; the rest wait for the second pass.
        `fits`: the diary already said every working day fits (place's fits_all), so each is
        booked without asking again."""
        a, b = entry.supervisee_email, entry.supervisor_email
        end = minute + minutes
        who = f"{entry.supervisee_name} with {entry.supervisor_name}"
        pair = _Pair(entry, segs, minute, minutes, reassigned, who)
        away = self.away.get(a)
        if away:
            self.absent(pair, away)
        diary, working = self.diary, self.working  # segments lie inside the plan window
        started, finished = self.started(entry), self.finished(entry)
        nominal = [d for g in segs for d in g.dates]
        booked: list[int] = []  # the pair's own days never clash: booked together at the end
        for seg in segs:
            for d in seg.dates:
                if d in pair.dropped:
                    continue
                reason = None if d in working else self.workdays.reason_closed(d)
                ordinal = d.toordinal()
                if reason is None and (fits or diary.fits(a, b, ordinal, minute, end)):
                    booked.append(ordinal)
                    continue
                if reason is None:
                    reason = diary.holder(a, b, (d.toordinal(),), minute, end) or "taken"
                # keep the cadence: strictly between the neighbouring sessions
                at = nominal.index(d)
                lo = nominal[at - 1] + timedelta(days=1) if at else started
                hi = nominal[at + 1] - timedelta(days=1) if at + 1 < len(nominal) else finished
                pair.moves.append((seg, d, reason, max(lo, started), min(hi, finished)))
        diary.book(a, b, booked, minute, end, who)
        self.pending.append(pair)

    def absent(self, pair: _Pair, away: list[Absence]) -> None:
        """The supervisee's sessions while they are away: the first moves to the first free
        slot after they return (supervision prioritised on return), the rest are gaps."""
        for absence in away:
            inside = [d for g in pair.segs for d in g.dates if absence.covers(d)]
            for d in inside:
                pair.dropped[d] = f"absent ({absence.text})"
            if inside:
                self.returns.append((pair, inside[0], absence))

    def finish(self) -> None:
        """Second pass: relocate moved occurrences (regular slots were all taken first, so a
        bank-holiday move never pushes someone else's regular session), then emit series."""
        self.settle()
        moved = self.moved
        for pair in self.pending:
            self.emit_pair(pair, moved)
            for nominal, reason in sorted(pair.dropped.items()):
                self.gaps.append(Gap(
                    pair.entry.supervisee_email, pair.entry.supervisor_email,
                    self.at(nominal, pair.minute), reason,
                ))  # fmt: skip

    def settle(self) -> None:
        """Relocate the moved occurrences of the pairs placed since the last settle. `book`
        settles the pinned (already booked) pairs before placing new ones, so a newcomer's
        regular slot never takes a booked pair's bank-holiday move from it."""
        moved = self.moved
        returns, self.returned = self.returns[self.returned :], len(self.returns)
        pending, self.settled = self.pending[self.settled :], len(self.pending)
        for pair, nominal, absence in sorted(
            returns, key=lambda r: (r[2].last, r[0].entry.supervisee_email)
        ):
            landed = self.after_return(pair, absence)
            if landed is not None:
                seg = next(g for g in pair.segs if nominal in g.dates)
                reason = pair.dropped.pop(nominal) + ": first free slot on return"
                moved[(id(seg), nominal)] = (*landed, reason)
        jobs = [(d, pair.entry.supervisee_email, seg, pair, reason, lo, hi)
                for pair in pending for seg, d, reason, lo, hi in pair.moves]  # fmt: skip
        for d, _, seg, pair, reason, lo, hi in sorted(jobs, key=lambda j: (j[0], j[1])):
            landed = self.relocate(pair, d, lo, hi)
            if landed is None:  # the person's own dates leave no working day for it
                pair.dropped[d] = f"{reason}; no working day in post to move it to"
            else:
                moved[(id(seg), d)] = (*landed, reason)

    def after_return(self, pair: _Pair, absence: Absence) -> tuple[date, int] | None:
        """The first free slot for both from the supervisee's return, nearest their time."""
        a, b = pair.entry.supervisee_email, pair.entry.supervisor_email
        day = absence.last + timedelta(days=1)
        last = self.finished(pair.entry)
        away = self.away_days(a)
        times = self.near(pair.minute, pair.minutes)
        while day <= last:
            if self.is_working(day) and day.toordinal() not in away:
                ordinal = day.toordinal()
                for start in times:
                    if self.diary.fits(a, b, ordinal, start, start + pair.minutes):
                        self.diary.book_pair(a, b, ordinal, start, start + pair.minutes, pair.who)
                        return day, start
            day += timedelta(days=1)
        return None

    def relocate(self, pair: _Pair, nominal: date, lo: date, hi: date) -> tuple[date, int] | None:
        """Nearest free working slot for an occurrence that cannot stay (holiday or clash),
        earlier or later: first between the neighbouring sessions (the cadence kept) and,
        under a monthly floor, in the same calendar month; then anywhere in reach."""
        a, b, minutes = pair.entry.supervisee_email, pair.entry.supervisor_email, pair.minutes
        diary, times = self.diary, self.near(pair.minute, minutes)
        started, finished = self.started(pair.entry), self.finished(pair.entry)
        away = self.away_days(a)
        days = self.move_days(nominal)
        floor = self.policy.floor
        monthly = floor is not None and floor.monthly
        bounded = True  # every day in reach is outside the person's dates or while away
        landed = self.landings(a, b)
        for keep in (True, False) if landed else ():  # where `book` put it before, if free
            for day in days:
                if keep and not (lo <= day <= hi and (not monthly or day.month == nominal.month)):
                    continue
                if not started <= day <= finished or (away and day.toordinal() in away):
                    continue
                ordinal = day.toordinal()
                for start in landed.get(ordinal, ()):
                    if diary.fits(a, b, ordinal, start, start + minutes):
                        diary.book_pair(a, b, ordinal, start, start + minutes, pair.who)
                        return day, start
        for keep in (True, False):
            for day in days:
                if keep and not (lo <= day <= hi and (not monthly or day.month == nominal.month)):
                    continue
                if not started <= day <= finished or (away and day.toordinal() in away):
                    continue
                bounded = False
                ordinal = day.toordinal()
                for start in times:
                    if diary.fits(a, b, ordinal, start, start + minutes):
                        diary.book_pair(a, b, ordinal, start, start + minutes, pair.who)
                        return day, start
        if bounded:
            return None
        raise PlanningError(
            a,
            b,
            f"cannot fit the session of {a} with {b} near {nominal}: no free slot for both within "
            f"{MOVE_SEARCH_DAYS} working days either side (max_sessions_per_day "
            f"{self.policy.max_sessions_per_day}); give {b} fewer supervisees",
        )

    def landings(self, supervisee: str, supervisor: str) -> dict[int, list[int]]:
        """The pair's booked sessions (pinned) by day ordinal: start minutes, earliest first."""
        pin = self.pins.get((supervisee, supervisor))
        if pin is None or not pin.sessions:
            return {}
        out: dict[int, list[int]] = {}
        for moment in sorted(pin.sessions):
            local = moment.astimezone(self.tz)
            out.setdefault(local.toordinal(), []).append(local.hour * 60 + local.minute)
        return out

    def away_days(self, email: str) -> set[int]:
        days = self.away_cache.get(email)
        if days is None:
            days = self.away_cache[email] = {
                o for x in self.away.get(email, ())
                for o in range(x.first.toordinal(), x.last.toordinal() + 1)
            }  # fmt: skip
        return days

    def move_days(self, nominal: date) -> list[date]:
        """Working days in the window up to MOVE_SEARCH_DAYS either side, nearest first; a tie
        goes the policy's holiday_shift way (a Monday holiday: Tuesday, not the Friday before;
        Good Friday: the Thursday, not the Tuesday after Easter Monday)."""
        known = self.move_cache.get(nominal)
        if known is None:
            known = self.move_cache[nominal] = self._move_days(nominal)
        return known

    def _move_days(self, nominal: date) -> list[date]:
        sides: dict[str, list[date]] = {}
        for direction, step in (("next", 1), ("previous", -1)):
            days: list[date] = []
            day = nominal
            while len(days) < MOVE_SEARCH_DAYS:
                day = self.workdays.shift(day, direction)
                if not self.first <= day <= self.last:
                    break
                days.append(day)
                day += timedelta(days=step)
            sides[direction] = days
        primary = set(sides[self.policy.holiday_shift])
        return sorted(
            set(sides["next"]) | set(sides["previous"]),
            key=lambda d: (abs((d - nominal).days), d not in primary),
        )

    def near(self, minute: int, minutes: int) -> list[int]:
        """Start times nearest `minute` first (earlier wins a tie) for a `minutes`-long
        session ending by closing time, cached."""
        key = minute * 1000 + minutes
        times = self.near_cache.get(key)
        if times is None:
            grid = range(self.open, self.close - minutes + 1, GRID_MINUTES)
            times = sorted(
                {t for t in (*grid, minute) if t + minutes <= self.close},
                key=lambda m: (abs(m - minute), m),
            )
            self.near_cache[key] = times
        return times

    def is_working(self, day: date) -> bool:
        if self.first <= day <= self.last:
            return day in self.working
        return self.workdays.is_working_day(day)

    # -- output --------------------------------------------------------------------------------
    def at(self, day: date, minute: int) -> datetime:
        key = (day, minute)
        moment = self.at_cache.get(key)
        if moment is None:
            moment = datetime(
                day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=self.tz
            )
            self.at_cache[key] = moment
        return moment

    def slot(self, day: date, minute: int, minutes: int) -> tuple[datetime, datetime, str, date]:
        """A session's start, end, session-id stamp and record due date, cached per slot."""
        when = self.at(day, minute)
        slot = self.slot_cache[(day, minute, minutes)] = (
            when, self.at(day, minute + minutes), self.session_id("", when), self.due(day),
        )  # fmt: skip
        return slot

    def session_id(self, series_id: str, moment: datetime) -> str:
        stamp = self.utc_cache.get(moment)
        if stamp is None:
            stamp = self.utc_cache[moment] = session_id_for("", moment)
        return series_id + stamp

    def due(self, day: date) -> date:
        if day not in self.due_cache:
            self.due_cache[day] = self.workdays.add_working_days(
                day, self.policy.record_due_working_days
            )
        return self.due_cache[day]

    def emit_pair(
        self, pair: _Pair, moved: Mapping[tuple[int, date], tuple[date, int, str]]
    ) -> None:
        """The pair's year as one series, its phases folded together, when every phase's
        sessions (after moves) come after the previous phase's: then each session's phase
        follows from its start. Otherwise (moves crossing a phase boundary) one per phase.
        Sessions dropped for an absence are EXDATEs with no session."""
        minute, dropped = pair.minute, pair.dropped
        runs: list[list[_Occurrence]] = []
        for seg in pair.segs:
            run: list[_Occurrence] = []
            for d in seg.dates:
                move = moved.get((id(seg), d))
                if move is None:
                    if d not in dropped:
                        run.append((d, d, minute, None, None))
                else:
                    run.append((d, move[0], move[1], self.at(d, minute), move[2]))
            run.sort(key=lambda o: (o[1], o[2]))
            runs.append(run)
        kept = [(seg, run) for seg, run in zip(pair.segs, runs, strict=True) if run]
        if not kept:
            self.notes.append(f"{pair.entry.supervisee_email}: no session can be held (see gaps)")
            return
        ordered = all(
            (a[-1][1], a[-1][2]) < (b[0][1], b[0][2])
            for (_, a), (_, b) in zip(kept, kept[1:], strict=False)
        )
        if ordered and len(kept) == len(runs):
            self.emit_series(pair, pair.segs, runs)
        else:
            for seg, run in zip(pair.segs, runs, strict=True):
                self.emit_series(pair, [seg], [run])

    def emit_series(self, pair: _Pair, segs: list[_Segment], runs: list[list[_Occurrence]]) -> None:
        entry, minute, minutes = pair.entry, pair.minute, pair.minutes
        gone = [d for g in segs for d in g.dates if d in pair.dropped]
        if not any(runs):
            return  # a phase wholly inside an absence: its gaps are recorded, no series
        seg = segs[0]
        first = seg.dates[0]
        if len(segs) > 1:
            blocked = {o[1] for run in runs for o in run if o[3] is not None and o[2] == minute}
            shapes = [(g.dates, g.every_days, g.ordinal) for g in segs]
            rule, inside = fold_rule(shapes, blocked)
        elif seg.every_days is None:
            rule, inside = monthly_rule(seg.ordinal, first.weekday(), len(seg.dates)), None
        else:
            rule, inside = weekly_rule(seg.every_days // 7, first.weekday(), len(seg.dates)), None
        # A folded series keeps its first phase's id: a single-phase pair's id is unchanged,
        # and a pair booked one series per phase before has its first event updated in place.
        series_id = series_id_for(
            entry.supervisee_email, entry.supervisor_email, entry.category, seg.category,
            seg.phase.name, self.year,
        )  # fmt: skip
        duration = timedelta(minutes=minutes)
        exdates, rdates = [], []
        for run in runs:
            for nominal, day, at, moved_from, _ in run:
                if inside is None or nominal in inside:  # an RRULE occurrence
                    if moved_from is not None:
                        exdates.append(moved_from)
                        rdates.append(self.at(day, at))
                else:  # another phase's session, at its (possibly moved) time
                    rdates.append(self.at(day, at))
        # absences: an RRULE occurrence with no session (another phase's is simply not added)
        exdates += [self.at(d, minute) for d in gone if inside is None or d in inside]
        if inside is not None:  # dates the folded rule makes that are no session
            nominal_days = {d for g in segs for d in g.dates}
            exdates += [self.at(d, minute) for d in inside - nominal_days]
            exdates.sort()
            rdates.sort()
        elif gone:
            exdates.sort()
            rdates.sort()
        else:  # one phase: EXDATE/RDATE in the plan's date order, as before folding
            pairs = sorted(zip(exdates, rdates, strict=True))
            exdates, rdates = [x for x, _ in pairs], [r for _, r in pairs]
        start = self.at(first, minute)
        hashed: dict[str, object] = {
            "start": start.isoformat(), "minutes": minutes, "rrule": rule,
            "exdates": [x.isoformat() for x in exdates], "rdates": [x.isoformat() for x in rdates],
            "location": entry.location, "supervisee": [entry.supervisee_email, entry.supervisee_name],
            "supervisor": [entry.supervisor_email, entry.supervisor_name],
            "line_manager": [entry.line_manager_email, entry.line_manager_name],
            "category": entry.category, "phase": seg.phase.name, "team": entry.team,
        }  # fmt: skip
        pair_id = pair_id_for(entry.supervisee_email, entry.supervisor_email)
        ids: list[str] = []
        phases: list[tuple[str, str]] = []
        slots, sessions, reassigned = self.slot_cache, self.sessions, pair.reassigned
        for g, run in zip(segs, runs, strict=True):
            phase = g.phase.name
            for _, day, at, moved_from, reason in run:
                slot = slots.get((day, at, minutes))
                if slot is None:
                    slot = self.slot(day, at, minutes)
                when, end, stamp, due = slot
                session_id = series_id + stamp
                ids.append(session_id)
                sessions.append(Session(
                    entry, session_id, series_id, pair_id, phase, when, end, due, moved_from,
                    reason, reassigned,
                ))  # fmt: skip
            phases.append((g.phase.name, ids[-len(run)][-16:]))
        if len(segs) > 1:
            hashed["phases"] = phases
            cadence = ", then ".join(_phase_text(g.phase, entry) for g in segs)
        else:
            phases = []
            cadence = cadence_text(None if seg.every_days is None else seg.every_days // 7)
        series = Series(
            people=entry, series_id=series_id, pair_id=pair_id, phase=seg.phase.name,
            cadence=cadence, start=start, duration=duration, rrule=rule,
            exdates=tuple(exdates), rdates=tuple(rdates), plan_hash=plan_hash_for(hashed),
            session_ids=tuple(ids), timezone=self.policy.timezone, phases=tuple(phases),
        )  # fmt: skip
        self.series.append(series)
        if rdates and not is_safe(series):  # Google would not show a session after the rule's end
            begin = len(sessions) - len(ids)
            self.safe[series_id], sessions[begin:] = safe_series(series, sessions[begin:])

    # -- [[events]]: observations, appraisals, reviews ------------------------------------------
    def place_events(self, roster: Sequence[RosterEntry], pinned_only: bool = False) -> None:
        """One single event per rule month and pair, after every session has its slot (so
        sessions never move for them), on a working day of that month free for both people,
        within the supervisor's daily limit: the same no-double-booking rules as sessions.
        `pinned_only`: book only the events already booked, at their booked slot (`book`,
        before any pair is placed: a booked event never overlaps a booked session, so the
        booked pairs still find their slots); the later full pass skips them."""
        rules = self.policy.events
        if not rules:
            return
        jobs: list[_EventJob] = []
        for entry in sorted(roster, key=lambda e: (e.supervisee_email, e.supervisor_email)):
            pair_id = pair_id_for(entry.supervisee_email, entry.supervisor_email)
            facts = "\x1f".join((
                entry.location or "", entry.supervisee_email, entry.supervisee_name,
                entry.supervisor_email, entry.supervisor_name, entry.line_manager_email,
                entry.line_manager_name, entry.category, entry.team,
            ))  # fmt: skip
            spread = int(pair_id[:8], 16)  # spreads pairs over the month
            kinds = entry.categories
            for rule in rules:
                if rule.applies_to(*kinds):
                    for index, month in rule.months_for(entry.start_date, self.year, spread):
                        jobs.append(_EventJob(entry, pair_id, facts, spread, rule, index, month))
        for job in jobs:
            done = (
                job.entry.supervisee_email,
                job.entry.supervisor_email,
                job.rule.type,
                job.nth,
            )
            if pinned_only:  # booked events keep their slot, before any new pair is placed
                if self.pinned_event(job):
                    self.events_done.add(done)
            elif done not in self.events_done:
                self.place_event(job)

    def pinned_event(self, job: _EventJob) -> bool:
        """Book the event at its booked slot when that is still in its month, in the person's
        dates and free for both; False: place it as new."""
        entry, rule = job.entry, job.rule
        a, b = entry.supervisee_email, entry.supervisor_email
        pin = self.event_pins.get(series_id_for(a, b, "event", rule.type, job.nth, self.year))
        if pin is None:
            return False
        day = pin.day.toordinal()
        minute, minutes = pin.at.hour * 60 + pin.at.minute, self.event_minutes(rule)
        if minute < self.open or minute + minutes > self.close:
            return False
        if day not in self.month_days(job.month):
            return False
        if not self.started(entry) <= pin.day <= self.finished(entry):
            return False
        if day in self.away_days(a) or not self.diary.fits(a, b, day, minute, minute + minutes):
            return False
        self.book_event(job, day, minute, minutes)
        return True

    def month_days(self, month: int) -> list[int]:
        """Working days (ordinals) of `month` of the plan year inside the plan window."""
        days = self.month_cache.get(month)
        if days is None:
            first = date(self.year, month, 1)
            following = date(self.year + month // 12, month % 12 + 1, 1)
            days = [
                o
                for o in range(max(first, self.first).toordinal(), following.toordinal())
                if o <= self.last.toordinal() and self.is_working(date.fromordinal(o))
            ]
            self.month_cache[month] = days
        return days

    def event_minutes(self, rule: EventRule) -> int:
        return rule.minutes or self.policy.session_minutes

    def place_event(self, job: _EventJob) -> None:
        """The event on the first day of its month, from the pair's place in the month
        (`spread`), with a time free for both, nearest the person's preferred time."""
        entry = job.entry
        days = self.month_days(job.month)
        a, b = entry.supervisee_email, entry.supervisor_email
        if entry.start_date is not None or entry.end_date is not None or a in self.away:
            # not before the person starts, after they leave or while they are away
            started, finished = self.started(entry).toordinal(), self.finished(entry).toordinal()
            away = self.away_days(a)
            days = [d for d in days if started <= d <= finished and d not in away]
        if not days:
            return
        minutes = self.event_minutes(job.rule)
        preferred = (
            entry.preferred_time.hour * 60 + entry.preferred_time.minute
            if entry.preferred_time
            else self.open
        )
        times = self.near(preferred, minutes)
        fits, n = self.diary.fits, len(days)
        for step in range(n):
            day = days[(job.spread + step) % n]
            for minute in times:
                if fits(a, b, day, minute, minute + minutes):
                    self.book_event(job, day, minute, minutes)
                    return
        self.notes.append(
            f"{a} with {b}: no free slot in {date(self.year, job.month, 1):%B %Y} for the "
            f"{job.rule.label.lower()}"
        )

    def book_event(self, job: _EventJob, ordinal: int, minute: int, minutes: int) -> None:
        """Book the event in the diary, and emit it as a Session and a one-occurrence Series."""
        entry, rule, index = job.entry, job.rule, job.nth
        self.diary.book_pair(
            entry.supervisee_email, entry.supervisor_email, ordinal, minute, minute + minutes,
            f"{entry.supervisee_name}'s {rule.label.lower()}",
        )  # fmt: skip
        key = (ordinal, minute, minutes)
        slot = self.event_slots.get(key)
        if slot is None:
            day = date.fromordinal(ordinal)
            start = self.at(day, minute)
            slot = self.event_slots[key] = (
                day, start, self.at(day, minute + minutes), self.session_id("", start),
                timedelta(minutes=minutes), f"{day}\x1f{minute}\x1f{minutes}\x1f",
            )  # fmt: skip
        day, start, end, stamp, duration, when = slot
        kind = rule.kind(index)
        series_id = series_id_for(
            entry.supervisee_email, entry.supervisor_email, "event", rule.type, index, self.year
        )
        session_id = series_id + stamp
        plan_hash = hashlib.sha256(
            f"{when}{rule.type}\x1f{kind}\x1f{rule.label}\x1f{job.facts}".encode()
        ).hexdigest()[:16]  # everything written to the event
        self.sessions.append(Session(
            entry, session_id, series_id, job.pair_id, rule.type, start, end, day, None, None,
            None, rule.type, kind,
        ))  # fmt: skip
        self.series.append(Series(
            people=entry, series_id=series_id, pair_id=job.pair_id, phase=rule.type,
            cadence=_event_cadence(rule), start=start, duration=duration, rrule=SINGLE_RULE,
            exdates=(), rdates=(), plan_hash=plan_hash, session_ids=(session_id,),
            timezone=self.policy.timezone, type=rule.type, kind=kind, title=rule.label,
        ))  # fmt: skip

    def cover_notes(self, roster: Sequence[RosterEntry]) -> None:
        """A supervisor away: their sessions in the window need cover (Hillingdon 3.4)."""
        supervisors = {e.supervisor_email for e in roster}
        managers = {e.supervisee_email: e.line_manager_email for e in roster}
        for email in sorted(supervisors & set(self.away)):
            for absence in self.away[email]:
                count = sum(
                    1 for s in self.sessions
                    if s.supervisor_email == email and absence.covers(s.start.date())
                )  # fmt: skip
                if count:
                    who = (
                        f"their line manager {managers[email]}"
                        if email in managers
                        else ("their line manager")
                    )
                    by = managers.get(email) or "COLLEAGUE"  # proposed: their line manager
                    self.notes.append(
                        f"{email} away ({absence.text}): {count} session(s) need cover, which "
                        f"{who} arranges: gws-supervision cover --supervisor {email} "
                        f"--from {absence.first} --to {absence.last} --by {by}"
                    )

    def preload(self, busy: BusyTimes | None, people: Iterable[str]) -> None:
        """Existing commitments (e.g. Calendar freebusy) block time but not the daily count."""
        if busy is None:
            return
        for email in sorted(set(people)):
            periods = busy(email) if callable(busy) else busy.get(email, ())
            for start, end in periods:
                local_start, local_end = start.astimezone(self.tz), end.astimezone(self.tz)
                day = local_start.date()
                while day <= local_end.date():
                    lo = (
                        local_start.hour * 60 + local_start.minute
                        if day == local_start.date()
                        else 0
                    )
                    hi = local_end.hour * 60 + local_end.minute if day == local_end.date() else 1440
                    if hi > lo:
                        self.diary.block(
                            email, day.toordinal(), lo, hi, "an existing calendar event"
                        )
                    day += timedelta(days=1)


def _event_cadence(rule: EventRule) -> str:
    """'six-monthly', 'yearly', '3 a year': how often an [[events]] rule books."""
    per_year = (
        12 // rule.every_months if rule.from_start and rule.every_months else len(rule.months)
    )
    return _EVENT_CADENCE.get(per_year) or f"{per_year} a year"


def _phase_text(phase: Phase, entry: RosterEntry) -> str:
    """'weekly for 6 weeks', 'fortnightly to 6 months', 'four-weekly': a folded series'
    description names each phase's cadence and how long it lasts."""
    if phase.monthly:
        text = "monthly"
    else:
        text = cadence_text(phase.every_weeks or entry.interval_weeks or 4)
    if phase.until_weeks is not None:
        return f"{text} for {phase.until_weeks} weeks"
    if phase.until_months is not None:
        return f"{text} to {phase.until_months} months"
    return text


def _order(entry: RosterEntry, policy: Policy) -> tuple[object, ...]:
    """Stated preferences first, then the most frequent cadences; email breaks ties."""
    phases = [p for key in entry.categories for p in policy.categories[key].phases]
    every = min((p.every_weeks or entry.interval_weeks or 4) for p in phases)
    has_preference = entry.preferred_day is not None or entry.preferred_time is not None
    return (not has_preference, every, entry.supervisee_email)


def plan_year(
    roster: Sequence[RosterEntry],
    policy: Policy,
    year: int,
    start: date | None = None,
    busy: BusyTimes | None = None,
    closure_days: Iterable[date] = (),
    absences: Iterable[Absence] = (),
    pinned: Iterable[Pin] = (),
) -> Plan:
    """Plan every supervision session of `year` (from `start`, default 1 January).

    `absences`: a supervisee's sessions while away move to the first free slot on return (the
    rest are recorded gaps); a supervisor's absence is noted with the sessions needing cover.
    `pinned`: pairs already booked (`book`): placed first, each at its booked slot while that
    still fits, and their moves settled before any other pair is placed, so a new or changed
    pair never moves them.
    """
    first = start or date(year, 1, 1)
    if not date(year, 1, 1) <= first <= date(year, 12, 31):
        raise InputError(Problem("--from", None, None, f"{first} is not in the plan year {year}"))
    unknown = sorted({e.category for e in roster} - set(policy.categories))
    if unknown:
        raise InputError(Problem(policy.source, None, None, f"categories not in policy: {unknown}"))
    workdays = WorkingDays(policy.region, set(policy.closure_days) | set(closure_days))
    planner = _Planner(policy, year, first, workdays)
    planner.away = by_person(absences)
    planner.preload(
        busy, [e.supervisee_email for e in roster] + [e.supervisor_email for e in roster]
    )
    collecting = gc.isenabled()
    gc.disable()  # many small objects and no cycles: skip generational GC passes (~25% faster)
    try:
        pinned = list(pinned)
        planner.pins, planner.event_pins = by_pair(pinned), by_series(pinned)
        ordered = sorted(roster, key=lambda e: _order(e, policy))
        booked = [e for e in ordered if (e.supervisee_email, e.supervisor_email) in planner.pins]
        if planner.event_pins:  # one-offs already booked: disjoint from every booked session
            planner.place_events(ordered, pinned_only=True)
        kept = {id(e) for e in booked if planner.place(e, pinned_only=True)}
        if kept:
            planner.settle()
        for entry in ordered:  # new pairs, and booked ones whose slot no longer fits
            if id(entry) not in kept:
                planner.place(entry)
        planner.finish()
        planner.place_events(roster)
        planner.cover_notes(roster)
        # By start time; ties keep the (deterministic) planning order. Every start carries the
        # policy's one tzinfo, and aware datetimes with the same tzinfo compare as wall times
        # (no UTC offset is looked up); sessions are on working days, never in a clock change.
        sessions = sorted(planner.sessions, key=_START)
        series = [
            part
            for s in sorted(
                planner.series, key=lambda s: (s.supervisor_email, s.start, s.series_id)
            )
            for part in planner.safe.get(s.series_id, (s,))
        ]
        return Plan(
            year=year,
            policy=policy,
            sessions=tuple(sessions),
            series=tuple(series),
            window=(first, planner.last),
            reassignments=tuple(planner.reassignments),
            notes=tuple(planner.notes),
            gaps=tuple(planner.gaps),
        )
    finally:
        if collecting:
            gc.enable()
