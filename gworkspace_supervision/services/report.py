"""`report`: what a line manager needs at a glance, read back from the tracking Sheet.

Read from the Sheet, not the calendar: the report shows what line managers and Heads of
Service see. With `today`, statuses that only depend on the date (BOOKED, DUE, OVERDUE) are
re-evaluated for that day from the Sheet's own dates; everything else is as the last sync left it.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from ..context import RunContext
from ..domain.status import Status, Tally, TrackedSession, session_status
from ..errors import SupervisionError
from ..google.sheet import rows_from
from .tracking import open_tracker

JSON_KEYS = (
    "session_id", "supervisee_email", "supervisor_email", "team", "session_date",
    "record_due", "completed", "status",
)  # fmt: skip
FORMATS = ("table", "json", "csv")
OPEN = (Status.BOOKED, Status.DUE, Status.OVERDUE)


@dataclass
class Report:
    url: str
    today: date
    rows: list[TrackedSession]
    teams: dict[str, Tally]
    overdue_only: bool = False


def report(
    ctx: RunContext,
    *,
    year: int | None = None,
    today: date | None = None,
    overdue_only: bool = False,
) -> Report:
    """Rows of the Sheet (one year if given), statuses as at `today`, totals per team."""
    connection, settings, policy = ctx.connection, ctx.settings, ctx.policy
    sheet = open_tracker(connection, settings, create=False)
    if sheet is None:
        raise SupervisionError("No tracking Sheet yet: run `gws-supervision sync` first.")
    day = today or connection.now().astimezone(policy.tz).date()
    now = datetime.combine(day, time(23, 59, 59), tzinfo=policy.tz)
    rows = [r for r in rows_from(sheet.read()) if year is None or r.start.year == year]
    for row in rows:
        if row.status in OPEN:
            row.status = session_status(
                end=row.end if row.end.tzinfo else row.end.replace(tzinfo=policy.tz),
                now=now,
                due=row.record_due,
                completed=None,
            )
    rows.sort(key=lambda r: (r.team, r.start.isoformat(), r.supervisee_name))
    teams: dict[str, Tally] = defaultdict(Tally)
    for row in rows:
        day_of = row.session_date
        teams[row.team or "(no team)"].add(
            row.status, (day_of.year, day_of.month) == (day.year, day.month)
        )
    if overdue_only:
        rows = [r for r in rows if r.status == Status.OVERDUE]
    return Report(sheet.url, day, rows, dict(sorted(teams.items())), overdue_only)


def as_dict(row: TrackedSession) -> dict[str, Any]:
    return {
        "session_id": row.session_id,
        "supervisee_email": row.supervisee_email,
        "supervisor_email": row.supervisor_email,
        "team": row.team,
        "session_date": row.session_date.isoformat(),
        "record_due": row.record_due.isoformat(),
        "completed": row.completed.isoformat() if row.completed else None,
        "status": str(row.status),
    }


def to_json(result: Report) -> str:
    return json.dumps({"rows": [as_dict(r) for r in result.rows]}, indent=2)


def to_csv(result: Report) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(JSON_KEYS), lineterminator="\n")
    writer.writeheader()
    for row in result.rows:
        data = as_dict(row)
        data["completed"] = data["completed"] or ""
        writer.writerow(data)
    return out.getvalue()


def _pct(value: float | None) -> str:
    return f"{value:.0%}" if value is not None else "-"


def to_table(result: Report) -> str:
    what = "Overdue records" if result.overdue_only else "Supervision records"
    lines = [f"{what} as at {result.today:%a %d %b %Y} (from {result.url})", ""]
    head = f"{'Team':<26} {'Supervisee':<20} {'Supervisor':<20} {'Session':<10} {'Due':<10} {'Completed':<10} Status"  # noqa: E501
    lines.append(head)
    lines.append("-" * len(head))
    for r in result.rows:
        done = r.completed.isoformat() if r.completed else ""
        lines.append(
            f"{r.team[:26]:<26} {r.supervisee_name[:20]:<20} {r.supervisor_name[:20]:<20} "
            f"{r.session_date.isoformat():<10} {r.record_due.isoformat():<10} {done:<10} {r.status}"
        )
    if not result.rows:
        lines.append("(none)")
    lines += ["", "Totals per team"]
    lines.append(
        f"{'Team':<26} {'Held':>5} {'On time':>8} {'Late':>5} {'Overdue':>8} {'Due':>5} "
        f"{'This month':>11} {'Year to date':>13}"
    )
    total = Tally()
    for team, t in result.teams.items():
        lines.append(
            f"{team[:26]:<26} {t.held:>5} {t.on_time:>8} {t.late:>5} {t.overdue:>8} {t.due:>5} "
            f"{_pct(t.month_pct):>11} {_pct(t.on_time_pct):>13}"
        )
        for name in ("held", "on_time", "late", "overdue", "due", "month_on_time", "month_decided"):
            setattr(total, name, getattr(total, name) + getattr(t, name))
    lines.append(
        f"{'All teams':<26} {total.held:>5} {total.on_time:>8} {total.late:>5} "
        f"{total.overdue:>8} {total.due:>5} {_pct(total.month_pct):>11} "
        f"{_pct(total.on_time_pct):>13}"
    )
    return "\n".join(lines)


def render(result: Report, output_format: str) -> str:
    if output_format == "json":
        return to_json(result)
    if output_format == "csv":
        return to_csv(result).rstrip("\n")
    return to_table(result)
