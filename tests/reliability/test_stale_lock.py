"""The sync lock after a sync is killed (issue 14, "a stale lock blocks the next run").

The lock is an entry in the tracker's developer metadata, written and read through the real
google-api-python-client against the local Workspace. A lock whose process died on this host
is taken over at once; any other expires after 30 minutes of REAL time, whatever the
workspace clock says (the demo and `emulator clock set` freeze it). Developer metadata on the
whole spreadsheet, created with createDeveloperMetadata and read with spreadsheets.get:
https://developers.google.com/sheets/api/guides/metadata
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import load_roster
from gworkspace_supervision.errors import SupervisionError
from gworkspace_supervision.google import sync_lock
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.google.sheet import LOCK_KEY, TrackerMissing, TrackerSheet, _create_lock
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.tracking import locked_tracker, operator_of, sync
from gworkspace_supervision.settings import Settings

ROSTER = Path(__file__).resolve().parents[1] / "data" / "bad" / "ok_roster.csv"
REPO = Path(__file__).resolve().parents[2]


class Sleeps:
    """Counts the lock's back-off waits instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Connection]:
    connection = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    try:
        connection.workspace.clock.set("2027-03-31T09:00:00Z")  # frozen, as in the demo
        # the year booked (`sync` fills a tracker only where something is booked) and the
        # tracker made, empty, as `book`'s lock makes it
        policy = load_policy("hillingdon")
        roster = load_roster(ROSTER, policy)
        book(RunContext.of(connection, roster, policy, Settings()), 2027, send_updates="none")
        TrackerSheet.open(connection, operator_of(Settings(), connection), create=True)
        yield connection
    finally:
        connection.close()


def run_sync(connection: Connection, sleep: Sleeps | None = None) -> None:
    policy = load_policy("hillingdon")
    roster = load_roster(ROSTER, policy)
    sync(
        RunContext.of(connection, roster, policy, Settings()),
        2027,
        today=date(2027, 3, 31),
        sleep=sleep,
    )


def tracker(connection: Connection) -> TrackerSheet:
    sheet = TrackerSheet.open(connection, operator_of(Settings(), connection), create=False)
    assert sheet is not None
    return sheet


def plant(connection: Connection, value: str) -> None:
    """A lock entry as another sync would have left it."""
    sheet = tracker(connection)
    body = {"requests": [_create_lock(value)]}
    spreadsheets = connection.sheets(sheet.operator).spreadsheets()
    spreadsheets.batchUpdate(spreadsheetId=sheet.spreadsheet_id, body=body).execute()


def lock_values(connection: Connection) -> list[str]:
    sheet = tracker(connection)
    info = (
        connection.sheets(sheet.operator)
        .spreadsheets()
        .get(spreadsheetId=sheet.spreadsheet_id, fields="developerMetadata")
        .execute()
    )
    return [
        m["metadataValue"]
        for m in info.get("developerMetadata", [])
        if m["metadataKey"] == LOCK_KEY
    ]


def entry(pid: int, *, host: str | None = None, expires_in: float = 600.0) -> str:
    """A v2 lock value for process `pid` (this host unless `host`), expiring in real time."""
    return "|".join(
        [
            "v2",
            host or socket.gethostname(),
            sync_lock._boot_id(),
            str(pid),
            sync_lock._process_started(pid),
            "f" * 32,
            str(int(time.time() + expires_in)),
        ]
    )


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_lock_left_by_a_killed_sync_process_is_taken_over_at_once(
    conn: Connection, tmp_path: Path
) -> None:
    """A real process takes the lock through the API and dies without releasing it (os._exit:
    no finally block runs, like kill -9); the next sync neither waits nor fails."""
    script = (
        "import os, sys\n"
        "from gworkspace_supervision.google.connect import connect\n"
        "from gworkspace_supervision.google.sheet import TrackerSheet\n"
        "c = connect(sys.argv[1])\n"
        "s = TrackerSheet.open(c, sys.argv[2], create=False)\n"
        "s.acquire()\n"
        "os._exit(9)\n"
    )
    operator = operator_of(Settings(), conn)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", script, f"local:{tmp_path / 'ws'}", operator],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 9, done.stderr[-800:]
    left = lock_values(conn)
    assert len(left) == 1 and f"|{socket.gethostname()}|" in f"|{left[0]}"
    sleeps = Sleeps()
    run_sync(conn, sleeps)
    assert sleeps.waits == []
    assert lock_values(conn) == []  # the dead holder's entry is cleared, ours released


def test_a_dead_process_on_this_host_blocks_nobody_even_on_a_frozen_clock(
    conn: Connection,
) -> None:
    plant(conn, entry(dead_pid(), expires_in=3600))
    sleeps = Sleeps()
    run_sync(conn, sleeps)
    assert sleeps.waits == []
    assert lock_values(conn) == []


def test_a_live_holder_on_this_host_is_waited_for_then_named(conn: Connection) -> None:
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        plant(conn, entry(holder.pid))
        sleeps = Sleeps()
        with pytest.raises(SupervisionError, match=f"busy: sync by process {holder.pid} on "):
            run_sync(conn, sleeps)
        assert len(sleeps.waits) == 5  # it waited between its six tries before giving up
    finally:
        holder.kill()
        holder.wait()
    run_sync(conn, Sleeps())  # the holder died: taken over at once
    assert lock_values(conn) == []


def test_another_hosts_lock_expires_by_real_time_not_the_frozen_workspace_clock(
    conn: Connection,
) -> None:
    """The workspace clock is frozen at 2027-03-31 (years ahead of real time, the demo's
    situation): an entry from another machine that expired a second ago in real time is
    stale, and one with ten minutes to run still holds, although by the workspace clock the
    first is years in the past and the second too."""
    plant(conn, entry(12345, host="other-machine", expires_in=-1))
    run_sync(conn, Sleeps())
    assert lock_values(conn) == []
    plant(conn, entry(12345, host="other-machine", expires_in=600))
    with pytest.raises(SupervisionError, match="process 12345 on other-machine"):
        run_sync(conn, Sleeps())


def test_a_workspace_clock_far_ahead_does_not_expire_a_live_lock(conn: Connection) -> None:
    conn.workspace.clock.set("2099-12-31T09:00:00Z")
    plant(conn, entry(12345, host="other-machine", expires_in=600))
    with pytest.raises(SupervisionError, match="busy: sync by process 12345"):
        run_sync(conn, Sleeps())


def test_staleness_rules() -> None:
    """Unreadable and older-format entries are stale; a reused pid (another start time) is
    stale; this process's own entry holds only while it is held."""
    assert sync_lock.is_stale("")
    assert sync_lock.is_stale("host pid 1|abc|2027-03-31T09:30:00+00:00")  # version 1
    assert sync_lock.is_stale("v2|h|b|notanumber|x|n|1")
    me = os.getpid()
    reused = entry(me).split("|")
    reused[4] = "1"  # this pid, but a process that started at another time
    other = os.getppid()
    reused[3], reused[4] = str(other), "1"
    assert sync_lock.is_stale("|".join(reused))
    assert not sync_lock.is_stale(entry(other))
    value, nonce = sync_lock.new_entry()
    assert sync_lock.is_stale(value)  # this process, not (or no longer) held
    sync_lock.held(nonce)
    try:
        assert not sync_lock.is_stale(value)
        # a live holder on this machine holds past the expiry (a long records run)
        assert not sync_lock.is_stale(value, clock=lambda: time.time() + 31 * 60)
    finally:
        sync_lock.released(nonce)
    assert sync_lock.is_stale(value)
    elsewhere = entry(12345, host="other-machine", expires_in=30 * 60)
    assert not sync_lock.is_stale(elsewhere, clock=lambda: time.time() + 29 * 60)
    assert sync_lock.is_stale(elsewhere, clock=lambda: time.time() + 31 * 60)


def test_a_twin_deleted_by_its_maker_while_being_locked_is_looked_for_again(
    tmp_path: Path,
) -> None:
    """Two first-ever `records` runs at once each make a tracker; the one that loses deletes
    its own twin, possibly between the other run's lock write on that twin and its read-back
    (CI saw Sheets' 404 from spreadsheets.get escape there as an error). The read-back's 404,
    and the release of a lock on a tracker that is gone, mean "look again", not a failure.
    The interleaving is made exact by deleting the twin through Drive (a real call on the local
    Workspace) just before this run's read-back."""
    connection = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    try:
        operator = operator_of(Settings(), connection)
        twin = TrackerSheet.open(connection, operator, create=True)
        assert twin is not None
        read_back = twin.calls.metadata

        def deleted_first(fields: str) -> Any:
            twin.discard()  # what the run that made it does once it has lost the race
            return read_back(fields)

        twin.calls.metadata = deleted_first  # type: ignore[method-assign]
        with pytest.raises(TrackerMissing):
            twin.acquire(attempts=1, what="records")
        twin.release()  # nothing held, nothing raised
        # and the run goes on: the next listing finds no tracker, so it makes one and locks it
        sheet = locked_tracker(connection, Settings(), "records", attempts=3, sleep=Sleeps())
        assert sheet.spreadsheet_id != twin.spreadsheet_id
        sheet.release()
    finally:
        connection.close()


def test_releasing_a_lock_on_a_tracker_that_is_gone_is_not_an_error(conn: Connection) -> None:
    sheet = tracker(conn)
    sheet.acquire(attempts=1, what="records")
    sheet.discard()
    sheet.release()  # the lock went with the tracker
