"""Docs adapter: fill a record's `{{placeholders}}` in ONE documents.batchUpdate.

Every placeholder the toolkit knows is sent as a replaceAllText request, whether or not this
template uses it (a request that matches nothing changes nothing), so no `{{` is ever left for
a known name and the fill costs exactly one call. Re-filling a filled record is a no-op.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .connect import Connection
from .retry import execute

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")


def placeholders_in(text: str) -> set[str]:
    """The placeholder names a template's text uses."""
    return set(PLACEHOLDER.findall(text))


def fill_requests(values: Mapping[str, str]) -> list[dict[str, Any]]:
    """replaceAllText requests for every value (an empty value would delete the label)."""
    return [
        {
            "replaceAllText": {
                "containsText": {"text": "{{" + name + "}}", "matchCase": True},
                "replaceText": value or "—",
            }
        }
        for name, value in sorted(values.items())
    ]


class DocsAdapter:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._documents: dict[str, Any] = {}  # documents() built once per user (costly)

    def fill(self, user: str, document_id: str, values: Mapping[str, str]) -> int:
        """Replace `{{name}}` by values[name] in one batchUpdate; returns occurrences changed."""
        key = user.lower()
        if key not in self._documents:
            self._documents[key] = self.connection.docs(user).documents()
        request = self._documents[key].batchUpdate(
            documentId=document_id, body={"requests": fill_requests(values)}
        )
        conn = self.connection
        reply = execute(
            request, what="docs.documents.batchUpdate", policy=conn.retry, meter=conn.meter
        )
        return sum(
            int((r.get("replaceAllText") or {}).get("occurrencesChanged", 0))
            for r in reply.get("replies", [])
        )
