"""Where Google Calendar is stricter than the obvious implementation, the local Calendar is too:
cancelled exceptions in their minimal shape, RDATEs past the rule's end, freebusy limits.
Each test names its source."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

SUP = "sam.super@example-council.gov.uk"
SEE = "vic.visor@example-council.gov.uk"
LONDON = "Europe/London"
TAGS = {"private": {"app": "gws-supervision", "pair": "p1"}}
MINIMAL = {"kind", "etag", "id", "status", "recurringEventId", "originalStartTime"}


def series(cal: Any, recurrence: list[str], **extra: Any) -> dict[str, Any]:
    body = {
        "summary": "Supervision",
        "start": {"dateTime": "2027-03-17T10:00:00", "timeZone": LONDON},
        "end": {"dateTime": "2027-03-17T11:00:00", "timeZone": LONDON},
        "recurrence": recurrence,
        "attendees": [{"email": SEE}],
        **extra,
    }
    return cal.events().insert(calendarId="primary", body=body).execute()


def starts(cal: Any, **params: Any) -> list[str]:
    items = cal.events().list(calendarId="primary", singleEvents=True, **params).execute()
    return [i["start"]["dateTime"][:16] for i in items["items"]]


# -- cancelled exceptions -----------------------------------------------------------------------
def test_cancelled_exception_has_only_id_series_and_original_start(calendar_for):
    """Events reference, Event.status (developers.google.com/workspace/calendar/api/v3/
    reference/events, and the discovery document google-api-python-client ships): "Cancelled
    exceptions are only guaranteed to have values for the id, recurringEventId and
    originalStartTime fields populated. The other fields might be empty." Real listings show
    exactly {kind, etag, id, status, recurringEventId, originalStartTime} (issue 11)."""
    cal = calendar_for(SUP)
    master = series(cal, ["RRULE:FREQ=WEEKLY;COUNT=4"], extendedProperties=TAGS)
    gone = f"{master['id']}_20270324T100000Z"
    cal.events().delete(calendarId="primary", eventId=gone).execute()
    original = {"dateTime": "2027-03-24T10:00:00Z", "timeZone": LONDON}

    listed = cal.events().list(calendarId="primary", singleEvents=True, showDeleted=True)
    cancelled = [i for i in listed.execute()["items"] if i["status"] == "cancelled"]
    assert len(cancelled) == 1 and set(cancelled[0]) == MINIMAL
    assert cancelled[0]["recurringEventId"] == master["id"]
    assert cancelled[0]["originalStartTime"] == original

    plain = cal.events().list(calendarId="primary", showDeleted=True).execute()["items"]
    assert [set(i) for i in plain if i["status"] == "cancelled"] == [MINIMAL]
    instances = cal.events().instances(calendarId="primary", eventId=master["id"], showDeleted=True)
    assert [set(i) for i in instances.execute()["items"] if i["status"] == "cancelled"] == [MINIMAL]
    got = cal.events().get(calendarId="primary", eventId=gone).execute()
    assert set(got) == MINIMAL and got["originalStartTime"] == original
    # the live instances keep everything, tags included
    live = [i for i in listed.execute()["items"] if i["status"] == "confirmed"]
    assert all(i["extendedProperties"] == TAGS for i in live) and len(live) == 3


def test_cancelled_exception_matches_no_extended_property_filter(calendar_for):
    """The same source: a cancelled exception carries no extendedProperties, so a
    privateExtendedProperty (or sharedExtendedProperty, or q) filter never returns it; only an
    unfiltered listing (or events.instances) shows it."""
    cal = calendar_for(SUP)
    shared = {**TAGS, "shared": {"app": "gws-supervision"}}
    master = series(cal, ["RRULE:FREQ=WEEKLY;COUNT=3"], extendedProperties=shared)
    gone = f"{master['id']}_20270324T100000Z"
    cal.events().patch(calendarId="primary", eventId=gone, body={"status": "cancelled"}).execute()
    for params in (
        {"privateExtendedProperty": "app=gws-supervision"},
        {"sharedExtendedProperty": "app=gws-supervision"},
        {"q": "Supervision"},
    ):
        for single in (True, False):
            items = (
                cal.events()
                .list(calendarId="primary", showDeleted=True, singleEvents=single, **params)
                .execute()["items"]
            )
            assert gone not in {i["id"] for i in items}, params
            assert items, params  # the live ones still match
    unfiltered = cal.events().list(calendarId="primary", showDeleted=True, singleEvents=True)
    assert gone in {i["id"] for i in unfiltered.execute()["items"]}


def test_restored_instance_is_whole_again(calendar_for):
    """Only a cancelled exception is minimal: patching it back to confirmed shows it whole."""
    cal = calendar_for(SUP)
    master = series(cal, ["RRULE:FREQ=WEEKLY;COUNT=2"], extendedProperties=TAGS)
    one = f"{master['id']}_20270324T100000Z"
    cal.events().delete(calendarId="primary", eventId=one).execute()
    back = cal.events().patch(calendarId="primary", eventId=one, body={"status": "confirmed"})
    assert back.execute()["extendedProperties"] == TAGS
    got = cal.events().get(calendarId="primary", eventId=one).execute()
    assert got["start"]["dateTime"] == "2027-03-24T10:00:00Z" and got["summary"] == "Supervision"


# -- RDATE past the rule's end ------------------------------------------------------------------
def test_rdate_after_count_or_until_end_is_not_shown(calendar_for):
    """esrg-knights/Squire issue 107, "Google Calendar does not display RDATEs occurring after
    an RRULEs UNTIL": a weekly rule until a date plus RDATEs after it shows the rule's
    occurrences only. The same for COUNT; an RDATE before the end is shown."""
    cal = calendar_for(SUP)
    series(cal, ["RRULE:FREQ=WEEKLY;COUNT=2", "RDATE;TZID=Europe/London:20270320T100000,"
                 "20270410T100000"])  # fmt: skip
    assert starts(cal) == ["2027-03-17T10:00", "2027-03-20T10:00", "2027-03-24T10:00"]
    cal2 = calendar_for("ann.other@example-council.gov.uk")
    series(cal2, ["RRULE:FREQ=WEEKLY;UNTIL=20270325T000000Z",
                  "RDATE;TZID=Europe/London:20270331T100000"])  # fmt: skip
    assert starts(cal2) == ["2027-03-17T10:00", "2027-03-24T10:00"]


def test_rdate_after_until_value_but_before_no_occurrence_is_not_shown(calendar_for):
    """The same report, read strictly where it is ambiguous: the rule ends at its last
    generated occurrence, not at an UNTIL stretched past it. (An EXDATE on that last occurrence
    does not shorten it: what the report shows; the toolkit never depends on either.)"""
    cal = calendar_for(SUP)
    series(
        cal,
        ["RRULE:FREQ=WEEKLY;UNTIL=20270330T000000Z",
         "RDATE;TZID=Europe/London:20270326T100000,20270329T100000"],
    )  # fmt: skip
    assert starts(cal) == ["2027-03-17T10:00", "2027-03-24T10:00"]
    other = calendar_for("ann.other@example-council.gov.uk")
    series(
        other,
        ["RRULE:FREQ=WEEKLY;COUNT=3", "EXDATE;TZID=Europe/London:20270331T100000",
         "RDATE;TZID=Europe/London:20270330T100000"],
    )  # fmt: skip
    assert starts(other) == ["2027-03-17T10:00", "2027-03-24T10:00", "2027-03-30T10:00"]


# -- freebusy limits ----------------------------------------------------------------------------
def test_freebusy_span_over_90_days_is_400(calendar_for):
    """Google answers 400 "The requested time range is too long." past 90 days (calcom/cal.diy
    pull request 11696, and 11962: "The Google /freeBusy endpoint has a maximum time span of
    90 days")."""
    cal = calendar_for(SUP)
    items = [{"id": SEE}]
    ok = {"timeMin": "2027-01-01T00:00:00Z", "timeMax": "2027-04-01T00:00:00Z", "items": items}
    assert cal.freebusy().query(body=ok).execute()["calendars"][SEE]["busy"] == []  # 90 days
    long = {**ok, "timeMax": "2027-04-01T00:00:01Z"}
    with pytest.raises(HttpError) as err:
        cal.freebusy().query(body=long).execute()
    assert err.value.resp.status == 400
    assert b"The requested time range is too long." in err.value.content


def test_freebusy_more_than_50_calendars_is_400(calendar_for):
    """Freebusy: query reference (developers.google.com/workspace/calendar/api/v3/reference/
    freebusy/query): calendarExpansionMax "Maximum value is 50", error reason
    `tooManyCalendarsRequested` ("The number of calendars requested is too large for a single
    query"). We answer the whole query 400, the stricter of the two places Google may put it."""
    cal = calendar_for(SUP)
    people = [{"id": f"p{i}@example-council.gov.uk"} for i in range(51)]
    body = {"timeMin": "2027-01-01T00:00:00Z", "timeMax": "2027-01-08T00:00:00Z"}
    assert (
        len(cal.freebusy().query(body={**body, "items": people[:50]}).execute()["calendars"]) == 50
    )
    with pytest.raises(HttpError) as err:
        cal.freebusy().query(body={**body, "items": people}).execute()
    assert err.value.resp.status == 400
    assert b"tooManyCalendarsRequested" in err.value.content
