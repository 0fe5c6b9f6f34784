"""Absence cover (Hillingdon 3.4) on the local Workspace, through the real clients.

Sam supervises Ann and Ben (ASYE, weekly on Fridays from 5 March 2027); Tom supervises Cat.
Sam is away 15 to 31 March: the sessions of 19 and 30 March (Good Friday's, moved to the
Tuesday) go to Tom, with the 19 March records (already made); the 30 March records are made
later, in Tom's Drive. The sessions of
5 and 12 March and from 2 April stay with Sam.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.cover import cover_event_id
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import RosterEntry, load_roster
from gworkspace_supervision.errors import InputError
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.drive import DriveAdapter
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.cover import cover
from gworkspace_supervision.services.records import create_records
from gworkspace_supervision.services.templates import install_templates
from gworkspace_supervision.services.tracking import sync
from gworkspace_supervision.settings import Settings

LONDON = ZoneInfo("Europe/London")
D = "example-council.gov.uk"
SAM, TOM, LENA = f"sam.supervisor@{D}", f"tom.supervisor@{D}", f"lena.manager@{D}"
ANN, BEN = f"ann.asye@{D}", f"ben.asye@{D}"
ROSTER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "line_manager_name,team,category,start_date,preferred_day\n"
    f"{ANN},Ann Asye,{SAM},Sam Supervisor,{LENA},Lena Manager,A,asye,2027-03-05,Fri\n"
    f"{BEN},Ben Asye,{SAM},Sam Supervisor,{LENA},Lena Manager,A,asye,2027-03-05,Fri\n"
    f"cat.asye@{D},Cat Asye,{TOM},Tom Supervisor,{LENA},Lena Manager,A,asye,2027-03-05,Fri\n"
)
MOVED_DAYS = {date(2027, 3, 19), date(2027, 3, 30)}  # 26 March is Good Friday: moved to 30
POLICY = load_policy("hillingdon")


class World:
    def __init__(self, conn: Connection, roster: list[RosterEntry], folder: Path) -> None:
        self.conn, self.roster, self.folder, self.settings = conn, roster, folder, Settings()

    def at(self, when: str) -> None:
        self.conn.workspace.clock.set(datetime.fromisoformat(when).replace(tzinfo=LONDON))

    def cover(self, **kw: object) -> object:
        return cover(
            RunContext.of(self.conn, self.roster, POLICY, self.settings),
            supervisor=SAM,
            start=date(2027, 3, 15),
            end=date(2027, 3, 31),
            by=TOM,
            send_updates="none",
            **kw,
        )

    def instances(self, user: str) -> dict[tuple[str, date], dict]:  # type: ignore[type-arg]
        items = (
            self.conn.calendar(user).events().list(
                calendarId="primary", singleEvents=True, showDeleted=True,
                privateExtendedProperty=["app=gws-supervision"],
                timeMin="2027-03-01T00:00:00Z", timeMax="2027-04-10T00:00:00Z",
            ).execute()["items"]
        )  # fmt: skip
        out = {}
        for item in items:
            when = item.get("originalStartTime") or item["start"]
            day = datetime.fromisoformat(when["dateTime"]).astimezone(LONDON).date()
            who = item["attendees"][0]["email"] if item.get("attendees") else ""
            out[(who, day)] = item
        return out


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    (tmp_path / "roster.csv").write_text(ROSTER)
    conn = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    try:
        roster = load_roster(tmp_path / "roster.csv", POLICY)
        w = World(conn, roster, tmp_path)
        w.at("2027-02-01T09:00")
        book(RunContext.of(conn, roster, POLICY, w.settings), 2027, send_updates="none")
        install_templates(RunContext.of(conn, settings=w.settings))
        w.at("2027-03-19T18:00")
        create_records(RunContext.of(conn, roster, POLICY, w.settings), 2027, date(2027, 3, 19))
        yield w
    finally:
        conn.close()


def test_cover_moves_the_window_only_and_a_rerun_changes_nothing(world: World) -> None:
    before = world.instances(SAM)
    result = world.cover()
    assert len(result.booked) == 4 and len(result.cancelled) == 4  # type: ignore[attr-defined]
    assert len(result.records_moved) == 2  # type: ignore[attr-defined]
    sam, tom = world.instances(SAM), world.instances(TOM)
    for (who, day), item in sam.items():
        if who not in (ANN, BEN) and day in MOVED_DAYS:
            continue
        moved = day in MOVED_DAYS
        assert (item["status"] == "cancelled") == moved, (who, day)
        if not moved:
            assert item == before[(who, day)]  # untouched outside the window
    for who in (ANN, BEN):
        for day in MOVED_DAYS:
            held = tom[(who, day)]
            private = held["extendedProperties"]["private"]
            covered = sam[(who, day)]["id"]
            assert held["id"] == cover_event_id(covered) and private["covers"] == covered
            assert private["kind"] == "cover" and private["usual_supervisor"] == SAM
            assert held["start"] == sam[(who, day)]["start"]  # same time, the other calendar
    # the supervisee is invited: the cover session is in Ann's calendar
    ann = (
        world.conn.calendar(ANN)
        .events()
        .list(
            calendarId="primary",
            singleEvents=True,
            timeMin="2027-03-19T00:00:00Z",
            timeMax="2027-03-20T00:00:00Z",
        )
        .execute()
    )
    assert [i["organizer"]["email"] for i in ann["items"] if i["status"] != "cancelled"] == [TOM]
    # records: the 19 March ones are Tom's now, shared as before plus Sam; 12 March stays Sam's
    drive = DriveAdapter(world.conn)
    toms = {r.name: r for r in drive.list_records(TOM) if "Cat" not in r.name}
    assert sorted(toms) == [
        "Supervision record - Ann Asye - 2027-03-19",
        "Supervision record - Ben Asye - 2027-03-19",
    ]
    for record in toms.values():
        acl = {p.email: p.role for p in drive.list_permissions(TOM, record.file_id)}
        who = ANN if "Ann" in record.name else BEN
        assert acl == {TOM: "owner", who: "writer", LENA: "commenter", SAM: "writer"}
        assert drive.get(who, record.file_id).file_id == record.file_id  # still readable
        assert drive.get(LENA, record.file_id).file_id == record.file_id
    assert {r.name[-10:] for r in drive.list_records(SAM)} == {"2027-03-05", "2027-03-12"}
    # re-run: nothing written
    writes = world.conn.workspace.counters()["event_writes"]
    again = world.cover()
    assert not again.changed  # type: ignore[attr-defined]
    assert world.conn.workspace.counters()["event_writes"] == writes
    assert world.instances(TOM) == tom


def test_records_for_cover_sessions_go_to_the_covering_drive_and_sync_shows_who(
    world: World,
) -> None:
    world.cover()
    world.at("2027-03-30T18:00")
    made = create_records(
        RunContext.of(world.conn, world.roster, POLICY, world.settings), 2027, date(2027, 3, 30)
    )
    assert made.created == 3 and not made.failures  # Ann, Ben (cover) and Cat on 30 March
    drive = DriveAdapter(world.conn)
    toms = {r.name: r for r in drive.list_records(TOM)}
    ann_26 = toms["Supervision record - Ann Asye - 2027-03-30"]
    acl = {p.email: p.role for p in drive.list_permissions(TOM, ann_26.file_id)}
    assert acl == {TOM: "owner", ANN: "writer", LENA: "commenter", SAM: "writer"}
    text = drive.export_text(TOM, ann_26.file_id)
    assert "Tom Supervisor" in text and "{{" not in text
    rerun = create_records(
        RunContext.of(world.conn, world.roster, POLICY, world.settings), 2027, date(2027, 3, 30)
    )
    assert rerun.created == 0 and rerun.mended == 0 and not rerun.reported
    synced = sync(
        RunContext.of(world.conn, world.roster, POLICY, world.settings),
        2027,
        today=date(2027, 3, 30),
    )
    ann_rows = {r.session_date: r for r in synced.rows if r.supervisee_email == ANN}
    assert len([r for r in synced.rows if r.supervisee_email == ANN]) == len(ann_rows)
    for day in MOVED_DAYS:
        row = ann_rows[day]
        assert row.supervisor_email == TOM and row.status in ("DUE", "BOOKED"), row
        assert row.supervisor_name == "Tom Supervisor (cover for Sam Supervisor)", row
        assert row.record_id == toms[f"Supervision record - Ann Asye - {day}"].file_id
    assert ann_rows[date(2027, 3, 12)].supervisor_email == SAM
    assert ann_rows[date(2027, 3, 12)].supervisor_name == "Sam Supervisor"


def test_bad_cover_requests_are_refused_before_any_call(world: World) -> None:
    world.conn.workspace.reset_counters()
    with pytest.raises(InputError):
        cover(
            RunContext.of(world.conn, world.roster, POLICY, world.settings),
            supervisor=SAM,
            start=date(2027, 3, 26),
            end=date(2027, 3, 15),
            by=TOM,
        )
    with pytest.raises(InputError):
        cover(
            RunContext.of(world.conn, world.roster, POLICY, world.settings),
            supervisor=SAM,
            start=date(2027, 3, 15),
            end=date(2027, 3, 26),
            by="x@elsewhere.example",
        )
    with pytest.raises(InputError):
        cover(
            RunContext.of(world.conn, world.roster, POLICY, world.settings),
            supervisor=SAM,
            start=date(2027, 3, 15),
            end=date(2027, 3, 26),
            by=LENA,
        )
    assert world.conn.workspace.counters()["api"] == 0


def test_cli_dry_run_changes_nothing(world: World) -> None:
    world.conn.close()
    ws = f"local:{world.folder / 'ws'}"
    args = ["--workspace", ws, "cover", "--supervisor", SAM, "--from", "2027-03-15",
            "--to", "2027-03-31", "--by", TOM, "--roster", str(world.folder / "roster.csv")]  # fmt: skip
    dry = CliRunner().invoke(cli, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would move: 4 sessions" in dry.output and "2 records" in dry.output
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    again = CliRunner().invoke(cli, args)
    assert "Nothing to change" in again.output
