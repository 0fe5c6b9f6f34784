"""Everything a person reads comes from the policy in use (issue 13): under Sunderland or
Islington, no Hillingdon section in a calendar, a record, the tracker or the digest; under
Hillingdon, its own sections (Supervision Framework 3.3, 3.4, 4.4).

One small year per shipped policy on the local Workspace, through the real clients: `book`, the
records, a cancelled session rearranged, a supervisor's absence covered by a colleague, `sync`
and the line managers' digest; then every event description, every record's text and every
digest is read back and searched for the words of another council.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from gworkspace_supervision.domain.policy import COUNCIL_SETTING, Policy, load_policy
from gworkspace_supervision.domain.roster import load_roster
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.drive import DriveAdapter
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.cover import cover
from gworkspace_supervision.services.digest import digest, render
from gworkspace_supervision.services.rearrange import rearrange
from gworkspace_supervision.services.records import create_records
from gworkspace_supervision.services.templates import install_templates
from gworkspace_supervision.services.tracking import sync
from gworkspace_supervision.settings import Settings

LONDON = ZoneInfo("Europe/London")
D = "example-council.gov.uk"
SAM, TOM, LENA = f"sam.supervisor@{D}", f"tom.supervisor@{D}", f"lena.manager@{D}"
ANN, BEN = f"ann.worker@{D}", f"ben.worker@{D}"
ROSTER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "line_manager_name,team,category,preferred_day,preferred_time\n"
    f"{ANN},Ann Worker,{SAM},Sam Supervisor,{LENA},Lena Manager,A,case_holding,Tue,09:30\n"
    f"{BEN},Ben Worker,{SAM},Sam Supervisor,{LENA},Lena Manager,A,case_holding,Wed,09:30\n"
    f"cat.worker@{D},Cat Worker,{TOM},Tom Supervisor,{LENA},Lena Manager,A,case_holding,"
    "Thu,09:30\n"
)


def at(conn: Connection, when: str) -> None:
    conn.workspace.clock.set(datetime.fromisoformat(when).replace(tzinfo=LONDON))


def descriptions(conn: Connection, user: str) -> list[str]:
    """Every description of our events in `user`'s calendar (series, rearranged, cover)."""
    page = (
        conn.calendar(user)
        .events()
        .list(calendarId="primary", privateExtendedProperty=["app=gws-supervision"])
        .execute()
    )
    return [str(i.get("description", "")) for i in page.get("items", [])]


def cancel_first(conn: Connection, supervisee: str, month: int) -> None:
    """Delete, as Sam would in Calendar, the supervisee's first session in `month` of 2027."""
    items = (
        conn.calendar(SAM)
        .events()
        .list(
            calendarId="primary",
            singleEvents=True,
            orderBy="startTime",
            timeMin=f"2027-{month:02d}-01T00:00:00Z",
            timeMax=f"2027-{month + 1:02d}-01T00:00:00Z",
            privateExtendedProperty=["app=gws-supervision"],
        )
        .execute()["items"]
    )
    mine = [
        i
        for i in items
        if [a["email"] for a in i.get("attendees", [])] == [supervisee]
        and "Supervision:" in i["summary"]
    ]
    conn.calendar(SAM).events().delete(calendarId="primary", eventId=mine[0]["id"]).execute()


class Year:
    """What people read after a small year under one policy."""

    def __init__(self, conn: Connection, policy: Policy, folder: Path) -> None:
        (folder / "roster.csv").write_text(ROSTER)
        settings = Settings()
        roster = load_roster(folder / "roster.csv", policy)
        at(conn, "2027-01-04T09:00")
        book(conn, roster, policy, 2027, settings, send_updates="none")
        install_templates(conn, settings)
        at(conn, "2027-02-26T18:00")
        create_records(conn, roster, policy, 2027, date(2027, 2, 26), settings)
        at(conn, "2027-03-01T08:00")  # Sam cancels Ann's first March session, rearranges it
        cancel_first(conn, ANN, 3)
        self.rearranged = rearrange(conn, [SAM], policy, send_updates="none")
        cancel_first(conn, BEN, 3)  # ... and cancels Ben's, never rearranged
        sam_away = cover(
            conn, roster, policy, settings, supervisor=SAM, start=date(2027, 4, 1),
            end=date(2027, 4, 30), by=TOM, send_updates="none",
        )  # fmt: skip
        self.covered = sam_away.booked
        at(conn, "2027-03-20T09:00")
        sync(conn, roster, policy, 2027, settings)
        self.digest = render(digest(conn, settings, policy, year=2027))
        self.events = descriptions(conn, SAM) + descriptions(conn, TOM)
        drive = DriveAdapter(conn)
        self.records = [
            drive.export_text(SAM, r.file_id) for r in drive.list_records(SAM) if r.session_id
        ]

    def everything(self) -> str:
        return "\n".join(self.events + self.records + [self.digest])


@pytest.fixture(params=["hillingdon", "sunderland", "islington"])
def year(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Policy, Year]]:
    policy = load_policy(request.param)
    conn = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    try:
        yield policy, Year(conn, policy, tmp_path)
    finally:
        conn.close()


def test_people_read_the_policy_in_use_and_never_another_councils(
    year: tuple[Policy, Year],
) -> None:
    policy, seen = year
    # the year really produced each kind of text: series, a rearrangement, cover, records, digest
    assert seen.rearranged.outcomes and seen.covered and seen.records
    assert any("Rearranged from" in d for d in seen.events)
    assert any("covering for Sam Supervisor" in d for d in seen.events)
    assert "Records overdue" in seen.digest and "not rearranged" in seen.digest
    text = seen.everything()
    if policy.key == "hillingdon":
        for section in ("4.4", "3.3", "3.4"):
            assert f"Hillingdon Supervision Framework {section}" in text
        assert COUNCIL_SETTING not in text
        return
    assert "Hillingdon" not in text
    assert "Supervision Framework" not in text  # Hillingdon's own title, in its record form too
    if policy.key == "sunderland":
        # the policy sets no record deadline nor rearrangement timescale: said so, every time
        assert all(COUNCIL_SETTING in d for d in seen.events if "The record:" in d)
        assert "appendix 1" in text  # cover: absence referred to the line manager
        assert "Sunderland Safeguarding Children Supervision Policy" in text
        assert all("the council's own timescale" in r for r in seen.records)
    else:
        assert "or 24 hours when the record is marked urgent" in text
        assert "Islington Case Management Supervision Policy, Frequency" in text
        assert all("Urgent / significant decisions: no" in r for r in seen.records)
