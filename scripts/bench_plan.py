#!/usr/bin/env python3
"""Plan a generated roster of 5,000 staff for a year and print the seconds it takes.

Roster generation and validation are timed separately from planning. Not a test: run it on the
target machine (CI: 2 cores) and compare with the 1 s budget (planning only; the previous
run's plan is freed before each timing starts, as a single `plan` run never frees one).

Example: python scripts/bench_plan.py --staff 5000 --year 2027 --repeat 3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_roster import generate, write  # noqa: E402

from gworkspace_supervision.domain.planner import plan_year  # noqa: E402
from gworkspace_supervision.domain.policy import load_policy  # noqa: E402
from gworkspace_supervision.domain.roster import load_roster  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2027)
    parser.add_argument("--policy", default="hillingdon")
    parser.add_argument("--repeat", type=int, default=3, help="plan this many times; best is shown")
    args = parser.parse_args()

    policy = load_policy(args.policy)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.csv"
        write(generate(args.staff, args.seed, args.year), path)
        began = time.perf_counter()
        roster = load_roster(path, policy, ["example-council.gov.uk"])
        loaded = time.perf_counter() - began
    timings = []
    plan = None
    for _ in range(args.repeat):
        plan = None  # the previous run's plan is freed before the clock starts, not inside it
        began, cpu = time.perf_counter(), time.process_time()
        plan = plan_year(roster, policy, args.year)
        timings.append((time.perf_counter() - began, time.process_time() - cpu))
    assert plan is not None
    wall, cpu = min(timings)
    events = len(plan.sessions) - len(plan.supervision)
    print(
        f"{len(roster)} staff, {len(plan.sessions)} sessions in {len(plan.series)} series "
        f"({events} of them observations, appraisals and reviews from [[events]]), "
        f"{len(plan.moves)} moved, {len(plan.reassignments)} reassigned"
    )
    print(f"roster validation: {loaded:.2f} s")
    print(f"plan: {wall:.2f} s (best of {args.repeat}; CPU {cpu:.2f} s)")


if __name__ == "__main__":
    main()
