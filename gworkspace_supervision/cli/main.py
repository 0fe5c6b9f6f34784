"""The `gws-supervision` command group: global options and the one place errors become exit codes."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

import click

from ..errors import SupervisionError

DEFAULT_WORKSPACE = "local:.gws-workspace"

# Command modules, each adding its commands to `cli` when imported (one module per verb group).
COMMAND_MODULES = [
    "plan",
    "emulator",
    "book",
    "records",
    "templates",
    "tracking",
    "demo",
    "agenda",
    "rearrange",
    "digest",
    "cover",
    "check",
    "daily",
    "view",
]


@dataclass
class Context:
    """What every command gets: where the Workspace is and which settings file to read."""

    workspace: str
    config: Path | None


class SupervisionGroup(click.Group):
    """Turns the package's errors into a plain message and an exit status (2 input, 1 runtime)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SupervisionError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo(
                "Interrupted. Run the same command again to finish; nothing is duplicated.",
                err=True,
            )
            sys.exit(130)


@click.group(cls=SupervisionGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--workspace",
    default=DEFAULT_WORKSPACE,
    show_default=True,
    envvar="GWS_SUPERVISION_WORKSPACE",
    help="'local:DIR' for the embedded local Workspace kept in DIR, or 'google' for Google Workspace.",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="GWS_SUPERVISION_CONFIG",
    help="Settings file (TOML); `python -m gworkspace_supervision.data` shows the example.",
)
@click.version_option(package_name="gworkspace-supervision")
@click.pass_context
def cli(ctx: click.Context, workspace: str, config: Path | None) -> None:
    """Book, record and track supervision for children's social care on Google Workspace.

    Example: gws-supervision plan --roster roster.csv --policy hillingdon --year 2027
    """
    ctx.obj = Context(workspace=workspace, config=config)


for _name in COMMAND_MODULES:
    import_module(f"{__package__}.{_name}")
