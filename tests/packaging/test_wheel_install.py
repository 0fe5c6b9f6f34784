"""The built wheel, installed in a fresh venv, works away from the repository.

A council installs the toolkit with pip, not from a clone: the policies, the record templates
and the example roster must come with the wheel and be found from any working folder. The test
builds the wheel from a copy of the sources (so nothing is written into the repository), installs
it into a new venv without the system's or this venv's site-packages (its dependencies come from
the package index, or pip's cache), and runs the installed `gws-supervision` from an empty
temporary folder with PYTHONPATH cleared, so only the wheel's own files can be used.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.services.demo import example_roster

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "gworkspace_supervision"
PIP_TIMEOUT = 600  # a cold pip cache downloads the dependencies once

pytestmark = pytest.mark.slow  # about 45 s: build, venv, pip install, a year's demo, export


@dataclass(frozen=True)
class Installed:
    wheel: Path
    python: Path
    command: Path
    home: Path  # HOME for the commands: nothing lands in the real home folder
    env: dict[str, str]

    def run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.command), *args],
            cwd=cwd,
            env=self.env | {"HOME": str(self.home)},
            capture_output=True,
            text=True,
            timeout=PIP_TIMEOUT,
            check=False,
        )


def _clean_env() -> dict[str, str]:
    """This process's environment without anything that would point Python at the repository."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
        and not k.startswith("GWS_")
    }
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _check(result: subprocess.CompletedProcess[str], what: str) -> None:
    assert result.returncode == 0, f"{what} failed ({result.returncode}):\n{result.stderr[-3000:]}"


def _copy_sources(into: Path) -> Path:
    """pyproject.toml, README.md and the package, without caches: what a clean clone builds."""
    source = into / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(
        PACKAGE,
        source / PACKAGE.name,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"),
    )
    return source


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    base = tmp_path_factory.mktemp("wheel")
    env = _clean_env()
    source = _copy_sources(base)
    dist = base / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        env=env,
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT,
        check=False,
    )
    _check(built, "pip wheel")
    (wheel,) = dist.glob("gworkspace_supervision-*.whl")
    venv = base / "venv"
    made = subprocess.run(
        [sys.executable, "-m", "venv", str(venv)],  # no --system-site-packages
        env=env,
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT,
        check=False,
    )
    _check(made, "python -m venv")
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    pip = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        env=env,
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT,
        check=False,
    )
    _check(pip, "pip install of the wheel")
    home = base / "home"
    home.mkdir()
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    yield Installed(wheel, python, bindir / "gws-supervision", home, env)


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """An empty working folder outside the repository."""
    folder = tmp_path / "council"
    folder.mkdir()
    assert not folder.resolve().is_relative_to(REPO)
    return folder


def test_wheel_contains_all_data(installed: Installed) -> None:
    """A file added under data/ (or a page template of the view) without a package-data pattern
    would be missing from the wheel."""
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    on_disk = {
        p.relative_to(REPO).as_posix()
        for folder in (PACKAGE / "data", PACKAGE / "emulator" / "view" / "templates")
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    assert on_disk, "no shipped data found"
    assert on_disk - names == set()
    for kind in ("policies/hillingdon.toml", "templates/hillingdon.html", "examples/"):
        assert any(n.startswith(f"gworkspace_supervision/data/{kind}") for n in names)


def test_installed_package_is_the_wheel_not_the_repo(installed: Installed, elsewhere: Path) -> None:
    where = subprocess.run(
        [str(installed.python), "-c", "import gworkspace_supervision as g; print(g.__file__)"],
        cwd=elsewhere,
        env=installed.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    _check(where, "import")
    location = Path(where.stdout.strip()).resolve()
    assert "site-packages" in location.parts
    assert not location.is_relative_to(REPO)


def _shipped_roster(installed: Installed, cwd: Path) -> Path:
    """The example roster inside the installed wheel, as `python -m gworkspace_supervision.data`
    (the README's way to find the shipped files) lists it."""
    found = subprocess.run(
        [str(installed.python), "-m", "gworkspace_supervision.data"],
        cwd=cwd,
        env=installed.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    _check(found, "python -m gworkspace_supervision.data")
    listed = [Path(line.strip()) for line in found.stdout.splitlines() if line.startswith("  ")]
    names = {path.name for path in listed}
    assert {"hillingdon.toml", "hillingdon.html", "settings.example.toml"} <= names
    assert all(path.is_file() and "site-packages" in path.parts for path in listed)
    (roster,) = [path for path in listed if path.name == "roster.example.csv"]
    return roster


def test_plan_with_a_shipped_policy_matches_the_sources(
    installed: Installed, elsewhere: Path
) -> None:
    """`plan --policy hillingdon` on the shipped roster plans exactly what the sources plan."""
    roster = _shipped_roster(installed, elsewhere)
    argv = ["plan", "--roster", str(roster), "--policy", "hillingdon", "--year", "2027"]
    result = installed.run(*argv, "--format", "json", cwd=elsewhere)
    _check(result, "plan")
    planned = json.loads(result.stdout)
    here = CliRunner().invoke(
        cli, [*argv[:2], str(example_roster()), *argv[3:], "--format", "json"]
    )
    assert here.exit_code == 0, here.output
    assert planned == json.loads(here.stdout)
    assert len(planned["sessions"]) > 100

    # A council's own copy of a policy, given as a path, plans the same year.
    mine = elsewhere / "our-policy.toml"
    policy_file = Path(roster).parents[1] / "policies" / "hillingdon.toml"
    mine.write_text(policy_file.read_text(encoding="utf-8"), encoding="utf-8")
    own = installed.run(*argv[:4], str(mine), *argv[5:], "--format", "json", cwd=elsewhere)
    _check(own, "plan --policy our-policy.toml")
    assert json.loads(own.stdout)["sessions"] == planned["sessions"]

    unknown = installed.run(*argv[:4], "nosuch", *argv[5:], cwd=elsewhere)
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    assert "hillingdon" in unknown.stderr and "sunderland" in unknown.stderr  # the shipped ones


def test_templates_install_uploads_the_shipped_templates(
    installed: Installed, elsewhere: Path
) -> None:
    first = installed.run("--workspace", "local:ws", "templates", "install", cwd=elsewhere)
    _check(first, "templates install")
    for name in ("hillingdon", "islington", "sunderland", "reflective_4x4x4"):
        assert name in first.stdout
    assert first.stdout.count("created") == 4
    again = installed.run("--workspace", "local:ws", "templates", "install", cwd=elsewhere)
    _check(again, "templates install (again)")
    assert "created" not in again.stdout and again.stdout.count("unchanged") == 4


def test_demo_runs_a_year_and_export_names_the_missing_extra(
    installed: Installed, elsewhere: Path
) -> None:
    demo = installed.run("--workspace", "local:demo-ws", "demo", cwd=elsewhere)
    _check(demo, "demo")
    assert "All teams" in demo.stdout  # the line managers' report, every team summed
    assert "Traceback" not in demo.stderr

    # openpyxl and matplotlib are the [export] extra: a plain install says how to add them.
    export = installed.run("--workspace", "local:demo-ws", "export", "--to", "out", cwd=elsewhere)
    assert export.returncode == 1, export.stdout + export.stderr
    assert 'pip install "gworkspace-supervision[export]"' in export.stderr
    assert "Traceback" not in export.stderr
    assert not (elsewhere / "out").exists()  # stopped before the first write

    # The command the message names adds the extra to the installed package; export then works.
    extra = subprocess.run(
        [str(installed.python), "-m", "pip", "install", "-q", "gworkspace-supervision[export]"],
        cwd=elsewhere,
        env=installed.env,
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT,
        check=False,
    )
    _check(extra, 'pip install "gworkspace-supervision[export]"')
    export = installed.run("--workspace", "local:demo-ws", "export", "--to", "out", cwd=elsewhere)
    _check(export, "export with the extra")
    out = elsewhere / "out"
    assert {p.name for p in out.iterdir()} >= {"tracker.xlsx", "summary.png", "tracker.csv"}
    assert (out / "summary.png").read_bytes().startswith(b"\x89PNG")
    assert zipfile.is_zipfile(out / "tracker.xlsx")
