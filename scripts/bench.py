#!/usr/bin/env python3
"""The toolkit against the naive way, on the local Workspace (issue 7's benchmark, not a test).

For each roster size (scripts/make_roster.py): book the year in December, create the first
quarter's records on 1 April and sync the tracker, once with the toolkit and once the way an
Apps Script or CSV loop does it (one events.insert per session; per record one files.copy, one
documents.batchUpdate with replaceAllText and two permissions.create, unbatched; one Sheet write
per row; every Doc read on every sync). Each way gets a fresh Workspace with the added latency
per HTTP round trip and Google's per-user Calendar quota (600 a minute) on. Then daily syncs with
0..N records completed since the last one. Prints a table, writes JSON and a plot.

HTTP round trips and API calls are exact and do not depend on latency. With --naive-up-to a
naive run larger than that is not executed: its calls are counted from the plan (they are fixed
by the loop's shape) and its wall time ESTIMATED as round trips x latency + the per-call
processing measured on the largest naive run executed; the output marks it "estimated".

Example: .venv/bin/python scripts/bench.py --staff 50 300 1000 --latency-ms 100 \
    --naive-up-to 50 --json docs/benchmarks.json --plot docs/benchmarks.png
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_roster import generate, write  # noqa: E402

from gworkspace_supervision.domain.policy import load_policy  # noqa: E402
from gworkspace_supervision.domain.roster import load_roster  # noqa: E402
from gworkspace_supervision.google.calendar import series_to_event  # noqa: E402
from gworkspace_supervision.google.connect import Connection, connect  # noqa: E402
from gworkspace_supervision.google.retry import execute  # noqa: E402
from gworkspace_supervision.services.booking import book  # noqa: E402
from gworkspace_supervision.services.demo import complete_record  # noqa: E402
from gworkspace_supervision.services.records import create_records  # noqa: E402
from gworkspace_supervision.services.templates import install_templates  # noqa: E402
from gworkspace_supervision.services.tracking import sync  # noqa: E402
from gworkspace_supervision.settings import Settings  # noqa: E402

YEAR = 2027
DECEMBER, APRIL = "2026-12-01T09:00:00Z", "2027-04-01T08:00:00Z"
THROUGH, TODAY = date(2027, 3, 31), date(2027, 4, 1)
OPERATOR = "business.support@example-council.gov.uk"
QUOTA_PER_MINUTE = 600  # Google Calendar: per user per minute
POLICY = ["hillingdon"]  # --policy NAME|FILE


@dataclass
class Cost:
    http: int = 0
    api: int = 0
    seconds: float = 0.0
    estimated: bool = False


@dataclass
class SizeResult:
    staff: int
    sessions: int = 0
    series: int = 0
    records: int = 0
    toolkit: dict[str, Cost] = field(default_factory=dict)
    naive: dict[str, Cost] = field(default_factory=dict)
    daily_sync: dict[int, Cost] = field(default_factory=dict)  # records changed -> toolkit cost
    naive_daily_sync: Cost | None = None


class Meter:
    """Counts one step from the Workspace's own counters (what really crossed the wire)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def __enter__(self) -> Meter:
        self.before = self.conn.workspace.counters()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        after = self.conn.workspace.counters()
        self.cost = Cost(
            after["http"] - self.before["http"],
            after["api"] - self.before["api"],
            time.perf_counter() - self.started,
        )


def fresh(folder: Path, latency_ms: float) -> Connection:
    conn = connect(f"local:{folder}")
    conn.workspace.clock.set(DECEMBER)
    conn.workspace.faults.set(latency_ms=latency_ms, quota_per_minute=QUOTA_PER_MINUTE)
    return conn


def toolkit(folder: Path, roster: Path, latency_ms: float, changed: list[int]) -> SizeResult:
    policy, settings = load_policy(POLICY[0]), Settings()
    entries = load_roster(roster, policy, settings.organisation.allowed_domains)
    result = SizeResult(len(entries))
    with fresh(folder, latency_ms) as conn:
        with Meter(conn) as m:
            booked = book(conn, entries, policy, YEAR, settings, send_updates="none")
        assert booked.complete
        result.toolkit["book"] = m.cost
        result.sessions, result.series = len(booked.plan.sessions), len(booked.plan.series)
        with Meter(conn) as m:
            install_templates(conn, settings)
        result.toolkit["templates"] = m.cost
        conn.workspace.clock.set(APRIL)
        with Meter(conn) as m:
            made = create_records(conn, entries, policy, YEAR, THROUGH, settings)
        assert not made.failures
        result.toolkit["records"] = m.cost
        result.records = made.created
        with Meter(conn) as m:
            sync(conn, entries, policy, YEAR, settings, today=TODAY)
        result.toolkit["sync"] = m.cost
        files = [(p.entry.supervisor_email, p.file_id) for p in made.plans if p.file_id]
        day, done = TODAY, 0
        for n in changed:  # each "day": n more records completed, then the daily sync
            day += timedelta(days=1)
            conn.workspace.clock.set(f"{day.isoformat()}T12:00:00Z")
            batch = files[done : done + n]  # fewer when the quarter has fewer records left
            for user, file_id in batch:
                complete_record(conn, user, file_id)
            done += len(batch)
            conn.workspace.clock.set(f"{day.isoformat()}T18:00:00Z")
            with Meter(conn) as m:
                sync(conn, entries, policy, YEAR, settings, today=day)
            result.daily_sync[len(batch)] = m.cost
    return result


def naive_counts(result: SizeResult) -> dict[str, int]:
    """The naive loop's API calls, fixed by its shape (each call is one round trip)."""
    return {
        "book": result.sessions,
        "records": 4 * result.records,
        "sync": 1 + result.sessions + result.records,  # create, one write per row, every Doc read
    }


def naive(folder: Path, roster: Path, latency_ms: float, result: SizeResult) -> None:
    """What a CSV loop does, one request at a time, as the business support account."""
    policy, settings = load_policy(POLICY[0]), Settings()
    entries = load_roster(roster, policy, settings.organisation.allowed_domains)
    with fresh(folder, 0.0) as conn:
        installed = install_templates(conn, settings)  # setup, not timed
        template = next(i.file_id for i in installed if i.name == "hillingdon")
        plan = book(conn, entries, policy, YEAR, settings, dry_run=True).plan
        conn.workspace.faults.set(latency_ms=latency_ms, quota_per_minute=QUOTA_PER_MINUTE)
        series = {s.series_id: s for s in plan.series}

        def run(request: Any, what: str) -> Any:
            return execute(request, what=what, policy=conn.retry, meter=conn.meter)

        with Meter(conn) as m:
            for n, s in enumerate(plan.sessions):
                body = series_to_event(series[s.series_id], policy, year=YEAR)
                body.pop("recurrence")
                body["id"] = f"naive{n:08d}"
                body["start"]["dateTime"] = s.start.replace(tzinfo=None).isoformat()
                body["end"]["dateTime"] = s.end.replace(tzinfo=None).isoformat()
                cal = conn.calendar(s.supervisor_email).events()
                run(cal.insert(calendarId="primary", body=body, sendUpdates="none"), "insert")
        result.naive["book"] = m.cost
        conn.workspace.clock.set(APRIL)
        held = [s for s in plan.supervision if s.start.date() <= THROUGH]  # records: sessions only
        drive, docs = conn.drive(OPERATOR), conn.docs(OPERATOR)
        made = []
        with Meter(conn) as m:
            for s in held:
                name = f"Supervision record - {s.supervisee_name} - {s.start:%Y-%m-%d}"
                copy = run(drive.files().copy(fileId=template, body={"name": name}), "copy")
                fills = {"supervisee_name": s.supervisee_name, "supervisor_name": s.supervisor_name,
                         "session_date": f"{s.start:%Y-%m-%d %H:%M}"}  # fmt: skip
                requests = [
                    {"replaceAllText": {"containsText": {"text": "{{" + k + "}}", "matchCase": True},
                                        "replaceText": v}}
                    for k, v in fills.items()
                ]  # fmt: skip
                run(
                    docs.documents().batchUpdate(
                        documentId=copy["id"], body={"requests": requests}
                    ),
                    "fill",
                )
                for email, role in (
                    (s.supervisee_email, "writer"),
                    (s.line_manager_email, "commenter"),
                ):
                    perm = {"type": "user", "role": role, "emailAddress": email}
                    run(
                        drive.permissions().create(
                            fileId=copy["id"], body=perm, sendNotificationEmail=False
                        ),
                        "share",
                    )
                made.append(copy["id"])
        result.naive["records"] = m.cost
        sheets = conn.sheets(OPERATOR).spreadsheets()

        def naive_sync() -> None:
            sheet = run(sheets.create(body={"properties": {"title": "Tracker"}}), "create")
            for s in plan.sessions:
                row = [s.session_id, s.team, s.supervisor_name, s.supervisee_name,
                       s.line_manager_email, s.category, s.start.date().isoformat()]  # fmt: skip
                run(
                    sheets.values().append(
                        spreadsheetId=sheet["spreadsheetId"],
                        range="A1",
                        valueInputOption="RAW",
                        insertDataOption="INSERT_ROWS",
                        body={"values": [row]},
                    ),
                    "row",
                )  # appendRow
            for file_id in made:
                run(drive.files().export(fileId=file_id, mimeType="text/plain"), "read")

        with Meter(conn) as m:
            naive_sync()
        result.naive["sync"] = m.cost
        result.naive_daily_sync = result.naive["sync"]  # the loop does the same every day


def estimate_naive(result: SizeResult, latency_ms: float, per_call: float) -> None:
    for stage, calls in naive_counts(result).items():
        result.naive[stage] = Cost(calls, calls, calls * (latency_ms / 1000 + per_call), True)
    result.naive_daily_sync = result.naive["sync"]


def plan_seconds() -> str:
    done = subprocess.run(
        [sys.executable, str(HERE / "bench_plan.py"), "--staff", "5000"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return done.stdout.strip() or done.stderr.strip()


def report(results: list[SizeResult], latency_ms: float) -> str:
    lines = [
        f"latency {latency_ms:g} ms per HTTP round trip; per-user Calendar quota {QUOTA_PER_MINUTE}/min",
        "| staff | stage | toolkit round trips | toolkit API calls | toolkit s | naive round trips "
        "| naive API calls | naive s | naive/toolkit round trips |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for stage in ("book", "records", "sync"):
            t, n = r.toolkit[stage], r.naive[stage]
            mark = " (est.)" if n.estimated else ""
            lines.append(
                f"| {r.staff} | {stage} | {t.http} | {t.api} | {t.seconds:.1f} | {n.http} | {n.api} "
                f"| {n.seconds:.1f}{mark} | {n.http / max(1, t.http):.1f}x |"
            )
    lines += ["", "| staff | records changed since last sync | toolkit round trips | API calls | s "
              "| naive round trips (any change) |", "|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in results:
        for changed, c in r.daily_sync.items():
            naive_http = r.naive_daily_sync.http if r.naive_daily_sync else 0
            lines.append(
                f"| {r.staff} | {changed} | {c.http} | {c.api} | {c.seconds:.1f} | {naive_http} |"
            )
    return "\n".join(lines)


def plot(results: list[SizeResult], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    stages = ("book", "records", "sync")
    width = 0.13
    for i, r in enumerate(results):
        for j, stage in enumerate(stages):
            x = j + (i - len(results) / 2) * 2 * width
            left.bar(
                x,
                r.toolkit[stage].http,
                width,
                color=f"C{i}",
                label=f"toolkit {r.staff}" if j == 0 else None,
            )
            left.bar(x + width, r.naive[stage].http, width, color=f"C{i}", alpha=0.35, hatch="//" if r.naive[stage].estimated else None,
                     label=f"naive {r.staff}" if j == 0 else None)  # fmt: skip
    left.set_xticks(range(len(stages)), stages)
    left.set_yscale("log")
    left.set_ylabel("HTTP round trips (log)")
    left.set_title("Toolkit vs naive loop (hatched: naive counted, not run)")
    left.legend(fontsize=7, ncol=2)
    for i, r in enumerate(results):
        if r.daily_sync:
            xs = sorted(r.daily_sync)
            right.plot(
                xs,
                [r.daily_sync[x].http for x in xs],
                "o-",
                color=f"C{i}",
                label=f"toolkit, {r.staff} staff",
            )
            if r.naive_daily_sync:
                right.axhline(
                    r.naive_daily_sync.http,
                    color=f"C{i}",
                    ls="--",
                    alpha=0.5,
                    label=f"naive, {r.staff} staff",
                )
    right.set_yscale("log")
    right.set_xlabel("records changed since the last sync")
    right.set_ylabel("HTTP round trips (log)")
    right.set_title("Daily sync cost")
    if right.lines:
        right.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, nargs="+", default=[50, 300, 1000])
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument(
        "--naive-up-to", type=int, default=10**9, help="run naive fully up to this size"
    )
    parser.add_argument("--changed", type=int, nargs="+", default=[0, 1, 10, 50, 100])
    parser.add_argument(
        "--daily-sizes",
        type=int,
        nargs="*",
        default=None,
        help="sizes to run daily syncs for (default: all)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--policy", default="hillingdon", help="policy name or .toml file")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--plot", type=Path)
    parser.add_argument(
        "--no-plan", action="store_true", help="skip the 5,000-staff planning timing"
    )
    parser.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        help="combine the JSON of runs made in parallel (one size each) into --json/--plot",
    )
    args = parser.parse_args()
    if args.merge:
        merge(args)
        return
    POLICY[0] = args.policy
    results: list[SizeResult] = []
    per_call = None
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for staff in args.staff:
            roster = root / f"roster{staff}.csv"
            write(generate(staff, args.seed, YEAR), roster)
            daily = args.daily_sizes is None or staff in args.daily_sizes
            r = toolkit(
                root / f"toolkit{staff}", roster, args.latency_ms, args.changed if daily else []
            )
            if staff <= args.naive_up_to:
                naive(root / f"naive{staff}", roster, args.latency_ms, r)
                calls = sum(c.api for c in r.naive.values())
                secs = sum(c.seconds for c in r.naive.values())
                per_call = max(0.0, secs / calls - args.latency_ms / 1000)
            else:
                estimate_naive(r, args.latency_ms, per_call or 0.0)
            results.append(r)
            print(report([r], args.latency_ms), flush=True)
            save(args, results, per_call, "")  # after each size: a long run keeps what it measured
    text = report(results, args.latency_ms)
    print("\n" + text)
    planning = "" if args.no_plan else plan_seconds()
    if planning:
        print("\nplanning 5,000 staff (scripts/bench_plan.py):\n" + planning)
    save(args, results, per_call, planning)


def load_results(path: Path) -> tuple[list[SizeResult], float | None, float]:
    data = json.loads(path.read_text())
    out = []
    for raw in data["results"]:
        r = SizeResult(
            **{k: v for k, v in raw.items() if not isinstance(v, dict) and v is not None}
        )
        r.toolkit = {k: Cost(**v) for k, v in raw["toolkit"].items()}
        r.naive = {k: Cost(**v) for k, v in raw["naive"].items()}
        r.daily_sync = {int(k): Cost(**v) for k, v in raw["daily_sync"].items()}
        r.naive_daily_sync = Cost(**raw["naive_daily_sync"]) if raw["naive_daily_sync"] else None
        out.append(r)
    return out, data.get("naive_per_call_s"), float(data["latency_ms"])


def merge(args: Any) -> None:
    """Runs of one size each, made at once: one table, and the naive estimates for sizes not
    run redone with the per-call processing of the largest naive run that was executed."""
    results: list[SizeResult] = []
    per_call, latency, largest = None, 100.0, -1
    for path in args.merge:
        found, pc, latency = load_results(path)
        results += found
        for r in found:
            if not r.naive["book"].estimated and r.staff > largest and pc is not None:
                per_call, largest = pc, r.staff
    results.sort(key=lambda r: r.staff)
    for r in results:
        if r.naive["book"].estimated:
            estimate_naive(r, latency, per_call or 0.0)
    text = report(results, latency)
    print(text)
    args.latency_ms = latency
    save(args, results, per_call, "")


def save(args: Any, results: list[SizeResult], per_call: float | None, planning: str) -> None:
    if args.json:
        args.json.write_text(json.dumps({"latency_ms": args.latency_ms, "naive_per_call_s": per_call,
                                         "planning": planning, "results": [asdict(r) for r in results]},
                                        indent=1))  # fmt: skip
    if args.plot:
        plot(results, args.plot)


if __name__ == "__main__":
    main()
