"""`gws-supervision digest`: each line manager's weekly look at their team's records.

Read from the tracking Sheet (run `sync` first). Prints by default; `--send` emails each line
manager their own team's rows from the operator's mailbox (Gmail, gmail.send scope only).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

from ..services.digest import DUE_WITHIN, digest, render, summary
from .main import Context, cli
from .options import (
    YEAR,
    WholeNumber,
    as_date,
    load_inputs,
    policy_option,
    roster_option,
    run_context,
    today_option,
)


@cli.command("digest")
@roster_option
@policy_option
@click.option("--year", type=YEAR, help="Only this year's sessions.")
@today_option
@click.option(
    "--due-within",
    type=WholeNumber(0, 20),
    default=DUE_WITHIN,
    show_default=True,
    help="'Due soon': records due within this many working days.",
)
@click.option("--send", is_flag=True, help="Email each line manager (else only print).")
@click.option(
    "--dry-run",
    is_flag=True,
    help="With --send: list who would be emailed, check their addresses, send nothing.",
)
@click.pass_obj
def digest_command(
    obj: Context,
    roster: Path | None,
    policy: str | None,
    year: int | None,
    today: Any,
    due_within: int,
    send: bool,
    dry_run: bool,
) -> None:
    """Each line manager's overdue and due-soon records, and cancelled sessions not rearranged.

    Names, dates and links only, never record content. Without --send nothing is sent.

    Example: gws-supervision digest --policy hillingdon --today 2027-03-15

    Example: gws-supervision digest --roster roster.csv --send --dry-run
    """
    inputs = load_inputs(obj.config if obj else None, roster, policy, roster_required=False)
    if send and not dry_run:  # ask Google for gmail.send as well, only when mail will go
        google = dataclasses.replace(inputs.settings.google, digest=True)
        inputs = dataclasses.replace(
            inputs, settings=dataclasses.replace(inputs.settings, google=google)
        )
    with run_context(obj, inputs) as ctx:
        result = digest(
            ctx,
            year=year,
            today=as_date(today),
            due_within=due_within,
            send=send,
            dry_run=dry_run,
        )
    click.echo(render(result))
    click.echo(summary(result), err=True)
