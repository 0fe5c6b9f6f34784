#!/usr/bin/env python3
"""Generate a realistic roster CSV for benchmarks and demos.

Structure: an assistant director (outside the roster) supervises heads of service; each head of
service supervises team managers; each team manager supervises a senior practitioner and part of
the team, the senior practitioner the rest. Teams mix case holders with ASYE and probation
starters (start dates last year and this year) and the odd performance plan; an IRO team and a
business support team complete the service. Same --staff and --seed give the same file.

Example: python scripts/make_roster.py --staff 5000 --seed 1 --out /tmp/roster.csv
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

COLUMNS = [
    "supervisee_email", "supervisee_name", "supervisor_email", "supervisor_name",
    "line_manager_email", "line_manager_name", "team", "category", "start_date",
    "preferred_day", "preferred_time", "interval_weeks", "location",
]  # fmt: skip
FIRST = "Amara Ben Chloe Dev Ella Femi Grace Hassan Isla Jamal Kate Leon Maya Noah Olu Priya " \
        "Quinn Rosa Sam Tariq Uma Vik Wendy Xander Yusuf Zoe Aled Bronwen Ciaran Deepa".split()  # fmt: skip
LAST = "Adams Bhatt Clarke Davies Evans Fraser Ghosh Hughes Iqbal Jones Khan Lewis Morgan " \
       "Nowak Okafor Patel Quinn Reid Singh Taylor Usman Vaughan Walsh Young Zielinski".split()  # fmt: skip
TEAMS = "Assessment, Child in Need, Child Protection, Children Looked After, Leaving Care, " \
        "Disabled Children, Family Support, Court, Adolescents, Fostering".split(", ")  # fmt: skip
DAYS = ["Mon", "Tuesday", "wed", "Thursday", "FRI"]
DOMAIN = "example-council.gov.uk"


class _People:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def new(self) -> tuple[str, str]:
        while True:
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            stem = f"{first}.{last}".lower()
            n = 1
            email = f"{stem}@{DOMAIN}"
            while email in self.used:
                n += 1
                email = f"{stem}{n}@{DOMAIN}"
            self.used.add(email)
            return email, f"{first} {last}"


def generate(staff: int, seed: int = 1, year: int = 2027) -> list[dict[str, str]]:
    """Rows for a roster of `staff` supervisees (supervisors at the top are outside it)."""
    rng = random.Random(seed)
    people = _People(rng)
    rows: list[dict[str, str]] = []
    director = people.new()  # one assistant director per five services (outside the roster)

    def add(person, supervisor, manager, team, category, **extra: str) -> None:  # type: ignore[no-untyped-def]
        if len(rows) >= staff:
            return
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            supervisee_email=person[0], supervisee_name=person[1],
            supervisor_email=supervisor[0], supervisor_name=supervisor[1],
            line_manager_email=manager[0], line_manager_name=manager[1],
            team=team, category=category,
        )  # fmt: skip
        if rng.random() < 0.35:
            row["preferred_day"] = rng.choice(DAYS)
        if rng.random() < 0.35:
            row["preferred_time"] = f"{rng.randrange(9, 16):02d}:{rng.choice(['00', '30'])}"
        row.update(extra)
        rows.append(row)

    def start_date(this_year: bool) -> str:
        base = date(year, 1, 1) if this_year else date(year - 1, 1, 1)
        return (base + timedelta(days=rng.randrange(0, 300))).isoformat()

    service = 0
    while len(rows) < staff:
        service += 1
        if service % 5 == 0:
            director = people.new()
        head = people.new()
        add(head, director, director, f"Service {service}", "team_manager")
        # Business support and an IRO team per service: twelve-weekly (Hillingdon 4.2).
        for team, category in (
            ("IRO and CP advisors", "iro"),
            ("Business support", "non_frontline"),
        ):
            manager = people.new()
            add(manager, head, director, team, "team_manager")
            for _ in range(rng.randint(3, 6)):
                add(people.new(), manager, head, team, category)
        for t in range(rng.randint(3, 5)):
            team = f"{TEAMS[(service + t) % len(TEAMS)]} {service}.{t + 1}"
            manager, senior = people.new(), people.new()
            add(manager, head, director, team, "team_manager")
            add(senior, manager, head, team, "case_holding", location="Civic Centre room 2")
            for i in range(rng.randint(5, 9)):
                supervisor = manager if i % 2 else senior
                line_manager = head if supervisor is manager else manager
                roll = rng.random()
                if i == 0 or roll < 0.08:
                    add(people.new(), supervisor, line_manager, team, "asye",
                        start_date=start_date(this_year=(i + t) % 2 == 0))  # fmt: skip
                elif i == 1 or roll < 0.14:
                    add(people.new(), supervisor, line_manager, team, "probation",
                        start_date=start_date(this_year=(i + t) % 2 == 1))  # fmt: skip
                elif i == 2 and t == 0:
                    add(people.new(), supervisor, line_manager, team, "pip",
                        interval_weeks=str(rng.choice([2, 3])))  # fmt: skip
                else:
                    add(people.new(), supervisor, line_manager, team, "case_holding")
    return rows[:staff]


def write(rows: list[dict[str, str]], out: Path | None) -> None:
    handle = open(out, "w", newline="", encoding="utf-8") if out else sys.stdout  # noqa: SIM115
    try:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    finally:
        if out:
            handle.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, default=40, help="number of supervisees")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2027, help="plan year (start dates around it)")
    parser.add_argument("--out", type=Path, help="CSV file to write (default: stdout)")
    args = parser.parse_args()
    write(generate(args.staff, args.seed, args.year), args.out)


if __name__ == "__main__":
    main()
