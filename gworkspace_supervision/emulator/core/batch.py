"""Batch endpoints (`/batch/calendar/v3`, `/batch/drive/v3`, `/batch`): one round trip, N calls.

The request is multipart/mixed as googleapiclient's `new_batch_http_request()` writes it: each
part is `application/http` holding one request, with `Content-ID: <base + N>`. Each part goes
through the same path as a single call (validation, faults, counters, its own transaction), and
the answer echoes `Content-ID: <response-base + N>` as Google does.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .api import HttpError
from .faults import FaultSettings
from .multipart import split_head, split_multipart
from .server import C, Reply, error_reply, reason_phrase

if TYPE_CHECKING:  # pragma: no cover
    from .server import LocalWorkspace

# Google's documented per-batch limits (Drive and Gmail: 100); the client library's own cap is 1000.
LIMITS = {"drive": 100, "gmail": 100}
DEFAULT_LIMIT = 1000


def serve_batch(
    ws: LocalWorkspace, path: str, headers: dict[str, str], body: bytes, settings: FaultSettings
) -> Reply:
    with ws.store.transaction() as store:
        store.bump(C + "http")
    try:
        api = _batch_api(ws, path)
        ctype = headers.get("content-type", "")
        if not ctype.lower().startswith("multipart/mixed"):
            raise HttpError(400, "badContent", "Batch requests must be multipart/mixed.")
        parts = split_multipart(ctype, body)
        limit = LIMITS.get(api or "", DEFAULT_LIMIT)
        if len(parts) > limit:
            raise HttpError(
                400,
                "batchSizeTooLarge",
                f"A batch request cannot contain more than {limit} requests; got {len(parts)}.",
            )
    except HttpError as err:
        with ws.store.transaction() as store:
            store.bump(C + f"status:{err.code}")
        return error_reply(err)
    boundary = "batch_" + uuid.uuid4().hex
    out: list[bytes] = []
    for part_headers, payload in parts:
        status, resp_headers, content = _one(ws, api, headers, payload, settings)
        content_id = part_headers.get("content-id", "")
        if content_id.startswith("<") and content_id.endswith(">"):
            content_id = f"<response-{content_id[1:-1]}>"
        head = [
            f"--{boundary}",
            "Content-Type: application/http",
            f"Content-ID: {content_id}",
            "",
            f"HTTP/1.1 {status} {reason_phrase(status)}",
        ]
        head += [f"{name}: {value}" for name, value in resp_headers.items()]
        out.append(("\r\n".join(head) + "\r\n\r\n").encode() + content + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    data = b"".join(out)
    reply_headers = {
        "content-type": f"multipart/mixed; boundary={boundary}",
        "content-length": str(len(data)),
    }
    return 200, reply_headers, data


def _batch_api(ws: LocalWorkspace, path: str) -> str | None:
    """`/batch/calendar/v3` -> "calendar"; `/batch` -> None (any API)."""
    rest = path[len("/batch") :].strip("/")
    if not rest:
        return None
    bits = rest.split("/")
    if (
        len(bits) == 2
        and bits[0] in ws.discovery.apis
        and ws.discovery.apis[bits[0]].version == bits[1]
    ):
        return bits[0]
    raise HttpError(404, "notFound", f"Not Found: {path}")


def _one(
    ws: LocalWorkspace,
    api: str | None,
    outer: dict[str, str],
    payload: bytes,
    settings: FaultSettings,
) -> Reply:
    line, _, rest = payload.partition(b"\n")
    try:
        method, target, _version = line.decode("utf-8").strip().split(" ", 2)
    except ValueError:
        return error_reply(HttpError(400, "badRequest", "Malformed request line in batch part."))
    headers, body = split_head(rest)
    if "authorization" not in headers and "authorization" in outer:
        headers["authorization"] = outer["authorization"]
    split = urlsplit(target)
    if api is not None:
        try:
            method_found, _ = ws.discovery.match(method, split.path)
        except HttpError:
            method_found = None
        if method_found is not None and method_found.api.name != api:
            return error_reply(
                HttpError(400, "badRequest", f"{method_found.id} cannot be sent to /batch/{api}.")
            )
    return ws.api_call(
        method.upper(), split.path, split.query, headers, body, settings, count_http=False
    )
