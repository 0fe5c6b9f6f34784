"""Serving pages until Ctrl-C: what `view` and `emulator serve` share."""

from __future__ import annotations

from typing import Protocol

import click

from ..errors import InputError, Problem


class Server(Protocol):
    def serve_forever(self) -> None: ...

    def server_close(self) -> None: ...


def cannot_listen(port: int, exc: OSError) -> InputError:
    """The port is taken (or not allowed): said as a bad --port, exit status 2."""
    return InputError(
        Problem("--port", None, None, f"cannot listen on port {port}: {exc}; choose another "
                "with --port")
    )  # fmt: skip


def serve_until_stopped(server: Server) -> None:
    """Serve until Ctrl-C, then close the socket."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        server.server_close()
