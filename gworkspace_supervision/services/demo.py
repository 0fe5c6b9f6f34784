"""`demo`: a year of supervision on a fresh local Workspace, as the people involved would do it.

Business support books the year (the shipped example roster, Hillingdon) and installs the
templates; every other Monday morning the records for the next fortnight are made; supervisors finish their
records a few working days after each session, some on time, some late, some not yet (a fixed
mix chosen from the session id, so every run gives the same picture); the workspace clock moves
with them so each Doc's modifiedTime is when it was finished. Then `sync` and the report.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from ..context import RunContext
from ..data import shipped_dir
from ..domain.policy import Policy, load_policy
from ..domain.roster import load_roster
from ..domain.status import Status
from ..domain.workdays import WorkingDays
from ..errors import SupervisionError
from ..google.connect import Connection
from ..google.retry import execute
from ..settings import Settings
from .booking import book
from .records import create_records
from .report import Report, report
from .templates import install_templates
from .tracking import SyncResult, sync


def example_roster() -> Path:
    """The shipped example roster (gworkspace_supervision/data/examples), in a wheel too."""
    return shipped_dir("examples") / "roster.example.csv"


DEFAULT_TODAY = date(2027, 3, 15)
DRAFT_LINE, COMPLETE_LINE = "Record status: DRAFT", "Record status: COMPLETE"
Progress = Callable[[str], None]
STEP_DAYS = 14  # records are made a fortnight at a time (fewer runs keep the demo quick)


def edit_record(connection: Connection, user: str, file_id: str, find: str, replace: str) -> int:
    """Replace text in a Doc as `user` (what a person typing does); occurrences changed."""
    request = (
        connection.docs(user)
        .documents()
        .batchUpdate(
            documentId=file_id,
            body={
                "requests": [
                    {
                        "replaceAllText": {
                            "containsText": {"text": find, "matchCase": True},
                            "replaceText": replace,
                        }
                    }
                ]
            },
        )
    )
    answer = execute(
        request, what="docs.documents.batchUpdate", policy=connection.retry, meter=connection.meter
    )
    replies = answer.get("replies") or [{}]
    return int((replies[0].get("replaceAllText") or {}).get("occurrencesChanged", 0))


def complete_record(connection: Connection, user: str, file_id: str) -> bool:
    """The supervisor changes `Record status: DRAFT` to COMPLETE; False if it was not DRAFT."""
    return edit_record(connection, user, file_id, DRAFT_LINE, COMPLETE_LINE) > 0


def _outcome(session_id: str) -> tuple[str, int]:
    """A fixed, realistic mix: 60% on time (0-4 working days), 25% late, 15% not yet."""
    value = int(hashlib.sha256(session_id.encode()).hexdigest()[:8], 16)
    bucket, delay = value % 20, (value // 20) % 5
    if bucket < 12:
        return "on time", delay
    if bucket < 17:
        return "late", 6 + 2 * delay
    return "open", 0


@dataclass
class DemoResult:
    today: date
    booked: int = 0
    records: int = 0
    completed: dict[str, int] = field(default_factory=dict)
    sync: SyncResult | None = None
    report: Report | None = None


def run_demo(
    connection: Connection,
    *,
    today: date = DEFAULT_TODAY,
    roster_path: Path | None = None,
    policy_name: str = "hillingdon",
    progress: Progress | None = None,
) -> DemoResult:
    if connection.kind != "local":
        raise SupervisionError(
            "The demo only runs on a local Workspace (--workspace local:DIR); it sets the clock "
            "and writes a year of sample data."
        )
    say = progress or (lambda _text: None)
    policy: Policy = load_policy(policy_name)
    settings = Settings()
    roster_path = roster_path or example_roster()
    roster = load_roster(roster_path, policy, settings.organisation.allowed_domains)
    ctx = RunContext(connection, settings, policy, tuple(roster), str(roster_path))
    year, clock = today.year, connection.workspace.clock
    tz = policy.tz
    workdays = WorkingDays(policy.region, policy.closure_days)
    result = DemoResult(today)

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=tz)

    clock.set(at(date(year - 1, 12, 1), 9))
    say(f"Booking {year} for {len(roster)} people ({roster_path.name}, {policy.name})")
    booked = book(ctx, year, send_updates="none")
    result.booked = len(booked.plan.sessions)
    say(f"  {result.booked} sessions in {len(booked.plan.series)} series")
    install_templates(ctx)
    say("Installed the record templates")
    finish = at(today, 17, 30)
    pending: list[tuple[datetime, str, str, str]] = []  # (when, session id, supervisor, file)
    monday = date(year, 1, 1) - timedelta(days=date(year, 1, 1).weekday())
    while monday <= today:
        clock.set(at(monday, 7))
        through = min(monday + timedelta(days=STEP_DAYS - 1), today)
        made = create_records(ctx, year, through)
        for plan in made.plans:
            if plan.action != "create" or not plan.file_id:
                continue
            result.records += 1
            kind, delay = _outcome(plan.session.session_id)
            result.completed.setdefault(kind, 0)
            if kind == "open":
                continue
            held = plan.session.instance.end.astimezone(tz)
            day = workdays.add_working_days(held.date(), delay) if delay else held.date()
            when = max(at(day, 16), held + timedelta(minutes=30))
            heapq.heappush(pending, (when, plan.session.session_id, plan.entry.supervisor_email,
                                     plan.file_id))  # fmt: skip
        following = at(monday + timedelta(days=STEP_DAYS), 7)
        while pending and pending[0][0] < following and pending[0][0] <= finish:
            when, session_id, supervisor, file_id = heapq.heappop(pending)
            clock.set(when)
            if complete_record(connection, supervisor, file_id):
                kind = _outcome(session_id)[0]
                result.completed[kind] = result.completed.get(kind, 0) + 1
        say(f"Fortnight from {monday:%d %b}: {result.records} records so far, "
            f"{sum(result.completed.values())} completed")  # fmt: skip
        monday += timedelta(days=STEP_DAYS)
    clock.set(finish)
    say("Syncing the tracking Sheet")
    result.sync = sync(ctx, year, today=today, progress=say)
    result.report = report(ctx, year=year, today=today)
    result.report.rows = [r for r in result.report.rows if r.status != Status.BOOKED]
    return result


def describe(result: DemoResult) -> dict[str, Any]:
    done = result.completed
    return {
        "today": result.today.isoformat(),
        "sessions booked": result.booked,
        "records created": result.records,
        "completed on time": done.get("on time", 0),
        "completed late": done.get("late", 0),
    }
