"""`gws-supervision agenda`: the case numbers each planned session must discuss. Writes nothing.

The plan is the same as `plan` prints (without reading anyone's calendar); each session's agenda
follows the policy's `[extra.agenda]` rule, assuming every earlier agenda was discussed.
Case numbers only, never case content (Hillingdon 4.4).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import click

from ..domain.agenda import AgendaItem, agenda_rule, plan_agendas
from ..domain.caseload import load_caseload
from ..domain.planner import Session, plan_year
from .main import Context, cli
from .options import (
    DAY,
    as_date,
    check_not_before_year,
    format_option,
    load_inputs,
    policy_option,
    roster_option,
    year_option,
)
from .preflight import plan_or_input_error


@cli.command("agenda")
@click.option(
    "--caseload",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Caseload CSV: case_number, worker_email, involvement, allocated_on, under_2.",
)
@roster_option
@policy_option
@year_option
@click.option(
    "--through",
    type=DAY,
    help="Only sessions up to this date (YYYY-MM-DD).",
)
@format_option("table", "json")
@click.pass_obj
def agenda_command(
    obj: Context,
    caseload: Path,
    roster: Path | None,
    policy: str | None,
    year: int,
    through: Any,
    output_format: str,
) -> None:
    """Print each planned session's case-discussion agenda (case numbers only).

    Rules by policy: the Supervision Guidance (case discussion) table by type of involvement
    (case_discussion_guidance), every open case (islington), a third of the caseload plus every
    under-2 (sunderland); and every case within 4 weeks of allocation or transfer (Hillingdon
    5.2 a).

    Example: gws-supervision agenda --caseload cases.csv --roster staff.csv
    --policy case_discussion_guidance --year 2027 --through 2027-03-31
    """
    check_not_before_year("--through", as_date(through), year)
    inputs = load_inputs(obj.config if obj else None, roster, policy, year=year)
    rule = agenda_rule(inputs.policy)  # a malformed rule stops before reading anything else
    cases = load_caseload(
        caseload,
        inputs.settings.organisation.allowed_domains,
        {e.supervisee_email for e in inputs.roster},
    )
    plan = plan_or_input_error(
        lambda: plan_year(inputs.roster, inputs.policy, year, closure_days=inputs.closure_days),
        inputs.roster,
        roster or inputs.settings.supervision.roster,
    )
    agendas = plan_agendas(plan.supervision, cases, rule)  # observations etc. have no agenda
    last = as_date(through)
    with_cases = {c.worker_email for c in cases}
    shown = [
        s
        for s in plan.supervision
        if s.supervisee_email in with_cases and (last is None or s.start.date() <= last)
    ]
    if output_format.lower() == "json":
        click.echo(render_json(shown, agendas))
    else:
        click.echo(render_table(shown, agendas, inputs.policy.key, rule.rule))


def render_json(sessions: list[Session], agendas: dict[str, list[AgendaItem]]) -> str:
    rows = [
        {
            "session_id": s.session_id,
            "supervisee_email": s.supervisee_email,
            "supervisor_email": s.supervisor_email,
            "session_date": s.start.date().isoformat(),
            "cases": [
                {"case_number": i.case_number, "reason": i.reason} for i in agendas[s.session_id]
            ],
        }
        for s in sessions
    ]
    return json.dumps({"sessions": rows}, indent=1)


def render_table(
    sessions: list[Session], agendas: dict[str, list[AgendaItem]], policy: str, rule: str
) -> str:
    by_person: dict[str, list[Session]] = defaultdict(list)
    for s in sessions:
        by_person[s.supervisee_email].append(s)
    lines = [f"Case-discussion agendas, policy {policy} (rule {rule}); case numbers only."]
    for email in sorted(by_person):
        mine = by_person[email]
        lines += ["", f"{mine[0].supervisee_name} <{email}> with {mine[0].supervisor_name}"]
        for s in mine:
            items = agendas[s.session_id]
            numbers = ", ".join(i.case_number for i in items) or "(no case due)"
            lines.append(f"  {s.start:%a %d %b %Y %H:%M}  {numbers}")
            lines += [f"      {i.case_number}: {i.reason}" for i in items]
    if not by_person:
        lines.append("No planned session for anyone in the caseload.")
    return "\n".join(lines)
