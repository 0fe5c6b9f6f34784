"""Working days: weekends, bank holidays with substitute days (holidays package), closures."""

from __future__ import annotations

from datetime import date

import pytest

from gworkspace_supervision.domain.workdays import WorkingDays


@pytest.fixture(scope="module")
def england() -> WorkingDays:
    return WorkingDays("ENG")


def test_record_due_counts_from_the_day_after_over_christmas_and_new_year(
    england: WorkingDays,
) -> None:
    # Hillingdon 4.4: within 5 working days. 27, 28 Dec 2027 and 3 Jan 2028 are substitute days.
    assert england.add_working_days(date(2027, 12, 23), 5) == date(2028, 1, 4)


def test_substitute_days_are_not_working_days(england: WorkingDays) -> None:
    for day in (date(2027, 12, 27), date(2027, 12, 28), date(2028, 1, 3)):
        assert not england.is_working_day(day)
        assert "(observed)" in (england.reason_closed(day) or "")
    assert england.is_working_day(date(2027, 12, 29))


def test_easter_2027(england: WorkingDays) -> None:
    assert england.reason_closed(date(2027, 3, 26)) == "Good Friday (bank holiday)"
    assert england.reason_closed(date(2027, 3, 29)) == "Easter Monday (bank holiday)"
    assert england.shift(date(2027, 3, 26), "next") == date(2027, 3, 30)
    assert england.shift(date(2027, 3, 29), "previous") == date(2027, 3, 25)


def test_weekend_reason_and_plain_working_day(england: WorkingDays) -> None:
    assert england.reason_closed(date(2027, 1, 9)) == "Saturday"
    assert england.reason_closed(date(2027, 1, 11)) is None


def test_closure_days_and_regions() -> None:
    closed = WorkingDays("ENG", [date(2027, 12, 29)])
    assert closed.reason_closed(date(2027, 12, 29)) == "organisation closure day"
    assert closed.add_working_days(date(2027, 12, 23), 5) == date(2028, 1, 5)
    # Scotland keeps 2 January and St Andrew's Day; England does not.
    scotland = WorkingDays("SCT")
    assert not scotland.is_working_day(date(2029, 1, 2))
    assert WorkingDays("ENG").is_working_day(date(2029, 1, 2))


def test_working_days_between(england: WorkingDays) -> None:
    assert england.working_days_between(date(2027, 12, 23), date(2028, 1, 4)) == 5
    assert england.working_days_between(date(2028, 1, 4), date(2027, 12, 23)) == -5
    assert england.working_days_between(date(2027, 1, 4), date(2027, 1, 4)) == 0
