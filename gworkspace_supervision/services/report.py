"""`report`: what a line manager needs at a glance, read back from the tracking Sheet.

Read from the Sheet, not the calendar: the report shows what line managers and Heads of
Service see. Without `today` it is the state at the last sync (the day that sync was for, kept
in the tracker's sync state), exactly as the Sheet shows it. With `today`, statuses that only
depend on the date (BOOKED, DUE, OVERDUE) are re-evaluated for that day from the Sheet's own
dates; everything else is as the last sync left it. Filters by team, line manager and
supervisor (an email, or a name as the Sheet shows it; any case). Names are never cut.
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
from ..domain.status import Status, Tally, TrackedSession, session_status, working_days_overdue
from ..domain.workdays import WorkingDays
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
    late_by: dict[str, int] | None = None  # session id -> working days overdue
    filters: tuple[str, ...] = ()  # what the rows were narrowed to, said in the heading


def report(
    ctx: RunContext,
    *,
    year: int | None = None,
    today: date | None = None,
    overdue_only: bool = False,
    team: str | None = None,
    line_manager: str | None = None,
    supervisor: str | None = None,
) -> Report:
    """Rows of the Sheet (one year if given), statuses as at `today` (default: as at the last
    sync), totals per team, narrowed to a team, line manager or supervisor when given."""
    connection, settings, policy = ctx.connection, ctx.settings, ctx.policy
    sheet = open_tracker(connection, settings, create=False)
    if sheet is None:
        raise SupervisionError(
            "No tracking Sheet yet: run `gws-supervision sync` first. Until then, "
            "`gws-supervision plan --roster FILE --year YEAR` shows the sessions planned and "
            "`gws-supervision export --to DIR --roster FILE` the calendars as booked."
        )
    content = sheet.read()
    if not content.sessions and not content.meta:
        raise SupervisionError(
            "The tracking Sheet has no sync yet: run `gws-supervision sync` first (until then "
            "`gws-supervision plan` shows the sessions planned)."
        )
    synced = _day(content.meta.get("as_at") or content.meta.get("last_sync", "")[:10])
    day = today or synced or connection.now().astimezone(policy.tz).date()
    now = datetime.combine(day, time(23, 59, 59), tzinfo=policy.tz)
    rows = [r for r in rows_from(content) if year is None or r.start.year == year]
    if today is not None:
        for row in rows:
            if row.status in OPEN:
                row.status = session_status(
                    end=row.end if row.end.tzinfo else row.end.replace(tzinfo=policy.tz),
                    now=now,
                    due=row.record_due,
                    completed=None,
                )
    filters = []
    for label, wanted, fields in (
        ("team", team, ("team",)),
        ("line manager", line_manager, ("line_manager_email", "line_manager_name")),
        ("supervisor", supervisor, ("supervisor_email", "supervisor_name")),
    ):
        if wanted:
            key = wanted.strip().casefold()
            rows = [r for r in rows if any(str(getattr(r, f)).casefold() == key for f in fields)]
            filters.append(f"{label} {wanted.strip()}")
    rows.sort(key=lambda r: (r.team, r.start.isoformat(), r.supervisee_name))
    teams: dict[str, Tally] = defaultdict(Tally)
    for row in rows:
        day_of = row.session_date
        teams[row.team or "(no team)"].add(
            row.status, (day_of.year, day_of.month) == (day.year, day.month)
        )
    closures = settings.organisation.closure_days
    workdays = WorkingDays(policy.region, set(policy.closure_days) | set(closures))
    late_by = {
        r.session_id: working_days_overdue(r.record_due, day, workdays)
        for r in rows
        if r.status == Status.OVERDUE
    }
    if overdue_only:
        rows = [r for r in rows if r.status == Status.OVERDUE]
    return Report(
        sheet.url, day, rows, dict(sorted(teams.items())), overdue_only, late_by, tuple(filters)
    )


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


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


def _when(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def to_overdue_text(result: Report) -> str:
    """Overdue records, one short line each, to paste into an email."""
    scope = f" ({', '.join(result.filters)})" if result.filters else ""
    lines = [f"Overdue supervision records as at {_when(result.today)}{scope}: {len(result.rows)}"]
    team = None
    for r in result.rows:  # sorted by team: the team once, as a heading
        if r.team != team:
            team = r.team
            lines.append(f"{team or '(no team)'}:")
        days = (result.late_by or {}).get(r.session_id, 0)
        late = f"{days} working day{'s' if days != 1 else ''} overdue"
        lines.append(
            f"- {r.supervisee_name} with {r.supervisor_name}: session "
            f"{_when(r.session_date)}, due {_when(r.record_due)}, {late}"
        )
    if not result.rows:
        lines.append("None.")
    lines.append(f"Tracking Sheet: {result.url}")
    return "\n".join(lines)


def _columns(rows: list[list[str]], head: list[str]) -> list[str]:
    """Rows as aligned text, each column as wide as its longest cell: no name is cut."""
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=False)]
    out = []
    for cells in [head, ["-" * w for w in widths], *rows]:
        out.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip())
    return out


def to_table(result: Report) -> str:
    if result.overdue_only:
        return to_overdue_text(result)
    scope = f", {', '.join(result.filters)}" if result.filters else ""
    lines = [f"Supervision records as at {_when(result.today)}{scope} (from {result.url})", ""]
    body = [
        [r.team, r.supervisee_name, r.supervisor_name, r.session_date.isoformat(),
         r.record_due.isoformat(), r.completed.isoformat() if r.completed else "", str(r.status)]
        for r in result.rows
    ]  # fmt: skip
    head = ["Team", "Supervisee", "Supervisor", "Session", "Due", "Completed", "Status"]
    lines += _columns(body, head) if body else [*_columns([], head), "(none)"]
    total = Tally()
    totals = []
    for team, t in result.teams.items():
        totals.append(_tally_cells(team, t))
        for name in ("held", "on_time", "late", "overdue", "due", "month_on_time", "month_decided"):
            setattr(total, name, getattr(total, name) + getattr(t, name))
    totals.append(_tally_cells("All teams", total))
    lines += ["", "Totals per team"]
    lines += _columns(
        totals, ["Team", "Held", "On time", "Late", "Overdue", "Due", "This month", "Year to date"]
    )
    return "\n".join(lines)


def _tally_cells(team: str, t: Tally) -> list[str]:
    return [team, str(t.held), str(t.on_time), str(t.late), str(t.overdue), str(t.due),
            _pct(t.month_pct), _pct(t.on_time_pct)]  # fmt: skip


def render(result: Report, output_format: str) -> str:
    if output_format == "json":
        return to_json(result)
    if output_format == "csv":
        return to_csv(result).rstrip("\n")
    return to_table(result)
