"""The whole flow, typed as a new user would, on a fresh local Workspace with least privilege.

Every step is a `gws-supervision` command line (the CLI's own entry point, in process): set the
clock, check --digest, templates install, book, records, rearrange, cover, records again, sync, digest --send,
transfer (refused under drive.file, then done with `[google] drive_scope = "drive"`), sync.
One thing is done the way Google Calendar itself would do it, not through the toolkit: the
supervisor deletes one occurrence of a series after the supervisee asked to cancel it
(`events.delete` on the instance id, as the owner, from another app with every scope): a guest
cannot cancel the organiser's event (403 forbiddenForNonOrganizer, kewisch/gdata-provider
issue 366), so a supervisee's cancellation always reaches Calendar through the supervisor.

After each command `gws-supervision emulator counters --reset` shows what the command did to
the local Workspace: no call was refused (no 4xx/5xx answer of any kind: no 403
insufficientPermissions, no drive.file 404), and every token the toolkit used carried exactly
the README's least-privilege scopes for a service account with domain-wide delegation (the
local connection's default, `google/auth.py` `scopes_for("service_account")`), plus
`gmail.send` only for `digest --send`, and `drive` instead of `drive.file` only for the
handover with the setting.

Google behaviour this relies on (modelled by the local Workspace, cited in its own tests):
- a call outside the token's scopes is 403 "Request had insufficient authentication scopes."
  (developers.google.com/workspace/drive/api/guides/handle-errors);
- under drive.file the app reaches a file only as a user it created (or opened) it as
  (developers.google.com/workspace/drive/api/guides/api-specific-auth; reported for service
  accounts with delegation in taylorwilsdon/google_workspace_mcp issue 1027), which is why
  `transfer` needs the broad scope (README "Handing records over needs the broad Drive scope");
- a cancelled occurrence of a recurring event is listed with only id, recurringEventId and
  originalStartTime guaranteed (developers.google.com/calendar/api/v3/reference/events).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gspread
import pytest
from click.testing import CliRunner, Result
from googleapiclient.discovery import build

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.emulator import LocalWorkspace
from gworkspace_supervision.google.auth import scopes_for

D = "example-council.gov.uk"
SAM, TOM, UMA, LENA = (f"{n}.supervisor@{D}" for n in ("sam", "tom", "uma", "lena"))
ANN, BEN, EVE, FAY, IVY = (f"{n}.holder@{D}" for n in ("ann", "ben", "eve", "fay", "ivy"))
OPERATOR, HEAD = f"business.support@{D}", f"head.of.service@{D}"
APP = "gws-supervision"
# The README's least-privilege scopes for the usual council deployment (service account with
# domain-wide delegation), short names relative to https://www.googleapis.com/auth/.
LEAST = "calendar.events.freebusy,calendar.events.owned,drive.file"
WITH_DIGEST = "calendar.events.freebusy,calendar.events.owned,drive.file,gmail.send"
BROAD = "calendar.events.freebusy,calendar.events.owned,drive"
WRITES = ("insert", "patch", "update", "delete", "create", "copy", "batchUpdate", "send")
README = Path(__file__).resolve().parents[2] / "README.md"

# supervisee -> (supervisor, line manager, team, category)
PEOPLE = {
    ANN: (SAM, TOM, "Team A", "case_holding"),
    BEN: (SAM, TOM, "Team A", "case_holding"),
    EVE: (TOM, LENA, "Team B", "case_holding"),
    FAY: (TOM, LENA, "Team B", "case_holding"),
    IVY: (UMA, LENA, "Team C", "case_holding"),
    SAM: (LENA, LENA, "Managers", "team_manager"),
    TOM: (LENA, LENA, "Managers", "team_manager"),
    UMA: (LENA, LENA, "Managers", "team_manager"),
}
SETTINGS = f"""[organisation]
name = "Example Council"
allowed_domains = ["{D}"]
operator = "{OPERATOR}"
heads_of_service = ["{HEAD}"]

[supervision]
policy = "hillingdon"
roster = "roster.csv"
"""


def name(email: str) -> str:
    first, kind = email.split("@")[0].split(".")
    return f"{first.title()} {kind.title()}"


def roster_csv() -> str:
    head = (
        "supervisee_email,supervisee_name,supervisor_email,supervisor_name,"
        "line_manager_email,line_manager_name,team,category\n"
    )
    return head + "".join(
        f"{who},{name(who)},{sup},{name(sup)},{lm},{name(lm)},{team},{category}\n"
        for who, (sup, lm, team, category) in PEOPLE.items()
    )


class User:
    """A person at the keyboard in one folder, typing `gws-supervision ...` commands."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.runner = CliRunner()
        self.steps: list[tuple[str, str, dict[str, Any]]] = []  # (command, config, counters)

    def run(self, *args: str, config: str = "settings.toml", expect: int = 0) -> Result:
        argv = ["--workspace", f"local:{self.folder / 'ws'}", "--config", config, *args]
        result = self.runner.invoke(cli, argv, catch_exceptions=False)
        assert result.exit_code == expect, (args, result.output, result.stderr)
        assert "Traceback" not in result.output + result.stderr
        return result

    def step(self, *args: str, config: str = "settings.toml", expect: int = 0) -> Result:
        """Run one command, then read (and zero) the local Workspace's counters for it."""
        result = self.run(*args, config=config, expect=expect)
        counted = self.run("emulator", "counters", "--reset")
        self.steps.append((" ".join(args), config, json.loads(counted.stdout)))
        return result

    def outbox(self) -> list[dict[str, Any]]:
        lines = self.run("emulator", "outbox").stdout.splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def clock(self, when: str) -> None:
        self.run("emulator", "clock", "set", when)


class GoogleApps:
    """What people see through Google's own apps (another OAuth client, every scope)."""

    def __init__(self, folder: Path) -> None:
        self.ws = LocalWorkspace(folder / "ws")
        self._services: dict[tuple[str, str], Any] = {}

    def api(self, api: str, version: str, user: str) -> Any:
        if (api, user) not in self._services:
            http = self.ws.http(user, None, app="google-ui")
            self._services[api, user] = build(api, version, http=http, static_discovery=True)
        return self._services[api, user]

    def events(self, user: str, **kw: Any) -> list[dict[str, Any]]:
        listing = (
            self.api("calendar", "v3", user)
            .events()
            .list(calendarId="primary", singleEvents=True, maxResults=2500, **kw)
        )
        items: list[dict[str, Any]] = listing.execute()["items"]
        return items

    def records(self, owner: str) -> dict[str, dict[str, Any]]:
        """The owner's supervision record Docs by name, with their permissions."""
        found = (
            self.api("drive", "v3", owner)
            .files()
            .list(
                q="'me' in owners and trashed = false and "
                "mimeType = 'application/vnd.google-apps.document'",
                fields="files(id,name,owners(emailAddress),permissions(emailAddress,role,type))",
                pageSize=1000,
            )
        )
        files = found.execute()["files"]
        return {f["name"]: f for f in files if f["name"].startswith("Supervision record - ")}

    def sheet_rows(self, sheet_id: str, tab: str) -> list[list[str]]:
        client = gspread.Client(None, session=self.ws.session(OPERATOR, None, app="google-ui"))  # type: ignore[arg-type]
        rows: list[list[str]] = client.open_by_key(sheet_id).worksheet(tab).get_all_values()
        client.http_client.session.close()
        return rows

    def close(self) -> None:
        for service in self._services.values():
            service.close()
        self.ws.close()


def shared_with(record: dict[str, Any]) -> dict[str, str]:
    return {p["emailAddress"]: p["role"] for p in record["permissions"]}


@pytest.fixture
def user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> User:
    (tmp_path / "roster.csv").write_text(roster_csv(), encoding="utf-8")
    (tmp_path / "settings.toml").write_text(SETTINGS, encoding="utf-8")
    (tmp_path / "handover.toml").write_text(
        SETTINGS + '\n[google]\ndrive_scope = "drive"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)  # `roster = "roster.csv"` is relative to where commands run
    return User(tmp_path)


@pytest.fixture
def google(user: User) -> Iterator[GoogleApps]:
    apps = GoogleApps(user.folder)
    try:
        yield apps
    finally:
        apps.close()


def test_the_scopes_asserted_are_the_readmes_and_auth_py() -> None:
    """The scope sets this flow expects are exactly what google/auth.py asks Google for, and
    each is in the README's scope table and in the Admin console step the README gives."""

    def short(scopes: list[str]) -> str:
        return ",".join(sorted(s.rsplit("/", 1)[1] for s in scopes))

    assert short(scopes_for("service_account")) == LEAST
    assert short(scopes_for("service_account", digest=True)) == WITH_DIGEST
    assert short(scopes_for("service_account", drive_scope="drive")) == BROAD
    readme = README.read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `([a-z.]+)` \|", readme, flags=re.M))
    assert set((LEAST + ",gmail.send,drive").split(",")) <= table
    delegation = set(re.findall(r"`https://www\.googleapis\.com/auth/([a-z.]+)`", readme))
    assert set(WITH_DIGEST.split(",")) <= delegation


def test_whole_flow_least_privilege_nothing_refused(user: User, google: GoogleApps) -> None:
    """book, templates, records, a cancelled session rearranged, cover, sync, digest --send and
    transfer, each a command line; nothing refused, each token with exactly its scopes."""
    user.clock("2026-12-01T09:00:00Z")
    out = user.step("check", "--digest").stdout  # the council's preflight, digest on
    assert "All 13 checks passed; 1 skipped." in out and "FAIL" not in out  # no Sheet yet
    user.step("templates", "install")
    out = user.step("book", "--year", "2027").stdout
    assert "8 supervisees" in out

    user.clock("2027-03-01T09:00:00Z")
    user.step("records", "--year", "2027", "--through", "2027-02-28")

    # Ben asks to cancel his session of 30 March; Sam deletes that occurrence in Google Calendar
    user.clock("2027-03-25T09:00:00Z")
    ben_30 = [
        e
        for e in google.events(SAM, timeMin="2027-03-30T00:00:00Z", timeMax="2027-03-31T00:00:00Z")
        if any(a["email"] == BEN for a in e.get("attendees", []))
    ]
    assert len(ben_30) == 1 and ben_30[0].get("recurringEventId")
    cancelled_id = ben_30[0]["id"]
    google.api("calendar", "v3", SAM).events().delete(
        calendarId="primary", eventId=cancelled_id, sendUpdates="all"
    ).execute()
    out = user.step("rearrange", "--all").stdout
    assert cancelled_id in out and "REARRANGED" in out

    user.step(
        "cover", "--supervisor", SAM, "--from", "2027-04-05", "--to", "2027-04-30", "--by", UMA
    )
    user.clock("2027-05-04T09:00:00Z")
    user.step("records", "--year", "2027", "--through", "2027-04-30")
    sync_out = user.step("sync", "--year", "2027").stdout
    out = user.step("digest", "--send").stdout
    assert "Records overdue" in out

    refused = user.step(
        "transfer", "--supervisee", ANN, "--to-supervisor", TOM, expect=2
    ).stderr  # under drive.file: refused before any write, naming the setting
    assert 'drive_scope = "drive"' in refused and "Nothing was changed" in refused
    assert "settings.toml" in refused and "https://www.googleapis.com/auth/drive" in refused
    reads_only = user.steps[-1][2]["methods"]
    assert not [m for m in reads_only if m.rsplit(".", 1)[-1] in WRITES], reads_only
    user.step("transfer", "--supervisee", ANN, "--to-supervisor", TOM, config="handover.toml")
    user.step("sync", "--year", "2027", config="handover.toml")

    # -- nothing refused, and every token carried exactly the least-privilege scopes --------
    for command, config, counted in user.steps:
        assert counted["errors"] == {} and counted["refused"] == {}, (command, counted)
        if command.startswith("digest") or command == "check --digest":
            wanted = WITH_DIGEST
        elif config == "handover.toml":
            wanted = BROAD
        else:
            wanted = LEAST
        mine = {k for k in counted["tokens"] if k.startswith(APP + " ")}
        assert mine == {f"{APP} {wanted}"}, (command, counted["tokens"])
        assert set(counted["tokens"]) - mine <= {"google-ui *"}  # Google Calendar, by hand

    # -- what the local Workspace holds at the end -------------------------------------------
    # Ben's cancelled occurrence: cancelled in Sam's calendar, replaced in the same week
    sam_events = google.events(SAM, timeMin="2027-03-20T00:00:00Z", timeMax="2027-04-01T00:00:00Z")
    assert cancelled_id not in {e["id"] for e in sam_events}
    replacement = [e for e in sam_events if "(rearranged)" in e["summary"]]
    assert len(replacement) == 1
    assert {a["email"] for a in replacement[0]["attendees"]} >= {BEN}
    assert "2027-03-25" <= replacement[0]["start"]["dateTime"][:10] <= "2027-03-30"

    # cover: Ann's and Ben's April sessions are held by Uma, not in Sam's calendar any more
    april = {"timeMin": "2027-04-05T00:00:00Z", "timeMax": "2027-05-01T00:00:00Z"}
    held_by_uma = [e for e in google.events(UMA, **april) if "(cover)" in e["summary"]]
    assert sorted(a["email"] for e in held_by_uma for a in e["attendees"] if a["email"] != UMA) == [
        ANN,
        BEN,
    ]
    assert not [
        e
        for e in google.events(SAM, **april)
        if {a["email"] for a in e.get("attendees", [])} & {ANN, BEN}
    ]

    # transfer: Ann's future sessions are Tom's; Sam keeps none of hers after today
    future = {"timeMin": "2027-05-05T00:00:00Z", "timeMax": "2028-01-01T00:00:00Z"}
    ann_with = {
        who: [
            e
            for e in google.events(who, **future)
            if any(a["email"] == ANN for a in e.get("attendees", []))
        ]
        for who in (SAM, TOM)
    }
    assert ann_with[SAM] == [] and len(ann_with[TOM]) >= 8

    # records: each shared with exactly the supervisee (writer) and the line manager, the
    # covering supervisor too on the cover sessions' records; nobody else, never a link
    by_owner = {who: google.records(who) for who in (SAM, TOM, UMA, LENA)}
    assert not [n for n in by_owner[SAM] if "Ann Holder" in n]  # handed over
    assert len([n for n in by_owner[TOM] if "Ann Holder" in n]) == 5
    assert "Supervision record - Ben Holder - 2027-03-30" not in by_owner[SAM]  # cancelled
    assert "Supervision record - Ben Holder - 2027-03-25" in by_owner[SAM]  # its replacement
    total = 0
    for owner, records in by_owner.items():
        for title, record in records.items():
            total += 1
            supervisee = next(p for p in PEOPLE if name(p) in title)
            line_manager = PEOPLE[supervisee][1]
            expected = {owner: "owner", supervisee: "writer"}
            if line_manager != owner:
                expected[line_manager] = "commenter"
            if title.endswith(("2027-04-26", "2027-04-27")) and supervisee in (ANN, BEN):
                expected[UMA] = "writer"  # the covering supervisor (Hillingdon 3.4)
            assert shared_with(record) == expected, (owner, title)
            assert all(p["type"] == "user" for p in record["permissions"])
    assert total == 40

    # the tracking Sheet: the operator's, read by heads of service and line managers
    sheet_id = re.search(r"spreadsheets/d/([\w-]+)", sync_out)
    assert sheet_id is not None
    rows = google.sheet_rows(sheet_id.group(1), "Sessions")
    assert rows[0][:4] == ["Session ID", "Team", "Supervisor", "Supervisee"]
    by_id = {r[0]: r for r in rows[1:]}
    status = rows[0].index("Status")
    assert by_id[cancelled_id][status] == "CANCELLED"
    cover_rows = [r for r in rows[1:] if "(cover for Sam Supervisor)" in r[2]]
    assert sorted(r[3] for r in cover_rows) == ["Ann Holder", "Ben Holder"]
    ann_held = [r for r in rows[1:] if r[3] == "Ann Holder" and r[6] <= "2027-04-30"]
    assert len(ann_held) == 5 and all(
        r[7].startswith("https://docs.google.com/document/d/") for r in ann_held
    )
    assert len(rows) - 1 == sum(1 for r in rows[1:] if r[0])

    # the digest: one email per line manager with overdue records, from the operator
    mail = [m for m in user.outbox() if m["kind"] == "gmail"]
    assert [m["to"] for m in mail if m["to"] == [OPERATOR]] == [[OPERATOR]]  # check's test
    digests = [m for m in mail if m["to"] != [OPERATOR]]
    assert sorted(r for m in digests for r in m["to"]) == [LENA, TOM]
    assert {m["from"] for m in digests} == {OPERATOR}
