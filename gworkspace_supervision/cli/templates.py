"""`gws-supervision templates install`: the record templates as Google Docs (idempotent)."""

from __future__ import annotations

import click

from ..services.templates import install_templates, operator_of, templates_dir
from .main import Context, cli
from .options import load_inputs, run_context


@cli.group("templates")
def templates_group() -> None:
    """Record templates (the shipped *.html files) as Google Docs owned by the operator."""


@templates_group.command("install")
@click.option(
    "--folder-id",
    help="Drive folder for the template Docs. Default: [supervision] template_folder_id, "
    "else a 'Supervision record templates' folder in the operator's My Drive.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be created or updated.")
@click.pass_obj
def install_command(obj: Context, folder_id: str | None, dry_run: bool) -> None:
    """Upload each shipped *.html template, converted to a Google Doc, as the operator.

    Running it again changes nothing; an edited template replaces its Doc's content in place
    (the Doc keeps its id). The template Docs are shared with nobody: `records` reads them as
    the operator and writes each record's content into a Doc it creates as the supervisor.

    Example: gws-supervision --config council.toml templates install
    """
    inputs = load_inputs(obj.config if obj else None, None, None, roster_required=False)
    with run_context(obj, inputs) as ctx:
        done = install_templates(ctx, folder_id=folder_id, dry_run=dry_run)
    settings = inputs.settings
    head = "Dry run: nothing was written. " if dry_run else ""
    click.echo(f"{head}Templates from {templates_dir()} for {operator_of(settings)}:")
    for item in done:
        action = (
            f"would be {item.action}" if dry_run and item.action != "unchanged" else item.action
        )
        click.echo(f"  {item.name}: {action} {item.file_id}".rstrip())
