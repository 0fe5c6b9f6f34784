"""One write command at a time on a workspace (issue 14: two `records` runs at once duplicated
146 records and 48 folders).

`workspace_lock` holds the tracker's lock (developer metadata on the tracking Sheet, see
google/sheet.py and google/sync_lock.py) for the whole of a command, so a scheduled run and a
person's run of `book` or `records`, or either and `sync`, take turns: the second waits, then
finds what the first made (two `book` runs at once would otherwise each plan around the
other's half-written year). The tracker is made first if there is none yet (empty, shared with
nobody; `sync` gives it its tabs and its readers); when two runs made one each at the same
moment, both settle on the earliest before going on. A dry run writes nothing, so it takes no
lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..google.connect import Connection
from ..google.sheet import TrackerSheet
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
) -> Iterator[TrackerSheet | None]:
    """Hold the workspace's lock for command `what` while the block runs; the block gets the
    tracker it lives on (None on a dry run), `created` when this run made it."""
    if dry_run:
        yield None
        return
    sheet = locked_tracker(connection, settings, what, attempts=attempts, sleep=sleep)
    try:
        yield sheet
    finally:
        sheet.release()


def made_note(sheet: TrackerSheet | None) -> str | None:
    """What a command says when its lock made the tracker: where it is, and that nobody has
    it until `sync` fills it and shares it."""
    if sheet is None or not sheet.created:
        return None
    return (
        f"Tracking Sheet made, empty and shared with nobody (the run lock lives on it; `sync` "
        f"fills it and shares it with the line managers): {sheet.url}"
    )
