"""Leave and absence in the tracker: the gaps and the cover to arrange (`sync --absences`).

A supervisee away: the sessions the plan could not move to their return are gaps, recorded in
the tracker with their reason (Islington Case Management Supervision Policy: a gap from leave is
"clearly recorded"; each policy's own words through `[wording] absence`). A supervisor away:
their sessions in the window need a colleague to hold them; the tracker lists them and `sync`
prints the `gws-supervision cover` command to run.

Who is proposed to cover: the absent supervisor's own line manager, as the roster names them
(the row where the supervisor is the supervisee). Hillingdon Supervision Framework 3.4 makes
that line manager responsible for the alternative arrangements and Sunderland's supervision
agreement (appendix 1) refers an absence of supervision to them, so they are the one person
the toolkit can name under every shipped policy; they may run the command with any colleague
instead. A supervisor with no row of their own gets a command with COLLEAGUE to fill in.

Reasons are a word or two from the absences file (never medical details: domain.absences).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain.absences import Absence
from ..domain.events import SUPERVISION
from ..domain.planner import Plan
from ..domain.policy import Policy
from ..domain.roster import RosterEntry
from ..google.sheet import serial

GAP = "gap: supervisee away"
COVER = "cover needed: supervisor away"
HEADER = (
    "Kind", "Supervisee", "Supervisor", "Line manager", "Team", "Reason", "Policy",
    "Session date", "What to do",
)  # fmt: skip
COLLEAGUE = "COLLEAGUE"


@dataclass(frozen=True)
class CoverProposal:
    """A supervisor away with sessions in the window, and who is proposed to hold them."""

    supervisor: str
    absence: Absence
    sessions: int
    by: str | None  # the supervisor's own line manager, when the roster names one

    @property
    def command(self) -> str:
        return (
            f"gws-supervision cover --supervisor {self.supervisor} "
            f"--from {self.absence.first.isoformat()} --to {self.absence.last.isoformat()} "
            f"--by {self.by or COLLEAGUE}"
        )

    def advice(self, policy: Policy) -> str:
        """What `sync` prints: who is away, how many sessions, the rule and the command."""
        who = (
            f"{self.by} (their line manager, proposed) or another colleague"
            if self.by
            else f"a colleague (replace {COLLEAGUE}: the roster names no line manager for them)"
        )
        return (
            f"{self.supervisor} away ({self.absence.text}): {self.sessions} session(s) need "
            f"cover by {who}; {policy.cover_text()}. Run:\n  {self.command}"
        )


def cover_proposals(
    plan: Plan, roster: Sequence[RosterEntry], absences: Sequence[Absence]
) -> list[CoverProposal]:
    """Each absence of a supervisor with sessions in it, in date order."""
    managers = {e.supervisee_email: e.line_manager_email for e in roster}
    supervisors = {e.supervisor_email for e in roster}
    out: list[CoverProposal] = []
    for absence in sorted(absences, key=lambda a: (a.first, a.person)):
        if absence.person not in supervisors:
            continue
        count = sum(
            1
            for s in plan.sessions
            if s.type == SUPERVISION
            and s.supervisor_email == absence.person
            and absence.covers(s.start.date())
        )
        if count:
            by = managers.get(absence.person)
            out.append(CoverProposal(absence.person, absence, count, by if by else None))
    return out


def absence_rows(
    plan: Plan,
    roster: Sequence[RosterEntry],
    policy: Policy,
    proposals: Sequence[CoverProposal],
) -> list[list[Any]]:
    """The tracker tab: header, then each gap and each session needing cover, by date."""
    pairs = {(e.supervisee_email, e.supervisor_email): e for e in roster}
    rows: list[tuple[date, list[Any]]] = []
    for gap in plan.gaps:
        entry = pairs.get((gap.supervisee_email, gap.supervisor_email))
        rows.append((gap.nominal.date(), [
            GAP,
            entry.supervisee_name if entry else gap.supervisee_email,
            entry.supervisor_name if entry else gap.supervisor_email,
            entry.line_manager_name if entry else "",
            entry.team if entry else "",
            gap.reason,
            policy.wording.cite("absence"),
            serial(gap.nominal.date()),
            "record the gap on the next supervision record; supervision a priority on return",
        ]))  # fmt: skip
    for proposal in proposals:
        for s in plan.sessions:
            day = s.start.date()
            if (
                s.type != SUPERVISION
                or s.supervisor_email != proposal.supervisor
                or not proposal.absence.covers(day)
            ):
                continue
            rows.append((day, [
                COVER,
                s.supervisee_name,
                s.supervisor_name,
                s.line_manager_name,
                s.team,
                proposal.absence.reason,
                policy.wording.cite("cover"),
                serial(day),
                proposal.command,
            ]))  # fmt: skip
    rows.sort(key=lambda r: (r[0], str(r[1][1]), str(r[1][0])))
    return [list(HEADER)] + [cells for _day, cells in rows]
