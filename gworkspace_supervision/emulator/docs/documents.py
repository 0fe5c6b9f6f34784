"""Docs API v1: documents.create, get and batchUpdate over the docs model (model.py).

A Doc is a Drive file (DOC_MIME) plus a "document" record under the same id. Access goes
through files.get_file (reader to get, writer to batchUpdate), so a user not on the ACL gets
404 and a reader or commenter gets 403, as from Google. batchUpdate is atomic: requests apply
in order to a copy, any invalid one is a 400 and nothing changes.
"""

from __future__ import annotations

import secrets
from typing import Any

from ..core.api import Call, HttpError, handler
from ..core.store import Store
from ..drive import files
from .model import DocError, Document

KIND = "document"
NOT_FOUND = "Requested entity was not found."


def new_revision() -> str:
    return "ALm37B" + secrets.token_urlsafe(24)[:30]


def store_document(store: Store, doc_id: str, doc: Document) -> str:
    """Save a Doc's content with a fresh revision id; returns the revision id."""
    rev = new_revision()
    store.put(KIND, doc_id, {"documentId": doc_id, "revisionId": rev, "model": doc.to_json()})
    return rev


def load_document(store: Store, doc_id: str) -> tuple[Document, str]:
    record = store.get(KIND, doc_id)
    if record is None:  # a Doc created by Drive metadata only: empty until first edit
        return Document(), "ALm37B-empty"
    return Document.from_json(record["model"]), str(record["revisionId"])


def copy_document(store: Store, src_id: str, dst_id: str) -> None:
    doc, _ = load_document(store, src_id)
    store_document(store, dst_id, doc)


def open_doc(call: Call, doc_id: str, need: str) -> dict[str, Any]:
    """The Drive file of a Doc the user may use, with the Docs API's error wording."""
    try:
        file = files.reach(call, doc_id, need)
    except HttpError as exc:
        if exc.code == 404:
            raise HttpError(404, "notFound", NOT_FOUND) from exc
        raise HttpError(403, "forbidden", "The caller does not have permission") from exc
    if file["mimeType"] != files.DOC_MIME:
        raise HttpError(
            400, "failedPrecondition", "This operation is not supported for this document"
        )
    return file


def render(file: dict[str, Any], doc: Document, rev: str, tabs: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {
        "body": doc.body_json(),
        "documentStyle": {
            "pageSize": {
                "height": {"magnitude": 841.8897637795277, "unit": "PT"},
                "width": {"magnitude": 595.2755905511812, "unit": "PT"},
            },
            "marginTop": {"magnitude": 72, "unit": "PT"},
            "marginBottom": {"magnitude": 72, "unit": "PT"},
            "marginLeft": {"magnitude": 72, "unit": "PT"},
            "marginRight": {"magnitude": 72, "unit": "PT"},
            **doc.document_style,
        },
        "namedStyles": {
            "styles": [
                {
                    "namedStyleType": name,
                    "paragraphStyle": {"namedStyleType": name},
                    "textStyle": {},
                }
                for name in ["NORMAL_TEXT", "TITLE", "SUBTITLE"]
                + [f"HEADING_{n}" for n in range(1, 7)]
            ]
        },
    }
    named = doc.named_ranges_json()
    if named:
        content["namedRanges"] = named
    if doc.lists:
        content["lists"] = doc.lists
    out: dict[str, Any] = {
        "documentId": file["id"],
        "title": file["name"],
        "revisionId": rev,
        "suggestionsViewMode": "SUGGESTIONS_INLINE",
    }
    if tabs:
        out["tabs"] = [
            {
                "tabProperties": {"tabId": "t.0", "title": "Tab 1", "index": 0},
                "documentTab": content,
            }
        ]
    else:
        out.update(content)
    return out


@handler("docs.documents.create")
def create(call: Call) -> dict[str, Any]:
    body = call.body or {}
    title = body.get("title") or "Untitled document"
    file = files.create_file(call.store, call.user, call.now, title, files.DOC_MIME)
    files.grant_created(call, file)
    doc = Document()
    rev = store_document(call.store, file["id"], doc)
    return render(file, doc, rev)


@handler("docs.documents.get")
def get(call: Call) -> dict[str, Any]:
    file = open_doc(call, call.params["documentId"], "reader")
    doc, rev = load_document(call.store, file["id"])
    return render(file, doc, rev, tabs=bool(call.param("includeTabsContent", False)))


# -- batchUpdate ------------------------------------------------------------------------------
IGNORED = {
    "updateTableCellStyle",
    "updateTableColumnProperties",
    "updateTableRowStyle",
    "updateSectionStyle",
    "pinTableHeaderRows",
    "mergeTableCells",
    "unmergeTableCells",
}


def _index(doc: Document, req: dict[str, Any]) -> int:
    loc = req.get("location")
    eos = req.get("endOfSegmentLocation")
    where: dict[str, Any] | None = loc if loc is not None else eos
    if where is None or (loc is not None and eos is not None):
        raise DocError("Exactly one of location or endOfSegmentLocation must be set.")
    if where.get("segmentId"):
        raise DocError(f"Segment {where['segmentId']} is not supported by the local Workspace.")
    if loc is not None:
        if "index" not in loc:
            raise DocError("location.index is required.")
        return int(loc["index"])
    return doc.end - 1


def _range(req: dict[str, Any]) -> tuple[int, int]:
    rng = req.get("range") or {}
    if rng.get("segmentId"):
        raise DocError(f"Segment {rng['segmentId']} is not supported by the local Workspace.")
    if "startIndex" not in rng or "endIndex" not in rng:
        raise DocError("range.startIndex and range.endIndex are required.")
    return int(rng["startIndex"]), int(rng["endIndex"])


def apply_request(doc: Document, kind: str, req: dict[str, Any]) -> dict[str, Any]:
    """Apply one request to `doc`; returns its reply ({} when Google's reply is empty)."""
    if kind == "replaceAllText":
        contains = req.get("containsText") or {}
        n = doc.replace_all(
            contains.get("text", ""), req.get("replaceText", ""), bool(contains.get("matchCase"))
        )
        return {"replaceAllText": {"occurrencesChanged": n} if n else {}}
    if kind == "insertText":
        doc.insert_text(_index(doc, req), req.get("text", ""))
    elif kind == "deleteContentRange":
        doc.delete_range(*_range(req))
    elif kind == "insertTable":
        doc.insert_table(_index(doc, req), int(req.get("rows", 0)), int(req.get("columns", 0)))
    elif kind == "createNamedRange":
        start, end = _range(req)
        return {
            "createNamedRange": {
                "namedRangeId": doc.create_named_range(req.get("name", ""), start, end)
            }
        }
    elif kind == "replaceNamedRangeContent":
        doc.replace_named_range(
            req.get("namedRangeId"), req.get("namedRangeName"), req.get("text", "")
        )
    elif kind == "deleteNamedRange":
        doc.delete_named_range(req.get("namedRangeId"), req.get("name"))
    elif kind == "updateTextStyle":
        doc.update_text_style(*_range(req), req.get("textStyle") or {}, req.get("fields", ""))
    elif kind == "updateParagraphStyle":
        doc.update_paragraph_style(
            *_range(req), req.get("paragraphStyle") or {}, req.get("fields", "")
        )
    elif kind == "createParagraphBullets":
        doc.set_bullets(*_range(req), req.get("bulletPreset") or "BULLET_DISC_CIRCLE_SQUARE")
    elif kind == "deleteParagraphBullets":
        doc.set_bullets(*_range(req), None)
    elif kind == "updateDocumentStyle":
        style = req.get("documentStyle") or {}
        doc.document_style = Document._merge(doc.document_style, style, req.get("fields", ""))
    elif kind in IGNORED:
        pass  # accepted; table and section styling is not modelled
    else:
        raise DocError(f"The request {kind} is not supported by the local Workspace.")
    return {}


@handler("docs.documents.batchUpdate")
def batch_update(call: Call) -> dict[str, Any]:
    doc_id = call.params["documentId"]
    file = open_doc(call, doc_id, "writer")
    doc, rev = load_document(call.store, doc_id)
    body = call.body or {}
    control = body.get("writeControl") or {}
    required = control.get("requiredRevisionId")
    if required and required != rev:
        raise HttpError(
            400,
            "failedPrecondition",
            f"The required revision ID {required} does not match the latest revision.",
        )
    requests = body.get("requests") or []
    work = doc.copy()
    replies = []
    for i, req in enumerate(requests):
        kinds = [k for k, v in req.items() if v is not None]
        if len(kinds) != 1:
            raise HttpError(
                400, "badRequest", f"Invalid requests[{i}]: exactly one request kind must be set."
            )
        kind = kinds[0]
        try:
            replies.append(apply_request(work, kind, req[kind]))
        except DocError as exc:
            raise HttpError(400, "badRequest", f"Invalid requests[{i}].{kind}: {exc}") from None
    if requests:
        rev = store_document(call.store, doc_id, work)
        file.setdefault("lastModifyingUser", {})
        file["lastModifyingUser"] = files.user_entry(call.user)
        files.save_file(call.store, file, call.now)
    return {"documentId": doc_id, "replies": replies, "writeControl": {"requiredRevisionId": rev}}
