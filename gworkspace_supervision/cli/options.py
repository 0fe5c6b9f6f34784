"""Click options and input loading shared by the commands.

`load_inputs` is the one place a command turns --config/--policy/--roster into validated
settings, policy and roster, so every command validates the same way (exit 2, all problems);
`load_settings_policy` does the same for commands that read the Sheet, where --roster is
optional.
"""

from __future__ import annotations

import dataclasses
import math
import re
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from ..domain.policy import Policy, load_policy
from ..domain.roster import RosterEntry, load_roster
from ..domain.roster_sheet import is_sheet, sheet_ref
from ..errors import InputError, Problem
from ..settings import Settings, load_settings
from .preflight import check_plannable

F = TypeVar("F", bound=Callable[..., Any])
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a date or --year from a person may name


class DayType(click.ParamType):
    """A YYYY-MM-DD date in ASCII digits from FIRST_YEAR to LAST_YEAR (9999-12-31 would
    overflow date arithmetic); given to commands as a datetime at midnight, like click's."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            self.fail(f"expected a date YYYY-MM-DD in digits 0-9, got {text!r}", param, ctx)
        try:
            day = date.fromisoformat(text)
        except ValueError:
            self.fail(f"{text!r} is not a real date", param, ctx)
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            self.fail(f"{text} is outside the years {FIRST_YEAR}-{LAST_YEAR}", param, ctx)
        return datetime(day.year, day.month, day.day)


class WholeNumber(click.ParamType):
    """A whole number in ASCII digits (an optional leading minus) within [low, high]: int()
    would also take "٢٠٢٧", "2_027" and " 2027 "."""

    name = "integer"

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,9}", value):
            number = int(value)
        else:
            self.fail(f"expected a whole number in digits 0-9, got {value!r}", param, ctx)
        if not self.low <= number <= self.high:
            self.fail(f"{number} is not in the range {self.low} to {self.high}", param, ctx)
        return number


class Amount(click.ParamType):
    """A finite decimal number in ASCII digits within [low, high] (not nan, not inf)."""

    name = "number"

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,9}(\.[0-9]{1,9})?", value):
            number = float(value)
        else:
            self.fail(
                f"expected a number such as 1 or 2.5 in digits 0-9, got {value!r}", param, ctx
            )
        if not (math.isfinite(number) and self.low <= number <= self.high):
            self.fail(f"{value} is not in the range {self.low:g} to {self.high:g}", param, ctx)
        return number


DAY = DayType()  # every date option: YYYY-MM-DD
YEAR = WholeNumber(FIRST_YEAR, LAST_YEAR)


def check_not_before_year(option: str, day: date | None, year: int) -> None:
    """InputError when a date option ends before the plan year starts (nothing would be done,
    silently): e.g. `--through 2026-03-31` with `--year 2027`."""
    if day is not None and day < date(year, 1, 1):
        raise InputError(
            Problem(option, None, None, f"{day} is before the plan year {year}; "
                    f"give a date in {year} or later")
        )  # fmt: skip


def roster_option(function: F) -> F:
    return click.option(
        "--roster",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Staff roster CSV (`python -m gworkspace_supervision.data` shows the example), or "
        "sheet:SPREADSHEET_ID[/TAB] for a roster kept in a Google Sheet. "
        "Default: [supervision] roster.",
    )(function)


def policy_option(function: F) -> F:
    return click.option(
        "--policy",
        metavar="NAME|FILE",
        help="Shipped policy name (hillingdon, sunderland, islington, case_discussion_guidance) "
        "or a policy .toml file. Default: [supervision] policy, else hillingdon.",
    )(function)


def year_option(function: F) -> F:
    return click.option(
        "--year",
        type=YEAR,
        required=True,
        help="The calendar year to plan (Hillingdon 3.2: times set for a calendar year).",
    )(function)


def from_option(function: F) -> F:
    return click.option(
        "--from",
        "start",
        type=DAY,
        help="Plan from this date (YYYY-MM-DD) instead of 1 January.",
    )(function)


def today_option(function: F) -> F:
    return click.option(
        "--today",
        type=DAY,
        help="Work out statuses as at the end of this day (YYYY-MM-DD) instead of now.",
    )(function)


def format_option(*choices: str, default: str = "table") -> Callable[[F], F]:
    def decorate(function: F) -> F:
        return click.option(
            "--format",
            "output_format",
            type=click.Choice(list(choices), case_sensitive=False),
            default=default,
            show_default=True,
            help="Output format.",
        )(function)

    return decorate


@dataclasses.dataclass(frozen=True)
class Inputs:
    settings: Settings
    policy: Policy
    roster: list[RosterEntry]

    @property
    def closure_days(self) -> frozenset[date]:
        return self.settings.organisation.closure_days


def load_inputs(
    config: Path | None,
    roster: Path | None,
    policy: str | None,
    *,
    year: int | None = None,
    start: date | None = None,
) -> Inputs:
    """Settings, then policy, then roster (which needs the policy's categories); given the
    `year` (and `start`) a command will plan, also whether it can be planned at all."""
    settings = load_settings(config)
    chosen_policy = load_policy(policy or settings.supervision.policy)
    if settings.organisation.region and settings.organisation.region != chosen_policy.region:
        chosen_policy = dataclasses.replace(chosen_policy, region=settings.organisation.region)
    roster_path = roster or (
        Path(settings.supervision.roster) if settings.supervision.roster else None
    )
    if roster_path is None:
        raise InputError(
            Problem("--roster", None, None, "no roster: give --roster FILE or [supervision] roster")
        )
    if is_sheet(roster_path):  # `sheet:ID[/TAB]`: read from Google, validated the same way
        entries = _sheet_roster(str(roster_path), chosen_policy, settings)
    else:
        entries = load_roster(roster_path, chosen_policy, settings.organisation.allowed_domains)
    inputs = Inputs(settings, chosen_policy, entries)
    if year is not None:
        check_plannable(inputs, year, start, roster_path)
    return inputs


def _sheet_roster(spec: str, policy: Policy, settings: Settings) -> list[RosterEntry]:
    """The roster Sheet read on the command's own workspace (--workspace), as the operator."""
    from ..google.connect import connect
    from ..services.roster_sheet import load_sheet_roster
    from .main import DEFAULT_WORKSPACE

    sheet_ref(spec)  # a malformed spec is said before connecting
    ctx = click.get_current_context(silent=True)
    workspace = getattr(ctx.find_root().obj, "workspace", None) if ctx else None
    with connect(workspace or DEFAULT_WORKSPACE, settings) as connection:
        return load_sheet_roster(connection, spec, policy, settings)


def load_settings_policy(
    config: Path | None, roster: Path | None, policy: str | None
) -> tuple[Settings, Policy]:
    """Settings and policy for a command that reads the Sheet; a --roster given is validated
    like every command's, though it is not needed."""
    if roster is not None:
        inputs = load_inputs(config, roster, policy)
        return inputs.settings, inputs.policy
    settings = load_settings(config)
    return settings, load_policy(policy or settings.supervision.policy)


def as_date(value: Any) -> date | None:
    """DAY gives a datetime; the planner wants a date."""
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


class ProgressBar:
    """A click progress bar (on stderr) made once a service knows how many writes it will do.

    Services report `progress(done, total)`; the bar appears only when there is work, so a
    re-run that changes nothing prints no bar.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(range(total), label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
