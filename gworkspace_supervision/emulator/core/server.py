"""The local Workspace: one folder of state, answering Google's REST requests in process.

`LocalWorkspace.handle(method, url, headers, body)` is the single entry point every transport
uses (the httplib2 object for googleapiclient, the requests adapter for gspread, the loopback
HTTP server). Each API call: route + validate against discovery, inject faults, run the
registered handler inside ONE store transaction, count it, render Google's response.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from http import HTTPStatus
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from .access import (
    DEFAULT_APP,
    Token,
    check_scopes,
    parse_token,
    require_owned_calendars,
    token_for,
)
from .api import HANDLERS, Call, HttpError, Raw, ScopeError
from .clock import Clock
from .discovery import Discovery, Method, apply_fields, default_discovery
from .faults import EVENT_WRITE_METHODS, EVENT_WRITES, Faults, FaultSettings
from .multipart import split_multipart
from .store import Store

if TYPE_CHECKING:  # pragma: no cover
    import requests

    from .transport import EmulatorHttp

# one entry module per API subpackage; importing it registers all of that API's handlers
API_MODULES = (
    "calendar.calendars",
    "drive.file_handlers",
    "docs.documents",
    "sheets.spreadsheets",
    "gmail.messages",
)
EMULATOR = __package__.rpartition(".")[0]  # gworkspace_supervision.emulator
JSON_TYPE = "application/json; charset=UTF-8"
C = "emu:"  # prefix of the emulator's counters in the store

Reply = tuple[int, dict[str, str], bytes]


def load_api_modules() -> None:
    """Import the API modules so their handlers register; ones not written yet are skipped."""
    for name in API_MODULES:
        full = f"{EMULATOR}.{name}"
        if full in sys.modules:
            continue
        try:
            import_module(full)
        except ModuleNotFoundError as exc:
            if exc.name != full:
                raise


def error_reply(
    err: HttpError, extra: Mapping[str, str] | None = None, method_id: str | None = None
) -> Reply:
    payload = err.to_json()
    if method_id is not None and method_id.startswith("sheets."):
        # Sheets v4 answers {"error": {code, message, status}}: no `errors` list (gspread's
        # cassettes recorded against Google, e.g. ClientTest.test_access_private_spreadsheet)
        payload["error"].pop("errors", None)
    body = json.dumps(payload).encode()
    headers = {"content-type": JSON_TYPE, "content-length": str(len(body))}
    if err.code == 401:
        headers["www-authenticate"] = 'Bearer realm="https://accounts.google.com/"'
    if isinstance(err, ScopeError):  # RFC 6750 3.1, as Google sends it
        headers["www-authenticate"] = (
            'Bearer realm="https://accounts.google.com/", error="insufficient_scope", '
            f'scope="{" ".join(err.accepted)}"'
        )
    if extra:
        headers.update(extra)
    return err.code, headers, body


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def token_from(headers: Mapping[str, str], query: str = "") -> Token | None:
    """The bearer token: the acting user (an email address), its scopes and its app."""
    auth = headers.get("authorization", "")
    token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
    if not token and "access_token=" in query:
        token = dict(parse_qsl(query)).get("access_token", "")
    if not token:
        return None
    return parse_token(token)


def user_from(headers: Mapping[str, str], query: str = "") -> str | None:
    """The acting user: the bearer token's address, lower-cased."""
    token = token_from(headers, query)
    return None if token is None else token.user


UNAUTHENTICATED = HttpError(
    401,
    "required",
    "Request is missing required authentication credential. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential.",
)


class LocalWorkspace:
    """A local Google Workspace kept in `directory` (SQLite), safe for several processes."""

    raise_internal_errors = True  # in process: let handler bugs surface as tracebacks

    def __init__(self, directory: str | Path) -> None:
        load_api_modules()
        self.directory = Path(directory)
        self.store = Store(self.directory)
        self.clock = Clock(self.store)
        self.faults = Faults(self.store)
        self.discovery: Discovery = default_discovery()

    # -- clients -------------------------------------------------------------------------------
    def http(
        self, user: str, scopes: list[str] | None = None, app: str = DEFAULT_APP
    ) -> EmulatorHttp:
        """An httplib2-compatible object for `googleapiclient.discovery.build(..., http=...)`.

        `scopes`: the token's scopes (None: every scope); `app`: the OAuth client it was issued
        to (drive.file grants are per app). See access.py."""
        from .transport import EmulatorHttp

        return EmulatorHttp(self, token_for(user, scopes, app))

    def session(
        self, user: str, scopes: list[str] | None = None, app: str = DEFAULT_APP
    ) -> requests.Session:
        """A requests.Session for gspread (`gspread.Client(None, session=...)`)."""
        from .transport import emulator_session

        return emulator_session(self, token_for(user, scopes, app))

    # -- the one entry point -------------------------------------------------------------------
    def handle(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> Reply:
        """Answer one HTTP round trip; returns (status, lower-case headers, body)."""
        hdrs = {k.lower(): str(v) for k, v in headers.items()}
        settings = self.faults.settings()
        self.faults.round_trip(settings)
        split = urlsplit(url)
        method = method.upper()
        body = body or b""
        override = hdrs.get("x-http-method-override")
        if override and method == "POST":
            # googleapiclient turns over-long GETs into POST + form-encoded query
            method = override.upper()
            query = "&".join(q for q in (split.query, body.decode()) if q)
            body = b""
        else:
            query = split.query
        if split.path.startswith("/upload/") and "upload_id=" in query:
            from . import uploads

            return uploads.resume(self, split.path, query, hdrs, body, settings)
        if split.path.startswith("/batch"):
            from .batch import serve_batch

            return serve_batch(self, split.path, hdrs, body, settings)
        base = f"{split.scheme}://{split.netloc}" if split.netloc else ""
        return self.api_call(
            method, split.path, query, hdrs, body, settings, count_http=True, base=base
        )

    def api_call(
        self,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        settings: FaultSettings,
        count_http: bool,
        token: Token | None = None,
        upload: tuple[Any, bytes, str] | None = None,
        base: str = "",
    ) -> Reply:
        """One API call: route, validate, fault, run in one transaction, count, render."""
        matched: Method | None = None
        try:
            matched, path_values = self.discovery.match(method, path)
            if token is None:
                token = token_from(headers, query)
            if token is None:
                raise UNAUTHENTICATED
            user = token.user
            reach = check_scopes(token, matched.id, matched.scopes)
            params = self.discovery.params(
                matched, path_values, parse_qsl(query, keep_blank_values=True)
            )
            media: bytes | None
            media_type: str | None
            if upload is not None:
                payload, media, media_type = upload
            else:
                payload, media, media_type = self._payload(matched, params, headers, body)
            payload = self.discovery.check_body(matched, payload)
            tree = None
            if params.get("fields"):
                tree = self.discovery.selection(matched, params["fields"])
            fn = HANDLERS.get(matched.id)
            if fn is not None and upload is None and params.get("uploadType") == "resumable":
                from . import uploads

                with self.store.transaction():
                    self._count(None, None, count_http)
                return uploads.start(self, base, method, path, query, headers, payload, token)
            if fn is None:
                raise HttpError(
                    501,
                    "notImplemented",
                    f"Method {matched.id} is not implemented by the local Workspace.",
                )
            self.faults.before_call(settings, matched.id, user)
            with self.store.transaction() as store:
                call = Call(
                    method_id=matched.id,
                    user=user,
                    params=params,
                    body=payload,
                    store=store,
                    now=self.clock.now(),
                    media=media,
                    media_type=media_type,
                    app=token.app,
                    per_file=reach.per_file,
                )
                if reach.owned_calendars:
                    require_owned_calendars(store, user, params)
                result = fn(call)
                self._count(matched.id, None, count_http)
                if matched.id in EVENT_WRITE_METHODS:
                    store.bump(EVENT_WRITES)
                for email in call.emails:
                    store.put("email", f"{store.next_seq('email'):09d}", email)
                if call.emails:
                    store.bump(C + "emails", len(call.emails))
        except HttpError as err:
            with self.store.transaction():
                self._count(matched.id if matched else None, err.code, count_http)
            return error_reply(err, method_id=matched.id if matched else None)
        except Exception:
            with self.store.transaction():
                self._count(matched.id if matched else None, 500, count_http)
            if self.raise_internal_errors:
                raise
            return error_reply(HttpError(500, "backendError", "Backend Error"))
        return self._render(result, tree)

    def _count(self, method_id: str | None, status: int | None, count_http: bool) -> None:
        store = self.store
        if count_http:
            store.bump(C + "http")
        if method_id is not None:
            store.bump(C + "api")
            store.bump(C + "method:" + method_id)
        if status is not None:
            store.bump(C + f"status:{status}")

    def _payload(
        self, m: Method, params: dict[str, Any], headers: dict[str, str], body: bytes
    ) -> tuple[Any, bytes | None, str | None]:
        """The JSON body and any uploaded media (uploadType=multipart or media)."""
        upload = params.get("uploadType")
        ctype = headers.get("content-type", "")
        if upload == "multipart" or ctype.lower().startswith("multipart/related"):
            parts = split_multipart(ctype, body)
            if not parts:
                raise HttpError(400, "badContent", "Multipart upload has no parts.")
            meta = _json(parts[0][1]) if parts[0][1].strip() else None
            if len(parts) > 1:
                return (
                    meta,
                    parts[1][1],
                    parts[1][0].get("content-type", "application/octet-stream"),
                )
            return meta, None, None
        if upload == "media":
            return None, body, ctype.split(";")[0].strip() or "application/octet-stream"
        if not body.strip():
            return None, None, None
        return _json(body), None, None

    def _render(self, result: Any, tree: Any) -> Reply:
        if result is None:
            return 204, {"content-length": "0"}, b""
        if isinstance(result, Raw):
            headers = {
                "content-type": result.content_type,
                "content-length": str(len(result.content)),
            }
            return 200, headers, result.content
        if tree is not None:
            result = apply_fields(result, tree)
        data = json.dumps(result, separators=(",", ":"), ensure_ascii=False).encode()
        return 200, {"content-type": JSON_TYPE, "content-length": str(len(data))}, data

    # -- observing -------------------------------------------------------------------------------
    def counters(self) -> dict[str, Any]:
        """HTTP round trips, API calls (total and per method id), errors by status, emails sent."""
        raw = self.store.counters(C)
        out: dict[str, Any] = {
            "http": raw.get(C + "http", 0),
            "api": raw.get(C + "api", 0),
            "methods": {},
            "errors": {},
            "emails": raw.get(C + "emails", 0),
            "event_writes": raw.get(EVENT_WRITES, 0),
        }
        for name, value in raw.items():
            if name.startswith(C + "method:"):
                out["methods"][name[len(C + "method:") :]] = value
            elif name.startswith(C + "status:"):
                out["errors"][name[len(C + "status:") :]] = value
        return out

    def reset_counters(self) -> None:
        with self.store.transaction():
            self.store.reset_counters(C)

    def outbox(self) -> list[dict[str, Any]]:
        """Every notification email the APIs 'sent' (invitations, share notices), oldest first."""
        return self.store.list("email")

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> LocalWorkspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise HttpError(
            400, "parseError", "Invalid JSON payload received. Unexpected token."
        ) from None
