"""The Calendar serializer and recurrence helpers: the only code that knows Calendar's JSON."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from gworkspace_supervision.domain.people import PairPeople
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.series import Series, expand, weekly_rule
from gworkspace_supervision.google.calendar import (
    APP,
    event_hash,
    event_to_booking,
    expand_recurrence,
    series_to_event,
    truncate_recurrence,
)
from gworkspace_supervision.google.sessions import session_from
from gworkspace_supervision.services.booking import future_part, subtract

LONDON = ZoneInfo("Europe/London")


def fields_of(cls: type) -> set[str]:
    return {f.name for f in fields(cls)}


def series(**changes: object) -> Series:
    start = datetime(2027, 1, 5, 10, 0, tzinfo=LONDON)
    base = Series(
        series_id="sup0123456789abcdef",
        pair_id="pair01",
        people=PairPeople(
            supervisee_email="sam.patel@example-council.gov.uk",
            supervisee_name="Sam Patel",
            supervisor_email="ella.singh@example-council.gov.uk",
            supervisor_name="Ella Singh",
            line_manager_email="ella.singh@example-council.gov.uk",
            category="case_holding",
            location="Civic Centre room 4",
        ),
        phase="four-weekly",
        cadence="four-weekly",
        start=start,
        duration=timedelta(minutes=90),
        rrule=weekly_rule(4, 1, 13),
        exdates=(datetime(2027, 5, 25, 10, 0, tzinfo=LONDON),),
        rdates=(datetime(2027, 5, 26, 10, 0, tzinfo=LONDON),),
        plan_hash="abc",
        session_ids=(),
    )
    people = {k: changes.pop(k) for k in list(changes) if k in fields_of(PairPeople)}
    return replace(base, people=replace(base.people, **people), **changes)  # type: ignore[arg-type]


def test_event_body_names_the_pair_and_tags_the_series() -> None:
    body = series_to_event(series(), load_policy("hillingdon"), year=2027)
    assert body["id"] == "sup0123456789abcdef"
    assert body["summary"] == "Supervision: Sam Patel / Ella Singh"
    assert body["start"] == {"dateTime": "2027-01-05T10:00:00", "timeZone": "Europe/London"}
    assert body["end"] == {"dateTime": "2027-01-05T11:30:00", "timeZone": "Europe/London"}
    assert body["attendees"] == [
        {"email": "sam.patel@example-council.gov.uk", "displayName": "Sam Patel"}
    ]
    assert body["recurrence"][0] == "RRULE:FREQ=WEEKLY;INTERVAL=4;BYDAY=TU;COUNT=13"
    assert body["location"] == "Civic Centre room 4"
    private = body["extendedProperties"]["private"]
    assert private["app"] == APP and private["pair"] == "pair01" and private["year"] == "2027"
    assert private["hash"] == event_hash(series())
    assert (
        "four-weekly" in body["description"]
        and "Hillingdon Supervision Framework 4.4" in body["description"]
    )


def test_read_back_expands_like_the_plan_across_bst() -> None:
    s = series()
    body = series_to_event(s, load_policy("hillingdon"))
    body["status"] = "confirmed"
    booking = event_to_booking(body, "ella.singh@example-council.gov.uk")
    assert booking.series_key == s.series_id and booking.plan_hash == event_hash(s)
    assert booking.occurrences() == expand(s)
    assert {o.hour for o in booking.occurrences()} == {10}  # GMT and BST alike


def test_truncation_keeps_the_past_and_nothing_after_the_cut() -> None:
    s = series()
    cut = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)
    lines = truncate_recurrence(s.recurrence(), "Europe/London", cut)
    assert lines[0].endswith("UNTIL=20270501T115959Z") and "COUNT" not in lines[0]
    assert not any(line.startswith("RDATE") for line in lines)  # the 26 May move was future
    kept = expand_recurrence(s.start, lines, "Europe/London")
    assert kept == [o for o in expand(s) if o < cut]


def test_future_part_is_one_rrule_that_expands_to_the_remaining_sessions() -> None:
    s = series()
    now = datetime(2027, 4, 1, tzinfo=UTC)
    tail = future_part(s, now)
    assert tail is not None and tail.rrule.startswith("FREQ=WEEKLY;INTERVAL=4;BYDAY=TU")
    assert expand(tail) == [o for o in expand(s) if o >= now]
    assert future_part(s, datetime(2028, 1, 1, tzinfo=UTC)) is None
    assert future_part(s, datetime(2026, 1, 1, tzinfo=UTC)) is s


def test_our_own_sessions_are_cut_out_of_busy_time() -> None:
    t = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
    hour = timedelta(hours=1)
    busy = [(t, t + 3 * hour)]
    assert subtract(busy, [(t + hour, t + 2 * hour)]) == [
        (t, t + hour),
        (t + 2 * hour, t + 3 * hour),
    ]
    assert subtract(busy, [(t, t + 3 * hour)]) == []
    assert subtract(busy, []) == busy


def test_a_folded_series_tags_its_phases_and_each_instance_reads_its_own() -> None:
    folded = series(
        category="probation",
        phase="probation_fortnightly",
        cadence="fortnightly to 3 months, then monthly",
        phases=(
            ("probation_fortnightly", "20270105T100000Z"),
            ("probation_monthly", "20270406T090000Z"),
        ),
    )
    body = series_to_event(folded, load_policy("hillingdon"))
    private = body["extendedProperties"]["private"]
    assert private["phase"] == "probation_fortnightly"
    assert (
        private["phases"]
        == "probation_fortnightly@20270105T100000Z,probation_monthly@20270406T090000Z"
    )
    assert (
        "(probation_fortnightly, then probation_monthly), fortnightly to 3 months, then monthly"
        in body["description"]
    )
    for instance, phase in (
        ("20270119T100000Z", "probation_fortnightly"),
        ("20270406T090000Z", "probation_monthly"),
        ("20270504T090000Z", "probation_monthly"),
    ):
        item = {"id": f"{folded.series_id}_{instance}", "recurringEventId": folded.series_id}
        item |= {"extendedProperties": body["extendedProperties"], "status": "confirmed"}
        item |= {"start": body["start"], "end": body["end"]}
        assert session_from(item, "ella.singh@example-council.gov.uk").phase == phase
    assert "phases" not in series_to_event(series(), None)["extendedProperties"]["private"]


def test_future_part_never_puts_an_rdate_before_its_start() -> None:
    # a folded series: fortnightly rule, the weekly phase's other sessions as RDATEs
    weekly = tuple(
        datetime(2027, 1, 12, 10, tzinfo=LONDON) + timedelta(weeks=2 * k) for k in range(3)
    )
    s = series(rrule=weekly_rule(2, 1, 10), exdates=(), rdates=weekly)
    now = datetime(2027, 1, 11, tzinfo=UTC)
    tail = future_part(s, now)
    assert tail is not None and expand(tail) == [o for o in expand(s) if o >= now]
    assert all(r >= tail.start for r in tail.rdates)
