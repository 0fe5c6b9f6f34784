"""Pins: a booked pair keeps its slot when the roster around it changes (issue 12: nobody is
re-booked unless the command is about them). Pure planner tests; the Calendar side is in
tests/flows/test_stable_booking.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from gworkspace_supervision.domain.events import SUPERVISION
from gworkspace_supervision.domain.pins import Pin
from gworkspace_supervision.domain.planner import Plan, plan_year
from gworkspace_supervision.domain.policy import Policy, load_policy
from gworkspace_supervision.domain.roster import RosterEntry, load_roster
from gworkspace_supervision.services.demo import example_roster

YEAR = 2027


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy("hillingdon")


@pytest.fixture(scope="module")
def roster(policy: Policy) -> list[RosterEntry]:
    return list(load_roster(example_roster(), policy, None))


def booked_as(plan: Plan) -> list[Pin]:
    """What `book` reads back from the calendars after booking `plan`, as pins."""
    sessions: dict[str, frozenset] = {}
    for s in plan.sessions:
        sessions[s.series_id] = sessions.get(s.series_id, frozenset()) | {s.start}
    out = []
    for s in plan.series:
        local = s.start.astimezone(plan.policy.tz)
        series = "" if s.type == SUPERVISION else s.series_id
        out.append(Pin(s.supervisee_email, s.supervisor_email, local.date(), local.time(),
                       series, sessions[s.series_id]))  # fmt: skip
    return out


def written(plan: Plan) -> dict[str, str]:
    """Every series as Calendar holds it: id -> hash of everything written."""
    return {s.series_id: s.plan_hash for s in plan.series}


def test_pins_of_a_plan_give_the_same_plan(roster: list[RosterEntry], policy: Policy) -> None:
    plan = plan_year(roster, policy, YEAR)
    again = plan_year(roster, policy, YEAR, pinned=booked_as(plan))
    assert written(again) == written(plan)
    assert {s.session_id for s in again.sessions} == {s.session_id for s in plan.sessions}


def test_a_starter_leaves_every_booked_series_as_it_is(
    roster: list[RosterEntry], policy: Policy
) -> None:
    plan = plan_year(roster, policy, YEAR)
    model = next(e for e in roster if e.category == "case_holding")
    starter = replace(model, supervisee_email="new.starter@example-council.gov.uk",
                      supervisee_name="New Starter", start_date=date(YEAR, 3, 15), line=999)  # fmt: skip
    grown = plan_year([*roster, starter], policy, YEAR, pinned=booked_as(plan))
    before, after = written(plan), written(grown)
    assert {k: after.get(k) for k in before} == before
    assert {s.supervisee_email for s in grown.series if s.series_id not in before} == {
        starter.supervisee_email
    }
    # without the pins the same edit moves other people (the bug this fixes)
    fresh = written(plan_year([*roster, starter], policy, YEAR))
    assert {k: fresh.get(k) for k in before} != before


def test_a_changed_supervisor_is_placed_anew_and_moves_nobody_else(
    roster: list[RosterEntry], policy: Policy
) -> None:
    plan = plan_year(roster, policy, YEAR)
    holders = [e for e in roster if e.category == "case_holding"]
    mover = holders[1]
    other = next(
        e.supervisor_email for e in holders if e.supervisor_email != mover.supervisor_email
    )
    moved = [replace(e, supervisor_email=other) if e is mover else e for e in roster]
    after = written(plan_year(moved, policy, YEAR, pinned=booked_as(plan)))
    changed = {s.supervisee_email for s in plan.series if after.get(s.series_id) != s.plan_hash}
    assert changed == {mover.supervisee_email}


def test_a_pinned_slot_now_taken_is_replaced_not_double_booked(
    roster: list[RosterEntry], policy: Policy
) -> None:
    """Two pairs of one supervisor pinned to the same slot (e.g. booked by hand by two
    runs): the second cannot have it and is placed elsewhere."""
    plan = plan_year(roster, policy, YEAR)
    pins = booked_as(plan)
    sup = next(e.supervisor_email for e in roster if e.category == "case_holding")
    mine = [p for p in pins if p.supervisor_email == sup and not p.series]
    assert len(mine) >= 2
    clash = [replace(p, day=mine[0].day, at=mine[0].at, sessions=mine[0].sessions)
             if p is mine[1] else p for p in pins]  # fmt: skip
    again = plan_year(roster, policy, YEAR, pinned=clash)
    starts = [(s.start, s.end) for s in again.sessions if s.supervisor_email == sup]
    starts.sort()
    assert all(a[1] <= b[0] for a, b in zip(starts, starts[1:], strict=False))
