"""Resumable uploads (uploadType=resumable), as googleapiclient's MediaUpload(resumable=True) does them.

The first request (JSON metadata, `X-Upload-Content-Type`) opens a session and is answered with
a `Location` carrying `upload_id`; PUTs to it send the bytes, in chunks with `Content-Range`.
Incomplete: 308 with `Range: bytes=0-N`. Complete: the method runs as if the media had come in
one multipart request. Sessions are kept in the store (base64), so they survive processes.
"""

from __future__ import annotations

import base64
import re
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from .access import Token, parse_token, token_for
from .api import HttpError
from .faults import FaultSettings
from .server import C, Reply, error_reply, user_from

if TYPE_CHECKING:  # pragma: no cover
    from .server import LocalWorkspace

KIND = "upload-session"
_RANGE = re.compile(r"bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)")


def start(
    ws: LocalWorkspace,
    base: str,
    method: str,
    path: str,
    query: str,
    headers: dict[str, str],
    metadata: Any,
    token: Token,
) -> Reply:
    upload_id = secrets.token_urlsafe(24)
    scopes = None if token.scopes is None else sorted(token.scopes)
    session = {
        "user": token.user,
        "token": token_for(token.user, scopes, token.app),
        "method": method,
        "query": query,
        "metadata": metadata,
        "media_type": headers.get("x-upload-content-type", "application/octet-stream"),
        "data": "",
    }
    with ws.store.transaction() as store:
        store.put(KIND, upload_id, session)
    location = f"{base}{path}?{query}&{urlencode({'upload_id': upload_id})}"
    return 200, {"location": location, "content-length": "0"}, b""


def resume(
    ws: LocalWorkspace,
    path: str,
    query: str,
    headers: dict[str, str],
    body: bytes,
    settings: FaultSettings,
) -> Reply:
    upload_id = dict(parse_qsl(query)).get("upload_id", "")
    try:
        session = ws.store.get(KIND, upload_id)
        if session is None:
            raise HttpError(404, "notFound", "No such upload session.")
        if user_from(headers, "") not in (None, session["user"]):
            raise HttpError(403, "forbidden", "The upload session belongs to another user.")
    except HttpError as err:
        with ws.store.transaction() as store:
            store.bump(C + "http")
            store.bump(C + f"status:{err.code}")
        return error_reply(err)
    data = base64.b64decode(session["data"])
    total: int | None = None
    m = _RANGE.match(headers.get("content-range", ""))
    if m is not None:
        if m.group(3) != "*":
            total = int(m.group(3))
        if m.group(1) is not None and int(m.group(1)) == len(data):
            data += body
    else:
        data += body
        total = len(data)
    if total is None or len(data) < total:
        session["data"] = base64.b64encode(data).decode()
        with ws.store.transaction() as store:
            store.put(KIND, upload_id, session)
            store.bump(C + "http")
        extra = {"range": f"bytes=0-{len(data) - 1}"} if data else {}
        return 308, {"content-length": "0", **extra}, b""
    with ws.store.transaction() as store:
        store.delete(KIND, upload_id)
    return ws.api_call(
        session["method"],
        path,
        session["query"],
        headers,
        b"",
        settings,
        count_http=True,
        token=parse_token(session.get("token") or session["user"]),
        upload=(session["metadata"], data, session["media_type"]),
    )
