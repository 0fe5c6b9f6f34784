"""`book` after a roster edit re-books only the pairs the edit is about (issue 12: nobody is
emailed, shared with or re-booked unless the command is about them).

The same people as the least-privilege flow, typed as command lines on a local Workspace:
book the year, hand Ann from Sam to Tom (`transfer`), edit the roster as transfer says, then
`book` again; and separately, add one starter to a booked roster. Booked pairs keep their
booked weekday and time (services.booking.pins -> domain.pins.Pin -> planner), so the other
supervisees' series are unchanged and Calendar emails nobody else (`sendUpdates=all` emails
every attendee of a changed event: developers.google.com/calendar/api/v3/reference/events/patch).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_booking import rows, supervisors, write_roster
from test_least_privilege import (
    ANN,
    BEN,
    EVE,
    FAY,
    IVY,
    LENA,
    SAM,
    SETTINGS,
    TOM,
    UMA,
    GoogleApps,
    User,
    name,
    roster_csv,
)

from gworkspace_supervision.context import RunContext
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.booking import BookingResult, book
from gworkspace_supervision.settings import Settings

WRITES = ("insert", "patch", "update", "delete")


@pytest.fixture
def user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> User:
    (tmp_path / "roster.csv").write_text(roster_csv(), encoding="utf-8")
    (tmp_path / "settings.toml").write_text(SETTINGS, encoding="utf-8")
    (tmp_path / "handover.toml").write_text(
        SETTINGS + '\n[google]\ndrive_scope = "drive"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return User(tmp_path)


@pytest.fixture
def google(user: User) -> Iterator[GoogleApps]:
    apps = GoogleApps(user.folder)
    try:
        yield apps
    finally:
        apps.close()


def series_by_pair(google: GoogleApps) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Every supervisor's series events (not expanded), by (supervisee, supervisor)."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for cal in (SAM, TOM, UMA, LENA):
        listing = (
            google.api("calendar", "v3", cal)
            .events()
            .list(calendarId="primary", maxResults=2500, showDeleted=False)
        )
        for e in listing.execute()["items"]:
            guests = [a["email"] for a in e.get("attendees", []) if a["email"] != cal]
            if guests and e.get("status") != "cancelled":
                out.setdefault((guests[0], cal), []).append(
                    {k: e.get(k) for k in ("id", "start", "recurrence", "updated", "sequence")}
                )
    return out


def test_transfer_then_book_rebooks_only_ann(user: User, google: GoogleApps) -> None:
    """The least-privilege flow up to the handover, the roster edited as transfer says, then
    `book`: before the fix it proposed 5 series created, 3 updated and 5 cut short, 13 emails,
    to Ben, Eve, Fay and the managers; now it changes Ann's pairs only (here: nothing, since
    transfer booked Ann with Tom already) and emails nobody else."""
    user.clock("2026-12-01T09:00:00Z")
    user.run("templates", "install")
    user.run("book", "--year", "2027")
    user.clock("2027-03-01T09:00:00Z")
    user.run("records", "--year", "2027", "--through", "2027-02-28")
    user.clock("2027-03-25T09:00:00Z")
    ben_30 = [
        e
        for e in google.events(SAM, timeMin="2027-03-30T00:00:00Z", timeMax="2027-03-31T00:00:00Z")
        if any(a["email"] == BEN for a in e.get("attendees", []))
    ]
    google.api("calendar", "v3", SAM).events().delete(
        calendarId="primary", eventId=ben_30[0]["id"], sendUpdates="all"
    ).execute()
    user.run("rearrange", "--all")
    user.run(
        "cover", "--supervisor", SAM, "--from", "2027-04-05", "--to", "2027-04-30", "--by", UMA
    )
    user.clock("2027-05-04T09:00:00Z")
    user.run("records", "--year", "2027", "--through", "2027-04-30")
    user.run("sync", "--year", "2027")
    user.run("transfer", "--supervisee", ANN, "--to-supervisor", TOM, config="handover.toml")
    roster = user.folder / "roster.csv"
    roster.write_text(
        roster.read_text(encoding="utf-8").replace(
            f"{ANN},Ann Holder,{SAM},Sam Supervisor", f"{ANN},Ann Holder,{TOM},Tom Supervisor"
        ),
        encoding="utf-8",
    )
    before = series_by_pair(google)
    sent_before = len(user.outbox())

    # the preview names only Ann's pairs (transfer booked Ann with Tom already: nothing left)
    dry = user.run("book", "--year", "2027", "--dry-run").stdout
    changed = [line for line in dry.splitlines() if line.startswith("  ") and ":" in line
               and line.split()[0] in ("create", "update", "cancel", "cut")]  # fmt: skip
    assert all("Ann Holder" in line for line in changed), dry
    for other in (BEN, EVE, FAY, IVY, SAM, TOM, UMA):
        assert name(other) + " /" not in "\n".join(changed), dry
    emailed = int(dry.split("emailed: ")[1].split()[0])
    assert emailed <= len(changed), dry

    user.run("book", "--year", "2027")
    after = series_by_pair(google)
    # every pair but Ann's: the very same events (same id, start, rule, not even re-sent)
    for pair in set(before) | set(after):
        if pair[0] != ANN:
            assert after.get(pair) == before.get(pair), pair
    # Ann's sessions from now on are Tom's only
    future = [
        e
        for cal in (SAM, TOM)
        for e in google.events(cal, timeMin="2027-05-05T00:00:00Z", timeMax="2028-01-01T00:00:00Z")
        if any(a["email"] == ANN for a in e.get("attendees", []))
    ]
    assert future and {e["organizer"]["email"] for e in future} == {TOM}
    # Calendar emailed nobody but the people the handover is about
    mails = user.outbox()[sent_before:]
    assert {m["to"] for m in mails} <= {ANN, SAM, TOM}, mails
    assert user.run("book", "--year", "2027", "--dry-run").stdout.count("unchanged: ") == 1


# -- one row added or changed in a booked roster: nobody else is re-booked ----------------------
def _fifteen(tmp_path: Path) -> tuple[Path, list[dict[str, str]]]:
    entries = rows()[:15]
    return write_roster(tmp_path / "fifteen.csv", entries), entries


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Connection]:
    connection = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    connection.workspace.clock.set("2026-12-01T09:00:00Z")
    try:
        yield connection
    finally:
        connection.close()


def _events(conn: Connection, result: BookingResult) -> dict[str, tuple[Any, ...]]:
    """Every series event of the app, by id: (start, recurrence, sequence)."""
    out: dict[str, tuple[Any, ...]] = {}
    for cal in supervisors(result.plan):
        items = conn.calendar(cal).events().list(calendarId="primary", maxResults=2500).execute()
        for e in items["items"]:
            out[e["id"]] = (e["start"], tuple(e.get("recurrence", ())), e.get("sequence"))
    return out


def test_a_starter_added_to_a_booked_roster_rebooks_nobody_else(
    conn: Connection, tmp_path: Path
) -> None:
    roster, entries = _fifteen(tmp_path)
    first = book(RunContext.of(conn, roster, "hillingdon", Settings()), 2027)
    assert first.complete and len({s.supervisee_email for s in first.plan.series}) == 15
    before = _events(conn, first)
    holder = next(e for e in entries if e["category"] == "case_holding")
    starter = dict(holder, supervisee_email="new.starter@example-council.gov.uk",
                   supervisee_name="New Starter", start_date="2027-03-15")  # fmt: skip
    grown = write_roster(tmp_path / "grown.csv", [*entries, starter])
    conn.workspace.clock.set("2027-02-01T09:00:00Z")
    conn.workspace.reset_counters()
    after = book(RunContext.of(conn, grown, "hillingdon", Settings()), 2027)
    writes = {(c.action, c.supervisee) for c in after.writes}
    assert writes and {who for _, who in writes} == {starter["supervisee_email"]}, writes
    assert {a for a, _ in writes} == {"create"}
    assert after.invitations == len(after.writes) == conn.workspace.counters()["emails"]
    now = _events(conn, after)
    assert {k: v for k, v in now.items() if k in before} == before  # nobody else touched
    conn.workspace.reset_counters()
    again = book(RunContext.of(conn, grown, "hillingdon", Settings()), 2027)
    assert again.writes == [] and conn.workspace.counters()["event_writes"] == 0


def test_a_leavers_end_date_changes_only_the_leavers_series(
    conn: Connection, tmp_path: Path
) -> None:
    roster, entries = _fifteen(tmp_path)
    first = book(RunContext.of(conn, roster, "hillingdon", Settings()), 2027)
    before = _events(conn, first)
    leaver = next(e for e in entries if e["category"] == "case_holding")
    left = [dict(e, end_date="2027-06-30") if e is leaver else e for e in entries]
    for e in left:
        e.setdefault("end_date", "")
    changed = write_roster(tmp_path / "left.csv", left)
    conn.workspace.clock.set("2027-02-01T09:00:00Z")
    after = book(RunContext.of(conn, changed, "hillingdon", Settings()), 2027)
    assert after.writes and {c.supervisee for c in after.writes} == {leaver["supervisee_email"]}
    now = _events(conn, after)
    untouched = {c.event_id for c in after.writes}
    assert {k: v for k, v in now.items() if k in before and k not in untouched} == {
        k: v for k, v in before.items() if k not in untouched
    }
