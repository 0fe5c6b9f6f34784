"""Absence cover (Hillingdon Supervision Framework 3.4): a supervisor's sessions in a window are
held by a colleague, so each supervisee keeps the prescribed frequency.

load -> validate everything (addresses, window, both people supervisors in the roster, the
colleague not one of the absent supervisor's own supervisees) -> read (the absent supervisor's
sessions in the window, the cover events already booked, free/busy of the colleague and the
supervisees, the records) -> plan (each cover session placed with the planner's rules: free
for both, working hours, the colleague's daily limit) -> preview (`--dry-run`) -> apply:
(1) the cover events in the colleague's calendar (supervisee invited; ids from the session
ids, so a re-run books nothing twice), (2) the absent supervisor's instances cancelled, each
only once its cover event exists, (3) the colleague given access to the existing records,
acting as their owner. Records stay in the absent supervisor's Drive (4.4): under the
drive.file scope the app can reach them only as the user it created them as, and nothing
needs them to move. Only the absent supervisor's supervisees in the window are touched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from ..domain.cover import (
    COVER_ROLE,
    CoverWindow,
    Placement,
    check_not_own_supervisee,
    check_window,
    cover_event_id,
    place_cover,
)
from ..domain.policy import Policy
from ..domain.records import check_address
from ..domain.roster import RosterEntry
from ..domain.series import pair_id_for
from ..domain.workdays import WorkingDays
from ..errors import APIError, InputError, Problem, SupervisionError
from ..google.calendar import CalendarAdapter
from ..google.calendar_cover import cancel_write, cover_write
from ..google.connect import Connection
from ..google.drive import DriveAdapter, RecordFile, Share
from ..google.sessions import list_sessions


@dataclass(frozen=True)
class CoverSession:
    """One session of the absence, in people's words: who, when, and where it is held now."""

    session_id: str
    supervisee: str
    supervisee_name: str
    start: datetime  # the session's own time
    end: datetime
    placed: Placement | None  # None: no free slot; it stays with the absent supervisor
    booked: bool = False  # the cover event exists already (an earlier run)
    cancelled: bool = False  # the absent supervisor's instance is cancelled already


@dataclass
class CoverResult:
    window: CoverWindow
    dry_run: bool
    supervisor_name: str = ""
    by_name: str = ""
    sessions: list[CoverSession] = field(default_factory=list)  # in the window, by time
    booked: list[str] = field(default_factory=list)  # cover event ids inserted
    cancelled: list[str] = field(default_factory=list)  # absent supervisor's instances
    shares_added: list[str] = field(default_factory=list)  # "record: email (role)"
    emailed: dict[str, list[str]] = field(default_factory=dict)  # person -> why
    given_access: list[str] = field(default_factory=list)
    api_calls: int = 0

    @property
    def unplaced(self) -> list[CoverSession]:
        return [s for s in self.sessions if s.placed is None and not s.booked]

    @property
    def records_shared(self) -> int:
        return len(self.shares_added)

    @property
    def changed(self) -> bool:
        return bool(self.booked or self.cancelled or self.shares_added)


def cover(
    connection: Connection,
    roster: Sequence[RosterEntry],
    policy: Policy,
    settings: Any,
    *,
    supervisor: str,
    start: date,
    end: date,
    by: str,
    dry_run: bool = False,
    send_updates: str = "all",
) -> CoverResult:
    """Have `by` hold `supervisor`'s sessions from `start` to `end` (inclusive)."""
    org = getattr(settings, "organisation", None)
    domains = getattr(org, "allowed_domains", None)
    # -- validate everything before any call
    window = check_window(supervisor, by, start, end)
    for email, where in ((window.supervisor, "--supervisor"), (window.by, "--by")):
        check_address(email, domains, where)
    supervisors = {e.supervisor_email for e in roster}
    problems = [
        Problem(where, None, None, f"{email} supervises nobody in the roster")
        for email, where in ((window.supervisor, "--supervisor"), (window.by, "--by"))
        if email not in supervisors  # `records` and `sync` read supervisors' calendars
    ]
    if problems:
        raise InputError(problems)
    check_not_own_supervisee(window, roster)
    pairs = {
        pair_id_for(e.supervisee_email, e.supervisor_email): e
        for e in roster
        if e.supervisor_email == window.supervisor
    }
    names = _names(roster)
    result = CoverResult(
        window,
        dry_run,
        supervisor_name=names.get(window.supervisor, window.supervisor),
        by_name=names.get(window.by, window.by),
    )
    calls0 = connection.meter.api_calls
    tz = policy.tz
    lo = datetime.combine(start, time.min, tzinfo=tz)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    reach = hi + timedelta(days=policy.rearrange_within_days + 1)  # a session may move on
    # -- read: the sessions, the cover events already booked
    mine = [
        s
        for s in list_sessions(connection, window.supervisor, lo, hi)
        if not s.covers
        and s.pair_id in pairs
        and window.includes(s.instance.start.astimezone(tz).date())
    ]
    theirs = list_sessions(connection, window.by, lo, reach)
    covers = {s.covers: s for s in theirs if s.covers and not s.cancelled}
    now = connection.now()
    # -- plan: each session not covered yet is placed around both people's time
    todo = [s for s in mine if not s.cancelled and s.session_id not in covers]
    busy: dict[str, list[tuple[datetime, datetime]]] = {}
    if todo:
        people = [window.by] + sorted({pairs[s.pair_id].supervisee_email for s in todo})
        found = CalendarAdapter(connection).freebusy(window.by, people, lo, reach)
        busy = {p: list(found.busy.get(p, [])) for p in people}
    held: dict[date, int] = defaultdict(int)  # sessions the colleague holds, per day
    for s in theirs:
        if not s.cancelled:
            held[s.instance.start.astimezone(tz).date()] += 1
    closures = set(policy.closure_days) | set(getattr(org, "closure_days", ()) or ())
    workdays = WorkingDays(policy.region, closures)
    for s in sorted(mine, key=lambda s: s.instance.start):
        entry = pairs[s.pair_id]
        booked = covers.get(s.session_id)
        if s.cancelled and booked is None:
            continue  # cancelled by someone else (or rearranged): not this cover's to hold
        placed: Placement | None
        if booked is not None:
            placed = Placement(booked.instance.start, booked.instance.end)
        elif s.instance.start < now:  # already held: recorded as held by the colleague, then
            placed = Placement(s.instance.start, s.instance.end)
            held[s.instance.start.astimezone(tz).date()] += 1
        else:
            own = (s.instance.start, s.instance.end)
            both = busy.get(window.by, []) + _without(busy.get(entry.supervisee_email, []), own)
            placed = place_cover(*own, both, held, policy, now, workdays)
            if placed is not None:  # later sessions of this run see it
                span = (placed.start, placed.end)
                busy.setdefault(window.by, []).append(span)
                busy.setdefault(entry.supervisee_email, []).append(span)
                held[placed.start.astimezone(tz).date()] += 1
        result.sessions.append(
            CoverSession(
                s.session_id, entry.supervisee_email, entry.supervisee_name,
                s.instance.start, s.instance.end, placed,
                booked=booked is not None, cancelled=s.cancelled,
            )
        )  # fmt: skip
    # -- plan: the writes
    drive = DriveAdapter(connection)
    held_ids = {c.session_id for c in result.sessions if c.placed is not None}
    records = {
        r.session_id: r for r in drive.list_records(window.supervisor) if r.session_id in held_ids
    }
    by_id = {s.session_id: s for s in mine}
    inserts, cancels = [], []
    for c in result.sessions:
        if c.placed is None:
            continue
        s, entry = by_id[c.session_id], pairs[by_id[c.session_id].pair_id]
        if not c.booked:
            cover = cover_write(
                s, timezone=policy.timezone, by=window.by, by_name=result.by_name,
                usual=window.supervisor, usual_name=entry.supervisor_name,
                supervisee=entry.supervisee_email, supervisee_name=entry.supervisee_name,
                record=records.get(c.session_id), start=c.placed.start, end=c.placed.end,
                rule=policy.cover_text(),
            )  # fmt: skip
            inserts.append(cover)
        if not c.cancelled:
            cancels.append(cancel_write(s, window.by))
    result.booked = [w.event_id for w in inserts]
    result.cancelled = [w.event_id for w in cancels]
    shares = _shares(records.values(), window.by)
    result.shares_added = [f"{r.name}: {window.by} ({COVER_ROLE})" for r, _s in shares]
    if shares:
        result.given_access = [window.by]
    if send_updates == "all":
        for c in result.sessions:
            if c.placed is not None and not (c.booked and c.cancelled):
                result.emailed.setdefault(c.supervisee, []).append(
                    f"Calendar: session of {c.start:%a %d %b %Y %H:%M} held by {result.by_name}"
                )
    if dry_run:
        result.api_calls = connection.meter.api_calls - calls0
        return result
    # -- apply: cover events first, then the cancellations (a session is never left unheld)
    calendar = CalendarAdapter(connection)
    try:
        if inserts:
            calendar.write(window.by, inserts, send_updates=send_updates, tolerate=(409,))
        if cancels:
            calendar.write(window.supervisor, cancels, send_updates=send_updates)
        drive.share(window.supervisor, [s for _r, s in shares])  # acting as the records' owner
    except APIError as err:  # a batch's failed parts too (BatchError)
        raise SupervisionError(
            f"The cover stopped part way: {err}. Run the same command again to finish it; "
            "nothing is booked or sent twice."
        ) from err
    result.api_calls = connection.meter.api_calls - calls0
    return result


def _without(
    spans: list[tuple[datetime, datetime]], own: tuple[datetime, datetime]
) -> list[tuple[datetime, datetime]]:
    """The supervisee's busy time without the session being covered (free/busy merges it
    with what touches it, so cut it out rather than drop equal spans only)."""
    out = []
    a0, b0 = own
    for a, b in spans:
        if b <= a0 or a >= b0:
            out.append((a, b))
            continue
        if a < a0:
            out.append((a, a0))
        if b0 < b:
            out.append((b0, b))
    return out


def _shares(records: Any, by: str) -> list[tuple[RecordFile, Share]]:
    """The colleague's access to each record they hold the session of (no email: the cover
    invitation says it)."""
    out = []
    for r in sorted(records, key=lambda r: r.name):
        if r.role_of(by) not in (COVER_ROLE, "owner"):
            out.append((r, Share(r.file_id, by, COVER_ROLE, notify=False)))
    return out


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


__all__ = ["CoverResult", "CoverSession", "cover", "cover_event_id"]
