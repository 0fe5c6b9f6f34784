"""`gws-supervision init --roster FILE`: a settings file for the organisation the roster is from.

Without a settings file only the example council's domain is allowed, so a council's first `plan`
with its own roster is refused. `init` reads the roster, shows the settings it would write
(allowed_domains = exactly the roster's domains), asks before writing, and never changes an
existing file: the allowed domains are never widened silently.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import click

from ..context import policy_for
from ..domain.policy import load_policy
from ..domain.roster import RosterEntry, load_roster
from ..domain.roster_sheet_layout import column_checks, header
from ..errors import InputError, Problem
from ..google.connect import connect
from ..services.roster_sheet import TAB, TITLE, make_roster_sheet
from ..services.tracking import operator_of
from ..settings import load_settings
from .main import Context, cli
from .options import policy_option

# Anyone can have an address at these: a records share there leaves the organisation.
PUBLIC_MAIL = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com",
        "live.co.uk", "msn.com", "yahoo.com", "yahoo.co.uk", "icloud.com", "me.com", "aol.com",
        "proton.me", "protonmail.com", "gmx.com", "mail.com", "btinternet.com",
    }
)  # fmt: skip
ADDRESS_COLUMNS = ("supervisee_email", "supervisor_email", "line_manager_email")


def roster_domains(entries: list[RosterEntry], roster: Path) -> list[str]:
    """The domains of every address in the roster; a public mail service refused, once each
    (its first line and column named, the others counted)."""
    public: dict[str, list[tuple[int, str]]] = {}
    domains: set[str] = set()
    for entry in entries:
        for column in ADDRESS_COLUMNS:
            domain = str(getattr(entry, column)).rsplit("@", 1)[-1].lower()
            if domain in PUBLIC_MAIL:
                public.setdefault(domain, []).append((entry.line, column))
            domains.add(domain)
    problems = [
        Problem(
            str(roster),
            cells[0][0],
            f"column {cells[0][1]}",
            f"{domain} ({len(cells)} addresses) is a public mail service, not an organisation's "
            "domain: records must never be shared there; use each person's work address",
        )
        for domain, cells in sorted(public.items())
    ]
    if problems:
        raise InputError(problems)
    return sorted(domains)


def settings_text(name: str, domains: list[str], policy: str, roster: Path) -> str:
    quoted = ", ".join(json.dumps(d) for d in domains)
    return "\n".join(
        [
            f"# Written by `gws-supervision init --roster {roster}` on {date.today():%Y-%m-%d}.",
            "# Every key: the example settings.example.toml (python -m gworkspace_supervision.data).",
            "",
            "[organisation]",
            f"name = {json.dumps(name)}",
            "# Nobody outside these domains is ever invited, shared with or emailed.",
            f"allowed_domains = [{quoted}]",
            "# The account that owns the tracking Sheet (needed with --workspace google):",
            f'# operator = "business.support@{domains[0]}"',
            "",
            "[supervision]",
            f"policy = {json.dumps(policy)}",
            f"roster = {json.dumps(str(roster))}",
            "",
        ]
    )


@cli.command("init")
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Your staff roster CSV (`python -m gworkspace_supervision.data` shows the example); "
    "with --roster-sheet, its rows are copied into the new Sheet.",
)
@policy_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("settings.toml"),
    show_default=True,
    help="The settings file to write; an existing file is never changed.",
)
@click.option("--name", help="The organisation's name. Default: the roster's first domain.")
@click.option("--yes", is_flag=True, help="Write without asking (for scripts).")
@click.option(
    "--roster-sheet",
    is_flag=True,
    help="Instead: create the roster as a Google Sheet owned by the operator (header notes, "
    "drop-downs, date checks), shared with nobody else.",
)
@click.option("--dry-run", is_flag=True, help="With --roster-sheet: say what would be created.")
@click.pass_obj
def init_command(
    obj: Context,
    roster: Path | None,
    policy: str | None,
    out: Path,
    name: str | None,
    yes: bool,
    roster_sheet: bool,
    dry_run: bool,
) -> None:
    """Write a settings file allowing exactly the domains of the addresses in your roster.

    The file is shown, and written only when you confirm (or with --yes). A public mail domain
    (gmail.com, outlook.com, ...) in the roster is refused; an existing file is never changed.

    With --roster-sheet it creates the roster as a Google Sheet instead (copying the rows of
    --roster FILE when given) and prints the --roster sheet:ID/TAB value to use.

    Example: gws-supervision init --roster staff.csv --out settings.toml
    """
    if roster_sheet:
        create_roster_sheet(obj, roster, policy, dry_run)
        return
    if roster is None:
        raise InputError(
            Problem("--roster", None, None, "give your roster CSV: init --roster FILE")
        )
    if out.exists():
        raise InputError(
            Problem(
                str(out),
                None,
                None,
                "already exists; init never changes a settings file. Edit its [organisation] "
                "allowed_domains yourself, or give --out NEW.toml",
            )
        )
    policy_name = policy or "hillingdon"
    entries = load_roster(roster, load_policy(policy_name), None)  # every other check applies
    domains = roster_domains(entries, roster)
    if not domains:
        raise InputError(Problem(str(roster), None, None, "has no staff rows"))
    text = settings_text(name or domains[0], domains, policy_name, roster)
    click.echo(f"{out} would allow exactly these domains: {', '.join(domains)}")
    click.echo(f"(from the {len(entries)} rows of {roster})\n")
    click.echo(text)
    if not yes and not click.confirm(f"Write {out}?", default=False):
        raise click.ClickException(f"Nothing written; {out} does not exist.")
    try:
        with out.open("x", encoding="utf-8") as handle:  # never over another file
            handle.write(text)
    except FileExistsError:
        raise InputError(Problem(str(out), None, None, "already exists; nothing written")) from None
    except OSError as exc:
        raise InputError(Problem(str(out), None, None, f"cannot write: {exc}")) from None
    year = date.today().year
    config = f"--config {out}"
    click.echo(
        "\n".join(
            [
                f"Wrote {out}. Next:",
                f"  gws-supervision {config} plan --year {year}",
                f"  gws-supervision {config} templates install",
                f"  gws-supervision {config} book --year {year} --dry-run",
                f"  gws-supervision {config} book --year {year}",
            ]
        )
    )


def create_roster_sheet(obj: Context, roster: Path | None, policy: str | None, dry: bool) -> None:
    """`init --roster-sheet`: the roster Sheet made as the operator, the CSV's rows copied in
    (validated first: nothing is created from a roster with a problem)."""
    settings = load_settings(obj.config)
    chosen = policy_for(settings, policy)
    rows: list[dict[str, str]] = []
    if roster is not None:
        entries = load_roster(roster, chosen, None)  # every check but the domains...
        roster_domains(entries, roster)  # ...and no public mail service
        with roster.open(encoding="utf-8-sig", newline="") as handle:
            rows = [
                {str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k}
                for row in csv.DictReader(handle)
            ]
    checks = column_checks(chosen)
    lists = [f"{c.column} ({', '.join(c.choices)})" for c in checks if c.kind == "list"]
    dates = [c.column for c in checks if c.kind == "date"]
    with connect(obj.workspace, settings) as connection:
        operator = operator_of(settings, connection)
        click.echo(
            "\n".join(
                [
                    f"{'Would create' if dry else 'Creating'} the Google Sheet "
                    f"{TITLE!r} (tab {TAB!r}) owned by {operator}, shared with nobody else:",
                    f"  a frozen header row of {len(header())} columns, each with a note",
                    f"  drop-downs from policy {chosen.key}: {'; '.join(lists)}",
                    f"  dates only in: {', '.join(dates)}",
                    f"  {len(rows)} rows copied from {roster}" if roster else "  no rows yet",
                ]
            )
        )
        if dry:
            click.echo("Nothing created (--dry-run).")
            return
        sid = make_roster_sheet(connection, operator, chosen, rows)
    spec = f"sheet:{sid}/{TAB}"
    click.echo(
        "\n".join(
            [
                f"Created: https://docs.google.com/spreadsheets/d/{sid}/edit",
                f"Use it with: --roster {spec}",
                "or in your settings file, under [supervision]:",
                f"  roster = {json.dumps(spec)}",
            ]
        )
    )
