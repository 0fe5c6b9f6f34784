"""`gws-supervision daily`: the day's rearranging, records, sync and digest, for a scheduler."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from ..errors import SupervisionError
from ..google.connect import connect
from ..services.daily import daily, render
from .main import Context, cli
from .options import load_inputs, policy_option, roster_option


@cli.command("daily")
@roster_option
@policy_option
@click.option(
    "--dry-run", is_flag=True, help="Say what each step would do; write and send nothing."
)
@click.pass_obj
def daily_command(obj: Context, roster: Path | None, policy: str | None, dry_run: bool) -> None:
    """Run the day's work once: rearrange cancelled sessions (Hillingdon 3.3), create the
    records of every session up to the end of the next working day (4.4), sync the tracking
    Sheet, and on [supervision] digest_weekday email the line managers' digest.

    Meant for cron or a systemd timer: safe to run twice a day or to miss a day (the next
    run catches up; the week's digest goes once). Prints nothing when nothing happened, one
    line per step otherwise. Exits 1 naming the step that failed, after running the others.

    Example: gws-supervision daily --roster roster.csv --policy hillingdon

    Example: gws-supervision --config settings.toml daily --dry-run
    """
    inputs = load_inputs(obj.config if obj else None, roster, policy)  # exit 2 before any call
    settings = inputs.settings
    if settings.supervision.digest_weekday != "off" and not dry_run:
        settings = dataclasses.replace(  # ask Google for gmail.send as well: the digest mails
            settings, google=dataclasses.replace(settings.google, digest=True)
        )
    roster_file = str(roster or settings.supervision.roster or "roster")
    with connect(obj.workspace, settings) as connection:
        result = daily(
            connection, inputs.roster, inputs.policy, settings, dry_run=dry_run,
            roster_file=roster_file,
        )  # fmt: skip
    for line in render(result):
        click.echo(line)
    if result.failed:
        names = ", ".join(s.name for s in result.failed)
        raise SupervisionError(
            f"daily: step(s) failed: {names} (see above); the others ran. Fix the cause and "
            "run `gws-supervision daily` again: nothing is done twice."
        )
