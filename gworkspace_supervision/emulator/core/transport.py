"""Transports that hand requests from the real client libraries to a LocalWorkspace in process.

- `EmulatorHttp`: the httplib2.Http interface googleapiclient uses (`request()` returning an
  `httplib2.Response` and bytes), for `build(..., http=workspace.http(user))`.
- `EmulatorAdapter`: a requests transport adapter producing real `requests.Response` objects,
  mounted on a Session for gspread (`gspread.Client(None, session=workspace.session(user))`).
Both add `Authorization: Bearer <user>` when the request has none: the acting user.
Nothing in the client libraries is patched.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import httplib2
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from .server import reason_phrase

if TYPE_CHECKING:  # pragma: no cover
    from .server import LocalWorkspace


def body_bytes(body: Any) -> bytes:
    """Request bodies arrive as str, bytes, file-like objects or iterables of chunks."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    if hasattr(body, "read"):
        return body_bytes(body.read())
    if isinstance(body, Iterable):
        return b"".join(body_bytes(chunk) for chunk in body)
    raise TypeError(f"unsupported request body: {type(body).__name__}")


def _with_auth(headers: Mapping[str, Any] | None, user: str) -> dict[str, str]:
    out = {str(k): str(v) for k, v in (headers or {}).items()}
    if not any(k.lower() == "authorization" for k in out):
        out["authorization"] = f"Bearer {user}"
    return out


class EmulatorHttp:
    """httplib2.Http-compatible: what googleapiclient calls on its `http` object."""

    def __init__(self, workspace: LocalWorkspace, user: str) -> None:
        self.workspace = workspace
        self.user = user
        self.timeout: float | None = None
        self.follow_redirects = True
        self.redirect_codes = frozenset({300, 301, 302, 303, 307, 308})

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Mapping[str, Any] | None = None,
        redirections: int = 5,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response, bytes]:
        status, resp_headers, content = self.workspace.handle(
            method, uri, _with_auth(headers, self.user), body_bytes(body)
        )
        info: dict[str, str] = dict(resp_headers)
        info["status"] = str(status)
        response = httplib2.Response(info)
        response.reason = reason_phrase(status)
        return response, content

    def close(self) -> None:
        """Nothing to release: no sockets are opened."""

    def __repr__(self) -> str:
        return f"<EmulatorHttp user={self.user!r} dir={str(self.workspace.directory)!r}>"


class EmulatorAdapter(BaseAdapter):
    """A requests transport adapter answering from a LocalWorkspace."""

    def __init__(self, workspace: LocalWorkspace, user: str | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.user = user

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        headers: dict[str, str] = {str(k): str(v) for k, v in request.headers.items()}
        if self.user is not None:
            headers = _with_auth(headers, self.user)
        status, resp_headers, content = self.workspace.handle(
            request.method or "GET", request.url or "", headers, body_bytes(request.body)
        )
        response = requests.Response()
        response.status_code = status
        response.reason = reason_phrase(status)
        response.headers = CaseInsensitiveDict(resp_headers)
        response.encoding = get_encoding_from_headers(response.headers)
        response.raw = io.BytesIO(content)
        response._content = content
        response._content_consumed = True
        response.url = request.url or ""
        response.request = request
        response.connection = self  # type: ignore[assignment]
        return response

    def close(self) -> None:
        """Nothing to release: no sockets are opened."""


def emulator_session(workspace: LocalWorkspace, user: str) -> requests.Session:
    """A Session acting as `user` whose http(s) requests all go to the workspace."""
    session = requests.Session()
    adapter = EmulatorAdapter(workspace, user)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["Authorization"] = f"Bearer {user}"
    return session
