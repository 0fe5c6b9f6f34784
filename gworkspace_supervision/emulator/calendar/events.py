"""Event resources of the Calendar emulator: building them from request bodies, expanding
recurring masters into instances (with exceptions), and presenting them as Google returns them.

A "raw" event is the stored resource (EventDateTime values as the client sent them); an
"item" pairs a raw event with its resolved start/end instants so listings can filter and sort
without re-parsing; `present` formats one for a particular calendar's copy of the event.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..core.api import HttpError, bad_request
from ..drive.files import rfc3339
from .recurrence import (
    FAR_FUTURE,
    When,
    instance_suffix,
    parse_series,
    render_when,
    resolve,
    zone,
)

WRITABLE = (
    "summary description location start end recurrence attendees extendedProperties attachments "
    "reminders transparency visibility colorId status sequence guestsCanModify guestsCanInviteOthers "
    "guestsCanSeeOtherGuests anyoneCanAddSelf source conferenceData endTimeUnspecified locked "
    "privateCopy iCalUID"
).split()
SIGNIFICANT = ("summary", "description", "location", "start", "end", "recurrence", "status")
BASE32HEX = re.compile(r"[a-v0-9]{5,1024}")
MAX_ATTACHMENTS = 25
DRIVE_ID = re.compile(r"(?:/d/|[?&]id=)([A-Za-z0-9_-]{10,})")


@dataclass
class Item:
    """One event or instance in a listing, with what filters and sorting need."""

    raw: dict[str, Any]
    start: When
    end: When
    organizer_cal: str
    seq: int


# -- building ---------------------------------------------------------------------------------
def check_id(event_id: str) -> None:
    """Client-supplied ids: base32hex characters (a-v, 0-9), 5 to 1024 long."""
    if not BASE32HEX.fullmatch(event_id):
        raise HttpError(400, "invalid", "Invalid resource id value.")


def writable(body: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (body or {}).items() if k in WRITABLE and v is not None}


def deep_merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """PATCH semantics: objects merge key by key, lists replace, null removes."""
    out = dict(base)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def times_of(raw: dict[str, Any], default_tz: str) -> tuple[When, When]:
    start = resolve(raw.get("start"), default_tz, "start")
    end = resolve(raw.get("end"), default_tz, "end")
    if (start.day is None) != (end.day is None):
        raise bad_request("Start and end times must either both be date or both be dateTime.")
    if end.at <= start.at and not (raw.get("recurrence") and end.at == start.at):
        raise HttpError(400, "timeRangeEmpty", "The specified time range is empty.")
    return start, end


def normalise(fields: dict[str, Any], organizer: str, default_tz: str, attach: bool) -> None:
    """Validate times and recurrence, fill attendee defaults, derive attachment file ids."""
    start, _ = times_of(fields, default_tz)
    if fields.get("recurrence"):
        if start.day is None and not (fields.get("start") or {}).get("timeZone"):
            raise HttpError(400, "required", "Missing time zone definition for start time.")
        series_of(fields, default_tz)
    attendees = []
    for entry in fields.get("attendees") or []:
        if not entry.get("email"):
            raise HttpError(400, "required", "Missing attendee email.")
        entry = {**entry, "email": entry["email"].strip()}
        entry.setdefault("responseStatus", "needsAction")
        if entry["email"].lower() == organizer:
            entry["organizer"] = True
        attendees.append(entry)
    if "attendees" in fields:
        fields["attendees"] = attendees
    if not attach:
        fields.pop("attachments", None)
    elif fields.get("attachments"):
        if len(fields["attachments"]) > MAX_ATTACHMENTS:
            raise bad_request(f"An event can have at most {MAX_ATTACHMENTS} attachments.")
        for entry in fields["attachments"]:
            if not entry.get("fileUrl"):
                raise HttpError(400, "required", "Missing attachment fileUrl.")
            found = DRIVE_ID.search(entry["fileUrl"])
            if found and not entry.get("fileId"):
                entry["fileId"] = found.group(1)


def series_of(raw: dict[str, Any], default_tz: str) -> Any:
    start = raw["start"]
    all_day = bool(start.get("date"))
    tz = start.get("timeZone") or default_tz
    return parse_series(
        tuple(raw["recurrence"]), start.get("date") or start["dateTime"], tz, all_day
    )


def stamp(doc: dict[str, Any], now: datetime) -> None:
    doc["updated"] = rfc3339(now)


# -- expansion --------------------------------------------------------------------------------
def instance_raw(
    master: dict[str, Any],
    original: datetime,
    default_tz: str,
    times: tuple[When, When] | None = None,
) -> tuple[dict[str, Any], str]:
    """The instance of `master` originally starting at `original`, exception applied."""
    start, end = times or times_of(master, default_tz)
    tz = start.tz
    if start.day is not None:
        day = original.astimezone(zone(tz)).date()
        o_when = When(original, day, tz)
        s_val: dict[str, Any] = {"date": day.isoformat()}
        e_val: dict[str, Any] = {"date": (day + (end.day - start.day)).isoformat()}  # type: ignore[operator]
        orig_val: dict[str, Any] = {"date": day.isoformat()}
    else:
        o_when = When(original, None, tz)
        iso = original.isoformat()
        s_val = {"dateTime": iso, "timeZone": master["start"].get("timeZone", tz)}
        e_tz = master["end"].get("timeZone", tz)
        e_val = {"dateTime": (original + (end.at - start.at)).isoformat(), "timeZone": e_tz}
        orig_val = {"dateTime": iso, "timeZone": s_val["timeZone"]}
    iid = f"{master['id']}_{instance_suffix(o_when)}"
    raw = {k: v for k, v in master.items() if not k.startswith("_") and k != "recurrence"}
    raw.update(id=iid, recurringEventId=master["id"], originalStartTime=orig_val)
    raw["start"], raw["end"] = s_val, e_val
    exc = master.get("_x", {}).get(iid)
    if exc is not None:
        raw = deep_merge(raw, exc["o"])
        raw["updated"] = exc["updated"]
        raw["_seq"] = exc["seq"]
    else:
        raw["_seq"] = master.get("_seq", 0)
    if master.get("status") == "cancelled":
        raw["status"] = "cancelled"
    elif raw.get("status") == "cancelled":
        raw["_cancelled_exception"] = True  # presented in its minimal shape (see `present`)
    return raw, iid


def original_of(master: dict[str, Any], suffix: str, default_tz: str) -> datetime | None:
    """The original start encoded in an instance id suffix, if the series produces it."""
    series = series_of(master, default_tz)
    tz = zone(master["start"].get("timeZone") or default_tz)
    if len(suffix) == 8:
        if not master["start"].get("date"):
            return None
        moment = datetime.strptime(suffix, "%Y%m%d").replace(tzinfo=tz)
    else:
        if master["start"].get("date"):
            return None
        moment = datetime.strptime(suffix, "%Y%m%dT%H%M%SZ").replace(tzinfo=zone("UTC"))
    return moment if series.occurs(moment) else None


def item(raw: dict[str, Any], default_tz: str, organizer_cal: str) -> Item:
    start, end = times_of(raw, default_tz)
    return Item(raw, start, end, organizer_cal, raw.get("_seq", 0))


def expand(
    master: dict[str, Any],
    default_tz: str,
    organizer_cal: str,
    lo: datetime | None,
    hi: datetime | None,
    horizon: datetime,
    only_exceptions: bool = False,
) -> list[Item]:
    """Instances of a recurring master overlapping [lo, hi), exceptions (moved ones included)."""
    times = times_of(master, default_tz)
    start, end = times
    duration = end.at - start.at
    series = series_of(master, default_tz)
    lower = (lo - duration) if lo else start.at - timedelta(days=1)
    upper = hi or (FAR_FUTURE if series.finite else horizon)
    out: list[Item] = []
    exceptions = master.get("_x", {})
    for original in [] if only_exceptions else series.between(lower, upper):
        raw, iid = instance_raw(master, original, default_tz, times)
        if iid in exceptions:
            continue
        out.append(Item(raw, *times_of(raw, default_tz), organizer_cal, raw["_seq"]))
    for iid in exceptions:
        suffix = iid.rpartition("_")[2]
        original = original_of(master, suffix, default_tz)
        if original is None:
            continue
        raw, _ = instance_raw(master, original, default_tz)
        one = item(raw, default_tz, organizer_cal)
        if overlaps(one, lo, hi):
            out.append(one)
    return out


def overlaps(one: Item, lo: datetime | None, hi: datetime | None) -> bool:
    """Google's window: events ending after timeMin and starting before timeMax."""
    return (lo is None or one.end.at > lo) and (hi is None or one.start.at < hi)


def series_span(master: dict[str, Any], default_tz: str) -> tuple[datetime, datetime]:
    start, end = times_of(master, default_tz)
    last = series_of(master, default_tz).last()
    return start.at, (last + (end.at - start.at)) if last else FAR_FUTURE


# -- presenting -------------------------------------------------------------------------------
def html_link(event_id: str, calendar_id: str) -> str:
    eid = base64.urlsafe_b64encode(f"{event_id} {calendar_id}".encode()).decode().rstrip("=")
    return f"https://www.google.com/calendar/event?eid={eid}"


MINIMAL_CANCELLED = ("id", "status", "recurringEventId")


def present(
    raw: dict[str, Any], view_cal: str, organizer_cal: str, tz_out: str, *, full: bool = False
) -> dict[str, Any]:
    """One calendar's copy of an event, as the API returns it.

    A cancelled exception of a live recurring event comes back as Google lists it: "Cancelled
    exceptions are only guaranteed to have values for the id, recurringEventId and
    originalStartTime fields populated" (Event.status in the Events reference,
    developers.google.com/workspace/calendar/api/v3/reference/events); real listings show
    exactly {kind, etag, id, status, recurringEventId, originalStartTime}. So no start, end,
    summary, attendees or extendedProperties: a reader must identify the session by its series
    and original start. `full` is for the emulator's own use (notification emails).
    """
    tz = zone(tz_out)
    out: dict[str, Any] = {
        "kind": "calendar#event",
        "etag": f'"{3_000_000_000 + raw.get("_seq", 0)}"',
    }
    if raw.get("_cancelled_exception") and not full:
        out.update({k: raw[k] for k in MINIMAL_CANCELLED})
        when = resolve(raw["originalStartTime"], tz_out, "original start")
        out["originalStartTime"] = render_when(when, tz, raw["originalStartTime"].get("timeZone"))
        return out
    out.update({k: v for k, v in raw.items() if not k.startswith("_")})
    out["htmlLink"] = html_link(raw["id"], view_cal)
    for key in ("start", "end"):
        when = resolve(raw[key], tz_out, key)
        out[key] = render_when(when, tz, raw[key].get("timeZone"))
    if raw.get("originalStartTime"):
        when = resolve(raw["originalStartTime"], tz_out, "original start")
        out["originalStartTime"] = render_when(when, tz, raw["originalStartTime"].get("timeZone"))
    out["creator"] = _person(raw["creator"], view_cal)
    out["organizer"] = _person(raw["organizer"], view_cal)
    if raw.get("attendees"):
        out["attendees"] = [_person(a, view_cal) for a in raw["attendees"]]
    if view_cal != organizer_cal and raw.get("extendedProperties"):
        shared = raw["extendedProperties"].get("shared")  # private ones belong to one copy
        out["extendedProperties"] = {"shared": shared} if shared else {}
        if not shared:
            del out["extendedProperties"]
    return out


def _person(entry: dict[str, Any], view_cal: str) -> dict[str, Any]:
    out = {k: v for k, v in entry.items() if k != "self"}
    if entry.get("email", "").lower() == view_cal:
        out["self"] = True
    return out


# -- filters ----------------------------------------------------------------------------------
def property_filters(values: Any) -> list[tuple[str, str]]:
    if not values:
        return []
    out = []
    for text in [values] if isinstance(values, str) else values:
        key, sep, value = str(text).partition("=")
        if not sep or not key:
            raise bad_request(f"Invalid extended property constraint: {text}")
        out.append((key, value))
    return out


def matches(
    raw: dict[str, Any],
    private_ok: bool,
    priv: list[tuple[str, str]],
    shared: list[tuple[str, str]],
    terms: list[str],
) -> bool:
    if raw.get("_cancelled_exception") and (priv or shared or terms):
        return False  # it carries none of the fields the filters look at (see `present`)
    props = raw.get("extendedProperties") or {}
    mine = (props.get("private") or {}) if private_ok else {}
    if any(mine.get(k) != v for k, v in priv):
        return False
    if any((props.get("shared") or {}).get(k) != v for k, v in shared):
        return False
    if terms:
        people = [raw.get("organizer") or {}] + list(raw.get("attendees") or [])
        text = " ".join(
            [raw.get("summary") or "", raw.get("description") or "", raw.get("location") or ""]
            + [f"{p.get('email', '')} {p.get('displayName', '')}" for p in people]
        ).lower()
        if any(term not in text for term in terms):
            return False
    return True


def changed(before: dict[str, Any], after: dict[str, Any]) -> bool:
    return any(before.get(k) != after.get(k) for k in SIGNIFICANT + ("attendees",))
