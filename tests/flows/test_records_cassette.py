"""The exact HTTP requests of creating one record, pinned by a vcrpy cassette.

Follows tests/flows/test_booking_cassette.py (same scrubbing: Google's host, no credentials,
stable multipart boundaries). The cassette holds the whole story (install the templates, book
one pair, create the record for its first session) because replay has no server to prepare;
the assertions pin the record's own requests. Re-record against `emulator serve` on loopback:

    GWS_RECORD=1 .venv/bin/pytest tests/flows/test_records_cassette.py
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cassette_support import DOCS, GOOGLE, connection, recorder, served

from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import parse_roster
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.records import create_records
from gworkspace_supervision.services.templates import install_templates
from gworkspace_supervision.settings import Settings

CASSETTE = Path(__file__).resolve().parents[1] / "cassettes" / "record_one_session.yaml"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SUPERVISOR = "ella.singh@example-council.gov.uk"
ROSTER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "line_manager_name,category,preferred_day,preferred_time\n"
    f"sam.patel@example-council.gov.uk,Sam Patel,{SUPERVISOR},Ella Singh,"
    "dev.khan@example-council.gov.uk,Dev Khan,case_holding,Tue,10:00\n"
)
RECORDING = os.environ.get("GWS_RECORD", "") == "1"


@pytest.fixture
def loopback(tmp_path: Path) -> Iterator[str | None]:
    if not RECORDING:
        yield None
        return
    with served(tmp_path / "ws", NOW, CASSETTE) as url:
        yield url


def test_one_record_sends_exactly_the_recorded_requests(loopback: str | None) -> None:
    vcr_ = recorder(RECORDING)
    policy = load_policy("hillingdon")
    roster = parse_roster(ROSTER, "pair.csv", policy, ("example-council.gov.uk",))
    conn = connection(loopback, NOW)
    with vcr_.use_cassette(str(CASSETTE)) as cassette:
        install_templates(RunContext.of(conn, settings=Settings()))
        book(RunContext.of(conn, roster, policy, Settings()), 2027, send_updates="none")
        first = len(cassette.requests) if RECORDING else cassette.play_count
        result = create_records(
            RunContext.of(conn, roster, policy, Settings()), 2027, date(2027, 1, 5)
        )
        conn.close()
    assert result.created == 1 and not result.failures
    if not RECORDING:
        assert cassette.all_played
    mine = [
        f"{r.method} {r.uri.split('?')[0].removeprefix(GOOGLE)}" for r in cassette.requests[first:]
    ]
    assert mine == [
        "GET /drive/v3/files",  # the template, as the operator
        f"GET {DOCS}/v1/documents/" + mine[1].split("/")[-1],  # its content, read once
        "GET /calendar/v3/calendars/primary/events",  # the supervisor's sessions
        "GET /drive/v3/files",  # the supervisor's records and the app's folders
        "POST /batch/drive/v3",  # folders: Supervision Records
        "POST /batch/drive/v3",  # folders: Supervision Records/Sam Patel
        "POST /batch/drive/v3",  # create the empty record Doc, as the supervisor
        f"POST {DOCS}/batch",  # its content: documents.batchUpdate in a Docs batch (below)
        "POST /batch/drive/v3",  # share: supervisee and line manager
        "POST /batch/calendar/v3",  # attach to the instance
    ]
    fill = cassette.requests[first + 7]
    assert fill.uri == DOCS + "/batch"
    assert re.search(rb"^POST /v1/documents/[^ ?]+:batchUpdate[? ]", fill.body, re.M)
    for request in cassette.requests:
        assert "authorization" not in {k.lower() for k in request.headers}
