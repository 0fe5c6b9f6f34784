"""`records` end to end on the local Workspace through the real clients: a booked quarter."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.policy import Policy, load_policy
from gworkspace_supervision.domain.records import PLACEHOLDERS, TEMPLATE_FILES
from gworkspace_supervision.domain.roster import RosterEntry, load_roster
from gworkspace_supervision.errors import PrivacyError
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.docs import placeholders_in
from gworkspace_supervision.google.drive import DriveAdapter
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.demo import example_roster
from gworkspace_supervision.services.records import RecordsResult, create_records
from gworkspace_supervision.services.templates import install_templates, template_files
from gworkspace_supervision.settings import Settings

EXAMPLE = example_roster()
YEAR = 2027
THROUGH = date(2027, 3, 31)
# A small team: two supervisors, a shared line manager, a supervisor who is also a supervisee.
PEOPLE = (
    "noah.reid@example-council.gov.uk",  # supervised by jamal.adams, LM bronwen
    "leon.clarke@example-council.gov.uk",  # supervised by jamal.adams
    "isla.vaughan@example-council.gov.uk",  # supervised by noah.reid, LM jamal.adams
)


@pytest.fixture(scope="module")
def hillingdon() -> Policy:
    return load_policy("hillingdon")


@pytest.fixture
def roster(hillingdon: Policy) -> list[RosterEntry]:
    entries = load_roster(EXAMPLE, hillingdon, ("example-council.gov.uk",))
    return [e for e in entries if e.supervisee_email in PEOPLE]


@pytest.fixture
def conn(tmp_path: Path, roster: list[RosterEntry], hillingdon: Policy) -> Iterator[Connection]:
    """Templates installed and the year booked in December; the clock then at 1 April."""
    connection = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    connection.workspace.clock.set("2026-12-01T09:00:00Z")
    install_templates(RunContext.of(connection, settings=Settings()))
    book(RunContext.of(connection, roster, hillingdon, Settings()), YEAR)
    connection.workspace.clock.set("2027-04-01T09:00:00Z")
    connection.workspace.reset_counters()
    try:
        yield connection
    finally:
        connection.close()


def run(conn: Connection, roster: list[RosterEntry], policy: Policy, **kw: Any) -> RecordsResult:
    settings = kw.pop("settings", Settings())
    return create_records(
        RunContext.of(conn, roster, policy, settings, roster_file="r.csv"), YEAR, THROUGH, **kw
    )


def text_of(conn: Connection, user: str, file_id: str) -> str:
    return DriveAdapter(conn).export_text(user, file_id)


def acl(conn: Connection, owner: str, file_id: str) -> dict[str, str]:
    perms = DriveAdapter(conn).list_permissions(owner, file_id)
    return {p.email or p.kind: p.role for p in perms}


def test_a_quarter_of_records_filled_shared_attached(
    conn: Connection, roster: list[RosterEntry], hillingdon: Policy
) -> None:
    result = run(conn, roster, hillingdon)
    http = conn.workspace.counters()["http"]
    assert result.created == len(result.plans) > 6 and not result.failures
    assert {p.facts.start.date() <= THROUGH for p in result.plans} == {True}
    for p in result.plans:
        e = p.entry
        assert p.file_id is not None
        body = text_of(conn, e.supervisor_email, p.file_id)
        assert "{{" not in body and e.supervisee_name in body and "Record status: DRAFT" in body
        assert acl(conn, e.supervisor_email, p.file_id) == {
            e.supervisor_email: "owner",
            e.supervisee_email: "writer",
            e.line_manager_email: "commenter",
        }
        record = DriveAdapter(conn).get(e.supervisor_email, p.file_id)
        assert record.name == f"Supervision record - {e.supervisee_name} - {p.facts.start:%Y-%m-%d}"
    # another supervisee cannot open someone else's record: 404, as from Google
    noah = next(p for p in result.plans if p.entry.supervisee_email == PEOPLE[0])
    with pytest.raises(HttpError) as err:
        conn.docs(PEOPLE[1]).documents().get(documentId=noah.file_id).execute()
    assert err.value.resp.status == 404
    # the calendar instance carries the attachment and the link
    event = (
        conn.calendar(noah.entry.supervisor_email)
        .events()
        .get(calendarId="primary", eventId=noah.session.session_id)
        .execute()
    )
    assert [a["fileId"] for a in event["attachments"]] == [noah.file_id]
    assert f"https://docs.google.com/document/d/{noah.file_id}/edit" in event["description"]
    # one share email per person per record, naming the session
    shares = [m for m in conn.workspace.outbox() if m["kind"] == "share" and m["role"] != "reader"]
    assert len(shares) == 2 * len(result.plans)
    assert all(m["message"].startswith("Supervision record for the session of") for m in shares)
    # calls per record: create + write + 2 shares on Drive/Docs, and 1 calendar patch; the
    # template is read once, as the operator, and shared with nobody (no files.copy: under
    # drive.file the supervisor's token cannot open the operator's template)
    methods = conn.workspace.counters()["methods"]
    n = len(result.plans)
    folders = len({p.entry.supervisor_email for p in result.plans}) + len(
        {(p.entry.supervisor_email, p.entry.supervisee_name) for p in result.plans}
    )
    assert "drive.files.copy" not in methods
    assert methods["docs.documents.get"] == 2  # the template, once; the refused read above
    assert methods["drive.files.create"] == n + folders
    assert methods["docs.documents.batchUpdate"] == n
    assert methods["drive.permissions.create"] == 2 * n
    record_calls = n + methods["docs.documents.batchUpdate"] + methods["drive.permissions.create"]
    assert record_calls / n <= 4
    assert methods["calendar.events.patch"] == n
    # HTTP round trips do not grow with the records: per supervisor one calendar listing, one
    # Drive listing (records and folders), two folder batches (first run), then one batch each
    # for creates, content writes, shares and attachments; plus the template's lookup and read.
    supervisors = len({e.supervisor_email for e in roster})
    assert http == result.round_trips
    assert result.round_trips <= 8 * supervisors + 2 < n + 8 * supervisors


def test_rerun_creates_nothing_and_writes_nothing(
    conn: Connection, roster: list[RosterEntry], hillingdon: Policy
) -> None:
    first = run(conn, roster, hillingdon)
    conn.workspace.reset_counters()
    again = run(conn, roster, hillingdon)
    assert (again.created, again.mended, again.unchanged) == (0, 0, len(first.plans))
    methods = conn.workspace.counters()["methods"]
    writes = {m for m in methods if not m.endswith((".list", ".get", ".export", ".instances"))}
    assert writes == set()
    assert conn.workspace.counters()["emails"] == 0


def test_moved_session_has_its_date_and_cancelled_has_none(
    conn: Connection, roster: list[RosterEntry], hillingdon: Policy
) -> None:
    sup = "jamal.adams@example-council.gov.uk"
    events = conn.calendar(sup).events()
    items = events.list(calendarId="primary", singleEvents=True, timeMin="2027-02-01T00:00:00Z",
                        timeMax="2027-03-01T00:00:00Z", privateExtendedProperty=["app=gws-supervision"]
                        ).execute()["items"]  # fmt: skip
    moved, cancelled = items[0], items[1]
    new_start = {"dateTime": "2027-02-26T14:00:00", "timeZone": "Europe/London"}
    new_end = {"dateTime": "2027-02-26T15:30:00", "timeZone": "Europe/London"}
    events.patch(calendarId="primary", eventId=moved["id"],
                 body={"start": new_start, "end": new_end}).execute()  # fmt: skip
    events.delete(calendarId="primary", eventId=cancelled["id"]).execute()
    result = run(conn, roster, hillingdon)
    by_id = {p.session.session_id: p for p in result.plans}
    assert cancelled["id"] not in by_id
    plan = by_id[moved["id"]]
    assert plan.title.endswith("2027-02-26")
    assert "Friday 26 February 2027 14:00 to 15:30" in text_of(conn, sup, plan.file_id or "")


def test_external_address_refused_before_any_call(
    conn: Connection, roster: list[RosterEntry], hillingdon: Policy
) -> None:
    bad = [replace(roster[0], line_manager_email="someone@gmail.com"), *roster[1:]]
    with pytest.raises(PrivacyError) as err:
        run(conn, bad, hillingdon)
    assert "r.csv, line" in str(err.value) and "line_manager_email" in str(err.value)
    assert conn.workspace.counters()["api"] == 0


def test_drift_mended_and_reported(
    conn: Connection, roster: list[RosterEntry], hillingdon: Policy
) -> None:
    first = run(conn, roster, hillingdon)
    p = first.plans[0]
    owner, fid = p.entry.supervisor_email, p.file_id or ""
    perms = conn.drive(owner).permissions()
    lm = next(x for x in DriveAdapter(conn).list_permissions(owner, fid) if x.role == "commenter")
    perms.delete(fileId=fid, permissionId=lm.permission_id).execute()
    perms.create(fileId=fid, body={"type": "anyone", "role": "reader"}).execute()
    perms.create(fileId=fid, body={"type": "user", "role": "reader",
                                   "emailAddress": "cover@example-council.gov.uk"},
                 sendNotificationEmail=False).execute()  # fmt: skip
    again = run(conn, roster, hillingdon)
    assert again.created == 0 and again.mended == 1
    assert acl(conn, owner, fid) == {
        owner: "owner",
        p.entry.supervisee_email: "writer",
        p.entry.line_manager_email: "commenter",
        "cover@example-council.gov.uk": "reader",  # reported, left for a person to decide
    }
    assert any("cover@example-council.gov.uk" in r for r in again.reported)
    assert any("anyone" in r for r in again.removed)


def _cut_off_after_create(
    conn: Connection, roster: list[RosterEntry], hillingdon: Policy
) -> tuple[Any, str]:
    """What a run killed after step 1 leaves: the supervisor's empty record Doc, tagged."""
    first = run(conn, roster, hillingdon, dry_run=True)
    p = first.plans[0]
    owner = p.entry.supervisor_email
    drive = DriveAdapter(conn)
    folder = drive.ensure_folder(owner, ["Supervision Records", p.entry.supervisee_name])
    props = {"session": p.session.session_id, "pair": p.session.pair_id}
    made = drive.create_many(
        owner, [("x", drive.create_doc_request(owner, name=p.title, folder_id=folder, props=props))]
    )
    return p, made["x"].file_id


def test_resumes_a_record_created_but_not_written(
    conn: Connection, roster: list[RosterEntry], hillingdon: Policy
) -> None:
    p, fid = _cut_off_after_create(conn, roster, hillingdon)
    owner = p.entry.supervisor_email
    result = run(conn, roster, hillingdon)
    finished = next(q for q in result.plans if q.session.session_id == p.session.session_id)
    assert finished.action == "complete" and finished.file_id == fid
    assert len(DriveAdapter(conn).list_records(owner)) == sum(
        1 for q in result.plans if q.entry.supervisor_email == owner
    )
    text = text_of(conn, owner, fid)
    assert "{{" not in text and text.count("Electronic Supervision Record") == 1
    assert acl(conn, owner, fid)[p.entry.supervisee_email] == "writer"


def test_resumes_a_record_written_but_not_shared_without_writing_it_twice(
    conn: Connection, roster: list[RosterEntry], hillingdon: Policy
) -> None:
    p, fid = _cut_off_after_create(conn, roster, hillingdon)
    owner = p.entry.supervisor_email
    from gworkspace_supervision.google.docs import DocsAdapter
    from gworkspace_supervision.services.templates import find_template, read_template

    template = read_template(conn, Settings(), find_template(conn, Settings(), "hillingdon"))
    DocsAdapter(conn).write_many(owner, [("x", fid, template, {"supervisee_name": "Noah"})])
    result = run(conn, roster, hillingdon)
    finished = next(q for q in result.plans if q.session.session_id == p.session.session_id)
    assert finished.action == "complete" and not result.failures
    text = text_of(conn, owner, fid)
    assert text.count("Electronic Supervision Record") == 1  # written once, not again
    assert acl(conn, owner, fid)[p.entry.supervisee_email] == "writer"


def test_every_template_uses_only_placeholders_the_toolkit_fills() -> None:
    files = template_files()
    assert {f"{name}.html" for name in files} >= set(TEMPLATE_FILES.values())
    for name, path in files.items():
        used = placeholders_in(path.read_text(encoding="utf-8"))
        assert used and used <= set(PLACEHOLDERS), name
        assert "Record status: DRAFT" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("template", ["sunderland", "reflective_4x4x4"])
def test_other_templates_fill_completely(
    conn: Connection, roster: list[RosterEntry], hillingdon: Policy, template: str
) -> None:
    policy = replace(hillingdon, template=template)
    result = run(conn, roster[:1], policy)
    assert result.created
    for p in result.plans:
        assert "{{" not in text_of(conn, p.entry.supervisor_email, p.file_id or "")


def test_example_roster_quarter_round_trips_per_supervisor_not_per_record(
    tmp_path: Path, hillingdon: Policy
) -> None:
    """The whole example roster's first quarter: every per-record step goes in batches, so the
    round trips stay a handful per supervisor (was 247 for 137 records with a fill each)."""
    entries = load_roster(EXAMPLE, hillingdon, ("example-council.gov.uk",))
    connection = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    try:
        connection.workspace.clock.set("2026-12-01T09:00:00Z")
        install_templates(RunContext.of(connection, settings=Settings()))
        book(RunContext.of(connection, entries, hillingdon, Settings()), YEAR, send_updates="none")
        connection.workspace.clock.set("2027-04-01T09:00:00Z")
        before = connection.workspace.counters()
        result = run(connection, entries, hillingdon)
        after = connection.workspace.counters()
    finally:
        connection.close()
    assert result.created > 100 and not result.failures
    supervisors = len({e.supervisor_email for e in entries})
    assert after["http"] - before["http"] == result.round_trips
    assert result.round_trips <= 8 * supervisors + 3
    assert result.round_trips < result.created / 1.5
    fills = after["methods"]["docs.documents.batchUpdate"]
    assert fills - before["methods"].get("docs.documents.batchUpdate", 0) == result.created


def test_a_folded_probation_series_gives_each_record_its_phases_cadence(
    tmp_path: Path, hillingdon: Policy
) -> None:
    # Hillingdon 4.3: probation fortnightly to 3 months, then monthly; booked as one series.
    entries = load_roster(EXAMPLE, hillingdon, ("example-council.gov.uk",))
    pair = [e for e in entries if e.supervisee_email == "quinn.morgan@example-council.gov.uk"]
    connection = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    with connection:
        connection.workspace.clock.set("2026-12-01T09:00:00Z")
        install_templates(RunContext.of(connection, settings=Settings()))
        booked = book(RunContext.of(connection, pair, hillingdon, Settings()), YEAR)
        # one series, plus a single event for a moved last session (domain.calendar_safe)
        folded = [s for s in booked.plan.series if s.type == "supervision"]
        assert len([s for s in folded if not s.rrule.endswith(";COUNT=1")]) == 1
        phase_of = {s.session_id: s.phase for s in booked.plan.supervision}
        connection.workspace.clock.set("2027-06-01T09:00:00Z")
        result = create_records(
            RunContext.of(connection, pair, hillingdon), YEAR, date(2027, 5, 31), dry_run=True
        )
    cadences = {p.session.session_id: p.facts.cadence for p in result.plans}
    assert set(cadences.values()) == {"fortnightly", "monthly"}
    for session_id, cadence in cadences.items():
        assert (phase_of[session_id], cadence) in {
            ("probation_fortnightly", "fortnightly"),
            ("probation_monthly", "monthly"),
        }


def test_a_template_folder_the_toolkit_did_not_make_is_refused_with_what_to_do(
    tmp_path: Path,
) -> None:
    """Under drive.file the operator's token cannot add files to a folder made by hand (404
    for the parent, as for any file the app did not create; google_workspace_mcp issue 1027)."""
    from gworkspace_supervision.emulator import LocalWorkspace
    from gworkspace_supervision.errors import InputError

    operator = "business.support@example-council.gov.uk"
    with LocalWorkspace(tmp_path / "ws") as ws:  # made in Drive's own web app
        from googleapiclient.discovery import build

        drive = build("drive", "v3", http=ws.http(operator, None, app="drive-web"),
                      static_discovery=True, cache_discovery=False)  # fmt: skip
        folder = (
            drive.files()
            .create(body={"name": "Templates", "mimeType": "application/vnd.google-apps.folder"})
            .execute()["id"]
        )
    with connect(f"local:{tmp_path / 'ws'}") as connection:
        with pytest.raises(InputError) as err:
            install_templates(RunContext.of(connection, settings=Settings()), folder_id=folder)
        assert "--folder-id" in str(err.value) and "drive.file" in str(err.value)
        assert install_templates(
            RunContext.of(connection, settings=Settings())
        )  # the toolkit's own folder works
