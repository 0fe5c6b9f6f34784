"""Reliability (issue 7): with injected faults, killed at seeded points, or two syncs at once,
the flow (book, templates, records, sync) always ends in the fault-free state, with nothing
duplicated.

Sizes are CI-sized; GWS_SOAK_STAFF=300 GWS_SOAK_LATENCY_MS=100 runs the issue's full soak.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from reliability_flow import (
    TODAY,
    YEAR,
    api_count,
    cli_run,
    differences,
    duplicates,
    make_roster,
    service_flow,
    set_clock,
    snapshot,
    stages,
)

from gworkspace_supervision.context import RunContext
from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import load_roster
from gworkspace_supervision.emulator import LocalWorkspace
from gworkspace_supervision.emulator.core.faults import CRASH_STATUS
from gworkspace_supervision.google.connect import connect
from gworkspace_supervision.services.tracking import sync
from gworkspace_supervision.settings import Settings

SOAK_STAFF = int(os.environ.get("GWS_SOAK_STAFF", "40"))
SOAK_LATENCY_MS = float(os.environ.get("GWS_SOAK_LATENCY_MS", "1"))
CRASH_STAFF = 6
CRASH_POINTS_PER_STAGE = {"book": 5, "templates": 3, "records": 9, "sync": 7}  # 24 points
HARD_KILLS = 3  # of them also as a real os._exit in a subprocess (no finally blocks run)


@pytest.fixture(scope="module")
def crash_world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The fault-free reference through the CLI, with a copy of the Workspace before each stage
    and the number of API calls each stage made."""
    root = tmp_path_factory.mktemp("crash")
    roster = make_roster(CRASH_STAFF, root / "roster.csv")
    folder = root / "reference"
    before: dict[str, Path] = {}
    calls: dict[str, tuple[int, int]] = {}
    for stage in stages(roster):
        set_clock(folder, stage.clock)
        before[stage.name] = root / f"before-{stage.name}"
        shutil.copytree(folder, before[stage.name])
        start = api_count(folder)
        result = cli_run(folder, stage.argv)
        assert result.exit_code == 0, (stage.name, result.output)
        calls[stage.name] = (start, api_count(folder))
    state = snapshot(folder)
    assert not duplicates(state)
    return {"roster": roster, "before": before, "calls": calls, "state": state}


def test_a_fault_soak_ends_in_the_fault_free_state(tmp_path: Path) -> None:
    roster = make_roster(SOAK_STAFF, tmp_path / "roster.csv")
    clean = service_flow(tmp_path / "clean", roster)
    faults = {
        "error_rate": 0.10,
        "error_codes": [429, 500, 503],
        "seed": 2027,
        "latency_ms": SOAK_LATENCY_MS,
    }
    faulty = service_flow(tmp_path / "faulty", roster, faults)
    assert faulty["errors"] >= 0.05 * clean["api"]  # about one call in ten really failed
    assert faulty["records"] == clean["records"] > SOAK_STAFF
    expected, actual = snapshot(tmp_path / "clean"), snapshot(tmp_path / "faulty")
    assert not duplicates(actual)
    assert differences(expected, actual) == []
    assert actual == expected


def crash_points(world: dict[str, Any]) -> list[tuple[str, int]]:
    """Seeded (stage, absolute API call number) pairs spread over every stage."""
    rng = random.Random(7)
    points = []
    for name, count in CRASH_POINTS_PER_STAGE.items():
        start, end = world["calls"][name]
        assert end - start > count, (name, start, end)
        points += [(name, n) for n in sorted(rng.sample(range(start, end), count))]
    return points


def finish_after_crash(world: dict[str, Any], folder: Path, crashed: str) -> None:
    """Run the crashed stage again, then the rest, as an operator would."""
    names = [s.name for s in stages(world["roster"])]
    for stage in stages(world["roster"])[names.index(crashed) :]:
        set_clock(folder, stage.clock)  # frozen: a killed sync's lock must not need it to move
        result = cli_run(folder, stage.argv)
        assert result.exit_code == 0, (stage.name, result.output)


def test_killed_at_24_seeded_points_always_converges(
    crash_world: dict[str, Any], tmp_path: Path
) -> None:
    points = crash_points(crash_world)
    assert len(points) >= 20 and {p[0] for p in points} == set(CRASH_POINTS_PER_STAGE)
    argv = {s.name: s for s in stages(crash_world["roster"])}
    for number, (name, at) in enumerate(points):
        folder = tmp_path / f"crash{number}"
        shutil.copytree(crash_world["before"][name], folder)
        with LocalWorkspace(folder) as ws:
            ws.clock.set(argv[name].clock)
            ws.faults.set(crash_after=at)
        killed = cli_run(folder, argv[name].argv)
        assert killed.exit_code == CRASH_STATUS, (name, at, killed.output)
        with LocalWorkspace(folder) as ws:
            ws.faults.clear()
        finish_after_crash(crash_world, folder, name)
        state = snapshot(folder)
        assert not duplicates(state), (name, at)
        assert differences(crash_world["state"], state) == [], (name, at)
        shutil.rmtree(folder)


def test_hard_kills_in_a_subprocess_converge_too(
    crash_world: dict[str, Any], tmp_path: Path
) -> None:
    """os._exit mid-run (no finally blocks: a sync's lock stays behind), then re-run."""
    rng = random.Random(11)
    chosen = rng.sample([p for p in crash_points(crash_world) if p[0] != "templates"], HARD_KILLS)
    argv = {s.name: s for s in stages(crash_world["roster"])}
    for number, (name, at) in enumerate(chosen):
        folder = tmp_path / f"kill{number}"
        shutil.copytree(crash_world["before"][name], folder)
        with LocalWorkspace(folder) as ws:
            ws.clock.set(argv[name].clock)
            ws.faults.set(crash_after=at, crash_hard=True)
        command = [sys.executable, "-m", "gworkspace_supervision", "--workspace", f"local:{folder}"]
        done = subprocess.run(command + list(argv[name].argv), capture_output=True, timeout=300)
        assert done.returncode == CRASH_STATUS, (name, at, done.stderr[-500:])
        with LocalWorkspace(folder) as ws:
            ws.faults.clear()
        finish_after_crash(crash_world, folder, name)
        state = snapshot(folder)
        assert not duplicates(state)
        assert differences(crash_world["state"], state) == [], (name, at)


def test_two_syncs_at_once_do_not_corrupt_the_sheet(
    crash_world: dict[str, Any], tmp_path: Path
) -> None:
    folder = tmp_path / "ws"
    shutil.copytree(crash_world["before"]["sync"], folder)
    set_clock(folder, stages(crash_world["roster"])[-1].clock)
    policy, settings = load_policy("hillingdon"), Settings()
    entries = load_roster(crash_world["roster"], policy, settings.organisation.allowed_domains)
    # a first sync creates the tracker; then two more start together and race on it
    outcomes: list[Any] = []

    def one_sync() -> None:
        with connect(f"local:{folder}") as conn:
            try:
                outcomes.append(
                    sync(
                        RunContext.of(conn, entries, policy, settings),
                        YEAR,
                        today=date.fromisoformat(TODAY),
                    )
                )
            except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
                outcomes.append(exc)

    for racers in (1, 2, 2):
        threads = [threading.Thread(target=one_sync) for _ in range(racers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert len(outcomes) == 5
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    state = snapshot(folder)
    assert not duplicates(state)
    assert differences(crash_world["state"], state) == []
