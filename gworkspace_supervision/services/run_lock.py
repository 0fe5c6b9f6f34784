"""One write command at a time on a workspace (issue 14: two `records` runs at once duplicated
146 records and 48 folders).

`workspace_lock` holds the tracker's lock (developer metadata on the tracking Sheet, see
google/sheet.py and google/sync_lock.py) for the whole of a command, so a scheduled run and a
person's run of `records`, or `records` and `sync`, take turns: the second waits, then finds
what the first made. The tracker is made first if there is none yet; when two runs made one
each at the same moment, both settle on the earliest before going on. A dry run writes
nothing, so it takes no lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..google.connect import Connection
from ..settings import Settings
from .tracking import locked_tracker

RECORDS_ATTEMPTS = 12  # about four minutes of waiting for another run to finish


@contextmanager
def workspace_lock(
    connection: Connection,
    settings: Settings,
    what: str,
    *,
    dry_run: bool = False,
    attempts: int = RECORDS_ATTEMPTS,
    sleep: Callable[[float], None] | None = None,
) -> Iterator[None]:
    """Hold the workspace's lock for command `what` while the block runs."""
    if dry_run:
        yield
        return
    sheet = locked_tracker(connection, settings, what, attempts=attempts, sleep=sleep)
    try:
        yield
    finally:
        sheet.release()
