"""The days `daily` works out: how far records go, and which week's digest is due."""

from __future__ import annotations

from datetime import date

import pytest

from gworkspace_supervision.domain.workdays import WorkingDays
from gworkspace_supervision.errors import InputError
from gworkspace_supervision.services.daily import digest_day, records_through
from gworkspace_supervision.settings import parse_settings

ENGLAND = WorkingDays("ENG", set())


@pytest.mark.parametrize(
    ("today", "through"),
    [
        (date(2027, 3, 3), date(2027, 3, 4)),  # Wednesday: Thursday
        (date(2027, 3, 5), date(2027, 3, 8)),  # Friday: Monday's sessions get records too
        (date(2027, 3, 6), date(2027, 3, 8)),  # Saturday: Monday
        (date(2027, 3, 25), date(2027, 3, 30)),  # before Good Friday and Easter Monday 2027
    ],
)
def test_records_go_to_the_end_of_the_next_working_day(today: date, through: date) -> None:
    assert records_through(today, ENGLAND) == through


def test_the_digest_day_is_the_latest_configured_weekday_this_week() -> None:
    assert digest_day(date(2027, 3, 15), "monday") == date(2027, 3, 15)  # the day itself
    assert digest_day(date(2027, 3, 16), "monday") == date(2027, 3, 15)  # missed: caught up
    assert digest_day(date(2027, 3, 21), "monday") == date(2027, 3, 15)  # Sunday
    assert digest_day(date(2027, 3, 15), "friday") == date(2027, 3, 12)  # last week's Friday
    assert digest_day(date(2027, 3, 15), "off") is None


def test_the_digest_weekday_setting() -> None:
    assert parse_settings({}, "s.toml").supervision.digest_weekday == "monday"
    given = {"supervision": {"digest_weekday": "Friday"}}
    assert parse_settings(given, "s.toml").supervision.digest_weekday == "friday"
    off = {"supervision": {"digest_weekday": "off"}}
    assert parse_settings(off, "s.toml").supervision.digest_weekday == "off"
    with pytest.raises(InputError, match="supervision.digest_weekday"):
        parse_settings({"supervision": {"digest_weekday": "fortnightly"}}, "s.toml")
