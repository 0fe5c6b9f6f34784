"""`records`, `templates install` and `transfer` through click, on a local Workspace."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from gworkspace_supervision.cli.main import cli
from gworkspace_supervision.services.demo import example_roster

EXAMPLE = (example_roster()).read_text(encoding="utf-8").splitlines()


def small_roster(tmp_path: Path, *extra: str) -> Path:
    rows = [EXAMPLE[0]] + [r for r in EXAMPLE if r.startswith(("noah.reid@", "leon.clarke@"))]
    path = tmp_path / "roster.csv"
    path.write_text("\n".join(rows + list(extra)) + "\n", encoding="utf-8")
    return path


def test_install_book_records_dry_run_then_real_then_rerun(tmp_path: Path) -> None:
    ws = ["--workspace", f"local:{tmp_path / 'ws'}"]
    roster = str(small_roster(tmp_path))
    args = ["--roster", roster, "--policy", "hillingdon", "--year", "2027"]
    runner = CliRunner()
    first = runner.invoke(cli, [*ws, "templates", "install"])
    assert first.exit_code == 0 and "hillingdon: created" in first.output
    again = runner.invoke(cli, [*ws, "templates", "install"])
    assert "hillingdon: unchanged" in again.output
    assert runner.invoke(cli, [*ws, "book", *args, "--send-updates", "none"]).exit_code == 0
    records = [*ws, "records", *args, "--through", "2027-02-15"]
    dry = runner.invoke(cli, [*records, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing was written." in dry.output
    assert "create Supervision record - Noah Reid - 2027-01-" in dry.output
    assert "noah.reid@example-council.gov.uk (writer)" in dry.output
    done = runner.invoke(cli, records)
    assert done.exit_code == 0, done.output
    created = int(done.output.split("created: ")[1].split()[0])
    assert created >= 4 and "to create" not in done.output
    rerun = runner.invoke(cli, records)
    assert "created: 0" in rerun.output and f"unchanged: {created}" in rerun.output


def test_records_refuses_an_outside_address(tmp_path: Path) -> None:
    outside = (
        "uma.fraser@example-council.gov.uk,Uma Fraser,noah.reid@example-council.gov.uk,Noah Reid,"
        "someone@gmail.com,Someone,Child in Need 1.1,case_holding,,,,,"
    )
    roster = str(small_roster(tmp_path, outside))
    result = CliRunner().invoke(
        cli,
        ["--workspace", f"local:{tmp_path / 'ws'}", "records", "--roster", roster, "--year",
         "2027", "--through", "2027-02-01"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "line 4" in result.output and "someone@gmail.com" in result.output


def test_help_has_examples() -> None:
    for command in (["records"], ["transfer"], ["templates", "install"]):
        result = CliRunner().invoke(cli, [*command, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output
