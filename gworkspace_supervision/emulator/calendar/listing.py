"""events.list / events.instances / freebusy for the Calendar emulator: what a calendar shows in
a time window, with Google's rules for recurring masters, exceptions and cancelled events.

Without singleEvents a recurring event is its master plus its exceptions (cancelled exceptions
included even without showDeleted); with singleEvents it is its instances, cancelled ones only
with showDeleted. A user's primary calendar also shows the events they are invited to.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from typing import Any

from ..core.api import Call, HttpError, bad_request
from ..drive.files import rfc3339
from .events import (
    Item,
    expand,
    item,
    matches,
    overlaps,
    present,
    property_filters,
    series_span,
)
from .recurrence import parse_rfc3339
from .store import calendar_events, invitations, require

DEFAULT_PAGE = 250
MAX_PAGE = 2500
HORIZON = timedelta(days=5 * 366)  # how far an endless series is expanded without a timeMax
SYNC_CONFLICTS = (
    "iCalUID orderBy privateExtendedProperty q sharedExtendedProperty timeMin timeMax updatedMin"
).split()


def encode_token(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def decode_token(token: str, what: str) -> dict[str, Any]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if isinstance(data, dict):
            return data
    except ValueError:
        pass
    if what == "sync":
        raise HttpError(
            410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required."
        )
    raise bad_request(f"Invalid {what} token.")


def flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def window(call: Call) -> tuple[datetime | None, datetime | None]:
    lo = parse_rfc3339(call.params["timeMin"]) if call.param("timeMin") else None
    hi = parse_rfc3339(call.params["timeMax"]) if call.param("timeMax") else None
    if lo and hi and hi <= lo:
        raise HttpError(400, "timeRangeEmpty", "The specified time range is empty.")
    return lo, hi


def sources(call: Call, cid: str) -> list[tuple[str, dict[str, Any]]]:
    own = [(cid, doc) for doc in calendar_events(call.store, cid)]
    return own + [pair for pair in invitations(call.store, cid) if pair[0] != cid]


def collect(
    pairs: list[tuple[str, dict[str, Any]]],
    tz: str,
    lo: datetime | None,
    hi: datetime | None,
    single: bool,
    show_deleted: bool,
    now: datetime,
    since: int | None = None,
) -> list[Item]:
    """Events and instances of these docs in the window (`since`: only changes after a seq)."""
    out: list[Item] = []
    for organizer_cal, doc in pairs:
        fresh = since is None or doc.get("_seq", 0) > since
        cancelled = doc.get("status") == "cancelled"
        if not doc.get("recurrence"):
            one = item(doc, tz, organizer_cal)
            if fresh and (show_deleted or not cancelled) and overlaps(one, lo, hi):
                out.append(one)
            continue
        if single:
            for one in expand(doc, tz, organizer_cal, lo, hi, now + HORIZON):
                if (fresh or one.seq > (since or 0)) and (
                    show_deleted or one.raw.get("status") != "cancelled"
                ):
                    out.append(one)
            continue
        if cancelled and not show_deleted:
            continue
        first, last = series_span(doc, tz)
        if fresh and (lo is None or last > lo) and (hi is None or first < hi):
            master = item(doc, tz, organizer_cal)
            out.append(master)
        if doc.get("_x"):
            for one in expand(doc, tz, organizer_cal, lo, hi, now + HORIZON, only_exceptions=True):
                if fresh or one.seq > (since or 0):
                    out.append(one)
    return out


def invited(items: list[Item], cid: str) -> list[Item]:
    """On an attendee's calendar, only the occurrences they are (still) invited to."""
    return [
        i
        for i in items
        if i.organizer_cal == cid
        or any(a.get("email", "").lower() == cid for a in i.raw.get("attendees") or [])
    ]


def page(call: Call, items: list[Item], view_cal: str, tz: str, sync: bool) -> dict[str, Any]:
    size = min(max(int(call.param("maxResults", DEFAULT_PAGE)), 1), MAX_PAGE)
    offset = (
        int(decode_token(call.params["pageToken"], "page").get("o", 0))
        if call.param("pageToken")
        else 0
    )
    chunk = items[offset : offset + size]
    result: dict[str, Any] = {
        "kind": "calendar#events",
        "etag": f'"{call.store.counter("seq:calendar")}"',
        "summary": view_cal,
        "description": "",
        "updated": rfc3339(call.now),
        "timeZone": tz,
        "accessRole": "",
        "defaultReminders": [],
        "items": [present(i.raw, view_cal, i.organizer_cal, tz) for i in chunk],
    }
    if offset + size < len(items):
        result["nextPageToken"] = encode_token({"o": offset + size})
    elif sync:
        result["nextSyncToken"] = encode_token({"s": call.store.counter("seq:calendar")})
    return result


def list_events(call: Call) -> dict[str, Any]:
    calendar = require(call.store, call.params["calendarId"], call.user, "reader")
    cid = calendar["id"]
    tz = call.param("timeZone") or calendar["timeZone"]
    single = flag(call.param("singleEvents", False))
    order = call.param("orderBy")
    if order == "startTime" and not single:
        raise HttpError(
            400, "badRequest", "The requested ordering is not available for the particular query."
        )
    since = None
    show_deleted = flag(call.param("showDeleted", False))
    if call.param("syncToken"):
        clash = [p for p in SYNC_CONFLICTS if call.param(p)]
        if clash:
            raise bad_request(f"{clash[0]} cannot be used together with syncToken.")
        since = int(decode_token(call.params["syncToken"], "sync").get("s", -1))
        if since < 0 or since > call.store.counter("seq:calendar"):
            raise HttpError(
                410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required."
            )
        show_deleted = True
    updated_min = call.param("updatedMin")
    if updated_min:
        updated_min = parse_rfc3339(updated_min)
        show_deleted = True
    lo, hi = window(call)
    priv = property_filters(call.param("privateExtendedProperty"))
    shared = property_filters(call.param("sharedExtendedProperty"))
    terms = str(call.param("q") or "").lower().split()
    uid = call.param("iCalUID")
    pairs = [
        (org, doc)
        for org, doc in sources(call, cid)
        if (not uid or doc.get("iCalUID") == uid)
        and (matches(doc, org == cid, priv, shared, terms) or _overridden(doc))
    ]
    items = invited(collect(pairs, tz, lo, hi, single, show_deleted, call.now, since), cid)
    kept = []
    for one in items:
        raw = one.raw
        if uid and raw.get("iCalUID") != uid:
            continue
        if updated_min and parse_rfc3339(raw["updated"]) < updated_min:
            continue
        if not matches(raw, one.organizer_cal == cid, priv, shared, terms):
            continue
        kept.append(one)
    if order == "updated":
        kept.sort(key=lambda i: (i.raw["updated"], i.raw["id"]))
    elif single:
        kept.sort(key=lambda i: (i.start.at, i.raw["id"]))
    result = page(call, kept, cid, tz, sync=True)
    result["accessRole"] = calendar["_role"]
    return result


def _overridden(doc: dict[str, Any]) -> bool:
    """Whether an exception changes fields the filters look at (then instances decide)."""
    return any(
        key in exc["o"]
        for exc in doc.get("_x", {}).values()
        for key in ("extendedProperties", "summary", "description", "location", "attendees")
    )


def list_instances(
    call: Call, master: dict[str, Any], organizer_cal: str, view_cal: str, tz: str
) -> dict[str, Any]:
    lo, hi = window(call)
    show_deleted = flag(call.param("showDeleted", False))
    items = collect([(organizer_cal, master)], tz, lo, hi, True, True, call.now)
    if not show_deleted:
        items = [i for i in items if i.raw.get("status") != "cancelled"]
    wanted = call.param("originalStart")
    if wanted:
        at = parse_rfc3339(wanted)
        items = [i for i in items if parse_rfc3339(_orig(i.raw)) == at]
    items.sort(key=lambda i: (i.start.at, i.raw["id"]))
    return page(call, items, view_cal, tz, sync=False)


def _orig(raw: dict[str, Any]) -> str:
    orig = raw["originalStartTime"]
    return orig.get("dateTime") or orig["date"] + "T00:00:00+00:00"


def busy_times(
    pairs: list[tuple[str, dict[str, Any]]],
    cid: str,
    tz: str,
    lo: datetime,
    hi: datetime,
    now: datetime,
) -> list[tuple[datetime, datetime]]:
    """Merged busy intervals of a calendar: confirmed, opaque, not declined by its owner."""
    spans = []
    for one in invited(collect(pairs, tz, lo, hi, True, False, now), cid):
        raw = one.raw
        if raw.get("transparency") == "transparent":
            continue
        me = [a for a in raw.get("attendees") or [] if a.get("email", "").lower() == cid]
        if one.organizer_cal != cid and me and me[0].get("responseStatus") == "declined":
            continue
        spans.append((max(one.start.at, lo), min(one.end.at, hi)))
    spans.sort()
    merged: list[tuple[datetime, datetime]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
