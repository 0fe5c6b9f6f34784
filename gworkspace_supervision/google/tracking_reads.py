"""What `sync` reads besides the Sheet: each supervisor's sessions and their Drive changes.

Calendar, per supervisor: one events.list (singleEvents, showDeleted, filtered by the app's
private property) gives every live session of the year as Calendar holds it, with `created` and
the organiser (a supervisor's calendar also shows the sessions they attend as a supervisee; only
their own count). A cancelled occurrence is only its id, series and original start on Google (no
tags, no `updated`): the app's series (one listing) and the cancelled occurrences (one unfiltered
listing, four fields) rebuild each cancelled session from its series. A series `book` withdrew
(cancelled whole) has no sessions any more.
Drive: changes.list from a stored page token, per supervisor (each has their own Drive), gives
the records changed since the last sync; only those are read again.
Docs: the changed records' text, read with documents.get in Docs batch requests (docs.v1's
batchPath, https://docs.googleapis.com/batch), DOCS_BATCH a round trip, as each record's owner.
Not Drive files.export in a Drive batch: Google's Drive batch guide says batches do not carry
media downloads, and an export is one (the stricter reading; JSON parts are documented).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .batch import run_batch
from .calendar import BookedSeries, CalendarAdapter
from .calendar_read import (
    CancelledOccurrence,
    attendees_of,
    cancelled_occurrences,
    instance_from,
    list_events,
    stamp,
)
from .connect import Connection
from .docs import DOCS_BATCH, template_from
from .drive import RecordFile, record_from
from .retry import execute
from .tags import (
    RECORD,
    SUPERVISION,
    CoverTags,
    EventTags,
    RearrangementTags,
    SeriesTags,
    event_tags,
    is_ours,
)

EVENT_FIELDS = (
    "nextPageToken,items(id,status,start,end,recurringEventId,originalStartTime,updated,created,"
    "organizer(email,self),attendees(email),extendedProperties,location,description)"
)
CHANGE_FIELDS = (
    "nextPageToken,newStartPageToken,changes(fileId,removed,"
    "file(id,name,mimeType,trashed,appProperties,owners(emailAddress),modifiedTime))"
)
RECORD_MIME = "application/vnd.google-apps.document"


@dataclass(frozen=True)
class SessionEvent:
    """One session instance (or single app event) in a supervisor's own calendar."""

    session_id: str
    series_event_id: str
    supervisor: str
    supervisee: str
    pair_id: str
    category: str
    start: datetime
    end: datetime
    cancelled: bool
    updated: datetime | None
    created: datetime | None
    replaces: str | None = None  # the cancelled session this one rearranges (`rearranges` tag)
    tags: EventTags | None = field(default=None, compare=False)
    location: str = field(default="", compare=False)  # for export's ICS
    description: str = field(default="", compare=False)
    attendees: tuple[str, ...] = field(default=(), compare=False)

    @property
    def covers(self) -> bool:
        """A cover event (Hillingdon 3.4): it holds the session `session_id` of a colleague."""
        return isinstance(self.tags, CoverTags)

    @property
    def type(self) -> str:
        """Supervision, or an [[events]] type (observation, appraisal, review)."""
        return self.tags.type if isinstance(self.tags, SeriesTags) else SUPERVISION

    @property
    def event_kind(self) -> str:
        """An [[events]] event's kind, e.g. an observation's "direct work with a child"."""
        return self.tags.event_kind if isinstance(self.tags, SeriesTags) else ""

    @property
    def supervisor_label(self) -> str:
        """A cover session's supervisor as the tracker shows it: "Tom (cover for Sam)"."""
        return self.tags.supervisor_label if isinstance(self.tags, CoverTags) else ""


def list_year_sessions(
    connection: Connection, user: str, time_min: datetime, time_max: datetime
) -> list[SessionEvent]:
    """The app's sessions organised by `user` in the window, cancelled ones included (three
    calls a page: live sessions, the app's series, the cancelled occurrences)."""
    me = user.lower()
    out: list[SessionEvent] = []
    items = list_events(connection, user, fields=EVENT_FIELDS, time_min=time_min, time_max=time_max)
    for item in items:
        organizer = item.get("organizer") or {}
        if organizer and str(organizer.get("email", me)).lower() != me:
            continue  # a session this user attends as supervisee
        one = _session(item, me)
        if one.cancelled and (item.get("recurringEventId") or isinstance(one.tags, SeriesTags)):
            continue  # a whole series `book` withdrew, or one of its occurrences (whichever
            # Google lists); a cancelled occurrence of a live series is read below
        out.append(one)
    masters = {b.event_id: b for b in CalendarAdapter(connection).list_app_series(user)}
    for gone in cancelled_occurrences(connection, user, time_min, time_max):
        master = masters.get(gone.series_event_id)
        if master is not None and not master.cancelled:
            out.append(_cancelled(gone, master))
    return out


def _cancelled(gone: CancelledOccurrence, master: BookedSeries) -> SessionEvent:
    """A cancelled session, rebuilt from its series: Google keeps only its id and original
    start, so when it was cancelled is unknown (`updated` None)."""
    start = gone.original_start.astimezone(master.start.tzinfo)
    tags = master.tags
    return SessionEvent(
        session_id=gone.session_id,
        series_event_id=master.event_id,
        supervisor=master.calendar_user,
        supervisee=master.attendees[0] if master.attendees else "",
        pair_id=master.pair_id,
        category=tags.category,
        start=start,
        end=start + (master.end - master.start),
        cancelled=True,
        updated=None,
        created=None,
        tags=tags,
    )


def _session(item: Mapping[str, Any], user: str) -> SessionEvent:
    tags = event_tags(item)
    series = str(item.get("recurringEventId") or item["id"])
    instance = instance_from(item, series)
    # a cover event (services/cover.py) is the session it covers, held by this user
    covers = tags.covers if isinstance(tags, CoverTags) else None
    attendees = attendees_of(item)
    return SessionEvent(
        session_id=covers or instance.session_id,
        series_event_id=series,
        supervisor=user,
        supervisee=attendees[0] if attendees else "",
        pair_id=tags.pair if tags is not None else "",
        category=tags.category if tags is not None else "",
        start=instance.start,
        end=instance.end,
        cancelled=instance.status == "cancelled",
        updated=stamp(item.get("updated")),
        created=stamp(item.get("created")),
        replaces=(tags.rearranges or None) if isinstance(tags, RearrangementTags) else None,
        tags=tags,
        location=str(item.get("location", "")),
        description=str(item.get("description", "")),
        attendees=tuple(attendees),
    )


@dataclass(frozen=True)
class RecordChanges:
    """Records (the app's Docs) changed since a page token, and the token for next time."""

    records: list[RecordFile]
    removed: list[str]  # file ids gone or no longer visible
    new_token: str


def start_page_token(connection: Connection, user: str) -> str:
    request = connection.drive(user).changes().getStartPageToken()
    answer = execute(
        request,
        what="drive.changes.getStartPageToken",
        policy=connection.retry,
        meter=connection.meter,
    )
    return str(answer["startPageToken"])


def record_changes(connection: Connection, user: str, token: str) -> RecordChanges:
    """The app's records changed in `user`'s Drive since `token` (one call a 1000 changes)."""
    changes = connection.drive(user).changes()
    records: list[RecordFile] = []
    removed: list[str] = []
    while True:
        request = changes.list(
            pageToken=token,
            pageSize=1000,
            includeRemoved=True,
            spaces="drive",
            fields=CHANGE_FIELDS,
        )
        page = execute(
            request, what="drive.changes.list", policy=connection.retry, meter=connection.meter
        )
        for change in page.get("changes", []):
            file = change.get("file") or {}
            if change.get("removed") or file.get("trashed"):
                removed.append(str(change.get("fileId")))
                continue
            if file.get("mimeType") == RECORD_MIME and is_ours(file, RECORD):
                records.append(record_from(file))
        if page.get("newStartPageToken"):
            return RecordChanges(records, removed, str(page["newStartPageToken"]))
        token = str(page["nextPageToken"])


def export_html(connection: Connection, user: str, file_id: str) -> bytes:
    """A Doc as HTML, as Drive exports it (for `export`: each record as it stands)."""
    request = connection.drive(user).files().export(fileId=file_id, mimeType="text/html")
    data = execute(
        request, what="drive.files.export", policy=connection.retry, meter=connection.meter
    )
    return data if isinstance(data, bytes) else str(data).encode("utf-8")


def record_texts(
    connection: Connection, owner: str, file_ids: list[str], *, size: int = DOCS_BATCH
) -> dict[str, str]:
    """file id -> the record's text (paragraphs and table rows, one a line), read as `owner`
    in batches of `size` documents.get calls. A record deleted since Drive listed it (404) or
    no longer the owner's to read (403) is left out: the next listing says what became of it."""
    if not file_ids:
        return {}
    documents = connection.docs(owner).documents()
    replies = run_batch(
        connection.docs(owner),
        [(i, documents.get(documentId=i)) for i in file_ids],
        size=size,
        what="docs.documents.get",
        policy=connection.retry,
        meter=connection.meter,
        tolerate=(403, 404),
    )
    return {
        i: template_from(reply).text() for i, reply in replies.items() if isinstance(reply, Mapping)
    }
