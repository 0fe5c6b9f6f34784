"""Handover (Hillingdon 4.5) on the local Workspace: records and sessions follow the supervisee."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from googleapiclient.errors import HttpError

from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.policy import Policy, load_policy
from gworkspace_supervision.domain.roster import RosterEntry, load_roster
from gworkspace_supervision.errors import PrivacyError
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.drive import DriveAdapter
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.demo import example_roster
from gworkspace_supervision.services.records import create_records
from gworkspace_supervision.services.templates import install_templates
from gworkspace_supervision.services.transfer import transfer
from gworkspace_supervision.settings import Settings

SEE = "noah.reid@example-council.gov.uk"  # supervised by jamal.adams, LM bronwen.zielinski
OLD = "jamal.adams@example-council.gov.uk"
NEW = "amara.morgan@example-council.gov.uk"
NEW_LM = "ella.singh@example-council.gov.uk"
OPERATOR = "business.support@example-council.gov.uk"


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Connection, list[RosterEntry], Policy, list[str]]]:
    policy = load_policy("hillingdon")
    entries = load_roster(example_roster(), policy, ("example-council.gov.uk",))
    roster = [
        e for e in entries if e.supervisee_email in (SEE, "leon.clarke@example-council.gov.uk")
    ]
    conn = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    conn.workspace.clock.set("2026-12-01T09:00:00Z")
    install_templates(RunContext.of(conn, settings=Settings()))
    book(RunContext.of(conn, roster, policy, Settings()), 2027)
    conn.workspace.clock.set("2027-03-01T09:00:00Z")
    made = create_records(RunContext.of(conn, roster, policy, Settings()), 2027, date(2027, 2, 28))
    ids = [p.file_id or "" for p in made.plans if p.entry.supervisee_email == SEE]
    try:
        yield conn, roster, policy, ids
    finally:
        conn.close()


def can_open(conn: Connection, user: str, file_id: str) -> bool:
    try:
        conn.docs(user).documents().get(documentId=file_id).execute()
    except HttpError as err:
        assert err.resp.status == 404
        return False
    return True


def test_handover_to_a_new_supervisor(
    setup: tuple[Connection, list[RosterEntry], Policy, list[str]],
) -> None:
    conn, roster, policy, ids = setup
    assert ids and all(can_open(conn, OLD, f) for f in ids)
    conn.workspace.reset_counters()
    result = transfer(
        RunContext.of(conn, roster, policy, Settings()),
        2027,
        supervisee=SEE,
        to_supervisor=NEW,
        line_manager=NEW_LM,
    )
    # the ACLs come with one listing of the new owner's records, not one call per record
    assert conn.workspace.counters()["methods"].get("drive.permissions.list", 0) == 0
    assert sorted(r.file_id for r in result.records) == sorted(ids)
    drive = DriveAdapter(conn)
    for fid in ids:
        assert can_open(conn, NEW, fid) and not can_open(conn, OLD, fid)
        perms = {p.email: p.role for p in drive.list_permissions(NEW, fid)}
        assert perms == {NEW: "owner", SEE: "writer", NEW_LM: "commenter"}
    assert {r.file_id for r in drive.list_records(NEW)} == set(ids)
    # future sessions now sit in the new supervisor's calendar; the old ones are cut short
    booking = result.booking
    assert booking is not None and booking.count("create") >= 1
    assert booking.count("truncate") + booking.count("cancel") >= 1
    # a second run changes nothing
    again = transfer(
        RunContext.of(conn, roster, policy, Settings()),
        2027,
        supervisee=SEE,
        to_supervisor=NEW,
        line_manager=NEW_LM,
    )
    assert again.added == [] and again.removed == []


def test_leaver_archived_to_the_operator(
    setup: tuple[Connection, list[RosterEntry], Policy, list[str]],
) -> None:
    conn, roster, policy, ids = setup
    drive = DriveAdapter(conn)
    archive = drive.ensure_folder(OPERATOR, ["Supervision archive"])
    transfer(
        RunContext.of(conn, roster, policy, Settings()),
        2027,
        supervisee=SEE,
        to_supervisor=None,
        archive_to=archive,
    )
    for fid in ids:
        record = drive.get(OPERATOR, fid)
        assert record.owner == OPERATOR and record.parent == archive
        assert not can_open(conn, OLD, fid) and not can_open(conn, SEE, fid)


def test_outside_address_refused(
    setup: tuple[Connection, list[RosterEntry], Policy, list[str]],
) -> None:
    conn, roster, policy, _ids = setup
    conn.workspace.reset_counters()
    with pytest.raises(PrivacyError):
        transfer(
            RunContext.of(conn, roster, policy, Settings()),
            2027,
            supervisee=SEE,
            to_supervisor="someone@gmail.com",
        )
    assert conn.workspace.counters()["api"] == 0
