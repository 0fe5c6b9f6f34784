"""Property tests (hypothesis) for the planner's invariants over random small rosters."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gworkspace_supervision.domain.planner import plan_year
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import RosterEntry
from gworkspace_supervision.domain.series import expand, phase_at
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
        # the series expand back to exactly the planned sessions, in the sessions' phases
        assert expand(series) == [s.start for s in mine]
        assert [phase_at(series.phases_text(), s.session_id, series.phase) for s in mine] == [
            s.phase for s in mine
        ]


def _every_days(name: str, entry: RosterEntry) -> int:
    phase = next(p for c in POLICY.categories.values() for p in c.phases if p.name == name)
    if phase.monthly:
        return 35
    return (phase.every_weeks or entry.interval_weeks or 4) * 7
