"""What the vcrpy cassette tests share: Google's hosts, scrubbing, loopback recording.

Cassettes are recorded through `emulator serve` on loopback (GWS_RECORD=1) and replayed offline
at Google's own URLs; Authorization is filtered everywhere, including inside batch parts.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httplib2
import vcr
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp

from gworkspace_supervision.emulator.core.access import token_for
from gworkspace_supervision.google.auth import scopes_for
from gworkspace_supervision.google.connect import Connection
from gworkspace_supervision.google.retry import RetryPolicy

GOOGLE = "https://www.googleapis.com"
DOCS = "https://docs.googleapis.com"
DOMAIN = "example-council.gov.uk"
_LOOPBACK = re.compile(r"http://127\.0\.0\.1:\d+")
_BEARER = re.compile(rb"(?im)^(authorization: Bearer ).*$")
_BOUNDARY = re.compile(rb"=+\d+==")
_CONTENT_ID = re.compile(rb"<[0-9a-f-]{36} \+ ")


def make_scrub(real_domain: bytes = DOMAIN.encode()) -> Callable[[Any], Any]:
    """Recorded and replayed requests alike: Google's hosts, no credentials, stable ids."""

    def scrub(request: Any) -> Any:
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        # Docs calls, and Docs batches (docs.googleapis.com/batch), go to Docs' own host
        docs_call = "/v1/documents" in request.uri or (
            request.uri.split("?")[0].endswith("/batch") and b" /v1/documents/" in body
        )
        request.uri = _LOOPBACK.sub(DOCS if docs_call else GOOGLE, request.uri)
        body = _BEARER.sub(rb"\1<filtered>", body)
        body = _LOOPBACK.sub(GOOGLE, body.decode("latin-1")).encode("latin-1")
        body = _BOUNDARY.sub(b"==BOUNDARY==", body)
        body = _CONTENT_ID.sub(b"<CONTENT-ID + ", body)
        request.body = body.replace(real_domain, DOMAIN.encode())
        request.uri = request.uri.replace(real_domain.decode(), DOMAIN)
        return request

    return scrub


def make_scrub_response(real_domain: bytes = DOMAIN.encode()) -> Callable[[dict], dict]:
    """A real test domain's name is recorded as the demo domain."""

    def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
        body = response["body"]["string"]
        if isinstance(body, bytes):
            response["body"]["string"] = body.replace(real_domain, DOMAIN.encode())
        return response

    return scrub_response


def same_body(one: Any, other: Any) -> None:
    assert (one.body or b"") == (other.body or b"")


def recorder(recording: bool, real_domain: bytes = DOMAIN.encode()) -> vcr.VCR:
    """A VCR that matches on the whole request, body included."""
    vcr_ = vcr.VCR(
        record_mode="all" if recording else "none",
        match_on=["method", "scheme", "host", "port", "path", "query", "body"],
        before_record_request=make_scrub(real_domain),
        before_record_response=make_scrub_response(real_domain),
        filter_headers=["authorization"],
        decode_compressed_response=True,
    )
    vcr_.register_matcher("body", same_body)
    return vcr_


class Loopback(httplib2.Http):
    """Sends Google-addressed requests (any of its hosts) to `emulator serve` on loopback."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def request(self, uri: str, *args: Any, **kwargs: Any) -> Any:
        uri = uri.replace(GOOGLE, self.base).replace(DOCS, self.base)
        return super().request(uri, *args, **kwargs)


def connection(base: str | None, now: datetime) -> Connection:
    """Services at Google's URLs acting as each user, with the toolkit's least-privilege scopes
    (the emulator's bearer is the email and the scopes, see emulator/core/access.py)."""
    scopes = scopes_for("service_account")

    def http_for(user: str) -> dict[str, Any]:
        inner = Loopback(base) if base else httplib2.Http()
        token = token_for(user, scopes)
        return {"http": AuthorizedHttp(Credentials(token=token), http=inner)}

    return Connection(
        kind="google",
        _http_for=http_for,
        _gspread_for=lambda user: None,
        retry=RetryPolicy(max_attempts=1),
        clock=lambda: now,
    )


@contextmanager
def served(directory: Path, now: datetime, cassette: Path) -> Iterator[str]:
    """A fresh local Workspace served on loopback, for recording `cassette` anew."""
    from gworkspace_supervision.emulator import LocalWorkspace
    from gworkspace_supervision.emulator.core.httpserver import make_server

    cassette.unlink(missing_ok=True)  # a fresh recording, not appended to the old one
    workspace = LocalWorkspace(directory)
    workspace.clock.set(now)
    server = make_server(workspace, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.url.rstrip("/")
    finally:
        server.shutdown()
        server.server_close()
        workspace.close()
