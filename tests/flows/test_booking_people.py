"""`book` with the people columns of issue 13 on the local Workspace, through the real clients:
a leaver's end_date cancels what is booked after it, a status added mid-year rebooks the rest
of the year at the status's cadence, and the past is left alone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from test_booking import EXAMPLE, LONDON, YEAR, booked, rows, supervisors, write_roster

from gworkspace_supervision.context import RunContext
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.settings import Settings


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Connection]:
    connection = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    connection.workspace.clock.set("2026-12-01T09:00:00Z")
    try:
        yield connection
    finally:
        connection.close()


def test_an_end_date_cancels_what_is_booked_after_it(conn: Connection, tmp_path: Path) -> None:
    before = book(RunContext.of(conn, EXAMPLE, "hillingdon", Settings()), YEAR, send_updates="none")
    entries = rows()
    holders = [e for e in entries if e["category"] == "case_holding"]
    leaver, plan_person = holders[0], holders[1]
    with_columns = [dict(e, end_date="", role="", status="", status_start="", status_end="")
                    for e in entries]  # fmt: skip
    for e in with_columns:
        if e["supervisee_email"] == leaver["supervisee_email"]:
            e["end_date"] = "2027-06-30"
        if e["supervisee_email"] == plan_person["supervisee_email"]:  # Hillingdon 4.3
            e.update(category="", role="case_holding", status="pip", status_start="2027-04-05",
                     status_end="2027-06-30", interval_weeks="1")  # fmt: skip
    roster = write_roster(tmp_path / "changed.csv", with_columns)

    now = datetime(YEAR, 3, 10, 12, 0, tzinfo=UTC)
    conn.workspace.clock.set(now)
    everyone = supervisors(before.plan)
    past = {i for i in booked(conn, everyone) if i[2] < now}
    after = book(RunContext.of(conn, roster, "hillingdon", Settings()), YEAR, send_updates="none")
    assert after.complete
    now_booked = booked(conn, everyone | supervisors(after.plan))
    assert {i for i in now_booked if i[2] < now} == past  # the past is untouched
    future = {(cal, start) for cal, _id, start in now_booked if start >= now}
    assert future == {(s.supervisor_email, s.start) for s in after.plan.sessions if s.start >= now}
    # nothing of the leaver's after 30 June 2027 on any calendar
    leaver_ids = {s.series_id for p in (before.plan, after.plan) for s in p.series
                  if s.supervisee_email == leaver["supervisee_email"]}  # fmt: skip
    theirs = [i for i in now_booked if i[1].split("_")[0] in leaver_ids]
    assert theirs and max(i[2].astimezone(LONDON).date() for i in theirs) <= date(2027, 6, 30)
    # weekly while the performance plan lasts, then four-weekly again
    weekly = sorted(
        s.start for s in after.plan.supervision
        if s.supervisee_email == plan_person["supervisee_email"]
        and date(2027, 4, 5) <= s.start.date() < date(2027, 6, 30)
    )  # fmt: skip
    assert len(weekly) >= 11

    # the role is the series' identity: adding a status updates the booked series in place
    def ids(plan: object) -> set[str]:
        return {s.series_id for s in plan.series  # type: ignore[attr-defined]
                if s.supervisee_email == plan_person["supervisee_email"]
                and s.type == "supervision"}  # fmt: skip

    assert ids(after.plan) == ids(before.plan)
    conn.workspace.reset_counters()
    again = book(RunContext.of(conn, roster, "hillingdon", Settings()), YEAR, send_updates="none")
    assert again.writes == []  # converged


def test_absences_move_the_booked_session_to_the_return(conn: Connection, tmp_path: Path) -> None:
    # Islington: supervision prioritised when the practitioner returns. Booked with the
    # absences file, the calendar holds what the plan says: nothing while away, the first
    # session on return.
    from gworkspace_supervision.domain.absences import Absence

    entries = rows()
    who = next(e for e in entries if e["category"] == "case_holding")["supervisee_email"]
    away = [Absence(who, date(2027, 3, 1), date(2027, 4, 20), "sickness")]
    result = book(RunContext.of(conn, EXAMPLE, "hillingdon", Settings()), YEAR, send_updates="none", absences=away)  # fmt: skip
    assert result.complete
    theirs = [s for s in result.plan.supervision if s.supervisee_email == who]
    assert not [s for s in theirs if date(2027, 3, 1) <= s.start.date() <= date(2027, 4, 20)]
    assert any("first free slot on return" in (s.move_reason or "") for s in theirs)
    ids = {s.series_id for s in theirs}
    on_calendar = sorted(i[2] for i in booked(conn, supervisors(result.plan))
                         if i[1].split("_")[0] in ids)  # fmt: skip
    assert on_calendar == sorted(s.start.astimezone(LONDON) for s in theirs)
