"""Calendar JSON for rearranging cancelled sessions (Hillingdon 3.3).

Reads, per supervisor: the app's series (to know each session's supervisee and pair, and which
whole series were cancelled by `book` - those are not rearranged), then one events.list of the
app's single sessions with showDeleted: cancelled instances (a cancelled exception is only
guaranteed its id, originalStartTime and `updated`), and the replacements already booked.
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
    APP,
    CONFIDENTIAL,
    BookedSeries,
    CalendarAdapter,
    Write,
    event_time,
    popup_reminder,
)
from .calendar_read import list_events, private_of, span, stamp, when

KIND = "rearrangement"
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
    cancelled_at: datetime | None  # Calendar's `updated` of the cancelled instance
    private: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)


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
    """Cancelled sessions and replacements in `user`'s calendar; two calls (plus pages)."""
    masters = {b.event_id: b for b in adapter.list_app_series(user) if b.recurrence}
    state = CalendarState()
    items = list_events(
        adapter.connection, user, fields=SESSION_FIELDS, time_min=time_min, time_max=time_max
    )
    for item in items:
        _read_item(item, user.lower(), masters, state)
    return state


def _read_item(
    item: Mapping[str, Any], user: str, masters: Mapping[str, BookedSeries], state: CalendarState
) -> None:
    private = private_of(item)
    if private.get("kind") == KIND and private.get("rearranges"):
        start, end, _ = span(item)
        replacement = Replacement(
            event_id=str(item["id"]),
            calendar_user=user,
            rearranges=private["rearranges"],
            start=start,
            end=end,
            status=str(item.get("status", "confirmed")),
            created=stamp(item.get("created")),
        )
        state.replacements[replacement.rearranges] = replacement
        return
    master = masters.get(str(item.get("recurringEventId", "")))
    if item.get("status") != "cancelled" or master is None or master.cancelled:
        return  # a held session, or a whole series `book` ended (a leaver): not rearranged
    if master.private.get("type", "supervision") != "supervision":
        return  # an observation, appraisal or review: 3.3 is about supervision sessions
    start = when(item.get("originalStartTime") or item.get("start"), master.timezone)[0]
    state.cancelled.append(
        CancelledSession(
            session_id=str(item["id"]),
            calendar_user=user,
            series_event_id=master.event_id,
            pair_id=master.pair_id,
            supervisee_email=master.attendees[0] if master.attendees else "",
            summary=master.summary,
            start=start,
            end=start + (master.end - master.start),
            timezone=master.timezone,
            cancelled_at=stamp(item.get("updated")),
            private=master.private,
        )
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
    private = {
        "app": APP,
        "kind": KIND,
        "rearranges": cancelled.session_id,
        "pair": cancelled.pair_id,
        "series_event": cancelled.series_event_id,
    }
    if cancelled.private.get("category"):
        private["category"] = cancelled.private["category"]
    phase = phase_at(  # a folded series: the cancelled session's own phase
        cancelled.private.get("phases", ""),
        cancelled.session_id,
        cancelled.private.get("phase", ""),
    )
    if phase:
        private["phase"] = phase
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
        "extendedProperties": {"private": private},
        "reminders": popup_reminder(),
        **CONFIDENTIAL,
    }


def book_replacement(
    adapter: CalendarAdapter, user: str, body: dict[str, Any], *, send_updates: str = "all"
) -> Any:
    """Insert the replacement (the supervisee is emailed an invitation with sendUpdates=all).
    A 409 means the id is taken: booked by an earlier run, so nothing new is written."""
    answers = adapter.write(user, [Write("insert", body["id"], body)], send_updates=send_updates)
    return answers[f"insert:{body['id']}"]
