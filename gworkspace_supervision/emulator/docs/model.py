"""A Google Doc's body as Google indexes it, so Docs API index arithmetic comes out the same.

The body is a flat sequence of UTF-16 code units, exactly the positions the Docs API counts:
text characters, each paragraph's closing "\\n", and one private-use marker for each position a
structural element occupies (the section break at 0, a table's start, each row's start, each
cell's start and the table's end). `parse()` turns that sequence into Google's
structuralElements (with startIndex/endIndex) and refuses shapes Google cannot hold, so every
edit is "apply, then parse": a request that would break the structure is a 400.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

SB, TS, RS, CS, TE = "\ue000", "\ue001", "\ue002", "\ue003", "\ue004"
MARKERS = frozenset((SB, TS, RS, CS, TE))
NL = "\n"
SOFT_BREAK = "\u000b"  # Google's in-paragraph line break (from <br>)
DEFAULT_PARA = {"namedStyleType": "NORMAL_TEXT", "direction": "LEFT_TO_RIGHT"}
BULLET_KEY = "__bullet"


class DocError(ValueError):
    """An edit Google would refuse (bad index, broken structure); the API answers 400."""


def to_units(text: str) -> list[str]:
    """Split text into UTF-16 code units (astral characters count two, as in the Docs API)."""
    if all(ord(c) < 0x10000 for c in text):
        return list(text)
    data = text.encode("utf-16-le", "surrogatepass")
    return [chr(int.from_bytes(data[i : i + 2], "little")) for i in range(0, len(data), 2)]


def from_units(units: list[str] | str) -> str:
    text = "".join(units)
    if all(not 0xD800 <= ord(c) <= 0xDFFF for c in text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean_text(text: str) -> str:
    """Drop characters that would forge structure markers."""
    return "".join(c for c in text if c not in MARKERS)


# -- parse tree ---------------------------------------------------------------------------------
@dataclass
class Para:
    start: int
    end: int


@dataclass
class Cell:
    start: int
    end: int
    content: list[Any]


@dataclass
class Row:
    start: int
    end: int
    cells: list[Cell]


@dataclass
class Table:
    start: int
    end: int
    rows: list[Row]


def _parse_content(units: list[str], pos: int) -> tuple[list[Any], int]:
    elems: list[Any] = []
    par_start = pos
    n = len(units)
    while pos < n:
        u = units[pos]
        if u == NL:
            elems.append(Para(par_start, pos + 1))
            pos += 1
            par_start = pos
        elif u == TS:
            if par_start != pos or not elems or not isinstance(elems[-1], Para):
                raise DocError("A table must follow a paragraph.")
            table, pos = _parse_table(units, pos)
            elems.append(table)
            par_start = pos
        elif u in (RS, CS, TE, SB):
            break
        else:
            pos += 1
    if par_start != pos:
        raise DocError("The range would leave a paragraph without its closing newline.")
    if not elems or not isinstance(elems[-1], Para):
        raise DocError("A segment must end with a paragraph.")
    return elems, pos


def _parse_table(units: list[str], pos: int) -> tuple[Table, int]:
    start = pos
    pos += 1
    rows: list[Row] = []
    n = len(units)
    while pos < n and units[pos] == RS:
        row_start = pos
        pos += 1
        cells: list[Cell] = []
        while pos < n and units[pos] == CS:
            cell_start = pos
            content, pos = _parse_content(units, pos + 1)
            cells.append(Cell(cell_start, pos, content))
        if not cells:
            raise DocError("A table row must have cells.")
        rows.append(Row(row_start, pos, cells))
    if not rows or pos >= n or units[pos] != TE:
        raise DocError("Invalid table structure.")
    if len({len(r.cells) for r in rows}) != 1:
        raise DocError("Table rows must have the same number of cells.")
    return Table(start, pos + 1, rows), pos + 1


def parse(units: list[str]) -> list[Any]:
    """The body's structural elements (after the section break); DocError if malformed."""
    if not units or units[0] != SB:
        raise DocError("The body must start with a section break.")
    content, pos = _parse_content(units, 1)
    if pos != len(units):
        raise DocError("Invalid document structure.")
    return content


# -- the document -------------------------------------------------------------------------------
@dataclass
class Document:
    """A Doc's body plus its named ranges, lists and document style."""

    units: list[str] = field(default_factory=lambda: [SB, NL])
    tstyle: list[int] = field(default_factory=lambda: [0, 0])
    pstyle: list[int] = field(default_factory=lambda: [0, 0])
    text_styles: list[dict[str, Any]] = field(default_factory=lambda: [{}])
    para_styles: list[dict[str, Any]] = field(default_factory=lambda: [dict(DEFAULT_PARA)])
    named_ranges: dict[str, dict[str, Any]] = field(default_factory=dict)
    lists: dict[str, Any] = field(default_factory=dict)
    document_style: dict[str, Any] = field(default_factory=dict)

    # -- persistence ------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        runs: list[list[Any]] = []
        for u, t, p in zip(self.units, self.tstyle, self.pstyle, strict=True):
            p = p if u == NL else 0
            if runs and runs[-1][1] == t and runs[-1][2] == p:
                runs[-1][0] += u
            else:
                runs.append([u, t, p])
        return {
            "runs": runs,
            "textStyles": self.text_styles,
            "paraStyles": self.para_styles,
            "namedRanges": self.named_ranges,
            "lists": self.lists,
            "documentStyle": self.document_style,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Document:
        doc = cls(units=[], tstyle=[], pstyle=[])
        for text, t, p in data["runs"]:
            units = to_units(text)  # JSON joins surrogate pairs back into one character
            doc.units.extend(units)
            doc.tstyle.extend([t] * len(units))
            doc.pstyle.extend([p] * len(units))
        doc.text_styles = data["textStyles"]
        doc.para_styles = data["paraStyles"]
        doc.named_ranges = data.get("namedRanges", {})
        doc.lists = data.get("lists", {})
        doc.document_style = data.get("documentStyle", {})
        return doc

    def copy(self) -> Document:
        return Document.from_json(json.loads(json.dumps(self.to_json())))

    # -- styles -----------------------------------------------------------------------------
    @staticmethod
    def _intern(table: list[dict[str, Any]], style: dict[str, Any]) -> int:
        key = json.dumps(style, sort_keys=True)
        for i, existing in enumerate(table):
            if json.dumps(existing, sort_keys=True) == key:
                return i
        table.append(style)
        return len(table) - 1

    def text_style_id(self, style: dict[str, Any]) -> int:
        return self._intern(self.text_styles, style)

    def para_style_id(self, style: dict[str, Any]) -> int:
        return self._intern(self.para_styles, style)

    # -- queries ----------------------------------------------------------------------------
    @property
    def end(self) -> int:
        return len(self.units)

    def paragraph_end(self, index: int) -> int:
        """Index of the newline closing the paragraph that holds `index`."""
        j = index
        while j < len(self.units) and self.units[j] != NL:
            if self.units[j] in MARKERS:
                raise DocError("The index is not inside a paragraph.")
            j += 1
        if j >= len(self.units):
            raise DocError("The index is not inside a paragraph.")
        return j

    def check_insert_index(self, index: int) -> None:
        if index >= self.end:
            raise DocError(
                f"Index {index} must be less than the end index of the referenced segment, {self.end}."
            )
        if index < 1 or self.units[index] in MARKERS:
            raise DocError(
                "The insertion index must be inside the bounds of an existing paragraph. "
                "You can still create new paragraphs by inserting newlines."
            )

    def check_range(self, start: int, end: int) -> None:
        if start >= end:
            raise DocError("The range should not be empty.")
        if start < 1 and self.units[0] == SB:
            raise DocError("The range cannot include the section break at the start of the body.")
        if end > self.end:
            raise DocError(
                f"Index {end - 1} must be less than the end index of the referenced segment, {self.end}."
            )

    # -- primitive edits (named ranges follow the text) ---------------------------------------
    def _shift_ranges_insert(self, index: int, n: int) -> None:
        for nr in self.named_ranges.values():
            for r in nr["ranges"]:
                if r[0] >= index:
                    r[0] += n
                if r[1] > index:
                    r[1] += n

    def _shift_ranges_delete(self, start: int, end: int) -> None:
        n = end - start
        for nid in list(self.named_ranges):
            nr = self.named_ranges[nid]
            kept = []
            for s, e in nr["ranges"]:
                s2 = s if s <= start else max(start, s - n)
                e2 = e if e <= start else max(start, e - n)
                if e2 > s2:
                    kept.append([s2, e2])
            if kept:
                nr["ranges"] = kept
            else:
                del self.named_ranges[nid]

    def insert_units(self, index: int, units: list[str], tstyle: int, pstyle: int) -> None:
        self.units[index:index] = units
        self.tstyle[index:index] = [tstyle] * len(units)
        self.pstyle[index:index] = [pstyle if u == NL else 0 for u in units]
        self._shift_ranges_insert(index, len(units))

    def style_at(self, index: int) -> int:
        """The text style new text at `index` takes: the character before it, within the paragraph."""
        if index > 0 and self.units[index - 1] not in MARKERS and self.units[index - 1] != NL:
            return self.tstyle[index - 1]
        return self.tstyle[index] if index < self.end else 0

    def insert_text(self, index: int, text: str) -> None:
        self.check_insert_index(index)
        units = to_units(clean_text(text))
        if not units:
            return
        pstyle = self.pstyle[self.paragraph_end(index)]
        self.insert_units(index, units, self.style_at(index), pstyle)
        parse(self.units)

    def delete_range(self, start: int, end: int) -> None:
        self.check_range(start, end)
        if end == self.end:
            raise DocError(
                "The range cannot include the newline character at the end of the segment."
            )
        depth = 0
        for u in self.units[start:end]:
            if u == TS:
                depth += 1
            elif u == TE:
                depth -= 1
                if depth < 0:
                    raise DocError("Invalid deletion range: it would delete part of a table.")
            elif u in (RS, CS) and depth == 0:
                raise DocError("Invalid deletion range: it would delete part of a table.")
            elif u == SB:
                raise DocError("The section break cannot be deleted.")
        if depth:
            raise DocError("Invalid deletion range: it would delete part of a table.")
        merged = NL in self.units[start:end]
        first_style = None
        if merged:
            for j in range(start, end):
                if self.units[j] == NL:
                    first_style = self.pstyle[j]
                    break
        del self.units[start:end]
        del self.tstyle[start:end]
        del self.pstyle[start:end]
        self._shift_ranges_delete(start, end)
        if merged and first_style is not None and start < self.end:
            try:
                self.pstyle[self.paragraph_end(start)] = first_style
            except DocError:
                pass  # the deletion ended before a table; parse() below decides
        parse(self.units)

    def insert_table(self, index: int, rows: int, columns: int) -> None:
        if rows < 1 or columns < 1:
            raise DocError("A table must have at least one row and one column.")
        if columns > 20:
            raise DocError("A table can have at most 20 columns.")
        self.check_insert_index(index)
        pstyle = self.pstyle[self.paragraph_end(index)]
        self.insert_units(index, [NL], self.style_at(index), pstyle)
        cell_para = self.para_style_id(dict(DEFAULT_PARA))
        units = [TS] + ([RS] + [CS, NL] * columns) * rows + [TE]
        at = index + 1
        self.units[at:at] = units
        self.tstyle[at:at] = [0] * len(units)
        self.pstyle[at:at] = [cell_para if u == NL else 0 for u in units]
        self._shift_ranges_insert(at, len(units))
        parse(self.units)

    def replace_all(self, needle: str, replacement: str, match_case: bool) -> int:
        """Replace every occurrence (left to right, non-overlapping); returns how many."""
        if not needle:
            raise DocError("containsText.text must not be empty.")
        flags = 0 if match_case else re.IGNORECASE
        pattern = re.compile(re.escape("".join(to_units(needle))), flags)
        body = "".join(self.units)
        matches = [(m.start(), m.end()) for m in pattern.finditer(body)]
        new_units = to_units(clean_text(replacement))
        for s, e in reversed(matches):
            style = self.tstyle[s]
            pstyle = self.pstyle[self.paragraph_end(e)] if NL in new_units else 0
            del self.units[s:e]
            del self.tstyle[s:e]
            del self.pstyle[s:e]
            self._shift_ranges_delete(s, e)
            self.insert_units(s, new_units, style, pstyle)
        if matches:
            parse(self.units)
        return len(matches)

    # -- named ranges -----------------------------------------------------------------------
    def create_named_range(self, name: str, start: int, end: int) -> str:
        if not 1 <= len(to_units(name)) <= 256:
            raise DocError("The name must be between 1 and 256 characters.")
        self.check_range(start, end)
        nid = "kix." + secrets.token_hex(6)
        self.named_ranges[nid] = {"name": name, "ranges": [[start, end]]}
        return nid

    def find_named(self, nid: str | None, name: str | None) -> list[str]:
        if nid:
            if nid not in self.named_ranges:
                raise DocError(f"The named range with ID {nid} does not exist.")
            return [nid]
        found = [k for k, v in self.named_ranges.items() if v["name"] == name]
        if not found:
            raise DocError(f"The named range with name {name} does not exist.")
        return found

    def replace_named_range(self, nid: str | None, name: str | None, text: str) -> None:
        """Google: the first range gets the text, the named range's other ranges are emptied."""
        for key in self.find_named(nid, name):
            nr = self.named_ranges.get(key)
            if nr is None:
                continue
            ranges = sorted(nr["ranges"])
            for s, e in reversed(ranges[1:]):
                self._raw_delete(s, e)
            s, e = ranges[0]
            style = self.tstyle[s]
            self._raw_delete(s, e)
            units = to_units(clean_text(text))
            pstyle = self.pstyle[self.paragraph_end(s)] if NL in units else 0
            self.insert_units(s, units, style, pstyle)
            if units:
                self.named_ranges[key] = {"name": nr["name"], "ranges": [[s, s + len(units)]]}
            else:
                self.named_ranges.pop(key, None)
        parse(self.units)

    def _raw_delete(self, start: int, end: int) -> None:
        for u in self.units[start:end]:
            if u in MARKERS:
                raise DocError("A named range's content cannot include part of a table.")
        del self.units[start:end]
        del self.tstyle[start:end]
        del self.pstyle[start:end]
        self._shift_ranges_delete(start, end)

    def delete_named_range(self, nid: str | None, name: str | None) -> None:
        for key in self.find_named(nid, name):
            del self.named_ranges[key]

    # -- styles -----------------------------------------------------------------------------
    @staticmethod
    def _merge(old: dict[str, Any], new: dict[str, Any], fields: str) -> dict[str, Any]:
        if not fields:
            raise DocError(
                "At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)"
            )
        out = dict(old)
        names = (
            list(new)
            if fields.strip() == "*"
            else [f.strip().split(".")[0] for f in fields.split(",")]
        )
        for name in names:
            if name in new:
                out[name] = new[name]
            else:
                out.pop(name, None)
        return out

    def update_text_style(self, start: int, end: int, style: dict[str, Any], fields: str) -> None:
        self.check_range(start, end)
        for j in range(start, end):
            if self.units[j] not in MARKERS:
                merged = self._merge(self.text_styles[self.tstyle[j]], style, fields)
                self.tstyle[j] = self.text_style_id(merged)

    def paragraph_newlines(self, start: int, end: int) -> list[int]:
        self.check_range(start, end)
        out = []
        j = start
        while j < self.end:
            if self.units[j] == NL:
                out.append(j)
                if j >= end - 1:
                    break
            j += 1
        return out

    def update_paragraph_style(
        self, start: int, end: int, style: dict[str, Any], fields: str
    ) -> None:
        for j in self.paragraph_newlines(start, end):
            merged = self._merge(self.para_styles[self.pstyle[j]], style, fields)
            self.pstyle[j] = self.para_style_id(merged)

    def set_bullets(self, start: int, end: int, preset: str | None) -> None:
        list_id = None
        if preset:
            list_id = "kix.list." + secrets.token_hex(4)
            glyph = "%0." if "NUMBERED" in preset else "●"
            self.lists[list_id] = {
                "listProperties": {
                    "nestingLevels": [
                        {"bulletAlignment": "START", "glyphSymbol": glyph, "startNumber": 1}
                    ]
                }
            }
        for j in self.paragraph_newlines(start, end):
            style = dict(self.para_styles[self.pstyle[j]])
            if list_id:
                style[BULLET_KEY] = {"listId": list_id, "textStyle": {}}
            else:
                style.pop(BULLET_KEY, None)
            self.pstyle[j] = self.para_style_id(style)

    # -- rendering as the Docs API returns it -----------------------------------------------------
    def body_json(self) -> dict[str, Any]:
        content: list[dict[str, Any]] = [
            {
                "endIndex": 1,
                "sectionBreak": {
                    "sectionStyle": {
                        "columnSeparatorStyle": "NONE",
                        "contentDirection": "LEFT_TO_RIGHT",
                        "sectionType": "CONTINUOUS",
                    }
                },
            }
        ]
        content.extend(self._elements_json(parse(self.units)))
        return {"content": content}

    def _elements_json(self, elems: list[Any]) -> list[dict[str, Any]]:
        return [self._para_json(e) if isinstance(e, Para) else self._table_json(e) for e in elems]

    def _para_json(self, p: Para) -> dict[str, Any]:
        elements: list[dict[str, Any]] = []
        j = p.start
        while j < p.end:
            k = j
            while k < p.end and self.tstyle[k] == self.tstyle[j]:
                k += 1
            elements.append(
                {
                    "startIndex": j,
                    "endIndex": k,
                    "textRun": {
                        "content": from_units(self.units[j:k]),
                        "textStyle": dict(self.text_styles[self.tstyle[j]]),
                    },
                }
            )
            j = k
        style = dict(self.para_styles[self.pstyle[p.end - 1]])
        bullet = style.pop(BULLET_KEY, None)
        para: dict[str, Any] = {"elements": elements, "paragraphStyle": style}
        if bullet:
            para["bullet"] = bullet
        return {"startIndex": p.start, "endIndex": p.end, "paragraph": para}

    def _table_json(self, t: Table) -> dict[str, Any]:
        columns = len(t.rows[0].cells)
        return {
            "startIndex": t.start,
            "endIndex": t.end,
            "table": {
                "rows": len(t.rows),
                "columns": columns,
                "tableRows": [
                    {
                        "startIndex": r.start,
                        "endIndex": r.end,
                        "tableCells": [
                            {
                                "startIndex": c.start,
                                "endIndex": c.end,
                                "content": self._elements_json(c.content),
                                "tableCellStyle": {
                                    "rowSpan": 1,
                                    "columnSpan": 1,
                                    "contentAlignment": "TOP",
                                },
                            }
                            for c in r.cells
                        ],
                        "tableRowStyle": {"minRowHeight": {"unit": "PT"}},
                    }
                    for r in t.rows
                ],
                "tableStyle": {
                    "tableColumnProperties": [{"widthType": "EVENLY_DISTRIBUTED"}] * columns
                },
            },
        }

    def named_ranges_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for nid, nr in self.named_ranges.items():
            entry = out.setdefault(nr["name"], {"name": nr["name"], "namedRanges": []})
            entry["namedRanges"].append(
                {
                    "namedRangeId": nid,
                    "name": nr["name"],
                    "ranges": [{"startIndex": s, "endIndex": e} for s, e in nr["ranges"]],
                }
            )
        return out

    # -- plain text views -------------------------------------------------------------------
    def paragraph_texts(self) -> list[str]:
        """Every paragraph's text (without its newline), tables flattened in reading order."""
        out: list[str] = []

        def walk(elems: list[Any]) -> None:
            for e in elems:
                if isinstance(e, Para):
                    out.append(from_units(self.units[e.start : e.end - 1]))
                else:
                    for r in e.rows:
                        for c in r.cells:
                            walk(c.content)

        walk(parse(self.units))
        return out

    def plain_text(self) -> str:
        """Google's text/plain export: paragraphs on lines, a table row's cells tab-separated."""
        lines: list[str] = []

        def cell_text(c: Cell) -> str:
            parts: list[str] = []
            for e in c.content:
                if isinstance(e, Para):
                    parts.append(from_units(self.units[e.start : e.end - 1]))
            return " ".join(p for p in parts if p)

        for e in parse(self.units):
            if isinstance(e, Para):
                lines.append(from_units(self.units[e.start : e.end - 1]))
            else:
                for r in e.rows:
                    lines.append("\t".join(cell_text(c) for c in r.cells))
        return "\n".join(line.replace(SOFT_BREAK, "\n") for line in lines)

    def html(self, title: str) -> str:
        from html import escape

        def runs(p: Para) -> str:
            out = []
            j = p.start
            while j < p.end - 1:
                k = j
                while k < p.end - 1 and self.tstyle[k] == self.tstyle[j]:
                    k += 1
                text = escape(from_units(self.units[j:k])).replace(SOFT_BREAK, "<br>")
                style = self.text_styles[self.tstyle[j]]
                if style.get("bold"):
                    text = f"<b>{text}</b>"
                if style.get("italic"):
                    text = f"<i>{text}</i>"
                if style.get("underline"):
                    text = f"<u>{text}</u>"
                link = (style.get("link") or {}).get("url")
                if link:
                    text = f'<a href="{escape(link)}">{text}</a>'
                out.append(text)
                j = k
            return "".join(out)

        def render(elems: list[Any]) -> str:
            parts = []
            for e in elems:
                if isinstance(e, Para):
                    named = self.para_styles[self.pstyle[e.end - 1]].get("namedStyleType", "")
                    tag = "p"
                    if named.startswith("HEADING_"):
                        tag = "h" + named.rsplit("_", 1)[1]
                    elif named == "TITLE":
                        tag = "h1"
                    parts.append(f"<{tag}>{runs(e)}</{tag}>")
                else:
                    rows = "".join(
                        "<tr>" + "".join(f"<td>{render(c.content)}</td>" for c in r.cells) + "</tr>"
                        for r in e.rows
                    )
                    parts.append(f"<table>{rows}</table>")
            return "".join(parts)

        return (
            '<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type">'
            f"<title>{escape(title)}</title></head><body>{render(parse(self.units))}</body></html>"
        )


# -- building a document from blocks (Drive's upload conversion) -------------------------------------
def from_blocks(blocks: list[dict[str, Any]]) -> Document:
    """Build a Document from paragraph blocks {"runs": [(text, style)], "style": {...}} and
    table blocks {"rows": [[[paragraph blocks], ...], ...]}. Adds the empty paragraphs Google
    needs around tables."""
    doc = Document(units=[SB], tstyle=[0], pstyle=[0])

    def add_para(block: dict[str, Any]) -> None:
        for text, style in block.get("runs", []):
            units = to_units(clean_text(text).replace("\n", SOFT_BREAK))
            tid = doc.text_style_id(dict(style))
            doc.units.extend(units)
            doc.tstyle.extend([tid] * len(units))
            doc.pstyle.extend([0] * len(units))
        pstyle: dict[str, Any] = dict(DEFAULT_PARA)
        pstyle.update(block.get("style", {}))
        if block.get("bullet"):
            pstyle[BULLET_KEY] = {"listId": block["bullet"], "textStyle": {}}
            doc.lists.setdefault(
                block["bullet"],
                {
                    "listProperties": {
                        "nestingLevels": [{"bulletAlignment": "START", "glyphSymbol": "●"}]
                    }
                },
            )
        doc.units.append(NL)
        doc.tstyle.append(0)
        doc.pstyle.append(doc.para_style_id(pstyle))

    def add_blocks(items: list[dict[str, Any]]) -> None:
        last_para = False
        for block in items:
            if "rows" in block:
                rows = [r for r in block["rows"] if r] or [[[]]]
                width = max(len(r) for r in rows)
                if not last_para:
                    add_para({})
                doc.units.append(TS)
                doc.tstyle.append(0)
                doc.pstyle.append(0)
                for r in rows:
                    doc.units.append(RS)
                    doc.tstyle.append(0)
                    doc.pstyle.append(0)
                    for cell in list(r) + [[]] * (width - len(r)):
                        doc.units.append(CS)
                        doc.tstyle.append(0)
                        doc.pstyle.append(0)
                        add_blocks(cell or [{}])
                doc.units.append(TE)
                doc.tstyle.append(0)
                doc.pstyle.append(0)
                last_para = False
            else:
                add_para(block)
                last_para = True
        if not last_para:
            add_para({})

    add_blocks(blocks)
    parse(doc.units)
    return doc


def from_text(text: str) -> Document:
    """A document with one paragraph per line of plain text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if text.endswith("\n"):
        text = text[:-1]
    return from_blocks([{"runs": [(line, {})]} if line else {} for line in text.split("\n")])
