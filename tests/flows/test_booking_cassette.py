"""The exact HTTP requests of booking one pair, pinned by a vcrpy cassette.

Replayed offline against Google's own URLs (no server, no network): any request the code adds,
drops or changes fails this test. To re-record against the local Workspace served on loopback
(`emulator serve`, started here in a thread):

    GWS_RECORD=1 .venv/bin/pytest tests/flows/test_booking_cassette.py

See tests/cassettes/README.md for re-recording against a real Google test domain.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cassette_support import DOMAIN, GOOGLE, connection, recorder, served

from gworkspace_supervision.context import RunContext
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.settings import Organisation, Settings

CASSETTE = Path(__file__).resolve().parents[1] / "cassettes" / "book_one_pair.yaml"
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
REAL_DOMAIN = os.environ.get("GWS_TEST_DOMAIN", DOMAIN).encode()  # a Google test domain


@pytest.fixture
def loopback(tmp_path: Path) -> Iterator[str | None]:
    if RECORD in ("", "google"):
        yield None
        return
    with served(tmp_path / "ws", NOW, CASSETTE) as url:
        yield url


def test_booking_one_pair_sends_exactly_the_recorded_requests(
    tmp_path: Path, loopback: str | None
) -> None:
    roster = tmp_path / "pair.csv"
    roster.write_text(ROSTER.replace(DOMAIN, REAL_DOMAIN.decode()), encoding="utf-8")
    vcr_ = recorder(RECORDING, REAL_DOMAIN)
    conn = connection(loopback, NOW)
    if RECORD == "google":  # signed in as config/settings say (service account, DWD)
        from gworkspace_supervision.google.connect import connect
        from gworkspace_supervision.settings import load_settings

        CASSETTE.unlink(missing_ok=True)
        settings = load_settings(Path(os.environ["GWS_SUPERVISION_CONFIG"]))
        conn = connect("google", settings, retry=RetryPolicy(max_attempts=1))
        conn.clock = lambda: NOW
    with vcr_.use_cassette(str(CASSETTE)) as cassette:
        allowed = Settings(organisation=Organisation(allowed_domains=(REAL_DOMAIN.decode(),)))
        result = book(RunContext.of(conn, roster, "hillingdon", allowed), 2027)
        conn.close()
    # one supervision series, two practice observations (5.2 f), a PADA appraisal and review (6)
    assert result.complete and result.count("create") == len(result.plan.series) == 5
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
