"""The policy's [[events]] over a year on the local Workspace, through the real clients:
practice observations (Hillingdon 5.2 f), PADA appraisals and reviews (6) planned, booked,
tracked; and cancelled supervision sessions tracked by the one 3.3 rule (domain.rearrange).

Two people under one supervisor: Ann, a case holder (observations, appraisal, review) and Ben,
business support (appraisal and review only).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.policy import Policy, load_policy
from gworkspace_supervision.domain.roster import RosterEntry, load_roster
from gworkspace_supervision.google.calendar import APP, CalendarAdapter
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.rearrange import BOOKED, rearrange
from gworkspace_supervision.services.records import create_records
from gworkspace_supervision.services.templates import install_templates
from gworkspace_supervision.services.tracking import SyncResult, open_tracker, sync
from gworkspace_supervision.settings import Settings

LONDON = ZoneInfo("Europe/London")
D = "example-council.gov.uk"
SAM, ANN, BEN, LM = (f"{n}@{D}" for n in ("sam", "ann", "ben", "lm"))
ROSTER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "line_manager_name,team,category,preferred_day,preferred_time\n"
    f"{ANN},Ann,{SAM},Sam,{LM},Lena,North,case_holding,Mon,10:00\n"
    f"{BEN},Ben,{SAM},Sam,{LM},Lena,North,non_frontline,Tue,10:00\n"
)


class World:
    def __init__(self, conn: Connection, roster: list[RosterEntry], policy: Policy) -> None:
        self.conn, self.roster, self.policy, self.settings = conn, roster, policy, Settings()

    def at(self, when: str) -> None:
        self.conn.workspace.clock.set(datetime.fromisoformat(when).replace(tzinfo=LONDON))

    def sync(self) -> SyncResult:
        return sync(RunContext.of(self.conn, self.roster, self.policy, self.settings), 2027)

    def tab(self, title: str) -> list[list[Any]]:
        sheet = open_tracker(self.conn, self.settings, create=False)
        assert sheet is not None
        return sheet.values(f"'{title}'")

    def events(self, kind: str) -> list[dict[str, Any]]:
        """Sam's app events of one type (supervision: no type tag), as Calendar holds them."""
        page = (
            self.conn.calendar(SAM)
            .events()
            .list(calendarId="primary", privateExtendedProperty=[f"app={APP}"])
            .execute()
        )
        return [
            e
            for e in page.get("items", [])
            if (e["extendedProperties"]["private"].get("type") or "supervision") == kind
        ]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    conn = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    try:
        conn.workspace.clock.set("2026-12-01T09:00:00Z")
        policy = load_policy("hillingdon")
        (tmp_path / "roster.csv").write_text(ROSTER)
        w = World(conn, load_roster(tmp_path / "roster.csv", policy), policy)
        yield w
    finally:
        conn.close()


def test_observations_and_appraisals_planned_booked_and_tracked(world: World) -> None:
    result = book(RunContext.of(world.conn, world.roster, world.policy, world.settings), 2027)
    plan = result.plan
    kinds = sorted((s.supervisee_email, s.type, s.kind, s.start.month) for s in plan.sessions
                   if s.type != "supervision")  # fmt: skip
    assert kinds == [
        (ANN, "appraisal", "", 5),
        (ANN, "appraisal review", "", 11),
        (ANN, "observation", "direct work with a child", 6),
        (ANN, "observation", "practice", 11),
        (BEN, "appraisal", "", 5),
        (BEN, "appraisal review", "", 11),
    ]
    # same rules as sessions: working days, never two things at once for anyone
    spans = sorted((s.start, s.end) for s in plan.sessions)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert result.made("create") == len(plan.series) == 8
    observations = world.events("observation")
    assert sorted(e["summary"] for e in observations) == ["Practice observation: Ann / Sam"] * 2
    assert {e["extendedProperties"]["private"]["event_kind"] for e in observations} == {
        "direct work with a child",
        "practice",
    }
    assert sorted(e["summary"] for e in world.events("appraisal")) == [
        "PADA appraisal: Ann / Sam",
        "PADA appraisal: Ben / Sam",
    ]
    writes = world.conn.workspace.counters()["event_writes"]
    again = book(RunContext.of(world.conn, world.roster, world.policy, world.settings), 2027)
    assert again.made("unchanged") == 8 and not again.writes  # reconciled: nothing to write
    assert world.conn.workspace.counters()["event_writes"] == writes

    # Records are for supervision sessions only.
    install_templates(RunContext.of(world.conn, settings=world.settings))
    world.at("2027-07-01T12:00")
    made = create_records(
        RunContext.of(world.conn, world.roster, world.policy, world.settings),
        2027,
        date(2027, 7, 1),
    )
    supervision_ids = {s.session_id for s in plan.supervision}
    assert made.created and {p.session.session_id for p in made.plans} <= supervision_ids

    # 1 July: the June direct-work observation and May appraisals were held.
    first = world.sync()
    sessions_tab = {str(r.session_id) for r in first.rows}
    assert sessions_tab <= supervision_ids  # Sessions: supervision only, its 12 columns
    dates = world.tab("Observation dates")
    assert dates[0][:3] == ["Event ID", "Type", "Kind"] and dates[0][-1] == "Status"
    assert [(r[2], r[5], r[-1]) for r in dates[1:]] == [
        ("direct work with a child", "Ann", "HELD"),
        ("practice", "Ann", "BOOKED"),
    ]
    assert [(r[5], r[-1]) for r in world.tab("Appraisals")[1:]] == [
        ("Ann", "HELD"),
        ("Ben", "HELD"),
    ]
    person = world.tab("Observations")
    assert person[0][7] == "Direct work with a child held"
    assert [row[:8] + row[9:] for row in person[1:]] == [
        ["Ann", "Sam", "Lena", "North", "2027-28", "1", "1", "yes", "ON TRACK"]
    ]
    summary = world.tab("Summary")
    at = next(i for i, row in enumerate(summary) if row[:1] == ["Type"])
    table = {row[0]: row[1:] for row in summary[at + 1 : at + 5]}
    assert table["Practice observation"] == ["2", "1", "1", "0", "100%"]
    assert table["PADA appraisal"] == ["2", "2", "0", "0", "100%"]
    assert table["PADA review"][:4] == ["2", "0", "2", "0"]
    assert table["Supervision"][1] == str(first.summary.total.held)


def test_direct_work_missing_is_flagged_as_the_year_end_nears(world: World) -> None:
    book(
        RunContext.of(world.conn, world.roster, world.policy, world.settings),
        2027,
        send_updates="none",
    )
    direct = next(
        e for e in world.events("observation")
        if e["extendedProperties"]["private"]["event_kind"] == "direct work with a child"
    )  # fmt: skip
    world.at("2027-06-01T09:00")  # Sam cancels it (the only instance of its one-event series)
    instances = world.conn.calendar(SAM).events().instances(
        calendarId="primary", eventId=direct["id"]
    ).execute()["items"]  # fmt: skip
    world.conn.calendar(SAM).events().delete(
        calendarId="primary", eventId=instances[0]["id"]
    ).execute()
    world.at("2027-07-01T12:00")
    world.sync()
    dates = world.tab("Observation dates")
    assert [(r[2], r[-1]) for r in dates[1:]] == [
        ("direct work with a child", "CANCELLED"),
        ("practice", "BOOKED"),
    ]
    assert world.tab("Observations")[1][5:8] == ["0", "1", "no"]
    assert world.tab("Observations")[1][-1] == "ON TRACK"
    assert instances[0]["id"] not in {row[0] for row in world.tab("Sessions")}
    # 20 February 2028: within 8 weeks of 31 March, the practice one held, direct work not.
    world.at("2028-02-20T12:00")
    world.sync()
    line = world.tab("Observations")[1]
    assert line[4:8] == ["2027-28", "1", "0", "no"] and line[-1] == "DIRECT WORK MISSING"


def test_cancelled_sessions_follow_the_one_rearrangement_rule(world: World) -> None:
    # Ann's four-weekly Monday 10:00: 4 Jan, 1 Feb, 1 Mar, (Easter Monday moved), 26 Apr
    book(
        RunContext.of(world.conn, world.roster, world.policy, world.settings),
        2027,
        send_updates="none",
    )
    (series,) = [
        b for b in CalendarAdapter(world.conn).list_app_series(SAM)
        if ANN in b.attendees and b.kind == "supervision"
    ]  # fmt: skip
    events = world.conn.calendar(SAM).events()

    def cancel(day: str) -> str:
        start = datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=LONDON)
        (item,) = events.instances(
            calendarId="primary", eventId=series.event_id, timeMin=start.isoformat(),
            timeMax=(start + timedelta(hours=1)).isoformat(),
        ).execute()["items"]  # fmt: skip
        events.delete(calendarId="primary", eventId=item["id"]).execute()
        return str(item["id"])

    world.at("2027-01-28T11:00")
    soon = cancel("2027-02-01")  # rearranged by the command, within 5 days
    late = cancel("2027-03-01")  # rebooked by hand 8 days later: too late (3.3)
    never = cancel("2027-04-26")  # never rearranged
    # Google keeps no time on a cancelled occurrence (Events reference, Event.status): the
    # tracker dates each cancellation from the first sync that sees it
    world.sync()
    done = rearrange(
        RunContext.of(world.conn, policy=world.policy), supervisors=[SAM], session_id=soon
    )
    assert [o.action for o in done.outcomes] == [BOOKED]
    replacement = datetime(2027, 3, 9, 10, tzinfo=LONDON)
    events.insert(
        calendarId="primary",
        body={
            "summary": "Supervision (rearranged): Ann / Sam",
            "start": {"dateTime": replacement.isoformat(), "timeZone": "Europe/London"},
            "end": {
                "dateTime": (replacement + timedelta(minutes=90)).isoformat(),
                "timeZone": "Europe/London",
            },  # fmt: skip
            "attendees": [{"email": ANN}],
            "extendedProperties": {
                "private": {"app": APP, "kind": "rearrangement", "rearranges": late}
            },  # fmt: skip
        },
    ).execute()
    world.at("2027-01-28T18:00")
    statuses = {r.session_id: str(r.status) for r in world.sync().rows}
    assert statuses[soon] == "CANCELLED"  # rearranged: the replacement is its own session row
    assert statuses[late] == "NOT REARRANGED"  # new date more than 5 days after the old one
    assert statuses[never] == "CANCELLED"  # still inside the 24 hours
    rearranged_row = [r for r in world.sync().rows if r.start == done.outcomes[0].start]
    assert len(rearranged_row) == 1 and rearranged_row[0].supervisee_email == ANN
    world.at("2027-01-29T11:30")  # 24 hours and a half after the cancellations
    statuses = {r.session_id: str(r.status) for r in world.sync().rows}
    assert (statuses[soon], statuses[late], statuses[never]) == (
        "CANCELLED",
        "NOT REARRANGED",
        "NOT REARRANGED",
    )
