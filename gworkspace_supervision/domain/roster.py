"""The staff roster (CSV): who is supervised by whom, in which category, with what preferences.

Validation reports every problem at once, each with the file, the line in the file (header =
line 1), the column and what is wrong, so business support can fix the sheet in one pass.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from ..errors import InputError, Problem
from .csvfile import (
    Bad,
    check_email,
    decode,
    header_problems,
    parse_date,
    parse_number,
    parse_rows,
    read_bytes,
)
from .policy import Policy, parse_time
from .text import FORMULA_START as FORMULA_START  # re-exported: the formula prefixes
from .text import text_problem

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
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


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


def load_roster(
    path: str | Path, policy: Policy, allowed_domains: Collection[str] | None = None
) -> list[RosterEntry]:
    """Read and validate a roster file; raises InputError listing ALL problems."""
    name = str(path)
    raw = read_bytes(path, "roster")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            Problem(name, 1, None, "saved as UTF-16 text; save the CSV as UTF-8 (CSV UTF-8)")
        )
    return parse_roster(decode(raw, name, _column_at), name, policy, allowed_domains)


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


def parse_roster(
    text: str, name: str, policy: Policy, allowed_domains: Collection[str] | None = None
) -> list[RosterEntry]:
    """Validate roster CSV text (already decoded) named `name` in messages."""
    seen: dict[str, int] = {}
    return parse_rows(
        text,
        name,
        lambda header, line: _check_header(header, name, line),
        lambda cells, line, bad: _parse_row(cells, line, bad, policy, allowed_domains, seen),
        required=REQUIRED,
        empty=Problem(name, 1, None, "the roster is empty (no header row)"),
        no_rows="the roster has no staff rows",
    )


def _check_header(header: list[str], name: str, line: int) -> list[Problem]:
    if any(check_email(cell, None) is None for cell in header):  # a staff row came first
        expected = ", ".join(REQUIRED)
        return [Problem(name, line, "header", f"the first row must be the header ({expected}, "
                        "...); it looks like a staff row")]  # fmt: skip
    unknown = f"unknown column; expected some of: {', '.join(COLUMNS)}"
    return header_problems(header, name, line, columns=COLUMNS, required=REQUIRED, unknown=unknown)


def _parse_row(
    cells: dict[str, str],
    line: int,
    bad: Bad,
    policy: Policy,
    allowed_domains: Collection[str] | None,
    seen: dict[str, int],
) -> RosterEntry | None:
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
        start = parse_date(cells["start_date"], "start_date", bad)
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
        weeks = parse_number(
            cells["interval_weeks"], "interval_weeks", bad, 1, 52, "a whole number of weeks"
        )
        if weeks is not None and category is not None and not category.needs_interval:
            bad(
                "interval_weeks",
                f"only used for categories with their own interval, not {category.key}",
            )
        else:
            interval = weeks
    elif category is not None and category.needs_interval:
        bad("interval_weeks", f"category {category.key} needs interval_weeks")

    if category is None:
        return None  # a problem was reported; parse_rows keeps no row with problems
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
