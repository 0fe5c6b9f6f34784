"""Case-discussion agendas written into records (`[supervision] caseload`), on the local Workspace.

Ann (four-weekly case holder, Mondays from 4 Jan 2027) holds three cases; Ben none. Dates
checked by hand:
- Islington (its policy: every open case, every session): each record lists the cases allocated on
  or before its day. C-300 is allocated on 20 Jan, so the 4 Jan session lists C-100 and C-200,
  and every session from 1 Feb lists all three.
- Hillingdon (5.2 a: a case within 4 weeks of allocation, until discussed): C-100 and
  C-200 (allocated in December) at the first session only; C-300 (allocated 20 Jan) at the
  1 Feb session only; nothing after.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.records import NO_CASE_DUE
from gworkspace_supervision.domain.roster import load_roster
from gworkspace_supervision.errors import InputError
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.drive import DriveAdapter
from gworkspace_supervision.google.retry import RetryPolicy
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.services.records import create_records
from gworkspace_supervision.services.templates import install_templates
from gworkspace_supervision.settings import Settings, SupervisionSettings

D = "example-council.gov.uk"
SAM = f"sam.supervisor@{D}"
ROSTER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "line_manager_name,team,category,start_date,preferred_day\n"
    f"ann.worker@{D},Ann Worker,{SAM},Sam Supervisor,lena.manager@{D},Lena Manager,T,"
    "case_holding,2027-01-04,Mon\n"
    f"ben.worker@{D},Ben Worker,{SAM},Sam Supervisor,lena.manager@{D},Lena Manager,T,"
    "case_holding,2027-01-04,Mon\n"
)
CASES = (
    "case_number,worker_email,involvement,allocated_on,under_2\n"
    f"C-100,ann.worker@{D},child_in_need,2026-12-14,no\n"
    f"C-200,ann.worker@{D},child_protection_plan,2026-12-21,yes\n"
    f"C-300,ann.worker@{D},level_2,2027-01-20,no\n"
)
THROUGH = date(2027, 3, 1)


def agenda_of(text: str) -> list[str]:
    """The case numbers under a record's agenda line (or the one line saying there are none)."""
    after = text.split("Due for discussion at this session", 1)[1].splitlines()[1:]
    lines = [line.strip() for line in after if line.strip()]
    numbers = []
    for line in lines:
        if not line.startswith("C-"):
            break
        numbers.append(line.split(":", 1)[0])
    return numbers or lines[:1]


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Connection, Path]]:
    (tmp_path / "roster.csv").write_text(ROSTER)
    (tmp_path / "cases.csv").write_text(CASES)
    conn = connect(f"local:{tmp_path / 'ws'}", retry=RetryPolicy(sleep=lambda _s: None))
    conn.workspace.clock.set("2026-12-01T09:00:00Z")
    try:
        yield conn, tmp_path
    finally:
        conn.close()


def records_by_day(conn: Connection, policy_name: str, folder: Path) -> dict[tuple[str, date], str]:
    policy = load_policy(policy_name)
    roster = load_roster(folder / "roster.csv", policy)
    settings = Settings(supervision=SupervisionSettings(caseload=str(folder / "cases.csv")))
    install_templates(RunContext.of(conn, settings=settings))
    book(RunContext.of(conn, roster, policy, settings), 2027, send_updates="none")
    conn.workspace.clock.set("2027-03-02T09:00:00Z")
    result = create_records(RunContext.of(conn, roster, policy, settings), 2027, THROUGH)
    assert result.created == 2 * 3 and not result.failures  # 4 Jan, 1 Feb, 1 Mar each
    drive = DriveAdapter(conn)
    return {
        (p.entry.supervisee_name.split()[0], p.facts.start.date()): drive.export_text(
            SAM, str(p.file_id)
        )
        for p in result.plans
    }


@pytest.mark.parametrize(
    ("policy_name", "expected"),
    [
        (
            "islington",
            {
                date(2027, 1, 4): ["C-100", "C-200"],
                date(2027, 2, 1): ["C-100", "C-200", "C-300"],
                date(2027, 3, 1): ["C-100", "C-200", "C-300"],
            },
        ),
        (
            "hillingdon",
            {
                date(2027, 1, 4): ["C-100", "C-200"],
                date(2027, 2, 1): ["C-300"],
                date(2027, 3, 1): [NO_CASE_DUE],
            },
        ),
    ],
)
def test_records_show_exactly_the_due_case_numbers(
    setup: tuple[Connection, Path], policy_name: str, expected: dict[date, list[str]]
) -> None:
    conn, folder = setup
    texts = records_by_day(conn, policy_name, folder)
    ann = {day: agenda_of(text) for (who, day), text in texts.items() if who == "Ann"}
    assert ann == expected
    assert all(agenda_of(t) == [NO_CASE_DUE] for (who, _d), t in texts.items() if who == "Ben")
    assert all("{{" not in t for t in texts.values())


def test_a_bad_caseload_stops_before_any_write(setup: tuple[Connection, Path]) -> None:
    conn, folder = setup
    (folder / "cases.csv").write_text(CASES + f"Jane Smith,ann.worker@{D},cin,2027-01-01,no\n")
    policy = load_policy("hillingdon")
    roster = load_roster(folder / "roster.csv", policy)
    settings = Settings(supervision=SupervisionSettings(caseload=str(folder / "cases.csv")))
    conn.workspace.reset_counters()
    with pytest.raises(InputError) as caught:
        create_records(RunContext.of(conn, roster, policy, settings), 2027, THROUGH)
    assert "case_number" in str(caught.value)
    assert conn.workspace.counters()["api"] == 0
