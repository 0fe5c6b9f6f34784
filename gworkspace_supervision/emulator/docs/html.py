"""Drive's HTML -> Google Doc conversion, reasonably: headings, paragraphs, lists, tables, b/i/u/a.

Uploading text/html with metadata mimeType application/vnd.google-apps.document makes a Doc;
this turns the HTML into model.py blocks with the standard library's html.parser.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from .model import Document, from_blocks

HEADINGS = {f"h{n}": f"HEADING_{n}" for n in range(1, 7)}
BLOCK_TAGS = {"p", "div", "li", "blockquote", "pre", *HEADINGS}
SKIP_TAGS = {"head", "style", "script", "title"}
INLINE_STYLES = {
    "b": {"bold": True},
    "strong": {"bold": True},
    "i": {"italic": True},
    "em": {"italic": True},
    "u": {"underline": True},
}


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list[dict[str, Any]] = []
        self.containers: list[list[dict[str, Any]]] = [self.root]
        self.tables: list[dict[str, Any]] = []
        self.runs: list[tuple[str, dict[str, Any]]] = []
        self.para_style: dict[str, Any] = {}
        self.explicit = False
        self.styles: list[tuple[str, dict[str, Any]]] = []
        self.skip = 0
        self.lists: list[str] = []
        self.bullet: str | None = None
        self.list_count = 0

    # -- paragraphs ---------------------------------------------------------------------------
    def _flush(self, force: bool = False) -> None:
        runs = [(t, s) for t, s in self.runs if t]
        if runs:
            first, style = runs[0]
            runs[0] = (first.lstrip(" "), style)
            last, style = runs[-1]
            runs[-1] = (last.rstrip(" "), style)
            runs = [(t, s) for t, s in runs if t]
        if runs or force:
            block: dict[str, Any] = {"runs": runs}
            if self.para_style:
                block["style"] = dict(self.para_style)
            if self.bullet:
                block["bullet"] = self.bullet
            self.containers[-1].append(block)
        self.runs = []
        self.para_style = {}
        self.bullet = None
        self.explicit = False

    def _current_style(self) -> dict[str, Any]:
        style: dict[str, Any] = {}
        for _, s in self.styles:
            style.update(s)
        return style

    # -- parser callbacks ---------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self.skip += 1
            return
        if tag in BLOCK_TAGS:
            self._flush()
            self.explicit = True
            if tag in HEADINGS:
                self.para_style = {"namedStyleType": HEADINGS[tag]}
            if tag == "li" and self.lists:
                self.bullet = self.lists[-1]
        elif tag in ("ul", "ol"):
            self._flush()
            self.list_count += 1
            self.lists.append(f"kix.list.{self.list_count}")
        elif tag == "br":
            self.runs.append(("\n", self._current_style()))
        elif tag == "table":
            self._flush()
            self.tables.append({"rows": []})
        elif tag == "tr" and self.tables:
            self._flush()
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.tables:
            self._flush()
            if not self.tables[-1]["rows"]:
                self.tables[-1]["rows"].append([])
            cell: list[dict[str, Any]] = []
            self.tables[-1]["rows"][-1].append(cell)
            self.containers.append(cell)
            if tag == "th":
                self.styles.append((tag, {"bold": True}))
        elif tag in INLINE_STYLES:
            self.styles.append((tag, INLINE_STYLES[tag]))
        elif tag == "a":
            href = dict(attrs).get("href")
            self.styles.append((tag, {"link": {"url": href}} if href else {}))

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if tag in BLOCK_TAGS:
            self._flush(force=self.explicit)
        elif tag in ("ul", "ol") and self.lists:
            self._flush()
            self.lists.pop()
        elif tag in ("td", "th") and len(self.containers) > 1:
            self._flush()
            self.containers.pop()
            if tag == "th":
                self._pop_style("th")
        elif tag == "table" and self.tables:
            self._flush()
            table = self.tables.pop()
            self.containers[-1].append(table)
        elif tag in INLINE_STYLES or tag == "a":
            self._pop_style(tag)

    def _pop_style(self, tag: str) -> None:
        for i in range(len(self.styles) - 1, -1, -1):
            if self.styles[i][0] == tag:
                del self.styles[i]
                return

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        text = re.sub(r"\s+", " ", data)
        if not text.strip() and not self.runs:
            return
        self.runs.append((text, self._current_style()))

    def close(self) -> None:
        super().close()
        self._flush()
        while self.tables:  # unclosed tables
            table = self.tables.pop()
            while len(self.containers) > 1:
                self.containers.pop()
            self.containers[-1].append(table)


def html_blocks(html: str) -> list[dict[str, Any]]:
    conv = _Converter()
    conv.feed(html)
    conv.close()
    return conv.root


def from_html(html: str) -> Document:
    """The Google Doc Drive makes from an uploaded HTML file."""
    return from_blocks(html_blocks(html))
