"""The shipped policies, templates and examples are found in the package, from any folder.

Before they were package data the lookups also searched the working folder (./config/policies,
./templates), so the same command could mean a different policy depending on where it ran, and
an installed wheel found nothing. These tests pin the new rule: a name means a shipped file,
a path means that file, and the working folder is never searched.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gworkspace_supervision.data import shipped_dir
from gworkspace_supervision.domain.policy import find_policy_file, load_policy, policies_dir
from gworkspace_supervision.domain.records import TEMPLATE_FILES
from gworkspace_supervision.errors import InputError
from gworkspace_supervision.services.demo import example_roster
from gworkspace_supervision.services.templates import template_files, templates_dir

PACKAGE = Path(__file__).resolve().parents[2] / "gworkspace_supervision"


def test_each_kind_is_a_folder_inside_the_package() -> None:
    for kind, wanted in (
        ("policies", "hillingdon.toml"),
        ("templates", "hillingdon.html"),
        ("examples", "roster.example.csv"),
    ):
        folder = shipped_dir(kind)
        assert folder.resolve().is_relative_to(PACKAGE.resolve() / "data")
        assert (folder / wanted).is_file()
    assert policies_dir() == shipped_dir("policies")
    assert templates_dir() == shipped_dir("templates")
    assert example_roster() == shipped_dir("examples") / "roster.example.csv"
    assert {f"{name}.html" for name in template_files()} == set(TEMPLATE_FILES.values())


def test_a_policy_name_never_reads_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ./config/policies/hillingdon.toml (where the old lookup looked) is not picked up."""
    (tmp_path / "config" / "policies").mkdir(parents=True)
    (tmp_path / "config" / "policies" / "hillingdon.toml").write_text("not = [valid", "utf-8")
    (tmp_path / "config" / "policies" / "ours.toml").write_text("not = [valid", "utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "ours.html").write_text("<p>{{unknown}}</p>", "utf-8")
    monkeypatch.chdir(tmp_path)
    assert find_policy_file("hillingdon") == policies_dir() / "hillingdon.toml"
    assert load_policy("hillingdon").document == "Hillingdon Supervision Framework"
    with pytest.raises(InputError) as caught:
        load_policy("ours")
    assert "unknown policy 'ours'" in str(caught.value)
    assert "hillingdon" in str(caught.value) and "a path to a .toml file" in str(caught.value)
    assert "ours" not in template_files()


def test_a_policy_path_is_read_from_that_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A council's copy, changed, is used as given (relative to the working folder)."""
    shipped = (policies_dir() / "hillingdon.toml").read_text(encoding="utf-8")
    assert "session_minutes = 90" in shipped
    (tmp_path / "ours.toml").write_text(
        shipped.replace("session_minutes = 90", "session_minutes = 60"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert load_policy("ours.toml").session_minutes == 60
    assert load_policy(str(tmp_path / "ours.toml")).session_minutes == 60
    assert load_policy("hillingdon").session_minutes == 90
    with pytest.raises(InputError) as caught:
        load_policy("missing/ours.toml")
    assert "policy file not found" in str(caught.value)


def test_shipped_policies_cite_their_source_document_by_title() -> None:
    titles = {
        "hillingdon": "Hillingdon Supervision Framework",
        "sunderland": "Sunderland Safeguarding Children Supervision Policy",
        "islington": "Islington Case Management Supervision Policy",
        "case_discussion_guidance": "Supervision Guidance (case discussion)",
    }
    assert {p.stem for p in policies_dir().glob("*.toml")} == set(titles)
    for key, title in titles.items():
        assert load_policy(key).document == title


def test_imported_from_a_zip_the_package_says_what_to_do(tmp_path: Path) -> None:
    """zipimport gives no folder on disk: the lookup says so instead of "policy not found"."""
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in PACKAGE.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                zipped.write(path, path.relative_to(PACKAGE.parent).as_posix())
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import gworkspace_supervision.data as d\n"
        "assert '.zip' in d.__file__, d.__file__\n"
        "from gworkspace_supervision.errors import SupervisionError\n"
        "try:\n    d.shipped_dir('policies')\nexcept SupervisionError as e:\n    print(e)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-I", "-c", code, str(archive)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "policies folder is missing" in result.stdout
    assert "pip install --force-reinstall gworkspace-supervision" in result.stdout
