"""`export --to DIR`: what a person would look at, read back through the APIs.

calendars/<email>.ics (each supervisor's sessions as Calendar holds them), records/<title>.html
(each Doc as Drive exports it), tracker.csv and tracker.xlsx (the Sessions tab as the Sheet
holds it, statuses in the Sheet's colours) and summary.png (on-time % by month, from Summary).

Every file name made from an email or a title goes through `files.file_in` (so `../../x/y@...`
stays inside the folder), every file is written whole and only over a regular file or at a new
path, and every cell of the CSV and xlsx goes through `cell_text` (no formula from any input).
"""

from __future__ import annotations

import csv
import importlib.util
import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from icalendar import Calendar, Event

from ..context import RunContext
from ..domain.text import cell_text
from ..errors import InputError, Problem, SupervisionError
from ..files import check_output, file_in, write_output
from ..google.drive import DriveAdapter
from ..google.sheet import from_serial, rows_from
from ..google.sheet_layout import COLOURS, DATE_COLUMNS, HEADER, STATUS_COLUMN, SUMMARY
from ..google.tracking_reads import export_html, list_year_sessions
from .tracking import open_tracker

Progress = Callable[[str], None]
EXTRA_MODULES = ("openpyxl", "matplotlib")  # the [export] extra in pyproject.toml
INSTALL_EXTRA = 'pip install "gworkspace-supervision[export]"'


def require_export_extra() -> None:
    """Stop before the first write when the [export] extra is not installed.

    openpyxl and matplotlib are heavy and only export uses them, so a plain install leaves them
    out. Checked up front (without importing them) so a missing one never leaves half an export.
    """
    missing = [name for name in EXTRA_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise SupervisionError(
            f"export needs {' and '.join(missing)}, which this installation does not have. "
            f"Install them with: {INSTALL_EXTRA}"
        )


FIXED = ("tracker.csv", "tracker.xlsx", "summary.png")


def _folders(directory: Path) -> tuple[Path, Path]:
    """calendars/ and records/ inside `directory`, made if missing; InputError if `directory`
    (or one of them) is a file, so nothing is written until all three are usable folders."""
    for folder in (directory, directory / "calendars", directory / "records"):
        if folder.exists() and not folder.is_dir():
            raise InputError(
                Problem(str(folder), None, None, "is not a folder; give --to a folder")
            )
    if directory.is_dir():
        for name in FIXED:
            check_output(directory / name)
    (directory / "calendars").mkdir(parents=True, exist_ok=True, mode=0o700)
    (directory / "records").mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory / "calendars", directory / "records"


def export(ctx: RunContext, directory: Path, *, progress: Progress | None = None) -> dict[str, int]:
    """Write the files; returns how many of each kind."""
    require_export_extra()
    connection, settings = ctx.connection, ctx.settings
    say = progress or (lambda _text: None)
    sheet = open_tracker(connection, settings, create=False)
    if sheet is None:
        raise SupervisionError("No tracking Sheet yet: run `gws-supervision sync` first.")
    content = sheet.read()
    rows = rows_from(content)
    counts = {"calendars": 0, "records": 0}
    calendars, records = _folders(directory)
    names = {r.session_id: r for r in rows}
    years = sorted({r.start.year for r in rows}) or [connection.now().year]
    lo = datetime(years[0], 1, 1, tzinfo=UTC)
    hi = datetime(years[-1] + 1, 1, 2, tzinfo=UTC)
    for supervisor in sorted({r.supervisor_email for r in rows if r.supervisor_email}):
        calendar = Calendar()
        calendar.add("prodid", "-//gworkspace-supervision//export//EN")
        calendar.add("version", "2.0")
        for event in list_year_sessions(connection, supervisor, lo, hi):
            if event.cancelled:
                continue
            row = names.get(event.session_id)
            who = row.supervisee_name if row else event.supervisee
            vevent = Event()
            vevent.add("uid", f"{event.session_id}@gws-supervision")
            vevent.add(
                "summary", f"Supervision: {who} / {row.supervisor_name if row else supervisor}"
            )
            vevent.add("dtstart", event.start)
            vevent.add("dtend", event.end)
            vevent.add("dtstamp", connection.now())
            calendar.add_component(vevent)
        write_output(file_in(calendars, supervisor, ".ics"), calendar.to_ical())
        counts["calendars"] += 1
    say(f"calendars: {counts['calendars']}")
    drive = DriveAdapter(connection)
    wanted = {r.record_id for r in rows if r.record_id}
    taken: set[str] = set()  # two namesakes' records on one date must not overwrite each other
    for owner in sorted({r.record_owner for r in rows if r.record_owner}):
        for record in drive.list_records(owner):
            if record.file_id in wanted:
                html = export_html(connection, owner, record.file_id)
                path = file_in(records, record.name, ".html")
                if path.name.lower() in taken:
                    path = file_in(records, f"{path.stem} ({record.file_id[:8]})", ".html")
                taken.add(path.name.lower())
                write_output(path, html)
                counts["records"] += 1
    say(f"records: {counts['records']}")
    shown = sheet.values()
    text = io.StringIO(newline="")
    csv.writer(text).writerows([[cell_text(v) for v in row] for row in shown])
    write_output(directory / "tracker.csv", text.getvalue().encode("utf-8"))
    write_output(directory / "tracker.xlsx", _xlsx(content.sessions))
    months = sheet.values(f"{SUMMARY}!A2:B13", "UNFORMATTED_VALUE")
    write_output(directory / "summary.png", _chart(months))
    say("tracker.csv, tracker.xlsx, summary.png")
    return counts | {"rows": len(rows)}


def _xlsx(sessions: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sessions"
    sheet.append(list(HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cells in sessions:
        values = list(cells)
        for column in DATE_COLUMNS:
            values[column] = from_serial(values[column])
        sheet.append(["" if v is None else cell_text(v) for v in values])
        row = sheet.max_row
        for column in DATE_COLUMNS:
            sheet.cell(row=row, column=column + 1).number_format = "yyyy-mm-dd"
        colour = COLOURS.get(str(values[STATUS_COLUMN]))
        if colour:
            status = sheet.cell(row=row, column=STATUS_COLUMN + 1)
            status.fill = PatternFill("solid", start_color=colour, end_color=colour)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _chart(months: list[list[Any]]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    labels = [str(m[0]) for m in months if m]
    values = [
        float(m[1]) * 100 if len(m) > 1 and isinstance(m[1], (int, float)) else 0.0
        for m in months
        if m
    ]
    figure, axes = pyplot.subplots(figsize=(8, 4), dpi=100)
    axes.bar(labels, values, color="#6aa84f")
    axes.set_ylim(0, 100)
    axes.set_ylabel("Records completed on time (%)")
    axes.set_title("Supervision records completed within 5 working days, by month")
    axes.tick_params(axis="x", labelrotation=45)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    pyplot.close(figure)
    return out.getvalue()
