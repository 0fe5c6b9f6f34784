"""`gws-supervision emulator ...`: look after the embedded local Workspace (serve, clock, faults)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from ..errors import InputError, Problem
from ..google.connect import parse_workspace
from .main import Context, cli
from .options import Amount, WholeNumber
from .serving import cannot_listen, serve_until_stopped


def _local_dir(ctx: click.Context) -> Path:
    """The folder of `--workspace local:DIR`; the emulator commands make no sense for Google."""
    obj: Context = ctx.find_object(Context) or Context(
        workspace="local:.gws-workspace", config=None
    )
    spec = parse_workspace(obj.workspace)
    if spec.kind != "local" or spec.directory is None:
        raise InputError(
            Problem(
                "--workspace",
                None,
                None,
                "the emulator commands work on the local Workspace only; "
                "use --workspace local:DIR (for example local:.gws-workspace)",
            )
        )
    return spec.directory


def _open(ctx: click.Context) -> Any:
    from ..context import clock_notice
    from ..emulator import LocalWorkspace

    ws = LocalWorkspace(_local_dir(ctx))
    if ctx.parent is None or ctx.parent.info_name != "clock":  # clock commands print it anyway
        obj = ctx.find_object(Context)
        text = clock_notice(ws, obj.workspace if obj else f"local:{_local_dir(ctx)}")
        if text:
            click.echo(text, err=True)
    return ws


@cli.group("emulator")
def emulator() -> None:
    """The embedded local Workspace: serve it over HTTP, set its clock, inject faults.

    Example: gws-supervision --workspace local:demo emulator clock set 2027-03-10T12:00:00Z
    """


@emulator.command("serve")
@click.option("--port", type=WholeNumber(0, 65535), default=8765, show_default=True)
@click.option("--quiet", is_flag=True, help="Do not log each request.")
@click.pass_context
def serve_cmd(ctx: click.Context, port: int, quiet: bool) -> None:
    """Serve the local Workspace at Google's paths on http://127.0.0.1:PORT/ until Ctrl-C.

    Example: gws-supervision --workspace local:.gws-workspace emulator serve --port 8765
    """
    from ..emulator.core.httpserver import make_server

    ws = _open(ctx)
    try:
        server = make_server(ws, port)
    except OSError as exc:
        ws.close()
        raise cannot_listen(port, exc) from None
    server.verbose = not quiet
    click.echo(f"Serving {_local_dir(ctx)} on {server.url} (Ctrl-C to stop)", err=True)
    try:
        serve_until_stopped(server)
    finally:
        ws.close()


@emulator.group("clock")
def clock() -> None:
    """The workspace clock every API timestamp follows (real time unless set)."""


@clock.command("show")
@click.pass_context
def clock_show(ctx: click.Context) -> None:
    """Print the workspace clock and whether it is real, frozen or running from a set time.

    Example: gws-supervision --workspace local:.gws-workspace emulator clock show
    """
    ws = _open(ctx)
    try:
        click.echo(f"{ws.clock.now().isoformat()} ({ws.clock.mode})")
    finally:
        ws.close()


@clock.command("set")
@click.argument("instant")
@click.option("--running", is_flag=True, help="Start there and move on with real time.")
@click.pass_context
def clock_set(ctx: click.Context, instant: str, running: bool) -> None:
    """Freeze the clock at INSTANT (ISO 8601, for example 2027-03-10T12:00:00Z).

    Every command on this workspace then says so on its first line.

    Example: gws-supervision --workspace local:.gws-workspace emulator clock set 2027-03-10T12:00:00Z
    """
    from ..emulator.core.clock import parse_instant

    try:
        moment = parse_instant(instant)
    except ValueError:
        raise InputError(
            Problem("INSTANT", None, None, f"{instant!r} is not an ISO 8601 instant")
        ) from None
    _check_clock_year(moment.year, "INSTANT")
    ws = _open(ctx)
    try:
        ws.clock.set(moment, running=running)
        click.echo(f"{ws.clock.now().isoformat()} ({ws.clock.mode})")
    finally:
        ws.close()


def _check_clock_year(year: int, option: str) -> None:
    """The workspace clock stays within 1970-2100: dates past 9999 overflow, and nothing the
    toolkit plans lies outside."""
    if not 1970 <= year <= 2100:
        raise InputError(
            Problem(option, None, None, "the clock would leave the years 1970-2100; "
                    "choose a smaller step or an earlier instant")
        )  # fmt: skip


@clock.command("advance")
@click.option("--days", type=Amount(-36_600, 36_600), default=0.0)  # a century either way
@click.option("--hours", type=Amount(-878_400, 878_400), default=0.0)
@click.option("--minutes", type=Amount(-52_704_000, 52_704_000), default=0.0)
@click.pass_context
def clock_advance(ctx: click.Context, days: float, hours: float, minutes: float) -> None:
    """Move the clock forward (negative values move it back).

    Example: gws-supervision --workspace local:.gws-workspace emulator clock advance --days 7
    """
    ws = _open(ctx)
    try:
        step = timedelta(days=days, hours=hours, minutes=minutes)
        try:
            year = (ws.clock.now() + step).year
        except OverflowError:
            year = 0
        _check_clock_year(year, "--days/--hours/--minutes")
        now = ws.clock.advance(step)
        click.echo(f"{now.isoformat()} ({ws.clock.mode})")
    finally:
        ws.close()


@clock.command("reset")
@click.pass_context
def clock_reset(ctx: click.Context) -> None:
    """Back to real time.

    Example: gws-supervision --workspace local:.gws-workspace emulator clock reset
    """
    ws = _open(ctx)
    try:
        ws.clock.reset()
        click.echo(f"{ws.clock.now().isoformat()} ({ws.clock.mode})")
    finally:
        ws.close()


@emulator.group("faults")
def faults() -> None:
    """Latency, transient errors and quota limits the local Workspace injects."""


@faults.command("set")
@click.option("--latency-ms", type=Amount(0, 60_000), help="Added to every HTTP round trip.")
@click.option("--error-rate", type=Amount(0, 1), help="Fraction of calls failing 500/503.")
@click.option(
    "--seed",
    type=WholeNumber(0, 2**31 - 1),
    help="Seed for the injected errors (reproducible runs).",
)
@click.option(
    "--quota-per-minute", type=WholeNumber(1, 1_000_000), help="Calendar calls per user a minute."
)
@click.option("--quota-status", type=click.Choice(["403", "429"]), help="Status for rate limiting.")
@click.option(
    "--quota-exceeded-after",
    type=WholeNumber(0, 1_000_000),
    help="Event writes before 403 quotaExceeded.",
)
@click.pass_context
def faults_set(ctx: click.Context, **options: Any) -> None:
    """Inject latency, transient errors or quota limits into every later call.

    Example: gws-supervision --workspace local:.gws-workspace emulator faults set --latency-ms 50 --error-rate 0.1 --seed 1
    """
    changes = {k: v for k, v in options.items() if v is not None}
    if "quota_status" in changes:
        changes["quota_status"] = int(changes["quota_status"])
    ws = _open(ctx)
    try:
        settings = ws.faults.set(**changes)
        click.echo(json.dumps(vars(settings), indent=2))
    finally:
        ws.close()


@faults.command("show")
@click.pass_context
def faults_show(ctx: click.Context) -> None:
    """Print the faults being injected (JSON).

    Example: gws-supervision --workspace local:.gws-workspace emulator faults show
    """
    ws = _open(ctx)
    try:
        click.echo(json.dumps(vars(ws.faults.settings()), indent=2))
    finally:
        ws.close()


@faults.command("clear")
@click.pass_context
def faults_clear(ctx: click.Context) -> None:
    """Stop injecting faults.

    Example: gws-supervision --workspace local:.gws-workspace emulator faults clear
    """
    ws = _open(ctx)
    try:
        ws.faults.clear()
        click.echo("No faults.")
    finally:
        ws.close()


@emulator.command("counters")
@click.option("--reset", is_flag=True, help="Zero the counters after printing them.")
@click.pass_context
def counters_cmd(ctx: click.Context, reset: bool) -> None:
    """HTTP round trips, API calls by method, errors by status, emails sent (JSON).

    Example: gws-supervision --workspace local:.gws-workspace emulator counters --reset
    """
    ws = _open(ctx)
    try:
        click.echo(json.dumps(ws.counters(), indent=2, sort_keys=True))
        if reset:
            ws.reset_counters()
    finally:
        ws.close()


@emulator.command("outbox")
@click.pass_context
def outbox_cmd(ctx: click.Context) -> None:
    """The notification emails the local Workspace 'sent' (JSON lines).

    Example: gws-supervision --workspace local:.gws-workspace emulator outbox
    """
    ws = _open(ctx)
    try:
        for email in ws.outbox():
            click.echo(json.dumps(email, sort_keys=True))
    finally:
        ws.close()
