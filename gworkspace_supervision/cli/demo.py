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
from .main import Context, cli
from .options import DAY, load_inputs, run_context
from .view import DEFAULT_PORT as VIEW_PORT

DEMO_WORKSPACE = "local:.gws-demo"  # never the default workspace: the demo sets its clock


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

    Without --workspace it uses a folder of its own, .gws-demo (never the default workspace
    folder: the demo sets that folder's clock to its "today").

    Example: gws-supervision demo

    Example: gws-supervision --workspace local:.gws-demo export --to demo-export
    """
    workspace = obj.workspace if obj.workspace_given else DEMO_WORKSPACE
    spec = parse_workspace(workspace)
    if spec.kind != "local":
        raise click.UsageError("the demo runs on a local Workspace only: --workspace local:DIR")
    _say(f"Demo workspace: {workspace} (its clock is set to the demo's today)")
    started = time.monotonic()
    with connect(workspace) as connection:
        result = run_demo(connection, today=today.date(), progress=_say)
    for key, value in describe(result).items():
        _say(f"{key}: {value}")
    assert result.report is not None
    click.echo(render(result.report, "table"))
    _say(f"Done in {time.monotonic() - started:.1f} s. Next: gws-supervision --workspace "
         f"{workspace} export --to demo-export")  # fmt: skip
    _say(f"See it in a browser, as any of the people in it: gws-supervision --workspace "
         f"{workspace} view  (then open http://127.0.0.1:{VIEW_PORT}/)")  # fmt: skip


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

    Example: gws-supervision --workspace local:.gws-demo export --to demo-export
    """
    require_export_extra()  # before the workspace is opened: nothing is written without the extra
    inputs = load_inputs(obj.config if obj else None, roster, None, roster_required=False)
    supervisors = sorted({e.supervisor_email for e in inputs.roster})
    missing: list[str] = []
    with run_context(obj, inputs) as ctx:
        counts = export(ctx, directory, progress=_say, supervisors=supervisors, missing=missing)
    tracker = (
        "" if missing else f", tracker.csv, .xlsx and .html ({counts['rows']} rows), summary.png"
    )
    click.echo(
        f"Exported to {directory}: {counts['calendars']} calendars, {counts['records']} "
        f"records{tracker}"
    )
    for text in missing:
        click.echo(f"Not exported: {text}")
