"""`[supervision] caseload`: the caseload file whose agendas go into each new record."""

from __future__ import annotations

from pathlib import Path

import pytest

from gworkspace_supervision.domain.agenda import AgendaItem
from gworkspace_supervision.domain.records import NO_CASE_DUE, NO_CASELOAD, agenda_text
from gworkspace_supervision.errors import InputError
from gworkspace_supervision.settings import load_settings


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "settings.toml"
    path.write_text(text)
    return load_settings(path)


def test_caseload_is_read_and_optional(tmp_path: Path) -> None:
    assert load_settings(None).supervision.caseload is None
    settings = _load(tmp_path, '[supervision]\ncaseload = " data/cases.csv "\n')
    assert settings.supervision.caseload == "data/cases.csv"


@pytest.mark.parametrize("value", ['""', "3", '"cases.xlsx"', '["a.csv"]'])
def test_a_bad_caseload_names_the_key_and_line(tmp_path: Path, value: str) -> None:
    with pytest.raises(InputError) as caught:
        _load(tmp_path, f'[supervision]\npolicy = "hillingdon"\ncaseload = {value}\n')
    problem = caught.value.problems[0]
    assert problem.field == "supervision.caseload" and problem.line == 3


def test_agenda_text_numbers_only_one_per_line() -> None:
    items = [AgendaItem("C-1", "every open case"), AgendaItem("C-2", "under 2")]
    assert agenda_text(items) == "C-1: every open case\nC-2: under 2"
    assert agenda_text([]) == NO_CASE_DUE and agenda_text(None) == NO_CASELOAD
