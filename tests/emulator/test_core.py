"""The emulator core through the real googleapiclient: routing, validation, fields, auth, clock."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from gworkspace_supervision.emulator import LocalWorkspace
from gworkspace_supervision.emulator.core.api import Call

ALICE = "alice@example-council.gov.uk"
BASE = "https://www.googleapis.com/calendar/v3"


def error_of(exc: HttpError) -> dict[str, Any]:
    return json.loads(exc.content)["error"]  # type: ignore[no-any-return]


def test_misspelt_body_field_is_refused_like_google(calendar_for: Any) -> None:
    body = {"sumary": "Supervision", "start": {"dateTime": "2027-03-10T10:00:00Z"}}
    with pytest.raises(HttpError) as caught:
        calendar_for(ALICE).events().insert(calendarId="primary", body=body).execute()
    assert caught.value.status_code == 400
    err = error_of(caught.value)
    assert err["code"] == 400 and err["status"] == "INVALID_ARGUMENT"
    assert 'Unknown name "sumary"' in err["message"]
    assert err["errors"][0]["reason"] == "invalid"


def test_nested_unknown_field_and_wrong_type_are_located(calendar_for: Any) -> None:
    events = calendar_for(ALICE).events()
    with pytest.raises(HttpError) as caught:
        events.insert(calendarId="primary", body={"start": {"dateTim": "x"}}).execute()
    assert "at 'event.start'" in error_of(caught.value)["message"]
    with pytest.raises(HttpError) as caught:
        events.insert(calendarId="primary", body={"start": {"dateTime": 5}}).execute()
    assert caught.value.status_code == 400
    assert "event.start.date_time" in error_of(caught.value)["message"]
    with pytest.raises(HttpError) as caught:
        events.insert(calendarId="primary", body={"attendees": {"email": "x"}}).execute()
    assert caught.value.status_code == 400


def test_unknown_query_parameter_is_a_400(workspace: LocalWorkspace) -> None:
    resp, content = workspace.http(ALICE).request(f"{BASE}/users/me/calendarList?sumary=1")
    assert resp.status == 400
    assert "sumary" in json.loads(content)["error"]["message"]


def test_ill_typed_query_parameter_is_a_400(workspace: LocalWorkspace) -> None:
    resp, _ = workspace.http(ALICE).request(f"{BASE}/calendars/primary/events?maxResults=lots")
    assert resp.status == 400
    resp, _ = workspace.http(ALICE).request(f"{BASE}/calendars/primary/events?singleEvents=yes")
    assert resp.status == 400
    resp, _ = workspace.http(ALICE).request(f"{BASE}/calendars/primary/events?orderBy=random")
    assert resp.status == 400


def test_missing_required_query_parameter_is_a_400(workspace: LocalWorkspace) -> None:
    resp, content = workspace.http(ALICE).request("https://www.googleapis.com/drive/v3/changes")
    assert resp.status == 400
    assert json.loads(content)["error"]["message"] == "Required parameter: pageToken"


def test_parameters_are_typed_and_repeated_ones_are_lists(
    calendar_for: Any, stub_handler: Any
) -> None:
    seen: list[dict[str, Any]] = []

    def echo(call: Call) -> dict[str, Any]:
        seen.append(call.params)
        return {"kind": "calendar#events", "items": []}

    stub_handler("calendar.events.list", echo)
    calendar_for(ALICE).events().list(
        calendarId="team@example-council.gov.uk",
        maxResults=7,
        singleEvents=True,
        privateExtendedProperty=["app=gws", "pair=p1"],
    ).execute()
    params = seen[0]
    assert params["calendarId"] == "team@example-council.gov.uk"
    assert params["maxResults"] == 7 and params["singleEvents"] is True
    assert params["privateExtendedProperty"] == ["app=gws", "pair=p1"]


def test_over_long_get_is_sent_as_post_override_and_still_served(
    calendar_for: Any, stub_handler: Any
) -> None:
    seen: list[dict[str, Any]] = []
    stub_handler("calendar.events.list", lambda call: seen.append(call.params) or {"items": []})
    props = [f"session{i:04d}=x" * 3 for i in range(120)]  # URL well over 2048 characters
    calendar_for(ALICE).events().list(calendarId="primary", privateExtendedProperty=props).execute()
    assert seen[0]["privateExtendedProperty"] == props


def test_sheets_ranges_are_percent_decoded(sheets_for: Any, stub_handler: Any) -> None:
    seen: list[str] = []

    def values(call: Call) -> dict[str, Any]:
        seen.append(call.params["range"])
        return {"range": call.params["range"], "majorDimension": "ROWS", "values": []}

    stub_handler("sheets.spreadsheets.values.get", values)
    sheets = sheets_for(ALICE).spreadsheets().values()
    sheets.get(spreadsheetId="s1", range="Sessions!A1:L9").execute()
    sheets.get(spreadsheetId="s1", range="'Due / overdue'!A:C").execute()
    assert seen == ["Sessions!A1:L9", "'Due / overdue'!A:C"]


def test_snake_case_body_names_are_accepted_for_proto_apis(
    sheets_for: Any, stub_handler: Any
) -> None:
    seen: list[Any] = []
    stub_handler(
        "sheets.spreadsheets.batchUpdate",
        lambda call: seen.append(call.body) or {"spreadsheetId": "s1", "replies": [{}]},
    )
    body = {"requests": [{"add_sheet": {"properties": {"title": "Due"}}}]}
    sheets_for(ALICE).spreadsheets().batchUpdate(spreadsheetId="s1", body=body).execute()
    assert seen[0] == {"requests": [{"addSheet": {"properties": {"title": "Due"}}}]}
    bad = {"requests": [{"addSheet": {"propertis": {}}}]}
    with pytest.raises(HttpError) as caught:
        sheets_for(ALICE).spreadsheets().batchUpdate(spreadsheetId="s1", body=bad).execute()
    assert "at 'requests[0].add_sheet'" in error_of(caught.value)["message"]


def test_fields_filter_and_invalid_selection(calendar_for: Any, stub_handler: Any) -> None:
    def settings(call: Call) -> dict[str, Any]:
        items = [
            {"kind": "calendar#setting", "id": "timezone", "value": "Europe/London", "etag": "e"}
        ]
        return {"kind": "calendar#settings", "etag": "x", "items": items, "nextPageToken": "p2"}

    stub_handler("calendar.settings.list", settings)
    cal = calendar_for(ALICE)
    got = cal.settings().list(fields="items(id,value),nextPageToken").execute()
    assert got == {"items": [{"id": "timezone", "value": "Europe/London"}], "nextPageToken": "p2"}
    assert cal.settings().list(fields="items/id").execute() == {"items": [{"id": "timezone"}]}
    assert cal.settings().list(fields="*").execute()["etag"] == "x"
    with pytest.raises(HttpError) as caught:
        cal.settings().list(fields="items(id,valeu)").execute()
    assert caught.value.status_code == 400
    assert "valeu" in error_of(caught.value)["message"]


def test_missing_or_invalid_bearer_is_401(workspace: LocalWorkspace) -> None:
    status, _, body = workspace.handle("GET", f"{BASE}/users/me/calendarList", {}, b"")
    assert status == 401
    assert json.loads(body)["error"]["status"] == "UNAUTHENTICATED"
    status, _, _ = workspace.handle(
        "GET", f"{BASE}/users/me/calendarList", {"Authorization": "Bearer not-an-email"}, b""
    )
    assert status == 401


def test_acting_user_is_the_lower_cased_bearer(calendar_for: Any, stub_handler: Any) -> None:
    users: list[str] = []
    stub_handler("calendar.colors.get", lambda call: users.append(call.user) or {})
    calendar_for("Alice.Smith@Example-Council.gov.uk").colors().get().execute()
    assert users == ["alice.smith@example-council.gov.uk"]


def test_method_without_handler_is_501(calendar_for: Any) -> None:
    with pytest.raises(HttpError) as caught:
        calendar_for(ALICE).settings().watch(body={"id": "c1", "type": "web_hook"}).execute()
    assert caught.value.status_code == 501
    assert "not implemented by the local Workspace" in error_of(caught.value)["message"]


def test_unknown_path_is_a_google_shaped_404(workspace: LocalWorkspace) -> None:
    resp, content = workspace.http(ALICE).request(f"{BASE}/no/such/thing")
    assert resp.status == 404
    assert json.loads(content)["error"]["code"] == 404


def test_clock_drives_call_now_and_can_be_advanced(
    workspace: LocalWorkspace, calendar_for: Any, stub_handler: Any
) -> None:
    stub_handler("calendar.colors.get", lambda call: {"updated": call.now.isoformat()})
    workspace.clock.set("2027-03-10T12:00:00Z")
    assert calendar_for(ALICE).colors().get().execute()["updated"] == "2027-03-10T12:00:00+00:00"
    workspace.clock.advance(timedelta(days=3))
    assert workspace.clock.now() == datetime(2027, 3, 13, 12, tzinfo=UTC)
    workspace.clock.set("2027-03-10T12:00:00Z", running=True)
    assert (
        timedelta(0)
        <= workspace.clock.now() - datetime(2027, 3, 10, 12, tzinfo=UTC)
        < timedelta(minutes=1)
    )
    workspace.clock.reset()
    assert abs(workspace.clock.now() - datetime.now(UTC)) < timedelta(minutes=1)


def test_counters_count_calls_methods_and_errors(
    workspace: LocalWorkspace, calendar_for: Any, stub_handler: Any
) -> None:
    stub_handler("calendar.colors.get", lambda call: {})
    cal = calendar_for(ALICE)
    cal.colors().get().execute()
    cal.colors().get().execute()
    with pytest.raises(HttpError):
        cal.settings().watch(body={"id": "c"}).execute()
    counts = workspace.counters()
    assert counts["http"] == 3 and counts["api"] == 3
    assert counts["methods"] == {"calendar.colors.get": 2, "calendar.settings.watch": 1}
    assert counts["errors"] == {"501": 1}
    workspace.reset_counters()
    assert workspace.counters()["api"] == 0


WRITER = """
import sys
from googleapiclient.discovery import build
from gworkspace_supervision.emulator import LocalWorkspace
ws = LocalWorkspace(sys.argv[1])
events = build("calendar", "v3", http=ws.http(sys.argv[2]), static_discovery=True).events()
for i in range(30):
    body = {"summary": f"S{i}", "start": {"dateTime": "2027-03-10T10:00:00Z"},
            "end": {"dateTime": "2027-03-10T11:00:00Z"}}
    events.insert(calendarId="primary", body=body).execute()
ws.close()
"""


def test_state_survives_across_processes(tmp_path: Path) -> None:
    """A CLI run sets the clock; two processes write at once; this process sees all of it."""
    directory = tmp_path / "shared"
    exe = [sys.executable, "-m", "gworkspace_supervision", "--workspace", f"local:{directory}"]
    subprocess.run(
        [*exe, "emulator", "clock", "set", "2027-10-31T09:00:00Z"], check=True, capture_output=True
    )
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(directory), ALICE]) for _ in range(2)
    ]
    assert [w.wait(60) for w in writers] == [0, 0]
    with LocalWorkspace(directory) as ws:
        assert ws.clock.now() == datetime(2027, 10, 31, 9, tzinfo=UTC)
        assert ws.counters()["methods"] == {"calendar.events.insert": 60}
        cal = build("calendar", "v3", http=ws.http(ALICE), static_discovery=True)
        items = cal.events().list(calendarId="primary", maxResults=2500).execute()["items"]
        assert len(items) == 60
        assert {item["created"][:19] for item in items} == {"2027-10-31T09:00:00"}
