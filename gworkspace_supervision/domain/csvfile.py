"""Reading a CSV input (the roster, the caseload) the one way: every problem at once, located.

What Excel leaves in a file is tolerated (a UTF-8 BOM, blank lines, header case and spaces);
everything else becomes a Problem with the file, the line (header = line 1), the column and
what is wrong, collected so business support can fix the sheet in one pass.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Sequence
from datetime import date
from pathlib import Path
from typing import TypeVar

from ..errors import InputError, Problem
from ..files import MAX_CSV_BYTES, read_input
from .text import MAX_TEXT, ascii_number

T = TypeVar("T")
Bad = Callable[[str, str], None]  # bad(column, message): one problem in the current row

MAX_FIELD = MAX_TEXT  # characters; a name or team longer than this is a paste gone wrong
MAX_COLUMNS = 100  # a header wider than this is not a roster (a 60,000-column paste)
# Dates a person can mean: anything outside is a typo (9999-12-31 overflows date arithmetic).
FIRST_DATE = date(1950, 1, 1)
LAST_DATE = date(2100, 12, 31)
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")  # fmt: skip


def check_email(text: str, allowed_domains: Collection[str] | None) -> str | None:
    """What is wrong with an email address, or None if it is fine."""
    if not _EMAIL.match(text):
        return f"malformed email address {text!r}"
    if allowed_domains is not None:
        domain = text.rsplit("@", 1)[1].lower()
        if domain not in {d.lower() for d in allowed_domains}:
            allowed = ", ".join(sorted(allowed_domains)) or "none"
            return f"{text!r} is outside the allowed domains ({allowed})"
    return None


def read_bytes(path: str | Path, what: str) -> bytes:
    """The file's bytes; InputError naming the file if it is missing, not a regular file
    (a FIFO, a device) or over MAX_CSV_BYTES, checked before reading (see files.read_input)."""
    return read_input(path, what, MAX_CSV_BYTES)


def decode(
    raw: bytes, name: str, column_at: Callable[[bytes, int], str | None] | None = None
) -> str:
    """UTF-8 text (a BOM dropped); InputError at the line (and, given `column_at`, column)
    of the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = column_at(raw, exc.start) if column_at else None
        raise InputError(
            Problem(name, line, column, "not UTF-8 text; save the CSV as UTF-8")
        ) from None


def parse_rows(
    text: str,
    name: str,
    check_header: Callable[[list[str], int], list[Problem]],
    parse_row: Callable[[dict[str, str], int, Bad], T | None],
    *,
    required: Sequence[str],
    empty: Problem,
    no_rows: str,
) -> list[T]:
    """Each non-blank row after the header through `parse_row(cells, line, bad)`.

    The header is lower-cased and stripped; header problems stop at once (nothing else can be
    read), row problems are collected and raised together: a row with any is not kept.
    `cells` is the row by column (see `cells_of`). `empty` is the problem for a file with no
    header; `no_rows` the message for a header with nothing under it.
    """
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header: list[str] | None = None
    header_line = 0
    found: list[T] = []
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a field over csv's size limit
            line = reader.line_num
            raise InputError(
                Problem(name, line, _long_column(text, line, header), f"not readable as CSV: {exc}")
            ) from None
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank lines are tolerated
        if header is None:
            if len(row) > MAX_COLUMNS:
                raise InputError(
                    Problem(name, line, "header", f"{len(row):,} columns; a file this wide is "
                            f"not the expected CSV (at most {MAX_COLUMNS} columns)")
                )  # fmt: skip
            header, header_line = [c.strip().lower() for c in row], line
            problems += check_header(header, line)
            if problems:
                raise InputError(problems)
            continue
        before = len(problems)
        bad = _bad(problems, name, line)
        item = parse_row(cells_of(row, header, required, bad), line, bad)
        if item is not None and len(problems) == before:
            found.append(item)
    if header is None:
        raise InputError(empty)
    if not found and not problems:
        problems.append(Problem(name, header_line, None, no_rows))
    if problems:
        raise InputError(problems)
    return found


def _bad(problems: list[Problem], name: str, line: int) -> Bad:
    def bad(column: str, message: str) -> None:
        problems.append(Problem(name, line, f"column {column}", message))

    return bad


def _long_column(text: str, line: int, header: list[str] | None) -> str | None:
    """The column of the first over-long value on `line` (csv gives up before saying)."""
    lines = text.splitlines()
    if header is None or not 0 < line <= len(lines):
        return None
    for index, value in enumerate(lines[line - 1].split(",")):
        if len(value) > MAX_FIELD and index < len(header):
            return f"column {header[index]}"
    return None


def header_problems(
    header: list[str],
    name: str,
    line: int,
    *,
    columns: Sequence[str],
    required: Sequence[str],
    unknown: str,
) -> list[Problem]:
    """Unknown (message `unknown`), missing required and repeated columns."""
    problems = []
    for column in header:
        if column not in columns:
            problems.append(Problem(name, line, f"column {column or '(empty)'}", unknown))
    for column in required:
        if column not in header:
            problems.append(Problem(name, line, f"column {column}", "required column missing"))
    for column in sorted({c for c in header if header.count(c) > 1 and c}):
        problems.append(Problem(name, line, f"column {column}", "column appears twice"))
    return problems


def cells_of(
    row: list[str], header: list[str], required: Sequence[str], bad: Bad
) -> dict[str, str]:
    """A row as {column: stripped value}; values past the header and missing required
    values are problems."""
    if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
        bad(str(len(header) + 1), f"{len(row)} values but the header has {len(header)} columns")
    cells = {column: (row[i].strip() if i < len(row) else "") for i, column in enumerate(header)}
    for column in required:
        if not cells.get(column):
            bad(column, "required value missing")
    return cells


def parse_date(text: str, column: str, bad: Bad) -> date | None:
    """A YYYY-MM-DD cell in ASCII digits from FIRST_DATE to LAST_DATE, or None with a problem
    saying whether it is misformed, impossible or out of range."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        bad(column, f"expected YYYY-MM-DD, got {text!r}")
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        bad(column, f"impossible date {text!r}")
        return None
    if not FIRST_DATE <= day <= LAST_DATE:
        bad(column, f"{text} is outside {FIRST_DATE.year}-{LAST_DATE.year}; is it a typo?")
        return None
    return day


def parse_number(text: str, column: str, bad: Bad, low: int, high: int, what: str) -> int | None:
    """A whole number in ASCII digits from `low` to `high`, or None with a problem."""
    number = ascii_number(text)
    if number is None or not low <= number <= high:
        bad(column, f"expected {what} from {low} to {high} in digits 0-9, got {text!r}")
        return None
    return number
