"""`gws-supervision daily` over a simulated March 2027 on the local Workspace.

The workspace clock is moved day by day (06:30 each morning); `daily` runs through the CLI as
cron would. Supervisors complete records on some days, one session is cancelled, one Monday
is missed (the machine was off) and another Monday runs twice. After every run the test reads
what the Workspace holds (calendar instances, record files, the tracker's rows, the Gmail
outbox) and checks it against what the policy expects (Hillingdon Supervision Framework 4.4:
records completed within 5 working days; 3.3: a cancelled session rearranged within 24 hours
for a date not later than 5 days), with no duplicate anywhere.

Ann and Ben (Team A, line manager Lena) are supervised by Sam; Cat (Team B, line manager Mo)
by Tom; all weekly (ASYE) on Fridays. Sam completes Ann's records two working days after each
session, never Ben's; Tom completes Cat's seven working days after (late). March 2027 has Good
Friday (26th) and Easter Monday (29th), England and Wales bank holidays.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import load_roster
from gworkspace_supervision.domain.status import Status
from gworkspace_supervision.domain.workdays import WorkingDays
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.google.sheet import TrackerSheet, rows_from
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.daily import DIGEST_KEY, STEPS
from gworkspace_supervision.services.demo import edit_record
from gworkspace_supervision.services.templates import install_templates
from gworkspace_supervision.settings import Settings

LONDON = ZoneInfo("Europe/London")
D = "example-council.gov.uk"
SAM, TOM = f"sam.supervisor@{D}", f"tom.supervisor@{D}"
LENA, MO = f"lena.manager@{D}", f"mo.manager@{D}"
ANN, BEN, CAT = f"ann.asye@{D}", f"ben.asye@{D}", f"cat.asye@{D}"
OPERATOR = f"business.support@{D}"
HEADER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "line_manager_name,team,category,start_date,preferred_day"
)
COMPLETES_AFTER = {ANN: 2, CAT: 7}  # working days after the session; Ben never
MISSED = date(2027, 3, 15)  # the machine was off: no run that Monday
TWICE = date(2027, 3, 22)  # a second run that evening
CANCEL_ON = datetime(2027, 3, 17, 10, tzinfo=LONDON)  # Tom cancels Cat's Fri 19 March session


def roster_file(folder: Path) -> Path:
    lines = [
        HEADER,
        f"{ANN},Ann Asye,{SAM},Sam Supervisor,{LENA},Lena Manager,Team A,asye,2027-03-01,Fri",
        f"{BEN},Ben Asye,{SAM},Sam Supervisor,{LENA},Lena Manager,Team A,asye,2027-03-01,Fri",
        f"{CAT},Cat Asye,{TOM},Tom Supervisor,{MO},Mo Manager,Team B,asye,2027-03-01,Fri",
    ]
    path = folder / "roster.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def month(tmp_path: Path) -> Iterator[tuple[Connection, str, Path]]:
    ws = f"local:{tmp_path / 'ws'}"
    conn = connect(ws, retry=RetryPolicy(sleep=lambda _s: None))
    try:
        conn.workspace.clock.set("2027-02-01T09:00:00Z")
        policy = load_policy("hillingdon")
        roster = roster_file(tmp_path)
        book(conn, load_roster(roster, policy), policy, 2027, Settings(), send_updates="none")
        install_templates(conn, Settings())
        yield conn, ws, roster
    finally:
        conn.close()


def instances(conn: Connection, user: str, lo: datetime, hi: datetime) -> list[dict[str, Any]]:
    """The supervisor's session instances (cancelled ones included), read from the calendar."""
    out: list[dict[str, Any]] = []
    token = None
    while True:
        page = (
            conn.calendar(user)
            .events()
            .list(calendarId="primary", singleEvents=True, showDeleted=True,
                  timeMin=lo.isoformat(), timeMax=hi.isoformat(), pageToken=token)
            .execute()
        )  # fmt: skip
        out += page.get("items", [])
        token = page.get("nextPageToken")
        if not token:
            return out


def records(conn: Connection, user: str) -> list[dict[str, Any]]:
    q = "appProperties has { key='kind' and value='record' } and trashed = false"
    return list(
        conn.drive(user)
        .files()
        .list(q=q, fields="files(id,appProperties,modifiedTime)", pageSize=1000)
        .execute()
        .get("files", [])
    )


def run_daily(ws: str, roster: Path, *extra: str) -> Any:
    result = CliRunner().invoke(cli, ["--workspace", ws, "daily", "--roster", str(roster), *extra])
    return result


def test_a_month_of_daily_runs(month: tuple[Connection, str, Path]) -> None:
    conn, ws, roster = month
    policy = load_policy("hillingdon")
    workdays = WorkingDays(policy.region, set(policy.closure_days))
    lo = datetime(2027, 3, 1, tzinfo=LONDON)
    hi = datetime(2027, 4, 12, tzinfo=LONDON)
    completed: dict[str, date] = {}  # session id -> the day its record was completed
    mails_before = 0
    digest_days: list[date] = []
    cancelled_id = ""
    day = date(2027, 3, 1)
    while day <= date(2027, 3, 31):
        # -- the morning run (or none, the day the machine was off)
        conn.workspace.clock.set(datetime.combine(day, time(6, 30), tzinfo=LONDON))
        if day != MISSED:
            ran = run_daily(ws, roster)
            assert ran.exit_code == 0, ran.output
            lines = ran.output.splitlines()  # one line per step that did something
            steps = [line.split(":")[0] for line in lines]
            assert len(steps) == len(set(steps)) and set(steps) <= set(STEPS), ran.output
            now = conn.now().astimezone(LONDON)
            check_day(conn, day, now, workdays, completed, cancelled_id)
            mails = [m for m in conn.workspace.outbox() if m.get("kind") == "gmail"]
            new = mails[mails_before:]
            mails_before = len(mails)
            if new:
                digest_days.append(day)
                check_digest(new, conn, now, workdays, completed)
            if day == TWICE:  # the evening run: nothing new happened, nothing is said or done
                conn.workspace.clock.set(datetime.combine(day, time(18), tzinfo=LONDON))
                again = run_daily(ws, roster)
                assert again.exit_code == 0 and again.output == "", again.output
                mails = [m for m in conn.workspace.outbox() if m.get("kind") == "gmail"]
                assert len(mails) == mails_before  # the week's digest went once
        # -- the day's work by people: complete records, cancel a session
        conn.workspace.clock.set(datetime.combine(day, time(15), tzinfo=LONDON))
        for sup in (SAM, TOM):
            for f in records(conn, sup):
                sid = f["appProperties"]["session"]
                held, who = event_start(conn, sup, sid)
                after = COMPLETES_AFTER.get(who)
                if sid == rearranged_id(conn, cancelled_id):
                    after = 1
                if sid in completed or after is None:
                    continue
                if workdays.add_working_days(held.date(), after) <= day:
                    assert edit_record(conn, sup, f["id"], "Record status: DRAFT",
                                       "Record status: COMPLETE")  # fmt: skip
                    completed[sid] = day
        if day == CANCEL_ON.date():
            conn.workspace.clock.set(CANCEL_ON)
            cat_19 = next(
                e for e in instances(conn, TOM, lo, hi)
                if e["start"]["dateTime"].startswith("2027-03-19")
            )  # fmt: skip
            conn.calendar(TOM).events().delete(calendarId="primary", eventId=cat_19["id"]).execute()
            cancelled_id = cat_19["id"]
        day += timedelta(days=1)
    # digests: each Monday's, the missed Monday's on the Tuesday, once a week, and only to a
    # line manager with something to say: nothing is held or due by Mon 1 or Mon 8 March
    assert digest_days == [date(2027, 3, 16), date(2027, 3, 22), date(2027, 3, 29)]
    sheet = TrackerSheet.open(conn, OPERATOR, create=False)
    assert sheet is not None and sheet.marks(DIGEST_KEY) == ["2027-03-29"]
    assert cancelled_id and rearranged_id(conn, cancelled_id) in completed
    final = {r.session_id: r.status for r in rows_from(sheet.read())}
    assert final[cancelled_id] == Status.CANCELLED  # rearranged within the policy's limits


def event_start(conn: Connection, user: str, session_id: str) -> tuple[datetime, str]:
    """A session's start and its supervisee (the one attendee), read from the calendar."""
    e = conn.calendar(user).events().get(calendarId="primary", eventId=session_id).execute()
    start = datetime.fromisoformat(e["start"]["dateTime"]).astimezone(LONDON)
    people = [a["email"] for a in e.get("attendees", []) if a["email"] != user]
    return start, people[0] if people else ""


def rearranged_id(conn: Connection, cancelled_id: str) -> str:
    """The live event tagged as rearranging `cancelled_id` (empty when none)."""
    if not cancelled_id:
        return ""
    for e in instances(conn, TOM, datetime(2027, 3, 1, tzinfo=LONDON),
                       datetime(2027, 4, 1, tzinfo=LONDON)):  # fmt: skip
        private = e.get("extendedProperties", {}).get("private", {})
        if cancelled_id in private.values() and e.get("status") != "cancelled":
            return str(e["id"])
    return ""


def expected_status(
    start: datetime, end: datetime, now: datetime, done: date | None, workdays: WorkingDays
) -> tuple[Status, date]:
    due = workdays.add_working_days(start.date(), 5)  # Hillingdon 4.4
    if done is not None:
        return (Status.COMPLETE if done <= due else Status.COMPLETE_LATE), due
    if end > now:
        return Status.BOOKED, due
    return (Status.OVERDUE if now.date() > due else Status.DUE), due


def check_day(
    conn: Connection,
    day: date,
    now: datetime,
    workdays: WorkingDays,
    completed: dict[str, date],
    cancelled_id: str,
) -> None:
    through = workdays.add_working_days(day, 1)
    sheet = TrackerSheet.open(conn, OPERATOR, create=False)
    assert sheet is not None
    rows = rows_from(sheet.read())
    ids = [r.session_id for r in rows]
    assert len(ids) == len(set(ids)), f"{day}: a session twice in the tracker"
    by_id = {r.session_id: r for r in rows}
    for sup in (SAM, TOM):
        files = records(conn, sup)
        per_session = Counter(f["appProperties"]["session"] for f in files)
        assert all(n == 1 for n in per_session.values()), f"{day}: a duplicate record"
        lo = datetime(2027, 1, 1, tzinfo=LONDON)
        for e in instances(conn, sup, lo, datetime(2028, 1, 1, tzinfo=LONDON)):
            sid = e["id"]
            if e.get("status") == "cancelled":  # Google keeps only id and original start
                if sid in by_id:  # a supervision session (observations have their own tab)
                    assert sid not in per_session, f"{day}: a record for a cancelled session"
                    assert by_id[sid].status == Status.CANCELLED  # rearranged in time (3.3)
                continue
            start = datetime.fromisoformat(e["start"]["dateTime"]).astimezone(LONDON)
            end = datetime.fromisoformat(e["end"]["dateTime"]).astimezone(LONDON)
            if e.get("extendedProperties", {}).get("private", {}).get("type"):
                continue  # an observation or appraisal (its own tab, no record)
            # a record for every session starting by the end of the next working day, no later
            assert (sid in per_session) == (start.date() <= through), (day, start)
            status, due = expected_status(start, end, now, completed.get(sid), workdays)
            row = by_id[sid]
            assert (row.status, row.record_due) == (status, due), (day, start, row.status)
            if sid in completed:
                assert row.completed == completed[sid]


def check_digest(
    mails: list[dict[str, Any]],
    conn: Connection,
    now: datetime,
    workdays: WorkingDays,
    completed: dict[str, date],
) -> None:
    """One email per line manager with something to say; overdue rows named, no others."""
    assert len({m["to"][0] for m in mails}) == len(mails)
    sheet = TrackerSheet.open(conn, OPERATOR, create=False)
    assert sheet is not None
    rows = rows_from(sheet.read())
    soon = workdays.add_working_days(now.date(), 2)
    for manager in (LENA, MO):
        mine = [r for r in rows if r.line_manager_email == manager]
        overdue = [r for r in mine if r.status == Status.OVERDUE]
        due_soon = [r for r in mine if r.status == Status.DUE and r.record_due <= soon]
        sent = [m for m in mails if m["to"] == [manager]]
        assert len(sent) == (1 if overdue or due_soon else 0), (now, manager)
        if sent:
            text = sent[0]["text"]
            assert (
                f"Records overdue (Hillingdon 4.4: complete within 5 working days): {len(overdue)}"
                in text
                or not overdue
            )
            for r in overdue:
                assert (
                    f"{r.supervisee_name} with {r.supervisor_name}, session "
                    f"{r.session_date:%a} {r.session_date.day} {r.session_date:%b %Y}" in text
                )


WRITES = ("insert", "create", "copy", "update", "patch", "delete", "batchUpdate", "send")


def writes(conn: Connection) -> dict[str, int]:
    methods = conn.workspace.counters()["methods"]
    return {m: n for m, n in methods.items() if m.rsplit(".", 1)[-1] in WRITES}


def test_dry_run_says_what_each_step_would_do_and_writes_nothing(
    month: tuple[Connection, str, Path],
) -> None:
    conn, ws, roster = month
    conn.workspace.clock.set(datetime(2027, 3, 4, 6, 30, tzinfo=LONDON))  # Thursday
    before = writes(conn)
    ran = run_daily(ws, roster, "--dry-run")
    assert ran.exit_code == 0, ran.output
    assert writes(conn) == before
    lines = ran.output.splitlines()
    # Friday 5 March's three sessions start by the end of the next working day
    assert "records (dry run): 3 to create, 0 to mend (sessions to Fri 05 Mar)" in lines
    assert "sync (dry run): not run: the tracking Sheet is left as it is" in lines
    assert "digest (dry run): none: no tracking Sheet yet (the first sync makes it)" in lines
    assert not records(conn, SAM) and not records(conn, TOM)


def test_a_failed_step_is_named_and_the_others_still_run(
    month: tuple[Connection, str, Path], tmp_path: Path
) -> None:
    """A tracker id that does not exist: sync fails (Sheets answers 404), the digest, which
    reads the tracker, is skipped; rearrange and records run; exit status 1."""
    conn, ws, roster = month
    settings = tmp_path / "settings.toml"
    settings.write_text('[supervision]\ntracker_sheet_id = "no-such-sheet"\n', encoding="utf-8")
    conn.workspace.clock.set(datetime(2027, 3, 4, 6, 30, tzinfo=LONDON))
    ran = CliRunner().invoke(
        cli, ["--workspace", ws, "--config", str(settings), "daily", "--roster", str(roster)]
    )
    assert ran.exit_code == 1, ran.output
    assert "records: 3 created, 0 mended (sessions to Fri 05 Mar)" in ran.output
    assert "sync: FAILED: The tracking Sheet" in ran.output and "does not exist" in ran.output
    assert "digest: skipped: sync failed" in ran.output
    assert "step(s) failed: sync" in ran.output and "Traceback" not in ran.output
    assert len(records(conn, SAM)) == 2 and len(records(conn, TOM)) == 1


def test_a_bad_digest_weekday_stops_before_any_call(
    month: tuple[Connection, str, Path], tmp_path: Path
) -> None:
    conn, ws, roster = month
    settings = tmp_path / "settings.toml"
    settings.write_text('[supervision]\ndigest_weekday = "Moonday"\n', encoding="utf-8")
    before = conn.workspace.counters()["api"]
    ran = CliRunner().invoke(
        cli, ["--workspace", ws, "--config", str(settings), "daily", "--roster", str(roster)]
    )
    assert ran.exit_code == 2, ran.output
    assert "supervision.digest_weekday" in ran.output and "'moonday'" in ran.output
    assert conn.workspace.counters()["api"] == before


def test_export_before_the_first_sync_gives_the_calendars_and_says_what_is_missing(
    month: tuple[Connection, str, Path], tmp_path: Path
) -> None:
    pytest.importorskip("openpyxl")
    _, ws, roster = month
    out = tmp_path / "export"
    runner = CliRunner()
    bare = runner.invoke(cli, ["--workspace", ws, "export", "--to", str(out)])
    assert bare.exit_code == 1 and "Nothing to export yet" in bare.output
    assert "give --roster" in bare.output
    ran = runner.invoke(
        cli, ["--workspace", ws, "export", "--to", str(out), "--roster", str(roster)]
    )
    assert ran.exit_code == 0, ran.output
    assert f"Exported to {out}: 2 calendars, 0 records" in ran.output
    assert "Not exported: tracker.csv, tracker.xlsx, tracker.html and summary.png" in ran.output
    assert "run `gws-supervision sync`" in ran.output
    assert sorted(p.name for p in (out / "calendars").iterdir()) == [f"{SAM}.ics", f"{TOM}.ics"]
    booked = [
        e for e in instances(month[0], SAM, datetime(2027, 1, 1, tzinfo=LONDON),
                             datetime(2028, 1, 1, tzinfo=LONDON))
        if e.get("status") != "cancelled"
    ]  # fmt: skip
    assert (out / "calendars" / f"{SAM}.ics").read_text().count("BEGIN:VEVENT") == len(booked)
    assert len(booked) > 20
    assert not (out / "tracker.xlsx").exists()
