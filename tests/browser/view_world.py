"""A small supervised world on a local Workspace, and the view served over loopback for it.

One supervisor (Sam) with two supervisees (Ann, weekly as an ASYE; Ben), their line manager
(Lena), and an outsider (Olive): an address in the same organisation that is on no roster. The year is
booked with invitations sent, the record templates installed and records made for the first
weeks; the workspace clock stands on Monday 15 March 2027, so the sessions of 5 and 12 March
have been held.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.policy import Policy, load_policy
from gworkspace_supervision.domain.roster import RosterEntry, load_roster
from gworkspace_supervision.emulator.view import make_view_server, open_workspace
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.rearrange import RearrangeResult, rearrange
from gworkspace_supervision.services.records import create_records
from gworkspace_supervision.services.templates import install_templates
from gworkspace_supervision.services.tracking import SyncResult, sync
from gworkspace_supervision.settings import Settings

LONDON = ZoneInfo("Europe/London")
DOMAIN = "example-council.gov.uk"
SUPERVISOR = f"sam.supervisor@{DOMAIN}"
ANN = f"ann.asye@{DOMAIN}"
BEN = f"ben.worker@{DOMAIN}"
MANAGER = f"lena.manager@{DOMAIN}"
OUTSIDER = f"olive.outsider@{DOMAIN}"
TODAY = date(2027, 3, 15)
ROSTER = f"""\
supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,\
line_manager_name,team,category,start_date,preferred_day
{ANN},Ann Asye,{SUPERVISOR},Sam Supervisor,{MANAGER},Lena Manager,Child in Need 1,asye,\
2027-03-01,Fri
{BEN},Ben <b>Worker</b>,{SUPERVISOR},Sam Supervisor,{MANAGER},Lena Manager,Child in Need 1,\
case_holding,2027-03-01,Wed
"""


@dataclass
class World:
    directory: Path
    conn: Connection
    roster: list[RosterEntry]
    policy: Policy
    settings: Settings
    people: Connection  # full user scopes: what people reach at Google's own pages

    def sync(self) -> SyncResult:
        return sync(
            RunContext.of(self.conn, self.roster, self.policy, self.settings), 2027, today=TODAY
        )

    def rearrange(self) -> RearrangeResult:
        return rearrange(
            RunContext.of(self.conn, self.roster, self.policy, self.settings),
            supervisors=[SUPERVISOR],
        )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    roster_path = tmp_path / "roster.csv"
    roster_path.write_text(ROSTER, encoding="utf-8")
    policy = load_policy("hillingdon")
    settings = Settings()
    roster = load_roster(roster_path, policy, settings.organisation.allowed_domains)
    conn = connect(f"local:{tmp_path / 'workspace'}")
    clock = conn.workspace.clock
    clock.set(datetime(2027, 2, 1, 9, tzinfo=LONDON))
    book(RunContext.of(conn, roster, policy, settings), 2027, send_updates="all")
    install_templates(RunContext.of(conn, settings=settings))
    clock.set(datetime(2027, 3, 1, 7, tzinfo=LONDON))
    create_records(RunContext.of(conn, roster, policy, settings), 2027, date(2027, 3, 26))
    clock.set(datetime(2027, 3, 15, 9, tzinfo=LONDON))
    people = open_workspace(tmp_path / "workspace")  # as people at Google's own pages
    try:
        yield World(tmp_path / "workspace", conn, roster, policy, settings, people)
    finally:
        people.close()
        conn.close()


@pytest.fixture
def view_url(world: World) -> Iterator[str]:
    """The view served on a free loopback port from its own thread (and its own connection)."""
    conn = open_workspace(world.directory)
    server = make_view_server(conn, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        conn.close()
