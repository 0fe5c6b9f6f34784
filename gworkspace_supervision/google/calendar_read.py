"""Reading Calendar: the one paged reader, and the JSON-to-dataclass parsing every reader shares.

`book` (the app's series), `records` and `cover` (sessions), `sync` and `export` (the year's
sessions) and `rearrange` (cancellations and replacements) all list the app's events the same
way: tagged as ours in the private extended properties (tags.event_filter), deleted ones shown, 2500 a page.
They differ only in the `fields` they ask Google for (each asks for what it reads) and in what
they keep, so `list_events` takes the fields and yields the items; `instance_from`, `span`,
`attendees_of` and `stamp` turn an item's JSON into the domain's terms (our tags: tags.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.parser import isoparse

from .connect import Connection
from .retry import execute
from .tags import event_filter

PAGE = 2500  # Calendar's largest page
# A cancelled occurrence of a recurring event is "only guaranteed to have values for the id,
# recurringEventId and originalStartTime fields" (Events reference, Event.status), so no
# privateExtendedProperty filter ever matches it: it is listed unfiltered, these fields only.
CANCELLED_FIELDS = "nextPageToken,items(id,status,recurringEventId,originalStartTime)"


@dataclass(frozen=True)
class BookedInstance:
    """One session as the calendar holds it (moved and cancelled ones included)."""

    session_id: str  # the instance id: "<event id>_<UTC start>"
    series_event_id: str
    start: datetime
    end: datetime
    status: str
    original_start: datetime | None
    description: str
    attachments: tuple[dict[str, str], ...]
    html_link: str


@dataclass(frozen=True)
class CancelledOccurrence:
    """A cancelled occurrence as Google lists it: its id, its series and its original start."""

    session_id: str
    series_event_id: str
    original_start: datetime


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def when(raw: Mapping[str, Any] | None, default_tz: str = "UTC") -> tuple[datetime, str]:
    """A Calendar `start`/`end`/`originalStartTime` as an aware datetime and its time zone."""
    raw = raw or {}
    tz = str(raw.get("timeZone") or default_tz)
    if "dateTime" in raw:
        moment = isoparse(str(raw["dateTime"]))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(tz))
        return moment.astimezone(ZoneInfo(tz)), tz
    day = isoparse(str(raw.get("date", "1970-01-01")))
    return day.replace(tzinfo=ZoneInfo(tz)), tz


def span(item: Mapping[str, Any]) -> tuple[datetime, datetime, str]:
    """An event's start and end (end in the start's zone when it names none), and that zone."""
    start, tz = when(item.get("start"))
    end, _ = when(item.get("end"), tz)
    return start, end, tz


def stamp(value: Any) -> datetime | None:
    """An RFC 3339 `updated`/`created`, or None when Google left it out."""
    return isoparse(str(value)) if value else None


def attendees_of(item: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(str(a.get("email", "")).lower() for a in item.get("attendees") or ())


def declined_by(item: Mapping[str, Any], email: str) -> bool:
    """Whether `email` (a guest) answered "No" to this event or occurrence: Google keeps a
    guest's answer in their attendees entry (`responseStatus` "declined"); the organiser still
    holds the event, so the session will not happen until the organiser rearranges it."""
    who = email.lower()
    return any(
        str(a.get("email", "")).lower() == who and a.get("responseStatus") == "declined"
        for a in item.get("attendees") or ()
    )


def instance_from(item: Mapping[str, Any], series_event_id: str) -> BookedInstance:
    start, end, tz = span(item)
    original = item.get("originalStartTime")
    return BookedInstance(
        session_id=str(item["id"]),
        series_event_id=str(item.get("recurringEventId") or series_event_id),
        start=start,
        end=end,
        status=str(item.get("status", "confirmed")),
        original_start=when(original, tz)[0] if original else None,
        description=str(item.get("description") or ""),
        attachments=tuple(dict(a) for a in item.get("attachments") or ()),
        html_link=str(item.get("htmlLink", "")),
    )


def paged(
    connection: Connection, what: str, request_for: Callable[[str | None], Any]
) -> Iterator[Mapping[str, Any]]:
    """The items of every page: `request_for(page_token)` builds each page's request."""
    token: str | None = None
    while True:
        page = execute(
            request_for(token), what=what, policy=connection.retry, meter=connection.meter
        )
        yield from page.get("items", [])
        token = page.get("nextPageToken")
        if not token:
            return


def list_events(
    connection: Connection,
    user: str,
    *,
    fields: str,
    time_min: datetime | None = None,
    time_max: datetime | None = None,
    single_events: bool = True,
    props: Sequence[str] = (),
    events: Any = None,
) -> Iterator[Mapping[str, Any]]:
    """The app's events in `user`'s calendar (deleted ones too), one events.list a page.

    `single_events` expands series into instances; `props` adds private-property filters;
    `events` is a `service.events()` resource to reuse (built here otherwise).
    """
    resource = events if events is not None else connection.calendar(user).events()
    window = {}
    if time_min is not None:
        window["timeMin"] = utc_text(time_min)
    if time_max is not None:
        window["timeMax"] = utc_text(time_max)
    return paged(
        connection,
        "calendar.events.list",
        lambda token: resource.list(
            calendarId=connection.calendar_id(user),
            privateExtendedProperty=[*event_filter(), *props],
            singleEvents=single_events,
            showDeleted=True,
            **window,
            maxResults=PAGE,
            pageToken=token,
            fields=fields,
        ),
    )


def cancelled_occurrences(
    connection: Connection,
    user: str,
    time_min: datetime,
    time_max: datetime,
    *,
    events: Any = None,
) -> list[CancelledOccurrence]:
    """Every cancelled occurrence of a recurring event in `user`'s calendar in the window; one
    events.list a page. Unfiltered (a cancelled occurrence carries no tags) and without
    singleEvents (masters and their exceptions only), asking for the four fields that identify
    one: the caller keeps those whose series is one of ours.
    """
    resource = events if events is not None else connection.calendar(user).events()
    items = paged(
        connection,
        "calendar.events.list",
        lambda token: resource.list(
            calendarId=connection.calendar_id(user),
            singleEvents=False,
            showDeleted=True,
            timeMin=utc_text(time_min),
            timeMax=utc_text(time_max),
            maxResults=PAGE,
            pageToken=token,
            fields=CANCELLED_FIELDS,
        ),
    )
    return [
        CancelledOccurrence(
            session_id=str(item["id"]),
            series_event_id=str(item["recurringEventId"]),
            original_start=when(item["originalStartTime"])[0],
        )
        for item in items
        if item.get("status") == "cancelled"
        and item.get("recurringEventId")
        and item.get("originalStartTime")
    ]
