"""A supervisee declines one session (answers "No" in Google Calendar): `sync` shows it as a
session that will not happen and `rearrange` cancels and rebooks it (Hillingdon Supervision
Framework 3.3: rearranged within 24 hours for a date not later than 5 days after).

On Google a guest cannot cancel the organiser's event (403 forbiddenForNonOrganizer); what they
can do is patch their own attendee responseStatus (Events reference, attendees[].responseStatus,
https://developers.google.com/calendar/api/v3/reference/events#attendees.responseStatus;
taylorwilsdon/google_workspace_mcp pull request 639). The local Workspace allows exactly that.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.parser import isoparse

from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.rearrange import REARRANGED
from gworkspace_supervision.domain.roster import load_roster
from gworkspace_supervision.domain.status import Status
from gworkspace_supervision.google.calendar import CalendarAdapter
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.rearrange import BOOKED, WOULD_BOOK, rearrange
from gworkspace_supervision.services.tracking import SyncResult, sync
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


def london(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def replacements(conn: Connection) -> list[dict[str, Any]]:
    page = (
        conn.calendar(BO)
        .events()
        .list(calendarId="primary", privateExtendedProperty=["kind=rearrangement"])
        .execute()
    )
    return list(page.get("items", []))


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[RunContext]:
    connection = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    connection.workspace.clock.set("2026-12-01T09:00:00Z")
    (tmp_path / "roster.csv").write_text(ROSTER)
    roster = load_roster(tmp_path / "roster.csv", POLICY)
    run = RunContext.of(connection, roster, POLICY, Settings())
    book(run, 2027, send_updates="none")
    try:
        yield run
    finally:
        connection.close()


def at(ctx: RunContext, when: str) -> None:
    ctx.connection.workspace.clock.set(datetime.fromisoformat(when).replace(tzinfo=LONDON))


def decline(conn: Connection, supervisee: str, when: datetime) -> str:
    """Answer "No" to one occurrence as the supervisee, on their own copy; its id."""
    events = conn.calendar(supervisee).events()
    found = events.list(
        calendarId="primary", singleEvents=True, timeMin=when.isoformat(),
        timeMax=when.replace(hour=23).isoformat(),
    ).execute()["items"]  # fmt: skip
    (one,) = [e for e in found if isoparse(e["start"]["dateTime"]) == when]
    attendees = [
        {k: v for k, v in a.items() if k != "self"}
        | ({"responseStatus": "declined"} if a.get("self") else {})
        for a in one["attendees"]
    ]
    body: dict[str, Any] = {"attendees": attendees}
    events.patch(calendarId="primary", eventId=one["id"], body=body).execute()
    return str(one["id"])


def row(result: SyncResult, session_id: str) -> Any:
    (found,) = [r for r in result.rows if r.session_id == session_id]
    return found


def test_a_declined_session_shows_in_sync_then_is_rebooked(ctx: RunContext) -> None:
    conn = ctx.connection
    at(ctx, "2027-01-28T10:00")
    declined = decline(conn, ANN, london("2027-02-01T10:00"))
    held = conn.calendar(BO).events().get(calendarId="primary", eventId=declined).execute()
    assert held["status"] == "confirmed"  # the organiser's event lives on; only the answer

    first = sync(ctx, 2027, today=date(2027, 1, 28))
    line = row(first, declined)
    assert line.status == Status.DECLINED and line.line_manager_email == LM
    assert line.cancelled_at is not None and line.cancelled_at <= conn.now()

    # more than 24 hours with nobody rearranging it: Hillingdon 3.3 breached
    at(ctx, "2027-01-29T12:00")
    late = sync(ctx, 2027, today=date(2027, 1, 29))
    assert row(late, declined).status == Status.NOT_REARRANGED
    assert row(late, declined).cancelled_at == line.cancelled_at  # kept from the first sync

    at(ctx, "2027-01-28T11:00")  # back inside the 24 hours (the clock is the test's)
    preview = rearrange(ctx, supervisors=[BO], dry_run=True)
    (proposed,) = preview.outcomes
    assert proposed.action == WOULD_BOOK and proposed.cancelled.declined
    still = conn.calendar(BO).events().get(calendarId="primary", eventId=declined).execute()
    assert still["status"] == "confirmed" and replacements(conn) == []

    sent_before = len(conn.workspace.outbox())
    done = rearrange(ctx, supervisors=[BO])
    (outcome,) = done.outcomes
    assert outcome.action == BOOKED and outcome.status == REARRANGED
    assert outcome.cancelled.session_id == declined
    gone = conn.calendar(BO).events().get(calendarId="primary", eventId=declined).execute()
    assert gone["status"] == "cancelled"  # the supervisor's occurrence, cancelled as organiser
    (event,) = replacements(conn)
    assert event["extendedProperties"]["private"]["rearranges"] == declined
    assert "declined by the supervisee" in event["description"]
    mail = [(m["to"], m["kind"]) for m in conn.workspace.outbox()[sent_before:]]
    assert (ANN, "cancellation") in mail and (ANN, "invitation") in mail

    # a re-run books nothing twice; sync shows it cancelled and rearranged in time
    again = rearrange(ctx, supervisors=[BO])
    assert [o.action for o in again.outcomes] == ["already rearranged"]
    assert len(replacements(conn)) == 1
    after = sync(ctx, 2027, today=date(2027, 1, 28))
    assert row(after, declined).status == Status.CANCELLED
    assert len([r for r in after.rows if r.session_id == declined]) == 1


def test_only_the_declined_occurrence_is_touched(ctx: RunContext) -> None:
    conn = ctx.connection
    at(ctx, "2027-01-28T10:00")
    declined = decline(conn, ANN, london("2027-02-01T10:00"))
    rearrange(ctx, supervisors=[BO])
    series = [
        b for b in CalendarAdapter(conn).list_app_series(BO) if ANN in b.attendees
        and b.kind == "supervision"
    ]  # fmt: skip
    items = conn.calendar(BO).events().instances(
        calendarId="primary", eventId=series[0].event_id,
        timeMin="2027-01-01T00:00:00Z", timeMax="2027-04-01T00:00:00Z",
    ).execute()["items"]  # fmt: skip
    assert declined not in {i["id"] for i in items}
    assert all(i["status"] == "confirmed" for i in items) and len(items) >= 2
