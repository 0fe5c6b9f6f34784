"""Record: a record Doc as the template lays it out (documents.get), its sharing, and edits.

Editing a paragraph is what typing does in Docs: `deleteContentRange` over the old text and
`insertText` of the new, sent as one `batchUpdate` guarded by the revision the page was read at
(writeControl.requiredRevisionId), so an edit made meanwhile elsewhere is not overwritten.
Setting "Record status" changes the status word on the Doc's last `Record status:` line, the
line `sync` reads (domain/status.parse_record_status). A commenter or reader gets Google's 403.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from googleapiclient.errors import HttpError

from ...domain.status import COMPLETE, DRAFT, parse_record_status
from ...google.connect import Connection
from .refusal import Refused

DOC_MIME = "application/vnd.google-apps.document"
STATUSES = (DRAFT, COMPLETE)
_STATUS_WORD = re.compile(r"status\s*[:\-]\s*\**\s*([A-Za-z]+)", re.IGNORECASE)
_HEADINGS = {"TITLE": "h1", "HEADING_1": "h1", "HEADING_2": "h2", "HEADING_3": "h3"}


@dataclass
class Paragraph:
    start: int
    end: int  # Google's endIndex: just past the paragraph's newline
    text: str  # without the newline
    tag: str  # p, h1, h2, h3, li
    bold: bool = False


@dataclass
class Block:
    paragraph: Paragraph | None = None
    rows: list[list[list[Paragraph]]] = field(default_factory=list)  # a table's cells


@dataclass
class RecordPage:
    file_id: str
    name: str
    revision: str
    owner: str
    can_edit: bool
    modified: str
    status: str | None
    blocks: list[Block]
    sharing: list[tuple[str, str]] | None  # (who, role); None: the person may not see it


@dataclass
class RecordFile:
    file_id: str
    name: str
    owner: str
    modified: str
    role: str


def list_records(connection: Connection, user: str) -> list[RecordFile]:
    """Every Doc the person can open (their own and those shared with them), newest first."""
    drive = connection.drive(user).files()
    out: list[RecordFile] = []
    token: str | None = None
    while True:
        answer = drive.list(
            q=f"mimeType='{DOC_MIME}' and trashed=false", spaces="drive", pageSize=1000,
            fields="nextPageToken,files(id,name,modifiedTime,owners(emailAddress),"
            "capabilities(canEdit,canComment))",
            orderBy="modifiedTime desc", pageToken=token,
        ).execute()  # fmt: skip
        for f in answer.get("files", []):
            caps = f.get("capabilities") or {}
            role = "can edit" if caps.get("canEdit") else (
                "can comment" if caps.get("canComment") else "can view")  # fmt: skip
            owners = f.get("owners") or [{}]
            out.append(RecordFile(f["id"], f.get("name", ""), owners[0].get("emailAddress", ""),
                                  f.get("modifiedTime", ""), role))  # fmt: skip
        token = answer.get("nextPageToken")
        if not token:
            return out


def _paragraph(element: dict[str, Any]) -> Paragraph:
    para = element["paragraph"]
    runs = [e.get("textRun") or {} for e in para.get("elements", [])]
    text = "".join(r.get("content", "") for r in runs)
    style = (para.get("paragraphStyle") or {}).get("namedStyleType", "NORMAL_TEXT")
    tag = "li" if para.get("bullet") else _HEADINGS.get(style, "p")
    bold = bool(runs) and all((r.get("textStyle") or {}).get("bold") for r in runs if
                              r.get("content", "").strip())  # fmt: skip
    return Paragraph(int(element.get("startIndex", 0)), int(element["endIndex"]),
                     text[:-1] if text.endswith("\n") else text, tag, bold)  # fmt: skip


def blocks_of(content: list[dict[str, Any]]) -> list[Block]:
    out: list[Block] = []
    for element in content:
        if "paragraph" in element:
            out.append(Block(paragraph=_paragraph(element)))
        elif "table" in element:
            rows = [
                [
                    [_paragraph(e) for e in cell.get("content", []) if "paragraph" in e]
                    for cell in row.get("tableCells", [])
                ]
                for row in element["table"].get("tableRows", [])
            ]
            out.append(Block(rows=rows))
    return out


def paragraphs_of(blocks: list[Block]) -> list[Paragraph]:
    out: list[Paragraph] = []
    for block in blocks:
        if block.paragraph is not None:
            out.append(block.paragraph)
        for row in block.rows:
            for cell in row:
                out.extend(cell)
    return out


def read(connection: Connection, user: str, file_id: str) -> RecordPage:
    meta = (
        connection.drive(user)
        .files()
        .get(
            fileId=file_id,
            fields="id,name,mimeType,modifiedTime,owners(emailAddress),capabilities(canEdit)",
        )
        .execute()
    )
    doc = connection.docs(user).documents().get(documentId=file_id).execute()
    blocks = blocks_of((doc.get("body") or {}).get("content", []))
    text = "\n".join(p.text for p in paragraphs_of(blocks))
    try:
        perms = (
            connection.drive(user)
            .permissions()
            .list(fileId=file_id, fields="permissions(emailAddress,role,type,domain)")
            .execute()
        )
        sharing: list[tuple[str, str]] | None = [
            (str(p.get("emailAddress") or p.get("domain") or p.get("type")), str(p.get("role")))
            for p in perms.get("permissions", [])
        ]
    except HttpError:
        sharing = None
    owners = meta.get("owners") or [{}]
    return RecordPage(
        file_id=file_id,
        name=str(meta.get("name", "")),
        revision=str(doc.get("revisionId", "")),
        owner=str(owners[0].get("emailAddress", "")),
        can_edit=bool((meta.get("capabilities") or {}).get("canEdit")),
        modified=str(meta.get("modifiedTime", "")),
        status=parse_record_status(text),
        blocks=blocks,
        sharing=sharing,
    )


def _replace(p: Paragraph, new: str) -> list[dict[str, Any]]:
    """Requests turning paragraph `p`'s text into `new` (its newline kept)."""
    requests: list[dict[str, Any]] = []
    if p.end - 1 > p.start:
        requests.append(
            {"deleteContentRange": {"range": {"startIndex": p.start, "endIndex": p.end - 1}}}
        )
    if new:
        requests.append({"insertText": {"location": {"index": p.start}, "text": new}})
    return requests


def _batch(
    connection: Connection, user: str, file_id: str, revision: str, reqs: list[dict[str, Any]]
) -> None:
    body = {"requests": reqs, "writeControl": {"requiredRevisionId": revision}}
    connection.docs(user).documents().batchUpdate(documentId=file_id, body=body).execute()


def save_text(
    connection: Connection, user: str, file_id: str, revision: str, texts: dict[int, str]
) -> int:
    """Write the paragraphs whose text changed (keyed by start index); how many changed."""
    doc = connection.docs(user).documents().get(documentId=file_id).execute()
    paragraphs = {p.start: p for p in paragraphs_of(blocks_of(doc["body"]["content"]))}
    changes = []
    for start, value in texts.items():
        new = value.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
        p = paragraphs.get(start)
        if p is not None and new != p.text:
            changes.append((p, new))
    requests: list[dict[str, Any]] = []
    for p, new in sorted(changes, key=lambda c: -c[0].start):  # last first: indices stay valid
        requests += _replace(p, new)
    if requests:
        _batch(connection, user, file_id, revision, requests)
    return len(changes)


def set_status(connection: Connection, user: str, file_id: str, status: str) -> None:
    """Set the word after the Doc's last `Record status:` to `status`."""
    doc = connection.docs(user).documents().get(documentId=file_id).execute()
    lines = [
        p
        for p in paragraphs_of(blocks_of(doc["body"]["content"]))
        if parse_record_status(p.text) is not None
    ]
    if not lines:
        raise Refused(
            'This Doc has no "Record status:" line; add one (for example "Record status: DRAFT") '
            "and set it again."
        )
    line = lines[-1]
    match = list(_STATUS_WORD.finditer(line.text))[-1]
    start = line.start + _utf16(line.text[: match.start(1)])  # Docs counts UTF-16 code units
    end = start + _utf16(match.group(1))
    requests: list[dict[str, Any]] = [
        {"deleteContentRange": {"range": {"startIndex": start, "endIndex": end}}},
        {"insertText": {"location": {"index": start}, "text": status}},
    ]
    _batch(connection, user, file_id, str(doc.get("revisionId", "")), requests)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
