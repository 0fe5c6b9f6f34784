"""`gws-supervision records` and `transfer`: each session's record, and handing records over."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from ..errors import SupervisionError
from ..services.records import RecordPlan, RecordsResult, create_records
from ..services.run_lock import made_note, workspace_lock
from ..services.transfer import TransferResult, transfer
from .main import Context, cli
from .options import (
    DAY,
    YEAR,
    ProgressBar,
    as_date,
    check_not_before_year,
    load_inputs,
    policy_option,
    roster_option,
    run_context,
    year_option,
)


def given_access(plan: RecordPlan) -> list[str]:
    """Who a run gives access to this record: everyone on a new one, the missing on a mend."""
    if plan.action == "create":
        return [e for e, role in plan.acl.items() if role != "owner"]
    return [e for e, _role in plan.drift.missing]


def render(result: RecordsResult, notify: bool = True) -> str:
    dry = result.dry_run
    lines = []
    if dry:
        lines.append("Dry run: nothing was written.")
        for p in result.plans:
            if p.action == "unchanged":
                continue
            verb = {"create": "create", "complete": "finish", "mend": "mend"}[p.action]
            lines.append(
                f"  {verb:<7}{p.title} (owner {p.entry.supervisor_email}; shared with "
                f"{', '.join(p.shared_with)})"
            )
        people = sorted({e for p in result.plans for e in given_access(p)})
        lines += [f"  would be given access: {e}" for e in people]
        if notify:
            lines += [f"  would be emailed (share notice): {e}" for e in people]
    word = "to create" if dry else "created"
    lines += [
        f"Records for sessions up to {result.through:%Y-%m-%d}",
        f"  {word}: {result.created}",
        f"  {'to mend' if dry else 'mended'} (finished or drift repaired): {result.mended}",
        f"  unchanged: {result.unchanged}",
        f"  API calls: {result.api_calls} in {result.round_trips} HTTP round trips",
    ]
    lines += [f"  removed (never allowed): {r}" for r in result.removed]
    lines += [f"  warning: {r}; left in place, remove it if it is wrong" for r in result.reported]
    lines += [f"  warning: duplicate record {d}" for d in result.duplicates]
    if result.skipped:
        lines.append(f"  sessions of people not in the roster: {len(result.skipped)} (no record)")
    return "\n".join(lines)


def _through(value: Any) -> date:
    day = as_date(value)
    assert day is not None
    return day


@cli.command("records")
@roster_option
@policy_option
@year_option
@click.option(
    "--through",
    type=DAY,
    required=True,
    help="Create records for sessions starting on or before this date (YYYY-MM-DD).",
)
@click.option("--dry-run", is_flag=True, help="List the records and shares; write nothing.")
@click.pass_obj
def records_command(
    obj: Context, roster: Path | None, policy: str | None, year: int, through: Any, dry_run: bool
) -> None:
    """Create each booked session's record as a Google Doc (Hillingdon 4.4).

    Reads the sessions from the supervisors' calendars (moved ones at their real date,
    cancelled ones get none), copies the policy's template into the supervisor's Drive under
    Supervision Records/<supervisee>/, fills it, shares it with exactly the supervisee (writer)
    and the line manager, and attaches it to the session. Running it again creates nothing and
    mends drift; a run cut off half way is finished by running it again.

    Example: gws-supervision records --roster roster.csv --policy hillingdon
    --year 2027 --through 2027-03-31 --dry-run
    """
    check_not_before_year("--through", as_date(through), year)
    inputs = load_inputs(obj.config if obj else None, roster, policy, year=year)  # exit 2 first
    last = _through(through)
    bar = ProgressBar("Records")
    with (
        run_context(obj, inputs) as ctx,
        workspace_lock(ctx.connection, ctx.settings, "records", dry_run=dry_run) as tracker,
    ):
        today = ctx.now().astimezone(ctx.policy.tz).date()
        if last > today:
            click.echo(
                f"Note: --through {last:%Y-%m-%d} is after today ({today:%Y-%m-%d}): records "
                "will be made for sessions not yet held, and shared with their people now.",
                err=True,
            )
        try:
            result = create_records(ctx, year, last, dry_run=dry_run, progress=bar)
        finally:
            bar.close()
    click.echo(render(result, ctx.settings.supervision.notify))
    note = made_note(tracker)
    if note:
        click.echo(note)
    ahead = [
        p for p in result.plans if p.action == "create" and p.session.instance.start.date() > today
    ]
    if ahead:
        click.echo(f"  of which for sessions not yet held (after {today:%Y-%m-%d}): {len(ahead)}")
    if result.failures:
        shown = [f"  {k}: {v}" for k, v in sorted(result.failures.items())[:20]]
        raise SupervisionError(
            "\n".join(["Some records are not finished:", *shown,
                       "Run the same command again to finish; nothing is duplicated."])
        )  # fmt: skip


def render_transfer(result: TransferResult) -> str:
    """The handover in people's names and session times; every person emailed or given access."""
    dry = result.dry_run
    see = f"{result.supervisee_name} ({result.supervisee})"
    to = (
        f"the archive (owner {result.new_owner})"
        if result.archived
        else f"{result.new_owner_name} ({result.new_owner})"
    )
    lines = [f"{'Dry run, nothing was written. ' if dry else ''}Handover of {see}",
             f"  from {result.old_supervisor_name} ({result.old_supervisor}) to {to}."]  # fmt: skip
    verb = "would pass" if dry else "passed"
    if result.records:
        lines.append(
            f"  Records: {len(result.records)}; ownership of {len(result.to_transfer)} {verb} "
            f"to {result.new_owner}; {result.moves} into {result.folder}."
        )
    else:
        lines.append("  Records: none to hand over.")
    for a in result.access:
        what = {"add": "access given", "role": "access changed", "remove": "access removed"}
        lines.append(f"    {what[a.action]}: {a.describe()}")
    for c in result.changes:
        lines.append("  " + _describe_change(c, dry))
    for w in result.warnings:
        lines.append(f"  note: {w}")
    lines.append("  Emailed: " + (_emailed(result.emailed) or "nobody"))
    lines.append("  Given access: " + (", ".join(result.given_access) or "nobody"))
    if not dry and not result.changed:
        lines.append("  Nothing to change: the handover is already complete.")
    if not dry and result.roster_line is not None:
        lines.append(
            f"  Now update the roster (line {result.roster_line}) to match, or the next `book` "
            "would move the sessions back."
        )
    return "\n".join(lines)


def _emailed(emailed: dict[str, list[str]]) -> str:
    """'ann@x (calendar invitation: 4, calendar change or cancellation: 4); tom@x (...)'."""
    out = []
    for person, reasons in sorted(emailed.items()):
        kinds: dict[str, int] = {}
        for reason in reasons:
            kind = reason.split(" (", 1)[0]
            kinds[kind] = kinds.get(kind, 0) + 1
        what = ", ".join(f"{k}: {n}" if n > 1 else k for k, n in sorted(kinds.items()))
        out.append(f"{person} ({what})")
    return "; ".join(out)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _describe_change(c: Any, dry: bool) -> str:
    """One calendar change in words: whose calendar, whom, from when."""
    when = f", first {c.first:%a %d %b %Y %H:%M}" if c.first is not None else ""
    n = _plural(c.sessions, "session")
    words = {
        "create": ("would book" if dry else "booked", f"{n}{when}"),
        "update": ("would update" if dry else "updated", f"{n}{when}"),
        "cancel": ("would cancel" if dry else "cancelled", f"{n} to come"),
        "truncate": (
            "would cut short" if dry else "cut short",
            f"{n} to come removed, past ones kept",
        ),
        "unchanged": ("already booked", "no change"),
    }
    verb, detail = words.get(c.action, (c.action, ""))
    return f"Calendar of {c.calendar}: {verb} {c.title} ({detail})"


@cli.command("transfer")
@roster_option
@policy_option
@click.option(
    "--year",
    type=YEAR,
    help="Move only this booking year. Default: every year from this one in which the "
    "supervisee has sessions booked.",
)
@click.option("--supervisee", required=True, help="Whose records and sessions move.")
@click.option("--to-supervisor", help="The new supervisor (same organisation).")
@click.option("--line-manager", help="The new line manager, if it changes.")
@click.option("--archive-to", metavar="FOLDER_ID", help="A leaver: archive records here.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="List every change and everyone who would be emailed or given access; write nothing.",
)
@click.pass_obj
def transfer_command(
    obj: Context,
    roster: Path | None,
    policy: str | None,
    year: int | None,
    supervisee: str,
    to_supervisor: str | None,
    line_manager: str | None,
    archive_to: str | None,
    dry_run: bool,
) -> None:
    """Hand a supervisee's records and future sessions to a new supervisor (Hillingdon 4.5).

    Records change owner within the organisation and move to the new supervisor's
    Supervision Records folder; the old supervisor loses access (unless [supervision]
    transfer_keep_old_supervisor_access = true); the line manager's access follows. For a
    leaver, --archive-to moves the records to an archive folder owned by the operator. Future
    sessions of this supervisee alone move to the new supervisor's calendar, placed around
    everyone's other sessions. Handing records over needs [google] drive_scope = "drive"
    (see README). Everything is checked before the first write; a run cut off part way is
    finished by running it again.

    Example: gws-supervision transfer --roster roster.csv --supervisee
    noah.quinn@example-council.gov.uk --to-supervisor jamal.adams@example-council.gov.uk
    """
    inputs = load_inputs(obj.config if obj else None, roster, policy)
    with run_context(obj, inputs) as ctx:
        result = transfer(
            ctx, year, supervisee=supervisee, to_supervisor=to_supervisor,
            line_manager=line_manager, archive_to=archive_to, dry_run=dry_run,
            send_updates="all" if ctx.settings.supervision.notify else "none",
        )  # fmt: skip
    click.echo(render_transfer(result))
