"""`gws-supervision cover`: a supervisor's sessions and records go to a colleague while they are
away (Hillingdon 3.4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..services.cover import CoverResult, cover
from .main import Context, cli
from .options import DAY, YEAR, as_date, load_inputs, policy_option, roster_option, run_context


def _count(n: int) -> str:
    return f"{n} session" if n == 1 else f"{n} sessions"


def describe(result: CoverResult) -> str:
    """The cover in people's names and session times; everyone emailed or given access."""
    w, dry = result.window, result.dry_run
    usual = f"{result.supervisor_name} ({w.supervisor})"
    by = f"{result.by_name} ({w.by})"
    lines = [
        f"{'Dry run, nothing was written. ' if dry else ''}Cover for {usual} by {by}, "
        f"{w.start:%a %d %b %Y} to {w.end:%a %d %b %Y}: {_count(len(result.sessions))}.",
    ]
    for c in result.sessions:
        own = f"{c.start:%a %d %b %Y %H:%M}"
        if c.placed is None:
            lines.append(
                f"  {c.supervisee_name}: {own}: no time free for both within the policy's "
                f"limits; it stays with {result.supervisor_name}: arrange it by hand"
            )
            continue
        at = f"{c.placed.start:%a %d %b %Y %H:%M}"
        state = "already held by" if c.booked else ("would be held by" if dry else "held by")
        moved = f" (moved from {own}: {c.placed.reason})" if c.placed.moved_from else ""
        lines.append(f"  {c.supervisee_name}: {at} {state} {result.by_name}{moved}")
    verb = "Would book" if dry else "Booked"
    lines.append(
        f"{verb} {len(result.booked)} in {result.by_name}'s calendar; "
        f"{'would cancel' if dry else 'cancelled'} {len(result.cancelled)} in "
        f"{result.supervisor_name}'s; records shared with {result.by_name}: "
        f"{result.records_shared} (they stay in {result.supervisor_name}'s Drive)."
    )
    emailed = result.emailed
    lines.append(
        "Emailed: "
        + (
            "; ".join(f"{p} ({_count(len(why))})" for p, why in sorted(emailed.items())) or "nobody"
        )  # fmt: skip
    )
    lines.append("Given access: " + (", ".join(result.given_access) or "nobody"))
    if not dry and not result.changed:
        lines.append("Nothing to change: the cover is already in place.")
    return "\n".join(lines)


@cli.command("cover")
@click.option("--supervisor", required=True, help="The supervisor who is away (email).")
@click.option("--from", "start", required=True, type=DAY,
              help="First day of the absence (YYYY-MM-DD).")  # fmt: skip
@click.option("--to", "end", required=True, type=DAY,
              help="Last day of the absence (YYYY-MM-DD).")  # fmt: skip
@click.option("--by", required=True, help="The covering supervisor (email).")
@roster_option
@policy_option
@click.option("--year", type=YEAR, help="Unused; accepted for symmetry.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="List every session, who would be emailed or given access; write nothing.",
)
@click.pass_obj
def cover_command(
    obj: Context,
    supervisor: str,
    start: Any,
    end: Any,
    by: str,
    roster: Path | None,
    policy: str | None,
    year: int | None,
    dry_run: bool,
) -> None:
    """Move a supervisor's sessions in a window, and their records, to a covering supervisor.

    Each session is booked in the covering supervisor's calendar (supervisee invited) at its
    own time, or, when that is taken, the nearest time free for both within working hours and
    the daily limit; then it is cancelled in the usual supervisor's calendar. Records stay in
    the usual supervisor's Drive and the covering supervisor is given access. A supervisee of
    the absent supervisor cannot cover. Run again: nothing is duplicated.

    Example: gws-supervision cover --supervisor ella.singh@example-council.gov.uk
    --from 2027-05-03 --to 2027-05-28 --by olu.patel@example-council.gov.uk
    --roster roster.csv
    """
    inputs = load_inputs(obj.config if obj else None, roster, policy)
    with run_context(obj, inputs) as ctx:
        result = cover(
            ctx,
            supervisor=supervisor,
            start=as_date(start) or start,
            end=as_date(end) or end,
            by=by,
            dry_run=dry_run,
            send_updates="all" if inputs.settings.supervision.notify else "none",
        )
    click.echo(describe(result))
