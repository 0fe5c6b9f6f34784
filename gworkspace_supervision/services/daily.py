"""`daily`: the day's work in one idempotent run, for cron or a systemd timer.

Steps, in this order (each one the service its own command runs):

1. rearrange: cancelled sessions whose rearranging is still possible (Hillingdon 3.3: within 24
   hours, for a date not later than 5 days) are rebooked; first, so that a session rearranged
   for tomorrow gets its record in step 2 of the same run.
2. records: every session starting by the end of the next working day has its record (Hillingdon
   4.4), so the supervisor can open it from the calendar event during the session. Sessions
   before that are included too, so a missed day is caught up.
3. sync: the tracking Sheet brought up to date.
4. digest: on the configured weekday (settings `[supervision] digest_weekday`), each line
   manager's digest. The week's digest day is kept on the tracker (developer metadata), so a
   second run that day sends nothing, and a run after a missed digest day sends it then.

A step that fails does not stop the others, except the digest, which reads what sync wrote and
is skipped when sync failed. The result says, per step, one line when something happened and
nothing otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..domain.policy import Policy
from ..domain.roster import RosterEntry
from ..domain.workdays import WorkingDays
from ..errors import InputError, SupervisionError
from ..google.calendar import APP
from ..google.connect import Connection
from ..settings import WEEKDAYS
from .digest import KINDS, digest
from .rearrange import BOOKED, NO_SLOT, REPLACEMENT_CANCELLED, WOULD_BOOK, rearrange
from .records import create_records
from .tracking import open_tracker, setting, sync

DIGEST_KEY = f"{APP}.digest-sent"  # tracker developer metadata: the last digest day sent
STEPS = ("rearrange", "records", "sync", "digest")


@dataclass
class Step:
    """One step's outcome: `line` when something happened (None: quiet), `error` when it
    failed, `skipped` when a step it depends on failed."""

    name: str
    line: str | None = None
    error: str | None = None
    skipped: str | None = None


@dataclass
class DailyResult:
    today: date
    dry_run: bool
    steps: list[Step] = field(default_factory=list)

    @property
    def failed(self) -> list[Step]:
        return [s for s in self.steps if s.error is not None]

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)


def records_through(today: date, workdays: WorkingDays) -> date:
    """The end of the next working day: records exist before the session starts."""
    return workdays.add_working_days(today, 1)


def digest_day(today: date, weekday: str) -> date | None:
    """The latest digest day on or before `today` in the week of `today` (weeks start on the
    digest weekday), or None when digests are off."""
    if weekday not in WEEKDAYS:
        return None
    back = (today.weekday() - WEEKDAYS.index(weekday)) % 7
    return today - timedelta(days=back)


def daily(
    connection: Connection,
    roster: Sequence[RosterEntry],
    policy: Policy,
    settings: Any,
    *,
    dry_run: bool = False,
    roster_file: str | None = None,
    closure_days: Sequence[date] = (),
    progress: Callable[[str], None] | None = None,
) -> DailyResult:
    """Run the day's steps as at the workspace's now; never raises for a step's failure (see
    `DailyResult.failed`), only for bad input found before the first step."""
    say = progress or (lambda _text: None)
    now = connection.now().astimezone(policy.tz)
    today = now.date()
    closures = set(policy.closure_days) | set(closure_days)
    closures |= set(setting(settings, "organisation", "closure_days") or ())
    workdays = WorkingDays(policy.region, closures)
    result = DailyResult(today, dry_run)
    supervisors = sorted({e.supervisor_email for e in roster})

    def run(name: str, body: Callable[[], str | None]) -> None:
        step = Step(name)
        result.steps.append(step)
        say(f"daily: {name}")
        try:
            step.line = body()
        except InputError:
            raise
        except (SupervisionError, OSError) as exc:
            step.error = str(exc) or type(exc).__name__

    def do_rearrange() -> str | None:
        back = timedelta(days=policy.rearrange_within_days + 2)  # older ones: window passed
        found = rearrange(
            connection, supervisors, policy, time_min=now - back, dry_run=dry_run,
            closure_days=sorted(closures),
        )  # fmt: skip
        booked = [o for o in found.outcomes if o.action in (BOOKED, WOULD_BOOK)]
        by_hand = [o for o in found.outcomes if o.action in (NO_SLOT, REPLACEMENT_CANCELLED)]
        if not booked and not by_hand:
            return None
        verb = "to book" if dry_run else "booked"
        text = f"{len(booked)} cancelled session(s) {verb}"
        if by_hand:
            names = ", ".join(
                f"{o.cancelled.supervisee_email} {o.cancelled.start:%d %b}" for o in by_hand
            )
            text += f"; {len(by_hand)} to rearrange by hand ({names})"
        return text

    def do_records() -> str | None:
        through = records_through(today, workdays)
        created = mended = 0
        problems: list[str] = []
        for year in sorted({today.year, through.year}):
            made = create_records(
                connection, roster, policy, year, through, settings, dry_run=dry_run,
                roster_file=roster_file,
            )  # fmt: skip
            created += made.created
            mended += made.mended
            problems += made.duplicates + made.reported + made.removed
            if made.failures:
                first = sorted(made.failures.items())[0]
                raise SupervisionError(
                    f"{len(made.failures)} record(s) not finished (first: {first[0]}: "
                    f"{first[1]}); the next run finishes them"
                )
        if not (created or mended or problems):
            return None
        verb = ("to create", "to mend") if dry_run else ("created", "mended")
        text = f"{created} {verb[0]}, {mended} {verb[1]} (sessions to {through:%a %d %b})"
        if problems:
            text += f"; {len(problems)} warning(s): run `gws-supervision records` to see them"
        return text

    def do_sync() -> str | None:
        if dry_run:
            return "not run: the tracking Sheet is left as it is"
        done = sync(connection, roster, policy, today.year, settings)
        if not (done.created or done.records_read):
            return None
        t = done.summary.total
        made = "tracker created; " if done.created else ""
        return (
            f"{made}{done.records_read} record(s) read; {t.held} held, {t.on_time} on time, "
            f"{t.late} late, {t.overdue} overdue, {t.due} due"
        )

    def do_digest() -> str | None:
        weekday = str(setting(settings, "supervision", "digest_weekday") or "monday")
        day = digest_day(today, weekday)
        if day is None:
            return None
        sheet = open_tracker(connection, settings, create=False)
        if sheet is None:
            if dry_run:  # a real run's sync has made it by now
                return "none: no tracking Sheet yet (the first sync makes it)"
            raise SupervisionError("no tracking Sheet, so no digest: run sync")
        sent_before = sheet.marks(DIGEST_KEY)
        if any(v >= day.isoformat() for v in sent_before):
            return None
        if dry_run:
            found = digest(connection, settings, policy, year=today.year, send=False)
            return f"{len(found.digests)} line manager(s) to email ({weekday}'s digest)"
        sheet.acquire(what="digest")
        try:
            if any(v >= day.isoformat() for v in sheet.marks(DIGEST_KEY)):
                return None  # another run sent it while we waited for the lock
            found = digest(connection, settings, policy, year=today.year, send=True)
            sheet.mark(DIGEST_KEY, day.isoformat(), replace=bool(sent_before))
        finally:
            sheet.release()
        if not found.digests:
            return None
        counts = ", ".join(f"{sum(len(d.of(k)) for d in found.digests)} {k}" for k in KINDS)
        return f"sent to {len(found.digests)} line manager(s) ({counts})"

    run("rearrange", do_rearrange)
    run("records", do_records)
    run("sync", do_sync)
    if result.step("sync").error is not None:
        result.steps.append(Step("digest", skipped="sync failed, so the tracker is not current"))
    else:
        run("digest", do_digest)
    return result


def render(result: DailyResult) -> list[str]:
    """One line per step that did something, failed or was skipped; nothing when quiet."""
    dry = " (dry run)" if result.dry_run else ""
    lines = []
    for s in result.steps:
        if s.error is not None:
            lines.append(f"{s.name}: FAILED: {s.error}")
        elif s.skipped is not None:
            lines.append(f"{s.name}: skipped: {s.skipped}")
        elif s.line is not None:
            lines.append(f"{s.name}{dry}: {s.line}")
    return lines


__all__ = ["DIGEST_KEY", "STEPS", "DailyResult", "Step", "daily", "digest_day", "render"]
