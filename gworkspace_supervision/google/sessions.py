"""Calendar reads and writes for records: the app's session instances, and record attachments.

One events.list (singleEvents, filtered by the app's private property) returns every session
of a supervisor's calendar in a window as Calendar holds it: moved instances at their new time,
cancelled ones with status "cancelled". That is one call per supervisor instead of one per
series. Attaching a record is one instance patch, batched with the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..domain.series import phase_at
from .calendar import Write
from .calendar_read import BookedInstance, attendees_of, instance_from, list_events, private_of
from .connect import Connection

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
    private: Mapping[str, str] = field(default_factory=dict, compare=False)

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
    connection: Connection, user: str, time_min: datetime, time_max: datetime
) -> list[CalendarSession]:
    """The app's session instances in `user`'s calendar (cancelled ones included)."""
    items = list_events(
        connection, user, fields=SESSION_FIELDS, time_min=time_min, time_max=time_max
    )
    # an observation, appraisal or review (`type`) has no supervision record
    return [
        session_from(item, user.lower())
        for item in items
        if private_of(item).get("type", "supervision") == "supervision"
    ]


def session_from(item: Mapping[str, Any], user: str) -> CalendarSession:
    private = private_of(item)
    series = str(item.get("recurringEventId") or item["id"])
    return CalendarSession(
        instance=instance_from(item, series),
        calendar_user=user,
        pair_id=private.get("pair", ""),
        series_key=private.get("series") or series,
        location=item.get("location") or None,
        attendees=attendees_of(item),
        category=private.get("category", ""),
        phase=phase_at(private.get("phases", ""), item["id"], private.get("phase", "")),
        covers=private.get("covers", "") if private.get("kind") == "cover" else "",
        private=private,
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
