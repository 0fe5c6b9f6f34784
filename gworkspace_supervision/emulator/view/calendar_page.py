"""Calendar: a person's week or month as their primary calendar shows it, through events.list.

Cancelling one occurrence is `events.delete` on the instance id and moving it is `events.patch`
of the instance's start and end, as Google Calendar's own page does; both notify the guests
(sendUpdates=all). Only the organiser may change an event: Google answers anyone else 403
forbiddenForNonOrganizer, so the page offers the buttons to the organiser only and shows
Google's answer if someone tries anyway. What a guest does instead is answer the invitation:
"Decline" patches only their own attendee `responseStatus` to "declined" on that occurrence
(events.patch on the instance id with the attendees list, the one change Google lets a guest
make), which the organiser sees and the toolkit's `sync`/`rearrange` treat as a session that will
not happen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from googleapiclient.errors import HttpError

from ...google.connect import Connection


@dataclass
class Occurrence:
    event_id: str
    summary: str
    start: datetime
    end: datetime
    kind: str
    organizer: str
    mine: bool
    recurring: bool
    location: str = ""
    attendees: list[tuple[str, str]] = field(default_factory=list)
    records: list[tuple[str, str]] = field(default_factory=list)  # (file id, title)

    def my_answer(self, user: str) -> str | None:
        """The user's own response as a guest, or None when they are not a guest."""
        for email, response in self.attendees:
            if email.lower() == user.lower():
                return response
        return None


@dataclass
class Day:
    day: date
    in_range: bool
    today: bool
    events: list[Occurrence] = field(default_factory=list)


@dataclass
class CalendarPage:
    user: str
    mode: str
    day: date
    first: date
    last: date
    previous: date
    next: date
    zone: str
    weeks: list[list[Day]]


def time_zone(connection: Connection, user: str) -> ZoneInfo:
    """The person's calendar time zone (calendars.get), Europe/London if unreadable."""
    try:
        found = connection.calendar(user).calendars().get(calendarId="primary").execute()
        return ZoneInfo(str(found.get("timeZone") or "Europe/London"))
    except (HttpError, ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/London")


def _bounds(mode: str, day: date) -> tuple[date, date, date, date]:
    """(first shown, last shown, previous page's day, next page's day)."""
    if mode == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6), day - timedelta(days=7), day + timedelta(days=7)
    start = day.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    first = start - timedelta(days=start.weekday())
    last = end + timedelta(days=6 - end.weekday())
    return first, last, start - timedelta(days=1), end + timedelta(days=1)


def _when(value: dict[str, Any], tz: ZoneInfo) -> datetime:
    if "dateTime" in value:
        return datetime.fromisoformat(value["dateTime"].replace("Z", "+00:00")).astimezone(tz)
    return datetime.combine(date.fromisoformat(value["date"]), time(0), tzinfo=tz)


def occurrence(event: dict[str, Any], user: str, tz: ZoneInfo) -> Occurrence:
    private = (event.get("extendedProperties") or {}).get("private") or {}
    organizer = (event.get("organizer") or {}).get("email", "")
    summary = str(event.get("summary") or "(No title)")
    kind = str(private.get("type") or "").strip().capitalize()  # the organiser's copy has tags
    if not kind:  # a guest's copy has none (private properties stay with the organiser)
        head = summary.partition(":")[0].strip() if ":" in summary else ""
        kind = head[:40] if head else ("Supervision" if private else "Event")
    return Occurrence(
        event_id=str(event["id"]),
        summary=summary,
        start=_when(event.get("start") or {}, tz),
        end=_when(event.get("end") or {}, tz),
        kind=kind,
        organizer=organizer,
        mine=organizer.lower() == user.lower(),
        recurring=bool(event.get("recurringEventId")),
        location=str(event.get("location") or ""),
        attendees=[
            (str(a.get("email", "")), str(a.get("responseStatus", "needsAction")))
            for a in event.get("attendees") or []
        ],
        records=[
            (str(a["fileId"]), str(a.get("title") or "Record"))
            for a in event.get("attachments") or []
            if a.get("fileId")
        ],
    )


def read(connection: Connection, user: str, mode: str, day: date, tz: ZoneInfo) -> CalendarPage:
    first, last, previous, following = _bounds(mode, day)
    lo = datetime.combine(first, time(0), tzinfo=tz)
    hi = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
    events = connection.calendar(user).events()
    found: list[Occurrence] = []
    token: str | None = None
    while True:
        answer = events.list(
            calendarId="primary", timeMin=lo.isoformat(), timeMax=hi.isoformat(),
            singleEvents=True, orderBy="startTime", maxResults=2500, pageToken=token,
        ).execute()  # fmt: skip
        found += [occurrence(e, user, tz) for e in answer.get("items", []) if e.get("start")]
        token = answer.get("nextPageToken")
        if not token:
            break
    today = connection.now().astimezone(tz).date()
    days = [
        Day(first + timedelta(days=i), mode == "week" or (first + timedelta(days=i)).month ==
            day.month, first + timedelta(days=i) == today)
        for i in range((last - first).days + 1)
    ]  # fmt: skip
    by_day = {d.day: d for d in days}
    for event in found:
        if event.start.date() in by_day:
            by_day[event.start.date()].events.append(event)
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    return CalendarPage(user, mode, day, first, last, previous, following, str(tz), weeks)


def cancel(connection: Connection, user: str, event_id: str) -> None:
    """Cancel one occurrence (or a single event), telling the guests."""
    connection.calendar(user).events().delete(
        calendarId="primary", eventId=event_id, sendUpdates="all"
    ).execute()


def decline(connection: Connection, user: str, event_id: str) -> None:
    """Answer "No" to one occurrence (or a single event) as a guest: only the user's own
    attendee responseStatus changes; the organiser is told through their copy of the event."""
    events = connection.calendar(user).events()
    event = events.get(calendarId="primary", eventId=event_id).execute()
    attendees = [
        {k: v for k, v in a.items() if k != "self"}
        | ({"responseStatus": "declined"} if a.get("self") else {})
        for a in event.get("attendees") or []
    ]
    events.patch(calendarId="primary", eventId=event_id, body={"attendees": attendees}).execute()


def move(connection: Connection, user: str, event_id: str, day: date, at: str) -> None:
    """Move one occurrence to `day` at `at` (HH:MM, the calendar's zone), keeping its length."""
    events = connection.calendar(user).events()
    event = events.get(calendarId="primary", eventId=event_id).execute()
    tz = time_zone(connection, user)
    start, end = _when(event["start"], tz), _when(event["end"], tz)
    new_start = datetime.combine(day, datetime.strptime(at, "%H:%M").time(), tzinfo=tz)
    new_end = new_start + (end - start)
    body = {
        "start": {"dateTime": new_start.isoformat(), "timeZone": str(tz)},
        "end": {"dateTime": new_end.isoformat(), "timeZone": str(tz)},
    }
    events.patch(calendarId="primary", eventId=event_id, body=body, sendUpdates="all").execute()
