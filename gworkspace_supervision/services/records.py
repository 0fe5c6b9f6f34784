"""Create each held session's record (Hillingdon 4.4): load -> validate -> read -> diff -> apply.

The calendar is the truth about sessions (moved ones carry their real date, cancelled ones get
no record); Drive is the truth about records (found by appProperties session id). The template
is read once per run, as the operator who installed it. Applying runs per supervisor, acting as
the supervisor throughout (under the drive.file scope the app reaches only the files it created
as that user, so every write on a record is made as the supervisor who owns it), in four
steps, each in batches (a round trip per 50-100 records, not per record): create an empty Doc
-> write the template's content with every field filled (one Docs call each) -> share -> attach
to the calendar instance. A record is done once it is attached, so a run cut off anywhere is
finished by the next: a record without the supervisee on its ACL was not shared yet; its
content is read (only then) and written if it is still empty, then it is shared and attached.

Drift on existing records is mended: a missing permission is added again, a wrong role set
back, link/domain/outside shares removed (they break 4.4/4.5 outright); any other extra person
is reported, not removed, because the supervisor may have shared on purpose (cover, 3.4).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from typing import Any

from ..context import RunContext
from ..domain.agenda import AgendaRule, agenda_rule, plan_agendas
from ..domain.caseload import Case, load_caseload
from ..domain.cover import COVER_ROLE
from ..domain.policy import Policy, cadence_text
from ..domain.records import (
    AclDrift,
    Neighbour,
    RecordFacts,
    acl_drift,
    check_privacy,
    expected_acl,
    folder_path,
    placeholder_values,
    share_message,
    template_name,
)
from ..domain.roster import RosterEntry
from ..domain.series import pair_id_for
from ..domain.workdays import WorkingDays
from ..errors import APIError, SupervisionError
from ..google.batch import BatchError
from ..google.calendar import CalendarAdapter, Write
from ..google.connect import Connection
from ..google.docs import DocsAdapter, TemplateContent
from ..google.drive import DriveAdapter, RecordFile, Share, doc_link
from ..google.sessions import CalendarSession, attach_write, list_sessions
from ..google.tags import RECORD, FileTags
from ..settings import SupervisionSettings
from .templates import find_template, read_template

Progress = Callable[[int, int], None]


@dataclass
class RecordPlan:
    """One session's record: what exists, what to do."""

    session: CalendarSession
    entry: RosterEntry
    facts: RecordFacts
    acl: dict[str, str]
    existing: RecordFile | None = None
    drift: AclDrift = field(default_factory=AclDrift)
    action: str = "create"  # "create" | "complete" | "mend" | "unchanged"
    file_id: str | None = None

    @property
    def title(self) -> str:
        return self.facts.title

    @property
    def shared_with(self) -> list[str]:
        return [f"{e} ({r})" for e, r in self.acl.items() if r != "owner"]

    @property
    def needs_fill(self) -> bool:
        sup = self.entry.supervisee_email
        return self.action == "create" or (
            self.existing is not None
            and self.existing.role_of(sup) is None
            and not self.session.attached(self.existing.file_id)
        )


@dataclass
class RecordsResult:
    through: date
    dry_run: bool
    plans: list[RecordPlan]
    skipped: list[str] = field(default_factory=list)  # sessions with no roster pair
    reported: list[str] = field(default_factory=list)  # unexpected people on a record's ACL
    removed: list[str] = field(default_factory=list)  # link/domain/outside shares taken off
    duplicates: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    api_calls: int = 0
    round_trips: int = 0
    calls: dict[str, int] = field(default_factory=dict)

    def count(self, action: str) -> int:
        return sum(1 for p in self.plans if p.action == action)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def mended(self) -> int:
        return self.count("mend") + self.count("complete")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


def create_records(
    ctx: RunContext,
    year: int,
    through: date,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> RecordsResult:
    """Make sure every session held on or before `through` has its record, shared and attached."""
    connection, policy, settings = ctx.connection, ctx.policy, ctx.settings
    org, sup_settings = settings.organisation, settings.supervision
    domains = settings.allowed_domains
    lm_role = sup_settings.line_manager_role
    notify = sup_settings.notify
    roster_file = ctx.roster_file
    entries = list(ctx.roster)
    # -- validate everything before reading or writing anything
    check_privacy(entries, domains, roster_file or "roster", lm_role)
    caseload = _caseload(sup_settings, policy, entries, domains)
    calls0, trips0 = connection.meter.api_calls, connection.meter.round_trips
    before = dict(connection.meter.calls)
    template = find_template(connection, settings, template_name(policy.template))
    content = read_template(connection, settings, template)
    # -- read
    by_pair = {pair_id_for(e.supervisee_email, e.supervisor_email): e for e in entries}
    supervisors = sorted({e.supervisor_email for e in entries})
    tz = policy.tz
    lo = datetime(year, 1, 1, tzinfo=tz)
    hi = datetime(year + 1, 2, 1, tzinfo=tz)  # past the year: the next session of December's
    closures = set(policy.closure_days) | set(org.closure_days)
    workdays = WorkingDays(policy.region, closures)
    organisation = org.name
    drive = DriveAdapter(connection)
    result = RecordsResult(through, dry_run, [])
    found: dict[str, list[RecordFile]] = {}
    calendars: dict[str, list[CalendarSession]] = {}
    listed = 0
    records: dict[str, RecordFile] = {}  # every supervisor's: a cover session's record stays
    for sup in supervisors:  # in the usual supervisor's Drive (Hillingdon 4.4, services/cover)
        calendars[sup] = list_sessions(connection, sup, lo, hi)
        listed += len(calendars[sup])
        found[sup] = drive.list_records(sup, folders=not dry_run)  # folders: for creating
        for sid, record in _by_session(found[sup], result).items():
            records.setdefault(sid, record)
    for sup in supervisors:
        result.plans += _plan_supervisor(
            calendars[sup], records, by_pair, policy, through, workdays, organisation, lm_role,
            domains, result, caseload,
        )  # fmt: skip
    _link_previous(result.plans)
    if not listed:  # nothing booked here: wrong workspace, wrong year, or `book` not run yet
        raise SupervisionError(
            f"No sessions are booked for {year} in the calendars of the roster's "
            f"{len(supervisors)} supervisors in this workspace, so no record was made. Run "
            "`gws-supervision book` first, or check --workspace and --year."
        )
    if not dry_run:
        _apply(connection, drive, content, result, notify, progress)
    result.api_calls = connection.meter.api_calls - calls0
    result.round_trips = connection.meter.round_trips - trips0
    result.calls = {
        k: v - before.get(k, 0) for k, v in connection.meter.calls.items() if v != before.get(k, 0)
    }
    return result


def _by_session(records: list[RecordFile], result: RecordsResult) -> dict[str, RecordFile]:
    """Session id -> record; a second record for a session is reported, never deleted."""
    out: dict[str, RecordFile] = {}
    for r in sorted(records, key=lambda r: (r.modified_time or datetime.min, r.file_id)):
        if r.session_id in out:
            result.duplicates.append(f"{r.name} ({r.link}) duplicates {out[r.session_id].link}")
            continue
        out[r.session_id] = r
    return out


def _plan_supervisor(
    sessions: list[CalendarSession],
    records: dict[str, RecordFile],
    by_pair: dict[str, RosterEntry],
    policy: Policy,
    through: date,
    workdays: WorkingDays,
    organisation: str,
    lm_role: str,
    domains: Any,
    result: RecordsResult,
    caseload: tuple[list[Case], AgendaRule] | None = None,
) -> list[RecordPlan]:
    tz = policy.tz
    per_pair: dict[str, list[CalendarSession]] = defaultdict(list)
    for s in sessions:
        if s.cancelled:
            continue  # a cancelled session gets no record
        if s.pair_id not in by_pair:
            result.skipped.append(f"{s.session_id}: pair not in the roster")
            continue
        per_pair[s.pair_id].append(s)
    plans = []
    for pair, held in sorted(per_pair.items()):
        entry = by_pair[pair]
        cover_by = held[0].calendar_user if held[0].covers else None
        if cover_by is not None:  # 3.4: held by a colleague; the record stays the usual
            entry = replace(  # supervisor's (4.4), and names who held the session
                entry,
                supervisor_name=held[0].supervisor_label or held[0].cover_name or cover_by,
            )
        held.sort(key=lambda s: s.instance.start)
        agendas = _agendas(held, entry, caseload, tz)
        for i, s in enumerate(held):
            start = s.instance.start.astimezone(tz)
            if start.date() > through:
                break
            prev = held[i - 1] if i else None
            nxt = held[i + 1] if i + 1 < len(held) else None
            facts = RecordFacts(
                session_id=s.session_id,
                entry=entry,
                start=start,
                end=s.instance.end.astimezone(tz),
                category_label=_label(policy, s.category or entry.category),
                cadence=_cadence(policy, s.category or entry.category, s.phase, entry),
                record_due=workdays.add_working_days(start.date(), policy.record_due_working_days),
                organisation=organisation,
                location=s.location or entry.location,
                previous=_neighbour(prev, tz, records),
                next=_neighbour(nxt, tz, None),
                agenda=tuple(agendas.get(s.session_id, ())) if agendas is not None else None,
            )
            plan = RecordPlan(s, entry, facts, expected_acl(entry, lm_role))
            if cover_by is not None:  # the colleague who held it reads and adds to it
                plan.acl.setdefault(cover_by, COVER_ROLE)
            existing = records.get(s.session_id)
            if existing is not None:
                plan.existing, plan.file_id = existing, existing.file_id
                plan.drift = acl_drift(existing.permissions, plan.acl, domains)
                attached = s.attached(existing.file_id)
                drift = plan.drift
                if existing.role_of(entry.supervisee_email) is None and not attached:
                    plan.action = "complete"  # copied, not yet shared: finish it
                elif drift.missing or drift.wrong_role or drift.forbidden or not attached:
                    plan.action = "mend"
                else:
                    plan.action = "unchanged"  # extra people are reported only
                for pid, what in plan.drift.unexpected:
                    result.reported.append(f"{existing.name}: {what} is not expected ({pid})")
            plans.append(plan)
    return plans


@dataclass(frozen=True)
class _Held:
    """A held session as the agenda planner sees it."""

    session_id: str
    supervisee_email: str
    start: datetime


def _caseload(
    sup_settings: SupervisionSettings,
    policy: Policy,
    entries: Sequence[RosterEntry],
    domains: Collection[str] | None,
) -> tuple[list[Case], AgendaRule] | None:
    """The settings' caseload file and the policy's agenda rule, validated before any write
    (None when no caseload is given: records then say so where the case numbers go)."""
    path = sup_settings.caseload
    if not path:
        return None
    rule = agenda_rule(policy)
    return load_caseload(path, domains, {e.supervisee_email for e in entries}), rule


def _agendas(
    held: Sequence[CalendarSession],
    entry: RosterEntry,
    caseload: tuple[list[Case], AgendaRule] | None,
    tz: Any,
) -> dict[str, Any] | None:
    """Session id -> the case numbers due at it (Hillingdon 4.4: numbers only), over the pair's
    held sessions of the year as the calendar holds them, each agenda assumed discussed."""
    if caseload is None:
        return None
    cases, rule = caseload
    mine = [c for c in cases if c.worker_email == entry.supervisee_email]
    sessions = [
        _Held(s.session_id, entry.supervisee_email, s.instance.start.astimezone(tz)) for s in held
    ]
    return dict(plan_agendas(sessions, mine, rule))


def _neighbour(
    s: CalendarSession | None, tz: Any, records: dict[str, RecordFile] | None
) -> Neighbour | None:
    if s is None:
        return None
    record = (records or {}).get(s.session_id)
    return Neighbour(s.instance.start.astimezone(tz), s.location, record.link if record else None)


def _link_previous(plans: list[RecordPlan]) -> None:
    """A record created earlier (or in this run, filled in later) links the previous one."""
    when = {(p.entry.supervisee_email, p.facts.start): p for p in plans}
    for p in plans:
        prev = p.facts.previous
        if prev is None or prev.record_link:
            continue
        earlier = when.get((p.entry.supervisee_email, prev.start))
        if earlier is not None and earlier.file_id:
            link = doc_link(earlier.file_id)
            p.facts = replace(p.facts, previous=replace(prev, record_link=link))


def _label(policy: Policy, category: str) -> str:
    found = policy.categories.get(category)
    return found.label if found else category


def _cadence(policy: Policy, category: str, phase: str, entry: RosterEntry) -> str:
    """The session's phase cadence: looked up in its category, then the person's role and
    status, then any category (a role's phase after a status ends, an ASYE's `then`)."""
    for key in dict.fromkeys((category, *entry.categories, *policy.categories)):
        found = policy.categories.get(key)
        for p in found.phases if found else ():
            if p.name == phase:
                if p.every_weeks is None and not p.monthly:
                    return cadence_text(entry.interval_weeks)
                return p.cadence
    return cadence_text(entry.interval_weeks) if entry.interval_weeks else "as booked"


# -- applying -------------------------------------------------------------------------------------
def _apply(
    connection: Connection,
    drive: DriveAdapter,
    template: TemplateContent,
    result: RecordsResult,
    notify: bool,
    progress: Progress | None,
) -> None:
    todo = [p for p in result.plans if p.action != "unchanged"]
    total, done = len(todo), 0
    if progress is not None and total:
        progress(0, total)
    by_sup: dict[str, list[RecordPlan]] = defaultdict(list)
    for p in todo:
        by_sup[p.entry.supervisor_email].append(p)
    docs, calendar = DocsAdapter(connection), CalendarAdapter(connection)
    for sup, plans in sorted(by_sup.items()):
        try:
            _apply_supervisor(sup, plans, drive, docs, calendar, template, result, notify)
        except APIError as exc:  # a whole supervisor failed: the rest go on; run again later
            result.failures[sup] = str(exc)
        done += len(plans)
        if progress is not None:
            progress(done, total)


def _apply_supervisor(
    sup: str,
    plans: list[RecordPlan],
    drive: DriveAdapter,
    docs: DocsAdapter,
    calendar: CalendarAdapter,
    template: TemplateContent,
    result: RecordsResult,
    notify: bool,
) -> None:
    # 1. create each record as an empty Doc in Supervision Records/<name>/ (batched)
    creating = [p for p in plans if p.action == "create"]
    folders = drive.ensure_folders(sup, [folder_path(p.entry.supervisee_name) for p in creating])
    creates = []
    for p in creating:
        folder = folders[folder_path(p.entry.supervisee_name)]
        tags = FileTags(RECORD, session=p.session.session_id, pair=p.session.pair_id)
        props = tags.app_properties()
        creates.append(
            (p.session.session_id,
             drive.create_doc_request(sup, name=p.title, folder_id=folder, props=props))
        )  # fmt: skip
    made = _tolerant(lambda: drive.create_many(sup, creates), result)
    for p in creating:
        record = made.get(p.session.session_id)
        if record is not None:
            p.file_id = record.file_id
    _link_previous(result.plans)
    # 2. write the template's content with every field filled: one batchUpdate each, batched.
    # A record an earlier run left unfinished is read first: written only while still empty.
    unfinished = [p.file_id for p in plans if p.action == "complete" and p.file_id and p.needs_fill]
    states = _tolerant(lambda: docs.states(sup, unfinished), result, "read: ")
    writes, fills = [], []
    for p in plans:
        if p.file_id is None or not p.needs_fill:
            continue
        values = placeholder_values(p.facts)
        state = "empty" if p.action == "create" else states.get(p.file_id)
        if state == "empty":
            writes.append((p.session.session_id, p.file_id, template, values))
        elif state == "unfilled":  # a copy of the template made by an older version
            fills.append((p.session.session_id, p.file_id, values))
    done = set(_tolerant(lambda: docs.write_many(sup, writes), result, "fill: "))
    done |= set(_tolerant(lambda: docs.fill_many(sup, fills), result, "fill: "))
    ready = [
        p for p in plans
        if p.file_id is not None
        and (not p.needs_fill or p.session.session_id in done
             or (p.action == "complete" and states.get(p.file_id) == "written"))
    ]  # fmt: skip
    # 3. share: supervisee and line manager (batched); drift mended
    shares, roles, removals = [], [], []
    for p in ready:
        assert p.file_id is not None
        missing = list(p.acl.items()) if p.action == "create" else list(p.drift.missing)
        if p.action == "complete":
            missing = [(e, r) for e, r in p.acl.items() if r != "owner"]
        for email, role in missing:
            if role == "owner":
                continue
            message = (
                share_message(p.facts)
                if p.action in ("create", "complete")
                else (f"Access restored. {share_message(p.facts)}")
            )
            shares.append(Share(p.file_id, email, role, notify, message))
        roles += [(p.file_id, pid, role) for pid, _email, role in p.drift.wrong_role]
        removals += [(p.file_id, pid) for pid, _ in p.drift.forbidden]
        for _pid, what in p.drift.forbidden:
            result.removed.append(f"{p.title}: removed {what}")
    _tolerant(lambda: drive.share(sup, shares), result)
    _tolerant(lambda: drive.set_roles(sup, roles), result)
    _tolerant(lambda: drive.unshare(sup, removals), result)
    # 4. attach to the calendar instance, link in its description (batched patches), in the
    # calendar that holds it (a cover session's is the covering supervisor's)
    attaches: dict[str, list[Write]] = defaultdict(list)
    for p in ready:
        if p.file_id and not p.session.attached(p.file_id):
            attaches[p.session.calendar_user].append(
                attach_write(p.session, file_id=p.file_id, title=p.title)
            )
    for cal, batch in sorted(attaches.items()):
        _tolerant(partial(calendar.write, cal, batch, send_updates="none"), result)


def _tolerant(
    run: Callable[[], dict[str, Any]], result: RecordsResult, step: str = ""
) -> dict[str, Any]:
    """Run a batch; parts that failed are reported (the next run finishes them)."""
    try:
        return run()
    except BatchError as err:
        for key, failure in err.failures.items():
            result.failures[str(key)] = f"{step}{failure.message}"
        for key in err.pending:
            result.failures[str(key)] = f"{step}not done (quota); run again later"
        return dict(err.responses)
