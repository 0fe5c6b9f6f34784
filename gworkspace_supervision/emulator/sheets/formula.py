"""A deliberately small formula evaluator for the Sheets emulator.

It computes what a tracking sheet typically uses: literals, cell and range references (also on
other sheets), + - * / ^ & and comparisons, and SUM, COUNT, COUNTA, COUNTIF, COUNTIFS, SUMIF,
AVERAGE, MIN, MAX, ROUND, IF, IFERROR, AND, OR, NOT, LEN, CONCATENATE, HYPERLINK.
Anything else raises `Uncomputed`; the caller then reports the formula text itself as the
cell's effective value (a documented deviation: Google would compute it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .a1 import Box, parse_cells, split_sheet


class Uncomputed(Exception):
    """The emulator does not evaluate this formula."""


class FormulaError(Exception):
    """A spreadsheet error value such as #DIV/0! (type DIV_ZERO)."""

    def __init__(self, kind: str, shown: str, message: str) -> None:
        super().__init__(message)
        self.kind, self.shown, self.message = kind, shown, message


_TOKEN = re.compile(
    r"""\s*(?:
    (?P<str>"(?:[^"]|"")*")
    |(?P<ref>(?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_]*)!\$?[A-Za-z]{0,3}\$?\d*(?::\$?[A-Za-z]{0,3}\$?\d*)?
        |\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?(?![A-Za-z0-9_(])
        |\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}(?![A-Za-z0-9_(]))
    |(?P<num>\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)
    |(?P<name>[A-Za-z_][A-Za-z0-9_.]*)
    |(?P<op><>|<=|>=|[-+*/^&=<>(),;%])
    )""",
    re.VERBOSE,
)

Resolver = Callable[[str | None, Box], list[list[Any]]]


class Range(list):  # type: ignore[type-arg]
    """A 2-D block of values produced by a reference."""


def evaluate(formula: str, resolve: Resolver, depth: int = 0) -> Any:
    """Evaluate `=...`; `resolve(sheet_title_or_None, box)` returns the referenced values."""
    if depth > 20:
        raise FormulaError("REF", "#REF!", "Circular dependency detected.")
    tokens = _tokenize(formula[1:] if formula.startswith("=") else formula)
    parser = _Parser(tokens, resolve)
    value = parser.comparison()
    if parser.pos != len(tokens):
        raise Uncomputed(formula)
    if isinstance(value, Range):
        value = value[0][0] if value and value[0] else None
    return value


def _tokenize(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Uncomputed(text)
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], resolve: Resolver) -> None:
        self.tokens, self.pos, self.resolve = tokens, 0, resolve

    def peek(self) -> str:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else ""

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def comparison(self) -> Any:
        left = self.concat()
        while self.peek() in ("=", "<>", "<", ">", "<=", ">="):
            op = self.take()[1]
            left = _compare(op, _scalar(left), _scalar(self.concat()))
        return left

    def concat(self) -> Any:
        left = self.additive()
        while self.peek() == "&":
            self.take()
            left = _text(_scalar(left)) + _text(_scalar(self.additive()))
        return left

    def additive(self) -> Any:
        left = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            right = _num(_scalar(self.term()))
            left = _num(_scalar(left)) + right if op == "+" else _num(_scalar(left)) - right
        return left

    def term(self) -> Any:
        left = self.power()
        while self.peek() in ("*", "/"):
            op = self.take()[1]
            right = _num(_scalar(self.power()))
            if op == "/" and right == 0:
                raise FormulaError(
                    "DIV_ZERO", "#DIV/0!", "Function DIVIDE parameter 2 cannot be zero."
                )
            left = _num(_scalar(left)) * right if op == "*" else _num(_scalar(left)) / right
        return left

    def power(self) -> Any:
        left = self.unary()
        while self.peek() == "^":
            self.take()
            left = _num(_scalar(left)) ** _num(_scalar(self.unary()))
        return left

    def unary(self) -> Any:
        if self.peek() in ("-", "+"):
            op = self.take()[1]
            value = _num(_scalar(self.unary()))
            return -value if op == "-" else value
        value = self.primary()
        if self.peek() == "%":
            self.take()
            value = _num(_scalar(value)) / 100
        return value

    def primary(self) -> Any:
        if self.pos >= len(self.tokens):
            raise Uncomputed("unexpected end")
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind == "ref":
            title, cells = split_sheet(text)
            box = parse_cells(cells)
            if box is None:
                raise Uncomputed(text)
            return Range(self.resolve(title, box))
        if text == "(":
            value = self.comparison()
            self._expect(")")
            return value
        if kind == "name":
            upper = text.upper()
            if self.peek() == "(":
                self.take()
                args = self._args()
                return _call(upper, args)
            if upper in ("TRUE", "FALSE"):
                return upper == "TRUE"
        raise Uncomputed(text)

    def _args(self) -> list[Any]:
        args: list[Any] = []
        if self.peek() == ")":
            self.take()
            return args
        while True:
            args.append(self.comparison())
            sep = self.take()[1] if self.pos < len(self.tokens) else ""
            if sep == ")":
                return args
            if sep not in (",", ";"):
                raise Uncomputed("bad arguments")

    def _expect(self, text: str) -> None:
        if self.peek() != text:
            raise Uncomputed(f"expected {text}")
        self.take()


def _scalar(value: Any) -> Any:
    if isinstance(value, Range):
        return value[0][0] if value and value[0] else None
    return value


def _num(value: Any) -> float:
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        raise FormulaError(
            "VALUE", "#VALUE!", f"Value '{value}' cannot be parsed to number."
        ) from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _compare(op: str, a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        a, b = a.lower(), b.lower()
    elif isinstance(a, str) != isinstance(b, str):
        a, b = _text(a), _text(b)
    elif a is None or b is None:
        a, b = a or 0, b or 0
    ops = {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}
    return bool(ops[op])


def _flat(args: list[Any]) -> list[Any]:
    out: list[Any] = []
    for arg in args:
        if isinstance(arg, Range):
            out.extend(v for row in arg for v in row)
        else:
            out.append(arg)
    return out


def _numbers(args: list[Any]) -> list[float]:
    return [
        float(v) for v in _flat(args) if isinstance(v, (int, float)) and not isinstance(v, bool)
    ]


def _criterion(crit: Any) -> Callable[[Any], bool]:
    """COUNTIF-style criteria: "x", ">5", "<>DONE", or a plain value."""
    if isinstance(crit, str):
        m = re.match(r"^(<>|<=|>=|=|<|>)?(.*)$", crit, re.S)
        op, operand = (m.group(1) or "=") if m else "=", m.group(2) if m else crit
        target: Any = operand
        try:
            target = float(operand)
        except ValueError:
            target = operand
        return lambda v: (
            v not in (None, "") and _compare(op, v, target)
            if op != "<>"
            else _compare(op, v, target)
        )
    return lambda v: _compare("=", v, crit)


def _cells(arg: Any) -> list[Any]:
    return [v for row in arg for v in row] if isinstance(arg, Range) else [arg]


def _call(name: str, args: list[Any]) -> Any:
    if name == "HYPERLINK":
        return _scalar(args[-1]) if args else ""
    if name == "SUM":
        return sum(_numbers(args))
    if name == "COUNT":
        return float(len(_numbers(args)))
    if name == "COUNTA":
        return float(sum(1 for v in _flat(args) if v not in (None, "")))
    if name in ("AVERAGE", "MIN", "MAX"):
        nums = _numbers(args)
        if name == "AVERAGE":
            if not nums:
                raise FormulaError(
                    "DIV_ZERO",
                    "#DIV/0!",
                    "Evaluation of function AVERAGE caused a divide by zero error.",
                )
            return sum(nums) / len(nums)
        return (min(nums) if name == "MIN" else max(nums)) if nums else 0.0
    if name in ("COUNTIF", "COUNTIFS"):
        pairs = [
            (_cells(args[i]), _criterion(_scalar(args[i + 1]))) for i in range(0, len(args) - 1, 2)
        ]
        size = min(len(cells) for cells, _ in pairs) if pairs else 0
        return float(sum(1 for i in range(size) if all(test(cells[i]) for cells, test in pairs)))
    if name == "SUMIF":
        cells, test = _cells(args[0]), _criterion(_scalar(args[1]))
        totals = _cells(args[2]) if len(args) > 2 else cells
        return sum(
            _num(t)
            for c, t in zip(cells, totals, strict=False)
            if test(c) and isinstance(t, (int, float))
        )
    if name == "ROUND":
        return round(_num(_scalar(args[0])), int(_num(_scalar(args[1]))) if len(args) > 1 else 0)
    if name == "IF":
        cond = _scalar(args[0])
        chosen = (
            args[1]
            if (cond if isinstance(cond, bool) else _num(cond) != 0)
            else (args[2] if len(args) > 2 else False)
        )
        return _scalar(chosen)
    if name == "AND":
        return all(bool(v) for v in _flat(args))
    if name == "OR":
        return any(bool(v) for v in _flat(args))
    if name == "NOT":
        return not bool(_scalar(args[0]))
    if name == "LEN":
        return float(len(_text(_scalar(args[0]))))
    if name == "CONCATENATE":
        return "".join(_text(v) for v in _flat(args))
    raise Uncomputed(name)


def hyperlink_target(formula: str) -> str | None:
    """The URL of a `=HYPERLINK("url", ...)` formula (CellData.hyperlink)."""
    m = re.match(r'^=\s*HYPERLINK\(\s*"((?:[^"]|"")*)"', formula, re.I)
    return m.group(1).replace('""', '"') if m else None
