"""Rearranging a cancelled session (Hillingdon 3.3): the slot search and the tracker's status."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.rearrange import (
    NOT_REARRANGED,
    PENDING,
    REARRANGED,
    earliest_free_slot,
    last_rearrange_date,
    rearrangement_event_id,
    rearrangement_status,
)

LONDON = ZoneInfo("Europe/London")
POLICY = load_policy("hillingdon")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def test_window_is_five_calendar_days_after_the_cancelled_date() -> None:
    assert str(last_rearrange_date(at("2027-03-24T10:00"), POLICY)) == "2027-03-29"


def test_slot_skips_bank_holidays_weekends_and_busy_time_and_keeps_a_lead() -> None:
    # Cancelled Wed 24 Mar 2027 10:00; now Thu 25 Mar 16:00. Easter 2027: Good Friday 26 Mar,
    # Easter Monday 29 Mar: so the window (to Mon 29 Mar) has no working day left after Thu,
    # and Thu has no 90 minutes left before 17:00 two hours from now.
    cancelled = at("2027-03-24T10:00")
    assert earliest_free_slot(cancelled, at("2027-03-25T16:00"), [], POLICY) is None
    # Asked on Tue 23 Mar 08:00: the earliest is 10:00 (two hours' lead), then around busy time.
    now = at("2027-03-23T08:00")
    assert earliest_free_slot(cancelled, now, [], POLICY) == (
        at("2027-03-23T10:00"),
        at("2027-03-23T11:30"),
    )
    busy = [
        (at("2027-03-23T10:30"), at("2027-03-23T16:00")),
        (at("2027-03-24T09:00"), at("2027-03-24T09:30")),
    ]
    assert earliest_free_slot(cancelled, now, busy, POLICY) == (
        at("2027-03-24T09:30"),
        at("2027-03-24T11:00"),
    )


def test_slot_times_stay_in_london_time_across_bst() -> None:
    # Clocks go forward Sun 28 Mar 2027. Busy given in UTC; the slot is 09:00 London (08:00 UTC).
    utc = ZoneInfo("UTC")
    cancelled = at("2027-03-30T10:00")
    busy = [(datetime(2027, 3, 30, 9, 0, tzinfo=utc), datetime(2027, 3, 31, 8, 0, tzinfo=utc))]
    start, end = earliest_free_slot(cancelled, at("2027-03-29T17:00"), busy, POLICY) or (None, None)
    assert start == at("2027-03-31T09:00") and start.utcoffset() == timedelta(hours=1)
    assert end == at("2027-03-31T10:30")


def test_status_rules() -> None:
    cancelled_at = at("2027-02-01T08:00")
    session = at("2027-02-01T10:00")
    within = at("2027-02-05T14:00")  # Fri 5 Feb: 4 days later
    sixth = at("2027-02-08T09:00")  # Mon 8 Feb: 7 days later
    assert (
        rearrangement_status(cancelled_at, session, None, at("2027-02-02T07:59"), POLICY) == PENDING
    )
    assert (
        rearrangement_status(cancelled_at, session, None, at("2027-02-02T08:01"), POLICY)
        == NOT_REARRANGED
    )
    assert (
        rearrangement_status(cancelled_at, session, within, at("2027-02-03T08:00"), POLICY)
        == REARRANGED
    )
    assert (
        rearrangement_status(cancelled_at, session, at("2027-02-06T09:00"), cancelled_at, POLICY)
        == REARRANGED
    )
    assert (
        rearrangement_status(cancelled_at, session, sixth, cancelled_at, POLICY) == NOT_REARRANGED
    )
    late = at("2027-02-02T09:00")  # booked 25 hours after the cancellation
    assert (
        rearrangement_status(cancelled_at, session, within, late, POLICY, replaced_at=late)
        == NOT_REARRANGED
    )


def test_event_id_is_stable_base32hex() -> None:
    one = rearrangement_event_id("abc_20270201T100000Z")
    assert one == rearrangement_event_id("abc_20270201T100000Z")
    assert one != rearrangement_event_id("abc_20270301T100000Z")
    assert re.fullmatch(r"[a-v0-9]{5,1024}", one)
