"""`gws-supervision sync` and `report`: the tracking Sheet line managers read (Hillingdon 4.4)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..domain.absences import load_absences
from ..google.connect import connect
from ..services.report import render, report
from ..services.tracking import SyncResult, sync
from .main import Context, cli
from .options import (
    YEAR,
    as_date,
    format_option,
    load_inputs,
    load_settings_policy,
    policy_option,
    roster_option,
    today_option,
    year_option,
)


def say(text: str) -> None:
    click.echo(text, err=True)


def describe(result: SyncResult) -> str:
    t = result.summary.total
    pct = f"{t.on_time_pct:.0%}" if t.on_time_pct is not None else "-"
    made = " (created)" if result.created else ""
    return "\n".join(
        [
            f"Tracker{made}: {result.url}",
            f"As at {result.today:%a %d %b %Y}: {len(result.rows)} sessions, {t.held} held, "
            f"{t.on_time} records on time, {t.late} late, {t.overdue} overdue, {t.due} due; "
            f"on time so far: {pct}",
            f"Records read: {result.records_read}; API calls: {result.api_calls} in "
            f"{result.round_trips} HTTP round trips",
        ]
    )


@cli.command("sync")
@roster_option
@policy_option
@year_option
@today_option
@click.option(
    "--absences",
    type=click.Path(path_type=Path),
    help="The CSV of leave and absence `book` planned with (person,from,to,reason): the gaps "
    "and the sessions needing cover go to the tracker's 'Gaps and cover' tab, and the cover "
    "command to run is printed for each supervisor away.",
)
@click.pass_obj
def sync_command(
    obj: Context,
    roster: Path | None,
    policy: str | None,
    year: int,
    today: Any,
    absences: Path | None = None,
) -> None:
    """Bring the tracking Sheet up to date: bookings, records and their status lines.

    Incremental: records already COMPLETE are not read again, and only records changed since
    the last sync are read. Notes typed into the Sheet are kept.

    Example: gws-supervision sync --roster roster.csv --policy hillingdon
    --year 2027
    """
    inputs = load_inputs(obj.config if obj else None, roster, policy)
    domains = inputs.settings.organisation.allowed_domains
    away = load_absences(absences, domains) if absences else ()
    with connect(obj.workspace, inputs.settings) as connection:
        result = sync(
            connection,
            inputs.roster,
            inputs.policy,
            year,
            inputs.settings,
            today=as_date(today),
            progress=say,
            absences=away,
        )
    click.echo(describe(result))
    if absences:
        click.echo(f"Gaps and cover: {result.gaps} session(s) not held (supervisee away), "
                   f"{len(result.cover)} supervisor absence(s) needing cover")  # fmt: skip
    for proposal in result.cover:
        click.echo(proposal.advice(inputs.policy))


@cli.command("report")
@roster_option
@policy_option
@click.option("--year", type=YEAR, help="Only this year's sessions.")
@today_option
@format_option("table", "json", "csv")
@click.option(
    "--overdue",
    is_flag=True,
    help="Only records past their due day, not complete: short lines to paste into an email.",
)
@click.option("--team", help="Only this team (as the Sheet names it).")
@click.option("--line-manager", help="Only the people this line manager manages (email or name).")
@click.option("--supervisor", help="Only this supervisor's sessions (email or name).")
@click.pass_obj
def report_command(
    obj: Context,
    roster: Path | None,
    policy: str | None,
    year: int | None,
    today: Any,
    output_format: str,
    overdue: bool,
    team: str | None,
    line_manager: str | None,
    supervisor: str | None,
) -> None:
    """Report from the tracking Sheet, with totals per team (what line managers see).

    By default the state at the last sync, as the Sheet shows it; --today DATE works the
    open statuses out for that day instead.

    Example: gws-supervision report --roster roster.csv --policy hillingdon
    --overdue --format table

    Example: gws-supervision report --year 2027 --format json > report.json

    Example: gws-supervision report --overdue --line-manager lena.manager@example-council.gov.uk
    """
    settings, the_policy = load_settings_policy(obj.config if obj else None, roster, policy)
    with connect(obj.workspace, settings) as connection:
        result = report(
            connection,
            settings,
            the_policy,
            year=year,
            today=as_date(today),
            overdue_only=overdue,
            team=team,
            line_manager=line_manager,
            supervisor=supervisor,
        )
    sys.stdout.write(render(result, output_format.lower()) + "\n")
