"""The tracking Sheet (Hillingdon Supervision Framework 4.4 monitoring), through gspread.

One spreadsheet "Supervision tracker", owned by the operator, shared read-only (reader, per
person; never a link or domain share) with line managers and Heads of Service (Supervision
Guidance (case discussion): frequency monitored per team).
Tabs: Sessions (exactly 12 columns), Summary (tables and an on-time chart), Overdue, and a
hidden `_state` tab holding what the visible tabs do not show: emails, exact times, who owns
each record, when it was completed, and key/value sync state (Drive page tokens per supervisor,
row counts, the format version).

Every Sheets call goes through gspread (sheet_client.SheetCalls: its HTTPClient, as the
operator, with the toolkit's retry and meter); Drive calls (finding, creating and sharing the
file) stay with the Drive adapter's client. Writes: one values.batchUpdate with
valueInputOption RAW, so roster text can never become a formula and dates go in as serial
numbers under a DATE format; one spreadsheets.batchUpdate for tabs and formats, only when the
Sheet is new or the format version changed. A sync holds a lock (spreadsheet developer
metadata, see `acquire`) so two syncs never write at once.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from gspread.utils import a1_to_rowcol, absolute_range_name, rowcol_to_a1

from ..domain.status import Status, TrackedSession
from ..errors import APIError, SupervisionError
from . import sync_lock
from .connect import Connection
from .retry import execute
from .sheet_client import SheetCalls
from .sheet_layout import (
    EXTRA_SHEET_IDS,
    FORMAT_VERSION,
    HEADER,
    OVERDUE,
    OVERDUE_HEADER,
    SESSIONS,
    SHEET_IDS,
    STATE,
    STATE_HEADER,
    SUMMARY,
    SUMMARY_WIDTH,
    basic_filter,
    extra_tab_requests,
    format_requests,
    setup_requests,
)
from .tags import APP, TRACKER, FileTags, file_query

TITLE = "Supervision tracker"
LOCK_KEY = f"{APP}.sync-lock"
LOCK_TTL = timedelta(seconds=sync_lock.LOCK_TTL_SECONDS)  # real time; see sync_lock
EPOCH = date(1899, 12, 30)  # Sheets' day 0
META_RANGE = f"{STATE}!K1:L"
SHEET_MIME = "application/vnd.google-apps.spreadsheet"
METADATA_FIELDS = (
    "developerMetadata(metadataId,metadataKey,metadataValue),sheets(properties(sheetId,title,"
    "gridProperties(rowCount,columnCount)),conditionalFormats,protectedRanges(protectedRangeId),"
    "charts(chartId))"
)


def serial(day: date | None) -> int | str:
    return (day - EPOCH).days if day is not None else ""


def from_serial(value: Any) -> date | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return EPOCH + timedelta(days=int(value))
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


class LockBusy(SupervisionError):
    """Another run holds the workspace's lock (exit 1: try again later)."""


class TrackerMissing(SupervisionError):
    """The tracker is not there (Sheets 404): a wrong id, or a twin deleted by its maker."""


@dataclass
class Content:
    """What the Sheet holds: Sessions rows (with their _state half) in order, and sync state."""

    sessions: list[list[Any]] = field(default_factory=list)  # 12 cells each
    state: dict[str, list[Any]] = field(default_factory=dict)  # session id -> _state cells
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class Tabs:
    """Everything one sync writes, already as cell values (RAW)."""

    sessions: list[list[Any]]  # 12 cells; a None note leaves the cell as people typed it
    state: list[list[Any]]
    summary: list[list[Any]]
    overdue: list[list[Any]]
    meta: dict[str, str]
    # [[events]] tabs (title -> rows, header first): rewritten whole by every sync
    extra: dict[str, list[list[Any]]] = field(default_factory=dict)


class TrackerSheet:
    """One tracker spreadsheet, acted on as its owner (the operator)."""

    def __init__(
        self,
        connection: Connection,
        operator: str,
        spreadsheet_id: str,
        *,
        created: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.connection = connection
        self.operator = operator
        self.spreadsheet_id = spreadsheet_id
        self.created = created
        self.sleep = sleep
        self.calls = SheetCalls(connection, operator, spreadsheet_id)
        self.grid: dict[str, tuple[int, int]] = {}
        self._lock_id: int | None = None
        self._lock_nonce = ""
        self._set_up = False  # the tabs were made by this object's write
        self.existing: list[dict[str, Any]] = []  # sheets' rules, protections, charts

    @property
    def url(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit"

    @property
    def needs_setup(self) -> bool:
        """True until the tabs exist: just created, or created by a run cut off before its
        first write (the next run finishes the job)."""
        if self._set_up:
            return False
        return self.created or (bool(self.grid) and SESSIONS not in self.grid)

    def _drive(self, request: Any, what: str) -> Any:
        conn = self.connection
        return execute(request, what=what, policy=conn.retry, meter=conn.meter)

    # -- finding and creating --------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        connection: Connection,
        operator: str,
        *,
        spreadsheet_id: str | None = None,
        create: bool = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> TrackerSheet | None:
        """The tracker named in settings, else the one tagged in the operator's Drive, else a
        new one (when `create`). One Drive call to find it; one more to create it (tabs and
        formats follow in the first write's one batchUpdate)."""
        if spreadsheet_id:
            return cls(connection, operator, spreadsheet_id, sleep=sleep)
        drive = connection.drive(operator)
        found = tracker_ids(connection, operator)
        if found:
            return cls(connection, operator, found[0], sleep=sleep)
        if not create:
            return None
        made = execute(
            drive.files().create(
                body={
                    "name": TITLE,
                    "mimeType": SHEET_MIME,
                    "appProperties": FileTags(TRACKER).app_properties(),
                },
                fields="id",
            ),
            what="drive.files.create",
            policy=connection.retry,
            meter=connection.meter,
        )
        return cls(connection, operator, str(made["id"]), created=True, sleep=sleep)

    def discard(self) -> None:
        """Delete this tracker: it was made by this run and lost a race to an earlier one
        (new and empty; the caller holds its lock, so nobody else is using it)."""
        execute(
            self.connection.drive(self.operator).files().delete(fileId=self.spreadsheet_id),
            what="drive.files.delete",
            policy=self.connection.retry,
            meter=self.connection.meter,
        )

    def share(self, readers: Sequence[str], previous: Sequence[str], notify: bool) -> list[str]:
        """Readers (each person, role reader) added and people we shared with before but who
        no longer need it removed. Returns the sorted list now shared with."""
        from .batch import DRIVE_BATCH, run_batch

        wanted = sorted({r.lower() for r in readers} - {self.operator.lower()})
        drop = sorted(set(previous) - set(wanted))
        add = sorted(set(wanted) - set(previous))
        if not add and not drop:
            return wanted
        drive = self.connection.drive(self.operator)
        conn = self.connection
        requests: list[tuple[str, Any]] = []
        for email in add:
            body = {"type": "user", "role": "reader", "emailAddress": email}
            message = "The supervision tracker: which supervision records are due and late."
            requests.append(
                (
                    f"add:{email}",
                    drive.permissions().create(
                        fileId=self.spreadsheet_id,
                        body=body,
                        sendNotificationEmail=notify,
                        emailMessage=message if notify else None,
                        fields="id",
                    ),
                )
            )
        if drop:
            listing = self._drive(
                drive.permissions().list(
                    fileId=self.spreadsheet_id, fields="permissions(id,emailAddress,role)"
                ),
                "drive.permissions.list",
            )
            for perm in listing.get("permissions", []):
                email = str(perm.get("emailAddress", "")).lower()
                if email in drop and perm.get("role") != "owner":
                    requests.append(
                        (
                            f"drop:{email}",
                            drive.permissions().delete(
                                fileId=self.spreadsheet_id, permissionId=perm["id"]
                            ),
                        )
                    )
        run_batch(
            drive,
            requests,
            size=DRIVE_BATCH,
            what="drive.permissions.write",
            policy=conn.retry,
            meter=conn.meter,
            tolerate=(404,),
        )
        return wanted

    # -- the lock ----------------------------------------------------------------------------------
    def acquire(self, attempts: int = 6, what: str = "sync") -> None:
        """Take the sync lock: create our entry, then look; if anyone else holds a live entry,
        withdraw ours and try again after a jittered wait.

        Safe without compare-and-swap: each side looks only after its own entry exists, so two
        syncs can both back off but never both go on. An entry whose process died on this host
        is taken over at once; any other expires after LOCK_TTL of real time, whatever the
        workspace clock says (see sync_lock). Also learns every tab's grid size.
        """
        for attempt in range(attempts):
            value, nonce = sync_lock.new_entry(what=what)
            reply = self._first_write([_create_lock(value)])
            mine = int(
                reply["replies"][0]["createDeveloperMetadata"]["developerMetadata"]["metadataId"]
            )
            with self._missing_if_gone():  # a twin its maker deleted since our write
                info = self.calls.metadata(METADATA_FIELDS)
            self.grid = {
                s["properties"]["title"]: (
                    int(s["properties"]["gridProperties"]["rowCount"]),
                    int(s["properties"]["gridProperties"]["columnCount"]),
                )
                for s in info.get("sheets", [])
            }
            self.existing = info.get("sheets", [])
            live, stale = _locks(info.get("developerMetadata", []), mine)
            if not live:
                self._lock_id, self._lock_nonce = mine, nonce
                sync_lock.held(nonce)
                if stale:
                    self._delete_metadata(stale)
                return
            with self._missing_if_gone():
                self._delete_metadata([mine])
            if attempt + 1 < attempts:  # no wait after the last look
                self.sleep(min(30.0, 0.5 * 2**attempt) * (0.5 + random.random()))
        holder_text = sync_lock.describe(live[0][1]) if live else "another run"
        raise LockBusy(
            f"The workspace is busy: {holder_text}; nothing was changed, try again when it has "
            f"finished (a lock left by a run that stopped on another computer expires after "
            f"{int(LOCK_TTL.total_seconds() // 60)} minutes)."
        )

    def _first_write(self, requests: list[dict[str, Any]]) -> dict[str, Any]:
        """The first call of a sync; a tracker the operator cannot edit (Sheets: 403
        PERMISSION_DENIED) or that does not exist (404) is said in the user's words."""
        try:
            return self.calls.batch_update(requests)
        except APIError as err:
            if err.status not in (403, 404):
                raise
            what = (
                f"cannot be edited by {self.operator}"
                if err.status == 403
                else "does not exist (check the id)"
            )
            raise (TrackerMissing if err.status == 404 else SupervisionError)(
                f"The tracking Sheet {self.url} {what}. Share it with {self.operator} as an "
                "editor, or remove tracker_sheet_id from the settings' [supervision] section "
                "so that sync finds or creates the tracker."
            ) from err

    def release(self) -> None:
        """Let the lock go. A tracker deleted meanwhile (a twin that lost the race to an
        earlier one, deleted by the run that made it) took its lock with it."""
        if self._lock_id is not None:
            sync_lock.released(self._lock_nonce)  # first: the delete below may fail
            lock_id, self._lock_id = self._lock_id, None
            try:
                with self._missing_if_gone():
                    self._delete_metadata([lock_id])
            except TrackerMissing:
                pass

    @contextmanager
    def _missing_if_gone(self) -> Iterator[None]:
        """Sheets' 404 for this tracker as TrackerMissing: two first-ever runs may each make a
        tracker, and the one that loses deletes its own while the other may be reading it; the
        caller then lists the trackers again (services.tracking.locked_tracker)."""
        try:
            yield
        except APIError as err:
            if err.status != 404:
                raise
            raise TrackerMissing(f"The tracking Sheet {self.url} is gone") from err

    def _delete_metadata(self, ids: Sequence[int]) -> None:
        self.calls.batch_update(
            [
                {
                    "deleteDeveloperMetadata": {
                        "dataFilter": {"developerMetadataLookup": {"metadataId": i}}
                    }
                }
                for i in ids
            ]
        )

    # -- marks: small facts kept with the tracker (the week a digest went out) ---------------------
    def marks(self, key: str) -> list[str]:
        """The values kept under `key` in the spreadsheet's developer metadata (one call)."""
        info = self.calls.metadata("developerMetadata(metadataId,metadataKey,metadataValue)")
        return sorted(
            str(m.get("metadataValue", ""))
            for m in info.get("developerMetadata", [])
            if m.get("metadataKey") == key
        )

    def mark(self, key: str, value: str, *, replace: bool) -> None:
        """Keep `value` as the one value under `key` (with `replace`, the values `marks` found
        are removed in the same call), so every machine running the toolkit sees it."""
        delete = {
            "deleteDeveloperMetadata": {
                "dataFilter": {"developerMetadataLookup": {"metadataKey": key}}
            }
        }
        create = {"createDeveloperMetadata": {"developerMetadata": {
            "metadataKey": key, "metadataValue": value, "location": {"spreadsheet": True},
            "visibility": "DOCUMENT"}}}  # fmt: skip
        self.calls.batch_update([delete, create] if replace else [create])

    # -- reading -----------------------------------------------------------------------------------
    def read(self) -> Content:
        """Sessions, _state and the sync state in one values.batchGet (FORMULA render: dates as
        serial numbers, and notes exactly as typed). A tracker without its tabs yet holds
        nothing: no call."""
        content = Content()
        if self.needs_setup:
            return content
        try:
            ranges = self.calls.values_batch_get([f"{SESSIONS}!A2:L", f"{STATE}!A2:J", META_RANGE])
        except APIError as err:
            if err.status == 400 and "Unable to parse range" in err.message:
                return content  # read without the lock: a tracker whose tabs are not made yet
            raise
        sessions_raw, state_raw, meta_raw = (ranges + [[], [], []])[:3]
        for row in sessions_raw:
            cells = (list(row) + [""] * 12)[:12]
            if str(cells[0]).strip():
                content.sessions.append(cells)
        for row in state_raw:
            cells = (list(row) + [""] * len(STATE_HEADER))[: len(STATE_HEADER)]
            if str(cells[0]).strip():
                content.state[str(cells[0])] = cells
        for row in meta_raw:
            if len(row) >= 1 and str(row[0]).strip():
                content.meta[str(row[0])] = str(row[1]) if len(row) > 1 else ""
        return content

    def values(self, cells: str = SESSIONS, render: str = "FORMATTED_VALUE") -> list[list[Any]]:
        """A range as people see it (FORMATTED_VALUE) or as stored (UNFORMATTED_VALUE)."""
        return self.calls.values_get(cells, render)

    # -- writing -----------------------------------------------------------------------------------
    def write(self, tabs: Tabs, previous: Content) -> int:
        """Tabs and formats when needed (one batchUpdate), then every tab in one
        values.batchUpdate.

        Returns the number of Sheets calls made. Rows left over from a longer previous write
        are blanked in the same call.
        """
        old = previous.meta
        sizes = {
            SESSIONS: len(tabs.sessions) + 1,
            STATE: max(len(tabs.state) + 1, len(tabs.meta) + 1),
            SUMMARY: len(tabs.summary),
            OVERDUE: len(tabs.overdue) + 1,
        }
        calls = 0
        setup = self.needs_setup
        grid = {} if setup else self.grid
        grow = {
            tab: rows + 200 for tab, rows in sizes.items() if rows > grid.get(tab, (1000, 26))[0]
        }
        formats_due = setup or old.get("format_version") != FORMAT_VERSION
        requests = setup_requests() if setup else []
        requests += [_grow(tab, rows) for tab, rows in grow.items()]
        if formats_due:
            existing = [] if setup else self.existing
            requests += _removals(existing) + format_requests(_chart_id(existing))
        elif SESSIONS in grow:
            requests.append(basic_filter())  # a filter's range does not grow with the grid
        for title, rows in tabs.extra.items():  # [[events]] tabs: added the first time
            width = len(rows[0]) if rows else 1
            if title not in grid:
                requests += extra_tab_requests(title, width, add=True)
                if len(rows) > 1000:
                    requests.append(_grow(title, len(rows) + 200))
            else:
                if formats_due:
                    requests += extra_tab_requests(title, width, add=False)
                if len(rows) > grid[title][0]:
                    requests.append(_grow(title, len(rows) + 200))
            sizes[title] = len(rows)
        if requests:
            self.calls.batch_update(requests)
            calls += 1
            self._set_up = True
        meta = dict(tabs.meta) | {"format_version": FORMAT_VERSION}
        meta |= {f"rows:{tab}": str(rows) for tab, rows in sizes.items()}
        meta["rows:meta"] = str(len(meta) + 1)

        def table(title: str, rows: list[list[Any]], width: int) -> dict[str, Any]:
            """A tab's rows from A1, over what the last write left there."""
            return _block(title, "A1", rows, width, old.get(f"rows:{title}"))

        data = [
            table(SESSIONS, [list(HEADER)] + tabs.sessions, len(HEADER)),
            table(STATE, [list(STATE_HEADER)] + tabs.state, len(STATE_HEADER)),
            _block(STATE, "K1", [[k, v] for k, v in sorted(meta.items())], 2, old.get("rows:meta")),
            table(SUMMARY, tabs.summary, SUMMARY_WIDTH),
            table(OVERDUE, [list(OVERDUE_HEADER)] + tabs.overdue, len(OVERDUE_HEADER)),
        ]
        data += [
            table(title, rows, len(rows[0]) if rows else 1) for title, rows in tabs.extra.items()
        ]
        self.calls.values_batch_update_raw(data)
        return calls + 1


def _int(text: str | None) -> int:
    return int(text) if text and str(text).isdigit() else 0


def _block(
    tab: str, anchor: str, rows: list[list[Any]], width: int, previous: str | None
) -> dict[str, Any]:
    """A ValueRange for `rows`, padded with blank rows over what the last write left below."""
    padded = [(list(r) + [""] * width)[:width] for r in rows]
    padded += [[""] * width for _ in range(max(0, _int(previous) - len(rows)))]
    first_row, first_column = a1_to_rowcol(anchor)
    last = rowcol_to_a1(first_row + max(len(padded), 1) - 1, first_column + width - 1)
    return {
        "range": absolute_range_name(tab, f"{anchor}:{last}"),  # the title quoted, always
        "values": padded or [[""] * width],
    }


def _removals(sheets: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Delete the formats a previous FORMAT_VERSION added, before adding them again."""
    out: list[dict[str, Any]] = []
    for sheet in sheets:
        sheet_id = sheet["properties"]["sheetId"]
        rules = sheet.get("conditionalFormats") or []
        out += [{"deleteConditionalFormatRule": {"sheetId": sheet_id, "index": 0}} for _ in rules]
        out += [
            {"deleteProtectedRange": {"protectedRangeId": p["protectedRangeId"]}}
            for p in sheet.get("protectedRanges") or []
        ]
    return out


def _chart_id(sheets: Sequence[Mapping[str, Any]]) -> int | None:
    for sheet in sheets:
        for chart in sheet.get("charts") or []:
            return int(chart["chartId"])
    return None


def _grow(tab: str, rows: int) -> dict[str, Any]:
    return {
        "updateSheetProperties": {
            "properties": {
                "sheetId": SHEET_IDS.get(tab, EXTRA_SHEET_IDS.get(tab)),
                "gridProperties": {"rowCount": rows},
            },
            "fields": "gridProperties.rowCount",
        }
    }


def tracker_ids(connection: Connection, operator: str) -> list[str]:
    """The operator's tagged trackers, earliest first (one Drive call). More than one exists
    only when two first-ever runs each made one at the same moment."""
    return [tracker_id for tracker_id, _created in tracker_listing(connection, operator)]


def tracker_listing(connection: Connection, operator: str) -> list[tuple[str, str]]:
    """(id, createdTime) of the operator's tagged trackers, earliest first."""
    query = f"{file_query(TRACKER)} and 'me' in owners and trashed = false"
    found = execute(
        connection.drive(operator)
        .files()
        .list(q=query, spaces="drive", pageSize=10, fields="files(id,createdTime)"),
        what="drive.files.list",
        policy=connection.retry,
        meter=connection.meter,
    ).get("files", [])
    pairs = [(str(f["id"]), str(f.get("createdTime", ""))) for f in found]
    return sorted(pairs, key=lambda pair: (pair[1], pair[0]))


def _create_lock(value: str) -> dict[str, Any]:
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataKey": LOCK_KEY,
                "metadataValue": value,
                "location": {"spreadsheet": True},
                "visibility": "DOCUMENT",
            }
        }
    }


def _locks(
    metadata: Sequence[Mapping[str, Any]], mine: int
) -> tuple[list[tuple[int, str]], list[int]]:
    """(other live lock entries, stale entries) among the spreadsheet's metadata."""
    live: list[tuple[int, str]] = []
    stale: list[int] = []
    for meta in metadata:
        if meta.get("metadataKey") != LOCK_KEY or int(meta["metadataId"]) == mine:
            continue
        value = str(meta.get("metadataValue", ""))
        if sync_lock.is_stale(value):
            stale.append(int(meta["metadataId"]))
        else:
            live.append((int(meta["metadataId"]), value))
    return live, stale


# -- rows <-> cells --------------------------------------------------------------------------------
def record_link(file_id: str | None) -> str:
    return f"https://docs.google.com/document/d/{file_id}/edit" if file_id else ""


def record_id_from(link: Any) -> str | None:
    text = str(link or "")
    marker = "/document/d/"
    if marker not in text:
        return None
    return text.split(marker, 1)[1].split("/", 1)[0] or None


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def _moment(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def session_cells(row: TrackedSession) -> list[Any]:
    """The 12 Sessions cells of a row (the note is set by the caller)."""
    return [
        row.session_id,
        row.team,
        row.supervisor_name,
        row.supervisee_name,
        row.line_manager_name,
        row.category,
        serial(row.session_date),
        record_link(row.record_id),
        serial(row.record_due),
        serial(row.completed),
        str(row.status),
        row.note,
    ]


def state_cells(row: TrackedSession) -> list[Any]:
    return [
        row.session_id,
        row.supervisee_email,
        row.supervisor_email,
        row.line_manager_email,
        _iso(row.start),
        _iso(row.end),
        row.record_owner,
        _iso(row.completed_at),
        _iso(row.cancelled_at),
        "yes" if row.urgent else "",
    ]


def rows_from(content: Content) -> list[TrackedSession]:
    """The Sheet's rows back in the domain's words, in Sheet order."""
    out: list[TrackedSession] = []
    for cells in content.sessions:
        sid = str(cells[0])
        state = content.state.get(sid, [sid] + [""] * (len(STATE_HEADER) - 1))
        day = from_serial(cells[6])
        start = _moment(state[4]) or (
            datetime(day.year, day.month, day.day) if day else datetime(1970, 1, 1)
        )
        try:
            status = Status(str(cells[10]).strip().upper())
        except ValueError:
            status = Status.BOOKED
        out.append(
            TrackedSession(
                session_id=sid,
                team=str(cells[1]),
                supervisor_email=str(state[2]),
                supervisor_name=str(cells[2]),
                supervisee_email=str(state[1]),
                supervisee_name=str(cells[3]),
                line_manager_email=str(state[3]),
                line_manager_name=str(cells[4]),
                category=str(cells[5]),
                start=start,
                end=_moment(state[5]) or start,
                record_due=from_serial(cells[8]) or start.date(),
                status=status,
                record_id=record_id_from(cells[7]),
                completed=from_serial(cells[9]),
                note="" if cells[11] is None else str(cells[11]),
                record_owner=str(state[6]),
                completed_at=_moment(state[7]),
                cancelled_at=_moment(state[8]),
                urgent=str(state[9]).strip().lower() == "yes",
            )
        )
    return out
