"""Checks a command makes before it connects: can this year be planned from these inputs?

`check_plannable` turns the domain's reasons (no working day left, a supervisor with more
supervisees than their days can hold) into InputErrors naming the closure setting's file and
line or the roster line, so the command stops with exit 2 before a workspace folder exists.
`plan_or_input_error` runs the planner itself the same way: a pair that cannot be fitted is a
roster problem (too many supervisees), named by its line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from ..domain.absences import Absence, load_absences
from ..domain.capacity import plannable_problems
from ..domain.planner import Plan, PlanningError, plan_year
from ..domain.policy import decode_text, key_line
from ..domain.roster import RosterEntry
from ..errors import InputError, Problem
from ..files import MAX_TOML_BYTES, read_input

T = TypeVar("T")


def _key_line(file: str, key: str) -> int | None:
    try:
        return key_line(decode_text(read_input(file, "file", MAX_TOML_BYTES), file), key)
    except InputError:
        return None


def check_plannable(
    inputs: Any, year: int, start: date | None, roster_file: str | Path | None
) -> None:
    """InputError listing why `year` cannot be planned from `inputs` (an options.Inputs)."""
    settings, policy, roster = inputs.settings, inputs.policy, inputs.roster
    closures = settings.organisation.closure_days
    found = plannable_problems(roster, policy, year, start, closures)
    problems: list[Problem] = []
    for reason in found:
        if reason.entry is not None:
            problems.append(
                Problem(str(roster_file or "roster"), reason.entry.line,
                        "column supervisor_email", reason.message)
            )  # fmt: skip
        for who in reason.closures:
            if who == "policy":
                key, file = "policy.closure_days", policy.source
            else:
                key, file = "organisation.closure_days", settings.source or "settings"
            problems.append(Problem(file, _key_line(file, key), key, reason.message))
    if problems:
        raise InputError(problems)


def plan_or_input_error(
    make: Callable[[], T], roster: Sequence[RosterEntry], roster_file: str | Path | None
) -> T:
    """`make()` (a plan); a pair the planner cannot fit becomes an InputError at its roster
    line: the roster gives that supervisor more supervisees than their diary holds."""
    try:
        return make()
    except PlanningError as exc:
        line = next(
            (
                e.line
                for e in roster
                if e.supervisee_email == exc.supervisee and e.supervisor_email == exc.supervisor
            ),
            None,
        )
        raise InputError(
            Problem(str(roster_file or "roster"), line, "column supervisor_email", str(exc))
        ) from None


def plan_before_calls(
    inputs: Any, year: int, start: date | None, absences: Path | None, roster: Path | None
) -> tuple[Plan, tuple[Absence, ...]]:
    """The year planned from the inputs alone (no one's diary) and the absences file read:
    every input problem, a pair the planner cannot fit included, is exit 2 before any call."""
    away = tuple(
        load_absences(absences, inputs.settings.organisation.allowed_domains) if absences else ()
    )
    plan = plan_or_input_error(
        lambda: plan_year(
            inputs.roster,
            inputs.policy,
            year,
            start=start,
            closure_days=inputs.closure_days,
            absences=away,
        ),
        inputs.roster,
        roster or inputs.settings.supervision.roster,
    )
    return plan, away
