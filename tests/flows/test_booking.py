"""`book` end to end on the local Workspace, through the real google-api-python-client."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.parser import isoparse

from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.planner import Plan
from gworkspace_supervision.errors import InputError
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.booking import BookingResult, book
from gworkspace_supervision.services.demo import example_roster
from gworkspace_supervision.settings import Settings

EXAMPLE = example_roster()
LONDON = ZoneInfo("Europe/London")
YEAR = 2027
Instance = tuple[str, str, datetime]  # (calendar, instance id, start in London)


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Connection]:
    """A connection to a fresh local Workspace whose clock stands in December before the year."""
    connection = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    connection.workspace.clock.set("2026-12-01T09:00:00Z")
    try:
        yield connection
    finally:
        connection.close()


def run(conn: Connection, roster: Path = EXAMPLE, **kw: Any) -> BookingResult:
    return book(RunContext.of(conn, roster, "hillingdon", Settings()), YEAR, **kw)


def rows(path: Path = EXAMPLE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def write_roster(path: Path, entries: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(entries[0]))
        writer.writeheader()
        writer.writerows(entries)
    return path


def booked(conn: Connection, users: set[str]) -> set[Instance]:
    """Every instance of the app's events, as Calendar expands them, per organiser calendar."""
    out: set[Instance] = set()
    for user in sorted(users):
        token = None
        while True:
            page = (
                conn.calendar(user)
                .events()
                .list(
                    calendarId="primary",
                    singleEvents=True,
                    privateExtendedProperty=["app=gws-supervision"],
                    timeMin=f"{YEAR}-01-01T00:00:00Z",
                    timeMax=f"{YEAR + 1}-01-01T00:00:00Z",
                    maxResults=2500,
                    pageToken=token,
                )
                .execute()
            )
            for item in page.get("items", []):
                if item["organizer"].get("self"):
                    start = isoparse(item["start"]["dateTime"]).astimezone(LONDON)
                    out.add((user, item["id"], start))
            token = page.get("nextPageToken")
            if not token:
                break
    return out


def planned(plan: Plan) -> set[Instance]:
    return {(s.supervisor_email, s.session_id, s.start.astimezone(LONDON)) for s in plan.sessions}


def supervisors(*plans: Plan) -> set[str]:
    return {s.supervisor_email for p in plans for s in p.series} | {
        s.line_manager_email for p in plans for s in p.series
    }


def test_booked_year_equals_the_plan_session_for_session(conn: Connection) -> None:
    result = run(conn)
    assert result.complete and result.count("create") == len(result.plan.series)
    counters = conn.workspace.counters()
    assert counters["event_writes"] == len(result.plan.series)
    assert counters["emails"] == result.invitations == len(result.plan.series)
    # far fewer round trips than sessions: series in batches, one freebusy batch
    assert result.round_trips == counters["http"] < len(result.plan.sessions) / 10
    got = booked(conn, supervisors(result.plan))
    assert got == planned(result.plan)
    # Calendar keeps each series at the same London wall-clock time across both BST changes
    moved = {s.session_id for s in result.plan.sessions if s.moved_from is not None}
    times: dict[str, set[tuple[int, int]]] = {}
    offsets: dict[str, set[timedelta | None]] = {}
    for _cal, instance_id, start in got:
        if instance_id not in moved:
            times.setdefault(instance_id.split("_")[0], set()).add((start.hour, start.minute))
            offsets.setdefault(instance_id.split("_")[0], set()).add(start.utcoffset())
    assert all(len(t) == 1 for t in times.values())
    assert any(len(o) == 2 for o in offsets.values())  # series spanning GMT and BST


def test_a_second_run_writes_nothing_and_emails_nobody(conn: Connection) -> None:
    first = run(conn)
    conn.workspace.reset_counters()
    second = run(conn)
    assert second.count("unchanged") == len(first.plan.series)
    assert second.writes == [] and second.invitations == 0
    counters = conn.workspace.counters()
    assert counters["event_writes"] == 0 and counters["emails"] == 0


def test_dry_run_prints_the_diff_and_writes_nothing(conn: Connection) -> None:
    result = run(conn, dry_run=True)
    assert result.count("create") == len(result.plan.series)
    assert result.invitations == len(result.plan.series)
    counters = conn.workspace.counters()
    assert counters["event_writes"] == 0 and counters["emails"] == 0
    assert booked(conn, supervisors(result.plan)) == set()


def test_an_invalid_roster_makes_no_call_at_all(conn: Connection, tmp_path: Path) -> None:
    entries = rows()
    entries[3]["supervisee_email"] = "not-an-email"
    entries[5]["category"] = "astronaut"
    with pytest.raises(InputError) as caught:
        run(conn, write_roster(tmp_path / "bad.csv", entries))
    assert len(caught.value.problems) == 2
    assert conn.workspace.counters()["http"] == 0


def test_a_run_killed_half_way_is_finished_by_running_again(conn: Connection) -> None:
    class Killed(BaseException):
        """Stands in for Ctrl-C: not an Exception, so nothing catches it on the way out."""

    def kill_after_first_batch(done: int, total: int) -> None:
        if done >= 10:
            raise Killed  # like Ctrl-C in the middle of the run

    with pytest.raises(Killed):
        run(conn, progress=kill_after_first_batch)
    partial = conn.workspace.counters()["event_writes"]
    assert 0 < partial
    again = run(conn)
    assert again.complete
    assert again.count("create") + again.count("unchanged") == len(again.plan.series)
    assert again.count("create") == len(again.plan.series) - partial
    assert booked(conn, supervisors(again.plan)) == planned(again.plan)


def test_twenty_percent_transient_faults_still_converge(conn: Connection) -> None:
    conn.workspace.faults.set(error_rate=0.2, error_codes=[429, 500, 503], seed=42)
    result = run(conn)
    assert result.complete
    errors = conn.workspace.counters()["errors"]
    assert sum(errors.values()) > 0
    conn.workspace.faults.clear()
    assert booked(conn, supervisors(result.plan)) == planned(result.plan)
    assert run(conn).writes == []


def test_used_up_quota_stops_cleanly_and_a_later_run_finishes(conn: Connection) -> None:
    conn.workspace.faults.set(quota_exceeded_after=0)
    stopped = run(conn)
    assert not stopped.complete and not stopped.failures
    left = sum(len(cs) for cs in stopped.left.values())
    assert left == len(stopped.plan.series)
    counters = conn.workspace.counters()
    assert counters["event_writes"] == 0
    assert counters["methods"]["calendar.events.insert"] == left  # each tried once, no hammering
    conn.workspace.faults.clear()
    finished = run(conn)
    assert finished.complete and finished.count("create") == left
    assert booked(conn, supervisors(finished.plan)) == planned(finished.plan)


def test_existing_busy_time_is_kept_clear(conn: Connection) -> None:
    plain = run(conn, dry_run=True)
    first = min(plain.plan.sessions, key=lambda s: s.start)
    meeting = {
        "summary": "Court hearing",
        "start": {"dateTime": first.start.isoformat()},
        "end": {"dateTime": (first.start + timedelta(hours=3)).isoformat()},
    }
    conn.calendar(first.supervisor_email).events().insert(
        calendarId="primary", body=meeting
    ).execute()
    result = run(conn)
    clash = [
        s
        for s in result.plan.sessions
        if first.supervisor_email in (s.supervisor_email, s.supervisee_email)
        and s.start < first.start + timedelta(hours=3)
        and first.start < s.end
    ]
    assert clash == []
    assert booked(conn, supervisors(result.plan)) == planned(result.plan)


def test_roster_changes_reconcile_and_leave_the_past_alone(
    conn: Connection, tmp_path: Path
) -> None:
    before = run(conn)
    entries = rows()
    by_email = {e["supervisee_email"]: e for e in entries}
    case_holders = [e for e in entries if e["category"] == "case_holding"]
    leaver, mover, shifter = case_holders[0], case_holders[1], case_holders[2]
    new_supervisor = next(
        e["supervisor_email"] for e in entries if e["supervisor_email"] != mover["supervisor_email"]
    )
    new_supervisor_name = next(
        e["supervisor_name"] for e in entries if e["supervisor_email"] == new_supervisor
    )
    asye = next(e for e in entries if e["category"] == "asye")
    changed = [e for e in entries if e is not leaver]
    mover.update(supervisor_email=new_supervisor, supervisor_name=new_supervisor_name)
    shifter.update(preferred_day="Thu" if shifter["preferred_day"] != "Thu" else "Tue")
    asye.update(category="case_holding", start_date="")
    starter = dict(case_holders[3])
    starter.update(
        supervisee_email="new.starter@example-council.gov.uk", supervisee_name="New Starter"
    )
    changed.append(starter)
    roster = write_roster(tmp_path / "changed.csv", changed)
    assert by_email[leaver["supervisee_email"]] is leaver

    now = datetime(YEAR, 3, 10, 12, 0, tzinfo=UTC)
    conn.workspace.clock.set(now)
    past_before = {i for i in booked(conn, supervisors(before.plan)) if i[2] < now}
    after = book(RunContext.of(conn, roster, "hillingdon", Settings()), YEAR)
    assert after.complete
    actions = {(c.action, c.supervisee) for c in after.changes}
    assert ("truncate", leaver["supervisee_email"]) in actions
    assert ("truncate", mover["supervisee_email"]) in actions
    assert ("create", mover["supervisee_email"]) in actions
    assert ("create", "new.starter@example-council.gov.uk") in actions
    assert any(a == "create" and who == shifter["supervisee_email"] for a, who in actions)
    assert any(a == "create" and who == asye["supervisee_email"] for a, who in actions)

    everyone = supervisors(before.plan, after.plan)
    now_booked = booked(conn, everyone)
    assert {i for i in now_booked if i[2] < now} == past_before  # the past is untouched
    future = {(cal, start) for cal, _id, start in now_booked if start >= now}
    wanted = {(s.supervisor_email, s.start) for s in after.plan.sessions if s.start >= now}
    assert future == wanted
    gone = {
        s.series_id
        for s in before.plan.series
        if s.supervisee_email in (leaver["supervisee_email"], mover["supervisee_email"])
    }
    assert gone and not [i for i in now_booked if i[2] >= now and i[1].split("_")[0] in gone]
    conn.workspace.reset_counters()
    assert run(conn, roster).writes == []  # converged: a re-run changes nothing
    assert conn.workspace.counters()["emails"] == 0
