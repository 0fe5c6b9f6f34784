"""Policies are data: shipped files load, and bad files name the file and the key."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.errors import InputError

HILLINGDON_CATEGORIES = {
    "case_holding", "team_manager", "iro", "non_frontline", "asye", "probation", "pip",
}  # fmt: skip


def test_hillingdon_rules() -> None:
    policy = load_policy("hillingdon")
    assert set(policy.categories) == HILLINGDON_CATEGORIES
    # 4.2 four-weekly / twelve-weekly
    assert policy.categories["case_holding"].phases[0].every_weeks == 4
    assert policy.categories["team_manager"].phases[0].every_weeks == 4
    assert policy.categories["iro"].phases[0].every_weeks == 12
    assert policy.categories["non_frontline"].phases[0].every_weeks == 12
    # 4.3 ASYE weekly 6 weeks, fortnightly to 6 months, monthly to 12 months, then case holding
    asye = policy.categories["asye"].phases
    assert [(p.every_weeks, p.monthly, p.until_weeks, p.until_months) for p in asye] == [
        (1, False, 6, None), (2, False, None, 6), (None, True, None, 12),
    ]  # fmt: skip
    assert asye[-1].then == "case_holding"
    assert policy.categories["pip"].needs_interval
    assert policy.session_minutes == 90 and policy.record_due_working_days == 5
    assert policy.working_hours == (time(9), time(17)) and policy.max_sessions_per_day == 2
    assert (policy.rearrange_within_hours, policy.rearrange_within_days) == (24, 5)  # 3.3
    assert policy.region == "ENG" and policy.timezone == "Europe/London"


def test_other_shipped_policies() -> None:
    sunderland = load_policy("sunderland")
    assert sunderland.session_minutes == 90  # appendix 1
    assert all(c.phases[-1].monthly or c.needs_interval for c in sunderland.categories.values())
    islington = load_policy("islington")
    assert all(p.monthly for c in islington.categories.values() for p in c.phases)
    guidance = load_policy("case_discussion_guidance")
    assert guidance.categories["all_staff"].phases[0].every_weeks == 4
    assert guidance.extra["case_discussion_frequency"]["care_leaver_21_plus"] == "every 3 months"


def test_policy_by_path(tmp_path: Path) -> None:
    copy = tmp_path / "mine.toml"
    copy.write_text(
        Path(load_policy("hillingdon").source)
        .read_text()
        .replace("session_minutes = 90", "session_minutes = 60")
    )
    assert load_policy(str(copy)).session_minutes == 60


def _problems(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_policy(str(path))
    return str(caught.value)


def test_unknown_key_bad_duration_and_unknown_category(tmp_path: Path) -> None:
    message = _problems(
        tmp_path,
        """
[policy]
session_minutes = "ninety"
colour = "blue"
[categories.a]
phases = [{ name = "a", every_weeks = 4, then = "nowhere" }]
""",
    )
    assert "bad.toml" in message
    assert "policy.colour: unknown key" in message
    assert "policy.session_minutes" in message
    assert "unknown category 'nowhere'" in message


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    message = _problems(tmp_path, "[policy]\nname = \n")
    assert "bad.toml, line 2" in message


def test_unknown_policy_name_lists_shipped() -> None:
    with pytest.raises(InputError, match="hillingdon"):
        load_policy("atlantis")


def _load_with(tmp_path: Path, base: str, extra: str) -> list[tuple[int | None, str | None, str]]:
    """Problems of the shipped policy `base` with `extra` text appended: (line, key, message)."""
    text = Path(load_policy(base).source).read_text(encoding="utf-8") + extra
    path = tmp_path / "council.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_policy(str(path))
    assert {p.file for p in caught.value.problems} == {str(path)}
    return [(p.line, p.field, p.message) for p in caught.value.problems]


def test_a_misspelt_extra_key_names_its_line(tmp_path: Path) -> None:
    text = Path(load_policy("hillingdon").source).read_text(encoding="utf-8")
    problems = _load_with(
        tmp_path, "hillingdon", "\n[extra.handover]\nold_supervisor_rol = 'reader'\n"
    )
    line = len(text.splitlines()) + 3
    assert problems == [
        (line, "extra.handover.old_supervisor_rol", "unknown key (allowed: old_supervisor_role)")
    ]


def test_a_misspelt_extra_table_or_rule_is_an_error(tmp_path: Path) -> None:
    (problem,) = _load_with(tmp_path, "hillingdon", "\n[extra.agendas]\nrule = 'every_open_case'\n")
    assert problem[1] == "extra.agendas" and problem[2].startswith("unknown key (allowed: agenda,")
    text = Path(load_policy("islington").source).read_text(encoding="utf-8")
    bad = text.replace('rule = "every_open_case"', 'rule = "every_open_cases"')
    path = tmp_path / "islington.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_policy(str(path))
    (found,) = caught.value.problems
    assert found.field == "extra.agenda.rule"
    assert found.line == bad.splitlines().index('rule = "every_open_cases"') + 1
    assert found.message.startswith("unknown rule 'every_open_cases' (known: new_allocations,")


def test_case_discussion_days_are_checked_at_load(tmp_path: Path) -> None:
    text = Path(load_policy("case_discussion_guidance").source).read_text(encoding="utf-8")
    bad = text.replace("child_in_need = 61", "child_in_ned = 61")
    path = tmp_path / "guidance.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_policy(str(path))
    (found,) = caught.value.problems
    assert found.field == "extra.case_discussion_days.child_in_ned"
    assert found.line == bad.splitlines().index("child_in_ned = 61") + 1


def test_a_floor_needs_the_policys_words(tmp_path: Path) -> None:
    text = Path(load_policy("hillingdon").source).read_text(encoding="utf-8")
    path = tmp_path / "council.toml"
    path.write_text(
        text.replace("[policy]\n", '[policy]\nfloor = "monthly"\n', 1), encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        load_policy(str(path))
    fields = sorted(str(p.field) for p in caught.value.problems)
    # no words quoted; twelve-weekly IROs and business support break a monthly floor
    assert fields == [
        "categories.iro.phases[0].every_weeks",
        "categories.non_frontline.phases[0].every_weeks",
        "policy.floor_words",
    ]


def test_shipped_floors_quote_their_policies() -> None:
    assert load_policy("hillingdon").floor is None  # 4.2 allows twelve-weekly
    sunderland, islington = load_policy("sunderland").floor, load_policy("islington").floor
    assert sunderland and sunderland.monthly and "less frequent than monthly" in sunderland.words
    assert islington and islington.monthly and "once every calendar month" in islington.words


def test_wording_cites_the_policy_in_use_and_is_checked_at_load(tmp_path: Path) -> None:
    """Issue 13: what people read cites the policy in use ([wording]); a rule the policy does
    not set is said to be the council's own setting, never another council's section."""
    hillingdon, sunderland = load_policy("hillingdon"), load_policy("sunderland")
    assert hillingdon.record_due_text() == (
        "complete within 5 working days (Hillingdon Supervision Framework 4.4)"
    )
    assert "(Hillingdon Supervision Framework 3.3)" in hillingdon.rearrange_text()
    for text in (sunderland.record_due_text(), sunderland.rearrange_text()):
        assert "this council's own setting" in text and "Hillingdon" not in text
    assert "appendix 1" in sunderland.cover_text()
    # a message that needs no number of its own (the handover email) cites only a real section
    assert hillingdon.wording.cited("handover") == " (Hillingdon Supervision Framework 4.5)"
    assert sunderland.wording.cited("handover") == ""
    islington = load_policy("islington")
    assert islington.record_due_text() == (
        "complete within 5 working days, or 24 hours when the record is marked urgent "
        "(significant decisions or urgent matters) "
        "(Islington Case Management Supervision Policy, Frequency)"
    )
    text = Path(hillingdon.source).read_text(encoding="utf-8")
    problems = _load_with(tmp_path, "hillingdon", "\n[wording.extra]\n")
    assert [(p[1], p[2][:11]) for p in problems] == [("wording.extra", "unknown key")]
    bad = text.replace('cover = "Hillingdon', 'cover = "{organisation} Hillingdon')
    path = tmp_path / "braces.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_policy(str(path))
    (found,) = caught.value.problems
    assert found.field == "wording.cover" and "no braces" in found.message
    assert found.line == next(
        n for n, line in enumerate(bad.splitlines(), 1) if line.startswith("cover = ")
    )
