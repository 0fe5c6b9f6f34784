"""Leave and absence (CSV: person, from, to, reason): sessions that fall while a supervisee is
away move to the first free slot after they return, and the gap is recorded with its reason.

Islington Case Management Supervision Policy: when a practitioner is on leave "which results in
a gap in supervision, this must be clearly recorded ... Supervision must be scheduled as a
priority when the practitioner returns". A supervisor's own absence is cover (Hillingdon
Supervision Framework 3.4): the plan names the sessions that need it.

Validated like the roster: every problem at once, with file, line and column.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import InputError, Problem
from .csvfile import Bad, check_email, decode, header_problems, parse_date, parse_rows, read_bytes

REQUIRED = ("person", "from", "to")
COLUMNS = (*REQUIRED, "reason")
MAX_REASON = 100  # written to the plan and the tracker: a word or two, never details


@dataclass(frozen=True)
class Absence:
    """One person away from `first` to `last` inclusive (`line` of the absences file)."""

    person: str
    first: date
    last: date
    reason: str = "leave"
    line: int = 0

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last

    @property
    def text(self) -> str:
        return f"{self.reason} {self.first:%d %b}-{self.last:%d %b %Y}"


def load_absences(
    path: str | Path, allowed_domains: Collection[str] | None = None
) -> list[Absence]:
    name = str(path)
    raw = read_bytes(path, "absences")
    return parse_absences(decode(raw, name), name, allowed_domains)


def parse_absences(
    text: str, name: str, allowed_domains: Collection[str] | None = None
) -> list[Absence]:
    """Validate absences CSV text; overlapping absences of one person are a problem."""
    absences = parse_rows(
        text,
        name,
        lambda header, line: header_problems(
            header,
            name,
            line,
            columns=COLUMNS,
            required=REQUIRED,
            unknown=f"unknown column; expected some of: {', '.join(COLUMNS)}",
        ),  # fmt: skip
        lambda cells, line, bad: _row(cells, line, bad, allowed_domains),
        required=REQUIRED,
        empty=Problem(name, 1, None, "the absences file is empty (no header row)"),
        no_rows="the absences file has no rows",
    )
    problems = []
    by_person: dict[str, list[Absence]] = {}
    for absence in absences:
        for other in by_person.get(absence.person, ()):
            if absence.first <= other.last and other.first <= absence.last:
                problems.append(Problem(name, absence.line, "column from", (
                    f"overlaps the absence on line {other.line} "
                    f"({other.first}..{other.last}); merge them into one row"
                )))  # fmt: skip
        by_person.setdefault(absence.person, []).append(absence)
    if problems:
        raise InputError(problems)
    return absences


def _row(
    cells: dict[str, str], line: int, bad: Bad, allowed_domains: Collection[str] | None
) -> Absence | None:
    person = cells.get("person", "").lower()
    if person:
        wrong = check_email(person, allowed_domains)
        if wrong:
            bad("person", wrong)
    first = parse_date(cells["from"], "from", bad) if cells.get("from") else None
    last = parse_date(cells["to"], "to", bad) if cells.get("to") else None
    if first and last and last < first:
        bad("to", f"{last} is before from {first}")
    reason = cells.get("reason") or "leave"
    if len(reason) > MAX_REASON or any(not c.isprintable() for c in reason):
        bad("reason", f"a short printable reason of up to {MAX_REASON} characters, such as "
            "'annual leave' or 'sickness' (never medical details)")  # fmt: skip
    if not person or first is None or last is None:
        return None
    return Absence(person, first, last, reason, line)


def by_person(absences: Iterable[Absence]) -> dict[str, list[Absence]]:
    out: dict[str, list[Absence]] = {}
    for absence in absences:
        out.setdefault(absence.person, []).append(absence)
    for items in out.values():
        items.sort(key=lambda a: a.first)
    return out
