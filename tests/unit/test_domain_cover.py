"""Absence cover's pure rules (Hillingdon Supervision Framework 3.4): who may cover, and where
a cover session is placed (free for both, working hours, the colleague's daily limit)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from gworkspace_supervision.domain.cover import (
    CoverWindow,
    check_not_own_supervisee,
    check_window,
    cover_event_id,
    place_cover,
)
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import RosterEntry
from gworkspace_supervision.errors import InputError

POLICY = load_policy("hillingdon")  # 09:00-17:00, 90 minutes, at most 2 a day, 5 days
TZ = POLICY.tz
D = "example-council.gov.uk"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 3, day, hour, minute, tzinfo=TZ)  # March 2027: 15th is a Monday


NOW = at(1, 9)
OWN = (at(16, 10), at(16, 11, 30))  # Tuesday 16 March 10:00-11:30


def entry(supervisee: str, supervisor: str, line: int = 2) -> RosterEntry:
    name = supervisee.split("@")[0].replace(".", " ").title()
    return RosterEntry(
        line=line, supervisee_email=supervisee, supervisee_name=name,
        supervisor_email=supervisor, supervisor_name=supervisor.split("@")[0].title(),
        line_manager_email=f"lena@{D}", line_manager_name="Lena", team="A",
        category="case_holding",
    )  # fmt: skip


def test_the_sessions_own_time_when_it_is_free() -> None:
    placed = place_cover(*OWN, [], {}, POLICY, NOW)
    assert placed is not None and (placed.start, placed.end) == OWN and placed.moved_from is None


def test_the_nearest_free_time_that_day_when_its_own_is_taken() -> None:
    busy = [(at(16, 9, 30), at(16, 11))]  # the colleague's own session overlaps
    placed = place_cover(*OWN, busy, {}, POLICY, NOW)
    assert placed is not None and placed.start == at(16, 11)  # 30 minutes after, nearest
    assert placed.moved_from == OWN[0] and placed.end - placed.start == timedelta(minutes=90)


def test_a_full_day_moves_it_to_the_next_working_day() -> None:
    placed = place_cover(*OWN, [], {date(2027, 3, 16): 2}, POLICY, NOW)  # the daily limit
    assert placed is not None and placed.start.date() == date(2027, 3, 17)
    assert placed.start.time() == POLICY.working_hours[0]


def test_weekends_and_the_past_are_skipped() -> None:
    friday = (at(19, 16), at(19, 17, 30))  # ends after working hours: never placed as is
    placed = place_cover(*friday, [], {date(2027, 3, 19): 2}, POLICY, NOW)
    assert placed is not None and placed.start.date() == date(2027, 3, 22)  # Monday
    late = place_cover(*OWN, [], {}, POLICY, at(16, 15))  # now is 15:00 that day
    assert late is not None and late.start >= at(16, 15) and late.start.date() == date(2027, 3, 16)


def test_none_when_nothing_is_free_within_the_limit() -> None:
    whole = [(at(16, 0), at(23, 0))]
    assert place_cover(*OWN, whole, {}, POLICY, NOW) is None


def test_a_supervisee_cannot_cover_their_own_supervisor() -> None:
    sam, pri = f"sam@{D}", f"priyanka.sandhu@{D}"
    roster = [entry(pri, sam, 7), entry(f"dan@{D}", pri, 8), entry(sam, f"lena@{D}", 9)]
    with pytest.raises(InputError, match="Priyanka Sandhu .* cannot hold their own supervision"):
        check_not_own_supervisee(CoverWindow(sam, pri, date(2027, 3, 1), date(2027, 3, 5)), roster)
    check_not_own_supervisee(CoverWindow(sam, f"lena@{D}", date(2027, 3, 1), date(2027, 3, 5)),
                             roster)  # fmt: skip


def test_window_rules_and_stable_ids() -> None:
    with pytest.raises(InputError):
        check_window(f"sam@{D}", f"SAM@{D}", date(2027, 3, 1), date(2027, 3, 5))
    with pytest.raises(InputError):
        check_window(f"sam@{D}", f"tom@{D}", date(2027, 3, 5), date(2027, 3, 1))
    assert cover_event_id("abc_20270316T100000Z") == cover_event_id("abc_20270316T100000Z")
    assert set(cover_event_id("x")) <= set("0123456789abcdefghijklmnopqrstuv")
