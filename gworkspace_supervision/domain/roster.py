"""The staff roster (CSV): who is supervised by whom, in which category, with what preferences.

Validation reports every problem at once, each with the file, the line in the file (header =
line 1), the column and what is wrong, so business support can fix the sheet in one pass.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from ..errors import InputError, Problem
from .policy import Policy, parse_time

REQUIRED = (
    "supervisee_email",
    "supervisee_name",
    "supervisor_email",
    "line_manager_email",
    "category",
)
OPTIONAL = (
    "supervisor_name", "line_manager_name", "team", "start_date", "preferred_day",
    "preferred_time", "interval_weeks", "location",
)  # fmt: skip
COLUMNS = REQUIRED + OPTIONAL

# Free-text columns: written to calendars, Docs and the tracking Sheet, so checked for safety.
TEXT_COLUMNS = (
    "supervisee_name", "supervisor_name", "line_manager_name", "team", "location",
    "supervisee_email", "supervisor_email", "line_manager_email",
)  # fmt: skip
MAX_FIELD = 200  # characters; a name or team longer than this is a paste gone wrong
FORMULA_START = ("=", "+", "-", "@")  # what spreadsheets read as the start of a formula

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")  # fmt: skip


@dataclass(frozen=True)
class RosterEntry:
    """One supervision relationship: a supervisee, their supervisor and line manager."""

    line: int
    supervisee_email: str
    supervisee_name: str
    supervisor_email: str
    supervisor_name: str
    line_manager_email: str
    line_manager_name: str
    team: str
    category: str
    start_date: date | None = None
    preferred_day: int | None = None  # 0 = Monday
    preferred_time: time | None = None
    interval_weeks: int | None = None
    location: str | None = None


Person = RosterEntry  # the name some callers use


def parse_day(text: str) -> int | None:
    """'Monday', 'mon', 'MON' -> 0; anything else -> None."""
    word = text.strip().lower()
    for index, name in enumerate(DAYS):
        if word == name or word == name[:3]:
            return index
    return None


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


def load_roster(
    path: str | Path, policy: Policy, allowed_domains: Collection[str] | None = None
) -> list[RosterEntry]:
    """Read and validate a roster file; raises InputError listing ALL problems."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(Problem(name, None, None, f"cannot read roster: {exc.strerror}")) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            Problem(name, 1, None, "saved as UTF-16 text; save the CSV as UTF-8 (CSV UTF-8)")
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            Problem(name, line, _column_at(raw, exc.start), "not UTF-8 text; save the CSV as UTF-8")
        ) from None
    return parse_roster(text, name, policy, allowed_domains)


def _column_at(raw: bytes, offset: int) -> str | None:
    """The header column holding byte `offset` of a file that failed to decode, if it can tell."""
    text = raw.decode("utf-8-sig", errors="replace")
    header = next(csv.reader(io.StringIO(text)), [])
    start = raw.rfind(b"\n", 0, offset) + 1
    if start == 0:
        return None  # the header itself
    prefix = raw[start:offset].decode("utf-8", errors="replace")
    index = len(next(csv.reader(io.StringIO(prefix)), [""])) - 1
    if 0 <= index < len(header):
        return f"column {header[index].strip().lower()}"
    return None


def _long_column(text: str, line: int, header: list[str] | None) -> str | None:
    """The column of the first over-long value on `line` (csv gives up before saying)."""
    lines = text.splitlines()
    if header is None or not 0 < line <= len(lines):
        return None
    for index, value in enumerate(lines[line - 1].split(",")):
        if len(value) > MAX_FIELD and index < len(header):
            return f"column {header[index]}"
    return None


def text_problem(value: str) -> str | None:
    """What makes a free-text cell unsafe to write to Calendar, Docs and the Sheet, or None."""
    for char in value:
        if unicodedata.category(char) == "Cc":
            return f"contains a control character (U+{ord(char):04X}); remove it"
    if len(value) > MAX_FIELD:
        return f"{len(value)} characters is too long (at most {MAX_FIELD})"
    if value.startswith(FORMULA_START):
        return (
            f"starts with {value[0]!r}, which a spreadsheet reads as a formula; "
            "remove the leading character"
        )
    return None


def parse_roster(
    text: str, name: str, policy: Policy, allowed_domains: Collection[str] | None = None
) -> list[RosterEntry]:
    """Validate roster CSV text (already decoded) named `name` in messages."""
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header: list[str] | None = None
    header_line = 0
    entries: list[RosterEntry] = []
    seen: dict[str, int] = {}
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
            header, header_line = [c.strip().lower() for c in row], line
            problems += _check_header(header, name, line)
            if problems:
                raise InputError(problems)
            continue
        entry = _parse_row(row, header, name, line, policy, allowed_domains, problems, seen)
        if entry is not None:
            entries.append(entry)
    if header is None:
        raise InputError(Problem(name, 1, None, "the roster is empty (no header row)"))
    if not entries and not problems:
        problems.append(Problem(name, header_line, None, "the roster has no staff rows"))
    if problems:
        raise InputError(problems)
    return entries


def _check_header(header: list[str], name: str, line: int) -> list[Problem]:
    if any(check_email(cell, None) is None for cell in header):  # a staff row came first
        expected = ", ".join(REQUIRED)
        return [Problem(name, line, "header", f"the first row must be the header ({expected}, "
                        "...); it looks like a staff row")]  # fmt: skip
    problems = []
    for column in header:
        if column not in COLUMNS:
            problems.append(
                Problem(
                    name,
                    line,
                    f"column {column or '(empty)'}",
                    f"unknown column; expected some of: {', '.join(COLUMNS)}",
                )  # fmt: skip
            )
    for column in REQUIRED:
        if column not in header:
            problems.append(Problem(name, line, f"column {column}", "required column missing"))
    duplicates = sorted({c for c in header if header.count(c) > 1 and c})
    for column in duplicates:
        problems.append(Problem(name, line, f"column {column}", "column appears twice"))
    return problems


def _parse_row(
    row: list[str],
    header: list[str],
    name: str,
    line: int,
    policy: Policy,
    allowed_domains: Collection[str] | None,
    problems: list[Problem],
    seen: dict[str, int],
) -> RosterEntry | None:
    before = len(problems)

    def bad(column: str, message: str) -> None:
        problems.append(Problem(name, line, f"column {column}", message))

    if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
        bad(str(len(header) + 1), f"{len(row)} values but the header has {len(header)} columns")
    cells = {column: (row[i].strip() if i < len(row) else "") for i, column in enumerate(header)}
    for column in REQUIRED:
        if not cells.get(column):
            bad(column, "required value missing")
    unsafe: set[str] = set()
    for column in TEXT_COLUMNS:
        wrong = text_problem(cells.get(column, ""))
        if wrong:
            bad(column, wrong)
            unsafe.add(column)
    emails = {}
    for column in ("supervisee_email", "supervisor_email", "line_manager_email"):
        value = cells.get(column, "").lower()
        emails[column] = value
        if value and column not in unsafe:
            wrong = check_email(value, allowed_domains)
            if wrong:
                bad(column, wrong)
    supervisee, supervisor = emails["supervisee_email"], emails["supervisor_email"]
    if supervisee and supervisee == supervisor:
        bad("supervisor_email", "the supervisor is the supervisee")
    if supervisee and supervisee == emails["line_manager_email"]:
        bad("line_manager_email", "the line manager is the supervisee")
    if supervisee in seen:
        bad(
            "supervisee_email",
            f"duplicate supervisee {supervisee!r} (first on line {seen[supervisee]})",
        )
    elif supervisee:
        seen[supervisee] = line

    category_key = cells.get("category", "").lower()
    category = policy.categories.get(category_key)
    if category_key and category is None:
        bad("category", f"unknown category {cells['category']!r} for policy {policy.key} "
            f"(known: {', '.join(policy.categories)})")  # fmt: skip

    start: date | None = None
    if cells.get("start_date"):
        try:
            start = date.fromisoformat(cells["start_date"])
            if len(cells["start_date"]) != 10:
                raise ValueError
        except ValueError:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cells["start_date"]):
                bad("start_date", f"impossible date {cells['start_date']!r}")
            else:
                bad("start_date", f"expected YYYY-MM-DD, got {cells['start_date']!r}")
            start = None
    elif category is not None and category.needs_start_date:
        bad("start_date", f"category {category.key} needs a start_date (YYYY-MM-DD)")

    day: int | None = None
    if cells.get("preferred_day"):
        day = parse_day(cells["preferred_day"])
        if day is None or day >= 5:
            bad(
                "preferred_day",
                f"expected a weekday such as Monday or Mon, got {cells['preferred_day']!r}",
            )
            day = None

    at: time | None = None
    if cells.get("preferred_time"):
        at = parse_time(cells["preferred_time"])
        if at is None:
            bad("preferred_time", f"expected HH:MM (24-hour), got {cells['preferred_time']!r}")
        else:
            first, last = policy.working_hours
            end_minutes = at.hour * 60 + at.minute + policy.session_minutes
            if at < first or end_minutes > last.hour * 60 + last.minute:
                bad("preferred_time", f"{at:%H:%M} + {policy.session_minutes} minutes is outside "
                    f"working hours {first:%H:%M}-{last:%H:%M}")  # fmt: skip
                at = None

    interval: int | None = None
    if cells.get("interval_weeks"):
        text = cells["interval_weeks"]
        if not text.isdigit() or not 1 <= int(text) <= 52:
            bad("interval_weeks", f"expected a whole number of weeks from 1 to 52, got {text!r}")
        elif category is not None and not category.needs_interval:
            bad(
                "interval_weeks",
                f"only used for categories with their own interval, not {category.key}",
            )
        else:
            interval = int(text)
    elif category is not None and category.needs_interval:
        bad("interval_weeks", f"category {category.key} needs interval_weeks")

    if len(problems) > before or category is None:
        return None
    return RosterEntry(
        line=line,
        supervisee_email=supervisee,
        supervisee_name=cells["supervisee_name"],
        supervisor_email=supervisor,
        supervisor_name=cells.get("supervisor_name") or supervisor,
        line_manager_email=emails["line_manager_email"],
        line_manager_name=cells.get("line_manager_name") or emails["line_manager_email"],
        team=cells.get("team", ""),
        category=category.key,
        start_date=start,
        preferred_day=day,
        preferred_time=at,
        interval_weeks=interval,
        location=cells.get("location") or None,
    )
