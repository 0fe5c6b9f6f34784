"""`gws-supervision plan`: preview a year of supervision sessions; writes nothing but --ics."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import click

from ..domain.ics import plan_to_ics
from ..domain.planner import Plan, Session
from ..files import check_output, write_output
from .main import Context, cli
from .options import (
    as_date,
    format_option,
    from_option,
    load_inputs,
    policy_option,
    roster_option,
    year_option,
)
from .preflight import plan_before_calls

JSON_FIELDS = (
    "session_id", "series_id", "supervisee_email", "supervisee_name", "supervisor_email",
    "supervisor_name", "line_manager_email", "team", "category", "phase", "start", "end",
    "record_due", "moved_from", "move_reason", "location", "type", "kind",
)  # fmt: skip


def session_record(session: Session) -> dict[str, Any]:
    """A session as JSON-ready values: ISO 8601 times with UTC offset, record_due YYYY-MM-DD."""
    row = {name: getattr(session, name) for name in JSON_FIELDS}
    row["start"] = session.start.isoformat()
    row["end"] = session.end.isoformat()
    row["record_due"] = session.record_due.isoformat()
    row["moved_from"] = session.moved_from.isoformat() if session.moved_from else None
    return row


def render_json(plan: Plan) -> str:
    """{"sessions": [...]}, and "gaps" (sessions not held: the supervisee away) when any."""
    out: dict[str, Any] = {"sessions": [session_record(s) for s in plan.sessions]}
    if plan.gaps:
        out["gaps"] = [
            {"supervisee_email": g.supervisee_email, "supervisor_email": g.supervisor_email,
             "nominal": g.nominal.isoformat(), "reason": g.reason}
            for g in plan.gaps
        ]  # fmt: skip
    return json.dumps(out, indent=1)


def render_csv(plan: Plan) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=JSON_FIELDS, lineterminator="\n")
    writer.writeheader()
    for session in plan.sessions:
        writer.writerow({k: ("" if v is None else v) for k, v in session_record(session).items()})
    return out.getvalue()


def render_table(plan: Plan) -> str:
    """Sessions grouped by supervisor; moved (>) and reassigned (*) marked; then a summary."""
    by_supervisor: dict[str, list[Session]] = defaultdict(list)
    for session in plan.sessions:
        by_supervisor[session.supervisor_email].append(session)
    lines = [f"Plan {plan.year} ({plan.window[0]} to {plan.window[1]}), policy {plan.policy.key}"]
    for email in sorted(by_supervisor):
        sessions = by_supervisor[email]
        lines.append("")
        lines.append(f"{sessions[0].supervisor_name} <{email}>: {len(sessions)} sessions")
        for s in sessions:
            mark = (">" if s.moved_from else " ") + ("*" if s.reassigned else " ")
            text = (
                f" {mark} {s.start:%a %d %b %Y %H:%M}-{s.end:%H:%M}  {s.supervisee_name:<24} "
                f"{s.category + '/' + s.phase:<34} due {s.record_due:%a %d %b}"
            )
            if s.type != "supervision":  # an observation, appraisal or review: no record
                what = f"{s.type} ({s.kind})" if s.kind else s.type
                text = (
                    f" {mark} {s.start:%a %d %b %Y %H:%M}-{s.end:%H:%M}  {s.supervisee_name:<24} "
                    f"{what.upper()}"
                )
            if s.moved_from:
                text += f"  moved from {s.moved_from:%a %d %b %H:%M}: {s.move_reason}"
            elif s.reassigned:  # the whole series is off the preferred slot: say why
                text += f"  off preferred slot: {s.reassigned}"
            lines.append(text.rstrip())
    supervision = plan.supervision
    lines += ["", "Summary", f"  sessions: {len(plan.sessions)} in {len(plan.series)} series"]
    for category, count in sorted(Counter(s.category for s in supervision).items()):
        lines.append(f"    {category:<16} {count}")
    for kind, count in sorted(Counter(s.type for s in plan.sessions).items()):
        if kind != "supervision":  # [[events]] of the policy
            lines.append(f"    {kind:<16} {count}")
    lines.append(f"  moved (>): {len(plan.moves)}")
    for reason, count in sorted(Counter(s.move_reason for s in plan.moves).items()):
        lines.append(f"    {count:>4}  {reason}")
    lines.append(f"  reassigned (*, preferred slot taken): {len(plan.reassignments)}")
    lines += [f"    {text}" for text in plan.reassignments]
    if plan.gaps:
        lines.append(f"  gaps (not held: supervisee away): {len(plan.gaps)}")
        lines += [
            f"    {g.supervisee_email} {g.nominal:%a %d %b %Y}: {g.reason}" for g in plan.gaps
        ]
    lines += [f"  note: {text}" for text in plan.notes]
    return "\n".join(lines)


@cli.command("plan")
@roster_option
@policy_option
@year_option
@from_option
@format_option("table", "json", "csv")
@click.option(
    "--ics",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the plan as an iCalendar file (one event per series) to import and preview.",
)
@click.option(
    "--absences",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of leave and absence (person,from,to,reason): sessions while a supervisee is away "
    "move to the first free slot on return; the gaps are listed.",
)
@click.pass_obj
def plan_command(
    obj: Context,
    roster: Path | None,
    policy: str | None,
    year: int,
    start: Any,
    output_format: str,
    ics: Path | None,
    absences: Path | None = None,
) -> None:
    """Plan a year of supervision from a roster and a policy, without booking anything.

    Sessions follow each person's category cadence (Hillingdon 4.2, 4.3), move off weekends,
    bank holidays and closure days, and never double-book anyone.

    Example: gws-supervision plan --roster roster.csv --policy hillingdon --year 2027

    Example: gws-supervision plan --roster staff.csv --policy my-council.toml --year 2027
    --from 2027-04-01 --format json --ics plan.ics
    """
    if ics is not None:
        check_output(ics)  # a FIFO or device is refused before any work, never replaced
    inputs = load_inputs(
        obj.config if obj else None, roster, policy, year=year, start=as_date(start)
    )
    plan, away = plan_before_calls(inputs, year, as_date(start), absences, roster)
    if ics is not None:
        write_output(ics, plan_to_ics(plan.series, inputs.policy.timezone, f"Supervision {year}"))
    output_format = output_format.lower()
    if output_format == "json":
        click.echo(render_json(plan))
    elif output_format == "csv":
        click.echo(render_csv(plan), nl=False)
    else:
        click.echo(render_table(plan))
