"""Case-discussion agendas under each policy's rule; every date below was counted by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from gworkspace_supervision.domain.agenda import (
    AgendaRule,
    agenda_for,
    agenda_items,
    agenda_rule,
    discussion_due,
    plan_agendas,
)
from gworkspace_supervision.domain.caseload import Case
from gworkspace_supervision.domain.policy import load_policy, parse_policy
from gworkspace_supervision.errors import InputError

ANN = "ann@example-council.gov.uk"
GUIDANCE = load_policy("case_discussion_guidance")


def case(number: str, involvement: str, allocated: date, under_two: bool = False) -> Case:
    return Case(2, number, ANN, involvement, allocated, under_two)


@dataclass(frozen=True)
class FakeSession:
    session_id: str
    supervisee_email: str
    start: date


def sessions(*days: date) -> list[FakeSession]:
    return [FakeSession(f"s{i}", ANN, d) for i, d in enumerate(days)]


# Last discussed Mon 4 Jan 2027; due dates counted on a calendar:
# +30 days = Wed 3 Feb; +61 = Sat 6 Mar (28 days in Feb 2027); +91 = Mon 5 Apr.
DUE_AFTER_4_JAN = [
    ("level_2", date(2027, 3, 6)),  # bi-monthly
    ("assessment", date(2027, 2, 3)),  # after the 20-day review: monthly
    ("child_in_need", date(2027, 3, 6)),  # bi-monthly
    ("child_protection_plan", date(2027, 2, 3)),  # monthly
    ("looked_after_high_risk", date(2027, 2, 3)),  # monthly
    ("looked_after_settled_low_risk", date(2027, 3, 6)),  # bi-monthly
    ("care_leaver_18_21", date(2027, 3, 6)),  # bi-monthly
    ("care_leaver_21_plus", date(2027, 4, 5)),  # every 3 months
]


@pytest.mark.parametrize(("involvement", "due"), DUE_AFTER_4_JAN)
def test_by_involvement_due_before_the_next_session(involvement: str, due: date) -> None:
    cases = [case("1001", involvement, date(2026, 6, 1))]
    last = {"1001": date(2027, 1, 4)}
    rule = agenda_rule(GUIDANCE)
    assert discussion_due(cases[0], last["1001"], rule) == due
    day_before = due - timedelta(days=1)
    # The next session on the due date itself is still in time: not now.
    assert agenda_for(day_before, ANN, cases, GUIDANCE, last, next_session=due) == []
    # The next session after the due date would be late: discuss it now.
    after = due + timedelta(days=1)
    assert agenda_for(day_before, ANN, cases, GUIDANCE, last, next_session=after) == ["1001"]
    # No next session known: on the agenda once due, not before.
    assert agenda_for(due, ANN, cases, GUIDANCE, last) == ["1001"]
    assert agenda_for(day_before, ANN, cases, GUIDANCE, last) == []


def test_assessment_first_review_at_20_days_and_new_cases_at_4_weeks() -> None:
    rule = agenda_rule(GUIDANCE)
    # Allocated Mon 4 Jan 2027: the assessment is reviewed by Sun 24 Jan (20 days) ...
    assert discussion_due(case("A", "assessment", date(2027, 1, 4)), None, rule) == date(
        2027, 1, 24
    )
    # ... any other case within 4 weeks (Hillingdon 5.2 a): by Mon 1 Feb.
    assert discussion_due(case("C", "child_in_need", date(2027, 1, 4)), None, rule) == date(
        2027, 2, 1
    )
    # A discussion before the transfer to this worker does not count.
    moved = case("T", "care_leaver_21_plus", date(2027, 1, 4))
    items = agenda_items(date(2027, 1, 11), ANN, [moved], GUIDANCE, {"T": date(2026, 12, 20)})
    assert [i.case_number for i in items] == ["T"]
    # the guidance sets no such rule of its own: no other council's section is cited (issue 13)
    assert "within 4 weeks" in items[0].reason and "Hillingdon" not in items[0].reason
    assert "this council's own setting" in items[0].reason
    hillingdon = agenda_items(
        date(2027, 1, 11), ANN, [moved], load_policy("hillingdon"), {"T": date(2026, 12, 20)}
    )
    assert "(within 4 weeks: Hillingdon Supervision Framework 5.2 a)" in hillingdon[0].reason


def test_year_of_four_weekly_sessions_under_the_case_discussion_guidance_table() -> None:
    """History: every old case discussed Mon 14 Dec 2026. Sessions four-weekly from 4 Jan."""
    days = [date(2027, 1, 4) + timedelta(weeks=4 * i) for i in range(6)]
    assert days[-1] == date(2027, 5, 24)
    caseload = [
        case("CP-1", "child_protection_plan", date(2026, 10, 1)),
        case("L2-1", "level_2", date(2026, 10, 1)),
        case("CL-1", "care_leaver_21_plus", date(2026, 10, 1)),
        case("CIN-1", "child_in_need", date(2027, 2, 10)),  # new: allocated between sessions
        case("AS-1", "assessment", date(2027, 3, 2)),  # the day after a session
    ]
    history = {n: date(2026, 12, 14) for n in ("CP-1", "L2-1", "CL-1")}
    got = plan_agendas(sessions(*days), caseload, GUIDANCE, history)
    numbers = [[i.case_number for i in got[f"s{k}"]] for k in range(6)]
    assert numbers == [
        # 4 Jan: CP due 13 Jan (14 Dec + 30) is before 1 Feb. L2 due 13 Feb, CL due 15 Mar.
        ["CP-1"],
        # 1 Feb: CP due 3 Feb; L2 due 13 Feb, both before 1 Mar.
        ["CP-1", "L2-1"],
        # 1 Mar: CIN-1 allocated 10 Feb (19 days ago); CL due 15 Mar is before 29 Mar;
        # CP due 3 Mar. L2 (discussed 1 Feb) due 3 Apr: not before 29 Mar.
        ["CIN-1", "CL-1", "CP-1"],
        # 29 Mar: AS-1 allocated 2 Mar (27 days); CP due 31 Mar; L2 due 3 Apr before 26 Apr.
        ["AS-1", "CP-1", "L2-1"],
        # 26 Apr: AS-1 due 28 Apr (29 Mar + 30); CIN-1 due 1 May (1 Mar + 61); CP due 28 Apr.
        ["AS-1", "CIN-1", "CP-1"],
        # 24 May (next assumed 21 Jun): AS-1 and CP due 26 May, L2 due 29 May (29 Mar + 61),
        # CL due 31 May (1 Mar + 91). CIN-1 due 26 Jun: not yet.
        ["AS-1", "CL-1", "CP-1", "L2-1"],
    ]


def test_sunderland_a_third_each_session_and_every_under_two() -> None:
    sunderland = load_policy("sunderland")
    caseload = [case("U-1", "child_in_need", date(2026, 3, 1), under_two=True)] + [
        case(f"R-{n}", "child_in_need", date(2026, 4, n)) for n in range(1, 7)
    ]
    days = [date(2027, 1, 5), date(2027, 2, 2), date(2027, 3, 2), date(2027, 4, 6)]
    got = plan_agendas(sessions(*days), caseload, sunderland)
    assert [[i.case_number for i in got[f"s{k}"]] for k in range(4)] == [
        ["R-1", "R-2", "U-1"],  # never discussed: the longest allocated first
        ["R-3", "R-4", "U-1"],
        ["R-5", "R-6", "U-1"],
        ["R-1", "R-2", "U-1"],  # a quarter later the whole caseload has been discussed
    ]
    assert got["s0"][2].reason == "under 2: every session (Sunderland 6.0)"


def test_islington_every_open_case_and_not_yet_allocated_ones_left_out() -> None:
    islington = load_policy("islington")
    caseload = [
        case("1", "level_2", date(2025, 1, 1)),
        case("2", "care_leaver_21_plus", date(2027, 1, 4)),
        case("3", "child_in_need", date(2027, 1, 5)),
        Case(9, "4", "bob@example-council.gov.uk", "level_2", date(2025, 1, 1), False),
    ]
    last = {"1": date(2026, 12, 20), "2": date(2027, 1, 4)}
    assert agenda_for(date(2027, 1, 4), ANN, caseload, islington, last) == ["1", "2"]


def test_hillingdon_new_allocations_only() -> None:
    hillingdon = load_policy("hillingdon")
    caseload = [
        case("OLD", "level_2", date(2026, 1, 1)),
        case("NEW", "child_in_need", date(2027, 1, 10)),
        case("GAP", "child_in_need", date(2027, 2, 2)),
    ]
    # Sessions 4 Jan, 1 Feb, then a gap to 8 Mar: GAP (allocated 2 Feb, 34 days before 8 Mar)
    # is still due because nobody has discussed it since its allocation after 1 Feb.
    got = plan_agendas(
        sessions(date(2027, 1, 4), date(2027, 2, 1), date(2027, 3, 8)), caseload, hillingdon
    )
    assert [[i.case_number for i in got[f"s{k}"]] for k in range(3)] == [[], ["NEW"], ["GAP"]]


def test_agenda_rule_is_validated_and_defaults_to_new_allocations() -> None:
    base = {"policy": {"key": "x"}, "categories": {"a": {"phases": [{"every_weeks": 4}]}}}
    assert agenda_rule(parse_policy(base, "x.toml")) == AgendaRule("new_allocations")
    broken = dict(base, extra={"agenda": {"rule": "some", "share": 0, "colour": 1}})
    with pytest.raises(InputError) as caught:
        agenda_rule(parse_policy(broken, "x.toml"))
    assert [p.field for p in caught.value.problems] == [
        "extra.agenda.colour",
        "extra.agenda.rule",
        "extra.agenda.share",
    ]
    no_days = dict(base, extra={"agenda": {"rule": "by_involvement"}})
    with pytest.raises(InputError, match="extra.case_discussion_days.level_2"):
        agenda_rule(parse_policy(no_days, "x.toml"))
