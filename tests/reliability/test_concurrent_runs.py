"""Write commands run at the same time on one workspace (issue 14, "running twice at once").

A scheduled daily run and a person running the same command by hand is the ordinary way this
happens. Each race runs real CLI processes side by side on a copy of the workspace as it was
before that stage, then the rest of the year's flow, and compares the final state with the
fault-free reference field by field: no duplicated record, folder, event or tracker.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from reliability_flow import (
    ROOT,
    cli_run,
    differences,
    duplicates,
    make_roster,
    set_clock,
    snapshot,
    stages,
)

STAFF = 6


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The clean reference run, and a copy of the workspace before each stage."""
    root = tmp_path_factory.mktemp("race")
    roster = make_roster(STAFF, root / "roster.csv")
    folder = root / "reference"
    before: dict[str, Path] = {}
    for stage in stages(roster):
        set_clock(folder, stage.clock)
        before[stage.name] = root / f"before-{stage.name}"
        shutil.copytree(folder, before[stage.name])
        result = cli_run(folder, stage.argv)
        assert result.exit_code == 0, (stage.name, result.output)
    return {"roster": roster, "before": before, "state": snapshot(folder)}


def race(folder: Path, *argvs: tuple[str, ...]) -> list[subprocess.CompletedProcess[str]]:
    """Start every command as its own process at once; wait for all."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    base = [sys.executable, "-m", "gworkspace_supervision", "--workspace", f"local:{folder}"]
    running = [
        subprocess.Popen(
            [*base, *argv], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for argv in argvs
    ]
    done = []
    for process in running:
        out, err = process.communicate(timeout=600)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return done


def finish(world: dict[str, Any], folder: Path, after: str) -> None:
    """The stages after `after`, one at a time, as an operator would."""
    names = [s.name for s in stages(world["roster"])]
    for stage in stages(world["roster"])[names.index(after) + 1 :]:
        set_clock(folder, stage.clock)
        result = cli_run(folder, stage.argv)
        assert result.exit_code == 0, (stage.name, result.output)


def check(world: dict[str, Any], folder: Path) -> None:
    state = snapshot(folder)
    assert duplicates(state) == {}
    assert differences(world["state"], state) == []


def by_name(world: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    return {s.name: s.argv for s in stages(world["roster"])}


@pytest.mark.parametrize("stage", ["records", "book"])
def test_the_same_command_twice_at_once_ends_as_one_clean_run(
    stage: str, world: dict[str, Any], tmp_path: Path
) -> None:
    folder = tmp_path / "ws"
    shutil.copytree(world["before"][stage], folder)
    clock = next(s.clock for s in stages(world["roster"]) if s.name == stage)
    set_clock(folder, clock)
    argv = by_name(world)[stage]
    for outcome in race(folder, argv, argv):
        assert outcome.returncode == 0, outcome.stderr[-2000:]
        assert "Traceback" not in outcome.stderr
    finish(world, folder, stage)
    check(world, folder)


def test_a_sync_racing_records_ends_as_one_clean_run(world: dict[str, Any], tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    shutil.copytree(world["before"]["records"], folder)
    set_clock(folder, next(s.clock for s in stages(world["roster"]) if s.name == "records"))
    argv = by_name(world)
    for outcome in race(folder, argv["records"], argv["sync"]):
        assert outcome.returncode == 0, outcome.stderr[-2000:]
    # whichever went first, the next sync (the daily one) shows every record
    result = cli_run(folder, argv["sync"])
    assert result.exit_code == 0, result.output
    check(world, folder)
