"""Item 8: commands that did nothing (or more than asked) without a word.

`records` before `book` and `sync` in the wrong folder exited 0 with nothing done and no hint;
`records --through` a future date made records for sessions not yet held without a word.
"""

from __future__ import annotations

from pathlib import Path

from cli_support import ANN, CY, run, set_clock, setup, writes


def test_records_before_book_says_to_book_first(tmp_path: Path) -> None:
    directory, base, roster = setup(tmp_path)
    set_clock(directory, "2027-03-01T09:00:00Z")
    assert run([*base, "templates", "install"]).exit_code == 0
    before = writes(directory)
    result = run([*base, "records", *roster, "--year", "2027", "--through", "2027-02-28"])
    assert result.exit_code == 1, result.output
    assert "No sessions are booked for 2027" in result.stderr
    assert "gws-supervision book" in result.stderr and "--workspace" in result.stderr
    after = writes(directory)  # the run's lock lives on the tracking Sheet (services/run_lock)
    for method in ("drive.files.copy", "drive.permissions.create", "docs.documents.batchUpdate"):
        assert after.get(method, 0) == before.get(method, 0), method  # no record, no share


def test_sync_in_the_wrong_folder_makes_no_sheet_and_says_why(tmp_path: Path) -> None:
    directory, base, roster = setup(tmp_path)
    set_clock(directory, "2026-12-01T09:00:00Z")
    booked = run([*base, "book", *roster, "--year", "2027", "--send-updates", "none"])
    assert booked.exit_code == 0, booked.output
    # the lock that makes two runs at once take turns lives on the tracker: the first run
    # makes it and says so; the next run uses it
    assert "Tracking Sheet made, empty and shared with nobody" in booked.output
    again = run([*base, "book", *roster, "--year", "2027", "--send-updates", "none"])
    assert again.exit_code == 0 and "Tracking Sheet made" not in again.output
    elsewhere = tmp_path / "elsewhere"
    wrong = run(["--workspace", f"local:{elsewhere}", "sync", *roster, "--year", "2027"])
    assert wrong.exit_code == 1, wrong.output
    assert "Nothing is booked for 2027 in this workspace" in wrong.stderr
    assert "no tracking Sheet was made" in wrong.stderr
    assert writes(elsewhere) == {}
    year_off = run([*base, "sync", *roster, "--year", "2028"])
    assert year_off.exit_code == 1 and "--year" in year_off.stderr
    # `book` made the tracker (its lock lives there): still empty, and given to nobody
    assert "Nothing is booked for 2028" in year_off.stderr
    assert "the tracking Sheet was left empty" in year_off.stderr
    right = run([*base, "sync", *roster, "--year", "2027", "--today", "2027-02-01"])
    assert right.exit_code == 0, right.output
    assert "Tracker (created)" in right.output


def test_records_through_a_future_date_says_so(tmp_path: Path) -> None:
    directory, base, roster = setup(tmp_path)
    set_clock(directory, "2026-12-01T09:00:00Z")
    assert run([*base, "book", *roster, "--year", "2027", "--send-updates", "none"]).exit_code == 0
    assert run([*base, "templates", "install"]).exit_code == 0
    set_clock(directory, "2027-01-06T18:00:00Z")  # Ann's Mon 4 Jan and Cy's Tue 5 Jan are held
    result = run([*base, "records", *roster, "--year", "2027", "--through", "2027-02-28"])
    assert result.exit_code == 0, result.output
    assert (
        "--through 2027-02-28 is after today (2027-01-06): records will be made for sessions "
        "not yet held"
    ) in result.stderr
    assert "of which for sessions not yet held (after 2027-01-06): 2" in result.stdout
    held = run([*base, "records", *roster, "--year", "2027", "--through", "2027-01-06"])
    assert held.exit_code == 0 and "not yet held" not in held.output
    assert ANN and CY  # the roster's two supervisees, one session each in January
