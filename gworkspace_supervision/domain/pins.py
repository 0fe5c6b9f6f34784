"""Where a pair is already booked: the slot `book` keeps unless it has become impossible.

Re-planning from scratch moves everyone when one row changes (a handover, a starter, a
leaver), and every move emails a supervisee the change is not about. A pin carries one booked
pair's slot into the planner as its first choice, so only new pairs, and pairs whose booked slot
no longer fits, get new slots (issue 12: nobody is re-booked unless the command is about them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time


@dataclass(frozen=True)
class Pin:
    """A booked pair's slot: a session date on its booked cycle and the start time."""

    supervisee_email: str
    supervisor_email: str
    day: date  # the booked series' first session (its weekday and its place in the cadence)
    at: time  # local start time
    series: str = ""  # an [[events]] event (observation, appraisal): the plan's series id
    # every booked session of the pair (local start): where a session moved off a bank holiday
    # or a clash landed, tried first when the planner moves that session again
    sessions: frozenset[datetime] = frozenset()

    @property
    def key(self) -> tuple[str, str]:
        return (self.supervisee_email, self.supervisor_email)


def by_pair(pins: Iterable[Pin] | Mapping[tuple[str, str], Pin]) -> dict[tuple[str, str], Pin]:
    """One pin per pair: the earliest booked day wins (a tail booked later is on the same
    cycle; the earliest is the series the pair was first placed with)."""
    items = pins.values() if isinstance(pins, Mapping) else pins
    out: dict[tuple[str, str], Pin] = {}
    for pin in sorted(items, key=lambda p: (p.key, p.day, p.at)):
        if pin.series:
            continue
        known = out.get(pin.key)
        out[pin.key] = (
            pin if known is None else replace(known, sessions=known.sessions | pin.sessions)
        )
    return out


def by_series(pins: Iterable[Pin]) -> dict[str, Pin]:
    """The booked [[events]] events (one session each), by the plan's series id."""
    return {p.series: p for p in pins if p.series}
