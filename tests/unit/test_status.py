"""Status rules of the tracking Sheet (Hillingdon 4.4 due dates, 3.3 cancellations)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gworkspace_supervision.domain.status import (
    Status,
    TrackedSession,
    overdue_rows,
    parse_record_status,
    record_due,
    session_status,
    summarise,
    working_days_overdue,
)
from gworkspace_supervision.domain.workdays import WorkingDays

LONDON = ZoneInfo("Europe/London")
DAYS = WorkingDays("ENG")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.mark.parametrize(
    ("session", "due"),
    [
        (date(2027, 12, 23), date(2028, 1, 4)),  # docs/architecture.md: Christmas substitutes
        (date(2027, 3, 24), date(2027, 4, 2)),  # Easter 2027: Good Friday 26 Mar, Monday 29 Mar
        (date(2027, 6, 7), date(2027, 6, 14)),  # an ordinary Monday
    ],
)
def test_record_due_counts_working_days_from_the_day_after(session: date, due: date) -> None:
    assert record_due(session, DAYS, 5) == due


def test_closure_days_push_the_due_date() -> None:
    closed = WorkingDays("ENG", {date(2027, 6, 9), date(2027, 6, 10)})
    assert record_due(date(2027, 6, 7), closed, 5) == date(2027, 6, 16)


def status_on(now: str, **kw: object) -> Status:
    start = at("2027-03-24T10:00")
    base: dict[str, object] = {
        "end": start + timedelta(minutes=90),
        "now": at(now),
        "due": date(2027, 4, 2),
        "completed": None,
    }
    return session_status(**(base | kw))  # type: ignore[arg-type]


def test_status_through_the_life_of_a_session() -> None:
    assert status_on("2027-03-24T09:00") == Status.BOOKED
    assert status_on("2027-03-24T12:00") == Status.DUE
    assert status_on("2027-04-02T23:00") == Status.DUE  # the due day itself is on time
    assert status_on("2027-04-05T09:00") == Status.OVERDUE
    assert status_on("2027-04-05T09:00", completed=date(2027, 4, 2)) == Status.COMPLETE
    assert status_on("2027-04-09T09:00", completed=date(2027, 4, 6)) == Status.COMPLETE_LATE
    # a completion after the day asked about is not visible yet
    assert status_on("2027-03-30T09:00", completed=date(2027, 4, 6)) == Status.DUE


def test_cancelled_is_flagged_24_hours_after_the_cancellation_unless_rearranged() -> None:
    cancelled = at("2027-03-22T16:00")
    # the one 3.3 rule (domain.rearrange): at 24 hours it is still "within 24 hours"
    assert status_on("2027-03-23T16:00", cancelled_at=cancelled) == Status.CANCELLED
    assert status_on("2027-03-23T16:01", cancelled_at=cancelled) == Status.NOT_REARRANGED
    again = status_on("2027-03-30T09:00", cancelled_at=cancelled, rearranged=True)
    assert again == Status.CANCELLED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("...\nRecord status: DRAFT\n", "DRAFT"),
        ("Record status: COMPLETE", "COMPLETE"),
        ("record   status :complete ", "COMPLETE"),
        ("RECORD STATUS:\tCompleted.", "COMPLETE"),
        ("Record status: draft (change DRAFT to COMPLETE when finished)\nRecord status: Complete",
         "COMPLETE"),
        ("Record Status - Draft", "DRAFT"),
        ("no status line here", None),
    ],
)  # fmt: skip
def test_record_status_line(text: str, expected: str | None) -> None:
    assert parse_record_status(text) == expected


def row(team: str, who: str, day: date, status: Status) -> TrackedSession:
    start = datetime(day.year, day.month, day.day, 10, tzinfo=LONDON)
    return TrackedSession(
        session_id=f"{who}-{day}",
        team=team,
        supervisor_email=f"{who}@example-council.gov.uk",
        supervisor_name=who.title(),
        supervisee_email="x@example-council.gov.uk",
        supervisee_name="X",
        line_manager_email="lm@example-council.gov.uk",
        line_manager_name="LM",
        category="Case holder",
        start=start,
        end=start + timedelta(minutes=90),
        record_due=record_due(day, DAYS, 5),
        status=status,
    )


def test_summary_per_team_supervisor_and_month() -> None:
    rows = [
        row("A", "ann", date(2027, 1, 11), Status.COMPLETE),
        row("A", "ann", date(2027, 2, 8), Status.COMPLETE_LATE),
        row("A", "bob", date(2027, 2, 9), Status.OVERDUE),
        row("B", "bob", date(2027, 2, 10), Status.COMPLETE),
        row("B", "bob", date(2027, 2, 24), Status.DUE),
        row("B", "bob", date(2027, 3, 10), Status.BOOKED),
        row("B", "bob", date(2027, 1, 12), Status.NOT_REARRANGED),
    ]
    summary = summarise(rows, date(2027, 2, 26))
    a, b = summary.teams["A"], summary.teams["B"]
    assert (a.held, a.on_time, a.late, a.overdue) == (3, 1, 1, 1)
    assert a.on_time_pct == pytest.approx(1 / 3)
    assert a.month_pct == 0.0  # February: one late, one overdue
    assert (b.held, b.on_time, b.due) == (2, 1, 1)
    assert b.month_pct == 1.0
    assert summary.supervisors["Bob"].held == 3
    assert summary.total.held == 5
    assert summary.months == [(date(2027, 1, 1), 1.0), (date(2027, 2, 1), pytest.approx(1 / 3))]


def test_overdue_rows_oldest_first_with_working_days() -> None:
    rows = [
        row("A", "ann", date(2027, 3, 10), Status.OVERDUE),
        row("A", "ann", date(2027, 3, 1), Status.OVERDUE),
        row("A", "ann", date(2027, 3, 2), Status.COMPLETE),
    ]
    found = overdue_rows(rows, date(2027, 3, 26), DAYS)
    assert [r.session_id for r, _ in found] == ["ann-2027-03-01", "ann-2027-03-10"]
    assert [n for _, n in found] == [
        13,
        6,
    ]  # due 8 and 17 Mar; Good Friday 26 Mar is no working day
    assert working_days_overdue(date(2027, 3, 8), date(2027, 3, 5), DAYS) == 0


def test_urgent_line_read_from_the_record_text() -> None:
    """Islington: a record of significant case decisions or urgent matters is due within 24
    hours; the supervisor marks it on the line `Urgent / significant decisions: yes`."""
    from gworkspace_supervision.domain.status import parse_record_urgent

    assert not parse_record_urgent("Urgent / significant decisions: no\nRecord status: DRAFT")
    assert parse_record_urgent("Urgent / significant decisions: yes")
    assert parse_record_urgent("urgent/significant decision - **YES**")
    assert parse_record_urgent("Urgent / significant decisions: no\n...: yes") is False
    assert not parse_record_urgent("no such line; urgent matters: yes")
    # the last line wins, as for the status line
    two = "Urgent / significant decisions: yes\nUrgent / significant decisions: no"
    assert not parse_record_urgent(two)
    assert not parse_record_urgent("")
