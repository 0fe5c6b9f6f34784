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
GLOBAL_OPTIONS = ("--workspace", "--config")  # accepted before or after the command name

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
    "init",
]


@dataclass
class Context:
    """What every command gets: where the Workspace is and which settings file to read."""

    workspace: str
    config: Path | None
    workspace_given: bool = True  # False: the default folder (the demo then uses its own)


def hoist_global_options(args: list[str]) -> list[str]:
    """Move `--workspace X` / `--config X` (or `--workspace=X`) found after the command name to
    the front, where click reads them, so `gws-supervision book --workspace local:w ...` works
    as well as `gws-supervision --workspace local:w book ...`. Their order is kept, so the last
    one given still wins; nothing after `--` is touched."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            if "=" in arg or i + 1 >= len(args):
                front.append(arg)
                i += 1
            else:
                front += [arg, args[i + 1]]
                i += 2
            continue
        rest.append(arg)
        i += 1
    return front + rest


class SupervisionGroup(click.Group):
    """Turns the package's errors into a plain message and an exit status (2 input, 1 runtime).

    It also accepts the global options after the command name (hoist_global_options).
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(list(args)))

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

    --workspace and --config may be given before or after the command name.

    Example: gws-supervision plan --roster roster.csv --policy hillingdon --year 2027
    """
    source = ctx.get_parameter_source("workspace")
    given = source not in (None, click.core.ParameterSource.DEFAULT)
    ctx.obj = Context(workspace=workspace, config=config, workspace_given=given)


for _name in COMMAND_MODULES:
    import_module(f"{__package__}.{_name}")
