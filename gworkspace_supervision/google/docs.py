"""Docs adapter: fill records' `{{placeholders}}`, one documents.batchUpdate per record.

Every placeholder the toolkit knows is sent as a replaceAllText request, whether or not this
template uses it (a request that matches nothing changes nothing), so no `{{` is ever left for
a known name and the fill costs exactly one call. Re-filling a filled record is a no-op.
Many records' fills go in Google batch requests (docs.v1's batchPath: docs.googleapis.com/batch),
at most DOCS_BATCH calls a round trip; transient part failures are retried by run_batch.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, TypeVar

from .batch import run_batch
from .connect import Connection
from .retry import execute

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
# Google documents no Docs batch size of its own (the batch limit is 1000); each part still
# counts against Docs' per-user write quota (60 a minute), so parts over it come back 429 and
# are retried after a backoff: 50 a batch keeps one supervisor's quarter to a round trip or two.
DOCS_BATCH = 50
WHAT = "docs.documents.batchUpdate"

K = TypeVar("K", bound=Hashable)


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


def _changed(reply: Mapping[str, Any]) -> int:
    return sum(
        int((r.get("replaceAllText") or {}).get("occurrencesChanged", 0))
        for r in reply.get("replies", [])
    )


class DocsAdapter:
    def __init__(self, connection: Connection, *, batch_size: int = DOCS_BATCH) -> None:
        self.connection = connection
        self.batch_size = batch_size
        self._documents: dict[str, Any] = {}  # documents() built once per user (costly)

    def _request(self, user: str, document_id: str, values: Mapping[str, str]) -> Any:
        key = user.lower()
        if key not in self._documents:
            self._documents[key] = self.connection.docs(user).documents()
        return self._documents[key].batchUpdate(
            documentId=document_id, body={"requests": fill_requests(values)}
        )

    def fill(self, user: str, document_id: str, values: Mapping[str, str]) -> int:
        """Replace `{{name}}` by values[name] in one batchUpdate; returns occurrences changed."""
        conn = self.connection
        request = self._request(user, document_id, values)
        return _changed(execute(request, what=WHAT, policy=conn.retry, meter=conn.meter))

    def fill_many(
        self, user: str, fills: Sequence[tuple[K, str, Mapping[str, str]]]
    ) -> dict[K, int]:
        """(key, document_id, values) fills of `user`'s Docs in batches; key -> occurrences
        changed. Parts that failed for good raise BatchError (with the ones that succeeded)."""
        if not fills:
            return {}
        conn = self.connection
        requests = [(key, self._request(user, doc, values)) for key, doc, values in fills]
        replies = run_batch(
            conn.docs(user),
            requests,
            size=self.batch_size,
            what=WHAT,
            policy=conn.retry,
            meter=conn.meter,
        )
        return {key: _changed(reply) for key, reply in replies.items()}
