"""The record model (pure): title, placeholder values, the exact ACL and the privacy rules.

Hillingdon 4.4: each session is recorded in the Electronic Supervision Record, saved in the
supervisor's Drive and shared with the line manager and the supervisee; 4.5: records are
personal data, shared with nobody else. The checks here run before any write.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from ..errors import PrivacyError, Problem
from .agenda import AgendaItem
from .roster import RosterEntry, check_email

# Every placeholder a template may use (data/templates/README.md); the toolkit fills them all.
PLACEHOLDERS = (
    "organisation_name", "supervisor_name", "supervisee_name", "line_manager_name", "team",
    "session_date", "session_time", "session_end_time", "location", "category", "cadence",
    "last_session_date", "last_record_link", "next_session_date", "next_session_time",
    "next_session_venue", "record_due", "appraisal_date", "agenda",
)  # fmt: skip
MISSING = "—"
NO_CASELOAD = "No caseload file given: list the ICS case numbers discussed (numbers only)."
NO_CASE_DUE = "No case due for discussion under the policy."
NOT_BOOKED = "not yet booked"

# policy.template -> the shipped template file (data/templates). The Supervision Guidance (case
# discussion) prescribes no record form of its own: it uses the Hillingdon ESR layout. Islington
# has its own (its header cites Islington, and it carries the urgent line its 24 hours need).
TEMPLATE_FILES = {
    "hillingdon": "hillingdon.html",
    "islington": "islington.html",
    "sunderland": "sunderland.html",
    "reflective_4x4x4": "reflective_4x4x4.html",
}
TEMPLATE_ALIASES = {"case_discussion": "hillingdon"}
ROLES = ("reader", "commenter", "writer")


def template_name(policy_template: str) -> str:
    """The installed template a policy's `template = "..."` means."""
    return TEMPLATE_ALIASES.get(policy_template, policy_template)


def record_title(supervisee_name: str, day: date) -> str:
    return f"Supervision record - {supervisee_name} - {day:%Y-%m-%d}"


def folder_path(supervisee_name: str) -> tuple[str, str]:
    """Where a record lives in the supervisor's My Drive."""
    return ("Supervision Records", supervisee_name.replace("/", "-").strip() or "Unnamed")


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Neighbour:
    """The previous or next session of the same supervisee, as booked."""

    start: datetime
    location: str | None = None
    record_link: str | None = None


@dataclass(frozen=True)
class RecordFacts:
    """Everything a record's placeholders say about one session (times in the policy zone)."""

    session_id: str
    entry: RosterEntry
    start: datetime
    end: datetime
    category_label: str
    cadence: str
    record_due: date
    organisation: str
    location: str | None = None
    previous: Neighbour | None = None
    next: Neighbour | None = None
    appraisal_date: date | None = None
    agenda: tuple[AgendaItem, ...] | None = None  # None: no caseload file given

    @property
    def title(self) -> str:
        return record_title(self.entry.supervisee_name, self.start.date())


def placeholder_values(facts: RecordFacts) -> dict[str, str]:
    """One value for every name in PLACEHOLDERS; never empty, never `{{`."""
    e = facts.entry
    prev, nxt = facts.previous, facts.next
    values = {
        "organisation_name": facts.organisation,
        "supervisor_name": e.supervisor_name,
        "supervisee_name": e.supervisee_name,
        "line_manager_name": e.line_manager_name,
        "team": e.team,
        "session_date": long_date(facts.start.date()),
        "session_time": f"{facts.start:%H:%M}",
        "session_end_time": f"{facts.end:%H:%M}",
        "location": facts.location or e.location or "to be agreed",
        "category": facts.category_label,
        "cadence": facts.cadence,
        "last_session_date": long_date(prev.start.date()) if prev else "none (first session)",
        "last_record_link": (prev.record_link or MISSING) if prev else MISSING,
        "next_session_date": long_date(nxt.start.date()) if nxt else NOT_BOOKED,
        "next_session_time": f"{nxt.start:%H:%M}" if nxt else NOT_BOOKED,
        "next_session_venue": (nxt.location or "to be agreed") if nxt else NOT_BOOKED,
        "record_due": long_date(facts.record_due),
        "appraisal_date": long_date(facts.appraisal_date) if facts.appraisal_date else "not set",
        "agenda": agenda_text(facts.agenda),
    }
    return {k: (v.replace("{{", "{ {") if v else MISSING) for k, v in values.items()}


def agenda_text(agenda: Sequence[AgendaItem] | None) -> str:
    """The case numbers due for discussion, one per line with the rule's reason; case numbers
    only, never case content (Hillingdon Supervision Framework 4.4)."""
    if agenda is None:
        return NO_CASELOAD
    if not agenda:
        return NO_CASE_DUE
    return "\n".join(f"{item.case_number}: {item.reason}" for item in agenda)


def expected_acl(entry: RosterEntry, line_manager_role: str = "commenter") -> dict[str, str]:
    """The exact ACL of a record: supervisor owner, supervisee writer, line manager (role)."""
    acl = {entry.supervisor_email: "owner", entry.supervisee_email: "writer"}
    acl.setdefault(entry.line_manager_email, line_manager_role)
    return acl


def share_message(facts: RecordFacts) -> str:
    """The one-line note in the share email: names the session, never its content."""
    return (
        f"Supervision record for the session of {long_date(facts.start.date())} at "
        f"{facts.start:%H:%M} ({facts.entry.supervisee_name} with {facts.entry.supervisor_name})."
    )


# -- privacy ---------------------------------------------------------------------------------------
def check_privacy(
    entries: Iterable[RosterEntry],
    allowed_domains: Collection[str] | None,
    roster_file: str,
    line_manager_role: str = "commenter",
) -> None:
    """Every address a record is shared with must be a user in an allowed domain.

    Raises PrivacyError naming the roster file, line and column, before anything is written.
    """
    problems: list[Problem] = []
    if line_manager_role not in ROLES:
        problems.append(
            Problem("settings", None, "supervision.line_manager_role",
                    f"must be one of {', '.join(ROLES)}, got {line_manager_role!r}")
        )  # fmt: skip
    for e in entries:
        for field in ("supervisor_email", "supervisee_email", "line_manager_email"):
            wrong = check_email(str(getattr(e, field)).lower(), allowed_domains)
            if wrong:
                problems.append(
                    Problem(roster_file, e.line, f"column {field}",
                            f"{wrong}: records are never shared outside the organisation")
                )  # fmt: skip
    if problems:
        raise PrivacyError(problems)


def check_address(email: str, allowed_domains: Collection[str] | None, where: str) -> None:
    """One address given on the command line (transfer): a PrivacyError if it may not share."""
    wrong = check_email(email.lower(), allowed_domains)
    if wrong:
        raise PrivacyError(Problem(where, None, None, f"{wrong}: records stay in the organisation"))


class AclEntry(Protocol):
    @property
    def permission_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def email(self) -> str | None: ...


@dataclass(frozen=True)
class AclDrift:
    """How a record's ACL differs from the expected one."""

    missing: tuple[tuple[str, str], ...] = ()  # (email, role) to add
    wrong_role: tuple[tuple[str, str, str], ...] = ()  # (permission id, email, role to set)
    forbidden: tuple[tuple[str, str], ...] = ()  # (permission id, description): removed
    unexpected: tuple[tuple[str, str], ...] = ()  # (permission id, description): reported

    @property
    def clean(self) -> bool:
        return not (self.missing or self.wrong_role or self.forbidden or self.unexpected)


def acl_drift(
    actual: Sequence[AclEntry],
    expected: Mapping[str, str],
    allowed_domains: Collection[str] | None,
) -> AclDrift:
    """Compare an ACL with the expected one.

    Link and domain shares, and users outside the allowed domains, break the privacy rules
    outright: they are `forbidden` and the toolkit removes them. Any other extra user is
    `unexpected`: reported, not removed, since a supervisor may have shared on purpose (cover
    under Hillingdon 3.4, an auditor); a person decides.
    """
    seen: dict[str, AclEntry] = {}
    forbidden, unexpected, wrong = [], [], []
    for p in actual:
        email = (p.email or "").lower()
        label = f"{email or p.kind} ({p.role})"
        if p.kind in ("anyone", "domain") or (email and check_email(email, allowed_domains)):
            forbidden.append((p.permission_id, label if email else f"{p.kind} share ({p.role})"))
        elif email in expected:
            seen[email] = p
            want = expected[email]
            if want != "owner" and p.role != want and p.role != "owner":
                wrong.append((p.permission_id, email, want))
        else:
            unexpected.append((p.permission_id, label))
    missing = tuple(
        (email, role) for email, role in expected.items() if role != "owner" and email not in seen
    )
    return AclDrift(missing, tuple(wrong), tuple(forbidden), tuple(unexpected))
