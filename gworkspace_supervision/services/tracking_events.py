"""The tracker's view of the policy's [[events]]: observations, appraisals, reviews (issue 8).

Decision: the Sessions tab keeps exactly its 12 columns (issue 6) and holds supervision sessions
only, so its on-time figures (records within 5 working days, Hillingdon 4.4) stay about
supervision. Each event type gets a tab of its own (`EVENT_TABS`: one row per event, status
BOOKED, HELD or CANCELLED: events have no record), observations also a per-person tab
(Hillingdon 5.2 f: held this April-March year, whether the direct-work one is still missing,
flagged from `warn_weeks` before the year end), and the Summary tab a table per type.
"Held" means its time passed and it was not cancelled in the calendar.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from ..domain.events import (
    OBSERVATION,
    SUPERVISION,
    EventRule,
    counting_year,
    observation_line,
)
from ..domain.policy import Policy
from ..domain.roster import RosterEntry
from ..domain.status import Status, Summary, TrackedSession
from ..google.sheet import serial
from ..google.sheet_layout import EVENT_HEADER, EVENT_TABS, OBSERVATIONS
from ..google.tracking_reads import SessionEvent

TYPE_HEADER = (
    "Type", "Booked this year", "Held", "Still to come", "Cancelled", "On-time % year to date",
)  # fmt: skip


def event_types(events: Sequence[SessionEvent]) -> dict[str, tuple[str, str]]:
    """Series event id -> (type, kind), from the tags `book` wrote (every listed instance,
    cancelled ones included, carries the app's tags: the listing filters on them)."""
    out: dict[str, tuple[str, str]] = {}
    for e in events:
        if e.tags is not None:
            out[e.series_event_id] = (e.type, e.event_kind)
    return out


def event_status(end: datetime, now: datetime, cancelled: bool) -> Status:
    if cancelled:
        return Status.CANCELLED
    return Status.BOOKED if end > now else Status.HELD


def event_row(
    event: SessionEvent, type_kind: tuple[str, str], entry: RosterEntry | None, policy: Policy,
    now: datetime,
) -> TrackedSession:  # fmt: skip
    tz = policy.tz
    start, end = event.start.astimezone(tz), event.end.astimezone(tz)
    category = policy.categories.get(event.category)
    return TrackedSession(
        session_id=event.session_id,
        team=entry.team if entry else "",
        supervisor_email=event.supervisor,
        supervisor_name=entry.supervisor_name if entry else event.supervisor,
        supervisee_email=event.supervisee,
        supervisee_name=entry.supervisee_name if entry else event.supervisee,
        line_manager_email=entry.line_manager_email if entry else "",
        line_manager_name=entry.line_manager_name if entry else "",
        category=category.label if category else event.category,
        start=start,
        end=end,
        record_due=start.date(),
        status=event_status(end, now, event.cancelled),
        type=type_kind[0],
        kind=type_kind[1],
    )


def event_tabs(
    rows: Sequence[TrackedSession],
    roster: Sequence[RosterEntry],
    policy: Policy,
    today: date,
    year: int,
) -> dict[str, list[list[Any]]]:
    """A tab per event type the policy books, plus Observations per person."""
    tabs: dict[str, list[list[Any]]] = {}
    for rule in policy.events:
        title = EVENT_TABS[rule.type]
        mine = sorted(
            (r for r in rows if r.type == rule.type and r.start.year == year),
            key=lambda r: (r.start, r.supervisee_email),
        )
        tabs[title] = [list(EVENT_HEADER)] + [
            [r.session_id, rule.label, r.kind, r.team, r.supervisor_name, r.supervisee_name,
             r.line_manager_name, serial(r.session_date), str(r.status)]
            for r in mine
        ]  # fmt: skip
        if rule.type == OBSERVATION:
            tabs[OBSERVATIONS] = observation_cells(rows, roster, rule, today, year)
    return tabs


def observation_window(rule: EventRule, today: date, year: int) -> tuple[date, date]:
    """The counting year shown: the one holding `today`, kept to those meeting `year`."""
    day = min(max(today, date(year, 1, 1)), date(year, 12, 31))
    return counting_year(day, rule.year_start)


def observation_cells(
    rows: Iterable[TrackedSession],
    roster: Sequence[RosterEntry],
    rule: EventRule,
    today: date,
    year: int,
) -> list[list[Any]]:
    """Hillingdon 5.2 f per person: observations held this counting year, still booked, the
    required kind held or not, the next one booked, and a status flagged near the year end."""
    first, last = observation_window(rule, today, year)
    required = rule.required_kind or ""
    header = ["Supervisee", "Supervisor", "Line manager", "Team", "Year", "Held",
              "Still booked", f"{required.capitalize() or 'Required kind'} held", "Next booked",
              "Status"]  # fmt: skip
    held: dict[str, list[str]] = defaultdict(list)
    booked: dict[str, list[date]] = defaultdict(list)
    for r in rows:
        if r.type != OBSERVATION or not first <= r.session_date <= last:
            continue
        if r.status == Status.HELD:
            held[r.supervisee_email].append(r.kind)
        elif r.status == Status.BOOKED:
            booked[r.supervisee_email].append(r.session_date)
    label = f"{first.year}-{str(last.year)[-2:]}"
    out: list[list[Any]] = [header]
    for entry in sorted(roster, key=lambda e: (e.team, e.supervisee_name, e.supervisee_email)):
        if not rule.applies_to(*entry.categories):  # role and status too (5.2 f)
            continue
        who = entry.supervisee_email
        line = observation_line(held[who], len(booked[who]), today, (first, last), rule)
        upcoming = min(booked[who], default=None)
        out.append([
            entry.supervisee_name, entry.supervisor_name, entry.line_manager_name, entry.team,
            label, line.held, line.booked, "yes" if line.required_held else "no",
            serial(upcoming), line.status,
        ])  # fmt: skip
    return out


def type_summary(
    summary: Summary, rows: Iterable[TrackedSession], policy: Policy, year: int
) -> list[list[Any]]:
    """The Summary tab's per-type table. Supervision: sessions held and records completed on
    time (4.4). Each event type: booked, held, to come, cancelled, and held as booked (%)."""
    counts: Mapping[str, dict[Status, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        if r.start.year == year:
            counts[r.type][r.status] += 1
    total = summary.total
    pct = round(total.on_time_pct, 4) if total.on_time_pct is not None else ""
    mine = counts[SUPERVISION]
    cancelled = mine[Status.CANCELLED] + mine[Status.DECLINED] + mine[Status.NOT_REARRANGED]
    out: list[list[Any]] = [
        list(TYPE_HEADER),
        ["Supervision", total.held + mine[Status.BOOKED] + cancelled, total.held,
         mine[Status.BOOKED], cancelled, pct],
    ]  # fmt: skip
    for rule in policy.events:
        c = counts[rule.type]
        held, cancelled, booked = c[Status.HELD], c[Status.CANCELLED], c[Status.BOOKED]
        done = held + cancelled
        out.append([rule.label, held + cancelled + booked, held, booked, cancelled,
                    round(held / done, 4) if done else ""])  # fmt: skip
    return out
