"""`plan` on a roster with starters, leavers, statuses and absences under each shipped policy,
through click's CliRunner: the table says why sessions moved and lists the gaps; a cadence that
breaks a policy's floor is refused with exit status 2, naming the file, line and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gworkspace_supervision.cli.main import cli

D = "example-council.gov.uk"
HEADER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "role,status,status_start,status_end,interval_weeks,start_date,end_date,preferred_day,"
    "preferred_time\n"
)
ROLES = {"hillingdon": "case_holding", "sunderland": "case_holding", "islington": "case_holding"}
STATUS = {"hillingdon": "probation", "sunderland": "nqsw", "islington": ""}


def roster(tmp_path: Path, policy: str) -> Path:
    role, status = ROLES[policy], STATUS[policy]
    rows = [
        # a starter on 6 September
        f"joy@{D},Joy Starter,sam@{D},Sam Boss,lm@{D},{role},,,,,2027-09-06,,,",
        # a leaver on 30 June
        f"lee@{D},Lee Leaver,sam@{D},Sam Boss,lm@{D},{role},,,,,,2027-06-30,,",
        # two people wanting the same slot
        f"ann@{D},Ann Early,sam@{D},Sam Boss,lm@{D},{role},,,,,,,Tue,10:00",
        f"bob@{D},Bob Late,sam@{D},Sam Boss,lm@{D},{role},,,,,,,Tue,10:00",
    ]
    if status:  # a status that ends, then the role
        rows.append(
            f"pat@{D},Pat Status,tom@{D},Tom Boss,lm@{D},{role},{status},2027-01-11,2027-07-11,,,,,"
        )
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def absences(tmp_path: Path) -> Path:
    path = tmp_path / "away.csv"
    path.write_text(
        "person,from,to,reason\n"
        f"ann@{D},2027-03-01,2027-04-20,sickness\n"
        f"tom@{D},2027-08-02,2027-08-13,annual leave\n",
        encoding="utf-8",
    )
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("policy", ["hillingdon", "sunderland", "islington"])
def test_plan_with_starters_leavers_statuses_and_absences(tmp_path: Path, policy: str) -> None:
    args = ("plan", "--roster", str(roster(tmp_path, policy)), "--policy", policy,
            "--year", "2027", "--absences", str(absences(tmp_path)))  # fmt: skip
    code, out, err = run(*args)
    assert code == 0, err
    assert "off preferred slot: preferred Tue 10:00 taken by Ann Early with Sam Boss" in out
    assert "gaps (not held: supervisee away):" in out and "absent (sickness" in out
    assert "first free slot on return" in out
    code, out, err = run(*args, "--format", "json")
    sessions = json.loads(out)["sessions"]
    # Islington: the gap from leave is recorded, with its reason
    gaps = json.loads(out)["gaps"]
    assert gaps and {g["supervisee_email"] for g in gaps} == {f"ann@{D}"}
    assert all(g["reason"] == "absent (sickness 01 Mar-20 Apr 2027)" for g in gaps)
    joy = [s for s in sessions if s["supervisee_email"] == f"joy@{D}"]
    lee = [s for s in sessions if s["supervisee_email"] == f"lee@{D}"]
    assert joy and min(s["start"][:10] for s in joy) >= "2027-09-06"
    assert lee and max(s["start"][:10] for s in lee) <= "2027-06-30"
    ann = [s for s in sessions if s["supervisee_email"] == f"ann@{D}"]
    assert not [s for s in ann if "2027-03-01" <= s["start"][:10] <= "2027-04-20"]
    if STATUS[policy]:
        pat = [s for s in sessions if s["supervisee_email"] == f"pat@{D}" and s["type"] ==
               "supervision"]  # fmt: skip
        assert pat[-1]["phase"] == "case_holding"  # the role after the status


def test_a_cadence_below_the_floor_exits_2_naming_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(
        HEADER + f"ann@{D},Ann,sam@{D},Sam,lm@{D},case_holding,pip,2027-03-01,,6,,,,\n",
        encoding="utf-8",
    )
    code, out, err = run("plan", "--roster", str(path), "--policy", "sunderland", "--year", "2027")
    assert code == 2 and out == ""
    assert f"{path}, line 2, column interval_weeks: every 6 weeks is less frequent" in err
    assert "no supervision schedule should be less frequent than monthly" in err
    assert "Traceback" not in err


def test_a_bad_absences_file_exits_2(tmp_path: Path) -> None:
    away = tmp_path / "away.csv"
    away.write_text(f"person,from,to\nann@{D},2027-03-10,2027-03-01\n", encoding="utf-8")
    code, _, err = run("plan", "--roster", str(roster(tmp_path, "hillingdon")), "--policy",
                       "hillingdon", "--year", "2027", "--absences", str(away))  # fmt: skip
    assert code == 2
    assert f"{away}, line 2, column to: 2027-03-01 is before from 2027-03-10" in err
