"""Caseload CSV validation: as strict as the roster's, every problem at once, located."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from gworkspace_supervision.domain.caseload import Case, load_caseload, parse_caseload
from gworkspace_supervision.errors import InputError

DOMAIN = "example-council.gov.uk"
HEADER = "case_number,worker_email,involvement,allocated_on,under_2\n"


def problems(text: str, **kw: object) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_caseload(text, "cases.csv", **kw)  # type: ignore[arg-type]
    return [str(p) for p in caught.value.problems]


def test_reads_bom_blank_lines_aliases_and_flags(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(
        (
            "\ufeff" + HEADER + "\n"
            f"1001,Ann@{DOMAIN},Child Protection Plan,2027-01-04,yes\n"
            "\n"
            f"1002,ann@{DOMAIN},CIN,2026-11-30,no\n"
            f"1003,ann@{DOMAIN},Care Leaver 18 – 21 years,2026-05-01,N\n"
            f"1004,ann@{DOMAIN},Looked After Child Settled / Low Risk,2026-05-01,no\n"
            f"1005,ann@{DOMAIN},care_leaver_21_plus,2026-05-01,no\n"
        ).encode()
    )
    cases = load_caseload(path, [DOMAIN], [f"ann@{DOMAIN}"])
    assert cases[0] == Case(3, "1001", f"ann@{DOMAIN}", "child_protection_plan",
                            date(2027, 1, 4), True)  # fmt: skip
    assert [c.involvement for c in cases[1:]] == [
        "child_in_need",
        "care_leaver_18_21",
        "looked_after_settled_low_risk",
        "care_leaver_21_plus",
    ]
    assert [c.line for c in cases] == [3, 5, 6, 7, 8]


def test_every_problem_reported_with_line_and_column() -> None:
    found = problems(
        HEADER + f"1001,ann@{DOMAIN},Level 2,2027-02-30,yes\n"
        f"1001,ann@{DOMAIN},Fostering,2027-01-04,maybe\n"
        f"Jane Smith,bob@elsewhere.com,CP,04/01/2027,no\n"
        f"1004,not-an-email,CP,2027-01-04,no\n"
        f"1005,,CP,,no\n",
        allowed_domains=[DOMAIN],
    )
    assert found == [
        "cases.csv, line 2, column allocated_on: impossible date '2027-02-30'",
        "cases.csv, line 3, column case_number: duplicate case number '1001' (first on line 2)",
        "cases.csv, line 3, column involvement: unknown type of involvement 'Fostering' (known: "
        "level_2, assessment, child_in_need, child_protection_plan, looked_after_high_risk, "
        "looked_after_settled_low_risk, care_leaver_18_21, care_leaver_21_plus)",
        "cases.csv, line 3, column under_2: expected yes or no, got 'maybe'",
        "cases.csv, line 4, column case_number: expected an ICS case number (letters, digits, "
        "- / _; no spaces), not names or notes",
        "cases.csv, line 4, column worker_email: 'bob@elsewhere.com' is outside the allowed "
        "domains (example-council.gov.uk)",
        "cases.csv, line 4, column allocated_on: expected YYYY-MM-DD, got '04/01/2027'",
        "cases.csv, line 5, column worker_email: malformed email address 'not-an-email'",
        "cases.csv, line 6, column worker_email: required value missing",
        "cases.csv, line 6, column allocated_on: required value missing",
    ]


def test_no_column_for_case_content_and_unknown_workers() -> None:
    found = problems("case_number,worker_email,involvement,allocated_on,under_2,child_name\n")
    assert found == [
        "cases.csv, line 1, column child_name: unknown column; a caseload holds only: "
        "case_number, worker_email, involvement, allocated_on, under_2 (case numbers only, "
        "never case content: the records are personal data)"
    ]  # the toolkit's own rule, whatever the policy: no council's section (issue 13)
    assert problems("case_number,worker_email\n")[0].endswith(
        "column involvement: required column missing"
    )
    found = problems(HEADER + f"1001,zed@{DOMAIN},CP,2027-01-04,no\n", known_workers=["a@b.c"])
    assert found == [
        f"cases.csv, line 2, column worker_email: 'zed@{DOMAIN}' is not a supervisee in the roster"
    ]
    assert problems("") == ["cases.csv: the caseload is empty (no header row)"]
    assert problems(HEADER) == ["cases.csv, line 1: the caseload has no case rows"]


def test_a_field_too_large_for_csv_is_a_located_problem() -> None:
    # csv gives up on a field over its size limit; the shared reader says where, as the roster's
    found = problems(HEADER + "1001," + "x" * 200_000 + ",CP,2027-01-04,no\n")
    assert found[0].startswith("cases.csv, line 2, column worker_email: not readable as CSV:")
