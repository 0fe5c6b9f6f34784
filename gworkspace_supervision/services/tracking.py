"""`sync`: the bookings and each open record's status line, into the tracking Sheet.

read the Sheet (rows, notes, sync state) -> read each supervisor's sessions (one Calendar call)
and the records changed since the stored Drive page token (one Drive call), then the changed open
records' text (Docs batch requests: a round trip per 50 records per owner) -> statuses (domain/status.py) -> write every tab in one values call.

Incremental (Hillingdon 4.4 monitored daily without re-reading a year of Docs): a record already
COMPLETE is never read again; an open record is read only when Drive lists it as changed since
the last sync. The first sync for a supervisor lists their records and reads the open ones.
Completed date = the Doc's modifiedTime at the sync that first reads COMPLETE.
"""

from __future__ import annotations

import random
import time as time_module
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ..context import RunContext
from ..domain.absences import Absence
from ..domain.events import OBSERVATION, SUPERVISION
from ..domain.planner import plan_year
from ..domain.policy import Policy
from ..domain.rearrange import NOT_REARRANGED, rearrangement_status
from ..domain.roster import RosterEntry
from ..domain.status import (
    COMPLETE,
    Status,
    Summary,
    TrackedSession,
    overdue_rows,
    parse_record_status,
    parse_record_urgent,
    session_status,
    summarise,
)
from ..domain.workdays import WorkingDays
from ..errors import InputError, Problem, SupervisionError
from ..google.connect import Connection
from ..google.drive import DriveAdapter, RecordFile
from ..google.sheet import (
    Content,
    LockBusy,
    TrackerMissing,
    TrackerSheet,
    rows_from,
    session_cells,
    tracker_listing,
)
from ..google.sheet_layout import GAPS
from ..google.tracking_reads import (
    SessionEvent,
    list_year_sessions,
    record_changes,
    record_texts,
    start_page_token,
)
from ..settings import DEFAULT_DOMAINS, Settings
from .absence_tracking import CoverProposal, absence_rows, cover_proposals
from .tracking_events import (
    event_row,
    event_tabs,
    event_types,
    observation_window,
    type_summary,
)
from .tracking_tabs import build_tabs, safe_tabs

Progress = Callable[[str], None]


def _nothing_booked(year: int, supervisors: int, outcome: str) -> SupervisionError:
    """A first sync that finds no session of `year`: the wrong folder or year, most likely."""
    return SupervisionError(
        f"Nothing is booked for {year} in this workspace for the roster's {supervisors} "
        f"supervisors, so {outcome}. Check --workspace names the folder (or Google domain) you "
        "booked in, and --year; book first with `gws-supervision book`."
    )


@dataclass
class SyncResult:
    spreadsheet_id: str
    url: str
    created: bool  # this sync made the tracker, or first gave it its tabs
    today: date
    rows: list[TrackedSession]
    summary: Summary
    overdue: list[tuple[TrackedSession, int]]
    records_read: int = 0
    api_calls: int = 0
    round_trips: int = 0
    warnings: list[str] = field(default_factory=list)
    gaps: int = 0  # sessions not held, supervisee away (`absences`)
    cover: list[CoverProposal] = field(default_factory=list)  # supervisors away
    dry_run: bool = False
    shares: SharePreview | None = None
    new_rows: int = 0  # sessions not in the Sheet before
    changed_rows: int = 0  # sessions whose row changes


@dataclass(frozen=True)
class SharePreview:
    """Who is (or would be) given the tracking Sheet, who loses it, who is emailed about it."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    emailed: list[str] = field(default_factory=list)


def operator_of(settings: Settings, connection: Connection) -> str:
    """The account owning the tracker: [organisation] operator; on the local Workspace a
    business support address in the first allowed domain when none is set (the example
    domain when the domains are not restricted: there is no first one then)."""
    operator = settings.organisation.operator
    if operator:
        return operator.lower()
    domains = settings.organisation.allowed_domains or DEFAULT_DOMAINS
    if connection.kind == "local":
        return f"business.support@{domains[0]}"
    raise InputError(
        Problem("settings", None, "organisation.operator", "the tracker needs an operator")
    )


def as_at(today: date | None, connection: Connection, policy: Policy) -> datetime:
    """`--today DATE` means as at the end of that day; without it, the workspace's now."""
    if today is None:
        return connection.now().astimezone(policy.tz)
    return datetime.combine(today, time(23, 59, 59), tzinfo=policy.tz)


def open_tracker(
    connection: Connection, settings: Settings, *, create: bool
) -> TrackerSheet | None:
    return TrackerSheet.open(
        connection,
        operator_of(settings, connection),
        spreadsheet_id=settings.supervision.tracker_sheet_id,
        create=create,
    )


def locked_tracker(
    connection: Connection,
    settings: Settings,
    what: str,
    *,
    attempts: int = 6,
    sleep: Callable[[float], None] | None = None,
) -> TrackerSheet:
    """The tracker (made if there is none) with the workspace's lock held for command `what`.

    The lock lives on the tracker, and two first-ever runs may each make a tracker at the same
    moment, so a run holds the lock of EVERY tracker it sees, trying each once and, if any is
    busy, letting all go and trying again after a jittered wait. The trackers held are one
    whole listing taken after this run's own tracker (if it made one) was tagged, so two runs
    that both went on would each have listed before the other's tracker existed: impossible.
    The earliest tracker is used; one this run made in vain is deleted (its lock held, so
    nobody else is using it; a run that listed it meets a 404 and looks again).
    """
    chosen = settings.supervision.tracker_sheet_id
    operator = operator_of(settings, connection)
    wait = sleep or time_module.sleep
    if chosen:
        sheet = TrackerSheet(connection, operator, chosen, sleep=wait)
        sheet.acquire(attempts=attempts, what=what)
        return sheet
    busy: SupervisionError | None = None
    mine: set[str] = set()  # trackers this run made
    for attempt in range(attempts):
        listing = tracker_listing(connection, operator)
        if not listing:  # made, then listed again: the list holds it and any twin tagged before
            new = TrackerSheet.open(connection, operator, create=True)
            assert new is not None
            mine.add(new.spreadsheet_id)
            listing = tracker_listing(connection, operator) or [(new.spreadsheet_id, "")]
        # earliest first; of twins made in the same instant, another run's first (it may
        # already have been used), so a tracker this run made is the one that goes
        listing.sort(key=lambda pair: (pair[1], pair[0] in mine, pair[0]))
        ids = [tracker_id for tracker_id, _created in listing]
        held: list[TrackerSheet] = []
        try:
            for tracker_id in ids:
                sheet = TrackerSheet(
                    connection, operator, tracker_id, created=tracker_id in mine, sleep=wait
                )
                sheet.acquire(attempts=1, what=what)
                held.append(sheet)
        except (LockBusy, TrackerMissing) as exc:  # missing: a twin its maker deleted
            busy = exc
            for sheet in held:
                sheet.release()
            if attempt + 1 < attempts:
                wait(min(30.0, 0.5 * 2**attempt) * (0.5 + random.random()))
            continue
        winner, rest = held[0], held[1:]
        for sheet in rest:
            sheet.release()
            if sheet.spreadsheet_id in mine:
                sheet.discard()
        return winner
    assert busy is not None
    raise busy


def sync(
    ctx: RunContext,
    year: int,
    *,
    today: date | None = None,
    progress: Progress | None = None,
    sleep: Callable[[float], None] | None = None,
    absences: Sequence[Absence] = (),
    dry_run: bool = False,
) -> SyncResult:
    """Bring the tracking Sheet up to date for `year`; safe to run at any time, any number
    of times, and from two places at once (the second waits for the first's lock).

    Everyone the Sheet would be shared with is checked against the allowed domains before the
    first write. `dry_run` reads everything and says what would change and who would be given
    the Sheet, and writes nothing (no Sheet made, no lock taken, no share, no email).

    `absences` (the file `book` planned with): the gaps they leave and the sessions needing
    cover go to the "Gaps and cover" tab, and the result proposes each cover command. Without
    it that tab is left as the last sync with absences wrote it.
    """
    connection, roster, policy, settings = ctx.connection, ctx.roster, ctx.policy, ctx.settings
    say = progress or (lambda _text: None)
    calls0, trips0 = connection.meter.api_calls, connection.meter.round_trips
    now = as_at(today, connection, policy)
    closures = settings.organisation.closure_days
    workdays = WorkingDays(policy.region, set(policy.closure_days) | set(closures))
    readers = sorted(
        {e.line_manager_email for e in roster} | set(settings.organisation.heads_of_service)
    )
    settings.check_recipients(
        [(r, "tracking Sheet reader (line manager or head of service)") for r in readers]
    )
    away: tuple[int, list[CoverProposal], list[list[Any]]] | None = None
    if absences:  # planned before the first call, as `book` planned it: bad input writes nothing
        planned = plan_year(roster, policy, year, closure_days=closures, absences=absences)
        proposals = cover_proposals(planned, roster, absences)
        away = (len(planned.gaps), proposals, absence_rows(planned, roster, policy, proposals))
    lo = datetime(year, 1, 1, tzinfo=policy.tz)
    hi = datetime(year + 1, 1, 1, tzinfo=policy.tz)
    read_lo, read_hi = _read_window(policy, now.date(), year, lo, hi)
    read_first: dict[str, list[SessionEvent]] = {}
    sheet = open_tracker(connection, settings, create=False)
    if sheet is None:  # a first sync: is anything booked here, before a Sheet is made?
        for supervisor in sorted({e.supervisor_email for e in roster}):
            read_first[supervisor] = list_year_sessions(connection, supervisor, read_lo, read_hi)
        if not any(lo <= e.start < hi for found in read_first.values() for e in found):
            raise _nothing_booked(year, len(read_first), "no tracking Sheet was made")
    if not dry_run:
        sheet = locked_tracker(connection, settings, "sync", sleep=sleep)
    # made by this run, or made empty by `book` or `records` (their lock lives on it) and
    # first given its tabs now: either way this is when people first have a tracker to read
    first_set_up = sheet is not None and (sheet.created or sheet.needs_setup)
    say(f"Tracker: {sheet.url}" if sheet is not None else "Tracker: not made yet (dry run)")
    try:
        previous = sheet.read() if sheet is not None else Content()
        old_rows = {r.session_id: r for r in rows_from(previous)}
        supervisors = sorted(
            {e.supervisor_email for e in roster}
            | {r.supervisor_email for r in old_rows.values() if r.start.year == year}
        )
        events: list[SessionEvent] = []
        meta = dict(previous.meta)
        records: dict[str, RecordFile] = {}
        removed: set[str] = set()
        reads = 0
        completed_state = {sid: r for sid, r in old_rows.items() if r.completed_at is not None}
        drive = DriveAdapter(connection)
        for number, supervisor in enumerate(supervisors, 1):
            say(f"[{number}/{len(supervisors)}] {supervisor}: sessions and records")
            events += read_first.get(supervisor) or list_year_sessions(
                connection, supervisor, read_lo, read_hi
            )
            token = meta.get(f"token:{supervisor}")
            if token:
                changes = record_changes(connection, supervisor, token)
                found, removed_now, token = changes.records, changes.removed, changes.new_token
            else:  # first sync for this supervisor: the token first, so nothing slips between
                token = start_page_token(connection, supervisor)
                found, removed_now = drive.list_records(supervisor), []
            meta[f"token:{supervisor}"] = token
            removed.update(removed_now)
            for record in found:
                if record.owner and record.owner != supervisor:
                    continue  # seen in this Drive, owned by someone else: read by its owner
                records[record.session_id] = record
        if not old_rows and not any(lo <= e.start < hi for e in events):
            # a tracker `book` or `records` made (their lock lives on it), still empty
            raise _nothing_booked(year, len(supervisors), "the tracking Sheet was left empty")
        statuses = read_statuses(connection, records, completed_state, supervisors)
        reads = len(statuses)
        everything = _rows(
            events, roster, policy, old_rows, records, removed, statuses, workdays, now
        )
        rows = [r for r in everything if r.type == SUPERVISION and lo <= r.start < hi]
        kept = [r for r in old_rows.values() if r.start.year != year]  # other years as they are
        rows = _order(rows + kept, previous)
        summary = summarise([r for r in rows if r.start.year == year], now.date(), year)
        overdue = overdue_rows(rows, now.date(), workdays)
        in_year = [r for r in everything if r.type != SUPERVISION] + rows
        shared = [e for e in meta.get("readers", "").split(",") if e]
        notify = settings.supervision.notify
        owner = sheet.operator if sheet is not None else operator_of(settings, connection)
        wanted = sorted({r.lower() for r in readers} - {owner.lower()})
        preview = SharePreview(
            added=sorted(set(wanted) - set(shared)),
            removed=sorted(set(shared) - set(wanted)),
            emailed=sorted(set(wanted) - set(shared)) if notify else [],
        )
        if not dry_run:
            assert sheet is not None
            meta["readers"] = ",".join(sheet.share(readers, shared, notify))
            meta["last_sync"] = connection.now().isoformat(timespec="seconds")
            meta["as_at"] = now.date().isoformat()  # the day the statuses are for (report)
            say(f"Writing {len(rows)} rows ({reads} records read)")
            tabs = build_tabs(rows, previous, summary, overdue, meta)
            if policy.events:  # issue 8: a tab per event type, Observations, Summary per type
                tabs.extra = event_tabs(in_year, roster, policy, now.date(), year)
                tabs.summary += [[], *type_summary(summary, in_year, policy, year)]
            if away is not None:
                tabs.extra[GAPS] = away[2]
            sheet.write(safe_tabs(tabs), previous)
    finally:
        if sheet is not None and not dry_run:
            sheet.release()
    before = {r.session_id: r for r in rows_from(previous)}
    return SyncResult(
        spreadsheet_id=sheet.spreadsheet_id if sheet is not None else "",
        url=sheet.url if sheet is not None else "",
        created=first_set_up if sheet is not None else True,
        today=now.date(),
        rows=rows,
        summary=summary,
        overdue=overdue,
        records_read=reads,
        api_calls=connection.meter.api_calls - calls0,
        round_trips=connection.meter.round_trips - trips0,
        gaps=away[0] if away else 0,
        cover=away[1] if away else [],
        dry_run=dry_run,
        shares=preview,
        new_rows=sum(1 for r in rows if r.session_id not in before),
        changed_rows=sum(
            1
            for r in rows
            if r.session_id in before and session_cells(before[r.session_id]) != session_cells(r)
        ),
    )


def read_statuses(
    connection: Connection,
    records: Mapping[str, RecordFile],
    completed: Mapping[str, TrackedSession],
    supervisors: Sequence[str],
) -> dict[str, tuple[str | None, datetime | None, bool]]:
    """Session id -> (the record's status line, its modifiedTime, whether it is marked urgent)
    for each changed record not already COMPLETE: one Docs batch round trip per owner per
    DOCS_BATCH records, not one round trip per record."""
    by_owner: dict[str, list[RecordFile]] = defaultdict(list)
    for sid, record in sorted(records.items()):
        if sid not in completed and record.session_id != "":
            by_owner[record.owner or supervisors[0]].append(record)
    out: dict[str, tuple[str | None, datetime | None, bool]] = {}
    for owner, mine in sorted(by_owner.items()):
        texts = record_texts(connection, owner, [r.file_id for r in mine])
        for r in mine:
            if r.file_id in texts:
                text = texts[r.file_id]
                out[r.session_id] = (
                    parse_record_status(text),
                    r.modified_time,
                    parse_record_urgent(text),
                )
    return out


def _cancelled_at(event: SessionEvent, old: TrackedSession | None, now: datetime) -> datetime:
    """When a session was cancelled, as well as can be known: Google keeps no time on a
    cancelled occurrence, so the first sync that saw it cancelled (kept in the Sheet), or this
    one, and never later than the session itself (a session cancelled after it happened)."""
    if event.updated is not None:  # a single event of ours (cover, rearrangement) keeps it
        return event.updated
    if old is not None and old.cancelled_at is not None:
        return old.cancelled_at
    return min(now, event.start)


def _declined_at(event: SessionEvent, old: TrackedSession | None, now: datetime) -> datetime:
    """When the supervisee declined, as well as can be known: the first sync that saw it
    (kept in the Sheet), else the occurrence's last change (the answer is one), never later
    than the session itself."""
    if old is not None and old.cancelled_at is not None:
        return old.cancelled_at
    return min(now, event.updated or now, event.start)


def _read_window(
    policy: Policy, today: date, year: int, lo: datetime, hi: datetime
) -> tuple[datetime, datetime]:
    """The calendar year, widened to the observation counting year shown (Hillingdon 5.2 f:
    April to March), so observations held before January still count."""
    for rule in policy.events:
        if rule.type == OBSERVATION:
            first, last = observation_window(rule, today, year)
            start = datetime.combine(first, time(0), tzinfo=policy.tz)
            end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=policy.tz)
            return min(lo, start), max(hi, end)
    return lo, hi


def _rearrangements(
    events: Sequence[SessionEvent],
    policy: Policy,
    now: datetime,
    cancelled_at: Mapping[str, datetime],
) -> dict[str, str]:
    """Cancelled session id -> REARRANGED | NOT REARRANGED | PENDING, by the one rule of
    Hillingdon 3.3 (`domain.rearrange.rearrangement_status`): a live event tagged
    `rearranges=<id>` (the earliest booked, if several) is the rearrangement."""
    replacement: dict[str, SessionEvent] = {}
    for e in events:
        if e.replaces and not e.cancelled:
            known = replacement.get(e.replaces)
            when = e.created or e.start
            if known is None or when < (known.created or known.start):
                replacement[e.replaces] = e
    out: dict[str, str] = {}
    for e in events:
        if e.cancelled:
            found = replacement.get(e.session_id)
            out[e.session_id] = rearrangement_status(
                cancelled_at[e.session_id],
                e.start,
                found.start if found else None,
                now,
                policy,
                replaced_at=found.created if found else None,
            )
    return out


def _rows(
    events: Sequence[SessionEvent],
    roster: Sequence[RosterEntry],
    policy: Policy,
    old_rows: Mapping[str, TrackedSession],
    records: Mapping[str, RecordFile],
    removed: set[str],
    statuses: Mapping[str, tuple[str | None, datetime | None, bool]],
    workdays: WorkingDays,
    now: datetime,
) -> list[TrackedSession]:
    people = {e.supervisee_email: e for e in roster}
    # Hillingdon 3.4: a session held by a colleague is cancelled in its usual supervisor's
    # calendar; the live cover event (same session id) is the session
    covered = {e.session_id for e in events if e.covers and not e.cancelled}
    cancelled_at = {
        e.session_id: _cancelled_at(e, old_rows.get(e.session_id), now)
        for e in events
        if e.cancelled
    }
    rearranged = _rearrangements(events, policy, now, cancelled_at)
    types = event_types(events)
    seen: set[str] = set()
    out: list[TrackedSession] = []
    tz = policy.tz
    for event in events:
        if event.session_id in seen or (event.cancelled and event.session_id in covered):
            continue
        seen.add(event.session_id)
        entry = people.get(event.supervisee)
        type_kind = types.get(event.series_event_id, (SUPERVISION, ""))
        if type_kind[0] != SUPERVISION:  # an observation, appraisal or review: no record;
            out.append(event_row(event, type_kind, entry, policy, now))  # a single event: a
            continue  # cancelled one is CANCELLED whoever cancelled it
        old = old_rows.get(event.session_id)
        start, end = event.start.astimezone(tz), event.end.astimezone(tz)
        state, modified, marked = statuses.get(event.session_id, (None, None, None))
        urgent = bool(old.urgent if marked is None and old is not None else marked)
        # the policy's own deadline: its working days, or its hours for a record marked urgent
        due = policy.record_due_on(end, workdays, urgent)
        category = policy.categories.get(event.category)
        row = TrackedSession(
            session_id=event.session_id,
            team=entry.team if entry else (old.team if old else ""),
            supervisor_email=event.supervisor,
            # a cover session (Hillingdon 3.4) names who covered: "Tom (cover for Sam)"
            supervisor_name=event.supervisor_label
            or _name(entry, "supervisor", event.supervisor, old),
            supervisee_email=event.supervisee,
            supervisee_name=_name(entry, "supervisee", event.supervisee, old),
            line_manager_email=entry.line_manager_email
            if entry
            else (old.line_manager_email if old else ""),  # fmt: skip
            line_manager_name=_name(entry, "line_manager", "", old),
            category=category.label if category else (old.category if old else event.category),
            start=start,
            end=end,
            record_due=due,
            note=old.note if old else "",
            urgent=urgent and bool(policy.record_due_urgent_hours),
        )
        if old is not None:
            row.record_id, row.record_owner = old.record_id, old.record_owner
            row.completed_at = old.completed_at
        record = records.get(event.session_id)
        if record is not None:
            row.record_id, row.record_owner = record.file_id, record.owner
        if row.record_id in removed and record is None:
            row.record_id, row.record_owner, row.completed_at = None, "", None
        if row.completed_at is None and state == COMPLETE:
            row.completed_at = modified or now
        row.completed = row.completed_at.astimezone(tz).date() if row.completed_at else None
        if event.cancelled:  # Hillingdon 3.3, by domain.rearrange's rule
            row.cancelled_at = cancelled_at[event.session_id]
            breached = rearranged.get(event.session_id) == NOT_REARRANGED
            row.status = Status.NOT_REARRANGED if breached else Status.CANCELLED
        elif event.declined:  # the supervisee said no: Hillingdon 3.3 runs from then
            row.cancelled_at = _declined_at(event, old, now)
            late = rearrangement_status(row.cancelled_at, start, None, now, policy)
            row.status = Status.NOT_REARRANGED if late == NOT_REARRANGED else Status.DECLINED
        else:
            row.status = session_status(end=end, now=now, due=due, completed=row.completed)
        out.append(row)
    return out


def _name(entry: RosterEntry | None, who: str, email: str, old: TrackedSession | None) -> str:
    if entry is not None:
        return str(getattr(entry, f"{who}_name"))
    if old is not None:
        return str(getattr(old, f"{who}_name"))
    return email


def _order(rows: list[TrackedSession], previous: Content) -> list[TrackedSession]:
    """Rows stay where they were in the Sheet (so notes stay put); new rows go at the end in
    date order."""
    position = {str(cells[0]): i for i, cells in enumerate(previous.sessions)}
    old = sorted(
        (r for r in rows if r.session_id in position), key=lambda r: position[r.session_id]
    )
    new = sorted(
        (r for r in rows if r.session_id not in position),
        key=lambda r: (r.start.astimezone(UTC), r.supervisor_email, r.supervisee_email),
    )
    return old + new
