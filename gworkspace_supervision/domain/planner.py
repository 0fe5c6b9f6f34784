"""The year planner: roster + policy + year in, the exact sessions and calendar series out.

Pure and deterministic: the same inputs give the same sessions, ids and hashes. Occurrence dates
are computed arithmetically (no rrule parsing in the hot loop); series.expand proves the RRULEs.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from ..errors import InputError, Problem, SupervisionError
from .events import SUPERVISION, EventRule
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
_EVENT_CADENCE = {1: "yearly", 2: "six-monthly", 4: "quarterly"}
GRID_MINUTES = 30  # candidate start times when the preferred slot is taken
MOVE_SEARCH_DAYS = 10  # working days searched for a moved occurrence, each direction
# one session: (nominal day, day, start minute, nominal start if moved, why moved)
_Occurrence = tuple[date, date, int, datetime | None, str | None]


class PlanningError(SupervisionError):
    """No slot for a pair's session: says which pair, so the CLI can name their roster line."""

    def __init__(self, supervisee: str, supervisor: str, message: str) -> None:
        self.supervisee, self.supervisor = supervisee, supervisor
        super().__init__(message)


@dataclass(frozen=True)
class Session:
    session_id: str
    series_id: str
    pair_id: str
    supervisee_email: str
    supervisee_name: str
    supervisor_email: str
    supervisor_name: str
    line_manager_email: str
    line_manager_name: str
    team: str
    category: str
    phase: str
    start: datetime
    end: datetime
    record_due: date
    moved_from: datetime | None = None
    move_reason: str | None = None
    location: str | None = None
    reassigned: str | None = None  # why the series is not at the preferred slot
    type: str = SUPERVISION  # or an [[events]] type: observation, appraisal, ...
    kind: str = ""  # an observation's kind, e.g. "direct work with a child"


@dataclass(frozen=True)
class Plan:
    year: int
    policy: Policy
    sessions: tuple[Session, ...]
    series: tuple[Series, ...]
    window: tuple[date, date]
    reassignments: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

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
    """Everyone's booked minutes per day, and each supervisor's session count per day."""

    def __init__(self, limit: int) -> None:
        self.busy: dict[str, dict[int, list[tuple[int, int]]]] = {}
        self.count: dict[str, dict[int, int]] = {}
        self.limit = limit

    def free(self, email: str, day: int, start: int, end: int) -> bool:
        for other_start, other_end in self.busy.get(email, {}).get(day, ()):
            if start < other_end and other_start < end:
                return False
        return True

    def fits(self, supervisee: str, supervisor: str, day: int, start: int, end: int) -> bool:
        if self.count.get(supervisor, {}).get(day, 0) >= self.limit:
            return False
        return self.free(supervisee, day, start, end) and self.free(supervisor, day, start, end)

    def fits_all(
        self, supervisee: str, supervisor: str, days: list[int], start: int, end: int
    ) -> bool:
        """`fits` for every day at once (the planner's hot loop)."""
        limit = self.limit
        counts = self.count.get(supervisor, {})
        mine = self.busy.get(supervisee, {})
        theirs = self.busy.get(supervisor, {})
        for day in days:
            if counts.get(day, 0) >= limit:
                return False
            for other_start, other_end in mine.get(day, ()):
                if start < other_end and other_start < end:
                    return False
            for other_start, other_end in theirs.get(day, ()):
                if start < other_end and other_start < end:
                    return False
        return True

    def book(self, email: str, day: int, start: int, end: int) -> None:
        self.busy.setdefault(email, {}).setdefault(day, []).append((start, end))

    def book_pair(self, supervisee: str, supervisor: str, day: int, start: int, end: int) -> None:
        self.book(supervisee, day, start, end)
        self.book(supervisor, day, start, end)
        counts = self.count.setdefault(supervisor, {})
        counts[day] = counts.get(day, 0) + 1


class _Planner:
    def __init__(self, policy: Policy, year: int, first: date, workdays: WorkingDays) -> None:
        self.policy, self.year, self.first, self.workdays = policy, year, first, workdays
        self.last = date(year, 12, 31)
        self.tz = policy.tz
        self.minutes = policy.session_minutes
        open_, close = policy.working_hours
        self.open = open_.hour * 60 + open_.minute
        self.close = close.hour * 60 + close.minute
        self.grid = list(range(self.open, self.close - self.minutes + 1, GRID_MINUTES))
        self.diary = _Diary(policy.max_sessions_per_day)
        self.due_cache: dict[date, date] = {}
        self.near_cache: dict[int, list[int]] = {}
        self.working_cache: dict[date, bool] = {}
        self.at_cache: dict[tuple[date, int], datetime] = {}
        self.utc_cache: dict[datetime, str] = {}
        self.event_times_cache: dict[tuple[int, int], list[int]] = {}
        self.event_slots: dict[
            tuple[int, int, int], tuple[date, datetime, datetime, str, timedelta, str]
        ] = {}
        self.month_cache: dict[int, list[int]] = {}
        self.move_cache: dict[date, list[date]] = {}
        # (day, start minute) -> start, end, UTC stamp of the session id, record due
        self.slot_cache: dict[tuple[date, int], tuple[datetime, datetime, str, date]] = {}
        self.sessions: list[Session] = []
        self.series: list[Series] = []
        self.reassignments: list[str] = []
        self.notes: list[str] = []
        self.pending: list[
            tuple[RosterEntry, list[_Segment], int, str | None, list[tuple[_Segment, date, str]]]
        ] = []

    # -- nominal dates -------------------------------------------------------------------------
    def phases(self, entry: RosterEntry) -> list[tuple[str, Phase]]:
        """The person's phase chain, following `then` (asye -> case_holding)."""
        chain: list[tuple[str, Phase]] = []
        category: Category | None = self.policy.categories[entry.category]
        seen: set[str] = set()
        while category is not None and category.key not in seen:
            seen.add(category.key)
            chain += [(category.key, phase) for phase in category.phases]
            then = category.phases[-1].then if category.phases else None
            category = self.policy.categories.get(then) if then else None
        return chain

    def anchor(self, entry: RosterEntry) -> date:
        category = self.policy.categories[entry.category]
        if category.needs_start_date and entry.start_date is not None:
            base = entry.start_date
        else:
            base = self.first
            if entry.preferred_day is None:
                base = self.workdays.shift(base, "next")
        if entry.preferred_day is not None:
            base += timedelta(days=(entry.preferred_day - base.weekday()) % 7)
        elif base.weekday() >= 5:
            base += timedelta(days=7 - base.weekday())
        return base

    def segments(self, entry: RosterEntry, first_day: date) -> list[_Segment]:
        """Nominal dates per phase from `first_day`, clipped to the plan window."""
        out: list[_Segment] = []
        current = first_day
        for category_key, phase in self.phases(entry):
            end: date | None = None
            if entry.start_date is not None and phase.until_weeks is not None:
                end = entry.start_date + timedelta(weeks=phase.until_weeks)
            elif entry.start_date is not None and phase.until_months is not None:
                end = entry.start_date + relativedelta(months=phase.until_months)
            segment = _Segment(phase, category_key)
            if phase.monthly:
                ordinal, weekday = monthly_ordinal(current), current.weekday()
                segment.ordinal = ordinal
                year, month = current.year, current.month
                while current <= self.last and (end is None or current < end):
                    if current >= self.first:
                        segment.dates.append(current)
                    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
                    current = nth_weekday(year, month, weekday, ordinal)
            else:
                weeks = phase.every_weeks or entry.interval_weeks or 4
                segment.every_days = weeks * 7
                step = timedelta(days=weeks * 7)
                if end is None and current < self.first:  # skip ahead arithmetically
                    current += step * ((self.first - current).days // (weeks * 7))
                while current <= self.last and (end is None or current < end):
                    if current >= self.first:
                        segment.dates.append(current)
                    current += step
            if segment.dates:
                out.append(segment)
            if current > self.last:
                break
        return out

    # -- placing -------------------------------------------------------------------------------
    def candidates(self, anchor: date, preferred: int, horizon: int) -> Iterable[tuple[int, int]]:
        """(day offset, start minute) nearest first: same day other times, then later days.

        Phased categories stay in the person's first week (Hillingdon 4.3: probation 'within
        their first week'); fixed cadences may spill into later weeks of their first cycle.
        """
        times = self.near(preferred)
        for offset in range(horizon):
            if (anchor + timedelta(days=offset)).weekday() < 5:
                for minute in times:
                    yield offset, minute

    def place(self, entry: RosterEntry) -> None:
        category = self.policy.categories[entry.category]
        anchor = self.anchor(entry)
        preferred = (
            entry.preferred_time.hour * 60 + entry.preferred_time.minute
            if entry.preferred_time
            else self.open
        )
        a, b = entry.supervisee_email, entry.supervisor_email
        chosen: tuple[int, int, list[_Segment]] | None = None
        fallback: tuple[int, int, list[_Segment]] | None = None
        shift_cache: dict[int, tuple[list[_Segment], list[int]]] = {}
        horizon = 28
        if category.needs_start_date and entry.start_date and entry.start_date >= self.first:
            horizon = max(1, 7 - (anchor - entry.start_date).days)  # stay in the first week
        elif category.needs_start_date:
            horizon = 7
        for offset, minute in self.candidates(anchor, preferred, horizon):
            if offset not in shift_cache:
                segs = self.segments(entry, anchor + timedelta(days=offset))
                days = [d.toordinal() for g in segs for d in g.dates if self.is_working(d)]
                shift_cache[offset] = (segs, days)
            segs, days = shift_cache[offset]
            if fallback is None:
                fallback = (offset, minute, segs)
            if self.diary.fits_all(a, b, days, minute, minute + self.minutes):
                chosen = (offset, minute, segs)
                break
        if fallback is None or not fallback[2]:
            self.notes.append(
                f"{entry.supervisee_email}: no sessions in {self.first}..{self.last} "
                f"(category {entry.category}, start_date {entry.start_date})"
            )
            return
        offset, minute, segs = chosen or fallback
        reassigned = None
        if (offset, minute) != (0, preferred) and (
            entry.preferred_day is not None or entry.preferred_time
        ):
            day = anchor + timedelta(days=offset)
            wanted = f"{anchor:%a} " if entry.preferred_day is not None else ""
            reassigned = (
                f"preferred {wanted}{preferred // 60:02d}:{preferred % 60:02d} taken; "
                f"booked {day:%a} {minute // 60:02d}:{minute % 60:02d}"
            )
            self.reassignments.append(f"{entry.supervisee_email} with {b}: {reassigned}")
        self.commit(entry, segs, minute, reassigned)

    def commit(
        self, entry: RosterEntry, segs: list[_Segment], minute: int, reassigned: str | None
    ) -> None:
        a, b = entry.supervisee_email, entry.supervisor_email
        end = minute + self.minutes
        moves: list[tuple[_Segment, date, str]] = []
        diary, working = self.diary, self.working_cache
        for seg in segs:
            for d in seg.dates:
                known = working.get(d)
                if known is None:
                    known = self.is_working(d)
                reason = None if known else self.workdays.reason_closed(d)
                if reason is None and diary.fits(a, b, ordinal := d.toordinal(), minute, end):
                    diary.book_pair(a, b, ordinal, minute, end)
                else:
                    moves.append((seg, d, reason or "clash with another booking"))
        self.pending.append((entry, segs, minute, reassigned, moves))

    def finish(self) -> None:
        """Second pass: relocate moved occurrences (regular slots were all taken first, so a
        bank-holiday move never pushes someone else's regular session), then emit series."""
        moved: dict[tuple[int, date], tuple[date, int, str]] = {}
        jobs = [
            (d, entry.supervisee_email, seg, entry, minute, reason)
            for entry, segs, minute, _, moves in self.pending
            for seg, d, reason in moves
        ]
        for d, _, seg, entry, minute, reason in sorted(jobs, key=lambda j: (j[0], j[1])):
            day, start = self.relocate(entry.supervisee_email, entry.supervisor_email, d, minute)
            moved[(id(seg), d)] = (day, start, reason)
        for entry, segs, minute, reassigned, _ in self.pending:
            self.emit_pair(entry, segs, minute, moved, reassigned)

    def relocate(self, a: str, b: str, nominal: date, minute: int) -> tuple[date, int]:
        """Nearest free working slot for an occurrence that cannot stay (holiday or clash):
        first the policy's holiday_shift direction, then the nearest day either side."""
        diary, minutes, times = self.diary, self.minutes, self.near(minute)
        for day in self.move_days(nominal):
            ordinal = day.toordinal()
            for start in times:
                if diary.fits(a, b, ordinal, start, start + minutes):
                    diary.book_pair(a, b, ordinal, start, start + minutes)
                    return day, start
        raise PlanningError(
            a,
            b,
            f"cannot fit the session of {a} with {b} near {nominal}: no free slot for both within "
            f"{MOVE_SEARCH_DAYS} working days either side (max_sessions_per_day "
            f"{self.policy.max_sessions_per_day}); give {b} fewer supervisees",
        )

    def move_days(self, nominal: date) -> list[date]:
        """Working days in the window up to MOVE_SEARCH_DAYS either side, nearest first."""
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
        primary = sides[self.policy.holiday_shift]
        other = sides["previous" if self.policy.holiday_shift == "next" else "next"]
        rest = sorted(
            set(primary[1:] + other) - set(primary[:1]),
            key=lambda d: (abs((d - nominal).days), d not in primary),
        )
        return primary[:1] + rest

    def near(self, minute: int) -> list[int]:
        """Start times nearest `minute` first (earlier wins a tie), cached per minute."""
        times = self.near_cache.get(minute)
        if times is None:
            times = sorted(set(self.grid) | {minute}, key=lambda m: (abs(m - minute), m))
            self.near_cache[minute] = times
        return times

    def is_working(self, day: date) -> bool:
        known = self.working_cache.get(day)
        if known is None:
            known = self.working_cache[day] = self.workdays.is_working_day(day)
        return known

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

    def slot(self, day: date, minute: int) -> tuple[datetime, datetime, str, date]:
        """A session's start, end, session-id stamp and record due date, cached per slot."""
        when = self.at(day, minute)
        slot = self.slot_cache[(day, minute)] = (
            when, self.at(day, minute + self.minutes), self.session_id("", when), self.due(day),
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
        self,
        entry: RosterEntry,
        segs: list[_Segment],
        minute: int,
        moved: Mapping[tuple[int, date], tuple[date, int, str]],
        reassigned: str | None,
    ) -> None:
        """The pair's year as one series, its phases folded together, when every phase's
        sessions (after moves) come after the previous phase's: then each session's phase
        follows from its start. Otherwise (moves crossing a phase boundary) one per phase."""
        runs: list[list[_Occurrence]] = []
        for seg in segs:
            run: list[_Occurrence] = []
            for d in seg.dates:
                move = moved.get((id(seg), d))
                if move is None:
                    run.append((d, d, minute, None, None))
                else:
                    run.append((d, move[0], move[1], self.at(d, minute), move[2]))
            run.sort(key=lambda o: (o[1], o[2]))
            runs.append(run)
        ordered = all(
            (a[-1][1], a[-1][2]) < (b[0][1], b[0][2]) for a, b in zip(runs, runs[1:], strict=False)
        )
        if ordered:
            self.emit_series(entry, segs, runs, minute, reassigned)
        else:
            for seg, run in zip(segs, runs, strict=True):
                self.emit_series(entry, [seg], [run], minute, reassigned)

    def emit_series(
        self,
        entry: RosterEntry,
        segs: list[_Segment],
        runs: list[list[_Occurrence]],
        minute: int,
        reassigned: str | None,
    ) -> None:
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
        duration = timedelta(minutes=self.minutes)
        exdates, rdates = [], []
        for run in runs:
            for nominal, day, at, moved_from, _ in run:
                if inside is None or nominal in inside:  # an RRULE occurrence
                    if moved_from is not None:
                        exdates.append(moved_from)
                        rdates.append(self.at(day, at))
                else:  # another phase's session, at its (possibly moved) time
                    rdates.append(self.at(day, at))
        if inside is not None:  # dates the folded rule makes that are no session
            nominal_days = {d for g in segs for d in g.dates}
            exdates += [self.at(d, minute) for d in inside - nominal_days]
            exdates.sort()
            rdates.sort()
        else:  # one phase: EXDATE/RDATE in the plan's date order, as before folding
            pairs = sorted(zip(exdates, rdates, strict=True))
            exdates, rdates = [x for x, _ in pairs], [r for _, r in pairs]
        start = self.at(first, minute)
        hashed: dict[str, object] = {
            "start": start.isoformat(), "minutes": self.minutes, "rrule": rule,
            "exdates": [x.isoformat() for x in exdates], "rdates": [x.isoformat() for x in rdates],
            "location": entry.location, "supervisee": [entry.supervisee_email, entry.supervisee_name],
            "supervisor": [entry.supervisor_email, entry.supervisor_name],
            "line_manager": [entry.line_manager_email, entry.line_manager_name],
            "category": entry.category, "phase": seg.phase.name, "team": entry.team,
        }  # fmt: skip
        pair_id = pair_id_for(entry.supervisee_email, entry.supervisor_email)
        ids: list[str] = []
        common = {
            "series_id": series_id, "pair_id": pair_id,
            "supervisee_email": entry.supervisee_email, "supervisee_name": entry.supervisee_name,
            "supervisor_email": entry.supervisor_email, "supervisor_name": entry.supervisor_name,
            "line_manager_email": entry.line_manager_email,
            "line_manager_name": entry.line_manager_name, "team": entry.team,
            "category": entry.category, "location": entry.location,
            "reassigned": reassigned, "type": SUPERVISION, "kind": "",
        }  # fmt: skip
        phases: list[tuple[str, str]] = []
        slots, new, sessions = self.slot_cache, object.__new__, self.sessions
        for g, run in zip(segs, runs, strict=True):
            phase = g.phase.name
            for _, day, at, moved_from, reason in run:
                slot = slots.get((day, at))
                if slot is None:
                    slot = self.slot(day, at)
                when, end, stamp, due = slot
                session_id = series_id + stamp
                ids.append(session_id)
                # Session(**common, ...) without the frozen __init__ (12 us each; 60,000 a
                # year for 5,000 staff): every field is set here, so it is the same object.
                session = new(Session)
                session.__dict__.update(
                    common, session_id=session_id, start=when, phase=phase, end=end,
                    record_due=due, moved_from=moved_from, move_reason=reason,
                )  # fmt: skip
                sessions.append(session)
            phases.append((g.phase.name, ids[-len(run)][-16:]))
        if len(segs) > 1:
            hashed["phases"] = phases
            cadence = ", then ".join(_phase_text(g.phase, entry) for g in segs)
        else:
            phases = []
            cadence = cadence_text(None if seg.every_days is None else seg.every_days // 7)
        self.series.append(
            Series(
                series_id=series_id, pair_id=pair_id, supervisee_email=entry.supervisee_email,
                supervisee_name=entry.supervisee_name, supervisor_email=entry.supervisor_email,
                supervisor_name=entry.supervisor_name, line_manager_email=entry.line_manager_email,
                category=entry.category, phase=seg.phase.name, cadence=cadence,
                start=start, duration=duration, rrule=rule, exdates=tuple(exdates),
                rdates=tuple(rdates), location=entry.location, plan_hash=plan_hash_for(hashed),
                session_ids=tuple(ids), line_manager_name=entry.line_manager_name,
                team=entry.team, timezone=self.policy.timezone, phases=tuple(phases),
            )
        )  # fmt: skip

    # -- [[events]]: observations, appraisals, reviews ------------------------------------------
    def place_events(self, roster: Sequence[RosterEntry]) -> None:
        """One single event per rule month and pair, after every session has its slot (so
        sessions never move for them), on a working day of that month free for both people,
        within the supervisor's daily limit: the same no-double-booking rules as sessions."""
        rules = self.policy.events
        if not rules:
            return
        for entry in sorted(roster, key=lambda e: (e.supervisee_email, e.supervisor_email)):
            pair_id = pair_id_for(entry.supervisee_email, entry.supervisor_email)
            person = {
                "pair_id": pair_id, "supervisee_email": entry.supervisee_email,
                "supervisee_name": entry.supervisee_name,
                "supervisor_email": entry.supervisor_email,
                "supervisor_name": entry.supervisor_name,
                "line_manager_email": entry.line_manager_email,
                "line_manager_name": entry.line_manager_name, "team": entry.team,
                "category": entry.category, "location": entry.location,
            }  # fmt: skip
            facts = "\x1f".join((
                entry.location or "", entry.supervisee_email, entry.supervisee_name,
                entry.supervisor_email, entry.supervisor_name, entry.line_manager_email,
                entry.line_manager_name, entry.category, entry.team,
            ))  # fmt: skip
            head = f"{entry.supervisee_email}\x1f{entry.supervisor_email}\x1fevent\x1f"
            spread = int(pair_id[:8], 16)  # spreads pairs over the month
            for rule in rules:
                if rule.applies_to(entry.category):
                    for index, month in enumerate(rule.months):
                        self.place_event(entry, rule, index, month, person, facts, head, spread)

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

    def event_times(self, preferred: int, minutes: int) -> list[int]:
        """Start times nearest `preferred` for a `minutes`-long event ending by closing time."""
        key = (preferred, minutes)
        times = self.event_times_cache.get(key)
        if times is None:
            times = [t for t in self.near(preferred) if t + minutes <= self.close]
            self.event_times_cache[key] = times
        return times

    def place_event(
        self,
        entry: RosterEntry,
        rule: EventRule,
        index: int,
        month: int,
        person: Mapping[str, object],
        facts: str,
        head: str,
        spread: int,
    ) -> None:
        days = self.month_days(month)
        if entry.start_date is not None:  # not before the person starts
            started = entry.start_date.toordinal()
            days = [d for d in days if d >= started]
        if not days:
            return
        a, b = entry.supervisee_email, entry.supervisor_email
        minutes = rule.minutes or self.minutes
        preferred = (
            entry.preferred_time.hour * 60 + entry.preferred_time.minute
            if entry.preferred_time
            else self.open
        )
        times = self.event_times(preferred, minutes)
        n = len(days)
        offset = spread % n
        diary = self.diary
        limit = diary.limit
        counts = diary.count.get(b, {})
        mine = diary.busy.get(a, {})
        theirs = diary.busy.get(b, {})
        for step in range(n):  # = diary.fits for each day and time, nearest time first
            day = days[(offset + step) % n]
            if counts.get(day, 0) >= limit:
                continue
            taken = mine.get(day, ()), theirs.get(day, ())
            for minute in times:
                end = minute + minutes
                if any(s < end and minute < e for booked in taken for s, e in booked):
                    continue
                diary.book_pair(a, b, day, minute, end)
                self.emit_event(rule, index, day, minute, minutes, person, facts, head)
                return
        self.notes.append(
            f"{a} with {b}: no free slot in {date(self.year, month, 1):%B %Y} for the "
            f"{rule.label.lower()}"
        )

    def emit_event(
        self,
        rule: EventRule,
        index: int,
        ordinal: int,
        minute: int,
        minutes: int,
        person: Mapping[str, object],
        facts: str,
        head: str,
    ) -> None:
        """The event as a Session and a one-occurrence Series (built without dataclass
        __init__: 5,000 staff have ~15,000 events)."""
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
        series_id = (
            "sup"
            + hashlib.sha256(f"{head}{rule.type}\x1f{index}\x1f{self.year}".encode()).hexdigest()[
                :40
            ]
        )  # = series_id_for(supervisee, supervisor, "event", type, index, year)
        session_id = series_id + stamp
        plan_hash = hashlib.sha256(
            f"{when}{rule.type}\x1f{kind}\x1f{rule.label}\x1f{facts}".encode()
        ).hexdigest()[:16]  # everything written to the event
        session = object.__new__(Session)
        session.__dict__.update(
            person, session_id=session_id, series_id=series_id, phase=rule.type, start=start,
            end=end, record_due=day, moved_from=None, move_reason=None, reassigned=None,
            type=rule.type, kind=kind,
        )  # fmt: skip
        self.sessions.append(session)
        series = object.__new__(Series)
        series.__dict__.update(
            person, series_id=series_id, phase=rule.type,
            cadence=_EVENT_CADENCE.get(len(rule.months)) or f"{len(rule.months)} a year",
            start=start, duration=duration, rrule=SINGLE_RULE, exdates=(),
            rdates=(), plan_hash=plan_hash, session_ids=(session_id,),
            timezone=self.policy.timezone, type=rule.type, kind=kind, title=rule.label,
        )  # fmt: skip
        self.series.append(series)

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
                        self.diary.book(email, day.toordinal(), lo, hi)
                    day += timedelta(days=1)


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
    category = policy.categories[entry.category]
    every = min((p.every_weeks or entry.interval_weeks or 4) for p in category.phases)
    has_preference = entry.preferred_day is not None or entry.preferred_time is not None
    return (not has_preference, every, entry.supervisee_email)


def _stamp(session: Session) -> str:
    return session.session_id[-16:]


def plan_year(
    roster: Sequence[RosterEntry],
    policy: Policy,
    year: int,
    start: date | None = None,
    busy: BusyTimes | None = None,
    closure_days: Iterable[date] = (),
) -> Plan:
    """Plan every supervision session of `year` (from `start`, default 1 January)."""
    first = start or date(year, 1, 1)
    if not date(year, 1, 1) <= first <= date(year, 12, 31):
        raise InputError(Problem("--from", None, None, f"{first} is not in the plan year {year}"))
    unknown = sorted({e.category for e in roster} - set(policy.categories))
    if unknown:
        raise InputError(Problem(policy.source, None, None, f"categories not in policy: {unknown}"))
    workdays = WorkingDays(policy.region, set(policy.closure_days) | set(closure_days))
    planner = _Planner(policy, year, first, workdays)
    planner.preload(
        busy, [e.supervisee_email for e in roster] + [e.supervisor_email for e in roster]
    )
    collecting = gc.isenabled()
    gc.disable()  # many small objects and no cycles: skip generational GC passes (~25% faster)
    try:
        for entry in sorted(roster, key=lambda e: _order(e, policy)):
            planner.place(entry)
        planner.finish()
        planner.place_events(roster)
        # By start time; ties keep the (deterministic) planning order. Sorting on the UTC stamp
        # at the end of the session id avoids comparing 60,000 aware datetimes. (Still with GC
        # off: the sort keys are 80,000 new objects.)
        sessions = sorted(planner.sessions, key=_stamp)
        series = sorted(planner.series, key=lambda s: (s.supervisor_email, s.start, s.series_id))
    finally:
        if collecting:
            gc.enable()
    return Plan(
        year=year,
        policy=policy,
        sessions=tuple(sessions),
        series=tuple(series),
        window=(first, planner.last),
        reassignments=tuple(planner.reassignments),
        notes=tuple(planner.notes),
    )
