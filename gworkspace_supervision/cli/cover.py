"""`gws-supervision cover`: a supervisor's sessions and records go to a colleague while they are
away (Hillingdon 3.4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..services.cover import CoverResult, cover
from .main import Context, cli
from .options import DAY, YEAR, as_date, load_inputs, policy_option, roster_option, run_context


def describe(result: CoverResult) -> str:
    w = result.window
    verb = "Would move" if result.dry_run else "Moved"
    lines = [
        f"Cover for {w.supervisor} by {w.by}, {w.start} to {w.end}: "
        f"{len(result.sessions)} sessions in the window.",
        f"{verb}: {len(result.booked)} sessions booked in {w.by}'s calendar, "
        f"{len(result.cancelled)} cancelled in {w.supervisor}'s, "
        f"{len(result.records_moved)} records to {w.by}'s Drive.",
    ]
    lines += [f"  {s.instance.start:%a %d %b %Y %H:%M}  {s.session_id}" for s in result.sessions]
    if not result.dry_run and not result.changed:
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
@click.option("--dry-run", is_flag=True, help="List what would move; change nothing.")
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

    The sessions are cancelled in the usual supervisor's calendar and booked in the covering
    supervisor's (supervisee invited); records pass to the covering supervisor's Drive, still
    shared with the supervisee, the line manager and the usual supervisor. Run again: nothing
    is duplicated.

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
