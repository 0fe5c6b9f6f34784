"""Calendar JSON for rearranging cancelled sessions (Hillingdon 3.3).

Reads, per supervisor: the app's series (to know each session's supervisee and pair, and which
whole series were cancelled by `book` - those are not rearranged), one events.list of the app's
events with showDeleted for the replacements already booked, and one unfiltered listing of the
cancelled occurrences: a cancelled exception is only guaranteed its id, recurringEventId and
originalStartTime (Events reference, Event.status), carries no tags and so never matches the
app's filter; its series and original start say which session it was.
A replacement is one single event in the supervisor's calendar, tagged
`extendedProperties.private` {app, kind=rearrangement, rearranges=<cancelled session id>, pair};
it carries no `year`, so `book` (which lists its series by year) never sees or retires it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..domain.rearrange import rearrangement_event_id
from ..domain.series import phase_at
from .calendar import (
    CONFIDENTIAL,
    BookedSeries,
    CalendarAdapter,
    Write,
    event_time,
    popup_reminder,
)
from .calendar_read import (
    CancelledOccurrence,
    cancelled_occurrences,
    list_events,
    span,
    stamp,
)
from .tags import RearrangementTags, SeriesTags, event_tags, extended

SESSION_FIELDS = (
    "nextPageToken,items(id,status,updated,created,start,end,recurringEventId,"
    "originalStartTime,extendedProperties)"
)


@dataclass(frozen=True)
class CancelledSession:
    """A session (instance of an app series) its supervisor cancelled in the calendar."""

    session_id: str
    calendar_user: str  # the supervisor
    series_event_id: str
    pair_id: str
    supervisee_email: str
    summary: str
    start: datetime  # the cancelled session's own (original) start, in the policy's zone
    end: datetime
    timezone: str
    cancelled_at: datetime | None  # unknown on Google (a cancelled occurrence has no time)
    tags: SeriesTags = field(default_factory=lambda: SeriesTags("", "", ""), compare=False)


@dataclass(frozen=True)
class Replacement:
    """A rearranged session booked by this app for a cancelled one."""

    event_id: str
    calendar_user: str
    rearranges: str  # the cancelled session's id
    start: datetime
    end: datetime
    status: str
    created: datetime | None


@dataclass
class CalendarState:
    cancelled: list[CancelledSession] = field(default_factory=list)
    replacements: dict[str, Replacement] = field(default_factory=dict)  # by cancelled id


def read_state(
    adapter: CalendarAdapter, user: str, time_min: datetime, time_max: datetime
) -> CalendarState:
    """Cancelled sessions and replacements in `user`'s calendar; three calls (plus pages)."""
    masters = {b.event_id: b for b in adapter.list_app_series(user) if b.recurrence}
    state = CalendarState()
    items = list_events(
        adapter.connection, user, fields=SESSION_FIELDS, time_min=time_min, time_max=time_max
    )
    for item in items:
        _read_replacement(item, user.lower(), state)
    for gone in cancelled_occurrences(adapter.connection, user, time_min, time_max):
        master = masters.get(gone.series_event_id)
        if master is None or master.cancelled:
            continue  # not ours, or a whole series `book` ended (a leaver): not rearranged
        if master.kind != "supervision":
            continue  # an observation, appraisal or review: 3.3 is about supervision sessions
        state.cancelled.append(_cancelled(gone, master))
    return state


def _read_replacement(item: Mapping[str, Any], user: str, state: CalendarState) -> None:
    tags = event_tags(item)
    if isinstance(tags, RearrangementTags) and tags.rearranges:
        start, end, _ = span(item)
        replacement = Replacement(
            event_id=str(item["id"]),
            calendar_user=user,
            rearranges=tags.rearranges,
            start=start,
            end=end,
            status=str(item.get("status", "confirmed")),
            created=stamp(item.get("created")),
        )
        state.replacements[replacement.rearranges] = replacement


def _cancelled(gone: CancelledOccurrence, master: BookedSeries) -> CancelledSession:
    """The cancelled session, from its series; when it was cancelled Google does not say."""
    start = gone.original_start.astimezone(master.start.tzinfo)
    return CancelledSession(
        session_id=gone.session_id,
        calendar_user=master.calendar_user,
        series_event_id=master.event_id,
        pair_id=master.pair_id,
        supervisee_email=master.attendees[0] if master.attendees else "",
        summary=master.summary,
        start=start,
        end=start + (master.end - master.start),
        timezone=master.timezone,
        cancelled_at=None,
        tags=master.tags,
    )


def replacement_body(
    cancelled: CancelledSession,
    start: datetime,
    end: datetime,
    policy_name: str = "",
    rule: str = "",
) -> dict[str, Any]:
    """The event booking the rearranged session: a single event linked to the cancelled one.
    `rule`: the policy's own rearrangement rule and citation (Policy.rearrange_text), so a
    calendar under one council's policy never cites another's sections."""
    tz = cancelled.timezone
    was = cancelled.start
    series = cancelled.tags
    tags = RearrangementTags(
        rearranges=cancelled.session_id,
        pair=cancelled.pair_id,
        series_event=cancelled.series_event_id,
        category=series.category,
        # a folded series: the cancelled session's own phase
        phase=phase_at(series.phases, cancelled.session_id, series.phase),
    )
    title = cancelled.summary.replace("Supervision:", "Supervision (rearranged):", 1)
    return {
        "id": rearrangement_event_id(cancelled.session_id),
        "summary": title,
        "description": "\n".join(
            [
                f"Rearranged from the session of {was:%a %d %b %Y %H:%M}, which was cancelled.",
                (f"Policy: {policy_name}." if policy_name else "")
                + (f" {rule[:1].upper()}{rule[1:]}." if rule else ""),
                "Booked by gws-supervision rearrange.",
            ]
        ),
        "start": event_time(start, tz),
        "end": event_time(end, tz),
        "attendees": [{"email": cancelled.supervisee_email}],
        "extendedProperties": extended(tags),
        "reminders": popup_reminder(),
        **CONFIDENTIAL,
    }


def book_replacement(
    adapter: CalendarAdapter,
    cancelled: CancelledSession,
    start: datetime,
    end: datetime,
    *,
    policy_name: str = "",
    rule: str = "",
    send_updates: str = "all",
) -> Any:
    """Insert the replacement in the supervisor's calendar (the supervisee is emailed an
    invitation with sendUpdates=all). A 409 means the id is taken: booked by an earlier run, so
    nothing new is written."""
    body = replacement_body(cancelled, start, end, policy_name, rule)
    write = Write("insert", body["id"], body)
    answers = adapter.write(cancelled.calendar_user, [write], send_updates=send_updates)
    return answers[f"insert:{write.event_id}"]
