"""`report` as line managers need it: the state at the last sync by default, filters by team,
line manager and supervisor, whole names, and an `--overdue` list short enough for an email.

Lena manages Bartholomew and Ben (supervised by Sam, in a team with a long name); Mo manages
Cat (supervised by Tom). ASYE sessions weekly on Fridays from 5 March 2027; records to 12
March; nothing completed; synced as at Wed 17 March, then the clock moves to June.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.domain.chart import chart_data
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import load_roster
from gworkspace_supervision.domain.status import Status
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.google.sheet import TrackerSheet, rows_from
from gworkspace_supervision.google.sheet_layout import COLOURS, WIDTHS
from gworkspace_supervision.google.tracker_view import read_tabs
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.export import export
from gworkspace_supervision.services.records import create_records
from gworkspace_supervision.services.report import report, to_table
from gworkspace_supervision.services.templates import install_templates
from gworkspace_supervision.services.tracking import sync
from gworkspace_supervision.settings import Settings

LONDON = ZoneInfo("Europe/London")
D = "example-council.gov.uk"
SAM, TOM = f"sam.supervisor@{D}", f"tom.supervisor@{D}"
LENA, MO = f"lena.manager@{D}", f"mo.manager@{D}"
OPERATOR = f"business.support@{D}"
LONG_NAME = "Bartholomew Fitzwilliam-Montgomery"
LONG_TEAM = "Children in Need and Child Protection Team 4"
HEADER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "line_manager_name,team,category,start_date,preferred_day"
)
SYNCED = date(2027, 3, 17)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Connection, str]]:
    folder = tmp_path_factory.mktemp("report")
    roster = folder / "roster.csv"
    roster.write_text(
        "\n".join([
            HEADER,
            f"bart.asye@{D},{LONG_NAME},{SAM},Sam Supervisor,{LENA},Lena Manager,{LONG_TEAM},"
            "asye,2027-03-05,Fri",
            f"ben.asye@{D},Ben Asye,{SAM},Sam Supervisor,{LENA},Lena Manager,{LONG_TEAM},asye,"
            "2027-03-05,Fri",
            f"cat.asye@{D},Cat Asye,{TOM},Tom Supervisor,{MO},Mo Manager,Team B,asye,2027-03-05,"
            "Fri",
        ]) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    spec = f"local:{folder / 'ws'}"
    conn = connect(spec, retry=RetryPolicy(sleep=lambda _s: None))
    try:
        conn.workspace.clock.set("2027-02-01T09:00:00Z")
        policy = load_policy("hillingdon")
        entries = load_roster(roster, policy)
        book(conn, entries, policy, 2027, Settings(), send_updates="none")
        install_templates(conn, Settings())
        conn.workspace.clock.set(datetime(2027, 3, 17, 18, tzinfo=LONDON))
        create_records(conn, entries, policy, 2027, date(2027, 3, 12), Settings())
        sync(conn, entries, policy, 2027, Settings(), today=SYNCED)
        conn.workspace.clock.set(datetime(2027, 6, 1, 9, tzinfo=LONDON))  # long after the sync
        yield conn, spec
    finally:
        conn.close()


def sheet_rows(conn: Connection) -> dict[str, Status]:
    sheet = TrackerSheet.open(conn, OPERATOR, create=False)
    assert sheet is not None
    return {r.session_id: r.status for r in rows_from(sheet.read())}


def test_the_default_is_the_state_at_the_last_sync(ws: tuple[Connection, str]) -> None:
    conn, _ = ws
    found = report(conn, Settings(), load_policy("hillingdon"))
    assert found.today == SYNCED
    assert {r.session_id: r.status for r in found.rows} == sheet_rows(conn)
    held = [r for r in found.rows if r.status != Status.BOOKED]
    assert {r.status for r in held} == {Status.OVERDUE, Status.DUE}  # 5 March's, 12 March's
    later = report(conn, Settings(), load_policy("hillingdon"), today=date(2027, 6, 1))
    assert sum(r.status == Status.OVERDUE for r in later.rows) > len(held)  # re-evaluated


def test_filters_by_team_line_manager_and_supervisor(ws: tuple[Connection, str]) -> None:
    conn, _ = ws
    policy = load_policy("hillingdon")
    everyone = report(conn, Settings(), policy).rows
    by_lena = report(conn, Settings(), policy, line_manager=LENA.upper()).rows
    assert by_lena and {r.supervisee_name for r in by_lena} == {LONG_NAME, "Ben Asye"}
    assert report(conn, Settings(), policy, line_manager="mo manager").rows == [
        r for r in everyone if r.line_manager_email == MO
    ]
    assert {r.team for r in report(conn, Settings(), policy, team="team b").rows} == {"Team B"}
    by_tom = report(conn, Settings(), policy, supervisor="Tom Supervisor").rows
    assert by_tom and all(r.supervisor_email == TOM for r in by_tom)
    assert not report(conn, Settings(), policy, supervisor="nobody@example-council.gov.uk").rows


def test_names_are_never_cut(ws: tuple[Connection, str]) -> None:
    conn, _ = ws
    text = to_table(report(conn, Settings(), load_policy("hillingdon")))
    rows = [line for line in text.splitlines() if LONG_NAME in line]
    assert rows and all(LONG_TEAM in line for line in rows)


def test_overdue_is_short_enough_for_an_email(ws: tuple[Connection, str]) -> None:
    _, spec = ws
    ran = CliRunner().invoke(
        cli, ["--workspace", spec, "report", "--overdue", "--line-manager", LENA]
    )
    assert ran.exit_code == 0, ran.output
    lines = ran.output.strip().splitlines()
    assert lines[0] == (
        f"Overdue supervision records as at Wed 17 Mar 2027 (line manager {LENA}): 2"
    )
    assert lines[1:4] == [
        f"{LONG_TEAM}:",
        f"- {LONG_NAME} with Sam Supervisor: session Fri 5 Mar 2027, due Fri 12 Mar 2027, "
        "3 working days overdue",
        "- Ben Asye with Sam Supervisor: session Fri 5 Mar 2027, due Fri 12 Mar 2027, "
        "3 working days overdue",
    ]
    assert lines[4].startswith("Tracking Sheet: https://docs.google.com/spreadsheets/d/")
    assert len(lines) == 5 and not any("  " in line for line in lines)  # no padding


def test_export_writes_every_tab_as_the_sheet_has_it(
    ws: tuple[Connection, str], tmp_path: Path
) -> None:
    """tracker.xlsx read back with openpyxl: every visible tab (not the hidden sync state),
    the Sheet's column widths and frozen header, dates as dates, record links as hyperlinks,
    statuses in the Sheet's colours; tracker.html holds the same rows as the Sheet shows."""
    openpyxl = pytest.importorskip("openpyxl")
    conn, _ = ws
    counts = export(conn, Settings(), tmp_path)
    sheet = TrackerSheet.open(conn, OPERATOR, create=False)
    assert sheet is not None
    tabs = read_tabs(conn, OPERATOR, sheet.spreadsheet_id)
    book = openpyxl.load_workbook(tmp_path / "tracker.xlsx")
    assert book.sheetnames == [t.title for t in tabs]
    assert {"Sessions", "Summary", "Overdue"} <= set(book.sheetnames)
    assert "_state" not in book.sheetnames
    sessions = book["Sessions"]
    assert sessions.freeze_panes == "A2"
    for column, pixels in enumerate(WIDTHS):
        letter = chr(65 + column)
        assert sessions.column_dimensions[letter].width == round(pixels / 7, 1)
    shown = sheet.values()
    assert sessions.max_row == len(shown) == counts["rows"] + 1
    by_id = {row[0]: row for row in shown[1:]}
    linked = 0
    for row in sessions.iter_rows(min_row=2):
        cells = by_id[row[0].value]
        assert isinstance(row[6].value, datetime) and row[6].number_format == "yyyy-mm-dd"
        assert row[6].value.date().isoformat() == cells[6]  # the date the Sheet shows
        if row[7].value:
            assert row[7].hyperlink.target == row[7].value == cells[7]
            linked += 1
        assert row[10].value == cells[10]
        colour = COLOURS.get(str(row[10].value))
        if colour:
            assert row[10].fill.start_color.rgb.endswith(colour)
    assert 0 < linked == sum(1 for r in shown[1:] if r[7])
    overdue = book["Overdue"]
    assert 1 < overdue.max_row == 1 + sum(1 for r in shown[1:] if r[10] == "OVERDUE")
    page = (tmp_path / "tracker.html").read_text(encoding="utf-8")
    assert page.count("<tr>") == len(shown)  # the header and the same rows
    for cells in shown[1:]:
        assert f"<td>{html.escape(cells[3])}</td>" in page
    assert 'style="background:#F4C7C3"' in page  # OVERDUE, as the Sheet colours it
    # calendars: each session with its location, description and attendees as Calendar has them
    ics = Calendar.from_ical((tmp_path / "calendars" / f"{TOM}.ics").read_bytes())
    events = {str(e["uid"]).split("@")[0]: e for e in ics.walk("VEVENT")}
    cat = next(r for r in rows_from(sheet.read()) if r.supervisee_name == "Cat Asye")
    held = conn.calendar(TOM).events().get(calendarId="primary", eventId=cat.session_id).execute()
    vevent = events[cat.session_id]
    assert [str(a) for a in _list(vevent["attendee"])] == [f"mailto:cat.asye@{D}"]
    assert str(vevent["organizer"]) == f"mailto:{TOM}"
    assert str(vevent.get("description", "")) == held.get("description", "")
    assert str(vevent.get("location", "")) == held.get("location", "")
    assert held.get("description")  # there is something to compare


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def test_the_chart_data_per_month_per_team_against_the_target(
    ws: tuple[Connection, str],
) -> None:
    """Asserted before drawing: as at 17 March, January and February have no record decided
    (no data, None), March's two teams have their 5 March records overdue (0%, not None)."""
    conn, _ = ws
    sheet = TrackerSheet.open(conn, OPERATOR, create=False)
    assert sheet is not None
    rows = rows_from(sheet.read())
    data = chart_data(rows, SYNCED, 2027)
    assert data.months == (date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1))
    assert data.teams == {LONG_TEAM: (None, None, 0.0), "Team B": (None, None, 0.0)}
    assert data.target == 1.0
    # Ben's 5 March record completed on time, Bartholomew's late: 50% that month, for his team
    done = [
        dataclasses.replace(r, status=Status.COMPLETE)
        if r.supervisee_name == "Ben Asye" and r.session_date == date(2027, 3, 5)
        else dataclasses.replace(r, status=Status.COMPLETE_LATE)
        if r.supervisee_name == LONG_NAME and r.session_date == date(2027, 3, 5)
        else r
        for r in rows
    ]
    assert chart_data(done, SYNCED, 2027).teams[LONG_TEAM] == (None, None, 0.5)
    assert chart_data(done, date(2027, 6, 1), 2027).months[-1] == date(2027, 6, 1)
