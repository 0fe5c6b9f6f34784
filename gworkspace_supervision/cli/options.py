"""Click options and input loading shared by the commands.

`load_inputs` (context.py) is the one place a command turns --config/--policy/--roster into
validated settings, policy and roster, so every command validates the same way (exit 2, all
problems); `run_context` then connects and hands the services their one `RunContext`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from ..context import Inputs, RunContext, load_inputs, open_context
from ..domain.policy import Policy
from ..settings import Settings

__all__ = ["Inputs", "RunContext", "load_inputs", "run_context"]

F = TypeVar("F", bound=Callable[..., Any])
DAY = click.DateTime(formats=["%Y-%m-%d"])  # every date option: YYYY-MM-DD
YEAR = click.IntRange(2000, 2100)


def roster_option(function: F) -> F:
    return click.option(
        "--roster",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Staff roster CSV (`python -m gworkspace_supervision.data` shows the example). "
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


def load_settings_policy(
    config: Path | None, roster: Path | None, policy: str | None
) -> tuple[Settings, Policy]:
    """Settings and policy for a command that reads the Sheet; a --roster given is validated
    like every command's, though it is not needed."""
    inputs = load_inputs(config, roster, policy, roster_required=False)
    return inputs.settings, inputs.policy


@contextmanager
def run_context(obj: Any, inputs: Inputs) -> Iterator[RunContext]:
    """The run context for a command: connected to --workspace, the clock notice said first."""
    with open_context(obj.workspace, inputs, notice=lambda text: click.echo(text, err=True)) as ctx:
        yield ctx


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
