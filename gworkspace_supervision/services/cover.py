"""Absence cover (Hillingdon 3.4): a supervisor's sessions in a window go to another supervisor.

load -> validate everything (addresses, window, both people supervisors in the roster) -> read
the usual supervisor's sessions in the window, the cover events already booked and the records
-> apply: (1) the cover events in the covering supervisor's calendar (supervisee invited,
existing record attached; ids from the session ids, so a re-run books nothing twice), (2) the
usual supervisor's instances cancelled, tagged `covered_by`, (3) the existing records' ownership
passed to the covering supervisor within the organisation, moved into their
`Supervision Records/<name>/`, still shared with supervisee and line manager, and with the
usual supervisor. The order makes a run cut off anywhere safe to run again: a session is only
cancelled once its cover event exists. Records made later for cover sessions (`records`) go to
the covering supervisor's Drive. Sessions outside the window are not touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ..context import RunContext
from ..domain.cover import USUAL_SUPERVISOR_ROLE, CoverWindow, check_window, cover_event_id
from ..domain.records import check_address, folder_path
from ..domain.roster import RosterEntry
from ..domain.series import pair_id_for
from ..errors import InputError, Problem
from ..google.calendar import CalendarAdapter, Write
from ..google.calendar_cover import cancel_write, cover_body, covered_by
from ..google.drive import DriveAdapter, RecordFile, Share
from ..google.sessions import CalendarSession, list_sessions


@dataclass
class CoverResult:
    window: CoverWindow
    dry_run: bool
    sessions: list[CalendarSession] = field(default_factory=list)  # in the window
    booked: list[str] = field(default_factory=list)  # cover event ids inserted
    cancelled: list[str] = field(default_factory=list)  # usual instances cancelled
    records_moved: list[str] = field(default_factory=list)  # record names
    shares_added: list[str] = field(default_factory=list)
    api_calls: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.booked or self.cancelled or self.records_moved or self.shares_added)


def cover(
    ctx: RunContext,
    *,
    supervisor: str,
    start: date,
    end: date,
    by: str,
    dry_run: bool = False,
    send_updates: str = "all",
) -> CoverResult:
    """Move `supervisor`'s sessions from `start` to `end` (inclusive) to `by`, with their records."""
    connection, roster, policy, settings = ctx.connection, ctx.roster, ctx.policy, ctx.settings
    domains = settings.allowed_domains
    lm_role = settings.supervision.line_manager_role
    window = check_window(supervisor, by, start, end)
    for email, where in ((window.supervisor, "--supervisor"), (window.by, "--by")):
        check_address(email, domains, where)
    supervisors = {e.supervisor_email for e in roster}
    for email, where in ((window.supervisor, "--supervisor"), (window.by, "--by")):
        if email not in supervisors:  # `records` and `sync` read supervisors' calendars
            raise InputError(Problem(where, None, None, f"{email} supervises nobody in the roster"))
    pairs = {
        pair_id_for(e.supervisee_email, e.supervisor_email): e
        for e in roster
        if e.supervisor_email == window.supervisor
    }
    calls0 = connection.meter.api_calls
    tz = policy.tz
    lo = datetime.combine(start, time.min, tzinfo=tz)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    result = CoverResult(window, dry_run)
    # -- read: the usual supervisor's sessions, the cover events already booked, the records
    mine = [
        s
        for s in list_sessions(connection, window.supervisor, lo, hi)
        if not s.covers
        and s.pair_id in pairs
        and window.includes(s.instance.start.astimezone(tz).date())
        and (not s.cancelled or covered_by(s) == window.by)
    ]
    result.sessions = sorted(mine, key=lambda s: s.instance.start)
    booked = {
        s.covers
        for s in list_sessions(connection, window.by, lo, hi)
        if s.covers and not s.cancelled
    }
    drive = DriveAdapter(connection)
    ids = {s.session_id for s in mine}
    records = {
        r.session_id: r for r in drive.list_records(window.supervisor) if r.session_id in ids
    }
    moved = {r.session_id: r for r in drive.list_records(window.by) if r.session_id in ids}
    names = _names(roster)
    inserts, cancels = [], []
    for s in result.sessions:
        entry = pairs[s.pair_id]
        if s.session_id not in booked:
            body = cover_body(
                s,
                timezone=policy.timezone,
                by=window.by,
                by_name=names.get(window.by, window.by),
                usual=window.supervisor,
                usual_name=entry.supervisor_name,
                supervisee=entry.supervisee_email,
                supervisee_name=entry.supervisee_name,
                record=records.get(s.session_id) or moved.get(s.session_id),
            )
            inserts.append(Write("insert", body["id"], body))
        if not s.cancelled:
            cancels.append(cancel_write(s, window.by))
    result.booked = [w.event_id for w in inserts]
    result.cancelled = [s.event_id for s in result.sessions if not s.cancelled]
    to_move = [records[sid] for sid in sorted(records)]
    result.records_moved = [r.name for r in to_move]
    if dry_run:
        result.api_calls = connection.meter.api_calls - calls0
        return result
    # -- apply: cover events first, then the cancellations (a session is never left unheld)
    calendar = CalendarAdapter(connection)
    if inserts:
        calendar.write(window.by, inserts, send_updates=send_updates, tolerate=(409,))
    if cancels:
        calendar.write(window.supervisor, cancels, send_updates=send_updates)
    result.shares_added = _move_records(
        drive, to_move + [moved[sid] for sid in sorted(moved)], pairs, window, lm_role
    )
    result.api_calls = connection.meter.api_calls - calls0
    return result


def _move_records(
    drive: DriveAdapter,
    records: list[RecordFile],
    pairs: dict[str, RosterEntry],
    window: CoverWindow,
    lm_role: str,
) -> list[str]:
    """Ownership to the covering supervisor, into their folder; the ACL made whole again.
    Drive leaves the previous owner a writer, so the usual supervisor keeps access."""
    by = window.by
    old = [r for r in records if r.owner == window.supervisor]
    if old:
        drive.transfer_ownership(window.supervisor, [r.file_id for r in old], by)
    entries = {r.file_id: pairs.get(r.pair) for r in records}
    moves = []
    for r in records:
        entry = entries[r.file_id]
        if entry is None:
            continue
        folder = drive.ensure_folder(by, folder_path(entry.supervisee_name))
        if r.parent != folder:
            moves.append((r.file_id, r.parent, folder))
    drive.move(by, moves)
    shares, added = [], []
    for r in records:
        entry = entries[r.file_id]
        if entry is None:
            continue
        want = {
            entry.supervisee_email: "writer",
            entry.line_manager_email: lm_role,
            window.supervisor: USUAL_SUPERVISOR_ROLE,
        }
        current = {p.email: p.role for p in r.permissions if p.email}  # before the transfer
        for email, role in want.items():
            if email != by and current.get(email) not in (role, "owner"):
                shares.append(Share(r.file_id, email, role, notify=False))
                added.append(f"{r.name}: {email} ({role})")
    drive.share(by, shares)
    return added


def _names(roster: Sequence[RosterEntry]) -> dict[str, str]:
    """Each address's name as the roster gives it anywhere."""
    out: dict[str, str] = {}
    for e in roster:
        for address, name in ((e.supervisee_email, e.supervisee_name),
                              (e.supervisor_email, e.supervisor_name),
                              (e.line_manager_email, e.line_manager_name)):  # fmt: skip
            if name and name != address:
                out.setdefault(address, name)
    return out


__all__ = ["CoverResult", "cover", "cover_event_id"]
