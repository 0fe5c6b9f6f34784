"""`gws-supervision rearrange`: rebook cancelled sessions within 5 days (Hillingdon 3.3)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from ..errors import InputError, Problem, SupervisionError
from ..services.rearrange import WOULD_BOOK, RearrangeResult, rearrange
from .main import Context, cli
from .options import YEAR, load_inputs, policy_option, roster_option, run_context


def render(result: RearrangeResult) -> str:
    head = "Dry run: nothing was written. " if result.dry_run else ""
    lines = [f"{head}Cancelled sessions: {len(result.outcomes)}"]
    for o in result.outcomes:
        c = o.cancelled
        text = (
            f"  {c.start:%a %d %b %Y %H:%M} {c.supervisee_email} with {c.calendar_user} "
            f"[{c.session_id}]: {o.action}"
        )
        if o.start is not None and o.end is not None:
            text += f" {o.start:%a %d %b %Y %H:%M}-{o.end:%H:%M}"
        lines.append(f"{text} ({o.status})")
        if c.declined:
            verb = "would be cancelled" if result.dry_run else "cancelled"
            lines.append(f"    declined by the supervisee; their occurrence {verb} as organiser")
        if o.action == WOULD_BOOK:
            lines.append(f"    would be emailed (invitation): {c.supervisee_email}")
    lines += [
        f"  invitations emailed to supervisees: {result.invitations}",
        f"  API calls: {result.api_calls} in {result.round_trips} HTTP round trips",
    ]
    if result.manual:
        lines.append(
            f"  {len(result.manual)} cancelled session(s) need rearranging by hand: no slot free "
            "for both people within the policy's days, the window has passed, or the rearranged "
            "session was itself cancelled."
        )
    return "\n".join(lines)


@cli.command("rearrange")
@click.option("--session", "session_id", metavar="ID", help="The cancelled session's id.")
@click.option("--all", "every", is_flag=True, help="Every cancelled session not yet rearranged.")
@roster_option
@policy_option
@click.option(
    "--year",
    type=YEAR,
    help="Look at the sessions of this year (default: 30 days ago to a year ahead).",
)
@click.option("--dry-run", is_flag=True, help="Propose the slots; write nothing.")
@click.pass_obj
def rearrange_command(
    obj: Context,
    session_id: str | None,
    every: bool,
    roster: Path | None,
    policy: str | None,
    year: int | None,
    dry_run: bool,
) -> None:
    """Rebook cancelled sessions at the earliest slot free for both people (Hillingdon 3.3:
    rearranged within 24 hours for a date not later than 5 days), linked to the cancelled
    session, the supervisee invited. Running it again books nothing twice. Exits 1 when a
    cancelled session has to be rearranged by hand (listed).

    Example: gws-supervision rearrange --all --roster roster.csv --policy hillingdon
    """
    if (session_id is None) == (not every):
        raise InputError(Problem("--session/--all", None, None, "give --session ID or --all"))
    inputs = load_inputs(obj.config if obj else None, roster, policy)
    supervisors = {e.supervisor_email for e in inputs.roster}
    lo = hi = None
    if year is not None:
        lo = datetime(year, 1, 1, tzinfo=inputs.policy.tz)
        hi = datetime(year + 1, 1, 1, tzinfo=inputs.policy.tz)
    with run_context(obj, inputs) as ctx:
        result = rearrange(
            ctx,
            supervisors=supervisors,
            session_id=session_id,
            time_min=lo,
            time_max=hi,
            dry_run=dry_run,
        )
    click.echo(render(result))
    if result.manual:
        raise SupervisionError(
            f"{len(result.manual)} cancelled session(s) need rearranging by hand (listed above)"
        )
