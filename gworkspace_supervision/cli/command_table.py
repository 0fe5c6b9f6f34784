"""The README's command table, made from the CLI's own help so the two cannot drift.

`python scripts/command_table.py --write` puts it into README.md between the markers; a test
fails when the README's table differs from this one.
"""

from __future__ import annotations

import click

START, END = "<!-- commands:start -->", "<!-- commands:end -->"
GLOBAL = {"workspace", "config", "help", "version"}


def leaf_commands(
    group: click.Group, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command a person runs (groups opened), sorted by name."""
    out: list[tuple[tuple[str, ...], click.Command]] = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            out += leaf_commands(command, (*path, name))
        else:
            out.append(((*path, name), command))
    return out


def metavar(param: click.Parameter) -> str:
    kind = param.type
    if isinstance(kind, click.Choice):
        return "|".join(str(c) for c in kind.choices)
    if isinstance(kind, click.DateTime):
        return "DATE"
    if isinstance(kind, click.Path):
        return "DIR" if not kind.file_okay else "FILE"
    if isinstance(kind, (click.IntRange, click.FloatRange)) or kind in (click.INT, click.FLOAT):
        return "N"
    if isinstance(param, click.Option) and param.metavar:
        return param.metavar
    return (param.name or "value").upper()


def synopsis(path: tuple[str, ...], command: click.Command) -> str:
    """`gws-supervision book --year N [--dry-run] [options]`: what must be given, the dry run,
    and whether there is more."""
    words = ["gws-supervision", *path]
    optional = False
    dry_run = False
    for param in command.params:
        if param.name in GLOBAL:
            continue
        if isinstance(param, click.Argument):
            words.append(metavar(param))
        elif isinstance(param, click.Option) and param.required:
            words.append(f"{param.opts[0]} {metavar(param)}")
        elif param.name == "roster":  # optional only because the settings may name it
            words.append("[--roster FILE]")
        elif param.name == "dry_run":
            dry_run = True
        else:
            optional = True
    if dry_run:
        words.append("[--dry-run]")
    if optional:
        words.append("[options]")
    return " ".join(words)


def table(cli: click.Group) -> str:
    """The markdown table: each command's synopsis and the first sentence of its help."""
    rows = ["| command | what it does |", "|---|---|"]
    for path, command in leaf_commands(cli):
        what = command.get_short_help_str(limit=300).replace("|", "\\|")
        rows.append(f"| `{synopsis(path, command)}` | {what} |".replace("`|", "`\\|"))
    return "\n".join(rows)


def block(cli: click.Group) -> str:
    return f"{START}\n{table(cli)}\n{END}"


def in_readme(text: str) -> str | None:
    """The table block found in a README's text, or None."""
    if START not in text or END not in text:
        return None
    return text[text.index(START) : text.index(END) + len(END)]
