"""Handover (Hillingdon Supervision Framework 4.5): a supervisee's records and future sessions
follow them to their new supervisor, or, for a leaver, the records are archived.

load -> validate everything -> read (the pair's records and series only) -> plan every Drive
and Calendar change -> preview (`--dry-run`) -> apply. Everything that can be known to fail is
found before the first write (addresses, the same organisation, the Drive scope, the archive
folder), so a handover either finishes or stops with nothing written; a run cut off anywhere is
finished by running it again: what is done is found done (records already owned by the new
supervisor, a series already booked with the same plan hash), so nothing is sent twice.

Only the people the handover is about are touched: the old pair's series are retired, the new
pair's are planned around everyone else's sessions (free/busy, working hours, the supervisor's
daily limit) and booked; no other pair is re-planned, and the years touched are the years the
pair has sessions booked in (from this year on), unless `year` names one.

Drive under the drive.file scope: the app reaches a file only as the user it created the file
as, so once ownership passes to the new supervisor the app can no longer reach the record as
anyone. A handover of records therefore needs the broad Drive scope ([google] drive_scope =
"drive"); under drive.file `transfer` stops before any write and says what to add. Ownership is
passed acting as the record's owner (the old supervisor); the folder and the ACL are then set
acting as the new owner. The old supervisor loses access (4.5) unless
[supervision] transfer_keep_old_supervisor_access keeps it.

The roster file itself is the caller's to update, or the next `book` would move them back.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..context import RunContext
from ..domain.planner import plan_year
from ..domain.policy import Policy
from ..domain.records import check_address, folder_path
from ..domain.roster import RosterEntry
from ..domain.series import pair_id_for
from ..errors import APIError, InputError, Problem, SupervisionError
from ..google.calendar import BookedSeries, CalendarAdapter, Write
from ..google.connect import Connection
from ..google.drive import DriveAdapter, RecordFile, Share
from ..settings import Settings
from .booking import Change, diff, subtract
from .templates import operator_of

DRIVE_SCOPE = "https://www.googleapis.com/auth/drive"
DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file"


@dataclass(frozen=True)
class AccessChange:
    """One ACL change on one record: `add` (or a role set) or `remove`."""

    record: str
    email: str
    role: str
    action: str  # "add" | "role" | "remove"
    file_id: str = ""
    permission_id: str = ""

    def describe(self) -> str:
        return f"{self.record}: {self.email} ({self.role})"


@dataclass
class TransferResult:
    """The plan of a handover, and (unless a dry run) what was done."""

    supervisee: str
    supervisee_name: str
    old_supervisor: str
    old_supervisor_name: str
    new_owner: str
    new_owner_name: str
    line_manager: str
    archived: bool
    dry_run: bool
    records: list[RecordFile] = field(default_factory=list)  # every record of the pair
    to_transfer: list[RecordFile] = field(default_factory=list)  # ownership still to pass
    folder: str = ""  # where the records go, in words
    moves: int = 0  # records to move into that folder
    access: list[AccessChange] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)  # calendar, the pair's series only
    years: list[int] = field(default_factory=list)
    emailed: dict[str, list[str]] = field(default_factory=dict)  # person -> why
    roster_line: int | None = None
    warnings: list[str] = field(default_factory=list)
    api_calls: int = 0  # API calls this run made (reads included)

    @property
    def added(self) -> list[str]:
        return [a.describe() for a in self.access if a.action != "remove"]

    @property
    def removed(self) -> list[str]:
        return [a.describe() for a in self.access if a.action == "remove"]

    @property
    def given_access(self) -> list[str]:
        """Everyone who gains access to a record (the new owner included)."""
        people = {a.email for a in self.access if a.action != "remove"}
        if self.to_transfer:
            people.add(self.new_owner)
        return sorted(people)

    def count(self, action: str) -> int:
        """Calendar series with this action ("create", "cancel", "truncate", "unchanged")."""
        return sum(1 for c in self.changes if c.action == action)

    @property
    def changed(self) -> bool:
        return bool(
            self.to_transfer
            or self.moves
            or self.access
            or any(c.kind is not None for c in self.changes)
        )


def transfer(
    ctx: RunContext,
    year: int | None,
    *,
    supervisee: str,
    to_supervisor: str | None,
    line_manager: str | None = None,
    archive_to: str | None = None,
    dry_run: bool = False,
    send_updates: str = "all",
) -> TransferResult:
    """Hand a supervisee's records and future sessions over (or archive them for a leaver)."""
    connection, roster, policy, settings = ctx.connection, ctx.roster, ctx.policy, ctx.settings
    domains = settings.allowed_domains
    lm_role = settings.supervision.line_manager_role
    keep_old = settings.supervision.transfer_keep_old_supervisor_access
    drive_scope = _drive_scope(connection, settings)
    # -- validate everything before any call
    entry, new_owner, new_lm = _validate(
        roster, settings, domains, supervisee, to_supervisor, line_manager, archive_to
    )
    archived = archive_to is not None
    old = entry.supervisor_email
    names = _names(roster)
    result = TransferResult(
        supervisee=entry.supervisee_email,
        supervisee_name=entry.supervisee_name,
        old_supervisor=old,
        old_supervisor_name=names.get(old, old),
        new_owner=new_owner,
        new_owner_name=names.get(new_owner, new_owner),
        line_manager=new_lm,
        archived=archived,
        dry_run=dry_run,
        roster_line=entry.line,
    )
    calls0 = connection.meter.api_calls
    # -- read and plan: Drive
    drive = DriveAdapter(connection)
    old_pair = pair_id_for(entry.supervisee_email, old)
    pending = [r for r in drive.list_records(old) if r.pair == old_pair]
    if pending and drive_scope != "drive":
        raise InputError(_scope_problem(settings, len(pending), entry.supervisee_name))
    moved = [] if drive_scope != "drive" else _already_moved(drive, new_owner, old_pair, pending)
    if archived and (pending or moved):
        _check_archive_folder(drive, new_owner, str(archive_to))
    result.records = sorted(pending + moved, key=lambda r: r.name)
    result.to_transfer = pending
    want = _wanted_acl(entry, new_owner, new_lm, lm_role, archived, keep_old, policy)
    if not archived and new_lm == old and result.records:
        result.warnings.append(
            f"{result.old_supervisor_name} stays {entry.supervisee_name}'s line manager and so "
            f"keeps {lm_role} access to the records{policy.wording.cited('handover')}; give "
            "--line-manager if "
            "that changes too"
        )
    for r in result.records:
        result.access += _acl_changes(r, r in pending, old, new_owner, want, entry, archived)
    folder_id = archive_to if archived else None
    if folder_id is None and result.records:
        folder_id = _existing_folder(drive, new_owner, folder_path(entry.supervisee_name))
    result.folder = (
        f"the archive folder {archive_to}"
        if archived
        else "/".join(folder_path(entry.supervisee_name)) + f" in {new_owner}'s Drive"
    )
    result.moves = sum(1 for r in result.records if folder_id is None or r.parent != folder_id)
    # -- read and plan: Calendar (this pair's series only)
    calendar = CalendarAdapter(connection)
    new_entry = None
    if not archived:
        new_entry = dataclasses.replace(
            entry,
            supervisor_email=new_owner,
            supervisor_name=names.get(new_owner, new_owner),
            line_manager_email=new_lm,
            line_manager_name=names.get(new_lm, new_lm),
        )
    result.changes, result.years = _plan_calendar(
        connection, calendar, policy, settings, year, entry, new_entry, result.warnings
    )
    # -- who hears about it
    if pending:
        result.emailed.setdefault(new_owner, []).append(
            f"Drive ownership of {len(pending)} record{'s' if len(pending) != 1 else ''}"
        )
    if send_updates == "all":
        for c in result.changes:
            if c.kind is not None and c.notifies and c.supervisee:
                what = "invitation" if c.action == "create" else "change or cancellation"
                result.emailed.setdefault(c.supervisee, []).append(f"calendar {what} ({c.title})")
    if dry_run:
        result.api_calls = connection.meter.api_calls - calls0
        return result
    # -- apply: Drive first (its only email is the ownership notice), then Calendar
    try:
        _apply_drive(drive, result, old, new_owner, folder_id, entry, archived,
                     policy.wording.cited("handover"))  # fmt: skip
        _apply_calendar(calendar, result.changes, send_updates)
    except APIError as err:  # a batch's failed parts too (BatchError)
        raise SupervisionError(
            f"The handover of {entry.supervisee_name} stopped part way: {err}. Run the same "
            "command again to finish it; what is done is not done twice."
        ) from err
    result.api_calls = connection.meter.api_calls - calls0
    return result


# -- validating -----------------------------------------------------------------------------------
def _validate(
    roster: Sequence[RosterEntry],
    settings: Settings,
    domains: Collection[str] | None,
    supervisee: str,
    to_supervisor: str | None,
    line_manager: str | None,
    archive_to: str | None,
) -> tuple[RosterEntry, str, str]:
    """The roster entry, the new owner and the new line manager; InputError otherwise."""
    supervisee = supervisee.strip().lower()
    if (to_supervisor is None) == (archive_to is None):
        raise InputError(
            Problem(
                "--to-supervisor",
                None,
                None,
                "give --to-supervisor EMAIL (a handover) or --archive-to FOLDER_ID (a leaver), "
                "not both",
            )
        )
    for email, where in ((supervisee, "--supervisee"), (to_supervisor, "--to-supervisor"),
                         (line_manager, "--line-manager")):  # fmt: skip
        if email:
            check_address(email, domains, where)
    entry = next((e for e in roster if e.supervisee_email == supervisee), None)
    if entry is None:
        raise InputError(Problem("--supervisee", None, None, f"{supervisee} is not in the roster"))
    new_owner = operator_of(settings) if to_supervisor is None else to_supervisor.strip().lower()
    new_lm = (line_manager or entry.line_manager_email).strip().lower()
    problems = []
    if new_owner == supervisee:
        problems.append(
            Problem("--to-supervisor", None, None, f"{supervisee} cannot supervise themselves")
        )
    if to_supervisor is not None and new_owner == entry.supervisor_email:
        problems.append(
            Problem(
                "--to-supervisor",
                None,
                None,
                f"the roster (line {entry.line}) already names {new_owner} as "
                f"{entry.supervisee_name}'s supervisor; run transfer with the roster as it was "
                "before the handover, then update the roster",
            )
        )
    if new_lm == supervisee:
        problems.append(
            Problem("--line-manager", None, None, f"{supervisee} cannot be their own line manager")
        )
    if new_owner.rsplit("@", 1)[-1] != entry.supervisor_email.rsplit("@", 1)[-1]:
        problems.append(
            Problem(
                "--to-supervisor",
                None,
                None,
                f"Drive passes ownership only within one organisation: {new_owner} is not in "
                f"{entry.supervisor_email.rsplit('@', 1)[-1]}",
            )
        )
    if problems:
        raise InputError(problems)
    return entry, new_owner, new_lm


def _drive_scope(connection: Connection, settings: Settings) -> str:
    """ "drive" or "drive.file": what the connection's tokens carry when it says (the truth),
    else what the settings ask for."""
    scopes = getattr(connection, "scopes", None)
    if scopes:
        return "drive" if DRIVE_SCOPE in scopes else "drive.file"
    return settings.google.drive_scope


def _scope_problem(settings: Settings, count: int, name: str) -> Problem:
    """Why a handover of records cannot run under drive.file, and exactly what to change."""
    source = settings.source or "the settings file"  # no file read: named generically
    asked = settings.google.drive_scope == "drive"
    todo = (
        'the settings ask for it ([google] drive_scope = "drive") but the connection\'s tokens '
        "do not carry it: in the Google Admin console"
        if asked
        else 'set drive_scope = "drive" in the [google] section of the settings file, and in '
        "the Google Admin console"
    )
    return Problem(
        source,
        None,
        "google.drive_scope",
        f"handing over {name}'s {count} record(s) needs the broad Drive scope: under drive.file "
        "the toolkit reaches a record only as the user it created it as, so after ownership "
        "passes to the new supervisor nobody could reach it through the toolkit. Nothing was "
        f"changed. To allow it: {todo} (Security > Access and data control > API controls > "
        f"Domain-wide delegation) add the scope {DRIVE_SCOPE} to the toolkit's client ID (it "
        "lets the toolkit see, edit, share and delete every Drive file of the users it acts "
        "as). Then run transfer again.",
    )


def _check_archive_folder(drive: DriveAdapter, operator: str, folder_id: str) -> None:
    try:
        drive.get(operator, folder_id)
    except SupervisionError as err:
        raise InputError(
            Problem(
                "--archive-to",
                None,
                None,
                f"folder {folder_id} is not reachable as the operator {operator} ({err}); give "
                "the id of a folder the operator owns",
            )
        ) from None


# -- planning Drive -------------------------------------------------------------------------------
def _already_moved(
    drive: DriveAdapter, new_owner: str, old_pair: str, pending: list[RecordFile]
) -> list[RecordFile]:
    """The pair's records a cut-off run already passed to the new owner (broad scope only)."""
    ids = {r.file_id for r in pending}
    return [r for r in drive.list_records(new_owner) if r.pair == old_pair and r.file_id not in ids]


def _wanted_acl(
    entry: RosterEntry,
    new_owner: str,
    new_lm: str,
    lm_role: str,
    archived: bool,
    keep_old: bool,
    policy: Policy,
) -> dict[str, str]:
    """Each record's ACL after the handover (owner first); nobody is listed twice, so the new
    owner is never also given the line manager's role (they may be the same person)."""
    want = {new_owner: "owner"}
    if not archived:
        want.setdefault(entry.supervisee_email, "writer")
        want.setdefault(new_lm, lm_role)
    if keep_old:
        role = (policy.extra.get("handover") or {}).get("old_supervisor_role") or "writer"
        want.setdefault(entry.supervisor_email, str(role))
    return want


def _acl_changes(
    record: RecordFile,
    pending: bool,
    old: str,
    new_owner: str,
    want: dict[str, str],
    entry: RosterEntry,
    archived: bool,
) -> list[AccessChange]:
    """The ACL changes that make `record` (as it will stand after the ownership transfer)
    exactly `want`, among the people a handover is about."""
    current = {p.email: p for p in record.permissions if p.email and p.kind == "user"}
    roles = {email: p.role for email, p in current.items()}
    if pending:  # Drive leaves the previous owner a writer
        roles[old] = "writer"
        roles[new_owner] = "owner"
    out = []
    for email, role in want.items():
        if role == "owner" or roles.get(email) == role:
            continue
        perm = current.get(email)
        if perm is not None and email != new_owner:
            out.append(
                AccessChange(record.name, email, role, "role", record.file_id, perm.permission_id)
            )
        else:
            out.append(AccessChange(record.name, email, role, "add", record.file_id))
    parties = {entry.supervisor_email, entry.line_manager_email}
    if archived:
        parties.add(entry.supervisee_email)
    for email, role in sorted(roles.items()):
        if email in want or role == "owner" or email not in parties:
            continue  # anyone else a supervisor added stays (`records` reports them)
        perm_id = current[email].permission_id if email in current else ""
        out.append(AccessChange(record.name, email, role, "remove", record.file_id, perm_id))
    return out


def _existing_folder(drive: DriveAdapter, user: str, path: Sequence[str]) -> str | None:
    """The folder's id if the app already made it in `user`'s Drive (no write)."""
    drive.prefetch_folders(user)
    current = "root"
    for name in path:
        found = drive._folders.get((user.lower(), current, name))  # noqa: SLF001
        if found is None:
            return None
        current = found
    return current


# -- planning Calendar ----------------------------------------------------------------------------
def _plan_calendar(
    connection: Connection,
    calendar: CalendarAdapter,
    policy: Policy,
    settings: Settings,
    year: int | None,
    entry: RosterEntry,
    new_entry: RosterEntry | None,
    warnings: list[str],
) -> tuple[list[Change], list[int]]:
    """The pair's series to retire in the old calendar and to book in the new one, per year."""
    now = connection.now()
    old = entry.supervisor_email
    old_pair = pair_id_for(entry.supervisee_email, old)
    olds = [b for b in calendar.list_app_series(old) if b.pair_id == old_pair and b.year]
    news: list[BookedSeries] = []
    others: list[BookedSeries] = []
    if new_entry is not None:
        new_pair = pair_id_for(new_entry.supervisee_email, new_entry.supervisor_email)
        for b in calendar.list_app_series(new_entry.supervisor_email):
            (news if b.pair_id == new_pair and b.year else others).append(b)
    live = [b for b in olds if not b.cancelled and any(o >= now for o in b.occurrences())]
    years = sorted({int(b.year or 0) for b in live + news if (b.year or 0) >= now.year})
    if year is not None:  # only that year, and only if the pair has sessions booked in it
        years = [y for y in years if y == year]
    if not years:
        warnings.append(
            f"{entry.supervisee_name} has no future sessions booked with {old}"
            + (f" in {year}" if year is not None else "")
            + ": no calendar changes (book the new pair with `book` once the roster is updated)"
        )
    closures = settings.organisation.closure_days
    changes: list[Change] = []
    for y in years:
        booked = {old: [b for b in olds if b.year == y]}
        roster: list[RosterEntry] = []
        busy: dict[str, list[tuple[datetime, datetime]]] | None = None
        if new_entry is not None:
            booked[new_entry.supervisor_email] = [b for b in news if b.year == y]
            roster = [new_entry]
            busy = _busy(calendar, policy, y, now, new_entry, olds + news, others, warnings)
        plan = plan_year(roster, policy, y, busy=busy, closure_days=closures)
        year_changes = diff(plan, booked, now, roster)
        # the new calendar first: a run cut off between leaves the supervisee booked somewhere
        first = new_entry.supervisor_email if new_entry is not None else ""
        changes += sorted(year_changes, key=lambda c: c.calendar != first)
    return changes, years


def _busy(
    calendar: CalendarAdapter,
    policy: Policy,
    year: int,
    now: datetime,
    new_entry: RosterEntry,
    pair_series: list[BookedSeries],
    others: list[BookedSeries],
    warnings: list[str],
) -> dict[str, list[tuple[datetime, datetime]]]:
    """The new pair's busy time in `year`: free/busy of both (the whole year, so a re-run plans
    the same), minus the pair's own sessions (old and new: they move), plus whole days on which
    the new supervisor already holds their daily limit of sessions (policy max_sessions_per_day)."""
    tz = policy.tz
    lo, hi = datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)
    if now >= hi:
        return {}
    sup, see = new_entry.supervisor_email, new_entry.supervisee_email
    found = calendar.freebusy(sup, [sup, see], lo, hi)
    for cal, reason in sorted(found.errors.items()):
        warnings.append(f"free/busy of {cal} not readable ({reason}); planned without it")
    ours = _spans(pair_series, lo, hi)
    busy = {p: subtract(found.busy.get(p, []), ours) for p in (sup, see)}
    per_day: dict[Any, int] = defaultdict(int)
    for start, _end in _spans(others, lo, hi):
        per_day[start.astimezone(tz).date()] += 1
    for day, count in sorted(per_day.items()):
        if count >= policy.max_sessions_per_day:
            start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
            busy[sup].append((start, start + timedelta(days=1)))
    return busy


def _spans(
    series: Sequence[BookedSeries], lo: datetime, hi: datetime
) -> list[tuple[datetime, datetime]]:
    out = []
    for b in series:
        if b.cancelled:
            continue
        length = b.end - b.start
        out += [(o, o + length) for o in b.occurrences() if o + length > lo and o < hi]
    return out


# -- applying -------------------------------------------------------------------------------------
def _apply_drive(
    drive: DriveAdapter,
    result: TransferResult,
    old: str,
    new_owner: str,
    folder_id: str | None,
    entry: RosterEntry,
    archived: bool,
    cited: str = "",
) -> None:
    """Ownership (acting as the owner), then folder and ACL (acting as the new owner).
    `cited`: ' (the policy's handover section)', or '' when the policy in use has none."""
    if not result.records:
        return
    if result.to_transfer:
        message = f"Supervision records of {entry.supervisee_name}, handed over to you{cited}."
        drive.transfer_ownership(
            old, [r.file_id for r in result.to_transfer], new_owner, message, move_to_root=True
        )
    folder = folder_id or drive.ensure_folder(new_owner, folder_path(entry.supervisee_name))
    # where each record sits now, as the new owner sees it (their My Drive after the transfer)
    ids = {r.file_id for r in result.records}
    now_at = {r.file_id: r.parent for r in drive.list_records(new_owner) if r.file_id in ids}
    if set(now_at) != ids:  # the new owner's token cannot reach them: not the broad scope
        raise SupervisionError(
            f"{len(ids - set(now_at))} record(s) of {entry.supervisee_name} now belong to "
            f"{new_owner}, but the toolkit cannot reach them as {new_owner}: its Drive scope "
            f"is not {DRIVE_SCOPE}. Add that scope to the toolkit's client ID in the Admin "
            'console and set [google] drive_scope = "drive", then run transfer again to finish.'
        )
    drive.move(
        new_owner,
        [(fid, parent, folder) for fid, parent in sorted(now_at.items()) if parent != folder],
    )
    shares = [
        Share(a.file_id, a.email, a.role, notify=False) for a in result.access if a.action == "add"
    ]
    drive.share(new_owner, shares)
    roles = [(a.file_id, a.permission_id, a.role) for a in result.access if a.action == "role"]
    drive.set_roles(new_owner, roles)
    removals = [(a.file_id, a.permission_id) for a in result.access if a.action == "remove"]
    drive.unshare(new_owner, removals)


def _apply_calendar(calendar: CalendarAdapter, changes: list[Change], send_updates: str) -> None:
    by_cal: dict[str, list[Write]] = {}
    for c in changes:
        if c.write is not None:
            by_cal.setdefault(c.calendar, []).append(c.write)
    for cal, writes in by_cal.items():  # in the plan's order: the new calendar first
        answers = calendar.write(cal, writes, send_updates=send_updates, tolerate=(404, 410))
        del answers


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
