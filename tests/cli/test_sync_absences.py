"""Leave and absence in the tracker (issue 13), through click on a local Workspace.

Islington Case Management Supervision Policy: "When a practitioner is on leave ... which
results in a gap in supervision, this must be clearly recorded"; Hillingdon Supervision
Framework 3.4: when a supervisor is away "their line manager should ensure alternative
arrangements are put in place". `book --absences` plans the year around the absences; `sync
--absences` (the same file) writes the gaps with their reason and the sessions needing cover to
the tracker's "Gaps and cover" tab, and prints the `cover` command for the supervisor away,
proposing their own line manager (the roster's row where the supervisor is the supervisee).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.google.connect import connect
from gworkspace_supervision.google.sheet import TrackerSheet, from_serial
from gworkspace_supervision.google.sheet_layout import GAPS
from gworkspace_supervision.services.absence_tracking import COVER, GAP, HEADER
from gworkspace_supervision.services.tracking import operator_of
from gworkspace_supervision.settings import Settings

D = "example-council.gov.uk"
ROSTER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "line_manager_name,team,category,preferred_day,preferred_time\n"
    f"ann@{D},Ann Worker,sam@{D},Sam Supervisor,sam@{D},Sam Supervisor,A,case_holding,Tue,10:00\n"
    f"ben@{D},Ben Worker,sam@{D},Sam Supervisor,sam@{D},Sam Supervisor,A,case_holding,Wed,10:00\n"
    f"sam@{D},Sam Supervisor,lena@{D},Lena Manager,lena@{D},Lena Manager,M,team_manager,"
    "Thu,14:00\n"
)
AWAY = (
    "person,from,to,reason\n"
    f"ann@{D},2027-03-01,2027-05-20,sickness\n"
    f"sam@{D},2027-08-02,2027-08-20,annual leave\n"
)


@pytest.mark.parametrize("policy", ["hillingdon", "islington"])
def test_sync_records_gaps_and_proposes_cover(tmp_path: Path, policy: str) -> None:
    if policy == "islington":  # Islington's roles: a deputy is supervised by a team manager
        roster_text = ROSTER.replace("team_manager", "deputy")
    else:
        roster_text = ROSTER
    (tmp_path / "roster.csv").write_text(roster_text, encoding="utf-8")
    (tmp_path / "away.csv").write_text(AWAY, encoding="utf-8")
    runner = CliRunner()
    ws = f"local:{tmp_path / 'ws'}"
    common = ["--roster", str(tmp_path / "roster.csv"), "--policy", policy, "--year", "2027"]
    away = ["--absences", str(tmp_path / "away.csv")]
    clock = runner.invoke(cli, ["--workspace", ws, "emulator", "clock", "set", "2027-01-02T09:00Z"])
    assert clock.exit_code == 0, clock.output
    booked = runner.invoke(
        cli, ["--workspace", ws, "book", *common, *away, "--send-updates", "none"]
    )
    assert booked.exit_code == 0, booked.output
    synced = runner.invoke(
        cli, ["--workspace", ws, "sync", *common, *away, "--today", "2027-03-10"]
    )
    assert synced.exit_code == 0, synced.output
    out = synced.output
    # Sam is away 2-20 August: Lena, his line manager, is proposed; the command is printed
    assert f"sam@{D} away (annual leave 02 Aug-20 Aug 2027)" in out
    assert f"lena@{D} (their line manager, proposed) or another colleague" in out
    command = f"gws-supervision cover --supervisor sam@{D} --from 2027-08-02 --to 2027-08-20 "
    assert f"  {command}--by lena@{D}" in out
    if policy == "hillingdon":
        assert "(Hillingdon Supervision Framework 3.4: the line manager arranges cover)" in out
    else:
        assert "Hillingdon" not in out
    # the tracker's tab: Ann's gaps with their reason, Sam's sessions needing cover
    with connect(ws) as conn:
        sheet = TrackerSheet.open(conn, operator_of(Settings(), conn), create=False)
        assert sheet is not None
        rows = sheet.values(f"'{GAPS}'!A1:I", "UNFORMATTED_VALUE")
    assert tuple(rows[0]) == HEADER
    gaps = [r for r in rows[1:] if r[0] == GAP]
    cover = [r for r in rows[1:] if r[0] == COVER]
    assert gaps and {r[1] for r in gaps} == {"Ann Worker"}
    assert all("sickness" in r[5] for r in gaps)
    days = [from_serial(r[7]) for r in gaps]
    assert all(d is not None and f"{d}" >= "2027-03-01" and f"{d}" <= "2027-05-20" for d in days)
    if policy == "islington":
        assert all(r[6].startswith("Islington Case Management Supervision Policy") for r in gaps)
    # two supervisees, one session each in Sam's fortnight away (four-weekly or monthly)
    assert len(cover) >= 1 and {r[2] for r in cover} == {"Sam Supervisor"}
    assert all(r[8] == f"{command}--by lena@{D}" for r in cover)
    cover_days = [from_serial(r[7]) for r in cover]
    assert all(d is not None and f"{d}" >= "2027-08-02" and f"{d}" <= "2027-08-20"
               for d in cover_days)  # fmt: skip
    # the export's workbook has the tab as the Sheet has it, its session dates as dates
    exported = runner.invoke(cli, ["--workspace", ws, "export", "--to", str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.output
    book = load_workbook(tmp_path / "out" / "tracker.xlsx")
    tab = book[GAPS]
    assert tuple(c.value for c in tab[1]) == HEADER
    assert [c.value.date() for c in tab["H"][1:]] == [from_serial(r[7]) for r in rows[1:]]
    assert all(c.number_format == "yyyy-mm-dd" for c in tab["H"][1:])
    assert [c.value for c in tab["F"][1:]] == [r[5] for r in rows[1:]]
    # a sync without the file leaves the tab as it was
    again = runner.invoke(cli, ["--workspace", ws, "sync", *common, "--today", "2027-03-11"])
    assert again.exit_code == 0 and "cover --supervisor" not in again.output
    with connect(ws) as conn:
        sheet = TrackerSheet.open(conn, operator_of(Settings(), conn), create=False)
        assert sheet is not None
        assert sheet.values(f"'{GAPS}'!A1:I", "UNFORMATTED_VALUE") == rows


def test_a_bad_absences_file_stops_sync_before_any_write(tmp_path: Path) -> None:
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    bad = tmp_path / "away.csv"
    bad.write_text(f"person,from,to\nann@{D},2027-03-10,2027-03-01\n", encoding="utf-8")
    ws = f"local:{tmp_path / 'ws'}"
    result = CliRunner().invoke(cli, ["--workspace", ws, "sync", "--roster",
                                      str(tmp_path / "roster.csv"), "--policy", "hillingdon",
                                      "--year", "2027", "--absences", str(bad)])  # fmt: skip
    assert result.exit_code == 2
    assert f"{bad}, line 2, column to: 2027-03-01 is before from 2027-03-10" in result.output
    assert not (tmp_path / "ws").exists() or "Tracker" not in result.output
