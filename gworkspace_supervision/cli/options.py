"""Click options and input loading shared by the commands.

`load_inputs` is the one place a command turns --config/--policy/--roster into validated
settings, policy and roster, so every command validates the same way (exit 2, all problems);
`load_settings_policy` does the same for commands that read the Sheet, where --roster is
optional.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from ..domain.policy import Policy, load_policy
from ..domain.roster import RosterEntry, load_roster
from ..domain.roster_sheet import is_sheet, sheet_ref
from ..errors import InputError, Problem
from ..settings import Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])
DAY = click.DateTime(formats=["%Y-%m-%d"])  # every date option: YYYY-MM-DD
YEAR = click.IntRange(2000, 2100)


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


def load_inputs(config: Path | None, roster: Path | None, policy: str | None) -> Inputs:
    """Settings, then policy, then roster (which needs the policy's categories)."""
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
    return Inputs(settings, chosen_policy, entries)


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
    """click.DateTime gives a datetime; the planner wants a date."""
    return value.date() if value is not None else None


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
