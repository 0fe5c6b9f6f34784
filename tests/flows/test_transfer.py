"""Handover (Hillingdon Supervision Framework 4.5) on the local Workspace, through the real
clients: records and sessions follow the supervisee, and nobody else is touched.

A 15-person roster: Sam, Tom and Uma each supervise four case holders and are supervised by
Lena. Sam's supervisees have Tom as their line manager, so handing Ann over to Tom is the most
common handover (to the supervisee's own line manager).

Drive facts relied on (and modelled by the local Workspace):
- permissions.create with role=owner and transferOwnership=true passes ownership, acting as
  the current owner, and "downgrade[s] the current owner to a writer"; moveToNewOwnersRoot=true
  moves the item to the new owner's My Drive root and removes all prior parents
  (https://developers.google.com/drive/api/reference/rest/v3/permissions/create). Outside the
  organisation Google answers 403 consentRequiredForOwnershipTransfer
  (googleapis/google-api-python-client issue 1753), so transfer refuses that before any call.
- the owner's permission cannot be given another role: 403 "The owner's role cannot be changed;
  transfer ownership instead." (the error today's code met handing over to the line manager).
- under the drive.file scope the app reaches a file only as a user it created or opened it as
  (https://developers.google.com/workspace/drive/api/guides/api-specific-auth#drive-file;
  taylorwilsdon/google_workspace_mcp issue 1027): after ownership passes, the new owner is such
  a user, so `transfer` needs the broad Drive scope and stops before any write without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from googleapiclient.errors import HttpError

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import RosterEntry, load_roster
from gworkspace_supervision.domain.series import pair_id_for
from gworkspace_supervision.errors import InputError, PrivacyError
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.drive import DriveAdapter
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.records import create_records
from gworkspace_supervision.services.templates import install_templates
from gworkspace_supervision.services.transfer import DRIVE_SCOPE, transfer
from gworkspace_supervision.settings import GoogleSettings, Settings, SupervisionSettings

LONDON = ZoneInfo("Europe/London")
D = "example-council.gov.uk"
SAM, TOM, UMA, LENA = (f"{n}.supervisor@{D}" for n in ("sam", "tom", "uma", "lena"))
ANN = f"ann.holder@{D}"
OPERATOR = f"business.support@{D}"
POLICY = load_policy("hillingdon")
BROAD = Settings(google=GoogleSettings(drive_scope="drive"))
WRITE_VERBS = ("insert", "patch", "update", "delete", "create", "copy", "move", "import",
               "batchUpdate", "send", "emptyTrash")  # fmt: skip


def roster_text() -> str:
    head = (
        "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
        "line_manager_name,team,category,start_date,preferred_day\n"
    )
    rows = []
    people = {SAM: ("Sam Supervisor", TOM, "Tom Supervisor"),
              TOM: ("Tom Supervisor", LENA, "Lena Supervisor"),
              UMA: ("Uma Supervisor", LENA, "Lena Supervisor")}  # fmt: skip
    names = ["ann", "ben", "cat", "dan", "eve", "fay", "gus", "hal", "ivy", "jon", "kim", "lee"]
    for i, first in enumerate(names):
        sup = (SAM, TOM, UMA)[i // 4]
        sup_name, lm, lm_name = people[sup]
        rows.append(
            f"{first}.holder@{D},{first.title()} Holder,{sup},{sup_name},{lm},{lm_name},"
            f"Team {i // 4},case_holding,,"
        )
    for sup, (name, _lm, _lmn) in people.items():
        rows.append(f"{sup},{name},{LENA},Lena Supervisor,{LENA},Lena Supervisor,Managers,"
                    "team_manager,,")  # fmt: skip
    return head + "\n".join(rows) + "\n"


class World:
    def __init__(self, conn: Connection, roster: list[RosterEntry], folder: Path) -> None:
        self.conn, self.roster, self.folder = conn, roster, folder

    def at(self, when: str) -> None:
        self.conn.workspace.clock.set(datetime.fromisoformat(when).replace(tzinfo=LONDON))

    def transfer(self, settings: Settings = BROAD, **kw: Any) -> Any:
        kw.setdefault("supervisee", ANN)
        kw.setdefault("to_supervisor", TOM)
        return transfer(
            RunContext.of(self.conn, self.roster, POLICY, settings), kw.pop("year", None), **kw
        )

    def events(self) -> dict[str, dict[str, Any]]:
        """Every calendar's app events (series, as stored), by calendar and event id."""
        out = {}
        for user in (SAM, TOM, UMA, LENA):
            items = (
                self.conn.calendar(user).events().list(
                    calendarId="primary", showDeleted=True, maxResults=2500,
                    privateExtendedProperty=["app=gws-supervision"],
                ).execute()["items"]
            )  # fmt: skip
            out.update({f"{user}/{i['id']}": i for i in items})
        return out

    def writes(self) -> int:
        methods = self.conn.workspace.counters()["methods"]
        return sum(n for m, n in methods.items() if m.rsplit(".", 1)[-1] in WRITE_VERBS)

    def outbox(self) -> list[dict[str, Any]]:
        return list(self.conn.workspace.outbox())


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    (tmp_path / "roster.csv").write_text(roster_text())
    # signed in with the broad Drive scope, as a council that allows handovers would be
    conn = connect(f"local:{tmp_path / 'ws'}", BROAD, retry=RetryPolicy(sleep=lambda _s: None))
    try:
        roster = load_roster(tmp_path / "roster.csv", POLICY, (D,))
        w = World(conn, roster, tmp_path)
        w.at("2026-12-01T09:00")
        install_templates(RunContext.of(conn, settings=Settings()))
        book(RunContext.of(conn, roster, POLICY, Settings()), 2027)
        yield w
    finally:
        conn.close()


@pytest.fixture
def with_records(world: World) -> World:
    world.at("2027-03-01T09:00")
    create_records(
        RunContext.of(world.conn, world.roster, POLICY, Settings()), 2027, date(2027, 2, 28)
    )
    return world


def ann_records(w: World, owner: str) -> list[Any]:
    return [r for r in DriveAdapter(w.conn).list_records(owner) if "Ann Holder" in r.name]


def can_open(conn: Connection, user: str, file_id: str) -> bool:
    try:
        conn.docs(user).documents().get(documentId=file_id).execute()
    except HttpError as err:
        assert err.resp.status == 404
        return False
    return True


def others_of(events: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    moved = {pair_id_for(ANN, s) for s in (SAM, TOM, UMA)}
    return {
        k: v
        for k, v in events.items()
        if v.get("extendedProperties", {}).get("private", {}).get("pair") not in moved
    }


# -- issue 12 item 1: to the supervisee's own line manager -------------------------------------
def test_handover_to_the_own_line_manager_finishes_and_the_old_supervisor_loses_access(
    with_records: World,
) -> None:
    w = with_records
    records = ann_records(w, SAM)
    assert len(records) >= 2 and all(can_open(w.conn, SAM, r.file_id) for r in records)
    mails = len(w.outbox())
    result = w.transfer()  # Tom is Ann's line manager: he becomes her supervisor too
    assert sorted(r.file_id for r in result.records) == sorted(r.file_id for r in records)
    drive = DriveAdapter(w.conn)
    for r in records:
        perms = {p.email: p.role for p in drive.list_permissions(TOM, r.file_id)}
        assert perms == {TOM: "owner", ANN: "writer"}  # 4.5: Sam has no access any more
        assert not can_open(w.conn, SAM, r.file_id) and can_open(w.conn, ANN, r.file_id)
        assert drive.get(TOM, r.file_id).parent == drive.ensure_folder(
            TOM, ["Supervision Records", "Ann Holder"]
        )
    assert result.count("create") >= 1 and result.count("truncate") >= 1
    new_series = [
        e for k, e in w.events().items()
        if k.startswith(TOM) and e["extendedProperties"]["private"]["pair"] == pair_id_for(ANN, TOM)
    ]  # fmt: skip
    assert new_series and all(e["status"] == "confirmed" for e in new_series)
    sent = w.outbox()[mails:]
    assert {m["to"] for m in sent} == {ANN, TOM}
    # a second run changes nothing and emails nobody
    writes, mails = w.writes(), len(w.outbox())
    again = w.transfer()
    assert not again.changed and again.added == [] and again.removed == []
    assert w.writes() == writes and len(w.outbox()) == mails


def test_keep_old_supervisor_access_setting(with_records: World) -> None:
    w = with_records
    keep = Settings(
        google=GoogleSettings(drive_scope="drive"),
        supervision=SupervisionSettings(transfer_keep_old_supervisor_access=True),
    )
    w.transfer(keep)
    drive = DriveAdapter(w.conn)
    for r in ann_records(w, TOM):
        perms = {p.email: p.role for p in drive.list_permissions(TOM, r.file_id)}
        assert perms == {TOM: "owner", ANN: "writer", SAM: "writer"}


@pytest.mark.parametrize("after", [1, 4, 8, 13])
def test_a_handover_cut_off_anywhere_is_finished_by_a_rerun_without_a_second_email(
    with_records: World, after: int
) -> None:
    """Killed after the reads and `after` more calls (in the ownership batch, the folder and
    ACL steps, or the calendar writes), as a kill -9 would: the re-run finishes it."""
    w = with_records
    w.conn.workspace.reset_counters()
    w.transfer(dry_run=True)
    reads = w.conn.workspace.counters()["api"]
    mails0 = len(w.outbox())
    # crash in the Drive part (after the ownership transfer batch began)
    w.conn.workspace.reset_counters()
    w.conn.workspace.faults.set(crash_after=reads + after)
    with pytest.raises(SystemExit):
        w.transfer()
    w.conn.workspace.faults.clear()
    done = w.transfer()
    assert done.changed
    drive = DriveAdapter(w.conn)
    records = ann_records(w, TOM)
    assert records and not ann_records(w, SAM)
    for r in records:
        perms = {p.email: p.role for p in drive.list_permissions(TOM, r.file_id)}
        assert perms == {TOM: "owner", ANN: "writer"}
    sent = w.outbox()[mails0:]
    ownership = [m for m in sent if m["to"] == TOM]
    assert len(ownership) == len({m["fileId"] for m in ownership}) == len(records)
    invited = [m for m in sent if m["to"] == ANN and m["kind"] == "invitation"]
    assert len(invited) == len({m["eventId"] for m in invited}) >= 1
    again = w.transfer()
    assert not again.changed


# -- issue 12 item 2: only the people it is about -------------------------------------------------
def test_transfer_without_year_touches_only_the_pair_and_emails_only_them(world: World) -> None:
    """Handed over in December 2026 (the 2027 year booked, nothing in 2026): today's code
    re-planned everyone for 2026 and invited all 15 people; now only Ann's series move."""
    w = world
    w.at("2026-12-10T09:00")
    before = w.events()
    mails = len(w.outbox())
    args = ["--workspace", f"local:{w.folder / 'ws'}", "transfer", "--roster",
            str(w.folder / "roster.csv"), "--supervisee", ANN, "--to-supervisor", UMA]  # fmt: skip
    w.conn.close()
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    w.conn = connect(f"local:{w.folder / 'ws'}", BROAD, retry=RetryPolicy(sleep=lambda _s: None))
    after = w.events()
    assert others_of(after) == others_of(before)  # no other pair's event changed
    sent = w.outbox()[mails:]
    assert sent and {m["to"] for m in sent} == {ANN}  # invitations and cancellations: Ann only
    assert "Ann Holder" in done.output and UMA in done.output
    uma = [e for k, e in after.items() if k.startswith(UMA)
           and e["extendedProperties"]["private"]["pair"] == pair_id_for(ANN, UMA)]  # fmt: skip
    assert uma and {e["extendedProperties"]["private"]["year"] for e in uma} == {"2027"}


def test_new_sessions_avoid_the_new_supervisors_own_sessions(world: World) -> None:
    """Placed with the planner's rules: never on top of one of Uma's sessions, never more than
    the policy's daily limit for her, inside working hours."""
    w = world
    w.at("2026-12-10T09:00")
    w.transfer(to_supervisor=UMA)
    tz = POLICY.tz
    per_day: dict[date, list[tuple[datetime, datetime]]] = {}
    held: dict[date, int] = {}  # sessions Uma holds (organises), per day
    items = (
        w.conn.calendar(UMA).events().list(
            calendarId="primary", singleEvents=True, maxResults=2500,
            timeMin="2027-01-01T00:00:00Z", timeMax="2028-01-01T00:00:00Z",
        ).execute()["items"]
    )  # fmt: skip
    for i in items:
        if i["status"] == "cancelled":
            continue
        start = datetime.fromisoformat(i["start"]["dateTime"]).astimezone(tz)
        end = datetime.fromisoformat(i["end"]["dateTime"]).astimezone(tz)
        per_day.setdefault(start.date(), []).append((start, end))
        if i["organizer"]["email"] == UMA:
            held[start.date()] = held.get(start.date(), 0) + 1
    assert held and max(held.values()) <= POLICY.max_sessions_per_day
    opens, closes = POLICY.working_hours
    for _day, spans in per_day.items():
        spans.sort()
        for (_a, b), (c, _d) in zip(spans, spans[1:], strict=False):
            assert b <= c  # no overlap
        assert all(opens <= s.time() and e.time() <= closes for s, e in spans)


# -- issue 11 item 2 (drive.file) and the broad scope ------------------------------------------
def test_under_drive_file_a_handover_of_records_stops_before_any_write(
    with_records: World,
) -> None:
    w = with_records
    w.conn.close()
    w.conn = connect(f"local:{w.folder / 'ws'}", Settings())  # least privilege: drive.file
    w.conn.workspace.reset_counters()
    mails = len(w.outbox())
    with pytest.raises(InputError) as caught:
        w.transfer(Settings())
    message = str(caught.value)
    assert 'drive_scope = "drive"' in message and "[google]" in message
    assert DRIVE_SCOPE in message and "Domain-wide delegation" in message
    assert w.writes() == 0 and len(w.outbox()) == mails
    args = ["--workspace", f"local:{w.folder / 'ws'}", "transfer", "--roster",
            str(w.folder / "roster.csv"), "--supervisee", ANN, "--to-supervisor", TOM]  # fmt: skip
    w.conn.close()
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    assert DRIVE_SCOPE in refused.output


def test_the_tokens_scopes_decide_when_they_differ_from_the_settings(with_records: World) -> None:
    """Settings asking for "drive" while the tokens carry drive.file (the Admin console not
    updated): refused before any write, saying which side to fix."""
    from gworkspace_supervision.google.auth import scopes_for

    w = with_records
    object.__setattr__(w.conn, "scopes", tuple(scopes_for("service_account")))
    w.conn.workspace.reset_counters()
    with pytest.raises(InputError, match="tokens do not carry it"):
        w.transfer(BROAD)
    assert w.writes() == 0


def test_broad_scope_is_a_setting_with_its_own_scope(tmp_path: Path) -> None:
    from gworkspace_supervision.google.auth import SCOPES, scopes_for
    from gworkspace_supervision.settings import load_settings

    assert DRIVE_SCOPE in SCOPES
    assert scopes_for("service_account")[-1].endswith("/drive.file")
    assert DRIVE_SCOPE in scopes_for("service_account", drive_scope="drive")
    path = tmp_path / "settings.toml"
    path.write_text('[google]\ndrive_scope = "drive"\n')
    assert load_settings(path).google.drive_scope == "drive"
    path.write_text('[google]\ndrive_scope = "everything"\n')
    with pytest.raises(InputError, match="drive_scope"):
        load_settings(path)


# -- item 5: dry run --------------------------------------------------------------------------
def test_dry_run_lists_every_change_and_person_and_writes_nothing(with_records: World) -> None:
    w = with_records
    w.conn.workspace.reset_counters()
    mails = len(w.outbox())
    plan = w.transfer(dry_run=True)
    assert w.writes() == 0 and len(w.outbox()) == mails
    assert sorted(plan.emailed) == [ANN, TOM]
    assert plan.given_access == [TOM]  # Ann keeps her access; Tom becomes the owner
    assert {a.email for a in plan.access if a.action == "remove"} == {SAM}
    assert plan.count("create") >= 1 and plan.count("truncate") >= 1
    args = ["--workspace", f"local:{w.folder / 'ws'}", "--config", str(w.folder / "s.toml"),
            "transfer", "--roster", str(w.folder / "roster.csv"), "--supervisee", ANN,
            "--to-supervisor", TOM, "--dry-run"]  # fmt: skip
    (w.folder / "s.toml").write_text('[google]\ndrive_scope = "drive"\n')
    w.conn.close()
    shown = CliRunner().invoke(cli, args)
    assert shown.exit_code == 0, shown.output
    assert "Dry run" in shown.output and "access removed: " in shown.output
    assert f"Emailed: {ANN}" in shown.output and TOM in shown.output
    with connect(f"local:{w.folder / 'ws'}") as conn:
        assert sum(
            n for m, n in conn.workspace.counters()["methods"].items()
            if m.rsplit(".", 1)[-1] in WRITE_VERBS
        ) == 0  # fmt: skip


# -- leavers and refusals -------------------------------------------------------------------------
def test_leaver_archived_to_the_operator(with_records: World) -> None:
    w = with_records
    drive = DriveAdapter(w.conn)
    records = ann_records(w, SAM)
    archive = drive.ensure_folder(OPERATOR, ["Supervision archive"])
    w.transfer(to_supervisor=None, archive_to=archive)
    for r in records:
        record = drive.get(OPERATOR, r.file_id)
        assert record.owner == OPERATOR and record.parent == archive
        assert not can_open(w.conn, SAM, r.file_id) and not can_open(w.conn, ANN, r.file_id)


def test_bad_requests_are_refused_before_any_call(world: World) -> None:
    w = world
    w.conn.workspace.reset_counters()
    with pytest.raises(PrivacyError):
        w.transfer(to_supervisor="someone@gmail.com")
    with pytest.raises(InputError, match="cannot supervise themselves"):
        w.transfer(to_supervisor=ANN)
    with pytest.raises(InputError, match="already names"):
        w.transfer(to_supervisor=SAM)
    with pytest.raises(InputError, match="not in the roster"):
        w.transfer(supervisee=f"nobody@{D}")
    assert w.conn.workspace.counters()["api"] == 0


def test_a_year_with_nothing_booked_books_nothing(world: World) -> None:
    """`--year 2026` in December 2026, when only 2027 is booked: no new 2026 sessions."""
    w = world
    w.at("2026-12-10T09:00")
    w.conn.workspace.reset_counters()
    result = w.transfer(year=2026, to_supervisor=UMA)
    assert result.changes == [] and result.warnings and w.writes() == 0
