"""The scheduler entries shipped for `daily` (contrib/systemd, the README's crontab line) run a
command the CLI accepts: parsed by click as `gws-supervision` would parse them."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import click
import pytest

from gworkspace_supervision.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = ROOT / "contrib" / "systemd"


def parse(command: str) -> tuple[click.Context, click.Context]:
    """Parse a shell command line as the installed `gws-supervision` would: (group, command)."""
    words = shlex.split(command)
    assert Path(words[0]).name == "gws-supervision", command
    group = cli.make_context("gws-supervision", words[1:])
    words_left = [*getattr(group, "_protected_args", []), *group.args]  # click 8.2+: private
    name, sub, rest = cli.resolve_command(group, words_left)
    assert sub is not None and name is not None
    return group, sub.make_context(name, rest, parent=group)


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string((SYSTEMD / name).read_text(encoding="utf-8"))
    return parser


def test_the_service_runs_daily_with_options_the_cli_accepts() -> None:
    service = unit("gws-supervision-daily.service")
    assert service["Service"]["Type"] == "oneshot"
    group, command = parse(service["Service"]["ExecStart"])
    assert command.info_name == "daily" and group.params["workspace"] == "google"
    assert str(group.params["config"]).endswith("settings.toml")


def test_the_timer_starts_the_service_every_morning_and_catches_up() -> None:
    timer = unit("gws-supervision-daily.timer")
    assert timer["Timer"]["OnCalendar"].startswith("*-*-* 06:30")
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_the_readme_crontab_line_runs_daily() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line for line in readme.splitlines() if line.startswith("30 6 * * * ")]
    assert len(lines) == 1
    command = lines[0].split("&&", 1)[1]
    _, parsed = parse(command)
    assert parsed.info_name == "daily"


def test_a_wrong_option_in_a_unit_would_be_caught() -> None:
    with pytest.raises(click.UsageError):
        parse("/usr/local/bin/gws-supervision --workspace google daily --through 2027-01-01")
