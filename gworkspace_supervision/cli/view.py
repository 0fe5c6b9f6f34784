"""`gws-supervision view`: the local Workspace in a browser (calendars, records, tracker, outbox)."""

from __future__ import annotations

import click

from ..context import clock_notice
from ..errors import InputError, Problem
from ..google.connect import parse_workspace
from .main import Context, cli
from .serving import cannot_listen, serve_until_stopped

DEFAULT_PORT = 8766


@cli.command("view")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; only this machine can reach 127.0.0.1.",
)
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow a --host other machines can reach (anyone reaching it can pick any person).",
)
@click.pass_obj
def view_command(obj: Context, port: int, host: str, allow_remote: bool) -> None:
    """Open the local Workspace in a browser, as the person you choose at the top of the page.

    Calendar (a person's week or month; cancel or move a session as Google Calendar would),
    Records (open a record, edit it, set Record status to COMPLETE), Tracker (the tracking
    Sheet) and Outbox (invitations and share notices sent). Local Workspace only.

    Example: gws-supervision --workspace local:.gws-demo view
    """
    from ..emulator.view import make_view_server, open_workspace
    from ..emulator.view.refusal import Refused

    spec = parse_workspace(obj.workspace)
    if spec.kind != "local":
        raise InputError(
            Problem(
                "--workspace",
                None,
                None,
                "view shows the local Workspace only; use --workspace local:DIR",
            )  # fmt: skip
        )
    assert spec.directory is not None
    connection = open_workspace(spec.directory)
    notice = clock_notice(connection.workspace, obj.workspace)
    if notice:  # what "today" is on the pages people click through
        click.echo(notice, err=True)
    try:
        try:
            server = make_view_server(connection, host, port, allow_remote=allow_remote)
        except Refused as exc:
            raise InputError(Problem("--host", None, None, exc.message)) from None
        except OSError as exc:
            raise cannot_listen(port, exc) from None
        shown = f"[{host}]" if ":" in host else host
        click.echo(f"Open http://{shown}:{server.port}/ in a browser (Ctrl-C to stop).", err=True)
        serve_until_stopped(server)
    finally:
        connection.close()
