"""Calendar JSON for absence cover (Hillingdon Supervision Framework 3.4): the cover event and the covered instance.

A covered session is cancelled in the usual supervisor's calendar (an instance override, status
cancelled; Google keeps no tags on a cancelled occurrence, so the cover event's `covers` tag is
what tells tracking and a re-run that the session lives on elsewhere) and booked as one single
event in the covering supervisor's calendar, tagged (google/tags.py CoverTags)
{app, kind=cover, covers=<session id>, usual_supervisor, pair, ...}. The cover event carries
no `year`, so `book` (which lists its series by year) never sees or retires it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.cover import cover_event_id, cover_label
from .calendar import CONFIDENTIAL, Write, event_time, popup_reminder
from .drive import RecordFile
from .sessions import DOC_MIME, LINK_TEXT, CalendarSession
from .tags import CoverTags, extended


def cover_body(
    session: CalendarSession,
    *,
    timezone: str,
    by: str,
    by_name: str,
    usual: str,
    usual_name: str,
    supervisee: str,
    supervisee_name: str,
    record: RecordFile | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    rule: str = "",
) -> dict[str, Any]:
    """The event the covering supervisor holds the session with (the supervisee invited), at
    `start`-`end` (default the session's own time). `rule`: why, in the policy's own words and
    sections (Policy.cover_text), never another council's."""
    own = session.instance.start
    start, end = start or own, end or session.instance.end
    tags = CoverTags(
        covers=session.session_id,
        usual_supervisor=usual,
        pair=session.pair_id,
        series=session.series_key,
        cover_name=by_name,
        usual_name=usual_name,
        supervisor_label=cover_label(by_name, usual_name),
        category=session.category,
        phase=session.phase,
        # placed elsewhere: the covering supervisor was busy at its own time
        moved_from=own if start != own else None,
    )
    why = f": {rule}" if rule else ""
    description = (
        f"Supervision: {supervisee_name} with {by_name}, covering for {usual_name}{why}. "
        "Booked by gws-supervision cover."
    )
    body: dict[str, Any] = {
        "id": cover_event_id(session.session_id),
        "summary": f"Supervision (cover): {supervisee_name} / {by_name}",
        "start": event_time(start, timezone),
        "end": event_time(end, timezone),
        "attendees": [{"email": supervisee, "displayName": supervisee_name}],
        "extendedProperties": extended(tags),
        "reminders": popup_reminder(),
        **CONFIDENTIAL,
    }
    if session.location:
        body["location"] = session.location
    if record is not None:  # the record moved with the session: attached, linked
        url = record.link
        body["attachments"] = [
            {"fileUrl": url, "fileId": record.file_id, "title": record.name, "mimeType": DOC_MIME}
        ]
        description += f"\n\n{LINK_TEXT}: {url}"
    body["description"] = description
    return body


def cover_write(session: CalendarSession, **facts: Any) -> Write:
    """Insert the cover event (`cover_body`'s arguments)."""
    body = cover_body(session, **facts)
    return Write("insert", body["id"], body)


def cancel_write(session: CalendarSession, by: str) -> Write:
    """Cancel the usual supervisor's instance (`by`'s cover event now holds the session)."""
    return Write("patch", session.event_id, {"status": "cancelled"})
