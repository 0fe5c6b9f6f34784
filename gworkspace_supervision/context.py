"""The run context every service takes: connection, settings, policy, roster, clock.

A command loads its inputs once (`load_inputs`: settings, then the policy, then the roster that
needs the policy's categories), validates all of them before anything is read from Google, and
hands the services one `RunContext`. Services read the settings from it (one typed object, one
default per field) and ask it whether an address may receive anything (`check_recipients`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .domain.policy import Policy, load_policy
from .domain.roster import RosterEntry, load_roster
from .errors import InputError, Problem
from .google.connect import Connection, connect
from .settings import Settings, load_settings

OUTSIDE = "is outside the allowed domains"
SHOWN = 3  # addresses outside the allowed domains listed one by one before they are counted


@dataclass(frozen=True)
class Inputs:
    """What a command read from files, validated: nothing has touched Google yet."""

    settings: Settings
    policy: Policy
    roster: tuple[RosterEntry, ...] = ()
    roster_file: str | None = None

    @property
    def closure_days(self) -> frozenset[date]:
        return self.settings.organisation.closure_days


@dataclass
class RunContext:
    """What every service takes, in the same shape.

    `now()` is the workspace's time (the local Workspace's clock when it is set, else real
    time; `clock` overrides it): never the system clock, so a set clock is honoured everywhere.
    """

    connection: Connection
    settings: Settings = field(default_factory=Settings)
    policy: Policy = field(default_factory=lambda: load_policy(Settings().supervision.policy))
    roster: tuple[RosterEntry, ...] = ()
    roster_file: str | None = None
    clock: Callable[[], datetime] | None = None

    @classmethod
    def of(
        cls,
        connection: Connection,
        roster: str | Path | Sequence[RosterEntry] = (),
        policy: Policy | str | None = None,
        settings: Settings | None = None,
        *,
        roster_file: str | None = None,
    ) -> RunContext:
        """A context from what a script or test has at hand: a roster path or loaded entries,
        a policy name or object; the roster is validated as a command would (allowed domains)."""
        the_settings = settings if settings is not None else Settings()
        the_policy = policy_for(the_settings, policy)
        if isinstance(roster, (str, Path)):
            entries = tuple(
                load_roster(roster, the_policy, the_settings.organisation.allowed_domains)
            )
            roster_file = roster_file or str(roster)
        else:
            entries = tuple(roster)
        return cls(connection, the_settings, the_policy, entries, roster_file)

    def now(self) -> datetime:
        return self.clock() if self.clock is not None else self.connection.now()

    @property
    def closure_days(self) -> frozenset[date]:
        return self.settings.organisation.closure_days

    @property
    def supervisors(self) -> list[str]:
        return sorted({e.supervisor_email for e in self.roster})

    def check_recipients(self, recipients: Iterable[tuple[str, str]]) -> None:
        """The allowed-address rule (settings.Settings.check_recipients), before any write."""
        self.settings.check_recipients(recipients)


def load_inputs(
    config: Path | None,
    roster: Path | None,
    policy: str | None,
    *,
    roster_required: bool = True,
    settings: Settings | None = None,
) -> Inputs:
    """Settings, then policy, then roster; every problem reported before anything is written.

    With `roster_required=False` (commands reading the tracking Sheet) a roster is read only
    when --roster gives one (and then validated like every command's). `settings` already
    loaded from `config` are used as they are.
    """
    settings = settings if settings is not None else load_settings(config)
    chosen = policy_for(settings, policy)
    if not roster_required and roster is None:
        return Inputs(settings, chosen)
    path = roster or (Path(settings.supervision.roster) if settings.supervision.roster else None)
    if path is None:
        raise InputError(
            Problem("--roster", None, None, "no roster: give --roster FILE or [supervision] roster")
        )
    try:
        entries = load_roster(path, chosen, settings.organisation.allowed_domains)
    except InputError as exc:
        raise outside_domains_hint(exc, settings, path) from None
    return Inputs(settings, chosen, tuple(entries), str(path))


def policy_for(settings: Settings, policy: Policy | str | None) -> Policy:
    """The policy named (else the settings' one), with the settings' region if they set one."""
    chosen = (
        policy if isinstance(policy, Policy) else load_policy(policy or settings.supervision.policy)
    )
    region = settings.organisation.region
    if region and region != chosen.region:
        chosen = dataclasses.replace(chosen, region=region)
    return chosen


def outside_domains_hint(exc: InputError, settings: Settings, roster: Path) -> InputError:
    """A roster of another organisation's addresses: say once what to do, not once per cell.

    The first few addresses outside keep their own line (file, line, column); the rest are
    counted; then one line says what to do. Other problems are kept as they are.
    """
    outside = [p for p in exc.problems if OUTSIDE in p.message]
    if not outside:
        return exc
    rest = [p for p in exc.problems if OUTSIDE not in p.message]
    shown = outside[:SHOWN]
    domains = sorted({_domain_in(p.message) for p in outside} - {""})
    allowed = ", ".join(settings.organisation.allowed_domains or ()) or "none"
    if settings.source is None:
        fix = (
            "no settings file was given, so only the example domain is allowed. If these are "
            "your organisation's addresses, write a settings file for its domains with: "
            f"gws-supervision init --roster {roster}  (then give --config settings.toml)"
        )
    else:
        fix = (
            "if these are your organisation's addresses, add the domain to [organisation] "
            f"allowed_domains in {settings.source}; otherwise correct the addresses"
        )
    more = f" ({len(outside) - len(shown)} more not listed)" if len(outside) > len(shown) else ""
    summary = Problem(
        str(roster),
        None,
        None,
        f"{len(outside)} addresses{more} are in {', '.join(domains)}, outside the allowed "
        f"domains ({allowed}): {fix}",
    )
    return type(exc)([*rest, *shown, summary])


def _domain_in(message: str) -> str:
    """'x@y.gov.uk' is outside ... -> y.gov.uk (the message check_email writes)."""
    quoted = message.split("'")
    return quoted[1].rsplit("@", 1)[-1].lower() if len(quoted) > 2 and "@" in quoted[1] else ""


@contextmanager
def open_context(
    workspace: str, inputs: Inputs, *, notice: Callable[[str], None] | None = None
) -> Iterator[RunContext]:
    """Connect to the workspace and hand out the run context; closed on the way out.

    `notice` is told first thing when the local Workspace's clock is set (not real time).
    """
    with connect(workspace, inputs.settings) as connection:
        text = clock_notice(connection.workspace, workspace)
        if text and notice is not None:
            notice(text)
        yield RunContext(
            connection, inputs.settings, inputs.policy, inputs.roster, inputs.roster_file
        )


def clock_notice(local: Any, workspace: str) -> str | None:
    """One line saying the workspace's clock is set (the demo, `emulator clock set`), or None.

    A frozen clock decides what "today" and "past" mean for every command: sessions before it
    are not booked, records are made up to it. Nobody should meet that silently.
    """
    clock = getattr(local, "clock", None)  # the LocalWorkspace's; Google has none
    if clock is None or clock.mode == "real":
        return None
    state = "frozen at" if clock.mode == "frozen" else "running from"
    return (
        f"Note: this workspace's clock is set ({state} {clock.now():%Y-%m-%d %H:%M} UTC), not "
        f"today's date; back to real time: gws-supervision --workspace {workspace} emulator "
        "clock reset"
    )
