"""People as they really are: start and leaving dates, role and status apart, each policy's own
floor, session length and deadlines, moves that say why, and absences. Dates from the policies.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from gworkspace_supervision.domain.absences import Absence, parse_absences
from gworkspace_supervision.domain.planner import Plan, Session, plan_year
from gworkspace_supervision.domain.policy import Policy, load_policy
from gworkspace_supervision.domain.roster import RosterEntry, parse_roster
from gworkspace_supervision.domain.series import expand
from gworkspace_supervision.errors import InputError

LONDON = ZoneInfo("Europe/London")
DOMAIN = "example-council.gov.uk"
HEADER = "supervisee_email,supervisee_name,supervisor_email,line_manager_email"


@pytest.fixture(scope="module")
def hillingdon() -> Policy:
    return load_policy("hillingdon")


@pytest.fixture(scope="module")
def sunderland() -> Policy:
    return load_policy("sunderland")


@pytest.fixture(scope="module")
def islington() -> Policy:
    return load_policy("islington")


def person(name: str, category: str = "case_holding", **extra: object) -> RosterEntry:
    return RosterEntry(
        line=2, supervisee_email=f"{name}@{DOMAIN}", supervisee_name=name.title(),
        supervisor_email=f"boss@{DOMAIN}", supervisor_name="Boss",
        line_manager_email=f"lm@{DOMAIN}", line_manager_name="Lm", team="Team",
        category=category, **extra,  # type: ignore[arg-type]
    )  # fmt: skip


def sessions_of(plan: Plan, name: str, kind: str = "supervision") -> list[Session]:
    return [s for s in plan.sessions if s.supervisee_email == f"{name}@{DOMAIN}" and s.type == kind]


def days(sessions: list[Session]) -> list[date]:
    return [s.start.date() for s in sessions]


def roster(text: str, policy: Policy) -> list[RosterEntry]:
    return parse_roster(text, "staff.csv", policy)


def problems(text: str, policy: Policy) -> list[str]:
    with pytest.raises(InputError) as caught:
        roster(text, policy)
    return [str(p) for p in caught.value.problems]


# -- start and end dates -------------------------------------------------------------------------
@pytest.mark.parametrize("policy_name", ["hillingdon", "sunderland", "islington"])
def test_a_case_holder_joining_6_september_starts_then(policy_name: str) -> None:
    # The case: a case holder joining on Mon 6 Sep 2027 was booked from January.
    policy = load_policy(policy_name)
    plan = plan_year([person("joy", start_date=date(2027, 9, 6))], policy, 2027)
    got = days(sessions_of(plan, "joy"))
    assert got and min(got) >= date(2027, 9, 6)
    # the first session within the cadence after the start: four weeks (Hillingdon 4.2) or a
    # calendar month (Sunderland 4.2, Islington)
    assert got[0] < date(2027, 9, 6) + timedelta(days=28)
    assert all(s.start.date() >= date(2027, 9, 6) for s in plan.sessions)


def test_a_starter_gets_the_observations_due_once_in_post(hillingdon: Policy) -> None:
    # Hillingdon 5.2 f: observations for all case holding staff; in post from 6 September
    # 2027 the November observation is booked, the June one is not (before the start).
    plan = plan_year([person("joy", start_date=date(2027, 9, 6))], hillingdon, 2027)
    observations = sessions_of(plan, "joy", "observation")
    assert [s.start.month for s in observations] == [11]


def test_a_leaver_has_nothing_after_their_end_date(hillingdon: Policy) -> None:
    plan = plan_year([person("lee", end_date=date(2027, 6, 30))], hillingdon, 2027)
    mine = [s for s in plan.sessions if s.supervisee_email == f"lee@{DOMAIN}"]
    assert mine and max(s.start.date() for s in mine) <= date(2027, 6, 30)
    assert max(days(sessions_of(plan, "lee"))) > date(2027, 6, 30) - timedelta(days=28)
    # Hillingdon 5.2 f: June's observation is booked (in June, before leaving), November's is not
    assert [s.start.month for s in sessions_of(plan, "lee", "observation")] == [6]


def test_a_fixed_term_contract_bounds_both_ends(sunderland: Policy) -> None:
    plan = plan_year(
        [person("fay", start_date=date(2027, 3, 15), end_date=date(2027, 8, 31))], sunderland, 2027
    )
    got = days(sessions_of(plan, "fay"))
    assert min(got) >= date(2027, 3, 15) and max(got) <= date(2027, 8, 31)
    assert sorted({d.month for d in got}) == [3, 4, 5, 6, 7, 8]  # 4.2: every month in post


def test_end_date_and_start_date_columns_are_read(hillingdon: Policy) -> None:
    text = (
        f"{HEADER},category,start_date,end_date\n"
        f"a@{DOMAIN},A,b@{DOMAIN},c@{DOMAIN},case_holding,2027-09-06,2028-03-31\n"
    )
    (entry,) = roster(text, hillingdon)
    assert (entry.start_date, entry.end_date) == (date(2027, 9, 6), date(2028, 3, 31))
    bad = f"{HEADER},category,start_date,end_date\na@{DOMAIN},A,b@{DOMAIN},c@{DOMAIN},iro,2027-09-06,2027-09-01\n"
    assert problems(bad, hillingdon) == [
        "staff.csv, line 2, column end_date: 2027-09-01 is before the start_date 2027-09-06"
    ]


# -- role and status -----------------------------------------------------------------------------
def test_probation_then_the_role_takes_over(hillingdon: Policy) -> None:
    # Hillingdon 4.3: probation: within the first week, fortnightly for three months, then no
    # less than monthly; when probation ends (status_end 4 July) the case holder's four-weekly
    # cadence (4.2) takes over. Starts Mon 4 Jan 2027... the first week holds New Year: start
    # Mon 11 Jan.
    entry = person(
        "pat", category="probation", role="case_holding", status="probation",
        start_date=date(2027, 1, 11), status_end=date(2027, 7, 11),
    )  # fmt: skip
    plan = plan_year([entry], hillingdon, 2027)
    got = sessions_of(plan, "pat")
    first = got[0].start.date()
    assert date(2027, 1, 11) <= first < date(2027, 1, 18)  # within the first week
    fortnightly = [s for s in got if s.phase == "probation_fortnightly"]
    monthly = [s for s in got if s.phase == "probation_monthly"]
    role = [s for s in got if s.phase == "case_holding"]
    assert all(
        (b.start - a.start).days == 14 for a, b in zip(fortnightly, fortnightly[1:], strict=False)
        if not (a.moved_from or b.moved_from)
    )  # fmt: skip
    assert max(days(fortnightly)) < date(2027, 4, 11) <= min(days(monthly))
    assert max(days(monthly)) < date(2027, 7, 11) <= min(days(role))
    nominal = [(s.moved_from or s.start) for s in role]
    assert {(b - a).days for a, b in zip(nominal, nominal[1:], strict=False)} == {28}
    assert {s.phase for s in role} == {"case_holding"}
    # 5.2 f: observations for all case holding staff, those on probation too
    assert [s.start.month for s in sessions_of(plan, "pat", "observation")] == [6, 11]


def test_old_rosters_with_one_category_column_plan_as_before(hillingdon: Policy) -> None:
    text = (
        f"{HEADER},category,start_date\n"
        f"a@{DOMAIN},A,b@{DOMAIN},c@{DOMAIN},probation,2027-01-11\n"
        f"d@{DOMAIN},D,b@{DOMAIN},c@{DOMAIN},case_holding,\n"
    )
    probation, holder = roster(text, hillingdon)
    assert (probation.category, probation.role, probation.status) == (
        "probation",
        None,
        "probation",
    )
    assert (holder.category, holder.role, holder.status) == ("case_holding", "case_holding", None)
    plan = plan_year([probation], hillingdon, 2027)
    # without a status_end probation stays monthly all year (as a roster said before)
    assert {s.phase for s in plan.supervision} == {"probation_fortnightly", "probation_monthly"}


def test_a_performance_plan_overrides_the_role_while_it_lasts(hillingdon: Policy) -> None:
    # Hillingdon 4.3: a performance improvement plan's frequency is the plan's (fortnightly
    # here) from 1 March to 31 May 2027; four-weekly (4.2) before and after.
    text = (
        f"{HEADER},role,status,status_start,status_end,interval_weeks,preferred_day\n"
        f"pip@{DOMAIN},Pip,boss@{DOMAIN},lm@{DOMAIN},case_holding,pip,2027-03-01,2027-05-31,2,Wed\n"
    )
    (entry,) = roster(text, hillingdon)
    assert (entry.role, entry.status, entry.interval_weeks) == ("case_holding", "pip", 2)
    got = [
        s.moved_from or s.start for s in sessions_of(plan_year([entry], hillingdon, 2027), "pip")
    ]
    before = [d for d in got if d.date() < date(2027, 3, 1)]
    during = [d for d in got if date(2027, 3, 1) <= d.date() < date(2027, 5, 31)]
    after = [d for d in got if d.date() >= date(2027, 5, 31)]
    assert {(b - a).days for a, b in zip(before, before[1:], strict=False)} == {28}
    assert during[0].date() < date(2027, 3, 8)  # the plan starts in its own week
    assert {(b - a).days for a, b in zip(during, during[1:], strict=False)} == {14}
    assert after and {(b - a).days for a, b in zip(after, after[1:], strict=False)} == {28}
    assert all(d.weekday() == 2 for d in got)


def test_asye_with_a_role_becomes_that_role(hillingdon: Policy) -> None:
    # Hillingdon 4.3: the ASYE year (weekly 6 weeks, fortnightly to 6 months, monthly to 12)
    # then the role (four-weekly). Started 1 Feb 2026: in 2027 monthly to 1 Feb, then 4.2.
    entry = person(
        "ash", category="asye", role="case_holding", status="asye", start_date=date(2026, 2, 2)
    )
    got = sessions_of(plan_year([entry], hillingdon, 2027), "ash")
    assert {s.phase for s in got if s.start.date() < date(2027, 2, 2)} == {"asye_monthly"}
    assert {s.phase for s in got if s.start.date() > date(2027, 2, 10)} == {"case_holding"}


def test_role_and_status_problems_name_the_column(hillingdon: Policy) -> None:
    head = f"{HEADER},role,status,status_start,status_end,category\n"
    who = f"a@{DOMAIN},A,b@{DOMAIN},c@{DOMAIN}"
    assert problems(head + f"{who},probation,,,,\n", hillingdon) == [
        "staff.csv, line 2, column role: probation is a status in policy hillingdon; put it in "
        "the status column"
    ]
    assert problems(head + f"{who},case_holding,iro,,,\n", hillingdon) == [
        "staff.csv, line 2, column status: iro is a role in policy hillingdon; put it in the "
        "role column"
    ]
    assert problems(head + f"{who},case_holdin,,,,\n", hillingdon) == [
        "staff.csv, line 2, column role: unknown role 'case_holdin' for policy hillingdon "
        "(known: case_holding, team_manager, iro, non_frontline)"
    ]
    assert problems(head + f"{who},case_holding,,,,iro\n", hillingdon) == [
        "staff.csv, line 2, column category: give either category, or role (and status), not both"
    ]
    assert problems(head + f"{who},iro,,2027-01-01,,\n", hillingdon) == [
        "staff.csv, line 2, column status_start: only used with a status (the status column)"
    ]
    assert problems(
        head + f"{who},case_holding,probation,2027-05-01,2027-04-01,\n", hillingdon
    ) == [
        "staff.csv, line 2, column status_end: 2027-04-01 is not after the status start 2027-05-01"
    ]
    assert problems(head + f"{who},,probation,,,\n", hillingdon) == [
        "staff.csv, line 2, column status_start: status probation needs a status_start or "
        "start_date (YYYY-MM-DD) to count its phases from"
    ]


def test_a_roster_needs_category_or_role(hillingdon: Policy) -> None:
    assert problems(f"{HEADER},team\na@{DOMAIN},A,b@{DOMAIN},c@{DOMAIN},T\n", hillingdon) == [
        "staff.csv, line 1, column category: required column missing (or give the columns "
        "role and, optionally, status)"
    ]


# -- floors --------------------------------------------------------------------------------------
def test_sunderland_refuses_a_plan_less_frequent_than_monthly(sunderland: Policy) -> None:
    # Sunderland 4.2: "no supervision schedule should be less frequent than monthly".
    text = f"{HEADER},category,interval_weeks\na@{DOMAIN},A,b@{DOMAIN},c@{DOMAIN},pip,6\n"
    (message,) = problems(text, sunderland)
    assert message.startswith("staff.csv, line 2, column interval_weeks: every 6 weeks is less ")
    assert "no supervision schedule should be less frequent than monthly" in message
    ok = f"{HEADER},category,interval_weeks\na@{DOMAIN},A,b@{DOMAIN},c@{DOMAIN},pip,4\n"
    assert roster(ok, sunderland)[0].interval_weeks == 4


def test_a_policy_cadence_below_its_floor_is_refused(tmp_path: Path) -> None:
    # Islington: "a minimum of once every calendar month": a twelve-weekly category is refused,
    # naming the file, the line and the key.
    text = Path(load_policy("islington").source).read_text(encoding="utf-8")
    text += '\n[categories.iro]\nlabel = "IRO"\nphases = [{ name = "iro", every_weeks = 12 }]\n'
    path = tmp_path / "council.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_policy(str(path))
    (problem,) = caught.value.problems
    line = text.splitlines().index('phases = [{ name = "iro", every_weeks = 12 }]') + 1
    assert (problem.file, problem.line) == (str(path), line)
    assert problem.field == "categories.iro.phases[0].every_weeks"
    assert "a minimum of once every calendar month" in problem.message


@pytest.mark.parametrize("policy_name", ["sunderland", "islington"])
def test_a_monthly_floor_keeps_every_calendar_month_through_holiday_moves(
    policy_name: str,
) -> None:
    # Monthly on the last Monday from Mon 29 March 2027: the last Monday of May (31 May) is the
    # Spring bank holiday; the nearest working day would be Tue 1 June, leaving May without
    # supervision; a monthly floor keeps it in May (Fri 28 May).
    policy = load_policy(policy_name)
    entry = person("may", preferred_day=0, start_date=date(2027, 3, 29))
    got = sessions_of(plan_year([entry], policy, 2027), "may")
    assert sorted({s.start.month for s in got}) == list(range(3, 13))
    may = [s for s in got if s.moved_from and s.moved_from.date() == date(2027, 5, 31)]
    assert may and may[0].start.date() == date(2027, 5, 28)
    assert may[0].move_reason == "Spring Bank Holiday (bank holiday)"


# -- session length and deadlines ----------------------------------------------------------------
def test_islington_three_hours_only_for_case_holders(islington: Policy) -> None:
    plan = plan_year([person("cas"), person("non", "non_case_holding")], islington, 2027)
    assert {s.end - s.start for s in sessions_of(plan, "cas")} == {timedelta(hours=3)}
    assert {s.end - s.start for s in sessions_of(plan, "non")} == {timedelta(minutes=90)}
    assert {s.duration for s in plan.series if s.supervisee_email == f"cas@{DOMAIN}"} == {
        timedelta(hours=3)
    }


def test_record_deadlines_as_each_policy_writes_them() -> None:
    hillingdon, islington = load_policy("hillingdon"), load_policy("islington")
    assert (hillingdon.record_due_working_days, hillingdon.record_due_urgent_hours) == (5, None)
    # Islington: "within 5 working days or 24 hours for any significant case decisions and/or
    # urgent matters"
    assert (islington.record_due_working_days, islington.record_due_urgent_hours) == (5, 24)
    # Sunderland sets no deadline for the record itself: the file says the number is the
    # council's own choice rather than quoting a rule the policy does not have.
    sunderland = load_policy("sunderland")
    text = Path(sunderland.source).read_text(encoding="utf-8")
    above = text.split("record_due_working_days")[0].rsplit("\n\n", 1)[-1]
    assert "sets no deadline" in above and "COUNCIL'S OWN timescale" in above
    # ... and what people read says so too: no [wording] record_due, so the council's setting
    assert sunderland.wording.record_due == ""
    assert "this council's own setting" in sunderland.record_due_text()


# -- moves say why -------------------------------------------------------------------------------
def test_a_colliding_preferred_slot_says_who_took_it(hillingdon: Policy) -> None:
    ann = person("ann", preferred_day=1, preferred_time=time(10))
    bob = person("bob", preferred_day=1, preferred_time=time(10))
    plan = plan_year([ann, bob], hillingdon, 2027)
    moved = [s for s in plan.supervision if s.reassigned]
    assert moved and {s.supervisee_name for s in moved} == {"Bob"}
    assert all("taken by Ann with Boss" in (s.reassigned or "") for s in moved)


def test_a_monday_bank_holiday_moves_to_the_nearest_day(hillingdon: Policy) -> None:
    # Fortnightly (probation) on Mondays: Easter Monday 29 March 2027 goes to Tue 30 March
    # (one day), not the Friday before (Good Friday, a holiday too) nor later.
    entry = person("eve", "probation", start_date=date(2027, 1, 4), preferred_day=0)
    got = sessions_of(plan_year([entry], hillingdon, 2027), "eve")
    easter = [s for s in got if s.moved_from and s.moved_from.date() == date(2027, 3, 29)]
    assert easter and easter[0].start.date() == date(2027, 3, 30)
    assert easter[0].move_reason == "Easter Monday (bank holiday)"


# -- absences ------------------------------------------------------------------------------------
def test_a_session_during_leave_moves_to_the_return(hillingdon: Policy) -> None:
    # Islington: a gap from leave is recorded and supervision is prioritised on return.
    ann = person("ann", preferred_day=3, preferred_time=time(10))  # Thursdays
    away = [Absence(f"ann@{DOMAIN}", date(2027, 2, 22), date(2027, 3, 5), "annual leave")]
    plan = plan_year([ann], hillingdon, 2027, absences=away)
    got = sessions_of(plan, "ann")
    assert not any(date(2027, 2, 22) <= d <= date(2027, 3, 5) for d in days(got))
    # four-weekly Thursdays from 7 January: 4 March falls in the leave
    (back,) = [s for s in got if s.moved_from and s.moved_from.date() == date(2027, 3, 4)]
    assert back.start == datetime(2027, 3, 8, 10, tzinfo=LONDON)  # Monday back, her time
    assert back.move_reason == "absent (annual leave 22 Feb-05 Mar 2027): first free slot on return"
    (series,) = [s for s in plan.series if s.type == "supervision"]
    assert expand(series) == sorted(s.start for s in got)


def test_a_long_absence_records_its_gaps(hillingdon: Policy) -> None:
    ann = person("ann", preferred_day=3, preferred_time=time(10))
    away = [Absence(f"ann@{DOMAIN}", date(2027, 2, 1), date(2027, 4, 30), "sickness")]
    plan = plan_year([ann], hillingdon, 2027, absences=away)
    got = sessions_of(plan, "ann")
    returned = [s for s in got if s.moved_from]
    assert returned[0].start.date() == date(2027, 5, 4)  # 3 May is a bank holiday
    gaps = [g.nominal.date() for g in plan.gaps]
    assert gaps == [date(2027, 3, 4), date(2027, 4, 1), date(2027, 4, 29)]
    assert {g.reason for g in plan.gaps} == {"absent (sickness 01 Feb-30 Apr 2027)"}
    (series,) = [s for s in plan.series if s.type == "supervision"]
    assert expand(series) == sorted(s.start for s in got)


def test_an_absent_supervisor_is_noted_for_cover(hillingdon: Policy) -> None:
    ann = person("ann", preferred_day=3)
    away = [Absence(f"boss@{DOMAIN}", date(2027, 3, 1), date(2027, 3, 12), "annual leave")]
    boss = replace(person("boss"), supervisor_email=f"head@{DOMAIN}")  # on the roster too
    plan = plan_year([ann, boss], hillingdon, 2027, absences=away)
    # Hillingdon 3.4: "their line manager should ensure alternative arrangements are put in
    # place". Ann's four-weekly Thursday session of 4 March falls in the absence.
    (note,) = [n for n in plan.notes if n.startswith(f"boss@{DOMAIN} away")]
    assert note == (
        f"boss@{DOMAIN} away (annual leave 01 Mar-12 Mar 2027): 1 session(s) need cover, which "
        f"their line manager lm@{DOMAIN} arranges: gws-supervision cover --supervisor "
        f"boss@{DOMAIN} --from 2027-03-01 --to 2027-03-12 --by lm@{DOMAIN}"
    )


def test_absences_file_problems_name_line_and_column() -> None:
    text = (
        "person,from,to,reason\n"
        f"ann@{DOMAIN},2027-03-01,2027-03-12,annual leave\n"
        f"ann@{DOMAIN},2027-03-10,2027-03-20,training\n"
        f"bob@{DOMAIN},2027-03-10,2027-03-01,\n"
    )
    with pytest.raises(InputError) as caught:
        parse_absences(text, "away.csv")
    assert [str(p) for p in caught.value.problems] == [
        "away.csv, line 4, column to: 2027-03-01 is before from 2027-03-10"
    ]
    good = text.rsplit("\n", 2)[0] + "\n"
    with pytest.raises(InputError) as caught:
        parse_absences(good, "away.csv")
    assert [str(p) for p in caught.value.problems] == [
        "away.csv, line 3, column from: overlaps the absence on line 2 (2027-03-01..2027-03-12); "
        "merge them into one row"
    ]


def test_an_urgent_record_is_due_in_24_hours_under_islington(islington: Policy) -> None:
    # Islington: "within 5 working days or 24 hours for any significant case decisions and/or
    # urgent matters". A session ending Thu 23 Dec 2027 16:00: 5 working days is Tue 4 Jan
    # 2028 (Christmas and Boxing Day substitutes skipped); urgent is Fri 24 Dec.
    from gworkspace_supervision.domain.workdays import WorkingDays

    workdays = WorkingDays("ENG")
    end = datetime(2027, 12, 23, 16, tzinfo=LONDON)
    assert islington.record_due_on(end, workdays) == date(2028, 1, 4)
    assert islington.record_due_on(end, workdays, urgent=True) == date(2027, 12, 24)
    hillingdon = load_policy("hillingdon")  # no urgent rule: urgent changes nothing
    assert hillingdon.record_due_on(end, workdays, urgent=True) == date(2028, 1, 4)


def test_the_tracker_counts_observations_for_a_case_holder_on_probation(
    hillingdon: Policy,
) -> None:
    # Hillingdon 5.2 f: "all case holding staff": the Observations tab lists a case holder on
    # probation (role case_holding, status probation), not a probation row without a role.
    from gworkspace_supervision.services.tracking_events import observation_cells

    rule = next(r for r in hillingdon.events if r.type == "observation")
    on_probation = person("pat", "probation", role="case_holding", status="probation",
                          start_date=date(2027, 1, 11))  # fmt: skip
    no_role = person("nor", "probation", status="probation", start_date=date(2027, 1, 11))
    cells = observation_cells([], [on_probation, no_role], rule, date(2027, 6, 1), 2027)
    assert [row[0] for row in cells[1:]] == ["Pat"]


def test_a_one_day_contract_on_a_bank_holiday_is_a_gap_not_a_crash(hillingdon: Policy) -> None:
    # In post for one day, Spring Bank Holiday Monday 31 May 2027: nowhere to move the session
    # to inside their dates; the plan records the gap with its reason and plans everyone else.
    one_day = person("one", preferred_day=0, start_date=date(2027, 5, 31),
                     end_date=date(2027, 5, 31))  # fmt: skip
    plan = plan_year([one_day, person("ann")], hillingdon, 2027)
    assert not sessions_of(plan, "one") and sessions_of(plan, "ann")
    (gap,) = plan.gaps
    assert gap.nominal.date() == date(2027, 5, 31)
    assert gap.reason == "Spring Bank Holiday (bank holiday); no working day in post to move it to"


def test_a_record_after_the_status_names_the_roles_cadence(hillingdon: Policy) -> None:
    # Hillingdon 4.2/4.3: a case holder whose probation ended: the record header says
    # four-weekly (the role), not "as booked"; during probation, fortnightly.
    from gworkspace_supervision.services.records import _cadence

    pat = person("pat", "case_holding", role="case_holding", status="probation",
                 start_date=date(2027, 1, 11), status_end=date(2027, 7, 11))  # fmt: skip
    assert _cadence(hillingdon, "case_holding", "case_holding", pat) == "four-weekly"
    assert _cadence(hillingdon, "case_holding", "probation_fortnightly", pat) == "fortnightly"
    ash = person("ash", "asye", status="asye", start_date=date(2026, 2, 2))
    assert _cadence(hillingdon, "asye", "case_holding", ash) == "four-weekly"  # then = ...
