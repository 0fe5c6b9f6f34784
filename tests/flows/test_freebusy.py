"""Free/busy of many people over a whole year, under Google's limits: at most 50 calendars and
90 days a query (the local Workspace answers 400 past either: tests/emulator/
test_calendar_strict.py cites the Freebusy reference and calcom/cal.diy pull requests 11696 and
11962). `book` asks for everyone's year, `rearrange` for a few days: the adapter cuts both into
queries that fit, sent in batches."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gworkspace_supervision.google.calendar import CalendarAdapter
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.retry import RetryPolicy

OPS = "ops@example-council.gov.uk"


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Connection]:
    connection = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    with connection:
        yield connection


def test_a_year_of_120_people_is_asked_in_queries_that_fit(conn: Connection) -> None:
    people = [f"p{i:03d}@example-council.gov.uk" for i in range(120)]
    last = people[-1]
    busy_at = datetime(2027, 11, 17, 10, tzinfo=UTC)  # in the last window, the last chunk
    conn.calendar(last).events().insert(
        calendarId="primary",
        body={
            "summary": "Court",
            "start": {"dateTime": busy_at.isoformat()},
            "end": {"dateTime": (busy_at + timedelta(hours=2)).isoformat()},
        },
    ).execute()
    conn.workspace.reset_counters()
    lo, hi = datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)
    found = CalendarAdapter(conn).freebusy(OPS, people, lo, hi)
    assert not found.errors
    assert found.busy[last] == [(busy_at, busy_at + timedelta(hours=2))]
    assert all(found.busy[p] == [] for p in people[:-1])
    methods = conn.workspace.counters()["methods"]
    # 365 days in windows of at most 90 (here 60) days, 120 people in chunks of at most 50
    assert methods["calendar.freebusy.query"] == 7 * 3
