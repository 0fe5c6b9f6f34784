"""`--dry-run` on every write command: it names every person who would be emailed or given access,
and writes nothing (the local Workspace counts every call it serves, by method; its outbox holds
every email the APIs would have sent). transfer and cover have their own dry-run tests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from cli_support import ANN, BO, CY, HEAD, LM, outbox, reset, run, set_clock, setup, writes

from gworkspace_supervision.google.calendar import CalendarAdapter
from gworkspace_supervision.google.connect import connect


def booked(tmp_path: Path, settings: str | None = None) -> tuple[Path, list[str], list[str]]:
    directory, base, roster = setup(tmp_path, settings)
    set_clock(directory, "2026-12-01T09:00:00Z")
    made = run([*base, "book", *roster, "--year", "2027", "--send-updates", "none"])
    assert made.exit_code == 0, made.output
    return directory, base, roster


def nothing_written(directory: Path, mails_before: int = 0) -> None:
    assert writes(directory) == {}
    assert len(outbox(directory)) == mails_before


def test_book_dry_run_names_who_would_be_invited(tmp_path: Path) -> None:
    directory, base, roster = setup(tmp_path)
    set_clock(directory, "2026-12-01T09:00:00Z")
    reset(directory)
    result = run([*base, "book", *roster, "--year", "2027", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Dry run: nothing was written.")
    assert f"would be emailed: {ANN}" in result.stdout
    assert f"would be emailed: {CY}" in result.stdout
    nothing_written(directory)


def test_records_dry_run_names_who_would_be_given_access(tmp_path: Path) -> None:
    directory, base, roster = booked(tmp_path)
    assert run([*base, "templates", "install"]).exit_code == 0
    set_clock(directory, "2027-02-01T18:00:00Z")
    reset(directory)
    mails = len(outbox(directory))
    result = run(
        [*base, "records", *roster, "--year", "2027", "--through", "2027-01-31", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    for person in (ANN, CY, LM):
        assert f"would be given access: {person}" in result.stdout
        assert f"would be emailed (share notice): {person}" in result.stdout
    assert f"would be given access: {BO}" not in result.stdout  # the owner
    nothing_written(directory, mails)


def test_rearrange_dry_run_names_who_would_be_invited(tmp_path: Path) -> None:
    directory, base, roster = booked(tmp_path)
    set_clock(directory, "2027-01-28T10:00:00Z")
    when = datetime(2027, 2, 1, 10, tzinfo=ZoneInfo("Europe/London"))
    with connect(f"local:{directory}") as conn:  # Bo cancels Ann's Mon 1 Feb in Calendar
        series = [b for b in CalendarAdapter(conn).list_app_series(BO) if ANN in b.attendees]
        events = conn.calendar(BO).events()
        found = events.instances(
            calendarId="primary",
            eventId=series[0].event_id,
            timeMin=when.isoformat(),
            timeMax=when.replace(hour=23).isoformat(),
        ).execute()["items"]
        events.delete(calendarId="primary", eventId=found[0]["id"], sendUpdates="none").execute()
    reset(directory)
    mails = len(outbox(directory))
    result = run([*base, "rearrange", "--all", *roster, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would book" in result.stdout
    assert f"would be emailed (invitation): {ANN}" in result.stdout
    assert CY not in result.stdout.split("Cancelled sessions:")[1].split("invitations")[0]
    nothing_written(directory, mails)


def test_sync_dry_run_names_who_would_be_given_the_sheet(tmp_path: Path) -> None:
    settings = f'[organisation]\nheads_of_service = ["{HEAD}"]\n'
    directory, base, roster = booked(tmp_path, settings)
    reset(directory)
    args = [*base, "sync", *roster, "--year", "2027", "--today", "2027-02-15"]
    result = run([*args, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was written." in result.stdout
    # `book` made the tracker, empty and shared with nobody: its lock lives there
    assert "Tracker: https://docs.google.com/spreadsheets/d/" in result.stdout
    for person in (LM, HEAD):
        assert f"would be given the Sheet (reader): {person}" in result.stdout
        assert f"would be emailed about the Sheet: {person}" in result.stdout
    assert "rows to add: " in result.stdout and "rows to add: 0" not in result.stdout
    nothing_written(directory)
    # after a real sync, a dry run has nobody new to give the Sheet to
    assert run(args).exit_code == 0
    reset(directory)
    mails = len(outbox(directory))
    again = run([*args, "--dry-run"])
    assert again.exit_code == 0, again.output
    assert "access to the Sheet: unchanged" in again.stdout and "rows to add: 0" in again.stdout
    nothing_written(directory, mails)


def test_digest_dry_run_names_who_would_be_emailed(tmp_path: Path) -> None:
    directory, base, roster = booked(tmp_path)
    synced = run([*base, "sync", *roster, "--year", "2027", "--today", "2027-02-15"])
    assert synced.exit_code == 0, synced.output
    reset(directory)
    mails = len(outbox(directory))
    result = run([*base, "digest", "--today", "2027-02-15", "--send", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was sent. Would email 1 line managers from business.support@" in (
        result.stderr
    )
    assert f": {LM};" in result.stderr
    assert f"To: Lee Moss <{LM}> (would be emailed; dry run)" in result.stdout
    nothing_written(directory, mails)
    assert not [m for m in outbox(directory) if m["kind"] == "gmail"]
