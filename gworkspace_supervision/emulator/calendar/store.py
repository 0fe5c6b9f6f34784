"""Calendars, their ACLs and the stored event documents of the Calendar emulator.

Storage layout (kinds in the workspace Store):
  "calendar"          id = calendar id; only written once a calendar has ACL rules or settings.
                      Every email address is a user's primary calendar, owned by that user.
  "calendar_share"    id = "<grantee>|<calendarId>", parent = grantee: calendars shared with a user
                      (their calendarList beyond `primary`).
  "event"             id = "<calendarId>/<eventId>", parent = calendarId: a single event or a
                      recurring master, with its instance exceptions embedded under "_x"
                      ({instanceId: {"o": overrides, "seq", "updated", "created"}}), so one
                      read expands a whole series. Cancelled events stay (their id stays taken).
  "event_attendance"  id = "<attendee>|<calendarId>/<eventId>", parent = attendee: the attendee's
                      copy of an invitation (read through to the organizer's event).
Internal keys start with "_" ("_seq": change number for sync tokens) and never leave the API.
"""

from __future__ import annotations

from typing import Any

from ..core.api import HttpError
from ..core.store import Store

ROLE_RANK = {"none": 0, "freeBusyReader": 1, "reader": 2, "writer": 3, "owner": 4}
DEFAULT_TZ = "Europe/London"
GROUP_SUFFIX = "@group.calendar.google.com"


def resolve_calendar_id(calendar_id: str, user: str) -> str:
    return user if calendar_id == "primary" else calendar_id.lower()


def load_calendar(store: Store, calendar_id: str) -> dict[str, Any] | None:
    """The calendar's document; a user's primary calendar exists without one being stored."""
    stored = store.get("calendar", calendar_id)
    if stored is not None:
        return stored
    if "@" in calendar_id and not calendar_id.endswith(GROUP_SUFFIX):
        return {
            "id": calendar_id,
            "owner": calendar_id,
            "summary": calendar_id,
            "timeZone": store.get_setting("calendar.timeZone", DEFAULT_TZ),
            "acl": {},
        }
    return None


def save_calendar(store: Store, calendar: dict[str, Any]) -> None:
    store.put("calendar", calendar["id"], calendar)


def role_of(calendar: dict[str, Any], user: str) -> str:
    """The user's access role: owner, a user/domain/default ACL rule, or the Workspace default
    that colleagues in the same domain see each other's free/busy."""
    if user == calendar["owner"]:
        return "owner"
    domain = user.split("@", 1)[-1]
    best = "freeBusyReader" if calendar["owner"].split("@", 1)[-1] == domain else "none"
    for rule in calendar.get("acl", {}).values():
        scope = rule["scope"]
        if (
            (scope["type"] == "user" and scope.get("value", "").lower() == user)
            or (scope["type"] == "domain" and scope.get("value", "").lower() == domain)
            or scope["type"] == "default"
        ) and ROLE_RANK[rule["role"]] > ROLE_RANK[best]:
            best = rule["role"]
    return best


def require(store: Store, calendar_id: str, user: str, role: str) -> dict[str, Any]:
    """Load a calendar and check the acting user's role: 404 when they cannot see it at all
    (calendars are private to their owner unless shared), 403 when the role is too low."""
    calendar = load_calendar(store, resolve_calendar_id(calendar_id, user))
    if calendar is None:
        raise HttpError(404, "notFound", "Not Found")
    have = role_of(calendar, user)
    if ROLE_RANK[have] < ROLE_RANK["reader"] and ROLE_RANK[role] > ROLE_RANK["freeBusyReader"]:
        raise HttpError(404, "notFound", "Not Found")
    if ROLE_RANK[have] < ROLE_RANK[role]:
        raise HttpError(
            403, "requiredAccessLevel", f"You need to have {role} access to this calendar."
        )
    calendar["_role"] = have
    return calendar


# -- events -------------------------------------------------------------------------------------
def event_key(calendar_id: str, event_id: str) -> str:
    return f"{calendar_id}/{event_id}"


def load_event(store: Store, calendar_id: str, event_id: str) -> dict[str, Any] | None:
    return store.get("event", event_key(calendar_id, event_id))


def save_event(store: Store, calendar_id: str, doc: dict[str, Any]) -> None:
    doc["_seq"] = store.next_seq("calendar")
    store.put("event", event_key(calendar_id, doc["id"]), doc, parent=calendar_id)


def calendar_events(store: Store, calendar_id: str) -> list[dict[str, Any]]:
    return store.list("event", parent=calendar_id)


def attendee_emails(doc: dict[str, Any]) -> set[str]:
    """Everyone invited to the event or to any of its exceptions."""
    emails = {a.get("email", "").lower() for a in doc.get("attendees") or []}
    for exc in doc.get("_x", {}).values():
        emails |= {a.get("email", "").lower() for a in exc["o"].get("attendees") or []}
    emails.discard("")
    return emails


def sync_attendance(store: Store, calendar_id: str, doc: dict[str, Any], before: set[str]) -> None:
    """Keep the attendees' copies (pointers to the organizer's event) in step with its guests."""
    now = attendee_emails(doc) - {calendar_id}
    for email in before - now:
        store.delete("event_attendance", f"{email}|{event_key(calendar_id, doc['id'])}")
    for email in now - before:
        store.put(
            "event_attendance",
            f"{email}|{event_key(calendar_id, doc['id'])}",
            {"calendarId": calendar_id, "eventId": doc["id"]},
            parent=email,
        )


def invitations(store: Store, calendar_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(organizer calendar, event doc) for every event the calendar's owner is invited to."""
    out = []
    for pointer in store.list("event_attendance", parent=calendar_id):
        doc = load_event(store, pointer["calendarId"], pointer["eventId"])
        if doc is not None:
            out.append((pointer["calendarId"], doc))
    return out


def find_invitation(
    store: Store, calendar_id: str, event_id: str
) -> tuple[str, dict[str, Any]] | None:
    for organizer_cal, doc in invitations(store, calendar_id):
        if doc["id"] == event_id:
            return organizer_cal, doc
    return None


def shared_with(store: Store, user: str) -> list[str]:
    return [s["calendarId"] for s in store.list("calendar_share", parent=user)]
