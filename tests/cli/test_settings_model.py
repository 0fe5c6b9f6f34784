"""One typed Settings: one default per field, and one rule for who may receive anything.

Issue 12: with no settings file `records` and `cover` allowed any domain while `transfer` fell back
to example-council.gov.uk; `notify` was true in one place and false in another; the auth default
was "adc" in settings.py and "service_account" in google/connect.py. Item 4: `heads_of_service`
was never checked against allowed_domains, so `sync` shared the tracking Sheet with an outside
address and emailed it.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from cli_support import ANN, HEAD, LM, D, counters, outbox, reset, run, set_clock, setup, writes

from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import load_roster
from gworkspace_supervision.errors import InputError, PrivacyError
from gworkspace_supervision.google.auth import GoogleAuthSettings
from gworkspace_supervision.google.connect import auth_settings, connect
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.records import create_records
from gworkspace_supervision.services.tracking import sync
from gworkspace_supervision.settings import Settings, load_settings, parse_settings


def test_one_default_per_field_whichever_way_settings_are_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    ways = [Settings(), load_settings(None), load_settings(empty), parse_settings({}, "x.toml")]
    for read in ways:
        assert dataclasses.replace(read, source=None) == Settings()
    assert Settings().organisation.allowed_domains == ("example-council.gov.uk",)
    assert Settings().supervision.notify is True
    # the sign-in mode: the same default in settings, the auth adapter and the connect layer
    assert auth_settings(Settings()) == GoogleAuthSettings()
    modes = {
        Settings().google.auth,
        GoogleAuthSettings().auth,
        auth_settings(Settings()).auth,
        auth_settings(load_settings(empty)).auth,
    }
    assert modes == {"service_account"}


def test_the_allowed_address_rule_refuses_every_outsider_at_once() -> None:
    settings = Settings()
    assert settings.refusal(ANN) is None
    assert "outside the allowed domains" in (settings.refusal("ann@gmail.com") or "")
    assert "malformed" in (settings.refusal("not an address") or "")
    with pytest.raises(PrivacyError) as caught:
        settings.check_recipients(
            [(ANN, "supervisee"), ("x@gmail.com", "head of service"), ("y@evil.org", "lm")]
        )
    text = str(caught.value)
    assert "x@gmail.com" in text and "y@evil.org" in text and ANN not in text
    assert "gws-supervision init" in text  # no settings file: says what to do


def test_heads_of_service_outside_the_domains_are_refused_when_settings_load(
    tmp_path: Path,
) -> None:
    """Item 4 through the CLI: `sync` stops with exit 2 naming the key; nothing is written or
    emailed (today it shared the tracking Sheet with the outside address and emailed it)."""
    settings = (
        '[organisation]\nallowed_domains = ["example-council.gov.uk"]\n'
        'heads_of_service = ["boss@gmail.com"]\n'
    )
    directory, base, roster = setup(tmp_path, settings)
    set_clock(directory, "2026-12-01T09:00:00Z")
    assert run([*base, "book", *roster, "--year", "2027", "--send-updates", "none"]).exit_code == 2
    reset(directory)
    result = run([*base, "sync", *roster, "--year", "2027"])
    assert result.exit_code == 2, result.output
    assert "organisation.heads_of_service" in result.stderr and "boss@gmail.com" in result.stderr
    assert "Traceback" not in result.output
    assert writes(directory) == {} and outbox(directory) == []


def test_sync_checks_every_reader_before_its_first_write(tmp_path: Path) -> None:
    """Item 4 in the service: settings made in code (not read from a file) with an outside head
    of service; `sync` refuses before it makes, locks or shares anything."""
    directory, base, roster_args = setup(tmp_path)
    set_clock(directory, "2026-12-01T09:00:00Z")
    booked = run([*base, "book", *roster_args, "--year", "2027", "--send-updates", "none"])
    assert booked.exit_code == 0, booked.output
    reset(directory)
    policy = load_policy("hillingdon")
    roster = load_roster(tmp_path / "roster.csv", policy, ("example-council.gov.uk",))
    org = dataclasses.replace(Settings().organisation, heads_of_service=(HEAD, "boss@gmail.com"))
    settings = dataclasses.replace(Settings(), organisation=org)
    with connect(f"local:{directory}") as connection:
        ctx = RunContext(connection, settings, policy, tuple(roster))
        with pytest.raises(PrivacyError, match=r"boss@gmail\.com"):
            sync(ctx, 2027)
    assert writes(directory) == {} and outbox(directory) == []
    assert counters(directory)["methods"].get("sheets.spreadsheets.create") is None
    # the same roster and settings without the outsider: the Sheet is shared with LM and HEAD
    org = dataclasses.replace(org, heads_of_service=(HEAD,))
    with connect(f"local:{directory}") as connection:
        fixed = dataclasses.replace(settings, organisation=org)
        sync(RunContext(connection, fixed, policy, tuple(roster)), 2027)
    shared = {m["to"] for m in outbox(directory) if m["kind"] == "share"}
    assert shared == {LM, HEAD}


OUTSIDER_ROSTER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "category\n"
    f"{ANN},Ann,bo@{D},Bo,lm@elsewhere.org,case_holding\n"
    f"sam@elsewhere.org,Sam,bo@{D},Bo,{LM},case_holding\n"
)


@pytest.mark.parametrize("command", ["book", "records", "sync"])
def test_with_no_settings_every_service_allows_only_the_default_domains(
    tmp_path: Path, command: str
) -> None:
    """Today `records` (and `cover`) allowed any domain when no settings were given, while
    `transfer` fell back to example-council.gov.uk. A context always holds typed Settings, so
    a roster that was never checked (read without domains) is refused by every service before
    its first call that writes: one default, one rule."""
    (tmp_path / "roster.csv").write_text(OUTSIDER_ROSTER, encoding="utf-8")
    policy = load_policy("hillingdon")
    unchecked = tuple(load_roster(tmp_path / "roster.csv", policy, None))
    with connect(f"local:{tmp_path / 'ws'}") as connection:
        connection.workspace.clock.set("2026-12-01T09:00:00Z")
        ctx = RunContext(connection, Settings(), policy, unchecked, "roster.csv")
        with pytest.raises(PrivacyError, match=r"elsewhere\.org"):
            if command == "book":
                book(ctx, 2027)
            elif command == "records":
                create_records(ctx, 2027, date(2027, 3, 1))
            else:
                sync(ctx, 2027)
    assert writes(tmp_path / "ws") == {} and outbox(tmp_path / "ws") == []


def test_an_id_that_starts_with_a_dash_is_accepted_but_a_name_like_a_formula_is_not(
    tmp_path: Path,
) -> None:
    """Google's file IDs use the URL-safe alphabet, '-' included, and may start with it (a
    local Workspace Sheet id did, and check's test failed by chance); only free text such as
    the organisation's name is refused for starting like a formula."""
    good = tmp_path / "ids.toml"
    good.write_text('[supervision]\ntracker_sheet_id = "-AbC_12"\n', encoding="utf-8")
    assert load_settings(good).supervision.tracker_sheet_id == "-AbC_12"
    bad = tmp_path / "name.toml"
    bad.write_text('[organisation]\nname = "=HYPERLINK(1)"\n', encoding="utf-8")
    with pytest.raises(InputError, match="formula"):
        load_settings(bad)
