"""The roster from a Google Sheet (`--roster sheet:ID[/TAB]`), validated as the CSV roster is."""

from __future__ import annotations

from typing import Any

from ..domain.policy import Policy
from ..domain.roster import RosterEntry
from ..domain.roster_sheet import parse_roster_rows, sheet_ref
from ..google.connect import Connection
from ..google.roster_sheet import read_roster_tab
from .tracking import operator_of, setting


def load_sheet_roster(
    connection: Connection, spec: str, policy: Policy, settings: Any = None
) -> list[RosterEntry]:
    """Read the tab as the operator and validate every row; InputError (exit 2) names the
    tab, row and column of each problem, before anything is written."""
    ref = sheet_ref(spec)
    tab, rows = read_roster_tab(connection, operator_of(settings, connection), ref)
    domains = setting(settings, "organisation", "allowed_domains")
    return parse_roster_rows(rows, ref.where(tab), policy, domains)
