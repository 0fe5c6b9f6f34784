"""Handover (Hillingdon 4.5, 3.4): a supervisee's records and future sessions follow them.

Records pass to the new supervisor by Drive ownership transfer (within the organisation,
acting as the old owner) and move into the new owner's `Supervision Records/<name>/`; for a
leaver they pass to the operator and move into the archive folder. The ACL is then made
exactly the expected one: the old supervisor loses access (unless the policy's
[extra.handover] old_supervisor_role says otherwise), the old line manager gives way to the new.

Future sessions move by re-booking: the booking service reconciles the roster with this one
change, which cancels (or cuts short) the old supervisor's series and books the new one. The
roster file itself is the caller's to update, or the next `book` would move them back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..context import RunContext
from ..domain.records import check_address, folder_path
from ..domain.roster import RosterEntry
from ..domain.series import pair_id_for
from ..errors import InputError, Problem
from ..google.drive import DriveAdapter, RecordFile, Share
from .booking import BookingResult, book
from .templates import operator_of


@dataclass
class TransferResult:
    supervisee: str
    new_owner: str
    archived: bool
    dry_run: bool
    records: list[RecordFile]
    from_supervisors: list[str]
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    booking: BookingResult | None = None
    roster_line: int | None = None


def transfer(
    ctx: RunContext,
    year: int,
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
    supervisee = supervisee.lower()
    if to_supervisor is None and archive_to is None:
        raise InputError(
            Problem("--to-supervisor", None, None, "give --to-supervisor or --archive-to")
        )
    for email, where in ((supervisee, "--supervisee"), (to_supervisor, "--to-supervisor"),
                         (line_manager, "--line-manager")):  # fmt: skip
        if email:
            check_address(email, domains, where)
    entry = next((e for e in roster if e.supervisee_email == supervisee), None)
    if entry is None:
        raise InputError(Problem("--supervisee", None, None, f"{supervisee} is not in the roster"))
    archived = archive_to is not None
    new_owner = operator_of(settings) if archived else str(to_supervisor).lower()
    new_lm = (line_manager or entry.line_manager_email).lower()
    keep_old = (policy.extra.get("handover") or {}).get("old_supervisor_role")
    # -- read: the records shared with the supervisee, owned by their supervisors
    drive = DriveAdapter(connection)
    owners = {entry.supervisor_email}
    records = [r for o in sorted(owners) for r in drive.list_records(o)
               if r.pair == pair_id_for(supervisee, o)]  # fmt: skip
    if new_owner not in owners:  # already handed over (a re-run): check and tidy the ACL
        records += [r for r in drive.list_records(new_owner)
                    if r.pair == pair_id_for(supervisee, entry.supervisor_email)]  # fmt: skip
    result = TransferResult(supervisee, new_owner, archived, dry_run, records,
                            sorted(owners), roster_line=entry.line)  # fmt: skip
    # -- bookings: the roster with this one change, reconciled by the booking service
    changed = [e for e in roster if e.supervisee_email != supervisee]
    if not archived:
        changed.append(dataclasses.replace(
            entry, supervisor_email=new_owner, supervisor_name=_name_of(roster, new_owner),
            line_manager_email=new_lm, line_manager_name=_name_of(roster, new_lm),
        ))  # fmt: skip
    result.booking = book(dataclasses.replace(ctx, roster=tuple(changed)), year,
                          dry_run=dry_run, send_updates=send_updates)  # fmt: skip
    if dry_run:
        return result
    # -- records: ownership, folder, then the exact ACL
    for old in sorted(owners):
        mine = [r for r in records if r.owner == old]
        if mine:
            drive.transfer_ownership(old, [r.file_id for r in mine], new_owner)
    folder = archive_to or drive.ensure_folder(new_owner, folder_path(entry.supervisee_name))
    drive.move(new_owner, [(r.file_id, r.parent, folder) for r in records if r.parent != folder])
    want = {new_owner: "owner", new_lm: lm_role}
    if not archived:
        want[supervisee] = "writer"
    if keep_old:
        want.setdefault(entry.supervisor_email, str(keep_old))
    shares, removals = [], []
    # One listing of the new owner's records carries every record's ACL (as it stands after
    # the ownership transfer), instead of a permissions.list per record.
    listed = {f.file_id: f for f in drive.list_records(new_owner)}
    for r in records:
        acl = (
            listed[r.file_id].permissions
            if r.file_id in listed
            else drive.list_permissions(new_owner, r.file_id)
        )
        current = {p.email: p for p in acl if p.email}
        for email, role in want.items():
            if role != "owner" and (email not in current or current[email].role != role):
                shares.append(Share(r.file_id, email, role, notify=False))
                result.added.append(f"{r.name}: {email} ({role})")
        for email, p in current.items():
            if (
                email not in want
                and p.role != "owner"
                and _handover_party(p.role, email, entry, lm_role, archived)
            ):
                removals.append((r.file_id, p.permission_id))
                result.removed.append(f"{r.name}: {email} ({p.role})")
    drive.share(new_owner, shares)
    drive.unshare(new_owner, removals)
    return result


def _handover_party(
    role: str, email: str, entry: RosterEntry, lm_role: str, archived: bool
) -> bool:
    """Whom a handover takes off a record: the old supervisor, the old line manager, and for
    a leaver the supervisee. Anyone else a supervisor added stays (records reports them)."""
    return (
        email in (entry.supervisor_email, entry.line_manager_email)
        or (archived and email == entry.supervisee_email)
        or role == lm_role
        and email == entry.line_manager_email
    )


def _name_of(roster: Sequence[RosterEntry], email: str) -> str:
    """A person's name as the roster gives it anywhere (else their address)."""
    for e in roster:
        for address, name in ((e.supervisee_email, e.supervisee_name),
                              (e.supervisor_email, e.supervisor_name),
                              (e.line_manager_email, e.line_manager_name)):  # fmt: skip
            if address == email and name and name != email:
                return name
    return email
