"""Recurring events in the local Calendar, through the real google-api-python-client."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

SUP = "sam.super@example-council.gov.uk"
SEE = "vic.visor@example-council.gov.uk"
LONDON = "Europe/London"


def series(cal: Any, recurrence: list[str], **extra: Any) -> dict[str, Any]:
    body = {
        "summary": "Supervision",
        "start": {"dateTime": "2027-03-17T10:00:00", "timeZone": LONDON},
        "end": {"dateTime": "2027-03-17T11:00:00", "timeZone": LONDON},
        "recurrence": recurrence,
        **extra,
    }
    return cal.events().insert(calendarId="primary", body=body).execute()


def singles(cal: Any, **params: Any) -> list[dict[str, Any]]:
    params.setdefault("calendarId", "primary")
    return cal.events().list(singleEvents=True, orderBy="startTime", **params).execute()["items"]


def test_weekly_series_keeps_local_time_across_march_and_october_bst_changes(calendar_for):
    cal = calendar_for(SUP)
    master = series(cal, ["RRULE:FREQ=WEEKLY;UNTIL=20271103T235959Z"])
    items = singles(cal, timeMin="2027-03-20T00:00:00Z", timeMax="2027-11-04T00:00:00Z")
    starts = {i["originalStartTime"]["dateTime"][:10]: i["start"]["dateTime"] for i in items}
    assert starts["2027-03-24"] == "2027-03-24T10:00:00Z"  # GMT
    assert starts["2027-03-31"] == "2027-03-31T10:00:00+01:00"  # BST from 28 March
    assert starts["2027-10-27"] == "2027-10-27T10:00:00+01:00"
    assert starts["2027-11-03"] == "2027-11-03T10:00:00Z"  # GMT again from 31 October
    ids = [i["id"] for i in items]
    assert f"{master['id']}_20270331T090000Z" in ids  # instance ids carry the UTC start
    assert f"{master['id']}_20271103T100000Z" in ids
    first = items[0]
    assert first["recurringEventId"] == master["id"]
    assert first["iCalUID"] == master["iCalUID"]
    assert "recurrence" not in first
    assert len(items) == 33


def test_exdate_and_rdate_with_tzid_and_utc(calendar_for):
    cal = calendar_for(SUP)
    master = series(
        cal,
        [
            "RRULE:FREQ=WEEKLY;COUNT=4",
            "EXDATE;TZID=Europe/London:20270324T100000",
            "EXDATE:20270331T090000Z",
            "RDATE;TZID=Europe/London:20270402T150000",
        ],
    )
    starts = [i["start"]["dateTime"] for i in singles(cal)]
    assert starts == [
        "2027-03-17T10:00:00Z",
        "2027-04-02T15:00:00+01:00",
        "2027-04-07T10:00:00+01:00",
    ]
    assert master["recurrence"][1].startswith("EXDATE;TZID=Europe/London")


def test_moved_and_cancelled_instances(calendar_for):
    cal = calendar_for(SUP)
    master = series(cal, ["RRULE:FREQ=WEEKLY;COUNT=4"])
    moved_id = f"{master['id']}_20270324T100000Z"
    gone_id = f"{master['id']}_20270331T090000Z"
    moved = (
        cal.events()
        .patch(
            calendarId="primary",
            eventId=moved_id,
            body={
                "start": {"dateTime": "2027-03-25T14:00:00", "timeZone": LONDON},
                "end": {"dateTime": "2027-03-25T15:00:00", "timeZone": LONDON},
            },
        )
        .execute()
    )
    assert moved["id"] == moved_id
    assert moved["recurringEventId"] == master["id"]
    assert moved["originalStartTime"] == {"dateTime": "2027-03-24T10:00:00Z", "timeZone": LONDON}
    assert moved["start"]["dateTime"] == "2027-03-25T14:00:00Z"
    cal.events().delete(calendarId="primary", eventId=gone_id).execute()

    shown = singles(cal)
    assert [i["id"] for i in shown] == [
        f"{master['id']}_20270317T100000Z",
        moved_id,
        f"{master['id']}_20270407T090000Z",
    ]
    with_deleted = singles(cal, showDeleted=True)
    assert {i["id"]: i["status"] for i in with_deleted}[gone_id] == "cancelled"

    # Without singleEvents: the master plus its exceptions (the cancelled one too), as Google.
    plain = cal.events().list(calendarId="primary").execute()["items"]
    assert [(i["id"], i["status"]) for i in plain] == [
        (master["id"], "confirmed"),
        (moved_id, "confirmed"),
        (gone_id, "cancelled"),
    ]
    assert (
        cal.events().get(calendarId="primary", eventId=gone_id).execute()["status"] == "cancelled"
    )
    with pytest.raises(HttpError) as err:
        cal.events().delete(calendarId="primary", eventId=gone_id).execute()
    assert err.value.resp.status == 410

    instances = cal.events().instances(calendarId="primary", eventId=master["id"]).execute()
    assert [i["id"] for i in instances["items"]] == [i["id"] for i in shown]
    # A change to the series still reaches the moved instance's untouched fields.
    cal.events().patch(
        calendarId="primary", eventId=master["id"], body={"summary": "ESR"}
    ).execute()
    again = cal.events().get(calendarId="primary", eventId=moved_id).execute()
    assert again["summary"] == "ESR"
    assert again["start"]["dateTime"] == "2027-03-25T14:00:00Z"


def test_instance_of_a_time_the_rule_does_not_produce_is_404(calendar_for):
    cal = calendar_for(SUP)
    master = series(cal, ["RRULE:FREQ=WEEKLY;COUNT=2"])
    with pytest.raises(HttpError) as err:
        cal.events().get(calendarId="primary", eventId=f"{master['id']}_20270318T100000Z").execute()
    assert err.value.resp.status == 404


def test_recurring_event_needs_a_time_zone(calendar_for):
    cal = calendar_for(SUP)
    body = {
        "start": {"dateTime": "2027-03-17T10:00:00Z"},
        "end": {"dateTime": "2027-03-17T11:00:00Z"},
        "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=2"],
    }
    with pytest.raises(HttpError) as err:
        cal.events().insert(calendarId="primary", body=body).execute()
    assert err.value.resp.status == 400
    assert b"Missing time zone definition" in err.value.content


def test_deleting_the_series_cancels_every_instance(calendar_for):
    cal = calendar_for(SUP)
    master = series(cal, ["RRULE:FREQ=WEEKLY;COUNT=3"])
    cal.events().delete(calendarId="primary", eventId=master["id"]).execute()
    assert singles(cal) == []
    assert cal.events().list(calendarId="primary").execute()["items"] == []
    gone = cal.events().list(calendarId="primary", showDeleted=True).execute()["items"]
    assert [(i["id"], i["status"]) for i in gone] == [(master["id"], "cancelled")]


def test_all_day_series_and_window_overlap(calendar_for):
    cal = calendar_for(SUP)
    body = {
        "summary": "Closure",
        "start": {"date": "2027-12-27"},
        "end": {"date": "2027-12-28"},
        "recurrence": ["RRULE:FREQ=DAILY;COUNT=3"],
    }
    master = cal.events().insert(calendarId="primary", body=body).execute()
    items = singles(cal, timeMin="2027-12-28T12:00:00Z", timeMax="2028-01-10T00:00:00Z")
    assert [i["id"] for i in items] == [f"{master['id']}_20271228", f"{master['id']}_20271229"]
    assert items[0]["start"] == {"date": "2027-12-28"}
    assert items[0]["originalStartTime"] == {"date": "2027-12-28"}


def test_attendee_sees_the_series_on_their_calendar_and_in_freebusy(calendar_for):
    sup, see = calendar_for(SUP), calendar_for(SEE)
    master = series(
        sup,
        ["RRULE:FREQ=WEEKLY;COUNT=3"],
        attendees=[{"email": SEE}],
        extendedProperties={"private": {"app": "gws"}, "shared": {"pair": "p1"}},
    )
    theirs = singles(see)
    assert len(theirs) == 3
    assert theirs[0]["organizer"] == {"email": SUP}
    assert theirs[0]["attendees"][0]["self"] is True
    assert theirs[0]["extendedProperties"] == {"shared": {"pair": "p1"}}  # private stays with SUP
    got = see.events().get(calendarId="primary", eventId=master["id"]).execute()
    assert got["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=3"]
    with pytest.raises(HttpError) as err:
        see.events().patch(
            calendarId="primary", eventId=master["id"], body={"summary": "x"}
        ).execute()
    assert err.value.resp.status == 403

    sup.events().delete(calendarId="primary", eventId=f"{master['id']}_20270324T100000Z").execute()
    busy = (
        sup.freebusy()
        .query(
            body={
                "timeMin": "2027-03-01T00:00:00Z",
                "timeMax": "2027-04-30T00:00:00Z",
                "items": [{"id": SEE}, {"id": SUP}],
            }
        )
        .execute()
    )
    expected = [
        {"start": "2027-03-17T10:00:00Z", "end": "2027-03-17T11:00:00Z"},
        {"start": "2027-03-31T09:00:00Z", "end": "2027-03-31T10:00:00Z"},
    ]
    assert busy["calendars"][SEE]["busy"] == expected
    assert busy["calendars"][SUP]["busy"] == expected


def test_get_modify_put_round_trips_for_series_and_instance(calendar_for):
    cal = calendar_for(SUP)
    master = series(cal, ["RRULE:FREQ=WEEKLY;COUNT=6"], attendees=[{"email": SEE}])
    third = f"{master['id']}_20270331T090000Z"
    fifth = f"{master['id']}_20270414T090000Z"
    instance = cal.events().get(calendarId="primary", eventId=third).execute()
    instance["location"] = "Room 2"
    put = cal.events().update(calendarId="primary", eventId=third, body=instance).execute()
    assert put["location"] == "Room 2" and put["originalStartTime"]["dateTime"].startswith(
        "2027-03-31"
    )
    cal.events().delete(calendarId="primary", eventId=fifth).execute()

    # Truncate the series ("this and following" is: end the old one, start a new one).
    whole = cal.events().get(calendarId="primary", eventId=master["id"]).execute()
    whole["recurrence"] = ["RRULE:FREQ=WEEKLY;UNTIL=20270407T235959Z"]
    after = cal.events().update(calendarId="primary", eventId=master["id"], body=whole).execute()
    assert after["sequence"] == master["sequence"] + 1
    assert after["attendees"] == [{"email": SEE, "responseStatus": "needsAction"}]
    items = singles(cal, showDeleted=True)
    assert [i["start"]["dateTime"][:10] for i in items] == [
        "2027-03-17",
        "2027-03-24",
        "2027-03-31",
        "2027-04-07",
    ]
    assert items[2]["location"] == "Room 2"  # a surviving exception is kept
    plain = cal.events().list(calendarId="primary", showDeleted=True).execute()["items"]
    assert [i["id"] for i in plain] == [master["id"], third]  # the 5th's exception went with it


def test_sync_token_reports_instance_changes_and_instances_original_start(calendar_for):
    cal = calendar_for(SUP)
    master = series(cal, ["RRULE:FREQ=WEEKLY;COUNT=3"])
    token = cal.events().list(calendarId="primary").execute()["nextSyncToken"]
    second = f"{master['id']}_20270324T100000Z"
    cal.events().patch(calendarId="primary", eventId=second, body={"summary": "Moved"}).execute()
    changes = cal.events().list(calendarId="primary", syncToken=token).execute()["items"]
    assert [(i["id"], i["summary"]) for i in changes] == [(second, "Moved")]
    one = (
        cal.events()
        .instances(calendarId="primary", eventId=master["id"], originalStart="2027-03-24T10:00:00Z")
        .execute()
    )
    assert [i["id"] for i in one["items"]] == [second]


def test_attendee_dropped_from_one_instance_no_longer_sees_it(calendar_for):
    sup, see = calendar_for(SUP), calendar_for(SEE)
    master = series(sup, ["RRULE:FREQ=WEEKLY;COUNT=3"], attendees=[{"email": SEE}])
    second = f"{master['id']}_20270324T100000Z"
    sup.events().patch(calendarId="primary", eventId=second, body={"attendees": []}).execute()
    assert [i["id"] for i in singles(see)] == [
        f"{master['id']}_20270317T100000Z",
        f"{master['id']}_20270331T090000Z",
    ]
    assert len(singles(sup)) == 3
