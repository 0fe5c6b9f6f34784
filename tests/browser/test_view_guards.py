"""The view's guards, through Flask's test client against a real local Workspace (no browser).

Each page acts as the signed-in person through the real Google clients, so what Drive, Docs and
Calendar allow decides what is shown; the app adds CSRF tokens, SameSite cookies, a loopback
Host check and a loopback-only listening address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from view_world import ANN, MANAGER, OUTSIDER, SUPERVISOR, World

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.emulator.view import check_bind_address, create_app
from gworkspace_supervision.emulator.view.refusal import Refused

ORIGIN = "http://127.0.0.1"


@pytest.fixture
def app(world: World) -> Flask:
    made = create_app(world.people)
    made.config["SERVER_NAME"] = "127.0.0.1"
    return made


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


def token(client: FlaskClient, path: str = "/signin") -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def sign_in(client: FlaskClient, email: str) -> str:
    csrf = token(client)
    answer = client.post("/signin", data={"email": email, "csrf": csrf})
    assert answer.status_code == 302
    return csrf


def event_on(world: World, user: str, day: str) -> dict:
    found = (
        world.people.calendar(user)
        .events()
        .list(
            calendarId="primary",
            timeMin=f"{day}T00:00:00Z",
            timeMax=f"{day}T23:59:59Z",
            singleEvents=True,
        )  # fmt: skip
        .execute()["items"]
    )
    assert len(found) == 1, found
    return dict(found[0])


def record_id(world: World, title_part: str) -> str:
    files = world.people.drive(SUPERVISOR).files().list(q=f"name contains '{title_part}'").execute()
    return str(files["files"][0]["id"])


def test_a_post_without_the_token_changes_nothing(world: World, client: FlaskClient) -> None:
    sign_in(client, SUPERVISOR)
    event = event_on(world, SUPERVISOR, "2027-03-19")
    answer = client.post("/calendar/cancel", data={"event_id": event["id"]})
    assert answer.status_code == 403
    assert "reload" in answer.get_data(as_text=True)
    forged = client.post("/calendar/cancel", data={"event_id": event["id"], "csrf": "guess"})
    assert forged.status_code == 403
    assert event_on(world, SUPERVISOR, "2027-03-19")["status"] == "confirmed"


def test_a_post_from_another_site_is_refused(world: World, client: FlaskClient) -> None:
    csrf = sign_in(client, SUPERVISOR)
    event = event_on(world, SUPERVISOR, "2027-03-19")
    answer = client.post(
        "/calendar/cancel", data={"event_id": event["id"], "csrf": csrf},
        headers={"Origin": "http://evil.example"},
    )  # fmt: skip
    assert answer.status_code == 403
    assert event_on(world, SUPERVISOR, "2027-03-19")["status"] == "confirmed"


def test_signing_in_needs_the_token_too(client: FlaskClient) -> None:
    """Login CSRF: another site must not sign the browser in as someone else."""
    answer = client.post("/signin", data={"email": SUPERVISOR})
    assert answer.status_code == 403
    assert client.get("/calendar").status_code == 302  # still signed out


def test_the_session_cookie_is_same_site_strict(client: FlaskClient) -> None:
    csrf = token(client)
    answer = client.post("/signin", data={"email": SUPERVISOR, "csrf": csrf})
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("gws_view=")
    assert "SameSite=Strict" in cookie and "HttpOnly" in cookie


def test_a_host_name_other_than_loopback_is_refused(world: World) -> None:
    """A DNS-rebinding page reaches 127.0.0.1 under its own host name: answered 400."""
    app = create_app(world.people)
    with app.test_client() as c:
        assert c.get("/signin", headers={"Host": "evil.example"}).status_code == 400
        assert c.get("/signin", headers={"Host": "127.0.0.1:8766"}).status_code == 200
        assert c.get("/signin", headers={"Host": "localhost:8766"}).status_code == 200


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_listening_beyond_loopback_needs_a_flag(host: str) -> None:
    with pytest.raises(Refused):
        check_bind_address(host, allow_remote=False)


def test_loopback_addresses_are_accepted() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "::1", "localhost"):
        check_bind_address(host, allow_remote=False)
    check_bind_address("0.0.0.0", allow_remote=True)


def test_the_command_refuses_a_public_address_without_listening(world: World) -> None:
    result = CliRunner().invoke(
        cli, ["--workspace", f"local:{world.directory}", "view", "--host", "0.0.0.0"]
    )
    assert result.exit_code == 2
    assert "--allow-remote" in result.output and "Traceback" not in result.output


def test_names_from_the_roster_are_escaped(world: World, client: FlaskClient) -> None:
    sign_in(client, SUPERVISOR)
    page = client.get("/records").get_data(as_text=True)
    assert "Ben &lt;b&gt;Worker&lt;/b&gt;" in page
    assert "<b>Worker</b>" not in page


def test_each_person_sees_only_the_records_shared_with_them(
    world: World, client: FlaskClient
) -> None:
    sign_in(client, ANN)
    ann = client.get("/records").get_data(as_text=True)
    assert "Ann Asye - 2027-03-12" in ann and "Worker" not in ann
    ben_record = record_id(world, "Worker")
    assert client.get(f"/records/{ben_record}").status_code == 404
    sign_in(client, MANAGER)
    lena = client.get("/records").get_data(as_text=True)
    assert "Ann Asye - 2027-03-12" in lena and "Worker" in lena
    sign_in(client, OUTSIDER)
    assert "no-records" in client.get("/records").get_data(as_text=True)
    assert client.get(f"/records/{ben_record}").status_code == 404
    assert "no-tracker" in client.get("/tracker").get_data(as_text=True)


def test_a_commenter_cannot_complete_a_record(world: World, client: FlaskClient) -> None:
    """The line manager is a commenter: no status form, and Docs refuses the write (403)."""
    file_id = record_id(world, "Ann Asye - 2027-03-12")
    csrf = sign_in(client, MANAGER)
    page = client.get(f"/records/{file_id}").get_data(as_text=True)
    assert 'id="set-status"' not in page and "can read this record" in page
    answer = client.post(f"/records/{file_id}/status", data={"status": "COMPLETE", "csrf": csrf})
    assert answer.status_code == 403
    doc = world.people.docs(SUPERVISOR).documents().get(documentId=file_id).execute()
    assert "Record status: DRAFT" in str(doc)


def test_an_edit_made_meanwhile_is_not_overwritten(world: World, client: FlaskClient) -> None:
    file_id = record_id(world, "Ann Asye - 2027-03-12")
    csrf = sign_in(client, SUPERVISOR)
    page = client.get(f"/records/{file_id}?edit=1").get_data(as_text=True)
    revision = re.search(r'name="revision" value="([^"]+)"', page)
    box = re.search(r'<textarea name="(p\d+)"[^>]*>How is the supervisee', page)
    assert revision and box
    # Ann (a writer) edits the Doc in the meantime
    world.people.docs(ANN).documents().batchUpdate(
        documentId=file_id,
        body={"requests": [{"insertText": {"endOfSegmentLocation": {}, "text": "Ann's note"}}]},
    ).execute()
    answer = client.post(
        f"/records/{file_id}/text",
        data={"csrf": csrf, "revision": revision.group(1), box.group(1): "Overwritten"},
    )
    assert answer.status_code == 400
    assert "revision" in answer.get_data(as_text=True)
    doc = str(world.people.docs(SUPERVISOR).documents().get(documentId=file_id).execute())
    assert "Overwritten" not in doc and "Ann's note" in doc


def test_moving_one_occurrence_leaves_the_rest_of_the_series(
    world: World, client: FlaskClient
) -> None:
    csrf = sign_in(client, SUPERVISOR)
    event = event_on(world, SUPERVISOR, "2027-03-19")
    following = event_on(world, SUPERVISOR, "2027-04-02")
    answer = client.post(
        "/calendar/move",
        data={"csrf": csrf, "event_id": event["id"], "day": "2027-03-18", "time": "14:00"},
    )
    assert answer.status_code == 302
    moved = event_on(world, SUPERVISOR, "2027-03-18")
    assert moved["id"] == event["id"] and moved["recurringEventId"] == event["recurringEventId"]
    start = datetime.fromisoformat(moved["start"]["dateTime"])
    end = datetime.fromisoformat(moved["end"]["dateTime"])
    assert (start.hour, start.minute) == (14, 0) and end - start == (
        datetime.fromisoformat(event["end"]["dateTime"])
        - datetime.fromisoformat(event["start"]["dateTime"])
    )
    assert event_on(world, SUPERVISOR, "2027-04-02") == following
    # Ann, a guest, sees the move and was told
    assert event_on(world, ANN, "2027-03-18")["id"] == event["id"]
    mail = [m for m in world.people.workspace.outbox() if m.get("to") == ANN]
    assert mail[-1]["kind"] == "update"


def test_a_bad_move_is_a_message_not_a_traceback(world: World, client: FlaskClient) -> None:
    csrf = sign_in(client, SUPERVISOR)
    event = event_on(world, SUPERVISOR, "2027-03-19")
    answer = client.post(
        "/calendar/move",
        data={"csrf": csrf, "event_id": event["id"], "day": "2027-03-18", "time": "25:99"},
    )
    assert answer.status_code == 400
    assert "HH:MM" in answer.get_data(as_text=True)


def test_a_guest_cannot_cancel_the_organisers_event(world: World, client: FlaskClient) -> None:
    """Google: only the organiser may change an event; a guest's write is answered 403
    forbiddenForNonOrganizer (reported in kewisch/gdata-provider issues 366 and 3)."""
    csrf = sign_in(client, ANN)
    event = event_on(world, ANN, "2027-03-19")
    page = client.get("/calendar?view=week&day=2027-03-19").get_data(as_text=True)
    assert 'button class="danger cancel"' not in page and "Only the organiser" in page
    answer = client.post("/calendar/cancel", data={"csrf": csrf, "event_id": event["id"]})
    assert answer.status_code == 403
    assert event_on(world, SUPERVISOR, "2027-03-19")["status"] == "confirmed"


def test_a_guest_declines_one_occurrence(world: World, client: FlaskClient) -> None:
    """What a guest can do in Google Calendar is answer "No": events.patch on the instance id
    with the attendees list where only their own responseStatus changes
    (https://developers.google.com/calendar/api/v3/reference/events#attendees.responseStatus).
    The organiser sees the answer; the event itself stays confirmed and the rest of the series
    is untouched. Without the CSRF token nothing changes."""
    csrf = sign_in(client, ANN)
    event = event_on(world, ANN, "2027-03-19")
    page = client.get("/calendar?view=week&day=2027-03-19").get_data(as_text=True)
    assert 'button class="danger decline"' in page
    assert client.post("/calendar/decline", data={"event_id": event["id"]}).status_code == 403
    unanswered = event_on(world, SUPERVISOR, "2027-03-19")
    assert {a["email"]: a["responseStatus"] for a in unanswered["attendees"]}[ANN] != "declined"
    answer = client.post("/calendar/decline", data={"csrf": csrf, "event_id": event["id"]})
    assert answer.status_code == 302
    held = event_on(world, SUPERVISOR, "2027-03-19")
    assert held["status"] == "confirmed"
    assert {a["email"]: a["responseStatus"] for a in held["attendees"]}[ANN] == "declined"
    following = event_on(world, SUPERVISOR, "2027-04-02")
    assert {a["email"]: a["responseStatus"] for a in following["attendees"]}[ANN] != "declined"
    page = client.get("/calendar?view=week&day=2027-03-19").get_data(as_text=True)
    assert "You declined this" in page and 'button class="danger decline"' not in page
