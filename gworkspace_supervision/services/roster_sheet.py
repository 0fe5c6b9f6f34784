"""The roster from a Google Sheet (`--roster sheet:ID[/TAB]`), validated as the CSV roster is."""

from __future__ import annotations

from ..domain.policy import Policy
from ..domain.roster import RosterEntry
from ..domain.roster_sheet import parse_roster_rows, sheet_ref
from ..domain.roster_sheet_layout import NOTES, column_checks, header, rows_for_header
from ..google.connect import Connection
from ..google.roster_sheet import create_roster_sheet, read_roster_tab
from ..settings import Settings
from .tracking import operator_of


def load_sheet_roster(
    connection: Connection, spec: str, policy: Policy, settings: Settings
) -> list[RosterEntry]:
    """Read the tab as the operator and validate every row; InputError (exit 2) names the
    tab, row and column of each problem, before anything is written."""
    ref = sheet_ref(spec)
    tab, rows = read_roster_tab(connection, operator_of(settings, connection), ref)
    return parse_roster_rows(rows, ref.where(tab), policy, settings.allowed_domains)


TITLE = "Supervision roster"
TAB = "Staff"


def make_roster_sheet(
    connection: Connection, operator: str, policy: Policy, rows: list[dict[str, str]]
) -> str:
    """The roster Sheet, owned by the operator and shared with nobody else: every roster
    column, a note on each, the policy's drop-downs and date/email checks, and `rows` (a
    validated CSV roster's rows by column name) typed in. Returns its id."""
    return create_roster_sheet(
        connection,
        operator,
        TITLE,
        TAB,
        header(),
        NOTES,
        column_checks(policy),
        rows_for_header(rows),
    )
