"""Property tests (hypothesis) for the planner's invariants over random small rosters."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gworkspace_supervision.domain.absences import Absence
from gworkspace_supervision.domain.calendar_safe import is_safe
from gworkspace_supervision.domain.planner import plan_year
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import RosterEntry
from gworkspace_supervision.domain.series import expand, phase_at, session_id_for
from gworkspace_supervision.domain.workdays import WorkingDays

POLICY = load_policy("hillingdon")
WORKDAYS = WorkingDays("ENG")
CATEGORIES = sorted(POLICY.categories)


@st.composite
def rosters(draw: st.DrawFn) -> list[RosterEntry]:
    size = draw(st.integers(1, 12))
    # At most four supervisees per supervisor: with two sessions a day, a week holds ten, and
    # four weekly ASYEs plus overlapping starts must always fit (a heavier load is refused).
    supervisors = [f"sup{i}@example-council.gov.uk" for i in range((size + 3) // 4)]
    entries = []
    for i in range(size):
        category = draw(st.sampled_from(CATEGORIES))
        needs_start = POLICY.categories[category].needs_start_date
        start = draw(st.dates(date(2026, 1, 1), date(2027, 11, 30))) if needs_start else None
        entries.append(
            RosterEntry(
                line=i + 2,
                supervisee_email=f"p{i}@example-council.gov.uk",
                supervisee_name=f"P{i}",
                supervisor_email=supervisors[i // 4],
                supervisor_name="S",
                line_manager_email="lm@example-council.gov.uk",
                line_manager_name="LM",
                team="T",
                category=category,
                start_date=start,
                preferred_day=draw(st.none() | st.integers(0, 4)),
                preferred_time=draw(st.none() | st.sampled_from([time(9), time(10, 30), time(14)])),
                interval_weeks=draw(st.integers(1, 6)) if category == "pip" else None,
            )
        )
    return entries


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rosters(), st.sampled_from([2026, 2027, 2028]))
def test_plan_invariants(roster: list[RosterEntry], year: int) -> None:
    plan = plan_year(roster, POLICY, year)
    busy: dict[str, list[tuple]] = defaultdict(list)  # type: ignore[type-arg]
    per_day: dict[tuple[str, date], int] = defaultdict(int)
    for s in plan.sessions:
        # no session on a non-working day, and all inside working hours
        assert WORKDAYS.is_working_day(s.start.date()), s
        assert time(9) <= s.start.timetz().replace(tzinfo=None) and s.end.time() <= time(17)
        busy[s.supervisee_email].append((s.start, s.end))
        busy[s.supervisor_email].append((s.start, s.end))
        per_day[(s.supervisor_email, s.start.date())] += 1
        if s.type == "supervision":  # observations, appraisals and reviews have no record
            assert s.record_due == WORKDAYS.add_working_days(s.start.date(), 5)
        else:  # [[events]]: in a month its rule names, never before the person starts
            rule = next(r for r in POLICY.events if r.type == s.type)
            assert s.start.month in rule.months and rule.applies_to(s.category)
            entry = next(e for e in roster if e.supervisee_email == s.supervisee_email)
            assert entry.start_date is None or s.start.date() >= entry.start_date
    # no overlap for any person, as supervisee or supervisor
    for periods in busy.values():
        periods.sort()
        for (_, end), (start, _) in zip(periods, periods[1:], strict=False):
            assert end <= start
    assert max(per_day.values(), default=0) <= POLICY.max_sessions_per_day
    # gaps within cadence: each phase's nominal dates keep its cadence (a series may fold
    # several phases); a move stays within two weeks
    entries = {e.supervisee_email: e for e in roster}
    for series in plan.series:
        mine = [s for s in plan.sessions if s.series_id == series.series_id]
        for phase in {s.phase for s in mine if s.type == "supervision"}:
            nominal = sorted(s.moved_from or s.start for s in mine if s.phase == phase)
            every = _every_days(phase, entries[series.supervisee_email])
            for a, b in zip(nominal, nominal[1:], strict=False):
                assert b - a <= timedelta(days=every), (phase, a, b)
        for s in mine:
            if s.moved_from:
                assert abs(s.start - s.moved_from) <= timedelta(days=15)
        # the series expand back to exactly the planned sessions, in the sessions' phases; each
        # session's id is its Google instance id; Google shows every one (no RDATE after the
        # rule's last occurrence: domain.calendar_safe)
        assert expand(series) == [s.start for s in mine]
        assert sorted(series.session_ids) == sorted(s.session_id for s in mine)
        assert all(s.session_id == session_id_for(series.series_id, s.start) for s in mine)
        assert is_safe(series)
        assert [phase_at(series.phases_text(), s.session_id, series.phase) for s in mine] == [
            s.phase for s in mine
        ]


def _every_days(name: str, entry: RosterEntry) -> int:
    phase = next(p for c in POLICY.categories.values() for p in c.phases if p.name == name)
    if phase.monthly:
        return 35
    return (phase.every_weeks or entry.interval_weeks or 4) * 7


# -- people as they really are: start/end dates, role and status, absences, each policy -------
POLICIES = {name: load_policy(name) for name in ("hillingdon", "sunderland", "islington")}
YEAR = 2027


@st.composite
def people(draw: st.DrawFn) -> tuple[str, list[RosterEntry], list[Absence]]:
    name = draw(st.sampled_from(sorted(POLICIES)))
    policy = POLICIES[name]
    size = draw(st.integers(1, 8))
    supervisors = [f"sup{i}@example-council.gov.uk" for i in range((size + 3) // 4)]
    entries, absences = [], []
    for i in range(size):
        email = f"p{i}@example-council.gov.uk"
        role = draw(st.sampled_from(policy.roles))
        start = draw(st.none() | st.dates(date(2025, 1, 1), date(2027, 11, 30)))
        end = draw(st.none() | st.dates(max(start or date(2027, 2, 1), date(2027, 2, 1)),
                                        date(2028, 6, 30)))  # fmt: skip
        if start is not None and draw(st.booleans()):  # a short contract, maybe a day
            end = start + timedelta(days=draw(st.integers(0, 60)))
        status = draw(st.none() | st.sampled_from(policy.statuses)) if policy.statuses else None
        status_start = status_end = interval = None
        if status is not None:
            status_start = draw(st.dates(max(start or date(2026, 6, 1), date(2026, 6, 1)),
                                         date(2027, 11, 30)))  # fmt: skip
            if draw(st.booleans()):
                status_end = status_start + timedelta(days=draw(st.integers(14, 300)))
            if policy.categories[status].needs_interval:
                interval = draw(st.integers(1, 4 if policy.floor else 8))
        entries.append(
            RosterEntry(
                line=i + 2, supervisee_email=email, supervisee_name=f"P{i}",
                supervisor_email=supervisors[i // 4], supervisor_name="S",
                line_manager_email="lm@example-council.gov.uk", line_manager_name="LM", team="T",
                category=status or role, role=role, status=status, status_start=status_start,
                status_end=status_end, start_date=start, end_date=end, interval_weeks=interval,
                preferred_day=draw(st.none() | st.integers(0, 4)),
                preferred_time=draw(st.none() | st.sampled_from([time(9), time(10, 30)])),
            )
        )  # fmt: skip
        if draw(st.booleans()):
            first = draw(st.dates(date(2027, 1, 1), date(2027, 12, 1)))
            last = first + timedelta(days=draw(st.integers(0, 40)))
            absences.append(Absence(email, first, last, "leave"))
    return name, entries, absences


def _months(first: date, last: date) -> list[tuple[int, int]]:
    """Calendar months wholly inside first..last."""
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        begins = date(year, month, 1)
        ends = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        if first <= begins and ends <= last:
            out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people())
def test_people_invariants(case: tuple[str, list[RosterEntry], list[Absence]]) -> None:
    name, roster, absences = case
    policy = POLICIES[name]
    plan = plan_year(roster, policy, YEAR, absences=absences)
    window = (date(YEAR, 1, 1), date(YEAR, 12, 31))
    away = {a.person: a for a in absences}
    for entry in roster:
        mine = [s for s in plan.sessions if s.supervisee_email == entry.supervisee_email]
        first = max(window[0], entry.start_date or window[0])
        last = min(window[1], entry.end_date or window[1])
        # nothing before the start date or after the end date, events included
        assert all(first <= s.start.date() <= last for s in mine), entry
        supervision = [s for s in mine if s.type == "supervision"]
        # nothing while the supervisee is away
        if entry.supervisee_email in away:
            gone = away[entry.supervisee_email]
            assert not any(gone.covers(s.start.date()) for s in mine)
        # every off-slot session is marked: unmarked sessions share one weekday and time, and
        # a stated preference that is not that slot is marked on every session
        regular = {(s.start.weekday(), s.start.time()) for s in supervision if not s.moved_from}
        assert len(regular) <= 1, (entry, regular)
        if regular and (entry.preferred_day is not None or entry.preferred_time is not None):
            ((weekday, at),) = regular
            wanted_day = entry.preferred_day if entry.preferred_day is not None else weekday
            wanted_time = entry.preferred_time or time(9)
            if (weekday, at) != (wanted_day, wanted_time):
                assert all(s.reassigned for s in supervision), entry
        for s in supervision:
            if s.moved_from is not None:
                assert s.move_reason
        # no gap beyond the floor: every calendar month wholly in post has a session, but for
        # months touched by an absence (supervision resumes on return)
        if policy.floor is not None and policy.floor.monthly and last >= first:
            held = {(s.start.year, s.start.month) for s in supervision}
            touched = set()
            if entry.supervisee_email in away:
                gone = away[entry.supervisee_email]
                touched = set(_months_touching(gone.first, gone.last + timedelta(days=31)))
            for month in _months(first, last):
                if month not in touched:
                    assert month in held, (entry, month, sorted(held))
    for series in plan.series:
        mine = [s for s in plan.sessions if s.series_id == series.series_id]
        assert expand(series) == [s.start for s in mine]


def _months_touching(first: date, last: date) -> list[tuple[int, int]]:
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
