"""`gws-supervision demo` (a year on a fresh local Workspace) and `export --to DIR`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from ..google.connect import connect, parse_workspace
from ..services.demo import DEFAULT_TODAY, describe, run_demo
from ..services.export import export, require_export_extra
from ..services.report import render
from ..settings import load_settings
from .main import Context, cli
from .options import DAY, load_inputs
from .view import DEFAULT_PORT as VIEW_PORT


def _say(text: str) -> None:
    click.echo(text, err=True)


@cli.command("demo")
@click.option(
    "--today",
    type=DAY,
    default=DEFAULT_TODAY.isoformat(),
    show_default=True,
    help="The demo's 'today': records are made and completed up to this day.",
)
@click.pass_obj
def demo_command(obj: Context, today: Any) -> None:
    """Run a year of supervision on a local Workspace and print the tracker report.

    Books the shipped example roster under the Hillingdon policy, installs the record
    templates, makes each week's records, has supervisors finish them (some on time, some
    late, some not yet), syncs the tracking Sheet and prints the report. Local only.

    Example: gws-supervision --workspace local:demo-workspace demo

    Example: gws-supervision --workspace local:demo-workspace export --to demo-export
    """
    spec = parse_workspace(obj.workspace)
    if spec.kind != "local":
        raise click.UsageError("the demo runs on a local Workspace only: --workspace local:DIR")
    started = time.monotonic()
    with connect(obj.workspace) as connection:
        result = run_demo(connection, today=today.date(), progress=_say)
    for key, value in describe(result).items():
        _say(f"{key}: {value}")
    assert result.report is not None
    click.echo(render(result.report, "table"))
    _say(f"Done in {time.monotonic() - started:.1f} s. Next: gws-supervision --workspace "
         f"{obj.workspace} export --to demo-export")  # fmt: skip
    _say(f"See it in a browser, as any of the people in it: gws-supervision --workspace "
         f"{obj.workspace} view  (then open http://127.0.0.1:{VIEW_PORT}/)")  # fmt: skip


@cli.command("export")
@click.option(
    "--to",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write calendars/, records/, tracker.csv, tracker.xlsx and summary.png.",
)
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Before the first sync: export the calendars of this roster's supervisors.",
)
@click.pass_obj
def export_command(obj: Context, directory: Path, roster: Path | None) -> None:
    """Export what people see, read back through the APIs: calendars (ICS), records (HTML),
    the tracker (CSV, XLSX with every tab, and an HTML page) and the on-time chart (PNG).

    Before the first sync, with --roster, the calendars are exported and what is missing said.

    Example: gws-supervision --workspace local:demo-workspace export --to demo-export
    """
    require_export_extra()  # before the workspace is opened: nothing is written without the extra
    settings = load_settings(obj.config if obj else None)
    supervisors: list[str] = []
    if roster is not None:
        inputs = load_inputs(obj.config if obj else None, roster, None)
        supervisors = sorted({e.supervisor_email for e in inputs.roster})
    missing: list[str] = []
    with connect(obj.workspace, settings) as connection:
        counts = export(
            connection, settings, directory, progress=_say, supervisors=supervisors,
            missing=missing,
        )  # fmt: skip
    tracker = (
        "" if missing else f", tracker.csv, .xlsx and .html ({counts['rows']} rows), summary.png"
    )
    click.echo(
        f"Exported to {directory}: {counts['calendars']} calendars, {counts['records']} "
        f"records{tracker}"
    )
    for text in missing:
        click.echo(f"Not exported: {text}")
