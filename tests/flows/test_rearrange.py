"""`rearrange` end to end on the local Workspace through the real google-api-python-client:
book a small roster, cancel instances as the supervisor, rearrange (Hillingdon 3.3)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from dateutil.parser import isoparse

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.rearrange import PENDING, REARRANGED
from gworkspace_supervision.google.calendar import CalendarAdapter
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.rearrange import (
    ALREADY,
    BOOKED,
    NO_SLOT,
    WOULD_BOOK,
    rearrange,
)
from gworkspace_supervision.settings import Settings

LONDON = ZoneInfo("Europe/London")
D = "example-council.gov.uk"
ANN, BO, CY, LM = (f"{n}@{D}" for n in ("ann", "bo", "cy", "lm"))
ROSTER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "category,preferred_day,preferred_time\n"
    f"{ANN},Ann,{BO},Bo,{LM},case_holding,Mon,10:00\n"
    f"{CY},Cy,{BO},Bo,{LM},case_holding,Tue,10:00\n"
)
POLICY = load_policy("hillingdon")


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Connection]:
    connection = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    connection.workspace.clock.set("2026-12-01T09:00:00Z")
    (tmp_path / "roster.csv").write_text(ROSTER)
    result = book(RunContext.of(connection, tmp_path / "roster.csv", POLICY, Settings()), 2027)
    supervision = [s for s in result.plan.series if s.type == "supervision"]
    assert len(supervision) == 2 and result.made("create") == len(result.plan.series)
    try:
        yield connection
    finally:
        connection.close()


def london(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def cancel(conn: Connection, supervisee: str, when: datetime) -> str:
    """Delete one instance as the supervisor, as a person would in Calendar; its id."""
    events = conn.calendar(BO).events()
    series = [
        b
        for b in CalendarAdapter(conn).list_app_series(BO)
        if supervisee in b.attendees and b.kind == "supervision"
    ]
    found = (
        events.instances(
            calendarId="primary",
            eventId=series[0].event_id,
            timeMin=when.isoformat(),
            timeMax=when.replace(hour=23).isoformat(),
        )
        .execute()
        .get("items", [])
    )
    assert len(found) == 1 and isoparse(found[0]["start"]["dateTime"]) == when
    events.delete(calendarId="primary", eventId=found[0]["id"], sendUpdates="all").execute()
    return str(found[0]["id"])


def busy(conn: Connection, person: str, start: datetime, end: datetime) -> None:
    body: dict[str, Any] = {
        "summary": "Court",
        "start": {"dateTime": start.isoformat(), "timeZone": "Europe/London"},
        "end": {"dateTime": end.isoformat(), "timeZone": "Europe/London"},
    }
    conn.calendar(person).events().insert(calendarId="primary", body=body).execute()


def replacements(conn: Connection) -> list[dict[str, Any]]:
    page = (
        conn.calendar(BO)
        .events()
        .list(calendarId="primary", privateExtendedProperty=["kind=rearrangement"])
        .execute()
    )
    return list(page.get("items", []))


def test_cancelled_session_rearranged_within_5_days_once(conn: Connection, tmp_path: Path) -> None:
    # Ann's four-weekly Monday 10:00 sessions: 4 Jan, 1 Feb, ... Bo cancels Mon 1 Feb on Thu 28 Jan.
    conn.workspace.clock.set("2027-01-28T10:00:00Z")
    cancelled_id = cancel(conn, ANN, london("2027-02-01T10:00"))
    busy(conn, ANN, london("2027-01-28T09:00"), london("2027-01-29T17:00"))  # Thu-Fri away
    busy(conn, BO, london("2027-02-01T09:00"), london("2027-02-01T09:30"))
    sent_before = len(conn.workspace.outbox())

    proposed = rearrange(RunContext.of(conn, policy=POLICY), supervisors=[BO], dry_run=True)
    assert [o.action for o in proposed.outcomes] == [WOULD_BOOK]
    assert replacements(conn) == []

    result = rearrange(RunContext.of(conn, policy=POLICY), supervisors=[BO])
    (outcome,) = result.outcomes
    assert outcome.action == BOOKED and outcome.status == REARRANGED
    assert outcome.cancelled.session_id == cancelled_id
    # Earliest slot free for both: not Thu/Fri (Ann away), weekend skipped, Mon 09:00 Bo busy;
    # Mon 1 Feb 09:30-11:00 overlaps only the cancelled session itself.
    assert (outcome.start, outcome.end) == (london("2027-02-01T09:30"), london("2027-02-01T11:00"))
    (event,) = replacements(conn)
    private = event["extendedProperties"]["private"]
    assert private["rearranges"] == cancelled_id and private["app"] == "gws-supervision"
    assert private["pair"] == outcome.cancelled.pair_id and "year" not in private
    assert [a["email"] for a in event["attendees"]] == [ANN]
    assert event["summary"] == "Supervision (rearranged): Ann / Bo"
    invitation = conn.workspace.outbox()[sent_before:]
    assert [(m["to"], m["kind"], m["eventId"]) for m in invitation] == [
        (ANN, "invitation", event["id"])
    ]
    assert outcome.start is not None and outcome.end is not None
    free = CalendarAdapter(conn).freebusy(BO, [ANN, BO], outcome.start, outcome.end)
    assert free.busy[ANN] == free.busy[BO] == [(outcome.start, outcome.end)]
    # `book` lists its series by year: it never sees (nor retires) the replacement.
    assert event["id"] not in {b.event_id for b in CalendarAdapter(conn).list_app_series(BO, 2027)}

    again = rearrange(RunContext.of(conn, policy=POLICY), supervisors=[BO], session_id=cancelled_id)
    assert [(o.action, o.status, o.start) for o in again.outcomes] == [
        (ALREADY, REARRANGED, outcome.start)
    ]
    assert len(replacements(conn)) == 1 and len(conn.workspace.outbox()) == sent_before + 1


def test_no_free_slot_is_reported_for_a_manual_rearrangement(
    conn: Connection, tmp_path: Path
) -> None:
    # Cy's Tuesday sessions: 5 Jan, 2 Feb. Cy is away from Thu 28 Jan to Sun 7 Feb.
    conn.workspace.clock.set("2027-01-28T10:00:00Z")
    cancelled_id = cancel(conn, CY, london("2027-02-02T10:00"))
    busy(conn, CY, london("2027-01-28T00:00"), london("2027-02-08T00:00"))
    result = rearrange(RunContext.of(conn, policy=POLICY), supervisors=[BO])
    assert [(o.action, o.status) for o in result.outcomes] == [(NO_SLOT, PENDING)]
    assert replacements(conn) == []

    # The CLI lists it and exits 1. Google keeps no time on a cancelled occurrence (Events
    # reference, Event.status: only id, recurringEventId, originalStartTime), so `rearrange`
    # cannot tell a day has passed since the cancellation: still PENDING here; the tracker
    # dates a cancellation from the first sync that saw it (tests/flows/test_tracking.py).
    conn.workspace.clock.set("2027-01-29T10:30:00Z")
    runner = CliRunner()
    args = ["--workspace", f"local:{tmp_path / 'ws'}", "rearrange", "--all"]
    args += ["--roster", str(tmp_path / "roster.csv"), "--policy", "hillingdon"]
    out = runner.invoke(cli, args)
    assert out.exit_code == 1, out.output
    assert f"Tue 02 Feb 2027 10:00 {CY} with {BO} [{cancelled_id}]: no free slot" in out.stdout
    assert f"({PENDING})" in out.stdout
    assert "1 cancelled session(s) need rearranging by hand" in out.stderr

    missing = runner.invoke(cli, [*args[:3], "--session", "nope", *args[4:]])
    assert missing.exit_code == 2 and "no cancelled session 'nope'" in missing.stderr
