"""The exact HTTP requests of booking one pair, pinned by a vcrpy cassette.

Replayed offline against Google's own URLs (no server, no network): any request the code adds,
drops or changes fails this test. To re-record against the local Workspace served on loopback
(`emulator serve`, started here in a thread):

    GWS_RECORD=1 .venv/bin/pytest tests/flows/test_booking_cassette.py

See tests/cassettes/README.md for re-recording against a real Google test domain.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httplib2
import pytest
import vcr
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp

from gworkspace_supervision.google.connect import Connection
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.settings import Organisation, Settings

CASSETTE = Path(__file__).resolve().parents[1] / "cassettes" / "book_one_pair.yaml"
GOOGLE = "https://www.googleapis.com"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SUPERVISOR = "ella.singh@example-council.gov.uk"
ROSTER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "category,preferred_day,preferred_time,location\n"
    f"sam.patel@example-council.gov.uk,Sam Patel,{SUPERVISOR},Ella Singh,{SUPERVISOR},"
    "case_holding,Tue,10:00,Civic Centre room 4\n"
)
RECORD = os.environ.get("GWS_RECORD", "")  # "" replay; "1" the local Workspace; "google"
RECORDING = RECORD != ""
DOMAIN = "example-council.gov.uk"
REAL_DOMAIN = os.environ.get("GWS_TEST_DOMAIN", DOMAIN).encode()  # a Google test domain
_LOOPBACK = re.compile(r"http://127\.0\.0\.1:\d+")
_BEARER = re.compile(rb"(?im)^(authorization: Bearer ).*$")
_BOUNDARY = re.compile(rb"=+\d+==")
_CONTENT_ID = re.compile(rb"<[0-9a-f-]{36} \+ ")


def scrub(request: Any) -> Any:
    """Recorded and replayed requests alike: Google's host, no credentials, stable ids."""
    request.uri = _LOOPBACK.sub(GOOGLE, request.uri)
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    body = _BEARER.sub(rb"\1<filtered>", body)
    body = re.sub(rb"http://127\.0\.0\.1:\d+", GOOGLE.encode(), body)
    body = _BOUNDARY.sub(b"==BOUNDARY==", body)
    body = _CONTENT_ID.sub(b"<CONTENT-ID + ", body)
    request.body = body.replace(REAL_DOMAIN, DOMAIN.encode())
    request.uri = request.uri.replace(REAL_DOMAIN.decode(), DOMAIN)
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """A real test domain's name is recorded as the demo domain."""
    body = response["body"]["string"]
    if isinstance(body, bytes):
        response["body"]["string"] = body.replace(REAL_DOMAIN, DOMAIN.encode())
    return response


def same_body(one: Any, other: Any) -> None:
    assert (one.body or b"") == (other.body or b"")


class Loopback(httplib2.Http):
    """Sends Google-addressed requests to `emulator serve` on loopback (recording only)."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def request(self, uri: str, *args: Any, **kwargs: Any) -> Any:
        return super().request(uri.replace(GOOGLE, self.base), *args, **kwargs)


def connection(base: str | None) -> Connection:
    """Services at Google's URLs acting as each user (the emulator's bearer is the email)."""

    def http_for(user: str) -> dict[str, Any]:
        inner = Loopback(base) if base else httplib2.Http()
        return {"http": AuthorizedHttp(Credentials(token=user), http=inner)}

    return Connection(
        kind="google",
        _http_for=http_for,
        _gspread_for=lambda user: None,
        retry=RetryPolicy(max_attempts=1),
        clock=lambda: NOW,
    )


@pytest.fixture
def loopback(tmp_path: Path) -> Iterator[str | None]:
    if RECORD in ("", "google"):
        yield None
        return
    import threading

    from gworkspace_supervision.emulator.httpserver import make_server
    from gworkspace_supervision.emulator.server import LocalWorkspace

    CASSETTE.unlink(missing_ok=True)  # a fresh recording, not appended to the old one
    workspace = LocalWorkspace(tmp_path / "ws")
    workspace.clock.set(NOW)
    server = make_server(workspace, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.url.rstrip("/")
    finally:
        server.shutdown()
        server.server_close()
        workspace.close()


def test_booking_one_pair_sends_exactly_the_recorded_requests(
    tmp_path: Path, loopback: str | None
) -> None:
    roster = tmp_path / "pair.csv"
    roster.write_text(ROSTER.replace(DOMAIN, REAL_DOMAIN.decode()), encoding="utf-8")
    recorder = vcr.VCR(
        record_mode="all" if RECORDING else "none",
        match_on=["method", "scheme", "host", "port", "path", "query", "body"],
        before_record_request=scrub,
        before_record_response=scrub_response,
        filter_headers=["authorization"],
        decode_compressed_response=True,
    )
    recorder.register_matcher("body", same_body)
    conn = connection(loopback)
    if RECORD == "google":  # signed in as config/settings say (service account, DWD)
        from gworkspace_supervision.google.connect import connect
        from gworkspace_supervision.settings import load_settings

        CASSETTE.unlink(missing_ok=True)
        settings = load_settings(Path(os.environ["GWS_SUPERVISION_CONFIG"]))
        conn = connect("google", settings, retry=RetryPolicy(max_attempts=1))
        conn.clock = lambda: NOW
    with recorder.use_cassette(str(CASSETTE)) as cassette:
        allowed = Settings(organisation=Organisation(allowed_domains=(REAL_DOMAIN.decode(),)))
        result = book(conn, roster, "hillingdon", 2027, allowed)
        conn.close()
    assert result.complete and result.count("create") == 1
    assert result.round_trips == 3  # list the calendar, one freebusy batch, one write batch
    if not RECORDING:
        assert cassette.all_played and cassette.play_count == 3
    uris = [r.uri for r in cassette.requests]
    assert all(u.startswith(GOOGLE + "/") for u in uris)
    assert [u.split("?")[0].removeprefix(GOOGLE) for u in uris] == [
        "/calendar/v3/calendars/primary/events",
        "/batch/calendar/v3",
        "/batch/calendar/v3",
    ]
    for request in cassette.requests:
        assert "authorization" not in {k.lower() for k in request.headers}
        assert b"sam.patel@example-council.gov.uk\r\n" not in (request.body or b"")
        assert b"Bearer sam" not in (request.body or b"") and b"Bearer ella" not in (
            request.body or b""
        )
