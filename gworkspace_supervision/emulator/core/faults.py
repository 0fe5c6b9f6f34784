"""Faults and limits a workspace can inject, so retry, backoff and quota handling get exercised.

Settings live in the store (setting "faults"), so `gws-supervision emulator faults set ...` in one
process affects the CLI run in another. What they do:
- latency_ms: real sleep added to every HTTP round trip (a batch is one round trip).
- error_rate + seed: that fraction of API calls fail with a transient 500/503 (or the codes in
  error_codes), drawn from random.Random(seed) so a run is reproducible.
- quota_per_minute: Google's per-user Calendar quota (600 a minute on Google): more Calendar
  calls than that by one user within 60 s of real (monotonic) time, in this process, get 403
  rateLimitExceeded (or 429 with quota_status=429).
- quota_exceeded_after: after N Calendar event writes in the workspace (a persisted counter),
  further event writes get 403 quotaExceeded "Calendar usage limits exceeded."
- crash_after: once the workspace has answered N API calls (a persisted counter, so it spans
  processes), the process making the next call dies before that call runs: SystemExit(137)
  in process (every later call too, as a dead process makes none), or os._exit(137) with
  crash_hard (no finally blocks, no cleanup: a kill -9). Crash tests set it, run a command,
  clear it and run the command again. Calls already answered inside a batch stay done, so a
  crash mid-batch is a write that happened but whose answer never arrived.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

from .api import HttpError
from .store import Store

SETTING = "faults"
EVENT_WRITES = "emu:event_writes"  # a persisted counter (the core bumps it)
API_CALLS = "emu:api"  # the core's count of API calls answered (persisted)
CRASH_STATUS = 137  # what a shell reports for a process killed by SIGKILL
EVENT_WRITE_METHODS = frozenset(
    "calendar.events." + name
    for name in ("insert", "import", "patch", "update", "delete", "move", "quickAdd")
)

_TRANSIENT = {
    500: ("backendError", "Backend Error"),
    502: ("backendError", "Bad Gateway"),
    503: ("backendError", "The service is currently unavailable."),
    504: ("backendError", "Deadline exceeded."),
    429: ("rateLimitExceeded", "Rate Limit Exceeded"),
}


@dataclass
class FaultSettings:
    latency_ms: float = 0.0
    error_rate: float = 0.0
    error_codes: list[int] = field(default_factory=lambda: [500, 503])
    seed: int | None = None
    quota_per_minute: int | None = None
    quota_status: int = 403
    quota_exceeded_after: int | None = None
    crash_after: int | None = None
    crash_hard: bool = False

    @classmethod
    def from_json(cls, data: Any) -> FaultSettings:
        if not isinstance(data, dict):
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


class Faults:
    """Reads the persisted settings once per round trip and applies them per API call."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._rng_key: Any = None
        self._rng = random.Random(0)
        self._windows: dict[str, deque[float]] = {}

    # -- settings ----------------------------------------------------------------------------
    def settings(self) -> FaultSettings:
        return FaultSettings.from_json(self.store.get_setting(SETTING))

    def set(self, **changes: Any) -> FaultSettings:
        """Change some settings (persisted); unknown names are a TypeError."""
        current = asdict(self.settings())
        for name in changes:
            if name not in current:
                raise TypeError(f"unknown fault setting: {name}")
        current.update(changes)
        settings = FaultSettings(**current)
        with self.store.transaction():
            self.store.set_setting(SETTING, asdict(settings))
        return settings

    def clear(self) -> None:
        with self.store.transaction():
            self.store.set_setting(SETTING, asdict(FaultSettings()))
        with self._lock:
            self._windows.clear()
            self._rng_key = None

    # -- applying ----------------------------------------------------------------------------
    def round_trip(self, settings: FaultSettings) -> None:
        """Called once per HTTP round trip: the added latency."""
        if settings.latency_ms > 0:
            time.sleep(settings.latency_ms / 1000.0)

    def before_call(self, settings: FaultSettings, method_id: str, user: str) -> None:
        """Called before each API call's handler; raises the injected error, if any."""
        if (
            settings.crash_after is not None
            and self.store.counter(API_CALLS) >= settings.crash_after
        ):
            if settings.crash_hard:
                os._exit(CRASH_STATUS)  # like kill -9: no cleanup, no finally blocks
            raise SystemExit(CRASH_STATUS)
        if settings.quota_per_minute is not None and method_id.startswith("calendar."):
            self._rate_limit(settings, user)
        if settings.error_rate > 0 and settings.error_codes:
            with self._lock:
                key = (settings.seed, settings.error_rate, tuple(settings.error_codes))
                if key != self._rng_key:
                    self._rng_key = key
                    self._rng = random.Random(settings.seed)
                draw = self._rng.random()
                code = self._rng.choice(settings.error_codes)
            if draw < settings.error_rate:
                reason, message = _TRANSIENT.get(code, ("backendError", "Backend Error"))
                raise HttpError(code, reason, message)
        if settings.quota_exceeded_after is not None and method_id in EVENT_WRITE_METHODS:
            if self.store.counter(EVENT_WRITES) >= settings.quota_exceeded_after:
                raise HttpError(
                    403, "quotaExceeded", "Calendar usage limits exceeded.", domain="usageLimits"
                )

    def _rate_limit(self, settings: FaultSettings, user: str) -> None:
        limit = settings.quota_per_minute or 0
        now = time.monotonic()
        with self._lock:
            window = self._windows.setdefault(user, deque())
            while window and now - window[0] >= 60.0:
                window.popleft()
            if len(window) >= limit:
                exceeded = True
            else:
                window.append(now)
                exceeded = False
        if exceeded:
            raise HttpError(
                settings.quota_status,
                "rateLimitExceeded",
                "Rate Limit Exceeded",
                domain="usageLimits",
            )
