"""What the roster Sheet made by `init --roster-sheet` holds: a header row of every roster column,
a note on each header saying what goes there, and the checks Sheets makes as people type
(drop-downs of the policy's categories, roles and statuses; real dates; email addresses).

The checks only help business support type the right thing: the toolkit still validates every
row as the CSV roster is validated (domain/roster.py) when it reads the Sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

from .policy import Policy
from .roster import COLUMNS

DATE_COLUMNS = ("start_date", "end_date", "status_start", "status_end")
EMAIL_COLUMNS = ("supervisee_email", "supervisor_email", "line_manager_email")

NOTES = {
    "supervisee_email": "Required. The work email address of the person supervised.",
    "supervisee_name": "Required. Their name as it should appear on calendars and records.",
    "supervisor_email": "Required. The work email address of their supervisor.",
    "supervisor_name": "The supervisor's name (optional).",
    "line_manager_email": "Required. The work email address of their line manager "
    "(may be the same as the supervisor).",
    "line_manager_name": "The line manager's name (optional).",
    "team": "The team or service, used to group the tracker and reports (optional).",
    "start_date": "The date they started in this post (a date, e.g. 2027-01-04). Needed for "
    "statuses that count from the start, such as ASYE.",
    "preferred_day": "The weekday sessions should fall on: Mon, Tue, Wed, Thu or Fri (optional).",
    "preferred_time": "The time sessions should start, e.g. 14:30 (optional).",
    "interval_weeks": "Weeks between sessions, only for categories that need one (e.g. a "
    "performance plan).",
    "location": "Where sessions take place (room or 'Online'), shown on the calendar event.",
    "category": "Pick from the list: the person's role or status in the policy. Use either "
    "this column, or role (and status), not both.",
    "role": "Pick from the list: the person's role in the policy (instead of category).",
    "status": "Pick from the list: a time-bounded status (ASYE, probation, ...) that overrides "
    "the role while it lasts (optional).",
    "status_start": "The date the status begins (a date; empty: from start_date).",
    "status_end": "The date the status ends (a date; empty: as the policy says).",
    "end_date": "The last day in post, e.g. leaving or end of a fixed-term contract (a date; "
    "nothing is booked after it).",
}


@dataclass(frozen=True)
class ColumnCheck:
    """One column's check: `kind` is "list" (with `choices`), "date" or "email"."""

    column: str
    kind: str
    choices: tuple[str, ...] = ()


def header() -> tuple[str, ...]:
    return COLUMNS


def column_checks(policy: Policy) -> list[ColumnCheck]:
    """The policy's drop-downs (a list left out when the policy has nothing for it), dates and
    email addresses."""
    lists = {
        "category": tuple(policy.categories),
        "role": tuple(policy.roles),
        "status": tuple(policy.statuses),
    }
    out: list[ColumnCheck] = []
    for column in COLUMNS:
        if column in lists and lists[column]:
            out.append(ColumnCheck(column, "list", lists[column]))
        elif column in DATE_COLUMNS:
            out.append(ColumnCheck(column, "date"))
        elif column in EMAIL_COLUMNS:
            out.append(ColumnCheck(column, "email"))
    return out


def rows_for_header(rows: list[dict[str, str]]) -> list[list[str]]:
    """CSV rows (by column name) laid out in the Sheet's column order."""
    return [[row.get(column) or "" for column in COLUMNS] for row in rows]
