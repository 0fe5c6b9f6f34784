"""The line managers' digest on the local Workspace, through the real clients (Gmail included).

Two teams, two line managers: Lena manages Ann and Ben (supervised by Sam), Mo manages Cat
(supervised by Tom). ASYE sessions are weekly on Fridays from 5 March 2027, so by Wed 17
March 2027 the 5 March records are overdue (due Fri 12) and the 12 March ones due (Fri 19).
"""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from email import message_from_bytes
from email import policy as email_policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import load_roster
from gworkspace_supervision.errors import PrivacyError
from gworkspace_supervision.google import gmail
from gworkspace_supervision.google.auth import scopes_for
from gworkspace_supervision.google.connect import Connection, auth_settings, connect
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.demo import edit_record
from gworkspace_supervision.services.digest import DUE_SOON, NOT_REARRANGED, OVERDUE, digest
from gworkspace_supervision.services.records import create_records
from gworkspace_supervision.services.templates import install_templates
from gworkspace_supervision.services.tracking import sync
from gworkspace_supervision.settings import GoogleSettings, Settings

LONDON = ZoneInfo("Europe/London")
D = "example-council.gov.uk"
SAM, TOM = f"sam.supervisor@{D}", f"tom.supervisor@{D}"
LENA, MO = f"lena.manager@{D}", f"mo.manager@{D}"
OPERATOR = f"business.support@{D}"
SECRET = "Zanzibar-violet-7731 disclosed at home visit"
HEADER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "line_manager_name,team,category,start_date,preferred_day"
)
TODAY = date(2027, 3, 17)


def roster_file(folder: Path) -> Path:
    lines = [
        HEADER,
        f"ann.asye@{D},Ann Asye,{SAM},Sam Supervisor,{LENA},Lena Manager,Team A,asye,2027-03-05,Fri",
        f"ben.asye@{D},Ben Asye,{SAM},Sam Supervisor,{LENA},Lena Manager,Team A,asye,2027-03-05,Fri",
        f"cat.asye@{D},Cat Asye,{TOM},Tom Supervisor,{MO},Mo Manager,Team B,asye,2027-03-05,Fri",
    ]
    path = folder / "roster.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the year booked, records to 17 March, one record holding a secret,
    one session cancelled and not rearranged, synced as at 17 March (built once, copied)."""
    folder = tmp_path_factory.mktemp("digest")
    conn = connect(f"local:{folder / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    try:
        conn.workspace.clock.set("2027-02-01T09:00:00Z")
        policy = load_policy("hillingdon")
        roster = load_roster(roster_file(folder), policy)
        settings = Settings()
        book(conn, roster, policy, 2027, settings, send_updates="none")
        install_templates(conn, settings)
        conn.workspace.clock.set(datetime(2027, 3, 15, 9, tzinfo=LONDON))
        # Cat's session of Fri 12 March is cancelled on the Monday and never rearranged
        made = create_records(conn, roster, policy, 2027, date(2027, 3, 12), settings)
        cat_12 = next(
            p for p in made.plans if p.entry.supervisee_name == "Cat Asye"
            and p.facts.start.date() == date(2027, 3, 12)
        )  # fmt: skip
        ann_5 = next(
            p for p in made.plans if p.entry.supervisee_name == "Ann Asye"
            and p.facts.start.date() == date(2027, 3, 5)
        )  # fmt: skip
        assert ann_5.file_id and edit_record(
            conn, SAM, ann_5.file_id, "Record status: DRAFT", f"{SECRET}\nRecord status: DRAFT"
        )
        conn.calendar(TOM).events().delete(
            calendarId="primary", eventId=cat_12.session.session_id
        ).execute()
        conn.workspace.clock.set(datetime(2027, 3, 17, 18, tzinfo=LONDON))
        sync(conn, roster, policy, 2027, settings, today=TODAY)
    finally:
        conn.close()
    return folder


@pytest.fixture
def conn(synced: Path, tmp_path: Path) -> Iterator[Connection]:
    shutil.copytree(synced, tmp_path / "copy")
    # the digest is on: the connection asks for gmail.send too, as `digest --send` does
    sending = Settings(google=GoogleSettings(digest=True))
    c = connect(
        f"local:{tmp_path / 'copy' / 'ws'}", sending, retry=RetryPolicy(sleep=lambda _s: None)
    )
    try:
        yield c
    finally:
        c.close()


def test_one_email_per_line_manager_with_only_their_team(conn: Connection) -> None:
    policy = load_policy("hillingdon")
    result = digest(conn, Settings(), policy, today=TODAY, send=True)
    outbox = [m for m in conn.workspace.outbox() if m.get("kind") == "gmail"]
    assert sorted(m["to"][0] for m in outbox) == [LENA, MO]
    assert all(m["from"] == OPERATOR for m in outbox)
    lena = next(m for m in outbox if m["to"] == [LENA])
    mo = next(m for m in outbox if m["to"] == [MO])
    # Lena: Ann's and Ben's records of 5 March overdue, of 12 March due within 2 working days
    assert "Ann Asye" in lena["text"] and "Ben Asye" in lena["text"]
    assert "Cat Asye" not in lena["text"] and "Tom Supervisor" not in lena["text"]
    assert (
        "Records overdue (complete within 5 working days; Hillingdon Supervision Framework 4.4): 2"
        in lena["text"]
    )
    assert "Records due within 2 working days: 2" in lena["text"]
    assert "https://docs.google.com/document/d/" in lena["text"]
    assert "https://docs.google.com/spreadsheets/d/" in lena["text"]
    # Mo: Cat's 5 March record overdue and her 12 March session cancelled, not rearranged
    assert "Ann Asye" not in mo["text"] and "Ben Asye" not in mo["text"]
    assert "Cat Asye with Tom Supervisor, session Fri 12 Mar 2027 cancelled" in mo["text"]
    kinds = {d.email: sorted(i.kind for i in d.items) for d in result.digests}
    assert kinds == {
        LENA: sorted([OVERDUE, OVERDUE, DUE_SOON, DUE_SOON]),
        MO: sorted([OVERDUE, NOT_REARRANGED]),
    }
    assert sorted(result.sent) == [LENA, MO]
    assert "1 overdue, 1 not rearranged" in mo["subject"]


def test_no_record_content_in_any_email(conn: Connection) -> None:
    digest(conn, Settings(), load_policy("hillingdon"), today=TODAY, send=True)
    texts = [m["text"] + m["subject"] for m in conn.workspace.outbox() if m["kind"] == "gmail"]
    assert len(texts) == 2 and all(SECRET not in t and "Zanzibar" not in t for t in texts)
    assert all("Record status" not in t for t in texts)


def test_without_send_nothing_is_sent(conn: Connection) -> None:
    before = conn.workspace.counters()["emails"]
    result = digest(conn, Settings(), load_policy("hillingdon"), today=TODAY)
    assert len(result.digests) == 2 and not result.sent
    assert conn.workspace.counters()["emails"] == before
    assert "gmail.users.messages.send" not in conn.workspace.counters()["methods"]


def test_a_later_day_moves_due_soon_to_overdue(conn: Connection) -> None:
    result = digest(conn, Settings(), load_policy("hillingdon"), today=date(2027, 3, 22))
    lena = next(d for d in result.digests if d.email == LENA)
    assert len(lena.of(OVERDUE)) == 4 and not lena.of(DUE_SOON)  # 12 March: due Fri 19


def test_an_outside_line_manager_is_refused_before_any_email(conn: Connection) -> None:
    strict = Settings()
    strict = type(strict)(
        organisation=type(strict.organisation)(
            allowed_domains=("elsewhere.gov.uk",), operator=OPERATOR
        ),
    )
    with pytest.raises(PrivacyError):
        digest(conn, strict, load_policy("hillingdon"), today=TODAY, send=True)
    assert not [m for m in conn.workspace.outbox() if m["kind"] == "gmail"]


def test_cli_prints_and_sends(synced: Path, tmp_path: Path) -> None:
    shutil.copytree(synced, tmp_path / "copy")
    ws = f"local:{tmp_path / 'copy' / 'ws'}"
    runner = CliRunner()
    roster = str(tmp_path / "copy" / "roster.csv")
    printed = runner.invoke(cli, ["--workspace", ws, "digest", "--roster", roster,
                                  "--today", "2027-03-17"])  # fmt: skip
    assert printed.exit_code == 0, printed.output
    assert f"To: Lena Manager <{LENA}>" in printed.output and SECRET not in printed.output
    sent = runner.invoke(cli, ["--workspace", ws, "digest", "--today", "2027-03-17", "--send"])
    assert sent.exit_code == 0, sent.output
    c = connect(ws)
    try:
        assert len([m for m in c.workspace.outbox() if m["kind"] == "gmail"]) == 2
    finally:
        c.close()


def test_the_message_is_rfc_2822_and_only_send_scope_is_asked() -> None:
    message = gmail.build_message(OPERATOR, LENA, "Digest\nBcc: x@evil.example", "Body",
                                  to_name="Lena\r\nBcc: x@evil.example")  # fmt: skip
    parsed = message_from_bytes(
        base64.urlsafe_b64decode(gmail.raw_of(message)), policy=email_policy.default
    )
    assert parsed.get_all("bcc") is None and parsed["To"].addresses[0].addr_spec == LENA
    assert parsed.get_content().strip() == "Body"
    settings = Settings()
    sending = type(settings)(google=type(settings.google)(auth="oauth", digest=True))
    scopes = scopes_for("oauth", digest=auth_settings(sending).digest)
    assert [s for s in scopes if "gmail" in s] == ["https://www.googleapis.com/auth/gmail.send"]
    assert not any("gmail" in s for s in scopes_for("oauth", digest=auth_settings(settings).digest))
