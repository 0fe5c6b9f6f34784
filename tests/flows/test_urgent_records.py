"""Record deadlines as each policy writes them (issue 13), on the local Workspace.

Islington Case Management Supervision Policy (Frequency): a supervision record is made "within 5
working days or 24 hours for any significant case decisions and/or urgent matters". Its record
form carries the line `Urgent / significant decisions: no`; the practice supervisor changes it to
yes, `sync` reads it with the record's status line and the tracker counts 24 hours from the end
of the session (Policy.record_due_on). Hillingdon sets no such rule (Supervision Framework 4.4:
5 working days): the same line typed into a Hillingdon record changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from gworkspace_supervision.domain.policy import Policy, load_policy
from gworkspace_supervision.domain.roster import load_roster
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.drive import DriveAdapter
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.google.sheet import TrackerSheet
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.demo import complete_record, edit_record
from gworkspace_supervision.services.records import create_records
from gworkspace_supervision.services.templates import install_templates
from gworkspace_supervision.services.tracking import SyncResult, operator_of, sync
from gworkspace_supervision.settings import Settings

D = "example-council.gov.uk"
SAM, ANN = f"sam.supervisor@{D}", f"ann.worker@{D}"
ROSTER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "line_manager_name,team,category,preferred_day,preferred_time\n"
    f"{ANN},Ann Worker,{SAM},Sam Supervisor,lena.manager@{D},Lena Manager,A,case_holding,"
    "Tue,09:30\n"
)
NO, YES = "Urgent / significant decisions: no", "Urgent / significant decisions: yes"


class World:
    def __init__(self, conn: Connection, policy: Policy, folder: Path) -> None:
        (folder / "roster.csv").write_text(ROSTER)
        self.conn, self.policy, self.settings = conn, policy, Settings()
        self.roster = load_roster(folder / "roster.csv", policy)
        conn.workspace.clock.set("2027-01-04T09:00:00Z")
        book(conn, self.roster, policy, 2027, self.settings, send_updates="none")
        install_templates(conn, self.settings)
        conn.workspace.clock.set("2027-02-02T17:00:00Z")
        create_records(conn, self.roster, policy, 2027, date(2027, 2, 2), self.settings)
        self.files = {r.name[-10:]: r.file_id for r in DriveAdapter(conn).list_records(SAM)}

    def sync(self, today: date) -> dict[date, tuple[date, str]]:
        """Session day -> (record due, status) as the tracker shows them."""
        result: SyncResult = sync(self.conn, self.roster, self.policy, 2027, self.settings,
                                  today=today)  # fmt: skip
        return {r.session_date: (r.record_due, str(r.status)) for r in result.rows}


@pytest.fixture
def world(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[World]:
    conn = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    try:
        yield World(conn, load_policy(getattr(request, "param", "islington")), tmp_path)
    finally:
        conn.close()


def test_islington_record_marked_urgent_is_due_within_24_hours(world: World) -> None:
    jan, feb = date(2027, 1, 5), date(2027, 2, 2)  # Tuesdays, 09:30-12:30 (three hours)
    assert set(world.files) == {"2027-01-05", "2027-02-02"}
    # unmarked: 5 working days from the day after the session (Tue 2 Feb -> Tue 9 Feb)
    assert world.sync(date(2027, 2, 2))[feb] == (date(2027, 2, 9), "DUE")
    # the practice supervisor marks the 2 February record: significant decisions were made
    world.conn.workspace.clock.set("2027-02-02T15:00:00Z")
    assert edit_record(world.conn, SAM, world.files["2027-02-02"], NO, YES) == 1
    assert world.sync(date(2027, 2, 3))[feb] == (date(2027, 2, 3), "DUE")  # 24 h: Wed 3 Feb
    assert world.sync(date(2027, 2, 4))[feb] == (date(2027, 2, 3), "OVERDUE")
    assert world.sync(date(2027, 2, 4))[jan] == (date(2027, 1, 12), "OVERDUE")  # not marked
    # the mark is kept in the tracker: a COMPLETE record is never read again, and its
    # deadline stays the urgent one
    world.conn.workspace.clock.set("2027-02-05T10:00:00Z")
    assert complete_record(world.conn, SAM, world.files["2027-02-02"])
    assert world.sync(date(2027, 2, 5))[feb] == (date(2027, 2, 3), "COMPLETE LATE")
    assert world.sync(date(2027, 2, 20))[feb] == (date(2027, 2, 3), "COMPLETE LATE")
    sheet = TrackerSheet.open(world.conn, operator_of(world.settings, world.conn), create=False)
    assert sheet is not None
    state = sheet.values("_state!A1:J")
    assert state[0][9] == "Urgent"
    marked = [row for row in state[1:] if len(row) > 9 and row[9] == "yes"]
    assert len(marked) == 1 and marked[0][4].startswith("2027-02-02T09:30")


def test_islington_urgent_mark_taken_back_restores_five_working_days(world: World) -> None:
    feb = date(2027, 2, 2)
    edit_record(world.conn, SAM, world.files["2027-02-02"], NO, YES)
    assert world.sync(date(2027, 2, 3))[feb][0] == date(2027, 2, 3)
    world.conn.workspace.clock.set("2027-02-03T12:00:00Z")
    edit_record(world.conn, SAM, world.files["2027-02-02"], YES, NO)
    assert world.sync(date(2027, 2, 4))[feb] == (date(2027, 2, 9), "DUE")


@pytest.mark.parametrize("world", ["hillingdon"], indirect=True)
def test_hillingdon_sets_no_urgent_deadline_so_the_line_changes_nothing(world: World) -> None:
    feb = date(2027, 2, 2)  # four-weekly Tuesdays from 5 January
    typed = edit_record(world.conn, SAM, world.files["2027-02-02"], "Record status: DRAFT",
                        f"{YES}\nRecord status: DRAFT")  # fmt: skip
    assert typed == 1
    assert world.sync(date(2027, 2, 4))[feb] == (date(2027, 2, 9), "DUE")


def test_the_urgent_line_is_on_islingtons_record_only(world: World) -> None:
    text = DriveAdapter(world.conn).export_text(SAM, world.files["2027-01-05"])
    assert NO in text and "Islington Case Management Supervision Policy" in text
    assert datetime(2027, 1, 5).weekday() == 1
