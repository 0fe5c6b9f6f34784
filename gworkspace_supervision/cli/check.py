"""`gws-supervision check`: the preflight a council's IT team runs once delegation is set up."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click

from ..context import Inputs, policy_for
from ..domain.roster import check_email
from ..errors import InputError, Problem
from ..services.check import run_check
from ..services.tracking import operator_of
from ..settings import load_settings
from .main import Context, cli
from .options import load_inputs, roster_option, run_context


@cli.command("check")
@click.option(
    "--as",
    "as_user",
    metavar="EMAIL",
    help="The supervisor to act as. Default: the first supervisor in the roster.",
)
@roster_option
@click.option(
    "--digest",
    is_flag=True,
    help="Also check sending the digest email (gmail.send), as `digest --send` needs.",
)
@click.pass_obj
def check_command(obj: Context, as_user: str | None, roster: Path | None, digest: bool) -> None:
    """Try every capability the toolkit needs, as the operator and one supervisor.

    Asks for a token for each scope, then creates and deletes an event, queries free/busy,
    creates, shares (with the operator) and deletes a Doc as the supervisor, reads the tracking
    Sheet ([supervision] tracker_sheet_id, else the one `sync` made), reads Drive's change log
    and, with --digest, sends the operator a test email. Scratch objects are deleted again. One
    line per capability: PASS, FAIL with the fix, or SKIP with why it was not tried. Exit
    status 0 when all that was tried passes, 1 otherwise.

    Example: gws-supervision --workspace google --config council.toml check --as sam.patel@council.gov.uk

    Example: gws-supervision check --roster roster.csv
    """
    config = obj.config if obj else None
    settings = load_settings(config)
    if as_user:
        wrong = check_email(as_user.strip().lower(), settings.organisation.allowed_domains)
        if wrong:
            raise InputError(Problem("--as", None, None, wrong))
        supervisor = as_user.strip().lower()
    else:
        entries = load_inputs(config, roster, None).roster
        if not entries:
            raise InputError(Problem("--roster", None, None, "the roster has no rows"))
        supervisor = entries[0].supervisor_email
    digest = digest or settings.google.digest
    if digest:  # ask for gmail.send too, as `digest --send` does
        settings = dataclasses.replace(
            settings, google=dataclasses.replace(settings.google, digest=True)
        )
    inputs = Inputs(settings, policy_for(settings, None))
    with run_context(obj, inputs) as ctx:
        result = run_check(
            ctx,
            operator=operator_of(settings, ctx.connection),
            supervisor=supervisor,
            digest=digest,
            tracker_sheet_id=settings.supervision.tracker_sheet_id,
        )
    for line in result.lines:
        click.echo(line.render())
    tried = [line for line in result.lines if not line.skipped]
    skipped = len(result.lines) - len(tried)
    failed = sum(1 for line in tried if not line.passed)
    if failed:
        click.echo(f"{failed} of {len(tried)} checks failed; fix them and run check again.")
        sys.exit(1)
    click.echo(f"All {len(tried)} checks passed" + (f"; {skipped} skipped." if skipped else "."))
