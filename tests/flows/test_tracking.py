"""`sync` and `report` end to end on the local Workspace, through the real clients.

A small roster keeps it fast: one supervisor, two ASYE supervisees whose weekly phases run
across Easter 2027 (Good Friday 26 Mar, Easter Monday 29 Mar) and Christmas 2027 (substitute
bank holidays 27 and 28 Dec and 3 Jan 2028).
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gworkspace_supervision.domain.policy import Policy, load_policy
from gworkspace_supervision.domain.roster import RosterEntry, load_roster
from gworkspace_supervision.errors import SupervisionError
from gworkspace_supervision.google.calendar import APP
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.google.sheet import LOCK_KEY, TrackerSheet
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.demo import complete_record, edit_record
from gworkspace_supervision.services.records import create_records
from gworkspace_supervision.services.report import report, to_json
from gworkspace_supervision.services.templates import install_templates
from gworkspace_supervision.services.tracking import SyncResult, sync
from gworkspace_supervision.settings import Settings

LONDON = ZoneInfo("Europe/London")
DOMAIN = "example-council.gov.uk"
SUPERVISOR = f"sam.supervisor@{DOMAIN}"
MANAGER = f"lena.manager@{DOMAIN}"
OPERATOR = f"business.support@{DOMAIN}"
HEADER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "line_manager_name,team,category,start_date,preferred_day"
)


def roster_file(tmp_path: Path, team: str = "Child in Need 1.1") -> Path:
    lines = [
        HEADER,
        f'ann.asye@{DOMAIN},Ann Asye,{SUPERVISOR},Sam Supervisor,{MANAGER},Lena Manager,"{team}",'
        "asye,2027-03-12,Fri",
        f'ben.asye@{DOMAIN},Ben Asye,{SUPERVISOR},Sam Supervisor,{MANAGER},Lena Manager,"{team}",'
        "asye,2027-11-26,Fri",
    ]
    path = tmp_path / "roster.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class World:
    """A booked year with templates installed; helpers to act as people on given days."""

    def __init__(self, conn: Connection, roster: list[RosterEntry], policy: Policy) -> None:
        self.conn, self.roster, self.policy = conn, roster, policy
        self.settings = Settings()

    def at(self, when: str) -> None:
        self.conn.workspace.clock.set(datetime.fromisoformat(when).replace(tzinfo=LONDON))

    def records(self, through: date) -> None:
        create_records(self.conn, self.roster, self.policy, 2027, through, self.settings)

    def sync(self, today: date, **kw: Any) -> SyncResult:
        return sync(self.conn, self.roster, self.policy, 2027, self.settings, today=today, **kw)

    def exports(self) -> int:
        return int(self.conn.workspace.counters()["methods"].get("docs.documents.get", 0))


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    conn = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    try:
        conn.workspace.clock.set("2026-12-01T09:00:00Z")
        policy = load_policy("hillingdon")
        roster = load_roster(roster_file(tmp_path), policy)
        w = World(conn, roster, policy)
        book(conn, roster, policy, 2027, w.settings, send_updates="none")
        install_templates(conn, w.settings)
        yield w
    finally:
        conn.close()


def by_date(result: SyncResult, who: str) -> dict[date, Any]:
    return {r.session_date: r for r in result.rows if r.supervisee_email.startswith(who)}


def status_of(result: SyncResult, who: str, day: date) -> str:
    return str(by_date(result, who)[day].status)


def record_of(result: SyncResult, who: str, day: date) -> str:
    found = by_date(result, who)[day].record_id
    assert found, f"no record for {who} on {day}"
    return str(found)


def test_a_year_of_statuses_across_easter_and_christmas(world: World) -> None:
    world.at("2027-03-16T18:00")
    world.records(date(2027, 3, 16))
    first = world.sync(date(2027, 3, 16))
    ann = by_date(first, "ann")
    assert sorted(ann)[:2] == [date(2027, 3, 12), date(2027, 3, 19)]
    assert ann[date(2027, 3, 12)].record_due == date(2027, 3, 19)
    # Hillingdon 4.4: five working days from the day after; Good Friday and Easter Monday skipped
    assert ann[date(2027, 3, 19)].record_due == date(2027, 3, 30)
    assert status_of(first, "ann", date(2027, 3, 12)) == "DUE"
    assert status_of(first, "ann", date(2027, 3, 19)) == "BOOKED"
    assert all(r.status == "BOOKED" for r in first.rows if r.supervisee_email.startswith("ben"))

    world.at("2027-03-18T11:00")
    complete_record(world.conn, SUPERVISOR, record_of(first, "ann", date(2027, 3, 12)))
    world.at("2027-03-26T18:00")  # Good Friday: the workspace runs on, the records too
    world.records(date(2027, 3, 26))
    easter = world.sync(date(2027, 3, 26))
    assert status_of(easter, "ann", date(2027, 3, 12)) == "COMPLETE"
    assert by_date(easter, "ann")[date(2027, 3, 12)].completed == date(2027, 3, 18)
    assert status_of(easter, "ann", date(2027, 3, 19)) == "DUE"
    for day, expected in ((date(2027, 3, 29), "DUE"), (date(2027, 3, 30), "DUE"),
                          (date(2027, 3, 31), "OVERDUE")):  # fmt: skip
        world.at(f"{day}T18:00")
        assert status_of(world.sync(day), "ann", date(2027, 3, 19)) == expected, day
    overdue = world.sync(date(2027, 4, 1)).overdue
    assert [(r.session_date, n) for r, n in overdue if r.supervisee_email.startswith("ann")][
        :1
    ] == [(date(2027, 3, 19), 2)]

    world.at("2027-04-01T10:00")
    complete_record(world.conn, SUPERVISOR, record_of(easter, "ann", date(2027, 3, 19)))
    world.at("2027-04-01T18:00")
    late = world.sync(date(2027, 4, 1))
    assert status_of(late, "ann", date(2027, 3, 19)) == "COMPLETE LATE"

    # Christmas: Fri 24 Dec is due Wed 5 Jan 2028 (27, 28 Dec and 3 Jan are bank holidays)
    world.at("2027-12-31T18:00")
    world.records(date(2027, 12, 31))
    world.at("2028-01-05T18:00")
    xmas = world.sync(date(2028, 1, 5))
    ben = by_date(xmas, "ben")
    assert ben[date(2027, 12, 24)].record_due == date(2028, 1, 5)
    assert ben[date(2027, 12, 31)].record_due == date(2028, 1, 10)
    assert status_of(xmas, "ben", date(2027, 12, 24)) == "DUE"
    assert status_of(world.sync(date(2028, 1, 6)), "ben", date(2027, 12, 24)) == "OVERDUE"
    totals = xmas.summary.teams["Child in Need 1.1"]
    assert totals.on_time == 1 and totals.late == 1
    assert totals.held == sum(
        1 for r in xmas.rows if r.status not in ("BOOKED", "CANCELLED", "NOT REARRANGED")
    )


def test_incremental_sync_reads_only_changed_records(world: World) -> None:
    world.at("2027-05-03T18:00")
    world.records(date(2027, 5, 3))
    first = world.sync(date(2027, 5, 3))
    open_records = [r for r in first.rows if r.record_id]
    assert first.records_read == len(open_records) >= 5
    assert world.sync(date(2027, 5, 3)).records_read == 0  # nothing changed: nothing read
    complete_record(world.conn, SUPERVISOR, str(open_records[0].record_id))
    complete_record(world.conn, SUPERVISOR, str(open_records[1].record_id))
    world.conn.workspace.reset_counters()
    daily = world.sync(date(2027, 5, 4))
    methods = world.conn.workspace.counters()["methods"]
    assert methods.get("docs.documents.get", 0) == 2 == daily.records_read
    assert "drive.files.export" not in methods
    assert methods["drive.changes.list"] == 1  # one supervisor, one Drive
    # live sessions, the app's series, the cancelled occurrences (unfiltered: Google's carry
    # no tags)
    assert methods["calendar.events.list"] == 3
    assert methods["sheets.spreadsheets.values.batchUpdate"] == 1
    assert "sheets.spreadsheets.values.update" not in methods
    assert daily.api_calls <= 12
    done = {r.session_id: r.status for r in daily.rows}
    assert done[open_records[0].session_id] == "COMPLETE LATE"  # March's, completed in May
    # a COMPLETE record is not read again, even when edited afterwards
    first_id = str(open_records[0].record_id)
    assert edit_record(world.conn, SUPERVISOR, first_id, "status: COMPLETE", "status: Complete")
    before = world.exports()
    assert world.sync(date(2027, 5, 5)).records_read == 0 and world.exports() == before


def test_changed_records_are_read_in_one_batch_not_one_round_trip_each(world: World) -> None:
    """Seven records completed since the last sync cost one more round trip than a quiet day
    (Docs documents.get parts in one batch request), not seven."""
    world.at("2027-05-03T18:00")
    world.records(date(2027, 5, 3))
    first = world.sync(date(2027, 5, 3))
    quiet = world.sync(date(2027, 5, 3))
    assert quiet.records_read == 0
    open_records = [r for r in first.rows if r.record_id]
    assert len(open_records) >= 7
    for row in open_records[:7]:
        complete_record(world.conn, SUPERVISOR, str(row.record_id))
    busy = world.sync(date(2027, 5, 4))
    assert busy.records_read == 7
    assert busy.round_trips == quiet.round_trips + 1
    assert busy.api_calls == quiet.api_calls + 7
    done = {r.session_id: r.status for r in busy.rows}
    assert all(done[r.session_id].startswith("COMPLETE") for r in open_records[:7])


def sessions_tab(world: World, render: str = "FORMATTED_VALUE") -> list[list[Any]]:
    service = world.conn.sheets(OPERATOR)
    sheet = TrackerSheet.open(world.conn, OPERATOR, create=False)
    assert sheet is not None
    answer = (
        service.spreadsheets()
        .values()
        .get(spreadsheetId=sheet.spreadsheet_id, range="Sessions", valueRenderOption=render)
        .execute()
    )
    return list(answer["values"])


def test_notes_survive_every_sync_and_report_matches_the_sheet(world: World) -> None:
    world.at("2027-04-20T18:00")
    world.records(date(2027, 4, 20))
    first = world.sync(date(2027, 4, 20))
    table = sessions_tab(world)
    assert tuple(table[0]) == (
        "Session ID", "Team", "Supervisor", "Supervisee", "Line manager", "Category",
        "Session date", "Record", "Record due", "Completed", "Status", "Note",
    )  # fmt: skip
    sheet_id = first.spreadsheet_id
    values = world.conn.sheets(OPERATOR).spreadsheets().values()
    values.batchUpdate(
        spreadsheetId=sheet_id,
        body={
            "valueInputOption": "USER_ENTERED",
            "data": [
                {"range": "Sessions!L2", "values": [["Chased by email 21 Apr"]]},
                {"range": "Sessions!L3", "values": [["=2+3"]]},
            ],
        },
    ).execute()
    ids = (table[1][0], table[2][0])
    world.at("2027-04-21T10:00")
    complete_record(world.conn, SUPERVISOR, record_of(first, "ann", date(2027, 4, 16)))
    for day in (date(2027, 4, 21), date(2027, 4, 28)):
        world.at(f"{day}T18:00")
        world.records(day)
        world.sync(day)
    after = {row[0]: row for row in sessions_tab(world, "FORMULA")[1:]}
    assert after[ids[0]][11] == "Chased by email 21 Apr"
    assert after[ids[1]][11] == "=2+3"  # still a formula people typed

    data = json.loads(to_json(report(world.conn, world.settings, world.policy)))
    shown = {row[0]: row for row in sessions_tab(world)[1:]}
    assert len(data["rows"]) == len(shown)
    for row in data["rows"]:
        cells = shown[row["session_id"]]
        assert (row["session_date"], row["record_due"], row["status"]) == (
            cells[6],
            cells[8],
            cells[10],
        )
        assert (row["completed"] or "") == (cells[9] if len(cells) > 9 else "")
        assert row["supervisor_email"] == SUPERVISOR
        assert row["supervisee_email"] in (f"ann.asye@{DOMAIN}", f"ben.asye@{DOMAIN}")
    overdue = report(world.conn, world.settings, world.policy, overdue_only=True)
    assert overdue.rows and all(r.status == "OVERDUE" for r in overdue.rows)


def test_cancelled_and_not_rearranged_is_flagged(world: World) -> None:
    world.at("2027-05-03T09:00")
    first = world.sync(date(2027, 5, 3))
    future = sorted(
        (r for r in first.rows if r.supervisee_email.startswith("ann") and r.status == "BOOKED"),
        key=lambda r: r.start,
    )
    dropped, rearranged = future[0], future[1]
    calendar = world.conn.calendar(SUPERVISOR)
    for row in (dropped, rearranged):
        calendar.events().delete(calendarId="primary", eventId=row.session_id).execute()
    # Google keeps no time on a cancelled occurrence (Events reference, Event.status): the
    # tracker dates a cancellation from the first sync that sees it, here at 09:30.
    world.at("2027-05-03T09:30")
    world.sync(None)
    world.at("2027-05-03T15:00")
    replacement_start = rearranged.start + timedelta(days=2)
    calendar.events().insert(
        calendarId="primary",
        body={
            "summary": "Supervision (rearranged)",
            "start": {"dateTime": replacement_start.isoformat(), "timeZone": "Europe/London"},
            "end": {
                "dateTime": (replacement_start + timedelta(minutes=90)).isoformat(),
                "timeZone": "Europe/London",
            },  # fmt: skip
            "attendees": [{"email": f"ann.asye@{DOMAIN}"}],
            "extendedProperties": {
                "private": {
                    "app": APP,
                    "year": "2027",
                    "category": "asye",
                    "kind": "rearrangement",
                    "rearranges": rearranged.session_id,
                }  # fmt: skip
            },
        },
    ).execute()
    world.at("2027-05-03T18:00")
    soon = {r.session_id: r.status for r in world.sync(date(2027, 5, 3)).rows}
    assert soon[dropped.session_id] == "CANCELLED"  # 24 hours to rearrange (Hillingdon 3.3)
    assert soon[rearranged.session_id] == "CANCELLED"
    world.at("2027-05-04T10:00")
    later = world.sync(None)
    statuses = {r.session_id: r.status for r in later.rows}
    assert statuses[dropped.session_id] == "NOT REARRANGED"
    assert statuses[rearranged.session_id] == "CANCELLED"
    assert any(r.session_date == replacement_start.date() for r in later.rows)


def test_roster_text_never_becomes_a_formula_and_sharing_is_exact(tmp_path: Path) -> None:
    conn = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    try:
        conn.workspace.clock.set("2026-12-01T09:00:00Z")
        policy = load_policy("hillingdon")
        roster = load_roster(roster_file(tmp_path), policy)
        book(conn, roster, policy, 2027, Settings(), send_updates="none")
        # the roster loader refuses such text; the Sheet must not trust that alone
        risky = [dataclasses.replace(e, team='=HYPERLINK("http://x")') for e in roster]
        result = sync(conn, risky, policy, 2027, Settings(), today=date(2027, 4, 1))
        got = (
            conn.sheets(OPERATOR)
            .spreadsheets()
            .get(
                spreadsheetId=result.spreadsheet_id,
                ranges=["Sessions!B2:B3"],
                includeGridData=True,
                fields="sheets(data(rowData(values(userEnteredValue))))",
            )
            .execute()
        )
        cells = got["sheets"][0]["data"][0]["rowData"]
        # RAW keeps it a string in the Sheet; the leading apostrophe (issue 14, cell_text) keeps
        # it text in a CSV or xlsx downloaded from the Sheet too
        assert [c["values"][0]["userEnteredValue"] for c in cells] == [
            {"stringValue": '\'=HYPERLINK("http://x")'}
        ] * 2
        perms = (
            conn.drive(OPERATOR)
            .permissions()
            .list(fileId=result.spreadsheet_id, fields="permissions(type,role,emailAddress)")
            .execute()["permissions"]
        )
        assert sorted((p["type"], p["role"], p.get("emailAddress")) for p in perms) == [
            ("user", "owner", OPERATOR),
            ("user", "reader", MANAGER),
        ]
    finally:
        conn.close()


def test_two_syncs_never_write_at_once(world: World) -> None:
    world.at("2027-03-16T18:00")
    world.sync(date(2027, 3, 16))
    sheet = TrackerSheet.open(world.conn, OPERATOR, create=False)
    assert sheet is not None
    sheet.acquire()  # another sync (in this process, still running) is half way through
    with pytest.raises(SupervisionError, match=f"busy: sync by process {os.getpid()} on"):
        world.sync(date(2027, 3, 16), sleep=lambda _s: None)
    sheet.release()
    world.sync(date(2027, 3, 16))
    meta = (
        world.conn.sheets(OPERATOR)
        .spreadsheets()
        .get(spreadsheetId=sheet.spreadsheet_id, fields="developerMetadata(metadataKey)")
        .execute()
    )
    assert [m for m in meta.get("developerMetadata", []) if m["metadataKey"] == LOCK_KEY] == []
