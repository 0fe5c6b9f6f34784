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
from .people import PairPeople
from .policy import Category, Policy, parse_time
from .text import FORMULA_START as FORMULA_START  # re-exported: the formula prefixes
from .text import text_problem

REQUIRED = (
    "supervisee_email",
    "supervisee_name",
    "supervisor_email",
    "line_manager_email",
)
# A person's cadence: `category` (today's rosters: a role or a status, one column), or `role`
# with an optional time-bounded `status` (status_start..status_end) that overrides it.
CADENCE_COLUMNS = ("category", "role", "status")
OPTIONAL = (
    "supervisor_name", "line_manager_name", "team", "start_date", "preferred_day",
    "preferred_time", "interval_weeks", "location", "category", "role", "status",
    "status_start", "status_end", "end_date",
)  # fmt: skip
COLUMNS = REQUIRED + OPTIONAL

# Free-text columns: written to calendars, Docs and the tracking Sheet, so checked for safety.
TEXT_COLUMNS = (
    "supervisee_name", "supervisor_name", "line_manager_name", "team", "location",
    "supervisee_email", "supervisor_email", "line_manager_email",
)  # fmt: skip
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class RosterEntry(PairPeople):
    """One supervision relationship: a supervisee, their supervisor and line manager (the
    PairPeople fields; `category` is where the cadence starts: the status if any, else the
    role), and what bounds and shapes their year."""

    line: int
    start_date: date | None = None  # in post from (nothing is planned before it)
    preferred_day: int | None = None  # 0 = Monday
    preferred_time: time | None = None
    interval_weeks: int | None = None  # a performance plan's interval
    end_date: date | None = None  # leaving / end of a fixed-term contract (nothing after it)
    role: str | None = None  # None: the category's `then`, or the category itself
    status: str | None = None  # a time-bounded status overriding the role's cadence
    status_start: date | None = None  # None: from start_date
    status_end: date | None = None  # None: as long as the status's own phases run

    @property
    def categories(self) -> tuple[str, ...]:
        """Every category the person is in (an [[events]] rule for any of them applies)."""
        return tuple(dict.fromkeys(c for c in (self.category, self.role, self.status) if c))


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
    problems = header_problems(
        header, name, line, columns=COLUMNS, required=REQUIRED, unknown=unknown
    )
    if not any(column in header for column in ("category", "role")):
        problems.append(Problem(name, line, "column category", "required column missing "
                                "(or give the columns role and, optionally, status)"))  # fmt: skip
    return problems


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

    kinds = _cadence(cells, bad, policy)
    start: date | None = None
    if cells.get("start_date"):
        start = parse_date(cells["start_date"], "start_date", bad)
    end: date | None = None
    if cells.get("end_date"):
        end = parse_date(cells["end_date"], "end_date", bad)
        if end is not None and start is not None and end < start:
            bad("end_date", f"{end} is before the start_date {start}")
    category = kinds[0]
    status = policy.categories[kinds[2]] if kinds[2] else None
    status_start = status_end = None
    for column in ("status_start", "status_end"):
        if cells.get(column) and status is None:
            bad(column, "only used with a status (the status column)")
    if status is not None:
        if cells.get("status_start"):
            status_start = parse_date(cells["status_start"], "status_start", bad)
            if status_start and start and status_start < start:
                bad("status_start", f"{status_start} is before the start_date {start}")
        if cells.get("status_end"):
            status_end = parse_date(cells["status_end"], "status_end", bad)
            begins = status_start or start
            if status_end and begins and status_end <= begins:
                bad("status_end", f"{status_end} is not after the status start {begins}")
            if status_end and kinds[1] is None and status.then is None:
                bad("role", f"a status that ends ({status.key} to {status_end}) needs the role "
                    "whose cadence follows it")  # fmt: skip
        if status.needs_start_date and (status_start or start) is None:
            if cells.get("status"):
                bad("status_start", f"status {status.key} needs a status_start or start_date "
                    "(YYYY-MM-DD) to count its phases from")  # fmt: skip
            else:
                bad("start_date", f"category {status.key} needs a start_date (YYYY-MM-DD)")

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
            minutes = policy.minutes_for(kinds[1] or (category.key if category else None))
            end_minutes = at.hour * 60 + at.minute + minutes
            if at < first or end_minutes > last.hour * 60 + last.minute:
                bad("preferred_time", f"{at:%H:%M} + {minutes} minutes is outside "
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
        elif weeks is not None and policy.floor is not None and policy.floor.breaks(weeks):
            bad("interval_weeks", policy.floor.refusal(f"every {weeks} weeks"))
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
        category=kinds[1] or category.key,  # the role when there is one: a stable identity
        start_date=start,
        preferred_day=day,
        preferred_time=at,
        interval_weeks=interval,
        location=cells.get("location") or None,
        end_date=end,
        role=kinds[1],
        status=kinds[2],
        status_start=status_start,
        status_end=status_end,
    )


def _cadence(
    cells: dict[str, str], bad: Bad, policy: Policy
) -> tuple[Category | None, str | None, str | None]:
    """(the category the cadence starts in, role key, status key) from `category` (today's
    rosters: a role or a status) or `role` + optional `status`; problems name the column."""
    given = {c: cells.get(c, "").lower() for c in CADENCE_COLUMNS}

    def known(column: str, want_status: bool) -> Category | None:
        found = policy.categories.get(given[column])
        if found is None:
            choices = {"category": list(policy.categories), "role": policy.roles,
                       "status": policy.statuses}[column]  # fmt: skip
            bad(column, f"unknown {column} {cells[column]!r} for policy {policy.key} "
                f"(known: {', '.join(choices) or 'none'})")  # fmt: skip
            return None
        if column != "category" and found.status != want_status:
            what = "a status" if found.status else "a role"
            bad(column, f"{found.key} is {what} in policy {policy.key}; put it in the "
                f"{'status' if found.status else 'role'} column")  # fmt: skip
            return None
        return found

    if given["category"]:
        if given["role"] or given["status"]:
            bad("category", "give either category, or role (and status), not both")
            return None, None, None
        found = known("category", False)
        if found is None:
            return None, None, None
        if found.status:
            return found, None, found.key
        return found, found.key, None
    if not given["role"] and not given["status"]:
        bad("role" if "role" in cells else "category", "required value missing")
        return None, None, None
    role = known("role", False) if given["role"] else None
    status = known("status", True) if given["status"] else None
    if (given["role"] and role is None) or (given["status"] and status is None):
        return None, None, None
    first = status or role
    return first, role.key if role else None, status.key if status else None
