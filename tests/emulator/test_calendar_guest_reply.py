"""A guest's one write on the organiser's event: their own answer (RSVP) to the invitation.

Google lets a non-organiser patch an event only to change their own `attendees[].responseStatus`
(Events reference, attendees[].responseStatus is writable:
https://developers.google.com/calendar/api/v3/reference/events#attendees.responseStatus;
events.patch: https://developers.google.com/calendar/api/v3/reference/events/patch, "array
fields, if specified, overwrite the existing arrays"), sending the whole attendees list with only
their own entry changed (taylorwilsdon/google_workspace_mcp pull request 639: events.update
needs organiser permission; events.patch with only the attendees array is how a non-organiser
RSVPs). Any other change by a guest is 403 forbiddenForNonOrganizer.
"""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

SUP = "sam.super@example-council.gov.uk"
SEE = "vic.visor@example-council.gov.uk"
OTHER = "ola.other@example-council.gov.uk"


def series(cal: Any) -> dict[str, Any]:
    return (
        cal.events()
        .insert(
            calendarId="primary",
            body={
                "summary": "Supervision",
                "start": {"dateTime": "2027-05-03T10:00:00", "timeZone": "Europe/London"},
                "end": {"dateTime": "2027-05-03T11:00:00", "timeZone": "Europe/London"},
                "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=4"],
                "attendees": [{"email": SEE}, {"email": OTHER}],
                "extendedProperties": {"private": {"type": "supervision"}},
            },
        )
        .execute()
    )


def instance_ids(cal: Any, event_id: str) -> list[str]:
    found = cal.events().instances(calendarId="primary", eventId=event_id).execute()
    return [item["id"] for item in found["items"]]


def answered(attendees: list[dict[str, Any]], who: str, status: str) -> list[dict[str, Any]]:
    return [{**a, "responseStatus": status} if a["email"] == who else dict(a) for a in attendees]


def refused(call: Any) -> bytes:
    with pytest.raises(HttpError) as err:
        call.execute()
    assert err.value.resp.status == 403
    return bytes(err.value.content)


def test_guest_declines_one_occurrence_and_the_organiser_sees_it(calendar_for):
    sup, see = calendar_for(SUP), calendar_for(SEE)
    master = series(sup)
    first, second = instance_ids(sup, master["id"])[:2]
    mine = see.events().get(calendarId="primary", eventId=second).execute()
    body = {"attendees": answered(mine["attendees"], SEE, "declined")}
    back = see.events().patch(calendarId="primary", eventId=second, body=body).execute()
    assert {a["email"]: a["responseStatus"] for a in back["attendees"]}[SEE] == "declined"
    assert "extendedProperties" not in back  # the organiser's private tags stay theirs
    seen = sup.events().get(calendarId="primary", eventId=second).execute()
    assert {a["email"]: a["responseStatus"] for a in seen["attendees"]} == {
        SEE: "declined",
        OTHER: "needsAction",
    }
    assert seen["status"] == "confirmed"
    assert seen["extendedProperties"]["private"] == {"type": "supervision"}
    untouched = sup.events().get(calendarId="primary", eventId=first).execute()
    assert {a["email"]: a["responseStatus"] for a in untouched["attendees"]}[SEE] == "needsAction"


def test_guest_cannot_change_anything_else(calendar_for):
    sup, see = calendar_for(SUP), calendar_for(SEE)
    master = series(sup)
    one = instance_ids(sup, master["id"])[1]
    mine = see.events().get(calendarId="primary", eventId=one).execute()
    events = see.events()
    assert b"forbiddenForNonOrganizer" in refused(
        events.patch(calendarId="primary", eventId=one, body={"summary": "Mine now"})
    )
    # someone else's answer
    other = {"attendees": answered(mine["attendees"], OTHER, "declined")}
    refused(events.patch(calendarId="primary", eventId=one, body=other))
    # own answer plus another field
    both = {"attendees": answered(mine["attendees"], SEE, "declined"), "location": "Cafe"}
    refused(events.patch(calendarId="primary", eventId=one, body=both))
    # dropping a guest, or adding one
    fewer = {"attendees": [{"email": SEE, "responseStatus": "declined"}]}
    refused(events.patch(calendarId="primary", eventId=one, body=fewer))
    more = {"attendees": [*mine["attendees"], {"email": "new@example-council.gov.uk"}]}
    refused(events.patch(calendarId="primary", eventId=one, body=more))
    # deleting stays the organiser's
    refused(events.delete(calendarId="primary", eventId=one))
    held = sup.events().get(calendarId="primary", eventId=one).execute()
    assert held["status"] == "confirmed" and held.get("location") is None
    assert {a["email"] for a in held["attendees"]} == {SEE, OTHER}
    assert all(a["responseStatus"] == "needsAction" for a in held["attendees"])


def test_guest_reply_must_be_a_known_answer(calendar_for):
    sup, see = calendar_for(SUP), calendar_for(SEE)
    master = series(sup)
    mine = see.events().get(calendarId="primary", eventId=master["id"]).execute()
    bad = {"attendees": answered(mine["attendees"], SEE, "maybe")}
    with pytest.raises(HttpError) as err:
        see.events().patch(calendarId="primary", eventId=master["id"], body=bad).execute()
    assert err.value.resp.status == 400
    good = {"attendees": answered(mine["attendees"], SEE, "accepted")}
    see.events().patch(calendarId="primary", eventId=master["id"], body=good).execute()
    whole = sup.events().get(calendarId="primary", eventId=master["id"]).execute()
    assert {a["email"]: a["responseStatus"] for a in whole["attendees"]}[SEE] == "accepted"
    assert whole["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=4"]
