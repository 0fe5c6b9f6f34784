"""Events, sharing, notifications and batches in the local Calendar, through the real client."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

SUP = "sam.super@example-council.gov.uk"
SEE = "vic.visor@example-council.gov.uk"
OPS = "ops@example-council.gov.uk"
OUTSIDER = "someone@elsewhere.org"


def body(day: int, hour: int = 10, **extra: Any) -> dict[str, Any]:
    return {
        "summary": f"Session {day}",
        "start": {"dateTime": f"2027-05-{day:02d}T{hour:02d}:00:00+01:00"},
        "end": {"dateTime": f"2027-05-{day:02d}T{hour + 1:02d}:00:00+01:00"},
        **extra,
    }


def status_of(call: Any) -> int:
    with pytest.raises(HttpError) as err:
        call.execute()
    return int(err.value.resp.status)


def test_client_ids_base32hex_and_409_even_after_delete(calendar_for):
    cal = calendar_for(SUP)
    event = cal.events().insert(calendarId="primary", body=body(3, id="sess0001abc")).execute()
    assert event["id"] == "sess0001abc"
    assert event["iCalUID"] == "sess0001abc@google.com"
    assert event["status"] == "confirmed" and event["kind"] == "calendar#event"
    assert event["organizer"] == {"email": SUP, "self": True}
    assert status_of(cal.events().insert(calendarId="primary", body=body(3, id="Bad_Id"))) == 400
    assert status_of(cal.events().insert(calendarId="primary", body=body(3, id="wxyz12"))) == 400
    with pytest.raises(HttpError) as err:
        cal.events().insert(calendarId="primary", body=body(4, id="sess0001abc")).execute()
    assert err.value.resp.status == 409
    assert b"The requested identifier already exists." in err.value.content
    cal.events().delete(calendarId="primary", eventId="sess0001abc").execute()
    assert (
        status_of(cal.events().insert(calendarId="primary", body=body(4, id="sess0001abc"))) == 409
    )
    gone = cal.events().get(calendarId="primary", eventId="sess0001abc").execute()
    assert gone["status"] == "cancelled"


def test_paging_window_and_ordering(calendar_for):
    cal = calendar_for(SUP)
    for day in range(1, 26):
        cal.events().insert(calendarId="primary", body=body(26 - day)).execute()
    seen, token, pages = [], None, 0
    while True:
        page = (
            cal.events()
            .list(
                calendarId="primary",
                singleEvents=True,
                orderBy="startTime",
                maxResults=10,
                pageToken=token,
                timeMin="2027-05-03T10:30:00+01:00",  # overlaps the 3 May session: included
                timeMax="2027-05-20T10:00:00+01:00",  # the 20 May session starts here: excluded
            )
            .execute()
        )
        pages += 1
        seen += [i["summary"] for i in page["items"]]
        token = page.get("nextPageToken")
        if not token:
            assert "nextSyncToken" in page
            break
    assert pages == 2
    assert seen == [f"Session {d}" for d in range(3, 20)]
    with pytest.raises(HttpError) as err:
        cal.events().list(calendarId="primary", orderBy="startTime").execute()
    assert err.value.resp.status == 400


def test_private_extended_property_filters_are_anded(calendar_for):
    cal = calendar_for(SUP)
    tags = [
        {"app": "gws", "pair": "p1"},
        {"app": "gws", "pair": "p2"},
        {"app": "other", "pair": "p1"},
    ]
    for n, tag in enumerate(tags, start=1):
        cal.events().insert(
            calendarId="primary", body=body(n, extendedProperties={"private": tag})
        ).execute()
    found = (
        cal.events()
        .list(calendarId="primary", privateExtendedProperty=["app=gws", "pair=p1"])
        .execute()["items"]
    )
    assert [i["summary"] for i in found] == ["Session 1"]
    some = cal.events().list(calendarId="primary", privateExtendedProperty="app=gws").execute()
    assert len(some["items"]) == 2
    # PATCH merges property maps: a new key is added, null removes one.
    first = found[0]["id"]
    patch = {"extendedProperties": {"private": {"hash": "h1", "pair": None}}}
    patched = cal.events().patch(calendarId="primary", eventId=first, body=patch).execute()
    assert patched["extendedProperties"]["private"] == {"app": "gws", "hash": "h1"}


def test_search_icaluid_updated_min_and_sync_token(calendar_for, workspace):
    cal = calendar_for(SUP)
    workspace.clock.set("2027-04-01T09:00:00Z")
    a = cal.events().insert(calendarId="primary", body=body(1, location="Civic Centre")).execute()
    b = cal.events().insert(calendarId="primary", body=body(2)).execute()
    first = cal.events().list(calendarId="primary").execute()
    token = first["nextSyncToken"]
    assert [
        i["id"] for i in cal.events().list(calendarId="primary", q="civic").execute()["items"]
    ] == [a["id"]]
    by_uid = cal.events().list(calendarId="primary", iCalUID=b["iCalUID"]).execute()["items"]
    assert [i["id"] for i in by_uid] == [b["id"]]

    workspace.clock.set("2027-04-02T09:00:00Z")
    cal.events().patch(calendarId="primary", eventId=a["id"], body={"summary": "Moved"}).execute()
    cal.events().delete(calendarId="primary", eventId=b["id"]).execute()
    changes = cal.events().list(calendarId="primary", syncToken=token).execute()
    assert {i["id"]: i["status"] for i in changes["items"]} == {
        a["id"]: "confirmed",
        b["id"]: "cancelled",
    }
    assert changes["items"][0]["updated"].startswith("2027-04-02T09:00:00")
    quiet = cal.events().list(calendarId="primary", syncToken=changes["nextSyncToken"]).execute()
    assert quiet["items"] == []
    recent = cal.events().list(calendarId="primary", updatedMin="2027-04-02T00:00:00Z").execute()
    assert len(recent["items"]) == 2  # deleted ones included with updatedMin, as Google
    assert status_of(cal.events().list(calendarId="primary", syncToken="bogus")) == 410


def test_send_updates_counts_one_email_per_notified_guest(calendar_for, workspace):
    cal = calendar_for(SUP)
    guests = [{"email": SUP}, {"email": SEE}, {"email": OUTSIDER}]
    silent = cal.events().insert(calendarId="primary", body=body(1, attendees=guests)).execute()
    assert workspace.counters()["emails"] == 0  # the API default is no notifications
    event = (
        cal.events()
        .insert(calendarId="primary", sendUpdates="all", body=body(2, attendees=guests))
        .execute()
    )
    assert {a["email"]: a["responseStatus"] for a in event["attendees"]}[SEE] == "needsAction"
    assert [(m["to"], m["kind"]) for m in workspace.outbox()] == [
        (SEE, "invitation"),
        (OUTSIDER, "invitation"),
    ]
    cal.events().patch(
        calendarId="primary",
        eventId=event["id"],
        sendUpdates="externalOnly",
        body={"start": body(3)["start"], "end": body(3)["end"]},
    ).execute()
    cal.events().delete(calendarId="primary", eventId=event["id"], sendUpdates="all").execute()
    cal.events().delete(calendarId="primary", eventId=silent["id"]).execute()
    kinds = [(m["to"], m["kind"], m["eventId"]) for m in workspace.outbox()[2:]]
    assert kinds == [
        (OUTSIDER, "update", event["id"]),
        (SEE, "cancellation", event["id"]),
        (OUTSIDER, "cancellation", event["id"]),
    ]
    assert workspace.counters()["emails"] == 5


def test_calendars_are_private_until_shared(calendar_for):
    sup, ops, see = calendar_for(SUP), calendar_for(OPS), calendar_for(SEE)
    event = sup.events().insert(calendarId="primary", body=body(5)).execute()
    assert status_of(ops.events().list(calendarId=SUP)) == 404
    assert status_of(ops.events().get(calendarId=SUP, eventId=event["id"])) == 404
    assert status_of(ops.events().insert(calendarId=SUP, body=body(6))) == 404

    sup.acl().insert(
        calendarId="primary", body={"role": "writer", "scope": {"type": "user", "value": OPS}}
    ).execute()
    sup.acl().insert(
        calendarId="primary", body={"role": "reader", "scope": {"type": "user", "value": SEE}}
    ).execute()
    made = ops.events().insert(calendarId=SUP, body=body(6)).execute()
    # "self" marks the calendar this copy is on (SUP's), not the acting user.
    assert made["organizer"] == {"email": SUP, "self": True}
    assert made["creator"] == {"email": OPS}
    assert len(see.events().list(calendarId=SUP).execute()["items"]) == 2
    assert status_of(see.events().insert(calendarId=SUP, body=body(7))) == 403
    assert status_of(ops.acl().list(calendarId=SUP)) == 403

    listed = {c["id"]: c["accessRole"] for c in ops.calendarList().list().execute()["items"]}
    assert listed == {OPS: "owner", SUP: "writer"}
    assert ops.calendarList().get(calendarId="primary").execute()["primary"] is True
    rules = {r["id"]: r["role"] for r in sup.acl().list(calendarId="primary").execute()["items"]}
    assert rules == {f"user:{SUP}": "owner", f"user:{OPS}": "writer", f"user:{SEE}": "reader"}
    sup.acl().delete(calendarId="primary", ruleId=f"user:{OPS}").execute()
    assert status_of(ops.events().list(calendarId=SUP)) == 404
    assert sup.calendars().get(calendarId="primary").execute()["id"] == SUP


def test_freebusy_reports_not_found_for_calendars_it_cannot_see(calendar_for):
    sup = calendar_for(SUP)
    sup.events().insert(calendarId="primary", body=body(5, transparency="transparent")).execute()
    sup.events().insert(calendarId="primary", body=body(5, hour=11)).execute()
    result = (
        calendar_for(OUTSIDER)
        .freebusy()
        .query(
            body={
                "timeMin": "2027-05-01T00:00:00Z",
                "timeMax": "2027-06-01T00:00:00Z",
                "items": [{"id": SUP}, {"id": "primary"}],
            }
        )
        .execute()
    )
    assert result["calendars"][SUP] == {
        "errors": [{"domain": "global", "reason": "notFound"}],
        "busy": [],
    }
    assert result["calendars"]["primary"] == {"busy": []}
    mine = (
        sup.freebusy()
        .query(
            body={
                "timeMin": "2027-05-01T00:00:00Z",
                "timeMax": "2027-06-01T00:00:00Z",
                "timeZone": "Europe/London",
                "items": [{"id": SUP}],
            }
        )
        .execute()
    )
    assert mine["calendars"][SUP]["busy"] == [
        {"start": "2027-05-05T11:00:00+01:00", "end": "2027-05-05T12:00:00+01:00"}
    ]


def test_attachments_need_supports_attachments(calendar_for):
    cal = calendar_for(SUP)
    doc = {"fileUrl": "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOp/edit", "title": "ESR"}
    ignored = cal.events().insert(calendarId="primary", body=body(1, attachments=[doc])).execute()
    assert "attachments" not in ignored
    kept = (
        cal.events()
        .insert(calendarId="primary", supportsAttachments=True, body=body(2, attachments=[doc]))
        .execute()
    )
    assert kept["attachments"] == [{**doc, "fileId": "1AbCdEfGhIjKlMnOp"}]
    # An update from a client that does not support attachments leaves them alone.
    updated = cal.events().update(calendarId="primary", eventId=kept["id"], body=body(2)).execute()
    assert updated["attachments"][0]["title"] == "ESR"


def test_import_is_idempotent_by_icaluid_and_move_changes_organizer(calendar_for):
    sup, ops = calendar_for(SUP), calendar_for(OPS)
    imported = (
        sup.events().import_(calendarId="primary", body=body(8, iCalUID="esr-1@council")).execute()
    )
    again = (
        sup.events()
        .import_(calendarId="primary", body=body(8, iCalUID="esr-1@council", summary="Renamed"))
        .execute()
    )
    assert again["id"] == imported["id"] and again["summary"] == "Renamed"
    ops.acl().insert(
        calendarId="primary", body={"role": "writer", "scope": {"type": "user", "value": SUP}}
    ).execute()
    moved = (
        sup.events().move(calendarId="primary", eventId=imported["id"], destination=OPS).execute()
    )
    assert moved["organizer"] == {"email": OPS, "self": True}
    assert (
        ops.events().get(calendarId="primary", eventId=imported["id"]).execute()["summary"]
        == "Renamed"
    )
    assert sup.events().list(calendarId="primary").execute()["items"] == []


def test_batch_of_1000_inserts(calendar_for, workspace):
    cal = calendar_for(SUP)
    created: list[str] = []
    errors: list[Exception] = []

    def done(_id: str, response: Any, exception: Exception | None) -> None:
        if exception is not None:
            errors.append(exception)
        else:
            created.append(response["id"])

    events = cal.events()  # building the resource is the client's slow part; do it once
    for start in range(0, 1000, 50):  # Google allows at most 50 calls per calendar batch
        batch = cal.new_batch_http_request(callback=done)
        for n in range(start, start + 50):
            event = body(1 + n % 28, extendedProperties={"private": {"n": str(n)}})
            batch.add(events.insert(calendarId="primary", body=event))
        batch.execute()
    assert errors == [] and len(set(created)) == 1000
    page = cal.events().list(calendarId="primary", maxResults=2500).execute()
    assert len(page["items"]) == 1000
    assert workspace.counters()["methods"]["calendar.events.insert"] == 1000


def test_time_zone_setting_and_calendar_list_of_a_new_user(calendar_for):
    cal = calendar_for(SEE)
    assert cal.settings().get(setting="timezone").execute()["value"] == "Europe/London"
    entries = cal.calendarList().list().execute()["items"]
    assert [(e["id"], e["accessRole"], e.get("primary")) for e in entries] == [(SEE, "owner", True)]
