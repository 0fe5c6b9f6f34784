"""The workspace clock: real time unless a test or demo sets it (persisted in the store).

Modes, kept in the store setting "clock" so every process using the folder agrees:
- real (default): now() is the machine's UTC time.
- frozen (`set(instant)`): now() is exactly that instant until set or advanced again, so
  demos and tests get reproducible timestamps.
- running (`set(instant, running=True)`): now() starts at the instant and moves on with real time
  (an offset from the machine's clock).
`advance(delta)` moves a frozen or running clock forward; on a real clock it starts a running one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from .store import Store

SETTING = "clock"


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant ('2027-03-10T12:00:00Z'); naive values are taken as UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class Clock:
    """now() for every timestamp the emulated APIs return."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _state(self) -> dict[str, Any]:
        state = self.store.get_setting(SETTING)
        return state if isinstance(state, dict) else {"mode": "real"}

    def now(self) -> datetime:
        state = self._state()
        mode = state.get("mode", "real")
        if mode == "frozen":
            return parse_instant(state["instant"])
        real = datetime.now(UTC)
        if mode == "running":
            return real + timedelta(seconds=float(state["offset"]))
        return real

    @property
    def mode(self) -> str:
        return str(self._state().get("mode", "real"))

    def set(self, instant: datetime | str, running: bool = False) -> None:
        """Freeze the clock at `instant` (or start it running from there)."""
        moment = parse_instant(instant) if isinstance(instant, str) else instant
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
        if running:
            offset = (moment - datetime.now(UTC)).total_seconds()
            state: dict[str, Any] = {"mode": "running", "offset": offset}
        else:
            state = {"mode": "frozen", "instant": moment.isoformat()}
        with self.store.transaction():
            self.store.set_setting(SETTING, state)

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward (or back, with a negative delta); returns the new now()."""
        state = self._state()
        mode = state.get("mode", "real")
        if mode == "frozen":
            state["instant"] = (parse_instant(state["instant"]) + delta).isoformat()
        elif mode == "running":
            state["offset"] = float(state["offset"]) + delta.total_seconds()
        else:
            state = {"mode": "running", "offset": delta.total_seconds()}
        with self.store.transaction():
            self.store.set_setting(SETTING, state)
        return self.now()

    def reset(self) -> None:
        """Back to real time."""
        with self.store.transaction():
            self.store.set_setting(SETTING, {"mode": "real"})
