"""[[events]] validation (as strict as the rest of the policy) and the observation line rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from gworkspace_supervision.domain.events import (
    OBS_COMPLETE,
    OBS_DUE,
    OBS_KIND_MISSING,
    OBS_MISSED,
    OBS_ON_TRACK,
    counting_year,
    observation_line,
)
from gworkspace_supervision.domain.planner import plan_year
from gworkspace_supervision.domain.policy import load_policy, policies_dir
from gworkspace_supervision.domain.roster import RosterEntry
from gworkspace_supervision.errors import InputError

ISLINGTON = (policies_dir() / "islington.toml").read_text(encoding="utf-8")  # no [[events]]
GOOD = """
[[events]]
type = "observation"
categories = ["case_holding"]
months = [6, 11]
kinds = ["direct work with a child", "practice"]
required_kind = "direct work with a child"
"""


def problems(tmp_path: Path, events: str) -> list[str]:
    path = tmp_path / "council.toml"
    path.write_text(ISLINGTON + events, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_policy(str(path))
    return [str(p) for p in caught.value.problems]


def test_shipped_policies_carry_their_events() -> None:
    hillingdon = {r.type: r for r in load_policy("hillingdon").events}
    assert hillingdon["observation"].months == (6, 11)
    assert hillingdon["observation"].required_kind == "direct work with a child"
    assert hillingdon["observation"].categories == {"case_holding", "asye"}
    assert hillingdon["appraisal"].label == "PADA appraisal" and hillingdon["appraisal review"]
    sunderland = {r.type: r for r in load_policy("sunderland").events}
    review, appraisal = sunderland["agreement review"], sunderland["appraisal"]
    assert (review.from_start, review.every_months) == (True, 6)
    assert (appraisal.from_start, appraisal.every_months) == (True, 12)
    assert load_policy("islington").events == ()


def test_a_good_rule_loads(tmp_path: Path) -> None:
    path = tmp_path / "council.toml"
    path.write_text(ISLINGTON + GOOD, encoding="utf-8")
    (rule,) = load_policy(str(path)).events
    assert rule.kinds == ("direct work with a child", "practice") and rule.year_start == (4, 1)
    assert rule.applies_to("case_holding") and not rule.applies_to("deputy")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (('type = "observation"', 'type = "observaton"'), "events[0].type", "must be one of"),
        (("months = [6, 11]", "months = [6, 13]"), "events[0].months", "month numbers 1 to 12"),
        (("months = [6, 11]", "months = [6, 6]"), "events[0].months", "listed twice"),
        (('"practice"]', '"practice", "court"]'), "events[0].kinds", "one kind per month"),
        (
            ('required_kind = "direct', 'required_kind = "indirect'),
            "events[0].required_kind",
            "must be one of the kinds",
        ),  # fmt: skip
        (('["case_holding"]', '["case_holder"]'), "events[0].categories", "unknown category"),
        (("[[events]]", '[[events]]\nyear_start = "02-30"'), "events[0].year_start", "MM-DD"),
        (("[[events]]", "[[events]]\nminutes = 600"), "events[0].minutes", "from 15 to 480"),
        (("[[events]]", "[[events]]\nevery = 2"), "events[0].every", "unknown key"),
    ],
)
def test_bad_rules_name_the_file_line_and_key(
    tmp_path: Path, change: tuple[str, str], field: str, message: str
) -> None:
    found = problems(tmp_path, GOOD.replace(*change))
    assert len(found) == 1, found
    assert "council.toml, line " in found[0] and f", {field}: " in found[0]
    assert message in found[0]


def test_second_table_and_duplicates_are_located(tmp_path: Path) -> None:
    text = GOOD + '\n[[events]]\ntype = "appraisal"\nmonths = [0]\n' + GOOD
    found = problems(tmp_path, text)
    lines = ISLINGTON.count("\n") + GOOD.count("\n")
    assert any(f"line {lines + 4}, events[1].months" in p for p in found), found
    assert any("events[2].type" in p and "already given by events[0]" in p for p in found)


def test_events_must_be_an_array_of_tables(tmp_path: Path) -> None:
    found = problems(tmp_path, '\n[events]\ntype = "appraisal"\n')
    assert any("events" in p and "array of tables" in p for p in found), found


def test_counting_year_is_april_to_march() -> None:
    assert counting_year(date(2027, 3, 31), (4, 1)) == (date(2026, 4, 1), date(2027, 3, 31))
    assert counting_year(date(2027, 4, 1), (4, 1)) == (date(2027, 4, 1), date(2028, 3, 31))
    assert counting_year(date(2027, 7, 1), (1, 1)) == (date(2027, 1, 1), date(2027, 12, 31))


def test_observation_line_flags_near_the_year_end() -> None:
    # Hillingdon 5.2 f: two a year, one of direct work with a child; flagged 8 weeks before.
    rule = {r.type: r for r in load_policy("hillingdon").events}["observation"]
    year = (date(2027, 4, 1), date(2028, 3, 31))
    direct = "direct work with a child"

    def status(kinds: list[str], today: date) -> str:
        return observation_line(kinds, 0, today, year, rule).status

    assert status([direct, "practice"], date(2027, 12, 1)) == OBS_COMPLETE
    assert status(["practice"], date(2028, 2, 3)) == OBS_ON_TRACK  # 8 weeks + a day before
    assert status(["practice"], date(2028, 2, 4)) == OBS_KIND_MISSING
    assert status([direct], date(2028, 2, 4)) == OBS_DUE
    assert status(["practice", "practice"], date(2028, 3, 1)) == OBS_KIND_MISSING
    assert status([direct], date(2028, 4, 1)) == OBS_MISSED
    line = observation_line([direct], 1, date(2027, 7, 1), year, rule)
    assert (line.held, line.booked, line.required_held) == (1, 1, True)


def sunderland_person(name: str, start: date | None, category: str = "case_holding") -> RosterEntry:
    return RosterEntry(
        line=2, supervisee_email=f"{name}@example-council.gov.uk", supervisee_name=name.title(),
        supervisor_email="sue@example-council.gov.uk", supervisor_name="Sue",
        line_manager_email="lm@example-council.gov.uk", line_manager_name="Lm", team="T",
        category=category, start_date=start,
    )  # fmt: skip


def test_sunderland_schedule_holds_appraisal_and_agreement_reviews() -> None:
    # Sunderland 4.3: the January schedule records the appraisal date; appendix 1: the agreement
    # is made when supervision starts and reviewed six-monthly from then. An NQSW starting
    # 4 January 2027 has their first review in July 2027 and appraisal in January 2028; a
    # colleague in post since 15 March 2019 has reviews in March and September and the
    # appraisal in March: each person's own dates, not one month for everyone.
    nia = sunderland_person("nia", date(2027, 1, 4), "nqsw")
    olu = sunderland_person("olu", date(2019, 3, 15))
    plan = plan_year([nia, olu], load_policy("sunderland"), 2027)

    def events(name: str) -> list[tuple[str, int]]:
        return sorted(
            (s.type, s.start.month)
            for s in plan.sessions
            if s.type != "supervision" and s.supervisee_name == name
        )

    assert events("Nia") == [("agreement review", 7)]
    assert events("Olu") == [("agreement review", 3), ("agreement review", 9), ("appraisal", 3)]
    titles = {s.title for s in plan.series if s.type != "supervision"}
    assert titles == {"Appraisal", "Supervision agreement review"}
    sessions = {(s.start, s.end) for s in plan.supervision}
    for s in plan.sessions:
        if s.type != "supervision":  # never on top of a session, always on a working day
            assert not any(a < s.end and s.start < b for a, b in sessions)
            assert s.start.weekday() < 5
            if s.supervisee_name == "Nia":
                assert s.start.date() >= date(2027, 1, 4)


def test_sunderland_appraisals_without_start_dates_are_spread_over_the_year() -> None:
    # Sunderland 4.3: appraisal dates recorded per person; with no start_date on the roster
    # the toolkit still does not put everyone's appraisal in one month.
    people = [sunderland_person(f"p{i}", None) for i in range(12)]
    plan = plan_year(people, load_policy("sunderland"), 2027)
    appraisals = [s for s in plan.sessions if s.type == "appraisal"]
    assert len(appraisals) == 12  # one each
    assert len({s.start.month for s in appraisals}) > 3
    for person in people:  # two reviews, six months apart
        reviews = sorted(
            s.start.month for s in plan.sessions
            if s.type == "agreement review" and s.supervisee_email == person.supervisee_email
        )  # fmt: skip
        assert len(reviews) == 2 and reviews[1] - reviews[0] == 6
