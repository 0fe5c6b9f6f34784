"""`gws-supervision book`: reconcile a year of supervision series into supervisors' calendars."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import click

from ..errors import SupervisionError
from ..services.booking import BookingResult, Change, book
from ..services.run_lock import made_note, workspace_lock
from .main import Context, cli
from .options import (
    ProgressBar,
    as_date,
    from_option,
    load_inputs,
    policy_option,
    roster_option,
    run_context,
    year_option,
)
from .preflight import plan_before_calls

VERBS = {
    "create": "create",
    "update": "update",
    "cancel": "cancel",
    "truncate": "cut short",
}


def describe(change: Change) -> str:
    text = f"  {VERBS[change.action]:<9} {change.title}"
    if change.sessions:
        text += f" ({_count(change.sessions, 'future session')})"
    return text + (f": {change.reason}" if change.reason else "")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def render(result: BookingResult) -> str:
    plan = result.plan
    people = {s.supervisee_email for s in plan.series}
    head = "Dry run: nothing was written. " if result.dry_run else ""
    lines = [
        f"{head}Booking {plan.year} with policy {plan.policy.key}: "
        f"{_count(len(plan.sessions), 'session')} in {len(plan.series)} series "
        f"for {_count(len(people), 'supervisee')}."
    ]
    by_calendar: dict[str, list[Change]] = defaultdict(list)
    for change in result.writes:
        by_calendar[change.calendar].append(change)
    for calendar in sorted(by_calendar):
        lines.append(f"{calendar}:")
        lines += [describe(c) for c in by_calendar[calendar]]
    emailed = sorted({c.supervisee for c in result.writes if c.notifies})
    if result.send_updates == "all":
        would = "that would be " if result.dry_run else ""
        mails = f"  invitations, updates and cancellations {would}emailed: {result.invitations}"
        if result.dry_run:
            mails += "".join(f"\n    would be emailed: {e}" for e in emailed)
    else:
        mails = "  emails to supervisees: none (--send-updates none)"
    dry = result.dry_run
    count = result.count if dry else result.made
    lines += [
        "Summary",
        f"  series {'to create' if dry else 'created'}: {count('create')}",
        f"  series {'to update' if dry else 'updated'}: {count('update')}",
        f"  series {'to cancel' if dry else 'cancelled'}: {count('cancel')}",
        f"  series {'to cut short' if dry else 'cut short'} (past kept): {count('truncate')}",
        f"  series unchanged: {result.count('unchanged')}",
        mails,
        f"  API calls: {result.api_calls} in {result.round_trips} HTTP round trips",
    ]
    left = len(result.writes) - len(result.done)
    if left and not dry:
        lines.append(f"  changes not made yet: {left} (see below)")
    lines += [f"  warning: {w}" for w in result.warnings]
    return "\n".join(lines)


def unfinished(result: BookingResult) -> str:
    parts = []
    for calendar, changes in sorted(result.left.items()):
        parts.append(
            f"Google's usage limit stopped writes to {calendar}: {len(changes)} change(s) left"
        )
        parts += [describe(c) for c in changes]
    for key, message in sorted(result.failures.items()):
        parts.append(f"failed {key}: {message}")
    parts.append("Run the same command again later to finish; nothing is duplicated.")
    return "\n".join(parts)


@cli.command("book")
@roster_option
@policy_option
@year_option
@from_option
@click.option("--dry-run", is_flag=True, help="Print the changes and invitations; write nothing.")
@click.option(
    "--send-updates",
    type=click.Choice(["all", "none"]),
    default="all",
    show_default=True,
    help="Whether Calendar emails supervisees invitations, updates and cancellations.",
)
@click.option(
    "--absences",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of leave and absence (person,from,to,reason): sessions while a supervisee is away "
    "move to the first free slot on return.",
)
@click.pass_obj
def book_command(
    obj: Context,
    roster: Path | None,
    policy: str | None,
    year: int,
    start: Any,
    dry_run: bool,
    send_updates: str,
    absences: Path | None = None,
) -> None:
    """Book a year of supervision in every supervisor's Google Calendar (Hillingdon 3.2).

    Reconciles, never appends: what is booked already is found by its tags and left alone,
    changed series are updated, people who left or moved get their future sessions
    cancelled, and past sessions are never changed. Running it again changes nothing; a run
    cut off half way is finished by running it again.

    Example: gws-supervision book --roster roster.csv --policy hillingdon
    --year 2027 --dry-run

    Example: gws-supervision --workspace google --config council.toml book --year 2027
    """
    inputs = load_inputs(
        obj.config if obj else None, roster, policy, year=year, start=as_date(start)
    )
    _plan, away = plan_before_calls(inputs, year, as_date(start), absences, roster)  # exit 2
    bar = ProgressBar("Booking")
    with (
        run_context(obj, inputs) as ctx,
        workspace_lock(ctx.connection, ctx.settings, "book", dry_run=dry_run) as tracker,
    ):
        try:
            result = book(
                ctx,
                year,
                dry_run=dry_run,
                send_updates=send_updates,
                progress=bar,
                start=as_date(start),
                absences=away,
            )
        finally:
            bar.close()
    click.echo(render(result))
    note = made_note(tracker)
    if note:
        click.echo(note)
    if not result.complete:
        raise SupervisionError(unfinished(result))
