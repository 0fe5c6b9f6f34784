"""Calendar reads and writes for records: the app's session instances, and record attachments.

One events.list (singleEvents, filtered by the app's private property) returns every live
session of a supervisor's calendar in a window as Calendar holds it, moved instances at their new
time: one call per supervisor instead of one per series. A cancelled occurrence carries only its
id, series and original start (and so never matches the filter): when a caller needs those, the
app's series and one unfiltered listing of cancelled occurrences are read too, and each is
rebuilt from its series. Attaching a record is one instance patch, batched with the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..domain.series import phase_at
from .calendar import BookedSeries, CalendarAdapter, Write
from .calendar_read import (
    BookedInstance,
    CancelledOccurrence,
    attendees_of,
    cancelled_occurrences,
    instance_from,
    list_events,
)
from .connect import Connection
from .tags import CoverTags, EventTags, RearrangementTags, SeriesTags, event_tags

SESSION_FIELDS = (
    "nextPageToken,items(id,status,start,end,recurringEventId,originalStartTime,description,"
    "attachments(fileUrl,fileId,title,mimeType),htmlLink,location,attendees(email),"
    "extendedProperties)"
)
DOC_MIME = "application/vnd.google-apps.document"
LINK_TEXT = "Supervision record"


@dataclass(frozen=True)
class CalendarSession:
    """A booked session with what the record needs: which pair, where, whose calendar."""

    instance: BookedInstance
    calendar_user: str
    pair_id: str
    series_key: str
    location: str | None
    attendees: tuple[str, ...]
    category: str = ""
    phase: str = ""
    covers: str = ""  # a cover event (Hillingdon 3.4): the id of the session it holds
    tags: EventTags | None = field(default=None, compare=False)

    @property
    def type(self) -> str:
        """Supervision, or an [[events]] type (observation, appraisal, review)."""
        return self.tags.type if isinstance(self.tags, SeriesTags) else "supervision"

    @property
    def cover_name(self) -> str:
        """Who holds a cover session (Hillingdon 3.4), as the cover event names them."""
        return self.tags.cover_name if isinstance(self.tags, CoverTags) else ""

    @property
    def supervisor_label(self) -> str:
        """A cover session's supervisor as shown: "Tom (cover for Sam)"."""
        return self.tags.supervisor_label if isinstance(self.tags, CoverTags) else ""

    @property
    def session_id(self) -> str:
        """The session's id: a cover event stands for the session it covers."""
        return self.covers or self.instance.session_id

    @property
    def event_id(self) -> str:
        """The calendar event (or instance) to write to."""
        return self.instance.session_id

    @property
    def cancelled(self) -> bool:
        return self.instance.status == "cancelled"

    def attached(self, file_id: str) -> bool:
        return any(a.get("fileId") == file_id for a in self.instance.attachments) and (
            file_id in self.instance.description
        )


def list_sessions(
    connection: Connection,
    user: str,
    time_min: datetime,
    time_max: datetime,
    *,
    cancelled: bool = False,
) -> list[CalendarSession]:
    """The app's live session instances in `user`'s calendar (one call a page); with
    `cancelled`, its cancelled sessions too (two more calls a page)."""
    items = list_events(
        connection, user, fields=SESSION_FIELDS, time_min=time_min, time_max=time_max
    )
    # an observation, appraisal or review (`type`) has no supervision record; an instance of
    # a whole series `book` withdrew is no session any more
    out = [
        one
        for one in (session_from(item, user.lower()) for item in items)
        if one.type == "supervision" and not one.cancelled
    ]
    if cancelled:
        masters = {b.event_id: b for b in CalendarAdapter(connection).list_app_series(user)}
        for gone in cancelled_occurrences(connection, user, time_min, time_max):
            master = masters.get(gone.series_event_id)
            if master is not None and not master.cancelled and master.kind == "supervision":
                out.append(cancelled_session(gone, master))
    return out


def cancelled_session(gone: CancelledOccurrence, master: BookedSeries) -> CalendarSession:
    """A cancelled session, rebuilt from its series (Google gives only id and original start)."""
    start = gone.original_start.astimezone(master.start.tzinfo)
    instance = BookedInstance(
        session_id=gone.session_id,
        series_event_id=master.event_id,
        start=start,
        end=start + (master.end - master.start),
        status="cancelled",
        original_start=start,
        description="",
        attachments=(),
        html_link="",
    )
    tags = master.tags
    return CalendarSession(
        instance=instance,
        calendar_user=master.calendar_user,
        pair_id=master.pair_id,
        series_key=master.series_key,
        location=None,
        attendees=master.attendees,
        category=tags.category,
        phase=phase_at(tags.phases, gone.session_id, tags.phase),
        tags=tags,
    )


def session_from(item: Mapping[str, Any], user: str) -> CalendarSession:
    tags = event_tags(item)
    series = str(item.get("recurringEventId") or item["id"])
    if isinstance(tags, SeriesTags):
        series_key, phase = tags.series, phase_at(tags.phases, str(item["id"]), tags.phase)
    elif isinstance(tags, CoverTags):
        series_key, phase = tags.series or series, tags.phase
    else:
        series_key, phase = series, tags.phase if isinstance(tags, RearrangementTags) else ""
    return CalendarSession(
        instance=instance_from(item, series),
        calendar_user=user,
        pair_id=tags.pair if tags is not None else "",
        series_key=series_key,
        location=item.get("location") or None,
        attendees=attendees_of(item),
        category=tags.category if tags is not None else "",
        phase=phase,
        covers=tags.covers if isinstance(tags, CoverTags) else "",
        tags=tags,
    )


def attach_write(session: CalendarSession, *, file_id: str, title: str) -> Write:
    """The instance patch that attaches a record and puts its link in the description.

    Built from the instance as just listed, so it needs no extra read; the description keeps
    what was there and gains one line.
    """
    url = f"https://docs.google.com/document/d/{file_id}/edit"
    kept = [
        dict(a)
        for a in session.instance.attachments
        if a.get("fileId") != file_id and a.get("fileUrl") != url
    ]
    attachment = {"fileUrl": url, "fileId": file_id, "title": title, "mimeType": DOC_MIME}
    description = session.instance.description
    line = f"{LINK_TEXT}: {url}"
    if line not in description:
        description = f"{description}\n\n{line}" if description else line
    body = {"attachments": kept + [attachment], "description": description}
    return Write("patch", session.event_id, body)
