"""Settings are strict: unknown sections or keys, bad TOML and overlapping closures are errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from gworkspace_supervision.data import shipped_dir
from gworkspace_supervision.errors import InputError
from gworkspace_supervision.settings import DEFAULT_DOMAINS, load_settings


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "settings.toml"
    path.write_text(text)
    return load_settings(path)


def test_defaults_without_a_file() -> None:
    settings = load_settings(None)
    assert settings.organisation.allowed_domains == DEFAULT_DOMAINS
    assert settings.supervision.policy == "hillingdon" and settings.supervision.notify
    assert settings.supervision.line_manager_role == "commenter"


def test_example_settings_load() -> None:
    settings = load_settings(shipped_dir("examples") / "settings.example.toml")
    assert settings.organisation.closure_days == {
        date(2027, 12, 29),
        date(2027, 12, 30),
        date(2027, 12, 31),
    }
    assert settings.google.auth == "service_account"


def test_unknown_section_and_key(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        _load(tmp_path, '[organisation]\nnmae = "x"\n[extras]\na = 1\n')
    message = str(caught.value)
    assert "settings.toml, line 2, organisation.nmae: unknown key" in message
    assert "unknown section [extras]" in message


def test_bad_toml_reports_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"settings.toml, line 3"):
        _load(tmp_path, '[organisation]\nname = "x"\nallowed_domains = [\n')


def test_overlapping_closure_ranges_and_bad_choices(tmp_path: Path) -> None:
    text = """
[organisation]
closure_days = [{ from = 2027-12-24, to = 2027-12-31 }, { from = "2027-12-30", to = "2028-01-02" }]
[supervision]
line_manager_role = "owner"
[google]
auth = "magic"
"""
    with pytest.raises(InputError) as caught:
        _load(tmp_path, text)
    message = str(caught.value)
    assert "line 3, organisation.closure_days[1]: range overlaps 2027-12-24..2027-12-31" in message
    assert "supervision.line_manager_role" in message and "google.auth" in message


def test_operator_outside_allowed_domains(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="outside the allowed domains"):
        _load(tmp_path, '[organisation]\nallowed_domains = ["a.gov.uk"]\noperator = "x@b.gov.uk"\n')
