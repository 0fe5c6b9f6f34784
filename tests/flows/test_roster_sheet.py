"""The roster kept in a Google Sheet (`--roster sheet:ID[/TAB]`) on the local Workspace.

The Sheet is made by the toolkit's own token (under drive.file the toolkit may open only the
files it made, as `init` would make the roster Sheet), filled the way business support type
it (USER_ENTERED: dates typed as 2027-01-04 become dates, times typed as 14:30 become times
that an en_US Sheet shows as "2:30:00 pm"), and read back through gspread unformatted: Google
gives dates and times as serial numbers with valueRenderOption UNFORMATTED_VALUE (the
dateTimeRenderOption default, SERIAL_NUMBER, applies then:
https://developers.google.com/sheets/api/reference/rest/v4/DateTimeRenderOption), so the roster
reads the same whatever the Sheet's locale shows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import load_roster
from gworkspace_supervision.domain.roster_sheet import column_letter, sheet_ref
from gworkspace_supervision.errors import InputError
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
def ws(tmp_path: Path) -> Iterator[tuple[Connection, str]]:
    spec = f"local:{tmp_path / 'ws'}"
    conn = connect(spec, retry=RetryPolicy(sleep=lambda _s: None))
    try:
        yield conn, spec
    finally:
        conn.close()


def roster_sheet(conn: Connection, rows: list[list[str]], tab: str = "Staff") -> str:
    """A spreadsheet made by the toolkit's token, its first tab renamed `tab`, `rows` typed in."""
    made = (
        conn.drive(OPERATOR)
        .files()
        .create(
            body={"name": "Staff roster", "mimeType": "application/vnd.google-apps.spreadsheet"},
            fields="id",
        )
        .execute()
    )
    book = conn.gspread(OPERATOR).open_by_key(made["id"])
    sheet = book.sheet1
    sheet.update_title(tab)
    sheet.update(rows, "A1", value_input_option="USER_ENTERED")
    return str(made["id"])


def example_rows() -> list[list[str]]:
    with EXAMPLE.open(encoding="utf-8", newline="") as f:
        return [row for row in csv.reader(f)]


def test_the_sheet_roster_reads_the_same_people_as_the_csv(ws: tuple[Connection, str]) -> None:
    conn, _ = ws
    policy = load_policy("hillingdon")
    sid = roster_sheet(conn, example_rows())
    from_sheet = load_sheet_roster(conn, f"sheet:{sid}/Staff", policy, Settings())
    from_csv = load_roster(EXAMPLE, policy, Settings().organisation.allowed_domains)
    assert len(from_csv) == 40
    assert from_sheet == from_csv
    # the first tab when none is named
    assert load_sheet_roster(conn, f"sheet:{sid}", policy, Settings()) == from_csv


def test_problems_name_the_tab_row_and_column(ws: tuple[Connection, str]) -> None:
    conn, _ = ws
    rows = example_rows()
    header = rows[0]
    rows[4][header.index("supervisor_email")] = "not-an-address"
    rows[9][header.index("start_date")] = "31/02/2027"
    sid = roster_sheet(conn, rows, tab="Team list")
    with pytest.raises(InputError) as caught:
        load_sheet_roster(conn, f"sheet:{sid}/Team list", load_policy("hillingdon"), Settings())
    text = str(caught.value)
    where = f"roster Sheet {sid}, tab 'Team list'"
    letter = column_letter(header.index("supervisor_email"))
    assert f"{where}, row 5, column supervisor_email ({letter}): malformed email" in text
    assert f"{where}, row 10, column start_date (I):" in text
    assert len(caught.value.problems) == 2


def test_a_missing_tab_or_a_sheet_the_toolkit_cannot_open_is_said(
    ws: tuple[Connection, str],
) -> None:
    conn, _ = ws
    sid = roster_sheet(conn, example_rows())
    policy = load_policy("hillingdon")
    with pytest.raises(InputError, match=r"tab 'Staf'.*no such tab; its tabs: Staff"):
        load_sheet_roster(conn, f"sheet:{sid}/Staf", policy, Settings())
    with pytest.raises(InputError, match="cannot be read by business.support"):
        load_sheet_roster(conn, "sheet:doesNotExist123", policy, Settings())
    with pytest.raises(InputError, match="is not a Sheet roster"):
        sheet_ref("sheet:")


def test_plan_reads_a_sheet_roster_on_the_command_line(ws: tuple[Connection, str]) -> None:
    conn, spec = ws
    sid = roster_sheet(conn, example_rows())
    runner = CliRunner()
    base: list[Any] = ["plan", "--policy", "hillingdon", "--year", "2027", "--format", "csv"]
    from_sheet = runner.invoke(cli, ["--workspace", spec, *base, "--roster", f"sheet:{sid}/Staff"])
    from_csv = runner.invoke(cli, ["--workspace", spec, *base, "--roster", str(EXAMPLE)])
    assert from_sheet.exit_code == 0, from_sheet.output
    assert from_sheet.stdout == from_csv.stdout and from_csv.stdout.count("\n") > 100
    wrong = runner.invoke(cli, ["--workspace", spec, *base, "--roster", f"sheet:{sid}/Nope"])
    assert wrong.exit_code == 2 and "no such tab" in wrong.output
    assert "Traceback" not in wrong.output
