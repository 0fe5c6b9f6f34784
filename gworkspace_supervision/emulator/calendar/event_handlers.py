"""Calendar v3 events.* handlers: insert, get, list, patch, update, delete, import, instances, move.

Writes on an instance id (`<eventId>_<UTC start>`) store an exception on the recurring master;
deleting keeps the event as status "cancelled" so its id stays taken (409 on reuse), as Google.
`sendUpdates` ("all" / "externalOnly"; default none) appends one email per notified guest to
`call.emails`; the organizer is never emailed.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from ..core.api import Call, HttpError, handler
from ..drive.files import rfc3339
from .events import (
    WRITABLE,
    changed,
    check_id,
    deep_merge,
    instance_raw,
    normalise,
    original_of,
    present,
    writable,
)
from .listing import flag, list_events, list_instances
from .recurrence import split_instance_id
from .store import (
    attendee_emails,
    calendar_events,
    event_key,
    find_invitation,
    load_calendar,
    load_event,
    require,
    save_event,
    sync_attendance,
)

INSTANCE_LOCKED = ("recurrence", "iCalUID", "id")


def new_event_id() -> str:
    return base64.b32hexencode(os.urandom(16)).decode().lower().rstrip("=")


def locate(call: Call, cid: str, event_id: str) -> tuple[str, dict[str, Any], str | None]:
    """(organizer calendar, stored doc, instance suffix or None) for an id seen on `cid`."""
    doc = load_event(call.store, cid, event_id)
    if doc is not None:
        return cid, doc, None
    found = find_invitation(call.store, cid, event_id)
    if found:
        return found[0], found[1], None
    parts = split_instance_id(event_id)
    if parts:
        master_id, suffix = parts
        organizer_cal, doc = cid, load_event(call.store, cid, master_id)
        if doc is None:
            found = find_invitation(call.store, cid, master_id)
            if found:
                organizer_cal, doc = found
        if doc is not None and doc.get("recurrence"):
            return organizer_cal, doc, suffix
    raise HttpError(404, "notFound", "Not Found")


def resolve_instance(doc: dict[str, Any], suffix: str, tz: str) -> tuple[dict[str, Any], str]:
    original = original_of(doc, suffix, tz)
    if original is None:
        raise HttpError(404, "notFound", "Not Found")
    return instance_raw(doc, original, tz)


def tz_of(call: Call, calendar: dict[str, Any]) -> str:
    return str(call.param("timeZone") or calendar["timeZone"])


# -- notifications ----------------------------------------------------------------------------
def notify(call: Call, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    """Emails Google would send for this change, one per notified guest."""
    mode = call.param("sendUpdates") or ("all" if flag(call.param("sendNotifications")) else "none")
    if mode == "none":
        return
    event = after or before or {}
    organizer = event["organizer"]["email"].lower()
    domain = organizer.split("@", 1)[-1]

    def guests(raw: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
        if raw is None or raw.get("status") == "cancelled":
            return {}
        out = {a["email"].lower(): a for a in raw.get("attendees") or []}
        out.pop(organizer, None)
        if mode == "externalOnly":
            out = {e: a for e, a in out.items() if e.split("@", 1)[-1] != domain}
        return out

    old, new = guests(before), guests(after)
    significant = before is not None and after is not None and changed(before, after)
    for email in new:
        kind = "update" if email in old else "invitation"
        if kind == "invitation" or significant:
            _send(call, email, kind, after or {}, organizer)
    for email in [e for e in old if e not in new]:
        _send(call, email, "cancellation", before or {}, organizer)


def _send(call: Call, to: str, kind: str, event: dict[str, Any], organizer: str) -> None:
    prefix = {
        "invitation": "Invitation",
        "update": "Updated invitation",
        "cancellation": "Canceled event",
    }
    start = event.get("start") or {}
    when = start.get("date") or start.get("dateTime", "")
    call.emails.append(
        {
            "to": to,
            "from": organizer,
            "subject": f"{prefix[kind]}: {event.get('summary', '(No title)')} @ {when}",
            "kind": kind,
            "eventId": event.get("id"),
        }
    )


# -- handlers ---------------------------------------------------------------------------------
def create(
    call: Call, cid: str, tz: str, body: dict[str, Any], organizer: dict[str, Any]
) -> dict[str, Any]:
    event_id = body.get("id") or new_event_id()
    check_id(event_id)
    if load_event(call.store, cid, event_id) is not None:
        raise HttpError(409, "duplicate", "The requested identifier already exists.")
    fields = writable(body)
    normalise(fields, organizer["email"].lower(), tz, flag(call.param("supportsAttachments")))
    stamp = rfc3339(call.now)
    doc: dict[str, Any] = {
        "id": event_id,
        "status": "confirmed",
        "created": stamp,
        "updated": stamp,
        "creator": {"email": call.user},
        "organizer": organizer,
        "iCalUID": f"{event_id}@google.com",
        "sequence": 0,
        "reminders": {"useDefault": True},
        "eventType": "default",
    }
    doc.update(fields)
    save_event(call.store, cid, doc)
    sync_attendance(call.store, cid, doc, set())
    return doc


@handler("calendar.events.insert")
def insert_event(call: Call) -> dict[str, Any]:
    calendar = require(call.store, call.params["calendarId"], call.user, "writer")
    cid = calendar["id"]
    doc = create(call, cid, calendar["timeZone"], call.body or {}, {"email": cid})
    raw = present(doc, cid, cid, calendar["timeZone"])
    notify(call, None, raw)
    return present(doc, cid, cid, tz_of(call, calendar))


@handler("calendar.events.import")
def import_event(call: Call) -> dict[str, Any]:
    """Import by iCalUID: a second import of the same iCalUID updates the first; no emails."""
    calendar = require(call.store, call.params["calendarId"], call.user, "writer")
    cid, body = calendar["id"], call.body or {}
    if not body.get("iCalUID"):
        raise HttpError(400, "required", "Missing iCalUID.")
    for doc in calendar_events(call.store, cid):
        if doc.get("iCalUID") == body["iCalUID"]:
            return _rewrite(call, calendar, doc, writable(body), notify_guests=False)
    organizer = {"email": (body.get("organizer") or {}).get("email") or cid}
    doc = create(call, cid, calendar["timeZone"], body, organizer)
    return present(doc, cid, cid, tz_of(call, calendar))


@handler("calendar.events.get")
def get_event(call: Call) -> dict[str, Any]:
    calendar = require(call.store, call.params["calendarId"], call.user, "reader")
    cid, tz = calendar["id"], tz_of(call, calendar)
    organizer_cal, doc, suffix = locate(call, cid, call.params["eventId"])
    raw = resolve_instance(doc, suffix, tz)[0] if suffix else doc
    return present(raw, cid, organizer_cal, tz)


@handler("calendar.events.list")
def list_handler(call: Call) -> dict[str, Any]:
    return list_events(call)


@handler("calendar.events.instances")
def instances_handler(call: Call) -> dict[str, Any]:
    calendar = require(call.store, call.params["calendarId"], call.user, "reader")
    cid, tz = calendar["id"], tz_of(call, calendar)
    organizer_cal, doc, suffix = locate(call, cid, call.params["eventId"])
    if suffix:
        raise HttpError(404, "notFound", "Not Found")
    # A single event is treated as a series of one (unverified against Google; documented).
    result = list_instances(call, doc, organizer_cal, cid, tz)
    result["accessRole"] = calendar["_role"]
    return result


def _writable_target(
    call: Call, role: str = "writer"
) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    calendar = require(call.store, call.params["calendarId"], call.user, role)
    organizer_cal, doc, suffix = locate(call, calendar["id"], call.params["eventId"])
    if organizer_cal != calendar["id"]:
        raise HttpError(
            403,
            "forbiddenForNonOrganizer",
            "The operation can only be performed by the organizer of the event.",
        )
    return calendar, doc, suffix


def _rewrite(
    call: Call,
    calendar: dict[str, Any],
    doc: dict[str, Any],
    fields: dict[str, Any],
    notify_guests: bool = True,
) -> dict[str, Any]:
    """Replace a whole event's writable fields (update / patch / re-import)."""
    cid, tz = calendar["id"], calendar["timeZone"]
    attach = flag(call.param("supportsAttachments"))
    if not attach and doc.get("attachments"):
        fields["attachments"] = doc["attachments"]
    normalise(fields, doc["organizer"]["email"].lower(), tz, True)
    before = present(doc, cid, cid, tz)
    emails_before = attendee_emails(doc)
    new = {k: v for k, v in doc.items() if k not in WRITABLE or k == "iCalUID"}
    new.update(fields)
    new.setdefault("status", "confirmed")
    timing = any(doc.get(k) != new.get(k) for k in ("start", "end", "recurrence"))
    if timing and new.get("sequence", 0) <= doc.get("sequence", 0):
        new["sequence"] = doc.get("sequence", 0) + 1
    if not new.get("recurrence"):
        new.pop("_x", None)
    elif timing and new.get("_x"):
        keep = {}
        for iid, exc in new["_x"].items():
            if original_of(new, iid.rpartition("_")[2], tz) is not None:
                keep[iid] = exc
        new["_x"] = keep
    new["updated"] = rfc3339(call.now)
    save_event(call.store, cid, new)
    sync_attendance(call.store, cid, new, emails_before)
    after = present(new, cid, cid, tz)
    if notify_guests:
        notify(call, before, after)
    return present(new, cid, cid, tz_of(call, calendar))


def _rewrite_instance(
    call: Call,
    calendar: dict[str, Any],
    doc: dict[str, Any],
    suffix: str,
    patch: dict[str, Any] | None,
) -> dict[str, Any]:
    """Create or change the exception for one instance (patch: merge; None: cancel)."""
    cid, tz = calendar["id"], calendar["timeZone"]
    before_raw, iid = resolve_instance(doc, suffix, tz)
    exc = dict(doc.get("_x", {}).get(iid) or {"o": {}})
    if patch is None:
        overrides = {**exc["o"], "status": "cancelled"}
    else:
        overrides = deep_merge(
            exc["o"], {k: v for k, v in patch.items() if k not in INSTANCE_LOCKED}
        )
        if not flag(call.param("supportsAttachments")):
            overrides.pop("attachments", None)
    exc.update(o=overrides, updated=rfc3339(call.now), seq=call.store.next_seq("calendar"))
    emails_before = attendee_emails(doc)
    new = {**doc, "_x": {**doc.get("_x", {}), iid: exc}}
    after_raw, _ = resolve_instance(new, suffix, tz)
    normalise(after_raw, doc["organizer"]["email"].lower(), tz, True)
    if "attendees" in overrides:
        overrides["attendees"] = after_raw.get("attendees", [])
    call.store.put("event", event_key(cid, doc["id"]), new, parent=cid)
    sync_attendance(call.store, cid, new, emails_before)
    notify(
        call,
        present(before_raw, cid, cid, tz, full=True),
        present(after_raw, cid, cid, tz, full=True),
    )
    return present(after_raw, cid, cid, tz_of(call, calendar))


RESPONSES = ("needsAction", "declined", "tentative", "accepted")


def _guest_reply(call: Call) -> dict[str, Any] | None:
    """A guest answering an invitation (RSVP) on their copy: the one patch Google lets a
    non-organiser make. The body may hold only `attendees`, the same people as now, and only the
    caller's own `responseStatus` (and `comment`) may differ; anything else stays 403
    forbiddenForNonOrganizer. Returns the guest's copy after the change, or None when the
    caller is the organiser (the ordinary path)."""
    calendar = require(call.store, call.params["calendarId"], call.user, "writer")
    cid = calendar["id"]
    organizer_cal, doc, suffix = locate(call, cid, call.params["eventId"])
    if organizer_cal == cid:
        return None
    refused = HttpError(
        403,
        "forbiddenForNonOrganizer",
        "The operation can only be performed by the organizer of the event.",
    )
    body = call.body or {}
    if set(body) != {"attendees"} or not isinstance(body["attendees"], list):
        raise refused
    owner = load_calendar(call.store, organizer_cal)
    if owner is None:
        raise HttpError(404, "notFound", "Not Found")
    current = resolve_instance(doc, suffix, owner["timeZone"])[0] if suffix else doc
    now = {str(a.get("email", "")).lower(): a for a in current.get("attendees") or []}
    sent: dict[str, dict[str, Any]] = {}
    for entry in body["attendees"]:
        if not isinstance(entry, dict) or not entry.get("email"):
            raise HttpError(400, "required", "Missing attendee email.")
        sent[str(entry["email"]).strip().lower()] = entry
    me = cid.lower()
    if set(sent) != set(now) or me not in now:
        raise refused
    for email, entry in sent.items():
        for key, value in entry.items():
            if key in ("email", "self", "organizer"):
                continue
            if email == me and key in ("responseStatus", "comment"):
                if key == "responseStatus" and value not in RESPONSES:
                    raise HttpError(400, "invalid", f"Invalid attendee responseStatus: {value}")
                continue
            if now[email].get(key, "needsAction" if key == "responseStatus" else None) != value:
                raise refused
    mine = sent[me]
    merged = [
        {**a, **{k: mine[k] for k in ("responseStatus", "comment") if k in mine}}
        if str(a.get("email", "")).lower() == me
        else a
        for a in current.get("attendees") or []
    ]
    if suffix:
        _rewrite_instance(call, owner, doc, suffix, {"attendees": merged})
        doc = load_event(call.store, organizer_cal, doc["id"]) or doc
        raw = resolve_instance(doc, suffix, owner["timeZone"])[0]
    else:
        _rewrite(call, owner, doc, {**writable(doc), "attendees": merged})
        raw = load_event(call.store, organizer_cal, doc["id"]) or doc
    return present(raw, cid, organizer_cal, tz_of(call, calendar))


@handler("calendar.events.patch")
def patch_event(call: Call) -> dict[str, Any]:
    reply = _guest_reply(call)
    if reply is not None:
        return reply
    calendar, doc, suffix = _writable_target(call)
    body = {k: v for k, v in (call.body or {}).items() if k in WRITABLE}
    if suffix:
        return _rewrite_instance(call, calendar, doc, suffix, body)
    merged = deep_merge(writable(doc), body)
    return _rewrite(call, calendar, doc, merged)


@handler("calendar.events.update")
def update_event(call: Call) -> dict[str, Any]:
    calendar, doc, suffix = _writable_target(call)
    body = writable(call.body)
    if suffix:
        _, iid = resolve_instance(doc, suffix, calendar["timeZone"])
        doc = {**doc, "_x": {k: v for k, v in doc.get("_x", {}).items() if k != iid}}
        return _rewrite_instance(call, calendar, doc, suffix, body)
    body.setdefault("iCalUID", doc["iCalUID"])
    return _rewrite(call, calendar, doc, body)


@handler("calendar.events.delete")
def delete_event(call: Call) -> None:
    calendar, doc, suffix = _writable_target(call)
    cid, tz = calendar["id"], calendar["timeZone"]
    if suffix:
        raw, _ = resolve_instance(doc, suffix, tz)
        if raw.get("status") == "cancelled":
            raise HttpError(410, "deleted", "Resource has been deleted")
        _rewrite_instance(call, calendar, doc, suffix, None)
        return None
    if doc.get("status") == "cancelled":
        raise HttpError(410, "deleted", "Resource has been deleted")
    before = present(doc, cid, cid, tz)
    doc = {**doc, "status": "cancelled", "updated": rfc3339(call.now)}
    doc["sequence"] = doc.get("sequence", 0) + 1
    save_event(call.store, cid, doc)
    notify(call, before, None)
    return None


@handler("calendar.events.move")
def move_event(call: Call) -> dict[str, Any]:
    """Move to another calendar (its owner becomes the organizer); the source keeps a
    cancelled tombstone so incremental sync there sees the event go."""
    calendar, doc, suffix = _writable_target(call)
    if suffix:
        raise HttpError(
            400, "cannotChangeOrganizerOfInstance", "Cannot change the organizer of an instance."
        )
    dest = require(call.store, call.params["destination"], call.user, "writer")
    src, dst = calendar["id"], dest["id"]
    if load_event(call.store, dst, doc["id"]) is not None:
        raise HttpError(409, "duplicate", "The requested identifier already exists.")
    emails = attendee_emails(doc)
    moved = {**doc, "organizer": {"email": dst}, "updated": rfc3339(call.now)}
    save_event(call.store, dst, moved)
    sync_attendance(call.store, dst, moved, set())
    tomb = {k: v for k, v in doc.items() if k not in ("attendees", "_x")}
    tomb.update(status="cancelled", updated=rfc3339(call.now))
    save_event(call.store, src, tomb)
    sync_attendance(call.store, src, tomb, emails)
    return present(moved, dst, dst, tz_of(call, dest))
