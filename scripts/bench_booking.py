#!/usr/bin/env python3
"""Measure `book` against the naive way, on the local Workspace (a benchmark, not a test).

For each roster size: generate a roster (scripts/make_roster.py), book the year with the toolkit
into a fresh local Workspace, then do it the naive way into another one (one events.insert per
session, unbatched, as a CSV loop or Apps Script would), and print calendar writes, API calls,
HTTP round trips and wall time for both. Then run `book` again to show a re-run writes nothing.
The toolkit's writes per person are also split: supervision series (one per pair and year,
phases folded; issue 4's target is at most 1.2) and [[events]] (one single event each).

Example: .venv/bin/python scripts/bench_booking.py --staff 50 300 --latency-ms 0
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.series import Series
from gworkspace_supervision.google.calendar import series_to_event
from gworkspace_supervision.google.connect import connect
from gworkspace_supervision.google.retry import execute
from gworkspace_supervision.services.booking import book
from gworkspace_supervision.settings import Settings

HERE = Path(__file__).resolve().parent


def make_roster(staff: int, seed: int, year: int, out: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_roster", HERE / "make_roster.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write(module.generate(staff, seed, year), out)


def fresh(directory: Path, latency_ms: float) -> Any:
    conn = connect(f"local:{directory}")
    conn.workspace.clock.set("2026-12-01T09:00:00Z")
    if latency_ms:
        conn.workspace.faults.set(latency_ms=latency_ms)
    return conn


def naive(conn: Any, result: Any) -> None:
    """One events.insert per planned session, one HTTP round trip each."""
    series: dict[str, Series] = {s.series_id: s for s in result.plan.series}
    for n, session in enumerate(result.plan.sessions):
        s = series[session.series_id]
        body = series_to_event(s, result.plan.policy, year=result.year)
        body.pop("recurrence")
        body["id"] = f"naive{n:08d}"
        body["start"]["dateTime"] = session.start.replace(tzinfo=None).isoformat()
        body["end"]["dateTime"] = session.end.replace(tzinfo=None).isoformat()
        request = (
            conn.calendar(session.supervisor_email)
            .events()
            .insert(calendarId="primary", body=body, sendUpdates="all")
        )
        execute(request, what="insert", policy=conn.retry, meter=conn.meter)


def split_writes(result: Any) -> tuple[int, int]:
    """Calendar writes made for supervision series, and for [[events]] (observations,
    appraisals, reviews: one single event each, separate bookings by nature)."""
    kinds = {s.series_id: s.type for s in result.plan.series}
    supervision = sum(1 for c in result.done if kinds.get(c.series_key) == "supervision")
    return supervision, len(result.done) - supervision


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, nargs="+", default=[50, 300])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2027)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added per round trip")
    args = parser.parse_args()
    print(
        f"{'staff':>6} {'sessions':>8} {'series':>6} | {'way':<8} {'writes':>6} "
        f"{'writes/person':>13} {'API calls':>9} {'round trips':>11} {'seconds':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for staff in args.staff:
            roster = root / f"roster{staff}.csv"
            make_roster(staff, args.seed, args.year, roster)
            people = sum(1 for _ in roster.open(encoding="utf-8")) - 1
            rows = []
            with fresh(root / f"toolkit{staff}", args.latency_ms) as conn:
                started = time.perf_counter()
                result = book(RunContext.of(conn, roster, "hillingdon", Settings()), args.year)
                took = time.perf_counter() - started
                counters = conn.workspace.counters()
                rows.append(("toolkit", counters, took))
                conn.workspace.reset_counters()
                started = time.perf_counter()
                again = book(RunContext.of(conn, roster, "hillingdon", Settings()), args.year)
                rows.append(("re-run", conn.workspace.counters(), time.perf_counter() - started))
                assert not again.writes, "a re-run must write nothing"
            with fresh(root / f"naive{staff}", args.latency_ms) as conn:
                started = time.perf_counter()
                naive(conn, result)
                rows.append(("naive", conn.workspace.counters(), time.perf_counter() - started))
            for way, c, seconds in rows:
                print(
                    f"{people:>6} {len(result.plan.sessions):>8} {len(result.plan.series):>6} | "
                    f"{way:<8} {c['event_writes']:>6} {c['event_writes'] / people:>13.2f} "
                    f"{c['api']:>9} {c['http']:>11} {seconds:>8.2f}"
                )
            ratio = rows[2][1]["http"] / max(1, rows[0][1]["http"])
            print(f"{'':>23}| naive/toolkit HTTP round trips: {ratio:.0f}x")
            supervision, events = split_writes(result)
            print(
                f"{'':>23}| toolkit writes per person: supervision series "
                f"{supervision / people:.2f} (target <= 1.2), [[events]] {events / people:.2f}"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
