"""`export --to DIR`: what a person would look at, read back through the APIs.

calendars/<email>.ics (each supervisor's sessions as Calendar holds them), records/<title>.html
(each Doc as Drive exports it), tracker.csv (the Sessions tab as shown), tracker.xlsx (every
visible tab as the Sheet has it: its column widths and frozen header, dates as dates, record
links as links, statuses in the Sheet's colours), tracker.html (the Sessions tab as a page, the
same rows) and summary.png (on-time % per month per team against the target).

Every file name made from an email or a title goes through `files.file_in` (so `../../x/y@...`
stays inside the folder), every file is written whole and only over a regular file or at a new
path, and every cell of the CSV and xlsx goes through `cell_text` (no formula from any input).
"""

from __future__ import annotations

import csv
import html
import importlib.util
import io
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from icalendar import Calendar, Event

from ..context import RunContext
from ..domain.chart import ChartData, chart_data
from ..domain.text import cell_text
from ..errors import InputError, Problem, SupervisionError
from ..files import check_output, file_in, write_output
from ..google.connect import Connection
from ..google.drive import DriveAdapter
from ..google.sheet import from_serial, rows_from
from ..google.sheet_layout import (
    COLOURS,
    DATE_COLUMNS,
    EVENT_DATE_COLUMNS,
    EXTRA_COLOURS,
    GAP_DATE_COLUMNS,
    GAPS,
    OBSERVATION_DATE_COLUMNS,
    OBSERVATIONS,
    OVERDUE,
    SESSIONS,
    STATUS_COLUMN,
    SUMMARY,
    SUMMARY_TABLE_ROW,
)
from ..google.tracker_view import TabView, read_tabs
from ..google.tracking_reads import export_html, list_year_sessions
from .tracking import open_tracker, operator_of

PIXELS_PER_CHARACTER = 7  # an Excel column width is in characters of the default font

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


FIXED = ("tracker.csv", "tracker.xlsx", "tracker.html", "summary.png")


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


NO_TRACKER = (
    "tracker.csv, tracker.xlsx, tracker.html and summary.png: no tracking Sheet with a sync yet "
    "(run `gws-supervision sync`)"
)


def export(
    ctx: RunContext,
    directory: Path,
    *,
    progress: Progress | None = None,
    supervisors: Sequence[str] = (),
    missing: list[str] | None = None,
) -> dict[str, int]:
    """Write the files; returns how many of each kind. Before the first sync only the
    calendars of `supervisors` (the roster's) can be exported: what could not be is appended
    to `missing`, in words that say what to run."""
    require_export_extra()
    connection, settings = ctx.connection, ctx.settings
    say = progress or (lambda _text: None)
    sheet = open_tracker(connection, settings, create=False)
    content = sheet.read() if sheet is not None else None
    if content is not None and not content.sessions and not content.meta:
        content = None  # made, but cut off before its first sync wrote anything
    if content is None and not supervisors:
        raise SupervisionError(
            "Nothing to export yet: no tracking Sheet with a sync (run `gws-supervision sync`), "
            "and no roster to export the calendars of (give --roster)."
        )
    rows = rows_from(content) if content is not None else []
    counts = {"calendars": 0, "records": 0}
    calendars, records = _folders(directory)
    names = {r.session_id: r for r in rows}
    years = sorted({r.start.year for r in rows}) or [connection.now().year]
    lo = datetime(years[0], 1, 1, tzinfo=UTC)
    hi = datetime(years[-1] + 1, 1, 2, tzinfo=UTC)
    people = {r.supervisor_email for r in rows if r.supervisor_email} | set(supervisors)
    for supervisor in sorted(people):
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
            if event.location:
                vevent.add("location", event.location)
            if event.description:
                vevent.add("description", event.description)
            vevent.add("organizer", f"mailto:{supervisor}")
            for person in event.attendees:
                vevent.add("attendee", f"mailto:{person}", parameters={"ROLE": "REQ-PARTICIPANT"})
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
    if sheet is None or content is None:
        if missing is not None:
            missing.append(NO_TRACKER)
        return counts | {"rows": 0}
    shown = sheet.values()
    text = io.StringIO(newline="")
    csv.writer(text).writerows([[cell_text(v) for v in row] for row in shown])
    write_output(directory / "tracker.csv", text.getvalue().encode("utf-8"))
    tabs = read_tabs(connection, operator_of(settings, connection), sheet.spreadsheet_id)
    write_output(directory / "tracker.xlsx", _xlsx(tabs))
    write_output(directory / "tracker.html", tracker_html(shown, sheet.url).encode("utf-8"))
    as_at = _as_at(content.meta.get("as_at", ""), connection)
    write_output(directory / "summary.png", draw_chart(chart_data(rows, as_at, as_at.year)))
    say("tracker.csv, tracker.xlsx, tracker.html, summary.png")
    return counts | {"rows": len(rows)}


def tab_format(
    title: str, width: int
) -> tuple[set[tuple[int | None, int]], int | None, dict[str, str]]:
    """How the tracker lays a tab out (google/sheet_layout.py): the date cells as (row or None
    for every row below the header, column), the status column, its colours."""
    if title == SESSIONS:
        return {(None, c) for c in DATE_COLUMNS}, STATUS_COLUMN, COLOURS
    if title == OVERDUE:
        return {(None, 5), (None, 6)}, None, {}
    if title == SUMMARY:
        return {(0, 4)}, None, {}
    if title == GAPS:
        return {(None, c) for c in GAP_DATE_COLUMNS}, None, {}
    dates = OBSERVATION_DATE_COLUMNS if title == OBSERVATIONS else EVENT_DATE_COLUMNS
    return {(None, c) for c in dates}, width - 1, EXTRA_COLOURS


def _percent_cell(title: str, row: int, column: int) -> bool:
    """Summary's on-time percentages: months (B2:B13) and the team table's last two columns."""
    if title != SUMMARY:
        return False
    return (1 <= row <= 12 and column == 1) or (row >= SUMMARY_TABLE_ROW and column in (5, 6))


def _xlsx(tabs: list[TabView]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for tab in tabs:
        sheet = book.create_sheet(tab.title[:31])  # Excel's limit on a sheet name
        width = max([len(tab.widths), *(len(r) for r in tab.rows)], default=0)
        dates, status, colours = tab_format(tab.title, width)
        for r, cells in enumerate(tab.rows):
            for c, value in enumerate(cells):
                if value is None or value == "":
                    continue
                cell = sheet.cell(row=r + 1, column=c + 1)
                is_date = r > 0 and ((None, c) in dates) or (r, c) in dates
                if is_date and isinstance(value, (int, float)) and not isinstance(value, bool):
                    cell.value = from_serial(value)
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, str) and value.startswith("https://"):
                    cell.value = value
                    cell.hyperlink = value
                    cell.style = "Hyperlink"
                else:
                    cell.value = cell_text(value)  # never a formula from any input
                    if _percent_cell(tab.title, r, c) and isinstance(value, (int, float)):
                        cell.number_format = "0%"
                if r >= max(tab.frozen_rows, 1) and c == status and str(value) in colours:
                    fill = colours[str(value)]
                    cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
        for c, pixels in enumerate(tab.widths):
            sheet.column_dimensions[get_column_letter(c + 1)].width = round(
                pixels / PIXELS_PER_CHARACTER, 1
            )
        if tab.frozen_rows:
            sheet.freeze_panes = f"A{tab.frozen_rows + 1}"
            for cell in sheet[1]:
                cell.font = Font(bold=True, color=cell.font.color)
        if tab.title == SESSIONS and sheet.max_row > 1:
            sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def tracker_html(shown: list[list[Any]], url: str) -> str:
    """The Sessions tab as one page: the same rows and cells as the Sheet shows them, record
    links as links, statuses in the Sheet's colours. Metadata only, as the Sheet."""
    head, rows = (shown[0], shown[1:]) if shown else ([], [])

    def cell(value: Any, column: int) -> str:
        text = html.escape(str(value))
        if str(value).startswith("https://"):
            return f'<td><a href="{text}">{text}</a></td>'
        colour = COLOURS.get(str(value)) if column == STATUS_COLUMN else None
        style = f' style="background:#{colour}"' if colour else ""
        return f"<td{style}>{text}</td>"

    lines = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>Supervision tracker</title>',
        "<style>table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
        "white-space:nowrap}th{position:sticky;top:0;background:#eee}</style></head><body>",
        f'<h1>Supervision tracker</h1><p>From <a href="{html.escape(url)}">the tracking '
        f"Sheet</a>: {len(rows)} sessions.</p>",
        "<table><thead><tr>" + "".join(f"<th>{html.escape(str(h))}</th>" for h in head),
        "</tr></thead><tbody>",
    ]
    for values in rows:
        padded = list(values) + [""] * (len(head) - len(values))
        lines.append("<tr>" + "".join(cell(v, i) for i, v in enumerate(padded)) + "</tr>")
    lines.append("</tbody></table></body></html>")
    return "\n".join(lines) + "\n"


def _as_at(text: str, connection: Connection) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return connection.now().date()


def draw_chart(data: ChartData) -> bytes:
    """One panel per team: on-time % per month as labelled bars, the target as a dashed line;
    a 0% month shows a red "0%" on the axis, a month with no records decided shows "no data"."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    teams = list(data.teams.items()) or [("All teams", tuple(None for _ in data.months))]
    labels = [f"{m:%b}" for m in data.months]
    figure, axes_list = pyplot.subplots(
        len(teams), 1, figsize=(8, 2.6 * len(teams) + 0.6), dpi=100, squeeze=False
    )
    for (team, values), axes in zip(teams, axes_list[:, 0], strict=True):
        heights = [v * 100 if v is not None else 0.0 for v in values]
        bars = axes.bar(labels, heights, color="#6aa84f")
        for bar, value in zip(bars, values, strict=True):
            x = bar.get_x() + bar.get_width() / 2
            if value is None:
                axes.text(x, 3, "no data", ha="center", va="bottom", color="#999999", fontsize=8)
            else:
                colour = "#cc0000" if value == 0 else "#000000"
                axes.text(x, bar.get_height() + 2, f"{value:.0%}", ha="center", va="bottom",
                          color=colour, fontsize=8)  # fmt: skip
        axes.axhline(data.target * 100, color="#3c78d8", linestyle="--", linewidth=1)
        axes.text(-0.45, data.target * 100 + 1, f"target {data.target:.0%}",
                  ha="left", va="bottom", color="#3c78d8", fontsize=8)  # fmt: skip
        axes.set_ylim(0, 115)
        axes.set_ylabel("On time (%)")
        axes.set_title(team, fontsize=10)
    figure.suptitle(f"Supervision records completed on time, by month ({data.year})")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    pyplot.close(figure)
    return out.getvalue()
