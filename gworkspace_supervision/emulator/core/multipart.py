"""Split multipart bodies (uploads' multipart/related, batches' multipart/mixed) byte-exactly.

The email package rewrites line endings and payload encodings; uploads must arrive unchanged,
and googleapiclient writes bare LF line endings while curl writes CRLF, so this accepts both.
"""

from __future__ import annotations

import re

from .api import HttpError

_BOUNDARY = re.compile(r'boundary=(?:"([^"]+)"|([^;\s]+))', re.IGNORECASE)


def boundary_of(content_type: str) -> str:
    m = _BOUNDARY.search(content_type)
    if m is None:
        raise HttpError(400, "badContent", "Multipart request without a boundary.")
    return m.group(1) or m.group(2)


def split_head(block: bytes) -> tuple[dict[str, str], bytes]:
    """Headers (lower-case names) and the rest, split at the first empty line."""
    crlf, lf = block.find(b"\r\n\r\n"), block.find(b"\n\n")
    if crlf == -1 and lf == -1:
        head, rest = block, b""
    elif lf == -1 or (crlf != -1 and crlf < lf):
        head, rest = block[:crlf], block[crlf + 4 :]
    else:
        head, rest = block[:lf], block[lf + 2 :]
    headers: dict[str, str] = {}
    for line in head.decode("utf-8", "replace").splitlines():
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return headers, rest


def split_multipart(content_type: str, body: bytes) -> list[tuple[dict[str, str], bytes]]:
    """The parts of a multipart body: [(part headers, part payload)], payloads unchanged."""
    delimiter = b"--" + boundary_of(content_type).encode()
    chunks = body.split(delimiter)
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        elif chunk.startswith(b"\n"):
            chunk = chunk[1:]
        # the line break before the next delimiter belongs to the delimiter
        if chunk.endswith(b"\r\n"):
            chunk = chunk[:-2]
        elif chunk.endswith(b"\n"):
            chunk = chunk[:-1]
        parts.append(split_head(chunk))
    return parts
