"""The README's command table is the CLI's own help (it cannot drift), every command's help
shows an example, and every write command has --dry-run."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from cli_support import run

from gworkspace_supervision.cli.command_table import block, in_readme, leaf_commands
from gworkspace_supervision.cli.main import cli

README = Path(__file__).resolve().parents[2] / "README.md"
COMMANDS = [" ".join(path) for path, _command in leaf_commands(cli)]
WRITE_COMMANDS = (
    "book", "records", "transfer", "cover", "rearrange", "sync", "digest", "templates install",
)  # fmt: skip


def test_readme_command_table_is_the_clis_help() -> None:
    found = in_readme(README.read_text(encoding="utf-8"))
    assert found is not None, "README.md lost its <!-- commands:start/end --> markers"
    assert found == block(cli), (
        "README.md's command table differs from the CLI's help; run "
        "`python scripts/command_table.py --write`"
    )
    for name in COMMANDS:  # every command has its row
        assert f"`gws-supervision {name}" in found


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_help_has_an_example(name: str) -> None:
    result = run([*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    examples = [line for line in result.output.splitlines() if "Example:" in line]
    assert examples, f"`gws-supervision {name} --help` shows no Example:"
    assert all("gws-supervision" in line for line in examples)


def test_every_write_command_has_dry_run() -> None:
    by_name = dict(zip(COMMANDS, (c for _p, c in leaf_commands(cli)), strict=True))
    for name in WRITE_COMMANDS:
        options = {o for p in by_name[name].params if isinstance(p, click.Option) for o in p.opts}
        assert "--dry-run" in options, name
