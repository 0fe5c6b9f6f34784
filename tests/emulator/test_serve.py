"""`emulator serve`: the same workspace over loopback HTTP at Google's paths."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from gworkspace_supervision.emulator import LocalWorkspace
from gworkspace_supervision.emulator.core.httpserver import serve_in_thread

ALICE = "alice@example-council.gov.uk"


@pytest.fixture
def served(workspace: LocalWorkspace) -> Any:
    server, thread = serve_in_thread(workspace)
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_a_client_built_with_api_endpoint_talks_to_the_server(served: Any) -> None:
    creds = Credentials(token=ALICE)  # the bearer token is the acting user
    cal = build(
        "calendar",
        "v3",
        credentials=creds,
        client_options={"api_endpoint": served.url + "calendar/v3/"},
        static_discovery=True,
    )
    try:
        body = {
            "summary": "Supervision",
            "start": {"dateTime": "2027-03-10T10:00:00Z"},
            "end": {"dateTime": "2027-03-10T11:00:00Z"},
        }
        created = cal.events().insert(calendarId="primary", body=body).execute()
        got = cal.events().get(calendarId="primary", eventId=created["id"]).execute()
        assert got["summary"] == "Supervision"
        with pytest.raises(HttpError) as caught:
            cal.events().insert(calendarId="primary", body={"sumary": "x"}).execute()
        assert caught.value.status_code == 400
    finally:
        cal.close()


def test_plain_http_without_a_user_is_401(served: Any) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(served.url + "calendar/v3/users/me/calendarList", timeout=5)
    assert caught.value.code == 401
    assert json.loads(caught.value.read())["error"]["code"] == 401
    caught.value.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_cli_serve_answers_at_googles_paths(tmp_path: Path) -> None:
    port = _free_port()
    exe = [sys.executable, "-m", "gworkspace_supervision", "--workspace", f"local:{tmp_path / 'w'}"]
    proc = subprocess.Popen(
        [*exe, "emulator", "serve", "--port", str(port), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/calendar/v3/users/me/calendarList"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {ALICE}"})
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(request, timeout=5) as resp:
                    data = json.loads(resp.read())
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert data["kind"] == "calendar#calendarList"
    finally:
        proc.terminate()
        proc.wait(10)
