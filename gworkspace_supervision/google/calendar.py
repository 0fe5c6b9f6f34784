"""Calendar adapter: the only place that knows Calendar's camelCase JSON.

`series_to_event` turns a planned series into an event body; `event_to_booking` reads an event
back as a plain `BookedSeries`. `CalendarAdapter` lists the app's series, writes them in
batches, lists instances (for records and tracking), reads free/busy and attaches records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.parser import isoparse
from dateutil.rrule import rruleset, rrulestr

from ..domain.series import Series
from .batch import CALENDAR_BATCH, run_batch
from .calendar_read import (
    PAGE,
    BookedInstance,
    attendees_of,
    instance_from,
    list_events,
    paged,
    span,
    utc_text,
)
from .connect import Connection
from .retry import execute
from .tags import APP, SeriesTags, event_filter, extended, private_of

__all__ = ["APP", "BookedInstance"]  # re-exported for the readers that import them from here

# Bump when the event body we write changes shape: every series is then rewritten once.
SERIALIZER_VERSION = "2"  # 2: no session after the rule's end (domain.calendar_safe)
# Google answers freebusy.query 400 past 50 calendars (`tooManyCalendarsRequested`;
# calendarExpansionMax "Maximum value is 50") or 90 days ("The requested time range is too
# long."): each query asks at most 50 people over at most 60 days; the queries go in batches.
FREEBUSY_ITEMS = 50
FREEBUSY_WINDOW = timedelta(days=60)
LIST_FIELDS = (
    "nextPageToken,items(id,status,summary,start,end,recurrence,recurringEventId,"
    "attendees(email,responseStatus),location,extendedProperties)"
)
INSTANCE_FIELDS = (
    "nextPageToken,items(id,status,start,end,recurringEventId,originalStartTime,"
    "description,attachments,htmlLink,attendees(email,responseStatus))"
)


@dataclass(frozen=True)
class BookedSeries:
    """A series event as found in a calendar, in the domain's words."""

    event_id: str
    calendar_user: str
    series_key: str  # the plan's series id this event books (differs from event_id for tails)
    pair_id: str
    plan_hash: str
    year: int | None
    status: str  # "confirmed" | "tentative" | "cancelled"
    start: datetime  # aware, in the event's time zone
    end: datetime
    timezone: str
    recurrence: tuple[str, ...]
    attendees: tuple[str, ...]
    summary: str
    tags: SeriesTags = field(default_factory=lambda: SeriesTags("", "", ""), compare=False)

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def kind(self) -> str:
        """Supervision, or an [[events]] type (observation, appraisal, review)."""
        return self.tags.type

    @property
    def truncated_at(self) -> datetime | None:
        """Set when a change cut the series short."""
        return self.tags.truncated

    def occurrences(self) -> list[datetime]:
        """Occurrence starts of the series, expanded with dateutil in its own time zone."""
        return expand_recurrence(self.start, self.recurrence, self.timezone)


@dataclass(frozen=True)
class Write:
    """One calendar write for the batch: insert, patch or delete an event of `user`."""

    kind: str  # "insert" | "patch" | "delete" | "get"
    event_id: str
    body: dict[str, Any] | None = None


def event_hash(series: Series) -> str:
    """What the event stores as `hash`: the plan's digest plus this serializer's version."""
    return hashlib.sha256(f"{series.plan_hash}:{SERIALIZER_VERSION}".encode()).hexdigest()[:16]


def event_summary(series: Series) -> str:
    """'Supervision: Ann / Bo', 'Practice observation: Ann / Bo', 'PADA appraisal: Ann / Bo'."""
    return f"{series.title}: {series.supervisee_name} / {series.supervisor_name}"


def _local(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).replace(tzinfo=None).isoformat(timespec="seconds")


def event_time(moment: datetime, tz: str) -> dict[str, str]:
    """An event's `start` or `end`: local wall time and its zone (recurrence needs the zone)."""
    return {"dateTime": _local(moment, tz), "timeZone": tz}


# Every event of ours: supervision is confidential, so others see only "busy", and the
# supervisee can neither invite others nor see who else is invited.
CONFIDENTIAL: dict[str, Any] = {
    "visibility": "private",
    "transparency": "opaque",
    "guestsCanInviteOthers": False,
    "guestsCanSeeOtherGuests": False,
}


def popup_reminder() -> dict[str, Any]:
    """A single event's reminders: a popup 30 minutes before (a fresh dict each body)."""
    return {"useDefault": False, "overrides": [{"method": "popup", "minutes": 30}]}


def series_to_event(
    series: Series,
    policy: Any,
    *,
    year: int | None = None,
    series_key: str | None = None,
) -> dict[str, Any]:
    """The Calendar event body booking `series` (id = series.series_id)."""
    tz = series.timezone
    category = getattr(policy, "categories", {}).get(series.category)
    label = getattr(category, "label", series.category)
    minutes = int(series.duration.total_seconds() // 60)
    due = policy.record_due_text() if hasattr(policy, "record_due_text") else ""
    if series.type == "supervision":
        lines = [
            f"Supervision: {series.supervisee_name} with {series.supervisor_name}.",
            f"Category: {label} ({series.phase_label}), {series.cadence}; "
            f"policy: {getattr(policy, 'name', '')}.",
            f"{minutes} minutes. The record: {due}." if due else f"{minutes} minutes.",
        ]
    else:  # an [[events]] event: observation, appraisal, review (no supervision record)
        what = f"{series.title} ({series.kind})" if series.kind else series.title
        lines = [
            f"{what}: {series.supervisee_name} with {series.supervisor_name}.",
            f"{minutes} minutes, {series.cadence}; policy: {getattr(policy, 'name', '')}.",
        ]
    description = "\n".join(
        lines
        + [
            "Booked by gws-supervision: change the roster and run `book` again rather than "
            "editing the series by hand.",
        ]
    )
    tags = SeriesTags(
        pair=series.pair_id,
        series=series_key or series.series_id,
        hash=event_hash(series),
        year=year if year is not None else series.start.year,
        category=series.category,
        phase=series.phase,
        phases=series.phases_text(),  # a folded series: each session's phase from its start
        type=series.type,  # supervision events keep exactly their old tags (no `type`)
        event_kind=series.kind if series.type != "supervision" else "",
    )
    event: dict[str, Any] = {
        "id": series.series_id,
        "summary": event_summary(series),
        "description": description,
        "start": event_time(series.start, tz),
        "end": event_time(series.end, tz),
        "recurrence": series.recurrence(),
        "attendees": [{"email": series.supervisee_email, "displayName": series.supervisee_name}],
        "extendedProperties": extended(tags),
        "reminders": {
            "useDefault": False,
            "overrides": [{"method": "popup", "minutes": 30}, {"method": "email", "minutes": 1440}],
        },
        **CONFIDENTIAL,
    }
    if series.location:
        event["location"] = series.location
    return event


def event_to_booking(event: Mapping[str, Any], calendar_user: str = "") -> BookedSeries:
    """Read an app event (Google JSON) back into the domain's terms."""
    tags = SeriesTags.parse(private_of(event), str(event["id"]))
    start, end, tz = span(event)
    return BookedSeries(
        event_id=str(event["id"]),
        calendar_user=calendar_user,
        series_key=tags.series,
        pair_id=tags.pair,
        plan_hash=tags.hash,
        year=tags.year,
        status=str(event.get("status", "confirmed")),
        start=start,
        end=end,
        timezone=tz,
        recurrence=tuple(event.get("recurrence") or ()),
        attendees=attendees_of(event),
        summary=str(event.get("summary", "")),
        tags=tags,
    )


# -- the writes `book` makes (services hold them as opaque Writes) -----------------------------
def book_write(
    target: Series,
    event_id: str,
    *,
    policy: Any,
    year: int,
    series_key: str,
    kind: str = "insert",
) -> Write:
    """Insert (or, `kind` "patch", rewrite) the event booking `target` under `event_id`; the
    plan's series id stays in the `series` tag."""
    body = series_to_event(target, policy, year=year, series_key=series_key)
    body["id"] = event_id  # a tail or reused id: the plan's series id stays in `series`
    return Write(kind, event_id, body)


def revive_write(write: Write) -> Write:
    """The same content as a patch that also brings a cancelled event back (Calendar keeps a
    deleted event's id taken: 409 on insert)."""
    body = {k: v for k, v in (write.body or {}).items() if k != "id"}
    return Write("patch", write.event_id, body | {"status": "confirmed"})


def cancel_write(event_id: str) -> Write:
    """Delete a series not started yet (Calendar keeps it, cancelled)."""
    return Write("delete", event_id)


def truncate_write(booked: BookedSeries, cut: datetime) -> Write:
    """Cut a started series short at `cut`, its past sessions untouched, marked truncated."""
    tags = replace(booked.tags, truncated=cut)
    body = {
        "recurrence": truncate_recurrence(booked.recurrence, booked.timezone, cut, booked.start),
        "extendedProperties": extended(tags),
    }
    return Write("patch", booked.event_id, body)


def expand_recurrence(start: datetime, recurrence: Sequence[str], tz: str) -> list[datetime]:
    """RRULE/EXDATE/RDATE lines (as Calendar stores them) expanded from `start`.

    Parsed line by line: dateutil's rrulestr does not take TZID on RDATE.
    """
    zone = ZoneInfo(tz)
    local = start.astimezone(zone)
    if not recurrence:
        return [local]
    rules = rruleset()
    for line in recurrence:
        name, _, value = line.partition(":")
        kind = name.split(";", 1)[0].upper()
        if kind == "RRULE":
            rules.rrule(rrulestr(value, dtstart=local))  # type: ignore[arg-type]
        elif kind in ("RDATE", "EXDATE"):
            for moment in _dates(name, value, zone):
                (rules.rdate if kind == "RDATE" else rules.exdate)(moment)
    return sorted(moment.astimezone(zone) for moment in rules)


def _dates(name: str, value: str, zone: ZoneInfo) -> list[datetime]:
    params = dict(p.split("=", 1) for p in name.split(";")[1:] if "=" in p)
    when_zone = ZoneInfo(params["TZID"]) if "TZID" in params else zone
    return [_parse_ical(v, when_zone) for v in value.split(",") if v.strip()]


@dataclass
class FreeBusy:
    busy: dict[str, list[tuple[datetime, datetime]]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # calendar -> reason (not readable)


class CalendarAdapter:
    """Thin calls on a `Connection`; each method says what it costs in round trips."""

    def __init__(self, connection: Connection, *, batch_size: int = CALENDAR_BATCH) -> None:
        self.connection = connection
        self.batch_size = batch_size
        self._resources: dict[tuple[str, str], Any] = {}

    def _cal(self, user: str) -> tuple[Any, str]:
        return self.connection.calendar(user), self.connection.calendar_id(user)

    def _resource(self, user: str, name: str) -> Any:
        """`service.events()` / `.freebusy()`, built once: each build costs googleapiclient
        milliseconds of docstring generation."""
        key = (user.lower(), name)
        if key not in self._resources:
            self._resources[key] = getattr(self.connection.calendar(user), name)()
        return self._resources[key]

    def _execute(self, request: Any, what: str) -> Any:
        conn = self.connection
        return execute(request, what=what, policy=conn.retry, meter=conn.meter)

    # -- reading ---------------------------------------------------------------------------------
    def list_app_series(self, user: str, year: int | None = None) -> list[BookedSeries]:
        """The app's series events in `user`'s calendar (cancelled ones too); one call a page."""
        items = list_events(
            self.connection,
            user,
            fields=LIST_FIELDS,
            single_events=False,
            props=event_filter(year=year)[1:],
            events=self._resource(user, "events"),
        )
        # an exception instance (recurringEventId) is not a series: records/tracking read those
        me = user.lower()
        return [event_to_booking(e, me) for e in items if not e.get("recurringEventId")]

    def instances(
        self, user: str, event_id: str, time_min: datetime, time_max: datetime
    ) -> list[BookedInstance]:
        """Every instance of one series in a window, moved and cancelled ones included."""
        cal_id = self.connection.calendar_id(user)
        events = self._resource(user, "events")
        items = paged(
            self.connection,
            "calendar.events.instances",
            lambda token: events.instances(
                calendarId=cal_id,
                eventId=event_id,
                timeMin=utc_text(time_min),
                timeMax=utc_text(time_max),
                showDeleted=True,
                maxResults=PAGE,
                pageToken=token,
                fields=INSTANCE_FIELDS,
            ),
        )
        return [instance_from(item, event_id) for item in items]

    def freebusy(
        self,
        user: str,
        emails: Iterable[str],
        time_min: datetime,
        time_max: datetime,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> FreeBusy:
        """Busy times of many people, asked as `user`: ≤50 calendars and ≤60 days a query,
        all queries in one batch."""
        people = sorted({e.lower() for e in emails})
        service = self.connection.calendar(user)
        requests: list[tuple[tuple[int, int], Any]] = []
        windows: list[tuple[datetime, datetime]] = []
        lo = time_min
        while lo < time_max:
            hi = min(time_max, lo + FREEBUSY_WINDOW)
            windows.append((lo, hi))
            lo = hi
        for w, (lo, hi) in enumerate(windows):
            for c in range(0, len(people), FREEBUSY_ITEMS):
                body = {
                    "timeMin": utc_text(lo),
                    "timeMax": utc_text(hi),
                    "items": [{"id": e} for e in people[c : c + FREEBUSY_ITEMS]],
                }
                requests.append(((w, c), self._resource(user, "freebusy").query(body=body)))
        conn = self.connection
        answers = run_batch(
            service,
            requests,
            size=self.batch_size,
            what="calendar.freebusy.query",
            policy=conn.retry,
            meter=conn.meter,
            progress=progress,
        )
        result = FreeBusy({e: [] for e in people})
        for key, _request in requests:
            for cal, info in (answers[key].get("calendars") or {}).items():
                cal = cal.lower()
                if info.get("errors"):
                    result.errors[cal] = str(info["errors"][0].get("reason", "error"))
                for busy in info.get("busy") or []:
                    result.busy.setdefault(cal, []).append(
                        (isoparse(busy["start"]), isoparse(busy["end"]))
                    )
        return result

    # -- writing ---------------------------------------------------------------------------------
    def write(
        self,
        user: str,
        writes: Sequence[Write],
        *,
        send_updates: str = "all",
        progress: Callable[[int], None] | None = None,
        tolerate: Iterable[int] = (409, 404, 410),
    ) -> dict[str, Any]:
        """Run writes for one calendar in batches; event id -> response (or tolerated APIError)."""
        service, cal_id = self._cal(user)
        events = self._resource(user, "events")
        requests: list[tuple[str, Any]] = []
        for w in writes:
            if w.kind == "insert":
                req = events.insert(
                    calendarId=cal_id,
                    body=w.body,
                    sendUpdates=send_updates,
                    supportsAttachments=True,
                )
            elif w.kind == "patch":
                req = events.patch(
                    calendarId=cal_id,
                    eventId=w.event_id,
                    body=w.body,
                    sendUpdates=send_updates,
                    supportsAttachments=True,
                )
            elif w.kind == "delete":
                req = events.delete(calendarId=cal_id, eventId=w.event_id, sendUpdates=send_updates)
            elif w.kind == "get":
                req = events.get(calendarId=cal_id, eventId=w.event_id)
            else:
                raise ValueError(f"unknown write kind {w.kind!r}")
            requests.append((f"{w.kind}:{w.event_id}", req))
        conn = self.connection
        return run_batch(
            service,
            requests,
            size=self.batch_size,
            what="calendar.events.write",
            policy=conn.retry,
            meter=conn.meter,
            progress=progress,
            tolerate=tuple(tolerate),
        )


def truncate_recurrence(
    recurrence: Sequence[str], tz: str, cut: datetime, start: datetime | None = None
) -> list[str]:
    """The same recurrence with nothing at or after `cut`: RRULE gets UNTIL, later RDATEs go.

    Used to end a series that has already started without touching its past sessions. A kept
    RDATE after the rule's last occurrence before `cut` would vanish on Google (RDATEs after
    the rule's end are not shown: esrg-knights/Squire issue 107), so then the rule runs on to
    its next occurrence, which is excluded (`start`, the series' DTSTART, is needed for that).
    """
    zone = ZoneInfo(tz)
    until_at = cut - timedelta(seconds=1)
    rdates = [
        when
        for line in recurrence
        if line.partition(":")[0].split(";", 1)[0].upper() == "RDATE"
        for when in _dates(line.partition(":")[0], line.partition(":")[2], zone)
        if when < cut
    ]
    excluded: list[datetime] = []
    rule = next((ln for ln in recurrence if ln.upper().startswith("RRULE:")), None)
    if rdates and rule is not None and start is not None:
        made = list(rrulestr(rule.partition(":")[2], dtstart=start.astimezone(zone)))
        before = [o for o in made if o < cut]
        after = [o for o in made if o >= cut]
        if after and (not before or max(rdates) > before[-1]):
            until_at, excluded = after[0], [after[0]]
    until = until_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    out: list[str] = []
    for line in recurrence:
        name, _, value = line.partition(":")
        kind = name.split(";", 1)[0].upper()
        if kind == "RRULE":
            parts = [
                p for p in value.split(";") if p.split("=", 1)[0].upper() not in ("COUNT", "UNTIL")
            ]
            out.append(f"{name}:{';'.join(parts + ['UNTIL=' + until])}")
        elif kind in ("RDATE", "EXDATE"):
            values = [v for v in value.split(",") if v.strip()]
            moments = _dates(name, value, zone)
            kept = [v for v, when in zip(values, moments, strict=True) if when < cut]
            if kept:
                out.append(f"{name}:{','.join(kept)}")
        else:
            out.append(line)
    if excluded:
        out.append("EXDATE:" + excluded[0].astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
    return out


def _parse_ical(value: str, zone: ZoneInfo) -> datetime:
    value = value.strip()
    if value.endswith("Z"):
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    if "T" in value:
        return datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=zone)
    return datetime.strptime(value, "%Y%m%d").replace(tzinfo=zone)
