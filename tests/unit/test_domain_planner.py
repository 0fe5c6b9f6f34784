"""Planner rules with dates from the policies: cadences, phases, holiday moves, BST, no clashes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from gworkspace_supervision.domain.calendar_safe import is_safe
from gworkspace_supervision.domain.planner import Plan, Session, plan_year
from gworkspace_supervision.domain.policy import Policy, load_policy
from gworkspace_supervision.domain.roster import RosterEntry
from gworkspace_supervision.domain.series import expand, phase_at, series_id_for, session_id_for

LONDON = ZoneInfo("Europe/London")
DOMAIN = "example-council.gov.uk"


@pytest.fixture(scope="module")
def hillingdon() -> Policy:
    return load_policy("hillingdon")


def person(
    name: str, supervisor: str = "boss", category: str = "case_holding", **extra: object
) -> RosterEntry:
    return RosterEntry(
        line=2, supervisee_email=f"{name}@{DOMAIN}", supervisee_name=name.title(),
        supervisor_email=f"{supervisor}@{DOMAIN}", supervisor_name=supervisor.title(),
        line_manager_email=f"lm@{DOMAIN}", line_manager_name="Lm", team="Team",
        category=category, **extra,  # type: ignore[arg-type]
    )  # fmt: skip


def of(plan: Plan, name: str) -> list[Session]:
    """A person's supervision sessions (not the policy's observations, appraisals, reviews)."""
    return [s for s in plan.supervision if s.supervisee_email == f"{name}@{DOMAIN}"]


def test_four_weekly_friday_moves_off_new_year_and_good_friday(hillingdon: Policy) -> None:
    # Hillingdon 4.2 four-weekly from the first week of the year; 1 Jan 2027 is a Friday.
    plan = plan_year([person("ann", preferred_day=4, preferred_time=time(10))], hillingdon, 2027)
    sessions = of(plan, "ann")
    assert len(sessions) == 14  # 1 Jan + 13 x 28 days = 31 Dec
    first = sessions[0]
    assert first.moved_from == datetime(2027, 1, 1, 10, tzinfo=LONDON)
    assert first.start == datetime(2027, 1, 4, 10, tzinfo=LONDON)
    assert first.move_reason == "New Year's Day (bank holiday)"
    easter = [s for s in sessions if s.moved_from and s.moved_from.date() == date(2027, 3, 26)]
    # The nearest working day keeps the cadence: Thu 25 Mar (1 day early), not Tue 30 Mar
    # (4 days late, Easter Monday being a holiday too).
    assert easter and easter[0].start.date() == date(2027, 3, 25)
    assert easter[0].move_reason == "Good Friday (bank holiday)"
    assert [s.start.date() for s in sessions if not s.moved_from][:2] == [
        date(2027, 1, 29),
        date(2027, 2, 26),
    ]


def test_holiday_move_never_lands_on_the_same_persons_monday(hillingdon: Policy) -> None:
    roster = [
        person("fri", preferred_day=4, preferred_time=time(10)),
        person("mon", preferred_day=0, preferred_time=time(10)),
    ]
    plan = plan_year(roster, hillingdon, 2027)
    moved = of(plan, "fri")[0]
    monday = of(plan, "mon")[0]
    assert moved.start.date() == monday.start.date() == date(2027, 1, 4)
    assert moved.start >= monday.end or moved.end <= monday.start  # same supervisor: no overlap
    assert monday.start.time() == time(10)  # the regular Monday keeps its preferred slot


def test_christmas_substitute_days(hillingdon: Policy) -> None:
    plan = plan_year(
        [person("pia", category="pip", interval_weeks=1, preferred_day=0)], hillingdon, 2027
    )
    christmas = [s for s in of(plan, "pia") if s.moved_from and s.moved_from.month == 12]
    assert christmas[-1].moved_from is not None and christmas[-1].moved_from.date() == date(
        2027, 12, 27
    )
    assert christmas[-1].start.date() == date(2027, 12, 29)  # 27 and 28 Dec are substitute days
    assert "Christmas Day (observed)" in (christmas[-1].move_reason or "")


def test_record_due_five_working_days(hillingdon: Policy) -> None:
    plan = plan_year(
        [person("tom", category="pip", interval_weeks=1, preferred_day=3)], hillingdon, 2027
    )
    due = {s.start.date(): s.record_due for s in of(plan, "tom")}
    # Hillingdon 4.4: a weekly Thursday session on 23 Dec 2027 has its record due 4 Jan 2028.
    assert due[date(2027, 12, 23)] == date(2028, 1, 4)


def test_same_local_time_across_both_bst_changes(hillingdon: Policy) -> None:
    entry = person("asa", category="asye", start_date=date(2027, 3, 1), preferred_time=time(9, 30))
    sessions = of(plan_year([entry], hillingdon, 2027), "asa")
    assert {s.start.astimezone(LONDON).time() for s in sessions} == {time(9, 30)}
    offsets = {s.start.utcoffset() for s in sessions}
    assert offsets == {timedelta(0), timedelta(hours=1)}
    # 28 Mar 2027 and 31 Oct 2027: instance ids carry the UTC time, 08:30Z in summer.
    summer = next(s for s in sessions if s.start.date() == date(2027, 4, 5))
    assert summer.session_id.endswith("_20270405T083000Z")


def test_asye_phases_from_start_date(hillingdon: Policy) -> None:
    # Hillingdon 4.3: weekly 6 weeks, fortnightly to 6 months, monthly to 12 months, then 4.2.
    entry = person("ava", category="asye", start_date=date(2026, 8, 3))  # a Monday, last year
    plan = plan_year([entry], hillingdon, 2027)
    sessions = of(plan, "ava")
    phases = [s.phase for s in sessions]
    # Started last year: continues its phases (fortnightly to 3 Feb 2027, monthly to 3 Aug).
    assert phases[0] == "asye_fortnightly" and "asye_monthly" in phases
    assert phases[-1] == "case_holding"
    assert all(s.start.date() < date(2027, 8, 3) for s in sessions if s.phase == "asye_monthly")
    changes = [s.start.date() for s in sessions if s.phase == "case_holding"]
    assert changes[0] >= date(2027, 8, 3)
    assert all(
        (b - a).days == 28 for a, b in zip(changes, changes[1:], strict=False) if b.month != 4
    )


def test_asye_starting_this_year_is_weekly_first(hillingdon: Policy) -> None:
    entry = person("new", category="asye", start_date=date(2027, 1, 11))
    sessions = of(plan_year([entry], hillingdon, 2027), "new")
    weekly = [s.start.date() for s in sessions if s.phase == "asye_weekly"]
    assert weekly == [date(2027, 1, 11) + timedelta(weeks=k) for k in range(6)]
    fortnightly = [s for s in sessions if s.phase == "asye_fortnightly"]
    assert fortnightly[0].start.date() == date(2027, 2, 22)
    assert fortnightly[-1].start.date() < date(2027, 7, 11)


def test_probation_first_week_then_fortnightly_then_monthly(hillingdon: Policy) -> None:
    entry = person("pat", category="probation", start_date=date(2027, 2, 3))  # a Wednesday
    sessions = of(plan_year([entry], hillingdon, 2027), "pat")
    assert sessions[0].start.date() - date(2027, 2, 3) < timedelta(days=7)
    assert {s.phase for s in sessions} == {"probation_fortnightly", "probation_monthly"}
    monthly = [s.start.date() for s in sessions if s.phase == "probation_monthly"]
    assert len({d.month for d in monthly}) == len(monthly)  # one a month


def test_twelve_weekly_and_pip(hillingdon: Policy) -> None:
    plan = plan_year(
        [person("iro", category="iro"), person("pip", category="pip", interval_weeks=3)],
        hillingdon,
        2027,
    )
    assert len(of(plan, "iro")) == 5  # 52 weeks / 12
    assert len(of(plan, "pip")) == 18


def test_max_sessions_per_day_per_supervisor(hillingdon: Policy) -> None:
    roster = [person(f"p{i}", preferred_day=0, preferred_time=time(9)) for i in range(9)]
    plan = plan_year(roster, hillingdon, 2027)
    per_day: dict[date, int] = defaultdict(int)
    for s in plan.sessions:
        per_day[s.start.date()] += 1
    assert max(per_day.values()) == 2
    assert len(plan.reassignments) == 8  # only one got Monday 09:00


def test_future_starter_and_from_date(hillingdon: Policy) -> None:
    roster = [person("late", category="probation", start_date=date(2028, 1, 5)), person("now")]
    plan = plan_year(roster, hillingdon, 2027, start=date(2027, 6, 1))
    assert not of(plan, "late") and plan.notes
    assert of(plan, "now")[0].start.date() >= date(2027, 6, 1)
    assert plan.window == (date(2027, 6, 1), date(2027, 12, 31))


def test_previous_shift_and_closure_days(hillingdon: Policy) -> None:
    policy = replace(hillingdon, holiday_shift="previous")
    plan = plan_year(
        [person("ann", preferred_day=4)], policy, 2027, closure_days=[date(2027, 1, 29)]
    )
    sessions = of(plan, "ann")
    assert sessions[0].start.date() == date(2027, 1, 4)  # nothing before 1 Jan in the plan
    closure = next(s for s in sessions if s.moved_from and s.moved_from.date() == date(2027, 1, 29))
    assert (
        closure.start.date() == date(2027, 1, 28)
        and closure.move_reason == "organisation closure day"
    )


def test_busy_hook_blocks_existing_commitments(hillingdon: Policy) -> None:
    start = datetime(2027, 1, 4, 9, tzinfo=LONDON)
    busy = {
        f"boss@{DOMAIN}": [
            (start + timedelta(weeks=4 * k), start + timedelta(weeks=4 * k, hours=3))
            for k in range(14)
        ]
    }
    plan = plan_year(
        [person("ann", preferred_day=0, preferred_time=time(9))], hillingdon, 2027, busy=busy
    )
    assert {s.start.time() for s in of(plan, "ann")} == {time(12)}


def test_ids_are_stable_and_follow_google_rules(hillingdon: Policy) -> None:
    roster = [person("ann"), person("bob", category="asye", start_date=date(2027, 3, 3))]
    one, two = (
        plan_year(roster, hillingdon, 2027),
        plan_year(list(reversed(roster)), hillingdon, 2027),
    )
    assert [s.session_id for s in one.sessions] == [s.session_id for s in two.sessions]
    for series in one.series:
        assert 5 <= len(series.series_id) <= 1024
        assert set(series.series_id) <= set("0123456789abcdefghijklmnopqrstuv")
        assert (
            series.session_ids[0]
            == f"{series.series_id}_{series.start.astimezone(LONDON).astimezone(ZoneInfo('UTC')):%Y%m%dT%H%M%SZ}"
        )
    other = plan_year([replace(roster[0], supervisor_email=f"new@{DOMAIN}")], hillingdon, 2027)
    assert other.series[0].series_id != one.series[0].series_id
    assert other.series[0].pair_id != one.series[0].pair_id
    renamed = plan_year([replace(roster[0], location="Room 4")], hillingdon, 2027)
    ann = next(s for s in one.series if s.supervisee_email == f"ann@{DOMAIN}")
    assert (
        renamed.series[0].series_id == ann.series_id
        and renamed.series[0].plan_hash != ann.plan_hash
    )


def test_series_expand_to_exactly_the_plan(hillingdon: Policy) -> None:
    roster = [
        person("ann", preferred_day=4),
        person("asa", category="asye", start_date=date(2026, 12, 1)),
        person("pro", category="probation", start_date=date(2027, 9, 30), supervisor="other"),
    ]
    plan = plan_year(roster, hillingdon, 2027)
    by_series: dict[str, list[datetime]] = defaultdict(list)
    for s in plan.sessions:
        by_series[s.series_id].append(s.start)
    assert len(plan.series) == len(by_series)
    for series in plan.series:
        assert expand(series) == sorted(by_series[series.series_id])
    recurrence = next(s for s in plan.series if s.exdates).recurrence()
    assert recurrence[0].startswith("RRULE:FREQ=") and recurrence[1].startswith(
        "EXDATE;TZID=Europe/London:"
    )


def test_a_last_session_moved_past_its_rule_is_an_event_of_its_own(hillingdon: Policy) -> None:
    # Weekly on Mondays: Monday 27 December 2027 is the Christmas Day substitute holiday and
    # Tuesday 28th the Boxing Day one, so the last session moves to Wednesday 29th. Google does
    # not show an RDATE after the rule's last occurrence (esrg-knights/Squire issue 107), so that
    # session becomes a one-occurrence series, and the session carries its event's instance id.
    plan = plan_year([person("wes", category="pip", interval_weeks=1, preferred_day=0)],
                     hillingdon, 2027)  # fmt: skip
    last = of(plan, "wes")[-1]
    assert last.start == datetime(2027, 12, 29, 9, tzinfo=LONDON)
    assert last.moved_from == datetime(2027, 12, 27, 9, tzinfo=LONDON)
    main, single = [s for s in plan.series if s.type == "supervision"]
    # the rule ends on Monday 20 December; other moved Mondays stay RDATEs before that
    assert main.rrule == "FREQ=WEEKLY;BYDAY=MO;COUNT=51" and is_safe(main)
    assert main.rdates and max(main.rdates) < datetime(2027, 12, 20, 9, tzinfo=LONDON)
    assert single.rrule == "FREQ=DAILY;COUNT=1" and single.start == last.start
    assert last.series_id == single.series_id and single.session_ids == (last.session_id,)
    assert last.session_id == session_id_for(single.series_id, last.start)
    assert last.session_id not in main.session_ids
    assert len(main.session_ids) == len(of(plan, "wes")) - 1


def test_islington_every_calendar_month_and_sunderland_90_minutes() -> None:
    islington = load_policy("islington")
    sessions = plan_year([person("ina")], islington, 2027).sessions
    assert sorted({s.start.month for s in sessions}) == list(range(1, 13))
    assert {s.end - s.start for s in sessions} == {timedelta(hours=3)}
    sunderland = load_policy("sunderland")
    plan = plan_year(
        [person("sam", category="nqsw", start_date=date(2027, 1, 4))], sunderland, 2027
    )
    held = plan.supervision
    assert {s.end - s.start for s in held} == {timedelta(minutes=90)}
    gaps = [(b.start - a.start).days for a, b in zip(held, held[1:], strict=False)]
    assert max(gaps) <= 35 + 4  # 4.2 never less than monthly (plus a bank-holiday move)


def test_a_phased_pair_is_one_series_whose_phases_follow_from_each_session(
    hillingdon: Policy,
) -> None:
    # Hillingdon 4.3: ASYE weekly 6 weeks, fortnightly to 6 months, monthly to 12 months; one
    # calendar event for the pair. Folded, the fortnightly rule (most sessions) would end in
    # June with the monthly sessions as RDATEs after it, which Google Calendar does not show
    # (esrg-knights/Squire issue 107): so one weekly rule on Mondays to the last session, the
    # weeks without one excluded (domain.calendar_safe), moved sessions as RDATEs before its end.
    entry = person("new", category="asye", start_date=date(2027, 1, 4))
    plan = plan_year([entry], hillingdon, 2027)
    [series] = [s for s in plan.series if s.type == "supervision"]
    sessions = of(plan, "new")
    assert series.rrule.startswith("FREQ=WEEKLY;BYDAY=MO;COUNT=")
    assert max(series.rdates) < sessions[-1].start == expand(series)[-1]
    assert series.start == sessions[0].start and series.phase == "asye_weekly"
    assert expand(series) == [s.start for s in sessions]
    assert {s.series_id for s in sessions} == {series.series_id}
    assert [phase_at(series.phases_text(), s.session_id) for s in sessions] == [
        s.phase for s in sessions
    ]
    assert [name for name, _ in series.phases] == [
        "asye_weekly",
        "asye_fortnightly",
        "asye_monthly",
    ]
    assert (
        series.cadence
        == "weekly for 6 weeks, then fortnightly to 6 months, then monthly to 12 months"
    )
    # the same inputs give the same id and hash
    again = next(s for s in plan_year([entry], hillingdon, 2027).series if s.type == "supervision")
    assert (again.series_id, again.plan_hash) == (series.series_id, series.plan_hash)


def test_a_single_phase_series_is_as_before_folding(hillingdon: Policy) -> None:
    plan = plan_year([person("ann", preferred_day=4, preferred_time=time(10))], hillingdon, 2027)
    [series] = [s for s in plan.series if s.type == "supervision"]
    assert series.phases == () and series.phase_label == "case_holding"
    assert (
        series.cadence == "four-weekly"
        and series.rrule == "FREQ=WEEKLY;INTERVAL=4;BYDAY=FR;COUNT=14"
    )


def test_the_series_id_is_pinned(hillingdon: Policy) -> None:
    # The series id is the persistent Google Calendar event id of a pair's year: changing how
    # it is made would book every pair twice. One definition (series.series_id_for), pinned
    # here for a supervision series and an [[events]] event, and used by the planner for both.
    ann, boss = f"ann@{DOMAIN}", f"boss@{DOMAIN}"
    supervision = series_id_for(ann, boss, "case_holding", "case_holding", "case_holding", 2027)
    event = series_id_for(ann, boss, "event", "observation", 0, 2027)
    assert supervision == "supb40dc2c273001296d96e3d7cfff81637fbe473ec"
    assert event == "supb4ef444365056ac8d730a5a394f19e11f193bee1"
    plan = plan_year([person("ann")], hillingdon, 2027)
    first = {}
    for s in sorted(plan.series, key=lambda s: s.start):
        first.setdefault(s.type, s.series_id)
    assert first["supervision"] == supervision and first["observation"] == event
