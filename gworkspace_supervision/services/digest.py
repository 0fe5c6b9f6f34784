"""The line managers' weekly digest: their team's overdue and due-soon records, and the
sessions cancelled and not rearranged, read from the tracking Sheet (services/report.py).

Line managers monitor the timeliness of supervision (Hillingdon 4.4: records completed
within 5 working days; 3.3: a cancelled session rearranged within 24 hours for a date within 5
days). One message per line manager, with only the rows of the people they manage. Metadata
only (names, dates, status, links to the record and the tracker): never record content, never
the Sheet's free-text Note column. Without `send` nothing is written anywhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..domain.policy import Policy
from ..domain.records import check_address
from ..domain.status import Status, TrackedSession
from ..domain.workdays import WorkingDays
from ..google import gmail
from ..google.connect import Connection
from ..google.sheet import record_link
from .report import Report, report
from .tracking import operator_of, setting

OVERDUE, DUE_SOON, NOT_REARRANGED = "overdue", "due soon", "not rearranged"
KINDS = (OVERDUE, DUE_SOON, NOT_REARRANGED)
DUE_WITHIN = 2  # working days: "due soon"


@dataclass(frozen=True)
class DigestItem:
    kind: str  # one of KINDS
    row: TrackedSession
    working_days_overdue: int = 0


@dataclass
class ManagerDigest:
    """What one line manager is told: their team's rows only."""

    email: str
    name: str
    items: list[DigestItem] = field(default_factory=list)

    def of(self, kind: str) -> list[DigestItem]:
        return [i for i in self.items if i.kind == kind]


@dataclass
class DigestResult:
    today: date
    tracker_url: str
    due_within: int
    digests: list[ManagerDigest]
    quiet: list[str] = field(default_factory=list)  # line managers with nothing to report
    sent: dict[str, str] = field(default_factory=dict)  # manager email -> Gmail message id
    sender: str = ""
    policy: Policy | None = None  # the policy in use: its own words in the headings


def build_digests(
    rows: Iterable[TrackedSession], today: date, workdays: WorkingDays, due_within: int
) -> tuple[list[ManagerDigest], list[str]]:
    """Group the Sheet's rows by line manager: (digests with something to say, quiet managers)."""
    soon = workdays.add_working_days(today, due_within) if due_within > 0 else today
    by_manager: dict[str, ManagerDigest] = {}
    items: dict[str, list[DigestItem]] = defaultdict(list)
    for row in rows:
        email = row.line_manager_email.strip().lower()
        if not email:
            continue
        by_manager.setdefault(email, ManagerDigest(email, row.line_manager_name or email))
        if row.status == Status.OVERDUE:
            late = max(0, workdays.working_days_between(row.record_due, today))
            items[email].append(DigestItem(OVERDUE, row, late))
        elif row.status == Status.DUE and row.record_due <= soon:
            items[email].append(DigestItem(DUE_SOON, row))
        elif row.status == Status.NOT_REARRANGED:
            items[email].append(DigestItem(NOT_REARRANGED, row))
    digests, quiet = [], []
    for email in sorted(by_manager):
        found = sorted(
            items[email],
            key=lambda i: (KINDS.index(i.kind), i.row.record_due, i.row.start, i.row.session_id),
        )
        if found:
            by_manager[email].items = found
            digests.append(by_manager[email])
        else:
            quiet.append(email)
    return digests, quiet


def digest(
    connection: Connection,
    settings: Any,
    policy: Policy,
    *,
    year: int | None = None,
    today: date | None = None,
    due_within: int = DUE_WITHIN,
    send: bool = False,
) -> DigestResult:
    """Each line manager's digest as at `today`; with `send`, one email each from the operator.

    Every recipient is checked against the allowed domains before the first email goes.
    """
    found: Report = report(connection, settings, policy, year=year, today=today)
    closures = setting(settings, "organisation", "closure_days") or ()
    workdays = WorkingDays(policy.region, set(policy.closure_days) | set(closures))
    digests, quiet = build_digests(found.rows, found.today, workdays, due_within)
    result = DigestResult(found.today, found.url, due_within, digests, quiet, policy=policy)
    if not send:
        return result
    domains = setting(settings, "organisation", "allowed_domains")
    for d in digests:
        check_address(d.email, domains, f"line manager {d.email} (tracking Sheet)")
    sender = operator_of(settings, connection)
    organisation = str(setting(settings, "organisation", "name") or "")
    result.sender = sender
    for d in digests:
        message = gmail.build_message(
            sender,
            d.email,
            subject_of(d, found.today),
            render_text(d, found.today, found.url, due_within, policy),
            to_name=d.name,
            sender_name=f"{organisation} supervision" if organisation else "Supervision",
        )
        result.sent[d.email] = gmail.send(connection, sender, message)
    return result


def subject_of(d: ManagerDigest, today: date) -> str:
    counts = ", ".join(f"{len(d.of(k))} {k}" for k in KINDS if d.of(k))
    return f"Supervision records for your team, week of {today:%d %b %Y}: {counts}"


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _line(item: DigestItem) -> str:
    r = item.row
    who = f"{r.supervisee_name} with {r.supervisor_name}"
    link = f": {record_link(r.record_id)}" if r.record_id else ""
    if item.kind == OVERDUE:
        days = item.working_days_overdue
        late = f"{days} working day{'s' if days != 1 else ''} overdue"
        return f"- {who}, session {_day(r.session_date)}, due {_day(r.record_due)}, {late}{link}"
    if item.kind == DUE_SOON:
        return f"- {who}, session {_day(r.session_date)}, due {_day(r.record_due)}{link}"
    return f"- {who}, session {_day(r.session_date)} cancelled, not rearranged"


HEADINGS = {
    OVERDUE: "Records overdue ({record_due})",
    DUE_SOON: "Records due within {n} working days",
    NOT_REARRANGED: "Sessions cancelled and not rearranged ({rearrange})",
}


def headings(policy: Policy | None) -> dict[str, str]:
    """The digest's headings in the words and sections of the policy in use (never another
    council's): 'Records overdue (complete within 5 working days; Hillingdon Supervision
    Framework 4.4)'."""
    if policy is None:
        return {k: v.replace(" ({record_due})", "").replace(" ({rearrange})", "")
                for k, v in HEADINGS.items()}  # fmt: skip
    words = {
        "record_due": f"{policy.record_due_rule()}; {policy.wording.cite('record_due')}",
        "rearrange": policy.wording.cite("rearrange"),
    }
    return {k: v.replace("{record_due}", words["record_due"]).replace(
        "{rearrange}", words["rearrange"]) for k, v in HEADINGS.items()}  # fmt: skip


def render_text(
    d: ManagerDigest,
    today: date,
    tracker_url: str,
    due_within: int,
    policy: Policy | None = None,
) -> str:
    """The email body (and what the command prints): names, dates and links only; the rules
    named in the policy's own words (`policy`)."""
    lines = [f"Dear {d.name},", "", f"Supervision in your team as at {_day(today)}."]
    titles = headings(policy)
    for kind in KINDS:
        mine = d.of(kind)
        if mine:
            heading = titles[kind].replace("{n}", str(due_within))
            lines += ["", f"{heading}: {len(mine)}"] + [_line(i) for i in mine]
    lines += [
        "",
        f"Tracking Sheet: {tracker_url}",
        "",
        "Sent by gws-supervision. This email lists names, dates and links only; the records "
        "themselves stay in Google Drive, shared with the supervisor, supervisee and you.",
    ]
    return "\n".join(lines)


def render(result: DigestResult) -> str:
    """Everything the command prints: each manager's digest, then who had nothing to report."""
    blocks: list[str] = []
    for d in result.digests:
        sent = f" (sent, id {result.sent[d.email]})" if d.email in result.sent else ""
        head = f"To: {d.name} <{d.email}>{sent}\nSubject: {subject_of(d, result.today)}"
        blocks.append(head + "\n\n" + render_text(d, result.today, result.tracker_url,
                                                  result.due_within, result.policy))  # fmt: skip
    if not result.digests:
        blocks.append(f"Nothing overdue, due soon or not rearranged as at {_day(result.today)}.")
    if result.quiet:
        blocks.append("Nothing to report for: " + ", ".join(result.quiet))
    return ("\n\n" + "=" * 72 + "\n\n").join(blocks)


def summary(result: DigestResult) -> str:
    what = "sent" if result.sent else "to send (run with --send)"
    return f"Digests {what}: {len(result.digests)}; nothing to report: {len(result.quiet)}"
