"""Case-discussion agendas: which case numbers each session must discuss, by the policy's rule.

The rule is data, in the policy's `[extra.agenda]` table (`rule = ...`, `new_allocation_days`):
- "by_involvement" (the table in the Supervision Guidance (case discussion)): each case at its
  frequency by nature of involvement, in days from `[extra.case_discussion_days]` (Level 2
  bi-monthly = 61, CP plan monthly = 30, ...; Assessment reviewed at `assessment_first_review`
  = 20 days, then monthly). A case is on the agenda when its next discussion falls due before
  the worker's next session (so "monthly" is met with four-weekly sessions), or is already
  overdue.
- "every_open_case" (Islington Case Management Supervision Policy: every open case, without
  exception, every session).
- "third_of_caseload_plus_under_twos" (Sunderland Safeguarding Children Supervision Policy 5.3:
  a third of the caseload each session, least recently discussed first, so each quarter covers
  all; 6.0: every unborn to under-2 at every session).
- "new_allocations" (Hillingdon; the default): nothing beyond the rule every policy gets.

Whatever the rule, a case allocated or transferred to the worker is on the agenda while it has
not been discussed since, at any session within 4 weeks of allocation (Hillingdon Supervision
Framework 5.2 a) and at the first session after it. Case numbers only, never case content
(Hillingdon Supervision Framework 4.4).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from ..errors import InputError, Problem
from .caseload import INVOLVEMENTS, Case
from .policy import COUNCIL_SETTING, Policy

RULES = (
    "new_allocations",
    "by_involvement",
    "every_open_case",
    "third_of_caseload_plus_under_twos",
)
NEW_ALLOCATION_DAYS = 28  # Hillingdon 5.2 a: within four weeks of allocation or transfer


@dataclass(frozen=True)
class AgendaRule:
    rule: str
    new_allocation_days: int = NEW_ALLOCATION_DAYS
    every_days: Mapping[str, int] = field(default_factory=dict)  # by involvement
    first_review_days: Mapping[str, int] = field(default_factory=dict)  # e.g. assessment: 20
    share: int = 3  # third_of_caseload: 1/share of the caseload each session
    # where the policy in use sets the new-allocation rule ([wording] new_allocation), or the
    # note that it is the council's own setting: never another council's section
    new_allocation_cite: str = COUNCIL_SETTING


@dataclass(frozen=True)
class AgendaItem:
    """A case number due for discussion and why (the rule, never anything about the child)."""

    case_number: str
    reason: str


def agenda_rule(policy: Policy) -> AgendaRule:
    """The policy's agenda rule from `[extra.agenda]`; InputError naming the key if malformed."""
    table: Any = policy.extra.get("agenda", {})
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(policy.source, None, f"extra.agenda.{key}", message))

    if not isinstance(table, dict):
        raise InputError(Problem(policy.source, None, "extra.agenda", "must be a table"))
    for key in table:
        if key not in ("rule", "new_allocation_days", "share"):
            bad(key, "unknown key (allowed: new_allocation_days, rule, share)")
    rule = table.get("rule", "new_allocations")
    if rule not in RULES:
        bad("rule", f"must be one of {', '.join(RULES)}, got {rule!r}")
    numbers = {}
    for key, default in (("new_allocation_days", NEW_ALLOCATION_DAYS), ("share", 3)):
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 366:
            bad(key, f"must be a whole number from 1 to 366, got {value!r}")
            value = default
        numbers[key] = value
    every: dict[str, int] = {}
    first: dict[str, int] = {}
    if rule == "by_involvement":
        days: Any = policy.extra.get("case_discussion_days", {})
        if not isinstance(days, dict):
            days = {}
        for involvement in INVOLVEMENTS:
            value = days.get(involvement)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                problems.append(
                    Problem(
                        policy.source,
                        None,
                        f"extra.case_discussion_days.{involvement}",
                        f"rule by_involvement needs a whole number of days, got {value!r}",
                    )
                )
            else:
                every[involvement] = value
        for key, value in days.items():
            if key.endswith("_first_review") and isinstance(value, int):
                first[key.removesuffix("_first_review")] = value
    if problems:
        raise InputError(problems)
    return AgendaRule(
        rule=str(rule),
        new_allocation_days=numbers["new_allocation_days"],
        every_days=every,
        first_review_days=first,
        share=numbers["share"],
        new_allocation_cite=policy.wording.cite("new_allocation"),
    )


def agenda_items(
    session_date: date,
    worker_email: str,
    caseload: Iterable[Case],
    policy: Policy | AgendaRule,
    last_discussed: Mapping[str, date] | None = None,
    *,
    next_session: date | None = None,
    previous_session: date | None = None,
) -> list[AgendaItem]:
    """The cases `worker_email` must discuss at a session on `session_date`, with reasons,
    sorted by case number. `last_discussed` (case number -> date) is the discussion history;
    a discussion before the case's allocation to this worker does not count. `next_session`
    and `previous_session` are the worker's neighbouring sessions, when known."""
    rule = policy if isinstance(policy, AgendaRule) else agenda_rule(policy)
    history = last_discussed or {}
    worker = worker_email.lower()
    open_cases = [
        c for c in caseload if c.worker_email == worker and c.allocated_on <= session_date
    ]
    items: dict[str, str] = {}

    def last_of(case: Case) -> date | None:
        last = history.get(case.case_number)
        return last if last is not None and last >= case.allocated_on else None

    for case in open_cases:  # Hillingdon 5.2 a, whatever the rule
        if last_of(case) is not None:
            continue
        age = (session_date - case.allocated_on).days
        since_previous = previous_session is not None and case.allocated_on > previous_session
        if age < rule.new_allocation_days or since_previous:
            days = rule.new_allocation_days
            within = f"{days // 7} weeks" if days % 7 == 0 else f"{days} days"
            items[case.case_number] = (
                f"allocated or transferred {case.allocated_on}, not yet discussed "
                f"(within {within}: {rule.new_allocation_cite})"
            )
    if rule.rule == "every_open_case":
        for case in open_cases:
            items.setdefault(case.case_number, "every open case, every session (Islington)")
    elif rule.rule == "by_involvement":
        for case in open_cases:
            due = discussion_due(case, last_of(case), rule)
            overdue = due <= session_date
            if overdue or (next_session is not None and due < next_session):
                when = "overdue since" if due < session_date else "due"
                every = rule.every_days[case.involvement]
                items.setdefault(
                    case.case_number, f"{when} {due} ({case.involvement}: every {every} days)"
                )
    elif rule.rule == "third_of_caseload_plus_under_twos":
        for case in open_cases:
            if case.under_two:  # Sunderland 6.0: all unborn to under-2s, every session
                items.setdefault(case.case_number, "under 2: every session (Sunderland 6.0)")
        rest = [c for c in open_cases if c.case_number not in items]
        rest.sort(key=lambda c: (last_of(c) or date.min, c.allocated_on, c.case_number))
        for case in rest[: math.ceil(len(rest) / rule.share)]:
            items[case.case_number] = (
                "a third of the caseload, least recently discussed first (Sunderland 5.3)"
                if rule.share == 3
                else f"1/{rule.share} of the caseload, least recently discussed first"
            )
    return [AgendaItem(number, items[number]) for number in sorted(items)]


def agenda_for(
    session_date: date,
    worker_email: str,
    caseload: Iterable[Case],
    policy: Policy | AgendaRule,
    last_discussed: Mapping[str, date] | None = None,
    *,
    next_session: date | None = None,
    previous_session: date | None = None,
) -> list[str]:
    """The case numbers due at the session (see `agenda_items`); case numbers only."""
    return [
        item.case_number
        for item in agenda_items(
            session_date,
            worker_email,
            caseload,
            policy,
            last_discussed,
            next_session=next_session,
            previous_session=previous_session,
        )
    ]


def discussion_due(case: Case, last: date | None, rule: AgendaRule) -> date:
    """by_involvement: when the case must next be discussed: after allocation within the first review (or 4
    weeks), then at its involvement's frequency from the last discussion."""
    if last is None:
        first = min(
            rule.first_review_days.get(case.involvement, rule.new_allocation_days),
            rule.new_allocation_days,
        )
        return case.allocated_on + timedelta(days=first)
    return last + timedelta(days=rule.every_days[case.involvement])


class _SessionLike(Protocol):
    @property
    def supervisee_email(self) -> str: ...

    @property
    def session_id(self) -> str: ...

    @property
    def start(self) -> Any: ...


def plan_agendas(
    sessions: Sequence[_SessionLike],
    caseload: Sequence[Case],
    policy: Policy | AgendaRule,
    last_discussed: Mapping[str, date] | None = None,
) -> dict[str, list[AgendaItem]]:
    """Session id -> agenda for a plan's sessions, assuming each agenda is discussed as listed
    (so the next agendas follow on). Sessions of people with no cases get an empty agenda."""
    rule = policy if isinstance(policy, AgendaRule) else agenda_rule(policy)
    history = dict(last_discussed or {})
    by_worker: dict[str, list[_SessionLike]] = defaultdict(list)
    for session in sessions:
        by_worker[session.supervisee_email.lower()].append(session)
    cases: dict[str, list[Case]] = defaultdict(list)
    for case in caseload:
        cases[case.worker_email].append(case)
    out: dict[str, list[AgendaItem]] = {}
    for worker, mine in by_worker.items():
        days = sorted(((_day(s.start), s) for s in mine), key=lambda pair: pair[0])
        for i, (day, session) in enumerate(days):
            previous = days[i - 1][0] if i else None
            if i + 1 < len(days):
                following: date | None = days[i + 1][0]
            else:  # the plan's last session: assume the cadence carries on past the plan
                following = day + (day - previous) if previous is not None else None
            items = agenda_items(
                day,
                worker,
                cases.get(worker, []),
                rule,
                history,
                next_session=following,
                previous_session=previous,
            )
            for item in items:
                history[item.case_number] = day
            out[session.session_id] = items
    return out


def _day(start: Any) -> date:
    return start.date() if hasattr(start, "date") else start  # type: ignore[no-any-return]
