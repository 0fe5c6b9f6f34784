"""What a sync lock entry says, and when it no longer holds (issue 14: stale locks).

An entry (the tracker's developer metadata value) names its holder: host, boot, process id,
when that process started, a nonce, and an expiry in real (wall-clock) seconds. It is stale:

- at once, when its holder was on this host and that process is gone (a killed sync), or is
  this very process but no longer holds it (a sync in this process that ended without
  releasing it);
- when its holder is on another machine, after LOCK_TTL of real elapsed time, whatever any
  workspace clock says: the local Workspace's clock can be frozen (the demo, `emulator clock
  set`), and a lock measured on it would never expire (a live holder on this machine holds
  however long it runs);
- when it cannot be read (an older version's entry or a damaged one).

A live holder on another machine is only ever outlived by the expiry.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

LOCK_TTL_SECONDS = 30 * 60  # a sync on another machine that died blocks others this long
_VERSION = "v2"
_HELD: set[str] = set()  # nonces this process holds right now


@dataclass(frozen=True)
class Holder:
    host: str
    boot: str
    pid: int
    started: str  # the process's start time as the OS counts it ("" when unknown)
    nonce: str
    expires: float  # seconds since the epoch, real time
    what: str = "sync"  # the command holding it: sync, records

    def describe(self) -> str:
        until = datetime.fromtimestamp(self.expires).strftime("%H:%M")
        return f"{self.what} by process {self.pid} on {self.host} (lock expires at {until})"


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    except OSError:
        return ""


def _process_started(pid: int) -> str:
    """The start time of process `pid` (clock ticks since boot, from /proc), "" if unknown:
    a pid reused by a new process has a different one."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    fields = text[text.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else ""


def _alive(pid: int, started: str) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, someone else's
    except OSError:
        return False
    now_started = _process_started(pid)
    return not (started and now_started and now_started != started)


def new_entry(clock: Callable[[], float] = time.time, what: str = "sync") -> tuple[str, str]:
    """(metadata value, nonce) for a lock this process is about to take for command `what`."""
    nonce = uuid.uuid4().hex
    pid = os.getpid()
    parts = (
        _VERSION,
        socket.gethostname().replace("|", "_"),
        _boot_id(),
        str(pid),
        _process_started(pid),
        nonce,
        str(int(clock() + LOCK_TTL_SECONDS)),
        what.replace("|", "_"),
    )
    return "|".join(parts), nonce


def held(nonce: str) -> None:
    """Record that this process holds the lock entry `nonce`."""
    _HELD.add(nonce)


def released(nonce: str) -> None:
    """Record that this process no longer holds `nonce` (even if deleting the entry failed)."""
    _HELD.discard(nonce)


def parse(value: str) -> Holder | None:
    parts = value.split("|")
    if len(parts) not in (7, 8) or parts[0] != _VERSION:
        return None
    try:
        host, boot, pid, started, nonce, expires = (
            parts[1],
            parts[2],
            int(parts[3]),
            *parts[4:6],
            float(parts[6]),
        )
    except ValueError:
        return None
    return Holder(host, boot, pid, started, nonce, expires, *(parts[7:8] or ["sync"]))


def is_stale(value: str, clock: Callable[[], float] = time.time) -> bool:
    """True when the lock entry `value` no longer keeps anyone out (see the module doc)."""
    holder = parse(value)
    if holder is None:
        return True
    if holder.host != socket.gethostname().replace("|", "_"):
        return holder.expires <= clock()  # another machine: only time can tell
    if holder.boot and holder.boot != _boot_id():
        return True  # this machine restarted since: every process of then is gone
    if holder.pid == os.getpid():
        return holder.nonce not in _HELD
    # this machine: the process itself says, however long it runs (a year's records can
    # take longer than LOCK_TTL); a reused pid has another start time
    return not _alive(holder.pid, holder.started)


def describe(value: str) -> str:
    holder = parse(value)
    return holder.describe() if holder else "another sync"
