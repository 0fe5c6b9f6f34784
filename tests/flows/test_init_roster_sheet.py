"""`init --roster-sheet` (issue 15, "The roster in a Google Sheet"): the roster Sheet made as the
operator through the toolkit's own token, read back through `--roster sheet:ID/TAB`.

What the local Workspace holds is read with the real gspread / Drive clients as the operator:
the header's notes (CellData.note), the frozen row (GridProperties.frozenRowCount), the
data validation rules (CellData.dataValidation, a DataValidationRule with a BooleanCondition:
https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/other#DataValidationRule,
https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/other#ConditionType)
and the file's permissions (a file created through Drive has exactly one, its owner:
https://developers.google.com/drive/api/reference/rest/v3/permissions/list).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import COLUMNS, load_roster
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.roster_sheet import load_sheet_roster
from gworkspace_supervision.settings import Settings

EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "gworkspace_supervision" / "data" / "examples" / "roster.example.csv"
)  # fmt: skip
OPERATOR = "business.support@example-council.gov.uk"


@pytest.fixture
def made(tmp_path: Path) -> Iterator[tuple[Connection, str, str]]:
    """(connection, the `--roster` value printed, the command's output) after init made it."""
    spec = f"local:{tmp_path / 'ws'}"
    result = CliRunner().invoke(
        cli, ["--workspace", spec, "init", "--roster-sheet", "--roster", str(EXAMPLE)]
    )
    assert result.exit_code == 0, result.output
    found = re.search(r"--roster (sheet:[A-Za-z0-9_-]+/Staff)", result.output)
    assert found, result.output
    conn = connect(spec, retry=RetryPolicy(sleep=lambda _s: None))
    try:
        yield conn, found.group(1), result.output
    finally:
        conn.close()


def grid(conn: Connection, sid: str) -> dict[str, Any]:
    book = conn.gspread(OPERATOR).open_by_key(sid)
    fields = (
        "sheets(properties(title,gridProperties),"
        "data(rowData(values(userEnteredValue,note,dataValidation))))"
    )
    answer = book.fetch_sheet_metadata(
        {"includeGridData": "true", "ranges": "Staff!A1:R2", "fields": fields}
    )
    return dict(answer["sheets"][0])


def test_the_sheet_reads_the_same_people_as_the_csv(made: tuple[Connection, str, str]) -> None:
    conn, spec, output = made
    policy = load_policy("hillingdon")
    from_sheet = load_sheet_roster(conn, spec, policy, Settings())
    from_csv = load_roster(EXAMPLE, policy, Settings().organisation.allowed_domains)
    assert len(from_csv) == 40
    assert from_sheet == from_csv
    sid = spec.removeprefix("sheet:").split("/")[0]
    assert f"https://docs.google.com/spreadsheets/d/{sid}/edit" in output
    assert f'roster = "{spec}"' in output


def test_header_notes_frozen_row_and_checks(made: tuple[Connection, str, str]) -> None:
    conn, spec, _ = made
    sheet = grid(conn, spec.removeprefix("sheet:").split("/")[0])
    assert sheet["properties"]["title"] == "Staff"
    assert sheet["properties"]["gridProperties"]["frozenRowCount"] == 1
    header, first = (row["values"] for row in sheet["data"][0]["rowData"][:2])
    assert [c["userEnteredValue"]["stringValue"] for c in header] == list(COLUMNS)
    assert all(c.get("note") for c in header)
    assert "Required" in header[0]["note"]
    assert not any("note" in c for c in first)
    assert not any("dataValidation" in c for c in header)  # the header row is free text
    rules = {COLUMNS[i]: c.get("dataValidation") for i, c in enumerate(first)}
    policy = load_policy("hillingdon")
    category = rules["category"]["condition"]
    assert category["type"] == "ONE_OF_LIST" and rules["category"]["strict"] is True
    assert [v["userEnteredValue"] for v in category["values"]] == list(policy.categories)
    assert [v["userEnteredValue"] for v in rules["status"]["condition"]["values"]] == (
        policy.statuses
    )
    assert [v["userEnteredValue"] for v in rules["role"]["condition"]["values"]] == policy.roles
    for column in ("start_date", "end_date", "status_start", "status_end"):
        assert rules[column]["condition"]["type"] == "DATE_IS_VALID", column
    for column in ("supervisee_email", "supervisor_email", "line_manager_email"):
        assert rules[column]["condition"]["type"] == "TEXT_IS_EMAIL", column
    assert rules["team"] is None and rules["supervisee_name"] is None


def test_only_the_operator_has_access(made: tuple[Connection, str, str]) -> None:
    conn, spec, _ = made
    sid = spec.removeprefix("sheet:").split("/")[0]
    perms = (
        conn.drive(OPERATOR)
        .permissions()
        .list(fileId=sid, fields="permissions(type,role,emailAddress)")
        .execute()["permissions"]
    )
    assert perms == [{"type": "user", "role": "owner", "emailAddress": OPERATOR}]


def test_dry_run_creates_nothing(tmp_path: Path) -> None:
    spec = f"local:{tmp_path / 'ws'}"
    result = CliRunner().invoke(
        cli, ["--workspace", spec, "init", "--roster-sheet", "--roster", str(EXAMPLE), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "Would create" in result.output and "40 rows copied" in result.output
    assert "Nothing created" in result.output and "sheet:" not in result.output
    with connect(spec) as conn:
        files = conn.drive(OPERATOR).files().list(fields="files(id)").execute()
    assert files.get("files", []) == []


def test_a_bad_roster_creates_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "staff.csv"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace("team_manager", "boss", 1))
    spec = f"local:{tmp_path / 'ws'}"
    result = CliRunner().invoke(
        cli, ["--workspace", spec, "init", "--roster-sheet", "--roster", str(bad)]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "staff.csv" in result.output and "category" in result.output
    assert (tmp_path / "ws").exists() is False
