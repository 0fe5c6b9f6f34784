"""Docs adapter: read a template Doc once, write each record's content in one batchUpdate.

Under the `drive.file` scope an app acting as a supervisor reaches only the files it created as
that supervisor, so a record cannot be a copy of the operator's template (the supervisor's
token gets 404 for the template). The template is read once per run as the user who installed
it (`read_template`: one documents.get), and each record is an empty Doc the app creates as the
supervisor (Drive files.create) whose whole content (paragraphs with their heading styles,
bullets, tables, bold/italic/underline/links) one documents.batchUpdate inserts with every
`{{placeholder}}` already filled (`content_requests`). The index arithmetic is the Docs API's:
UTF-16 code units, a table inserted at an index is preceded by a new paragraph, a cell's first
paragraph sits three units into its row.

Many records' writes go in Google batch requests (docs.v1's batchPath: docs.googleapis.com/batch),
at most DOCS_BATCH calls a round trip; transient part failures are retried by run_batch.
A record left by an older version (a copy of the template, its placeholders not yet replaced)
is filled with replaceAllText requests instead (`fill_requests`).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
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
EMPTY_DOC_END = 2  # a new Doc's body: the section break (0-1) and one empty paragraph (1-2)
STYLE_KEYS = ("bold", "italic", "underline")
NUMBERED = ("DECIMAL", "ZERO_DECIMAL", "ALPHA", "UPPER_ALPHA", "ROMAN", "UPPER_ROMAN")


@dataclass(frozen=True)
class Run:
    """A stretch of a paragraph's text with one style (only the styles we carry over)."""

    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False
    link: str | None = None

    @property
    def styled(self) -> bool:
        return self.bold or self.italic or self.underline or self.link is not None


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    style: str = "NORMAL_TEXT"  # namedStyleType: HEADING_1, ...
    bullet: str | None = None  # a createParagraphBullets preset, or None


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]  # each cell's text (its paragraphs joined by newlines)


Block = Paragraph | Table


@dataclass(frozen=True)
class TemplateContent:
    """A template Doc as the toolkit rebuilds it in each record."""

    document_id: str
    blocks: tuple[Block, ...]

    def text(self) -> str:
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                out.append("".join(r.text for r in block.runs))
            else:
                out += ["\t".join(row) for row in block.rows]
        return "\n".join(out)

    def placeholders(self) -> set[str]:
        return placeholders_in(self.text())


def units(text: str) -> int:
    """Length in UTF-16 code units, the Docs API's index unit."""
    return len(text.encode("utf-16-le")) // 2


def _paragraph_text(paragraph: Mapping[str, Any]) -> str:
    return "".join(
        (e.get("textRun") or {}).get("content", "") for e in paragraph.get("elements", [])
    )


def template_from(document: Mapping[str, Any]) -> TemplateContent:
    """Google's Document JSON (documents.get) -> the blocks a record is rebuilt from."""
    lists = document.get("lists") or {}
    blocks: list[Block] = []
    for element in (document.get("body") or {}).get("content", []):
        if "paragraph" in element:
            para = element["paragraph"]
            runs = []
            for e in para.get("elements", []):
                run = e.get("textRun")
                if not run:
                    continue
                style = run.get("textStyle") or {}
                link = (style.get("link") or {}).get("url")
                runs.append(
                    Run(
                        str(run.get("content", "")),
                        bold=bool(style.get("bold")),
                        italic=bool(style.get("italic")),
                        underline=bool(style.get("underline")),
                        link=link,
                    )
                )
            if runs and runs[-1].text.endswith("\n"):
                last = runs[-1]
                runs[-1] = Run(last.text[:-1], last.bold, last.italic, last.underline, last.link)
            runs = [r for r in runs if r.text]
            bullet = None
            if para.get("bullet"):
                levels = (
                    (lists.get(para["bullet"].get("listId"), {}) or {})
                    .get("listProperties", {})
                    .get("nestingLevels", [{}])
                )
                glyph = (levels[0] if levels else {}).get("glyphType", "")
                bullet = (
                    "NUMBERED_DECIMAL_ALPHA_ROMAN"
                    if glyph in NUMBERED
                    else "BULLET_DISC_CIRCLE_SQUARE"
                )
            named = (para.get("paragraphStyle") or {}).get("namedStyleType") or "NORMAL_TEXT"
            blocks.append(Paragraph(tuple(runs), named, bullet))
        elif "table" in element:
            rows = []
            for row in element["table"].get("tableRows", []):
                cells = []
                for cell in row.get("tableCells", []):
                    texts = [
                        _paragraph_text(c["paragraph"]).rstrip("\n")
                        for c in cell.get("content", [])
                        if "paragraph" in c
                    ]
                    cells.append("\n".join(texts))
                rows.append(tuple(cells))
            if rows:
                blocks.append(Table(tuple(rows)))
    # the empty paragraph Google keeps after a final table is not content
    while blocks and isinstance(blocks[-1], Paragraph) and not blocks[-1].runs:
        blocks.pop()
    return TemplateContent(str(document.get("documentId", "")), tuple(blocks))


def fill_text(text: str, values: Mapping[str, str]) -> str:
    """`{{name}}` -> values[name] (an empty value becomes a dash, so the label stays readable)."""

    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        return (values[name] or "—") if name in values else m.group(0)

    return PLACEHOLDER.sub(one, text)


def content_requests(template: TemplateContent, values: Mapping[str, str]) -> list[dict[str, Any]]:
    """The batchUpdate requests that write the template, filled, into an EMPTY Doc.

    Each block is inserted at the start of the Doc's last (empty) paragraph, whose index we
    track; the last paragraph's text becomes that final paragraph's own text, so no empty line
    is left at the end. Table cells are written last cell first, so earlier indexes hold."""
    out: list[dict[str, Any]] = []
    pos = 1
    for i, block in enumerate(template.blocks):
        last = i == len(template.blocks) - 1
        if isinstance(block, Table):
            out += _table_requests(block, values, pos)
            width = len(block.rows[0]) if block.rows else 0
            size = 2 + len(block.rows) * (1 + 2 * width)
            filled = sum(units(fill_text(c, values)) for row in block.rows for c in row)
            pos += 1 + size + filled  # the paragraph insertTable adds before the table
            continue
        runs = [
            Run(fill_text(r.text, values), r.bold, r.italic, r.underline, r.link)
            for r in block.runs
        ]
        text = "".join(r.text for r in runs)
        n = units(text)
        if n or not last:
            out.append(
                {"insertText": {"location": {"index": pos}, "text": text + ("" if last else "\n")}}
            )
        span = {"startIndex": pos, "endIndex": pos + n + 1}
        out.append(
            {
                "updateParagraphStyle": {
                    "range": span,
                    "paragraphStyle": {"namedStyleType": block.style},
                    "fields": "namedStyleType",
                }
            }
        )
        at = pos
        for run in runs:
            length = units(run.text)
            if run.styled and length:
                style: dict[str, Any] = {k: getattr(run, k) for k in STYLE_KEYS if getattr(run, k)}
                if run.link:
                    style["link"] = {"url": run.link}
                out.append(
                    {
                        "updateTextStyle": {
                            "range": {"startIndex": at, "endIndex": at + length},
                            "textStyle": style,
                            "fields": ",".join(style),
                        }
                    }
                )
            at += length
        if block.bullet:
            out.append({"createParagraphBullets": {"range": span, "bulletPreset": block.bullet}})
        pos += n + 1
    return out


def _table_requests(table: Table, values: Mapping[str, str], pos: int) -> list[dict[str, Any]]:
    width = max(len(row) for row in table.rows)
    out: list[dict[str, Any]] = [
        {"insertTable": {"rows": len(table.rows), "columns": width, "location": {"index": pos}}}
    ]
    start = pos + 1  # insertTable puts a newline (a paragraph) before the table
    cells = []
    for r, row in enumerate(table.rows):
        for c in range(width):
            text = fill_text(row[c], values) if c < len(row) else ""
            if text:
                cells.append((start + 3 + r * (1 + 2 * width) + 2 * c, text))
    for index, text in reversed(cells):
        out.append({"insertText": {"location": {"index": index}, "text": text}})
    return out


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
        return self._documents_of(user).batchUpdate(
            documentId=document_id, body={"requests": fill_requests(values)}
        )

    def fill(self, user: str, document_id: str, values: Mapping[str, str]) -> int:
        """Replace `{{name}}` by values[name] in one batchUpdate; returns occurrences changed."""
        conn = self.connection
        request = self._request(user, document_id, values)
        return _changed(execute(request, what=WHAT, policy=conn.retry, meter=conn.meter))

    def read_template(self, user: str, document_id: str) -> TemplateContent:
        """One documents.get of the template, as the user who installed it."""
        conn = self.connection
        request = conn.docs(user).documents().get(documentId=document_id)
        document = execute(request, what="docs.documents.get", policy=conn.retry, meter=conn.meter)
        return template_from(document)

    def write_many(
        self,
        user: str,
        writes: Sequence[tuple[K, str, TemplateContent, Mapping[str, str]]],
    ) -> dict[K, int]:
        """(key, new empty document_id, template, values): write each record's whole content in
        one batchUpdate, batched; key -> requests applied. Failed parts raise BatchError."""
        if not writes:
            return {}
        documents = self._documents_of(user)
        requests = [
            (key, documents.batchUpdate(
                documentId=doc, body={"requests": content_requests(template, values)}))
            for key, doc, template, values in writes
        ]  # fmt: skip
        replies = self._batch(user, requests, WHAT)
        return {key: len(reply.get("replies", [])) for key, reply in replies.items()}

    def states(self, user: str, document_ids: Sequence[str]) -> dict[str, str]:
        """document_id -> "empty" (created, content not written yet), "unfilled" (a copy of a
        template with placeholders left) or "written"; batched documents.get calls, used only
        for records a run left unfinished."""
        if not document_ids:
            return {}
        documents = self._documents_of(user)
        requests = [(doc, documents.get(documentId=doc)) for doc in document_ids]
        replies = self._batch(user, requests, "docs.documents.get")
        out = {}
        for doc, reply in replies.items():
            content = (reply.get("body") or {}).get("content") or []
            end = max((int(e.get("endIndex", 0)) for e in content), default=0)
            if end <= EMPTY_DOC_END:
                out[doc] = "empty"
            elif placeholders_in(template_from(reply).text()):
                out[doc] = "unfilled"
            else:
                out[doc] = "written"
        return out

    def _batch(self, user: str, requests: Sequence[tuple[K, Any]], what: str) -> dict[K, Any]:
        """`requests` as `user` in Docs batches of `batch_size`, with the toolkit's retry."""
        conn = self.connection
        return run_batch(
            conn.docs(user), requests, size=self.batch_size, what=what,
            policy=conn.retry, meter=conn.meter,
        )  # fmt: skip

    def _documents_of(self, user: str) -> Any:
        key = user.lower()
        if key not in self._documents:
            self._documents[key] = self.connection.docs(user).documents()
        return self._documents[key]

    def fill_many(
        self, user: str, fills: Sequence[tuple[K, str, Mapping[str, str]]]
    ) -> dict[K, int]:
        """(key, document_id, values) fills of `user`'s Docs in batches; key -> occurrences
        changed. Parts that failed for good raise BatchError (with the ones that succeeded)."""
        if not fills:
            return {}
        requests = [(key, self._request(user, doc, values)) for key, doc, values in fills]
        replies = self._batch(user, requests, WHAT)
        return {key: _changed(reply) for key, reply in replies.items()}
