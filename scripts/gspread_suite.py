"""Run gspread's own test suite against the local Workspace: our outside measure of fidelity.

gspread's tests (https://github.com/burnash/gspread, `tests/`) replay cassettes recorded against
real Google. Here they run with recording off and their `client` fixture answered by a fresh
LocalWorkspace instead, so every request they make is served by our emulator. Nothing in gspread
is patched; only the test suite's `client` fixture is redefined (in a copy of its conftest.py).

Nothing is fetched at run time. Get the tests of the gspread version that is installed first:

    git clone --depth 1 --branch v6.2.1 https://github.com/burnash/gspread /tmp/gspread
    python scripts/gspread_suite.py /tmp/gspread/tests

(The PyPI sdist of gspread does not ship `tests/`, so a clone at the installed version's tag is
the way to get them.) Prints pytest's summary and, last, one line `gspread suite: P passed of T`;
`--json FILE` also writes {"passed", "failed", "errors", "total", "failures": {test: message}}.
Exit status 0 whatever the count (it is a measurement); 2 when the tests cannot be found.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Appended to the copy of gspread's tests/conftest.py: a later definition of `client` wins.
OVERRIDE = '''

# --- added by gworkspace-supervision scripts/gspread_suite.py: serve from the local Workspace ---
import tempfile as _gws_tempfile

from gworkspace_supervision.emulator import LocalWorkspace as _GwsLocalWorkspace

_GWS_WORKSPACE = _GwsLocalWorkspace(_gws_tempfile.mkdtemp(prefix="gspread-suite-"))
_GWS_USER = "gspread.tests@example.com"


@pytest.fixture(scope="module")
def client() -> Client:
    """The suite's client: a real gspread Client whose requests the local Workspace answers."""
    return Client(
        auth=None,  # type: ignore[arg-type]
        session=_GWS_WORKSPACE.session(_GWS_USER),
        http_client=BackOffHTTPClient,
    )
'''

# `@pytest.fixture(...)` followed by `@pytest.mark.vcr()`: a mark that never did anything on a
# fixture, an error since pytest 9; the copy drops the mark.
MARKED_FIXTURE = re.compile(r"(@pytest\.fixture\([^)]*\)\n)\s*@pytest\.mark\.vcr\(\)\n")


def prepare(tests: Path, work: Path) -> Path:
    """A copy of gspread's tests with the `client` fixture pointed at a LocalWorkspace."""
    target = work / "tests"
    shutil.copytree(tests, target, ignore=shutil.ignore_patterns("cassettes", "__pycache__"))
    conftest = target / "conftest.py"
    conftest.write_text(conftest.read_text(encoding="utf-8") + OVERRIDE, encoding="utf-8")
    for module in target.glob("*_test.py"):  # pytest >= 9 refuses marks on fixtures
        text = module.read_text(encoding="utf-8")
        module.write_text(MARKED_FIXTURE.sub(r"\1", text), encoding="utf-8")
    (work / "pytest.ini").write_text("[pytest]\nmarkers =\n    vcr: cassette\n", encoding="utf-8")
    return target


def run(tests: Path, extra: list[str], report: Path | None) -> int:
    if not (tests / "conftest.py").is_file() or not (tests / "worksheet_test.py").is_file():
        print(
            f"{tests}: not gspread's tests folder (conftest.py and worksheet_test.py expected); "
            "clone https://github.com/burnash/gspread at the installed version's tag",
            file=sys.stderr,
        )
        return 2
    repo_root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="gspread-suite-") as tmp:
        work = Path(tmp)
        copied = prepare(tests, work)
        junit = work / "junit.xml"
        command = [
            sys.executable,
            "-m",
            "pytest",
            str(copied),
            "-c",
            str(work / "pytest.ini"),
            "--rootdir",
            str(work),
            "-p",
            "no:cacheprovider",
            "--disable-recording",
            "-q",
            "-rfE",
            "--tb=line",
            f"--junitxml={junit}",
            *extra,
        ]
        env_path = f"{repo_root}{':' + sys.path[0] if sys.path[0] else ''}"
        import os

        env = dict(os.environ, PYTHONPATH=env_path + os.pathsep + os.environ.get("PYTHONPATH", ""))
        subprocess.run(command, cwd=work, env=env, check=False)
        counts, failures = _results(junit)
    total = sum(counts.values())
    print(f"gspread suite: {counts['passed']} passed of {total}")
    if report is not None:
        report.write_text(
            json.dumps({**counts, "total": total, "failures": failures}, indent=1, sort_keys=True)
            + "\n",
            encoding="utf-8",
        )
    return 0


def _results(junit: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Counts and each failing test's first message line, from pytest's JUnit XML."""
    import xml.etree.ElementTree as ET

    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    failures: dict[str, str] = {}
    if not junit.is_file():
        return counts, failures
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = f"{case.get('classname', '').split('.')[-1]}.{case.get('name')}"
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is not None:
            kind = "failed" if problem.tag == "failure" else "errors"
            counts[kind] += 1
            failures[name] = (problem.get("message") or "").splitlines()[0][:300]
        elif case.find("skipped") is not None:
            counts["skipped"] += 1
        else:
            counts["passed"] += 1
    return counts, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tests", type=Path, help="gspread's tests/ folder (from a git clone)")
    parser.add_argument("--json", type=Path, default=None, help="write counts and failures here")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)
    return run(args.tests.resolve(), args.pytest_args, args.json)


if __name__ == "__main__":
    raise SystemExit(main())
