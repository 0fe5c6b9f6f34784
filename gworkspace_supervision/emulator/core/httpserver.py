"""Serve a local Workspace over loopback HTTP at Google's paths, for curl and other clients.

`/calendar/v3/...`, `/drive/v3/...`, `/upload/drive/v3/...`, `/v1/documents...`,
`/v4/spreadsheets...`, `/batch/...`: a client built with
`client_options={"api_endpoint": "http://127.0.0.1:N/calendar/v3/"}` (the endpoint replaces
rootUrl + servicePath in googleapiclient) talks to it like Google. Bound to 127.0.0.1 only.
"""

from __future__ import annotations

import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .api import HttpError
from .server import LocalWorkspace, error_reply


class _Handler(BaseHTTPRequestHandler):
    server: WorkspaceHTTPServer
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        ws = self.server.workspace
        try:
            body = self._body()
            url = f"http://{self.headers.get('Host', 'localhost')}{self.path}"
            status, headers, content = ws.handle(self.command, url, dict(self.headers), body)
        except Exception:  # a handler bug: answer 500 like Google, keep serving
            traceback.print_exc(file=sys.stderr)
            status, headers, content = error_reply(HttpError(500, "backendError", "Backend Error"))
        finally:
            ws.store.close()  # this thread's SQLite connection
        self.send_response(status)
        for name, value in headers.items():
            if name != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

    def log_message(self, format: str, *args: object) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


class WorkspaceHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, workspace: LocalWorkspace, port: int = 0, verbose: bool = False) -> None:
        self.workspace = workspace
        self.verbose = verbose
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


def make_server(directory: str | Path | LocalWorkspace, port: int = 0) -> WorkspaceHTTPServer:
    """A server for the workspace (port 0 picks a free port); the caller serves and closes it."""
    ws = directory if isinstance(directory, LocalWorkspace) else LocalWorkspace(directory)
    return WorkspaceHTTPServer(ws, port)


def serve(workspace: LocalWorkspace | str | Path, port: int, verbose: bool = True) -> None:
    """Serve until interrupted (Ctrl-C)."""
    server = make_server(workspace, port)
    server.verbose = verbose
    try:
        server.serve_forever()
    finally:
        server.server_close()


def serve_in_thread(
    workspace: LocalWorkspace, port: int = 0
) -> tuple[WorkspaceHTTPServer, threading.Thread]:
    """Start serving in a daemon thread (tests); stop with server.shutdown(); server_close()."""
    server = make_server(workspace, port)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    return server, thread
