"""Drive v3 files.list `q`: a parser for the search grammar, compiled to a predicate on files.

Supported terms (Google's operators per term): name (contains, =, !=), mimeType (contains, =,
!=), fullText is NOT supported, modifiedTime/createdTime (<, <=, =, !=, >, >=), trashed/starred/
sharedWithMe (=, !=), 'x' in parents|owners|writers|readers, properties/appProperties has
{ key='k' and value='v' }; joined with and/or/not and parentheses. Anything else is Google's
400 "Invalid Value" -- never a silent match-all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..core.api import HttpError
from .files import ROLE_RANK, owner_of, role_of, root_id

Pred = Callable[[dict[str, Any], str], bool]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op><=|>=|!=|=|<|>)
      | (?P<punct>[(){}])
      | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
      | (?P<num>-?\d+)
    )""",
    re.VERBOSE,
)


def invalid() -> HttpError:
    return HttpError(400, "invalid", "Invalid Value")


@dataclass
class Tok:
    kind: str  # str, op, punct, word, num
    value: str


def tokenize(q: str) -> list[Tok]:
    toks: list[Tok] = []
    pos = 0
    q = q.rstrip()
    while pos < len(q):
        m = _TOKEN.match(q, pos)
        if m is None or m.end() == pos:
            raise invalid()
        pos = m.end()
        kind = m.lastgroup or ""
        text = m.group(kind)
        if kind == "str":
            text = re.sub(r"\\(.)", r"\1", text[1:-1])
        toks.append(Tok(kind, text))
    return toks


def _parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise invalid() from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _word_prefix(haystack: str, needle: str) -> bool:
    """Google's `name contains` is prefix matching on words, case-insensitively."""
    hay, nee = haystack.lower(), needle.lower()
    start = hay.find(nee)
    while start >= 0:
        if start == 0 or not hay[start - 1].isalnum():
            return True
        start = hay.find(nee, start + 1)
    return False


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "=":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)


class _Parser:
    def __init__(self, toks: list[Tok]) -> None:
        self.toks = toks
        self.pos = 0
        self.parent_hint: str | None = None

    def peek(self, offset: int = 0) -> Tok | None:
        i = self.pos + offset
        return self.toks[i] if i < len(self.toks) else None

    def take(self, kind: str, value: str | None = None) -> Tok:
        tok = self.peek()
        if tok is None or tok.kind != kind or (value is not None and tok.value.lower() != value):
            raise invalid()
        self.pos += 1
        return tok

    def is_word(self, value: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "word" and tok.value.lower() == value

    # expr := and ('or' and)*
    def expr(self, top: bool = False) -> Pred:
        preds = [self.conj(top and True)]
        while self.is_word("or"):
            self.pos += 1
            preds.append(self.conj(False))
        if len(preds) > 1:
            self.parent_hint = None if top else self.parent_hint
            return lambda f, u: any(p(f, u) for p in preds)
        return preds[0]

    def conj(self, top: bool) -> Pred:
        preds = [self.unary(top)]
        while self.is_word("and"):
            self.pos += 1
            preds.append(self.unary(top))
        if len(preds) == 1:
            return preds[0]
        return lambda f, u: all(p(f, u) for p in preds)

    def unary(self, top: bool) -> Pred:
        if self.is_word("not"):
            self.pos += 1
            inner = self.unary(False)
            return lambda f, u: not inner(f, u)
        tok = self.peek()
        if tok is not None and tok.kind == "punct" and tok.value == "(":
            self.pos += 1
            inner = self.expr()
            self.take("punct", ")")
            return inner
        return self.term(top)

    def term(self, top: bool) -> Pred:
        tok = self.peek()
        if tok is None:
            raise invalid()
        if tok.kind == "str":
            self.pos += 1
            self.take("word", "in")
            field = self.take("word").value
            return self.membership(tok.value, field, top)
        field = self.take("word").value
        if field in ("properties", "appProperties"):
            return self.has(field)
        op_tok = self.peek()
        if op_tok is None:
            raise invalid()
        op = op_tok.value.lower() if op_tok.kind in ("op", "word") else ""
        self.pos += 1
        if op not in ("=", "!=", "<", "<=", ">", ">=", "contains"):
            raise invalid()
        value = self.peek()
        if value is None:
            raise invalid()
        self.pos += 1
        return self.comparison(field, op, value)

    def membership(self, value: str, field: str, top: bool) -> Pred:
        if field == "parents":
            if top:
                self.parent_hint = value
            return lambda f, u: (root_id(u) if value == "root" else value) in f.get("parents", [])
        if field not in ("owners", "writers", "readers"):
            raise invalid()
        need = {"owners": "owner", "writers": "writer", "readers": "reader"}[field]

        def pred(f: dict[str, Any], u: str) -> bool:
            who = u if value == "me" else value.lower()
            if need == "owner":
                return owner_of(f).lower() == who
            role = role_of(f, who)
            return role is not None and ROLE_RANK[role] >= ROLE_RANK[need]

        return pred

    def has(self, field: str) -> Pred:
        self.take("word", "has")
        self.take("punct", "{")
        self.take("word", "key")
        self.take("op", "=")
        key = self.take("str").value
        self.take("word", "and")
        self.take("word", "value")
        self.take("op", "=")
        value = self.take("str").value
        self.take("punct", "}")
        return lambda f, u: (f.get(field) or {}).get(key) == value

    def comparison(self, field: str, op: str, tok: Tok) -> Pred:
        if field in ("name", "mimeType", "description"):
            if tok.kind != "str" or op not in ("=", "!=", "contains"):
                raise invalid()
            text = tok.value
            if op == "contains":
                if field == "name":
                    return lambda f, u: _word_prefix(f.get("name", ""), text)
                return lambda f, u: text.lower() in f.get(field, "").lower()
            return lambda f, u: _compare(op, f.get(field, ""), text)
        if field in ("modifiedTime", "createdTime"):
            if tok.kind != "str" or op == "contains":
                raise invalid()
            when = _parse_time(tok.value)
            return lambda f, u: _compare(op, _parse_time(f[field]), when)
        if field in ("trashed", "starred", "sharedWithMe"):
            if tok.kind != "word" or tok.value not in ("true", "false") or op not in ("=", "!="):
                raise invalid()
            want = tok.value == "true"
            if field == "sharedWithMe":
                return lambda f, u: _compare(
                    op, owner_of(f).lower() != u and role_of(f, u) is not None, want
                )
            return lambda f, u: _compare(op, bool(f.get(field, False)), want)
        raise invalid()


@dataclass
class Query:
    """A compiled q: `matches(file, user)`, and the folder id if q pins `'ID' in parents`."""

    matches: Pred
    parent_hint: str | None


def compile_query(q: str | None) -> Query:
    if not q or not q.strip():
        return Query(lambda f, u: True, None)
    parser = _Parser(tokenize(q))
    pred = parser.expr(top=True)
    if parser.pos != len(parser.toks):
        raise invalid()
    return Query(pred, parser.parent_hint)
