"""`gws-supervision plan` through click's CliRunner: formats, stable ids, and every bad roster."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.services.demo import example_roster

EXAMPLE = example_roster()
HEADER = (
    "supervisee_email,supervisee_name,supervisor_email,line_manager_email,category,"
    "start_date,preferred_day,preferred_time,interval_weeks"
)
GOOD = "ann@example-council.gov.uk,Ann,bo@example-council.gov.uk,cy@example-council.gov.uk,case_holding,,,,"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def plan(tmp_path: Path, body: str, *extra: str, raw: bytes | None = None) -> tuple[int, str, str]:
    roster = tmp_path / "roster.csv"
    if raw is not None:
        roster.write_bytes(raw)
    else:
        roster.write_text(body)
    return run("plan", "--roster", str(roster), "--policy", "hillingdon", "--year", "2027", *extra)


def test_table_groups_by_supervisor_and_summarises() -> None:
    code, out, _ = run("plan", "--roster", str(EXAMPLE), "--policy", "hillingdon", "--year", "2027")
    assert code == 0
    assert "Summary" in out and "moved (>)" in out and "reassigned (*" in out
    assert "New Year's Day (bank holiday)" in out
    for category in (
        "case_holding",
        "team_manager",
        "iro",
        "non_frontline",
        "asye",
        "probation",
        "pip",
    ):
        assert f"    {category}" in out


def test_json_shape_and_stable_ids(tmp_path: Path) -> None:
    args = (
        "plan",
        "--roster",
        str(EXAMPLE),
        "--policy",
        "hillingdon",
        "--year",
        "2027",
        "--format",
        "json",
    )
    code, out, _ = run(*args)
    assert code == 0
    sessions = json.loads(out)["sessions"]
    required = {
        "session_id", "supervisee_email", "supervisee_name", "supervisor_email",
        "line_manager_email", "team", "category", "phase", "start", "end", "record_due", "moved_from",
    }  # fmt: skip
    assert required <= set(sessions[0])
    types = {(s["type"], s["kind"]) for s in sessions}  # Hillingdon [[events]] (5.2 f, 6)
    assert ("supervision", "") in types and ("observation", "direct work with a child") in types
    assert ("appraisal", "") in types and ("appraisal review", "") in types
    assert sessions[0]["start"].endswith(("+00:00", "+01:00"))
    assert len(sessions[0]["record_due"]) == 10
    assert json.loads(run(*args)[1]) == {"sessions": sessions}  # same inputs, same ids


def test_csv_and_ics(tmp_path: Path) -> None:
    ics = tmp_path / "plan.ics"
    code, out, _ = run(
        "plan", "--roster", str(EXAMPLE), "--year", "2027", "--format", "csv", "--ics", str(ics)
    )
    assert code == 0
    assert out.splitlines()[0].startswith("session_id,series_id,supervisee_email")
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    events = calendar.walk("VEVENT")
    assert events and all("RRULE" in e for e in events)
    assert any("EXDATE" in e and "RDATE" in e for e in events)


def test_from_date_outside_year(tmp_path: Path) -> None:
    code, _, err = plan(tmp_path, f"{HEADER}\n{GOOD}\n", "--from", "2028-02-01")
    assert code == 2 and "--from" in err


BAD_ROWS = [
    ("ann@@example-council.gov.uk,Ann,bo@example-council.gov.uk,cy@example-council.gov.uk,case_holding,,,,",
     "column supervisee_email", "malformed email"),
    ("ann@example-council.gov.uk,Ann,bo@example-council.gov.uk,cy@example-council.gov.uk,wizard,,,,",
     "column category", "unknown category 'wizard'"),
    ("ann@example-council.gov.uk,Ann,bo@example-council.gov.uk,cy@example-council.gov.uk,asye,,,,",
     "column start_date", "needs a start_date"),
    ("ann@example-council.gov.uk,Ann,bo@example-council.gov.uk,cy@example-council.gov.uk,asye,2027-02-30,,,",
     "column start_date", "impossible date '2027-02-30'"),
    ("ann@example-council.gov.uk,Ann,bo@example-council.gov.uk,cy@example-council.gov.uk,case_holding,,,25:00,",
     "column preferred_time", "expected HH:MM"),
    ("ann@example-council.gov.uk,Ann,ann@example-council.gov.uk,cy@example-council.gov.uk,case_holding,,,,",
     "column supervisor_email", "the supervisor is the supervisee"),
    ("ann@example-council.gov.uk,Ann,bo@example-council.gov.uk,cy@example-council.gov.uk,pip,,,,",
     "column interval_weeks", "needs interval_weeks"),
    ("ann@gmail.com,Ann,bo@example-council.gov.uk,cy@example-council.gov.uk,case_holding,,,,",
     "column supervisee_email", "outside the allowed domains"),
    ("ann@example-council.gov.uk,Ann,bo@example-council.gov.uk,cy@example-council.gov.uk,case_holding,,Funday,,",
     "column preferred_day", "expected a weekday"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "column", "message"), BAD_ROWS)
def test_bad_roster_rows(tmp_path: Path, row: str, column: str, message: str) -> None:
    ics = tmp_path / "out.ics"
    code, out, err = plan(tmp_path, f"{HEADER}\n{row}\n", "--ics", str(ics))
    assert code == 2
    assert f"roster.csv, line 2, {column}: " in err and message in err
    assert "Traceback" not in err and out == ""
    assert not ics.exists()  # nothing written


def test_duplicate_supervisee_and_every_problem_at_once(tmp_path: Path) -> None:
    rows = [GOOD, GOOD.replace("case_holding", "iro"), BAD_ROWS[1][0].replace("ann@", "dee@")]
    code, _, err = plan(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")
    assert code == 2
    assert "2 problems found" in err
    assert (
        "line 3, column supervisee_email: duplicate supervisee 'ann@example-council.gov.uk' (first on line 2)"
        in err
    )
    assert "line 4, column category" in err


def test_bom_and_blank_lines_are_tolerated(tmp_path: Path) -> None:
    text = f"\n{HEADER}\n\n{GOOD}\n\n\n"
    code, out, err = plan(tmp_path, "", raw=b"\xef\xbb\xbf" + text.encode())
    assert code == 0, err
    assert "Ann" in out
    bad = text.replace("case_holding", "wizard")
    code, _, err = plan(tmp_path, "", raw=b"\xef\xbb\xbf" + bad.encode())
    assert code == 2 and "line 4, column category" in err  # physical line numbers, blanks counted


def test_allowed_domains_come_from_settings(tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text('[organisation]\nallowed_domains = ["other.gov.uk"]\n')
    roster = tmp_path / "roster.csv"
    roster.write_text(f"{HEADER}\n{GOOD}\n")
    result = CliRunner().invoke(
        cli, ["--config", str(settings), "plan", "--roster", str(roster), "--year", "2027"]
    )
    assert result.exit_code == 2
    assert "outside the allowed domains (other.gov.uk)" in result.stderr


def test_missing_roster_and_unknown_column(tmp_path: Path) -> None:
    code, _, err = run("plan", "--roster", str(tmp_path / "nope.csv"), "--year", "2027")
    assert code == 2 and "nope.csv" in err
    code, _, err = plan(tmp_path, HEADER.replace("category", "categry") + "\n" + GOOD + "\n")
    assert code == 2
    assert "line 1, column categry: unknown column" in err
    assert "line 1, column category: required column missing" in err
