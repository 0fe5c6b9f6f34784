"""Serving the view: loopback only unless asked otherwise, one request at a time.

One thread serves every request, so the local Workspace's SQLite handles and the cached API
clients are only ever used from that thread.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from ...google.connect import Connection, connect
from .app import LOOPBACK_HOSTS, create_app
from .refusal import Refused

LOOPBACK = "127.0.0.1"
# A person at Google's own Calendar, Drive, Docs and Sheets pages reaches everything their
# account can (full scopes), not only what the toolkit's app made (drive.file): the view stands
# for those pages, so its tokens carry the full user scopes, and sharing alone decides.
PERSON_SCOPES = tuple(
    "https://www.googleapis.com/auth/" + name
    for name in ("calendar", "drive", "documents", "spreadsheets")
)


def open_workspace(directory: str | Path) -> Connection:
    """A connection to the local Workspace in `directory` whose tokens act as people do."""
    return connect(f"local:{directory}", scopes=list(PERSON_SCOPES))


def check_bind_address(host: str, allow_remote: bool) -> None:
    """Refuse an address other people could reach unless `allow_remote` says so."""
    name = host.strip("[]")
    if name == "localhost":
        return
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        raise Refused(f"{host!r} is not an IP address; use 127.0.0.1 (the default)") from None
    if not address.is_loopback and not allow_remote:
        raise Refused(
            f"{host} can be reached from other machines, and these pages show supervision "
            "records to whoever picks a name; listen on 127.0.0.1 (the default), or pass "
            "--allow-remote if this machine's network is private to the people trying it"
        )


def make_view_server(
    connection: Connection, host: str = LOOPBACK, port: int = 0, *, allow_remote: bool = False
) -> BaseWSGIServer:
    """A werkzeug server for the view (serve_forever() to run; .port for the port)."""
    check_bind_address(host, allow_remote)
    trusted: list[str] | None = None if allow_remote else LOOPBACK_HOSTS
    app: Any = create_app(connection, trusted_hosts=trusted)
    if allow_remote:
        app.config["TRUSTED_HOSTS"] = None
    return make_server(host, port, app, threaded=False)
