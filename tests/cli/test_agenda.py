"""`gws-supervision agenda` through click's CliRunner: agendas from the plan, strict caseload."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from gworkspace_supervision.cli.main import cli

D = "example-council.gov.uk"
ROSTER = (
    "supervisee_email,supervisee_name,supervisor_email,line_manager_email,category,preferred_day\n"
    f"ann@{D},Ann,bo@{D},cy@{D},all_staff,Mon\n"
)
CASES = (
    "case_number,worker_email,involvement,allocated_on,under_2\n"
    f"CP-1,ann@{D},Child Protection Plan,2026-06-01,no\n"
    f"L2-1,ann@{D},Level 2,2026-06-01,no\n"
    f"NEW-1,ann@{D},CIN,2027-01-20,no\n"
)


def run(tmp_path: Path, cases: str, *extra: str) -> tuple[int, str, str]:
    (tmp_path / "roster.csv").write_text(ROSTER)
    (tmp_path / "cases.csv").write_text(cases)
    args = ["agenda", "--caseload", str(tmp_path / "cases.csv"), "--roster"]
    args += [str(tmp_path / "roster.csv"), "--policy", "case_discussion_guidance"]
    result = CliRunner().invoke(cli, [*args, "--year", "2027", *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_json_agendas_follow_the_plan(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, CASES, "--through", "2027-03-01", "--format", "json")
    assert code == 0
    rows = json.loads(out)["sessions"]
    # Four-weekly on Mondays from Mon 4 Jan: 4 Jan, 1 Feb, 1 Mar.
    assert [r["session_date"] for r in rows] == ["2027-01-04", "2027-02-01", "2027-03-01"]
    got = [[c["case_number"] for c in r["cases"]] for r in rows]
    # 4 Jan: no history, both old cases overdue (allocated June 2026). 1 Feb: CP due 3 Feb
    # (4 Jan + 30) is before 1 Mar; NEW-1 allocated 20 Jan (12 days). 1 Mar: CP due 3 Mar;
    # L2 due 6 Mar (4 Jan + 61) is before 29 Mar; NEW-1 due 3 Apr (1 Feb + 61) is not.
    assert got == [["CP-1", "L2-1"], ["CP-1", "NEW-1"], ["CP-1", "L2-1"]]
    assert set(rows[0]) == {
        "session_id", "supervisee_email", "supervisor_email", "session_date", "cases",
    }  # fmt: skip


def test_table_lists_case_numbers_only(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, CASES, "--through", "2027-01-31")
    assert code == 0
    assert "Ann <ann@example-council.gov.uk> with bo@example-council.gov.uk" in out
    assert "Mon 04 Jan 2027 09:00  CP-1, L2-1" in out


def test_bad_caseload_exits_2_with_every_problem(tmp_path: Path) -> None:
    bad = CASES + f"CP-1,zed@{D},Fostering,2027-13-01,no\n"
    code, out, err = run(tmp_path, bad)
    assert code == 2 and out == ""
    assert "4 problems found; nothing was changed:" in err
    assert "line 5, column case_number: duplicate case number 'CP-1' (first on line 2)" in err
    assert "line 5, column worker_email: 'zed@example-council.gov.uk' is not a supervisee" in err
    assert "line 5, column involvement: unknown type of involvement 'Fostering'" in err
    assert "line 5, column allocated_on: impossible date '2027-13-01'" in err
