"""`gws-supervision check` on the local Workspace: all pass with the toolkit's scopes; a scope
the IT team forgot gives its FAIL line and the Admin console fix (GAM's `check serviceaccount`
is the model: a token per scope, then each capability)."""

from __future__ import annotations

from pathlib import Path

import gspread
from click.testing import CliRunner

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.context import RunContext
from gworkspace_supervision.emulator import LocalWorkspace
from gworkspace_supervision.google.connect import connect, local_scopes
from gworkspace_supervision.google.sheet import TrackerSheet
from gworkspace_supervision.services.check import run_check
from gworkspace_supervision.services.demo import example_roster
from gworkspace_supervision.settings import Settings

EXAMPLE = example_roster()
G = "https://www.googleapis.com/auth/"
OPERATOR = "business.support@example-council.gov.uk"
SUP = "ella.singh@example-council.gov.uk"
FIX = "Admin console > Security > API controls > Domain-wide delegation: add"


def test_all_pass_on_the_local_workspace_and_nothing_is_left(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = CliRunner().invoke(
        cli, ["--workspace", f"local:{ws}", "check", "--roster", str(EXAMPLE)]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "All 10 checks passed; 2 skipped."
    assert all(line.startswith("PASS  ") for line in lines[:-3])
    # what the settings do not use yet says so, and why
    assert lines[-3] == (
        f"SKIP  read the tracking Sheet as {OPERATOR}: there is none yet: the first `book`, "
        f"`records` or `sync` makes it as {OPERATOR}"
    )
    assert lines[-2].startswith(f"SKIP  send an email as {OPERATOR} (the digest): ")
    first = SUP  # the roster's first supervisor
    assert f"create, share with {OPERATOR} and delete a Doc as {first}" in result.output
    with connect(f"local:{ws}", scopes=[G + "drive", G + "calendar"]) as conn:
        left = conn.drive(first).files().list(q="trashed = false").execute()["files"]
        events = conn.calendar(first).events().list(calendarId="primary").execute()["items"]
        sent = [m for m in conn.workspace.outbox() if m["kind"] in ("share", "gmail")]
    assert left == [] and events == [] and sent == []  # scratch objects gone, nobody emailed


def test_a_missing_scope_fails_with_the_admin_console_fix(tmp_path: Path) -> None:
    fewer = [s for s in local_scopes() if not s.endswith("/drive.file")]
    with connect(f"local:{tmp_path / 'ws'}", scopes=fewer) as conn:
        result = run_check(
            RunContext.of(conn, settings=Settings()), operator=OPERATOR, supervisor=SUP
        )
    failed = {line.capability: line for line in result.lines if not line.passed}
    assert not result.passed
    assert set(failed) == {
        f"token for {G}drive.file as {OPERATOR}",
        f"token for {G}drive.file as {SUP}",
        f"create, share with {OPERATOR} and delete a Doc as {SUP}",
        f"read Drive's change log as {SUP}",
    }
    for line in failed.values():
        assert line.fix == f"{FIX} {G}drive.file to client ID local-workspace"
    doc = failed[f"create, share with {OPERATOR} and delete a Doc as {SUP}"]
    assert "403 insufficientPermissions" in doc.detail
    assert doc.render().splitlines()[1].strip().startswith("Fix: Admin console")
    passed = {line.capability for line in result.lines if line.passed}
    assert f"create and delete an event in {SUP}'s calendar" in passed


def test_the_digest_scope_is_checked_only_when_the_digest_is_on(tmp_path: Path) -> None:
    with connect(f"local:{tmp_path / 'ws'}") as conn:  # the digest is off: no gmail.send
        off = run_check(RunContext.of(conn, settings=Settings()), operator=OPERATOR, supervisor=SUP)
        on = run_check(
            RunContext.of(conn, settings=Settings()), operator=OPERATOR, supervisor=SUP, digest=True
        )
    assert off.passed and not any("gmail" in line.capability for line in off.lines)
    failed = [line for line in on.lines if not line.passed]
    assert {line.capability for line in failed} == {
        f"token for {G}gmail.send as {OPERATOR}",
        f"token for {G}gmail.send as {SUP}",
        f"send an email as {OPERATOR} (the digest)",
    }
    assert all(
        line.fix.endswith(f"add {G}gmail.send to client ID local-workspace") for line in failed
    )


def test_a_tracking_sheet_the_toolkit_did_not_create_fails_with_what_to_do(
    tmp_path: Path,
) -> None:
    """Under drive.file the operator's token reaches only Sheets the app created as the
    operator (taylorwilsdon/google_workspace_mcp issue 1027): a Sheet made by hand cannot be
    opened, and Sheets answers that with 403 PERMISSION_DENIED (gspread's cassette
    ClientTest.test_access_private_spreadsheet, recorded against Google)."""
    ws = tmp_path / "ws"
    with LocalWorkspace(ws) as workspace:  # made in Google Sheets itself: another app
        session = workspace.session(OPERATOR, [G + "drive"], app="sheets-web-ui")
        by_hand = gspread.Client(None, session=session).create("Tracker made by hand").id  # type: ignore[arg-type]
        session.close()
    with connect(f"local:{ws}") as conn:
        ours = conn.gspread(OPERATOR).create("Tracker").id  # made by the app as the operator
        good = run_check(
            RunContext.of(conn, settings=Settings()),
            operator=OPERATOR,
            supervisor=SUP,
            tracker_sheet_id=ours,
        )
    assert good.passed
    config = tmp_path / "council.toml"
    config.write_text(f'[supervision]\ntracker_sheet_id = "{by_hand}"\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--workspace", f"local:{ws}", "--config", str(config), "check", "--as", SUP]
    )
    assert result.exit_code == 1, result.output
    assert f"FAIL  read the tracking Sheet {by_hand} as {OPERATOR}: 403" in result.output
    assert "remove [supervision] tracker_sheet_id" in result.output
    assert result.output.splitlines()[-1] == "1 of 11 checks failed; fix them and run check again."


def test_an_address_outside_the_allowed_domains_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--workspace", f"local:{tmp_path / 'ws'}", "check", "--as", "someone@gmail.com"]
    )
    assert result.exit_code == 2 and "--as" in result.output


def test_the_tracker_sync_made_is_read_when_no_id_is_set(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    with connect(f"local:{ws}") as conn:  # what the first `sync` leaves: a tagged tracker
        made = TrackerSheet.open(conn, OPERATOR, create=True)
        assert made is not None
    result = CliRunner().invoke(
        cli, ["--workspace", f"local:{ws}", "check", "--roster", str(EXAMPLE)]
    )
    assert result.exit_code == 0, result.output
    assert f"PASS  read the tracking Sheet {made.spreadsheet_id} as {OPERATOR}" in result.output
    assert result.output.splitlines()[-1] == "All 11 checks passed; 1 skipped."
