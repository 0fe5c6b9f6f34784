"""The caseload (CSV): which cases each worker holds, so each session gets a case-discussion agenda.

Only what the agenda rules need: the ICS case number, the allocated worker, the type of
involvement, when it was allocated (or transferred) and whether the child is under 2. Case
numbers only, never case content (Hillingdon Supervision Framework 4.4): the file may not carry
any other column, and a case number must look like an identifier, not a name or a sentence.
Validation is as strict as the roster's: every problem at once, each with file, line, column.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import Problem
from .csvfile import (
    Bad,
    check_email,
    decode,
    header_problems,
    parse_date,
    parse_rows,
    read_bytes,
)

REQUIRED = ("case_number", "worker_email", "involvement", "allocated_on", "under_2")
COLUMNS = REQUIRED

# The Supervision Guidance (case discussion) table "frequency of discussion by nature of
# involvement", as keys.
INVOLVEMENTS = (
    "level_2",
    "assessment",
    "child_in_need",
    "child_protection_plan",
    "looked_after_high_risk",
    "looked_after_settled_low_risk",
    "care_leaver_18_21",
    "care_leaver_21_plus",
)
# The table's own words and the usual abbreviations, normalised (see _norm).
ALIASES = {
    "level_2": "level_2",
    "l2": "level_2",
    "assessment": "assessment",
    "child_in_need": "child_in_need",
    "cin": "child_in_need",
    "child_protection_plan": "child_protection_plan",
    "child_protection": "child_protection_plan",
    "cp": "child_protection_plan",
    "cpp": "child_protection_plan",
    "cp_plan": "child_protection_plan",
    "looked_after_high_risk": "looked_after_high_risk",
    "looked_after_child_high_risk": "looked_after_high_risk",
    "lac_high_risk": "looked_after_high_risk",
    "looked_after_settled_low_risk": "looked_after_settled_low_risk",
    "looked_after_child_settled_low_risk": "looked_after_settled_low_risk",
    "lac_settled": "looked_after_settled_low_risk",
    "lac_settled_low_risk": "looked_after_settled_low_risk",
    "lac_low_risk": "looked_after_settled_low_risk",
    "care_leaver_18_21": "care_leaver_18_21",
    "care_leaver_18_21_years": "care_leaver_18_21",
    "care_leaver_21_plus": "care_leaver_21_plus",
    "care_leaver_21": "care_leaver_21_plus",
    "care_leaver_21_years": "care_leaver_21_plus",
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
# An ICS case number: letters, digits and - / _ only, at most 30 characters, no spaces.
_CASE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_-]{0,29}$")


@dataclass(frozen=True)
class Case:
    """One allocated case: an identifier and the facts the agenda rules use, nothing more."""

    line: int
    case_number: str
    worker_email: str
    involvement: str  # one of INVOLVEMENTS
    allocated_on: date  # allocated to this worker, or transferred to them
    under_two: bool


def _norm(text: str) -> str:
    """'Care Leaver 18 – 21 years' -> 'care_leaver_18_21_years'; 'LAC (high risk)' -> 'lac_high_risk'."""
    return "_".join(re.findall(r"[a-z0-9]+", text.lower()))


def parse_involvement(text: str) -> str | None:
    """A caseload's involvement cell as an INVOLVEMENTS key, or None if not recognised."""
    return ALIASES.get(_norm(text))


def load_caseload(
    path: str | Path,
    allowed_domains: Collection[str] | None = None,
    known_workers: Collection[str] | None = None,
) -> list[Case]:
    """Read and validate a caseload file; raises InputError listing ALL problems."""
    text = decode(read_bytes(path, "caseload"), str(path))
    return parse_caseload(text, str(path), allowed_domains, known_workers)


def parse_caseload(
    text: str,
    name: str,
    allowed_domains: Collection[str] | None = None,
    known_workers: Collection[str] | None = None,
) -> list[Case]:
    """Validate caseload CSV text named `name` in messages. `known_workers` (the roster's
    supervisees) makes a case allocated to anyone else a problem."""
    seen: dict[str, int] = {}
    workers = {w.lower() for w in known_workers} if known_workers is not None else None
    return parse_rows(
        text,
        name,
        lambda header, line: _check_header(header, name, line),
        lambda cells, line, bad: _parse_row(cells, line, bad, allowed_domains, workers, seen),
        required=REQUIRED,
        empty=Problem(name, None, None, "the caseload is empty (no header row)"),
        no_rows="the caseload has no case rows",
    )


def _check_header(header: list[str], name: str, line: int) -> list[Problem]:
    unknown = (
        f"unknown column; a caseload holds only: {', '.join(COLUMNS)} "
        "(case numbers only, never case content: the records are personal data)"
    )
    return header_problems(header, name, line, columns=COLUMNS, required=REQUIRED, unknown=unknown)


def _parse_row(
    cells: dict[str, str],
    line: int,
    bad: Bad,
    allowed_domains: Collection[str] | None,
    workers: set[str] | None,
    seen: dict[str, int],
) -> Case | None:
    number = cells.get("case_number", "")
    if number and not _CASE_NUMBER.match(number):
        bad("case_number", "expected an ICS case number (letters, digits, - / _; no spaces), "
            "not names or notes")  # fmt: skip
    elif number in seen:
        bad("case_number", f"duplicate case number {number!r} (first on line {seen[number]})")
    elif number:
        seen[number] = line

    worker = cells.get("worker_email", "").lower()
    if worker:
        wrong = check_email(worker, allowed_domains)
        if wrong:
            bad("worker_email", wrong)
        elif workers is not None and worker not in workers:
            bad("worker_email", f"{worker!r} is not a supervisee in the roster")

    involvement: str | None = None
    if cells.get("involvement"):
        involvement = parse_involvement(cells["involvement"])
        if involvement is None:
            bad("involvement", f"unknown type of involvement {cells['involvement']!r} "
                f"(known: {', '.join(INVOLVEMENTS)})")  # fmt: skip

    allocated: date | None = None
    if cells.get("allocated_on"):
        allocated = parse_date(cells["allocated_on"], "allocated_on", bad)

    under_two = False
    flag = cells.get("under_2", "").lower()
    if flag:
        if flag in YES:
            under_two = True
        elif flag not in NO:
            bad("under_2", f"expected yes or no, got {cells['under_2']!r}")

    if involvement is None or allocated is None:
        return None  # a problem was reported; parse_rows keeps no row with problems
    return Case(line, number, worker, involvement, allocated, under_two)
