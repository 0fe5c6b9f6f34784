"""Absence cover (Hillingdon 3.4) on the local Workspace, through the real clients.

Sam supervises Ann and Ben (ASYE, weekly on Fridays from 5 March 2027); Tom supervises Cat.
Sam is away 15 to 31 March: the sessions of 19 and 25 March (Good Friday's, moved to the
nearest working day, the Thursday before) are held by Tom, placed around his own sessions with
Cat (free for both, working hours, at most the policy's sessions a day); the 19 March records
(already made) and the 25 March ones (made later) stay in Sam's Drive (Hillingdon Supervision Framework 4.4) and Tom
is given access. The sessions of 5 and 12 March and from 2 April stay with Sam.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.cover import cover_event_id
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import RosterEntry, load_roster
from gworkspace_supervision.errors import InputError, SupervisionError
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
MOVED_DAYS = {date(2027, 3, 19), date(2027, 3, 25)}  # 26 March is Good Friday: moved to 25
POLICY = load_policy("hillingdon")


class World:
    def __init__(self, conn: Connection, roster: list[RosterEntry], folder: Path) -> None:
        self.conn, self.roster, self.folder, self.settings = conn, roster, folder, Settings()

    def at(self, when: str) -> None:
        self.conn.workspace.clock.set(datetime.fromisoformat(when).replace(tzinfo=LONDON))

    def cover(self, **kw: Any) -> Any:
        kw.setdefault("send_updates", "none")
        return cover(RunContext.of(self.conn, self.roster, POLICY, self.settings), supervisor=SAM, start=date(2027, 3, 15), end=date(2027, 3, 31), by=TOM, **kw)  # fmt: skip

    def instances(self, user: str) -> dict[tuple[str, date], dict]:  # type: ignore[type-arg]
        items = (
            self.conn.calendar(user).events().list(
                calendarId="primary", singleEvents=True, showDeleted=True,
                privateExtendedProperty=["app=gws-supervision"],
                timeMin="2027-03-01T00:00:00Z", timeMax="2027-04-10T00:00:00Z",
            ).execute()["items"]
        )  # fmt: skip
        # A cancelled occurrence is only {id, status, recurringEventId, originalStartTime} on
        # Google (Events reference, Event.status) and matches no property filter: list those
        # unfiltered and name the supervisee from their series.
        events = self.conn.calendar(user).events()
        masters = events.list(
            calendarId="primary", privateExtendedProperty=["app=gws-supervision"]
        ).execute()["items"]
        guest = {m["id"]: m["attendees"][0]["email"] for m in masters if m.get("attendees")}
        gone = events.list(
            calendarId="primary", singleEvents=True, showDeleted=True,
            timeMin="2027-03-01T00:00:00Z", timeMax="2027-04-10T00:00:00Z",
        ).execute()["items"]  # fmt: skip
        items += [i for i in gone if i["status"] == "cancelled" and i["recurringEventId"] in guest]
        out = {}
        for item in items:
            when = item.get("originalStartTime") or item["start"]
            day = datetime.fromisoformat(when["dateTime"]).astimezone(LONDON).date()
            who = item["attendees"][0]["email"] if item.get("attendees") else ""
            out[(who or guest.get(item.get("recurringEventId", ""), ""), day)] = item
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
        w.at("2027-03-12T18:00")  # the absence is known on Friday 12 March
        create_records(RunContext.of(conn, roster, POLICY, w.settings), 2027, date(2027, 3, 12))
        yield w
    finally:
        conn.close()


def tom_held(world: World) -> dict[date, list[tuple[datetime, datetime]]]:
    """The sessions Tom holds (organises), per day, as Calendar shows them."""
    items = (
        world.conn.calendar(TOM).events().list(
            calendarId="primary", singleEvents=True, maxResults=2500,
            timeMin="2027-03-01T00:00:00Z", timeMax="2027-04-30T00:00:00Z",
        ).execute()["items"]
    )  # fmt: skip
    out: dict[date, list[tuple[datetime, datetime]]] = {}
    for i in items:
        if i["status"] == "cancelled" or i["organizer"]["email"] != TOM:
            continue
        start = datetime.fromisoformat(i["start"]["dateTime"]).astimezone(LONDON)
        end = datetime.fromisoformat(i["end"]["dateTime"]).astimezone(LONDON)
        out.setdefault(start.date(), []).append((start, end))
    return out


def test_cover_holds_the_window_only_and_a_rerun_changes_nothing(world: World) -> None:
    before = world.instances(SAM)
    result = world.cover()
    assert len(result.booked) == 4 and len(result.cancelled) == 4
    assert result.records_shared == 0  # none made in the window
    sam, tom = world.instances(SAM), world.instances(TOM)
    for (who, day), item in sam.items():
        if who not in (ANN, BEN) and day in MOVED_DAYS:
            continue
        moved = day in MOVED_DAYS
        assert (item["status"] == "cancelled") == moved, (who, day)
        if not moved:
            assert item == before[(who, day)]  # untouched outside the window
    held = {
        i["extendedProperties"]["private"]["covers"]: i
        for i in tom.values()
        if i["extendedProperties"]["private"].get("kind") == "cover"
    }
    for who in (ANN, BEN):
        for day in MOVED_DAYS:
            covered = sam[(who, day)]["id"]
            event = held[covered]
            private = event["extendedProperties"]["private"]
            assert event["id"] == cover_event_id(covered) and private["usual_supervisor"] == SAM
            assert event["attendees"][0]["email"] == who
            when = datetime.fromisoformat(event["start"]["dateTime"]).astimezone(LONDON)
            assert 0 <= (when.date() - day).days <= POLICY.rearrange_within_days
    # the supervisee is invited: the cover session is in Ann's calendar
    ann = (
        world.conn.calendar(ANN).events().list(
            calendarId="primary", singleEvents=True,
            timeMin="2027-03-19T00:00:00Z", timeMax="2027-03-27T00:00:00Z",
        ).execute()
    )  # fmt: skip
    # (19 March and Good Friday's session, moved to Thursday 25 March: both Tom's)
    assert [i["organizer"]["email"] for i in ann["items"] if i["status"] != "cancelled"] == [
        TOM, TOM,
    ]  # fmt: skip
    # re-run: nothing written
    writes = world.conn.workspace.counters()["event_writes"]
    again = world.cover()
    assert not again.changed
    assert world.conn.workspace.counters()["event_writes"] == writes
    assert world.instances(TOM) == tom


def test_a_cover_arranged_afterwards_keeps_held_sessions_and_shares_their_records(
    world: World,
) -> None:
    """Recorded on the evening of 19 March: the sessions held that day stay at their time
    (Tom held them); their records, already made, stay in Sam's Drive and Tom is given access
    by their owner (the app acts as Sam, who it created them as: drive.file)."""
    world.at("2027-03-19T18:00")
    create_records(
        RunContext.of(world.conn, world.roster, POLICY, world.settings), 2027, date(2027, 3, 19)
    )
    sam_before = world.instances(SAM)
    result = world.cover()
    assert len(result.booked) == 4 and result.records_shared == 2
    tom = world.instances(TOM)
    for who in (ANN, BEN):
        assert (
            tom[(who, date(2027, 3, 19))]["start"] == sam_before[(who, date(2027, 3, 19))]["start"]
        )
    drive = DriveAdapter(world.conn)
    sams = {r.name: r for r in drive.list_records(SAM)}
    assert not [r for r in drive.list_records(TOM) if "Cat" not in r.name]
    for name in ("Ann Asye", "Ben Asye"):
        record = sams[f"Supervision record - {name} - 2027-03-19"]
        acl = {p.email: p.role for p in drive.list_permissions(SAM, record.file_id)}
        who = ANN if "Ann" in name else BEN
        assert acl == {SAM: "owner", who: "writer", LENA: "commenter", TOM: "writer"}
    again = world.cover()
    assert not again.changed


def test_cover_never_double_books_the_covering_supervisor(world: World) -> None:
    """Issue 12 item 3: Tom holds Cat's Friday sessions himself; the cover sessions go around
    them (free for both, working hours, at most the policy's sessions a day)."""
    mails = len(world.conn.workspace.outbox())
    world.cover(send_updates="all")
    sent = world.conn.workspace.outbox()[mails:]
    assert sent and {m["to"] for m in sent} == {ANN, BEN}  # invitations and cancellations
    opens, closes = POLICY.working_hours
    days = tom_held(world)
    assert days
    for spans in days.values():
        assert len(spans) <= POLICY.max_sessions_per_day
        spans.sort()
        for (_a, b), (c, _d) in zip(spans, spans[1:], strict=False):
            assert b <= c
        assert all(opens <= s.time() and e.time() <= closes for s, e in spans)


@pytest.mark.parametrize("after", [1, 2])
def test_a_cover_cut_off_is_finished_by_a_rerun_with_no_second_invitation(
    world: World, after: int
) -> None:
    """Killed after the reads and `after` writes (the cover batch's parts, or the first
    cancellations): the re-run books what is missing, cancels the rest, emails nobody twice."""
    ws = world.conn.workspace
    ws.reset_counters()
    world.cover(dry_run=True)
    reads = ws.counters()["api"]
    mails = len(ws.outbox())
    ws.reset_counters()
    ws.faults.set(crash_after=reads + after)
    with pytest.raises(SystemExit):
        world.cover(send_updates="all")
    ws.faults.clear()
    world.cover(send_updates="all")
    assert not world.cover(send_updates="all").changed
    tom = world.instances(TOM)
    covers = [i for i in tom.values() if i["extendedProperties"]["private"].get("kind") == "cover"]
    assert len(covers) == len({i["id"] for i in covers}) == 4
    sam = world.instances(SAM)
    assert (
        sum(1 for (w, d), i in sam.items() if w in (ANN, BEN) and i["status"] == "cancelled") == 4
    )
    sent = ws.outbox()[mails:]
    invitations = [(m["to"], m["eventId"]) for m in sent if m["kind"] == "invitation"]
    assert len(invitations) == len(set(invitations)) == 4


def test_calendar_quota_running_out_says_run_again_and_the_rerun_finishes(world: World) -> None:
    """Google's 403 quotaExceeded "Calendar usage limits exceeded." part way (the local
    Workspace's quota_exceeded_after): a plain message, then a re-run completes the cover."""
    ws = world.conn.workspace
    ws.faults.set(quota_exceeded_after=ws.counters()["event_writes"] + 2)
    with pytest.raises(SupervisionError, match="Run the same command again"):
        world.cover()
    ws.faults.clear()
    world.cover()
    assert not world.cover().changed
    sam = world.instances(SAM)
    assert (
        sum(1 for (w, _d), i in sam.items() if w in (ANN, BEN) and i["status"] == "cancelled") == 4
    )


def test_cover_by_the_absent_supervisors_own_supervisee_is_refused(tmp_path: Path) -> None:
    """Issue 12 item 3: Priyanka is Sam's supervisee (and supervises Dan): she cannot cover
    Sam, or she would hold "Supervision (cover): Priyanka Sandhu / Priyanka Sandhu"."""
    pri = f"priyanka.sandhu@{D}"
    (tmp_path / "roster.csv").write_text(
        ROSTER
        + f"{pri},Priyanka Sandhu,{SAM},Sam Supervisor,{LENA},Lena Manager,A,case_holding,,\n"
        + f"dan.worker@{D},Dan Worker,{pri},Priyanka Sandhu,{LENA},Lena Manager,A,"
        "case_holding,,\n"
    )
    roster = load_roster(tmp_path / "roster.csv", POLICY)
    with connect(f"local:{tmp_path / 'ws'}") as conn:
        with pytest.raises(InputError, match="cannot hold their own supervision"):
            cover(RunContext.of(conn, roster, POLICY, Settings()), supervisor=SAM, start=date(2027, 3, 15), end=date(2027, 3, 31), by=pri)  # fmt: skip
        assert conn.workspace.counters()["api"] == 0
    args = ["--workspace", f"local:{tmp_path / 'ws'}", "cover", "--supervisor", SAM,
            "--from", "2027-03-15", "--to", "2027-03-31", "--by", pri,
            "--roster", str(tmp_path / "roster.csv")]  # fmt: skip
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    assert "Priyanka Sandhu" in refused.output and "own supervisees" in refused.output


def test_records_for_cover_sessions_stay_in_the_usual_drive_and_sync_shows_who(
    world: World,
) -> None:
    world.cover()
    world.at("2027-04-06T18:00")
    made = create_records(RunContext.of(world.conn, world.roster, POLICY, world.settings), 2027, date(2027, 4, 5))  # fmt: skip
    assert not made.failures
    drive = DriveAdapter(world.conn)
    assert not [r for r in drive.list_records(TOM) if "Cat" not in r.name]
    sams = {r.name: r for r in drive.list_records(SAM)}
    ann_25 = sams["Supervision record - Ann Asye - 2027-03-25"]
    acl = {p.email: p.role for p in drive.list_permissions(SAM, ann_25.file_id)}
    assert acl == {SAM: "owner", ANN: "writer", LENA: "commenter", TOM: "writer"}
    text = drive.export_text(SAM, ann_25.file_id)
    assert "Tom Supervisor" in text and "{{" not in text
    rerun = create_records(RunContext.of(world.conn, world.roster, POLICY, world.settings), 2027, date(2027, 4, 5))  # fmt: skip
    assert rerun.created == 0 and rerun.mended == 0 and not rerun.reported
    synced = sync(RunContext.of(world.conn, world.roster, POLICY, world.settings), 2027, today=date(2027, 4, 6))  # fmt: skip
    ann_rows = [r for r in synced.rows if r.supervisee_email == ANN]
    assert len({r.session_id for r in ann_rows}) == len(ann_rows)
    covered = [r for r in ann_rows if r.supervisor_email == TOM]
    assert len(covered) == 2
    for row in covered:
        assert row.supervisor_name == "Tom Supervisor (cover for Sam Supervisor)", row
        assert row.record_id == sams[f"Supervision record - Ann Asye - {row.session_date}"].file_id
    march_12 = [r for r in ann_rows if r.session_date == date(2027, 3, 12)]
    assert march_12 and march_12[0].supervisor_email == SAM
    assert march_12[0].supervisor_name == "Sam Supervisor"


def test_bad_cover_requests_are_refused_before_any_call(world: World) -> None:
    world.conn.workspace.reset_counters()
    with pytest.raises(InputError):
        cover(RunContext.of(world.conn, world.roster, POLICY, world.settings), supervisor=SAM, start=date(2027, 3, 26), end=date(2027, 3, 15), by=TOM)  # fmt: skip
    with pytest.raises(InputError):
        cover(RunContext.of(world.conn, world.roster, POLICY, world.settings), supervisor=SAM, start=date(2027, 3, 15), end=date(2027, 3, 26), by="x@elsewhere.example")  # fmt: skip
    with pytest.raises(InputError):
        cover(RunContext.of(world.conn, world.roster, POLICY, world.settings), supervisor=SAM, start=date(2027, 3, 15), end=date(2027, 3, 26), by=LENA)  # fmt: skip
    assert world.conn.workspace.counters()["api"] == 0


WRITE_VERBS = ("insert", "patch", "update", "delete", "create", "copy", "move", "import",
               "batchUpdate", "send")  # fmt: skip


def test_dry_run_names_everyone_and_writes_nothing(world: World) -> None:
    world.at("2027-03-19T18:00")
    create_records(
        RunContext.of(world.conn, world.roster, POLICY, world.settings), 2027, date(2027, 3, 19)
    )
    world.conn.workspace.reset_counters()
    mails = len(world.conn.workspace.outbox())
    plan = world.cover(dry_run=True, send_updates="all")
    methods = world.conn.workspace.counters()["methods"]
    assert sum(n for m, n in methods.items() if m.rsplit(".", 1)[-1] in WRITE_VERBS) == 0
    assert len(world.conn.workspace.outbox()) == mails
    assert sorted(plan.emailed) == [ANN, BEN]
    assert plan.given_access == [TOM]
    world.conn.close()
    ws = f"local:{world.folder / 'ws'}"
    args = ["--workspace", ws, "cover", "--supervisor", SAM, "--from", "2027-03-15",
            "--to", "2027-03-31", "--by", TOM, "--roster", str(world.folder / "roster.csv")]  # fmt: skip
    dry = CliRunner().invoke(cli, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would book 4" in dry.output and "records shared with Tom Supervisor: 2" in dry.output
    assert "Ann Asye: " in dry.output and "Mar 2027" in dry.output
    assert f"Emailed: {ANN}" in dry.output and f"Given access: {TOM}" in dry.output
    assert "_20270319" not in dry.output  # people and times, not session ids
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    again = CliRunner().invoke(cli, args)
    assert "Nothing to change" in again.output
