"""OAuth scopes per token and `drive.file` grants per user and per app, through the real clients.

Sources:
- Google checks each call against the scopes the method accepts (each method's `scopes` in the
  discovery documents shipped with google-api-python-client) and answers 403 with
  "Request had insufficient authentication scopes.", reason insufficientPermissions, status
  PERMISSION_DENIED: https://developers.google.com/drive/api/guides/handle-errors; the full
  shape (errors[].message "Insufficient Permission", ErrorInfo ACCESS_TOKEN_SCOPE_INSUFFICIENT)
  as reported in analogdotnow/Analog issue 296, GoogleCloudPlatform/genai-for-marketing issue 45,
  googleworkspace/cli issue 282.
- `drive.file`: "Create new Drive files, or modify existing files, that you open with an app or
  that the user shares with an app" (https://developers.google.com/drive/api/guides/about-auth);
  with a service account impersonating a user, files the app did not create are
  "HttpError 404 ... File not found" (taylorwilsdon/google_workspace_mcp issue 1027).
"""

from __future__ import annotations

import json
from typing import Any

import gspread
import pytest
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaInMemoryUpload

from gworkspace_supervision.emulator import LocalWorkspace
from gworkspace_supervision.emulator.core.access import grant

G = "https://www.googleapis.com/auth/"
LEAST = [G + "calendar.events.owned", G + "calendar.events.freebusy", G + "drive.file"]
SUP = "sam.supervisor@example-council.gov.uk"
OPERATOR = "business.support@example-council.gov.uk"
DOC = "application/vnd.google-apps.document"


def service(ws: LocalWorkspace, api: str, version: str, user: str, scopes: list[str] | None) -> Any:
    http = ws.http(user, scopes)
    return build(api, version, http=http, static_discovery=True, cache_discovery=False)


def refused(call: Any) -> tuple[int, dict[str, Any], Any]:
    with pytest.raises(HttpError) as err:
        call.execute()
    return int(err.value.resp.status), json.loads(err.value.content)["error"], err.value.resp


def test_a_call_outside_the_tokens_scopes_gets_googles_403(workspace: LocalWorkspace) -> None:
    calendar_only = [G + "calendar.events.owned"]
    drive = service(workspace, "drive", "v3", SUP, calendar_only)
    status, error, resp = refused(drive.files().list())
    assert status == 403
    assert error["message"] == "Request had insufficient authentication scopes."
    assert error["status"] == "PERMISSION_DENIED"
    assert error["errors"] == [
        {
            "domain": "global",
            "reason": "insufficientPermissions",
            "message": "Insufficient Permission",
        }
    ]
    assert error["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    assert 'error="insufficient_scope"' in resp["www-authenticate"]
    # the same token may do what calendar.events.owned allows
    cal = service(workspace, "calendar", "v3", SUP, calendar_only)
    assert cal.events().list(calendarId="primary").execute()["items"] == []


def test_the_toolkits_scopes_allow_exactly_what_discovery_lists(
    workspace: LocalWorkspace,
) -> None:
    cal = service(workspace, "calendar", "v3", SUP, LEAST)
    body = {
        "items": [{"id": SUP}],
        "timeMin": "2027-01-04T00:00:00Z",
        "timeMax": "2027-01-05T00:00:00Z",
    }
    assert SUP in cal.freebusy().query(body=body).execute()["calendars"]
    # calendar.events.owned does not reach the calendar list or settings (not in their scopes)
    assert refused(cal.calendarList().list())[0] == 403
    assert refused(cal.settings().get(setting="timezone"))[0] == 403
    gmail = service(workspace, "gmail", "v1", SUP, LEAST)
    raw = {"raw": "VG86IGFAYi5jCgpoaQ=="}
    assert refused(gmail.users().messages().send(userId="me", body=raw))[0] == 403
    sending = service(workspace, "gmail", "v1", SUP, [*LEAST, G + "gmail.send"])
    assert sending.users().messages().send(userId="me", body=raw).execute()["id"]
    # freebusy alone cannot write events
    free = service(workspace, "calendar", "v3", SUP, [G + "calendar.events.freebusy"])
    event = {"summary": "x", "start": {"dateTime": "2027-01-04T10:00:00Z"},
             "end": {"dateTime": "2027-01-04T11:00:00Z"}}  # fmt: skip
    assert refused(free.events().insert(calendarId="primary", body=event))[0] == 403


def test_each_part_of_a_batch_is_checked(workspace: LocalWorkspace) -> None:
    drive = service(workspace, "drive", "v3", SUP, [G + "calendar.events.owned"])
    answers: dict[str, Any] = {}

    def done(key: str, response: Any, exc: Any) -> None:
        answers[key] = exc.resp.status if exc is not None else "ok"

    batch = drive.new_batch_http_request(callback=done)
    batch.add(drive.files().create(body={"name": "a"}), request_id="a")
    batch.add(drive.files().list(), request_id="b")
    batch.execute()
    assert answers == {"a": 403, "b": 403}


def test_gspread_requests_are_checked_too(workspace: LocalWorkspace) -> None:
    """Sheets through gspread: drive.file covers a spreadsheet the app created as this user;
    another user's spreadsheet shared with them needs the spreadsheets scope."""
    none = gspread.Client(None, session=workspace.session(SUP, [G + "calendar.events.owned"]))  # type: ignore[arg-type]
    with pytest.raises(gspread.exceptions.APIError) as err:
        none.create("Tracker")
    assert err.value.response.status_code == 403
    mine = gspread.Client(None, session=workspace.session(SUP, LEAST))  # type: ignore[arg-type]
    sheet = mine.create("Tracker")  # Drive files.create under drive.file: granted to SUP
    sheet.sheet1.update([["a", "b"]], "A1")
    assert mine.open_by_key(sheet.id).sheet1.get_all_values() == [["a", "b"]]
    sheet.share(OPERATOR, perm_type="user", role="writer", notify=False)
    other = gspread.Client(None, session=workspace.session(OPERATOR, LEAST))  # type: ignore[arg-type]
    # On the ACL, but the app never created or opened it as OPERATOR. Sheets answers a file that
    # exists but cannot be opened with 403 PERMISSION_DENIED, not Drive's 404 (gspread's
    # cassette ClientTest.test_access_private_spreadsheet); gspread raises PermissionError.
    with pytest.raises(PermissionError):
        other.open_by_key(sheet.id)
    broad = gspread.Client(None, session=workspace.session(OPERATOR, [G + "spreadsheets"]))  # type: ignore[arg-type]
    assert broad.open_by_key(sheet.id).sheet1.get_all_values() == [["a", "b"]]


def test_drive_file_reaches_only_what_the_app_made_as_this_user(workspace: LocalWorkspace) -> None:
    operator = service(workspace, "drive", "v3", OPERATOR, LEAST)
    made = operator.files().create(body={"name": "Template", "mimeType": DOC}).execute()
    operator.permissions().create(
        fileId=made["id"], body={"type": "user", "role": "reader", "emailAddress": SUP},
        sendNotificationEmail=False,
    ).execute()  # fmt: skip
    sup = service(workspace, "drive", "v3", SUP, LEAST)
    status, error, _ = refused(sup.files().get(fileId=made["id"]))
    assert (status, error["message"]) == (404, f"File not found: {made['id']}.")
    assert refused(sup.files().copy(fileId=made["id"], body={"name": "Record"}))[0] == 404
    docs = service(workspace, "docs", "v1", SUP, LEAST)
    assert refused(docs.documents().get(documentId=made["id"]))[0] == 404
    assert sup.files().list(q="name = 'Template'").execute()["files"] == []
    # with the full drive scope the ACL decides, as before
    full = service(workspace, "drive", "v3", SUP, [G + "drive"])
    assert full.files().get(fileId=made["id"]).execute()["id"] == made["id"]
    assert [f["id"] for f in full.files().list(q="name = 'Template'").execute()["files"]] == [
        made["id"]
    ]
    # what the app creates as SUP (Drive, Docs, a copy of SUP's own file) is SUP's to reach
    own = sup.files().create(body={"name": "Record", "mimeType": DOC}).execute()
    copy = sup.files().copy(fileId=own["id"], body={"name": "Record 2"}).execute()
    doc = docs.documents().create(body={"title": "Record 3"}).execute()
    for fid in (own["id"], copy["id"], doc["documentId"]):
        assert sup.files().get(fileId=fid).execute()["id"] == fid
    assert docs.documents().get(documentId=copy["id"]).execute()["title"] == "Record 2"


def test_drive_file_grants_are_per_app(workspace: LocalWorkspace) -> None:
    ours = service(workspace, "drive", "v3", SUP, LEAST)
    made = ours.files().create(body={"name": "Record", "mimeType": DOC}).execute()
    other_app = build(
        "drive", "v3", http=workspace.http(SUP, LEAST, app="another-app"),
        static_discovery=True, cache_discovery=False,
    )  # fmt: skip
    assert refused(other_app.files().get(fileId=made["id"]))[0] == 404
    with workspace.store.transaction() as store:  # the user opens it with the other app
        grant(store, "another-app", SUP, made["id"])
    assert other_app.files().get(fileId=made["id"]).execute()["id"] == made["id"]


def test_changes_list_under_drive_file_shows_only_granted_files(
    workspace: LocalWorkspace,
) -> None:
    operator = service(workspace, "drive", "v3", OPERATOR, [G + "drive"])
    start = operator.changes().getStartPageToken().execute()["startPageToken"]
    theirs = operator.files().create(body={"name": "Theirs", "mimeType": DOC}).execute()
    operator.permissions().create(
        fileId=theirs["id"], body={"type": "user", "role": "writer", "emailAddress": SUP},
        sendNotificationEmail=False,
    ).execute()  # fmt: skip
    sup = service(workspace, "drive", "v3", SUP, LEAST)
    mine = sup.files().create(body={"name": "Mine", "mimeType": DOC}).execute()
    seen = sup.changes().list(pageToken=start).execute()["changes"]
    assert [c["fileId"] for c in seen] == [mine["id"]]
    full = service(workspace, "drive", "v3", SUP, [G + "drive"])
    seen = full.changes().list(pageToken=start).execute()["changes"]
    assert {c["fileId"] for c in seen} == {mine["id"], theirs["id"]}


def test_a_resumable_upload_keeps_its_tokens_scopes(workspace: LocalWorkspace) -> None:
    sup = service(workspace, "drive", "v3", SUP, LEAST)
    media = MediaInMemoryUpload(b"<p>Hello</p>", mimetype="text/html", resumable=True)
    made = sup.files().create(body={"name": "Up", "mimeType": DOC}, media_body=media).execute()
    assert sup.files().get(fileId=made["id"]).execute()["id"] == made["id"]  # granted
    narrow = service(workspace, "drive", "v3", SUP, [G + "calendar.events.owned"])
    media = MediaInMemoryUpload(b"<p>Hello</p>", mimetype="text/html", resumable=True)
    assert refused(narrow.files().create(body={"name": "Up"}, media_body=media))[0] == 403


def test_a_token_that_is_not_ours_is_401(workspace: LocalWorkspace) -> None:
    http = workspace.http(SUP, LEAST)
    resp, _ = http.request(
        "https://www.googleapis.com/drive/v3/files",
        headers={"authorization": f"Bearer {SUP};scopes=drive.file;colour=blue"},
    )
    assert resp.status == 401


def test_calendar_events_owned_reaches_only_the_users_own_calendars(
    workspace: LocalWorkspace,
) -> None:
    """calendar.events.owned: "See, create, change, and delete events on Google calendars you
    own" (the scope's description in the Calendar discovery document). A calendar shared with
    the user for writing is still out of reach of that token; calendar.events reaches it."""
    owner = service(workspace, "calendar", "v3", OPERATOR, None)
    rule = {"role": "writer", "scope": {"type": "user", "value": SUP}}
    owner.acl().insert(calendarId=OPERATOR, body=rule, sendNotifications=False).execute()
    event = {"summary": "x", "start": {"dateTime": "2027-01-04T10:00:00Z"},
             "end": {"dateTime": "2027-01-04T11:00:00Z"}}  # fmt: skip
    owned = service(workspace, "calendar", "v3", SUP, LEAST)
    assert owned.events().insert(calendarId="primary", body=event).execute()["id"]
    status, error, _ = refused(owned.events().insert(calendarId=OPERATOR, body=event))
    assert (status, error["message"]) == (404, "Not Found")
    assert refused(owned.events().list(calendarId=OPERATOR))[0] == 404
    delegated = service(workspace, "calendar", "v3", SUP, [G + "calendar.events"])
    assert delegated.events().insert(calendarId=OPERATOR, body=event).execute()["id"]
