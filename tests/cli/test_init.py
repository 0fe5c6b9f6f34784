"""Item 5: a council's first `plan` with its own roster. It failed with one "outside the allowed
domains (example-council.gov.uk)" line per email cell and no word of the settings file; now it
says once what to do, and `init --roster FILE` writes a settings file for the roster's domains
(shown, confirmed, never silently widened) and prints the next commands."""

from __future__ import annotations

from pathlib import Path

from cli_support import run

from gworkspace_supervision.settings import load_settings

COUNCIL = "hillingdon.gov.uk"
HEADER = (
    "supervisee_email,supervisee_name,supervisor_email,supervisor_name,line_manager_email,"
    "category\n"
)


def council_roster(
    tmp_path: Path, people: int = 15, domain: str = COUNCIL, name: str = "staff.csv"
) -> Path:
    rows = [
        f"p{i}@{domain},Person {i},boss@{domain},Boss,lm@{domain},case_holding\n"
        for i in range(people)
    ]
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def test_first_plan_with_a_councils_roster_says_once_what_to_do(tmp_path: Path) -> None:
    roster = council_roster(tmp_path)
    result = run(["plan", "--roster", str(roster), "--year", "2027"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    err = result.stderr
    assert err.count("outside the allowed domains") <= 4  # three shown, then one summary
    assert "45 addresses (42 more not listed) are in hillingdon.gov.uk" in err
    assert err.count("gws-supervision init --roster") == 1
    assert f"staff.csv, line 2, column supervisee_email: 'p0@{COUNCIL}'" in err


def test_with_a_settings_file_the_hint_names_the_file(tmp_path: Path) -> None:
    roster = council_roster(tmp_path)
    settings = tmp_path / "mine.toml"
    settings.write_text('[organisation]\nallowed_domains = ["other.gov.uk"]\n', encoding="utf-8")
    result = run(["plan", "--config", str(settings), "--roster", str(roster), "--year", "2027"])
    assert result.exit_code == 2
    assert "add the domain to [organisation] allowed_domains in" in result.stderr
    assert "mine.toml" in result.stderr and "init --roster" not in result.stderr


def test_init_shows_asks_writes_and_the_roster_then_plans(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    roster = council_roster(tmp_path)
    refused = run(["init", "--roster", str(roster)], input="n\n")
    assert refused.exit_code == 1 and not (tmp_path / "settings.toml").exists()
    assert f"would allow exactly these domains: {COUNCIL}" in refused.output
    made = run(["init", "--roster", str(roster)], input="y\n")
    assert made.exit_code == 0, made.output
    settings = load_settings(tmp_path / "settings.toml")
    assert settings.organisation.allowed_domains == (COUNCIL,)
    assert "gws-supervision --config settings.toml plan --year" in made.output
    assert "book --year" in made.output
    planned = run(["--config", "settings.toml", "plan", "--year", "2027", "--format", "json"])
    assert planned.exit_code == 0, planned.output
    assert '"supervisee_email": "p0@hillingdon.gov.uk"' in planned.output


def test_init_never_widens_silently(tmp_path: Path) -> None:
    roster = council_roster(tmp_path)
    out = tmp_path / "settings.toml"
    out.write_text('[organisation]\nallowed_domains = ["other.gov.uk"]\n', encoding="utf-8")
    again = run(["init", "--roster", str(roster), "--out", str(out), "--yes"])
    assert again.exit_code == 2 and "never changes a settings file" in again.stderr
    assert "other.gov.uk" in out.read_text(encoding="utf-8")
    mixed = council_roster(tmp_path, domain="gmail.com", name="home.csv")
    public = run(["init", "--roster", str(mixed), "--out", str(tmp_path / "new.toml"), "--yes"])
    assert public.exit_code == 2 and "public mail service" in public.stderr
    assert "home.csv, line 2, column supervisee_email: gmail.com (45 addresses)" in public.stderr
    assert not (tmp_path / "new.toml").exists()
    scripted = run(["init", "--roster", str(roster), "--out", str(tmp_path / "s.toml"), "--yes"])
    assert scripted.exit_code == 0, scripted.output
    assert load_settings(tmp_path / "s.toml").organisation.allowed_domains == (COUNCIL,)
