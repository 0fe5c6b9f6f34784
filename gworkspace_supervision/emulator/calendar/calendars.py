"""Google Calendar v3 in the local Workspace: calendars, calendarList, ACL and freebusy here;
events in event_handlers.py (imported below so importing this module registers everything).

Every user has a primary calendar whose id is their email. Calendars are private to their owner
unless shared through the ACL (404 notFound for anyone else; a reader cannot write). As in a
Workspace domain with default settings, colleagues in the same domain can see each other's
free/busy. Invitations appear on each attendee's primary calendar (events.list/get, freebusy).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..core.api import Call, HttpError, bad_request, handler
from ..drive.files import new_id, rfc3339
from . import event_handlers  # noqa: F401  (registers the events.* handlers)
from .listing import busy_times, sources
from .recurrence import format_dt, parse_rfc3339, zone
from .store import (
    DEFAULT_TZ,
    GROUP_SUFFIX,
    ROLE_RANK,
    load_calendar,
    require,
    resolve_calendar_id,
    role_of,
    save_calendar,
    shared_with,
)

SCOPES = ("user", "group", "domain", "default")
# freebusy.query limits. Calendars: FreeBusyRequest.calendarExpansionMax "Maximum value is 50"
# and the error reason `tooManyCalendarsRequested` (developers.google.com/workspace/calendar/api/
# v3/reference/freebusy/query). Span: Google answers 400 "The requested time range is too long."
# past 90 days (calcom/cal.diy pull requests 11696 and 11962, which split queries into 90 days).
FREEBUSY_MAX_CALENDARS = 50
FREEBUSY_MAX_SPAN = timedelta(days=90)


def calendar_resource(calendar: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "calendar#calendar",
        "etag": f'"{len(calendar.get("acl", {}))}"',
        "id": calendar["id"],
        "summary": calendar["summary"],
        "timeZone": calendar["timeZone"],
        "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]},
    }


def list_entry(calendar: dict[str, Any], role: str, primary: bool) -> dict[str, Any]:
    entry = {
        **calendar_resource(calendar),
        "kind": "calendar#calendarListEntry",
        "accessRole": role,
        "defaultReminders": [],
        "selected": True,
    }
    if primary:
        entry["primary"] = True
    return entry


def visible_calendars(call: Call) -> list[tuple[dict[str, Any], str]]:
    own = load_calendar(call.store, call.user)
    out = [(own, "owner")] if own else []
    for cid in shared_with(call.store, call.user):
        calendar = load_calendar(call.store, cid)
        if calendar is not None and cid != call.user:
            role = role_of(calendar, call.user)
            if ROLE_RANK[role] >= ROLE_RANK["freeBusyReader"]:
                out.append((calendar, role))
    return out


@handler("calendar.calendarList.list")
def calendar_list(call: Call) -> dict[str, Any]:
    minimum = ROLE_RANK[call.param("minAccessRole") or "freeBusyReader"]
    items = [
        list_entry(cal, role, cal["id"] == call.user)
        for cal, role in visible_calendars(call)
        if ROLE_RANK[role] >= minimum
    ]
    return {"kind": "calendar#calendarList", "etag": f'"{len(items)}"', "items": items}


@handler("calendar.calendarList.get")
def calendar_list_get(call: Call) -> dict[str, Any]:
    cid = resolve_calendar_id(call.params["calendarId"], call.user)
    for cal, role in visible_calendars(call):
        if cal["id"] == cid:
            return list_entry(cal, role, cid == call.user)
    raise HttpError(404, "notFound", "Not Found")


@handler("calendar.calendars.get")
def calendars_get(call: Call) -> dict[str, Any]:
    return calendar_resource(require(call.store, call.params["calendarId"], call.user, "reader"))


@handler("calendar.calendars.insert")
def calendars_insert(call: Call) -> dict[str, Any]:
    """A secondary calendar owned by the acting user."""
    body = call.body or {}
    if not body.get("summary"):
        raise HttpError(400, "required", "Missing title.")
    cid = f"c_{new_id(26).lower().replace('-', '0').replace('_', '1')}{GROUP_SUFFIX}"
    calendar = {
        "id": cid,
        "owner": call.user,
        "summary": body["summary"],
        "timeZone": body.get("timeZone") or DEFAULT_TZ,
        "acl": {},
    }
    zone(calendar["timeZone"])
    save_calendar(call.store, calendar)
    call.store.put("calendar_share", f"{call.user}|{cid}", {"calendarId": cid}, parent=call.user)
    return calendar_resource(calendar)


# -- ACL ----------------------------------------------------------------------------------------
def rule_resource(rule_id: str, rule: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "calendar#aclRule", "etag": f'"{rule_id}"', "id": rule_id, **rule}


def owner_rule(calendar: dict[str, Any]) -> dict[str, Any]:
    owner = calendar["owner"]
    return rule_resource(
        f"user:{owner}", {"scope": {"type": "user", "value": owner}, "role": "owner"}
    )


def _set_rule(call: Call, calendar: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    role, scope = body.get("role"), body.get("scope") or {}
    if role not in ROLE_RANK or role == "none":
        raise bad_request(f"Invalid role: {role}")
    if scope.get("type") not in SCOPES:
        raise bad_request(f"Invalid scope type: {scope.get('type')}")
    value = str(scope.get("value") or "").lower()
    if scope["type"] != "default" and not value:
        raise HttpError(400, "required", "Missing scope value.")
    rule_id = "default" if scope["type"] == "default" else f"{scope['type']}:{value}"
    if value == calendar["owner"]:
        return owner_rule(calendar)
    clean_scope = {"type": scope["type"], **({"value": value} if value else {})}
    calendar.setdefault("acl", {})[rule_id] = {"scope": clean_scope, "role": role}
    save_calendar(call.store, {k: v for k, v in calendar.items() if not k.startswith("_")})
    if scope["type"] in ("user", "group"):
        call.store.put(
            "calendar_share",
            f"{value}|{calendar['id']}",
            {"calendarId": calendar["id"]},
            parent=value,
        )
    return rule_resource(rule_id, calendar["acl"][rule_id])


@handler("calendar.acl.insert")
def acl_insert(call: Call) -> dict[str, Any]:
    calendar = require(call.store, call.params["calendarId"], call.user, "owner")
    return _set_rule(call, calendar, call.body or {})


@handler("calendar.acl.update")
def acl_update(call: Call) -> dict[str, Any]:
    calendar = require(call.store, call.params["calendarId"], call.user, "owner")
    rule = _existing_rule(calendar, call.params["ruleId"])
    return _set_rule(call, calendar, {**rule, **(call.body or {})})


@handler("calendar.acl.patch")
def acl_patch(call: Call) -> dict[str, Any]:
    return acl_update(call)


def _existing_rule(calendar: dict[str, Any], rule_id: str) -> dict[str, Any]:
    rule = calendar.get("acl", {}).get(rule_id.lower())
    if rule is None:
        raise HttpError(404, "notFound", "Not Found")
    return dict(rule)


@handler("calendar.acl.get")
def acl_get(call: Call) -> dict[str, Any]:
    calendar = require(call.store, call.params["calendarId"], call.user, "owner")
    rule_id = call.params["ruleId"].lower()
    if rule_id == f"user:{calendar['owner']}":
        return owner_rule(calendar)
    return rule_resource(rule_id, _existing_rule(calendar, rule_id))


@handler("calendar.acl.list")
def acl_list(call: Call) -> dict[str, Any]:
    calendar = require(call.store, call.params["calendarId"], call.user, "owner")
    items = [owner_rule(calendar)] + [
        rule_resource(rid, rule) for rid, rule in calendar.get("acl", {}).items()
    ]
    return {"kind": "calendar#acl", "etag": f'"{len(items)}"', "items": items}


@handler("calendar.acl.delete")
def acl_delete(call: Call) -> None:
    calendar = require(call.store, call.params["calendarId"], call.user, "owner")
    rule_id = call.params["ruleId"].lower()
    rule = _existing_rule(calendar, rule_id)
    del calendar["acl"][rule_id]
    save_calendar(call.store, {k: v for k, v in calendar.items() if not k.startswith("_")})
    if rule["scope"]["type"] in ("user", "group"):
        call.store.delete("calendar_share", f"{rule['scope']['value']}|{calendar['id']}")
    return None


# -- freebusy -----------------------------------------------------------------------------------
@handler("calendar.freebusy.query")
def freebusy(call: Call) -> dict[str, Any]:
    body = call.body or {}
    for name in ("timeMin", "timeMax"):
        if not body.get(name):
            raise HttpError(400, "required", f"Missing {name} parameter.")
    lo, hi = parse_rfc3339(body["timeMin"]), parse_rfc3339(body["timeMax"])
    if hi <= lo:
        raise HttpError(400, "timeRangeEmpty", "The specified time range is empty.")
    if hi - lo > FREEBUSY_MAX_SPAN:
        raise HttpError(400, "timeRangeTooLong", "The requested time range is too long.")
    asked_items = body.get("items") or []
    if len(asked_items) > FREEBUSY_MAX_CALENDARS:
        raise HttpError(
            400,
            "tooManyCalendarsRequested",
            "The number of calendars requested is too large for a single query.",
        )
    tz = zone(body.get("timeZone") or "UTC")
    calendars: dict[str, Any] = {}
    for entry in asked_items:
        asked = str(entry.get("id", ""))
        cid = resolve_calendar_id(asked, call.user)
        calendar = load_calendar(call.store, cid)
        if calendar is None or ROLE_RANK[role_of(calendar, call.user)] < 1:
            calendars[asked] = {"errors": [{"domain": "global", "reason": "notFound"}], "busy": []}
            continue
        spans = busy_times(sources(call, cid), cid, calendar["timeZone"], lo, hi, call.now)
        calendars[asked] = {
            "busy": [{"start": format_dt(s, tz), "end": format_dt(e, tz)} for s, e in spans]
        }
    return {
        "kind": "calendar#freeBusy",
        "timeMin": rfc3339(lo.astimezone(zone("UTC"))),
        "timeMax": rfc3339(hi.astimezone(zone("UTC"))),
        "calendars": calendars,
    }


# -- settings -----------------------------------------------------------------------------------
def _settings(call: Call) -> dict[str, str]:
    own = load_calendar(call.store, call.user)
    tz = own["timeZone"] if own else DEFAULT_TZ
    return {"timezone": tz, "locale": "en_GB", "weekStart": "1", "format24HourTime": "true"}


def _setting(name: str, value: str) -> dict[str, Any]:
    return {"kind": "calendar#setting", "etag": f'"{name}"', "id": name, "value": value}


@handler("calendar.settings.get")
def settings_get(call: Call) -> dict[str, Any]:
    values = _settings(call)
    name = call.params["setting"]
    if name not in values:
        raise HttpError(404, "notFound", "Not Found")
    return _setting(name, values[name])


@handler("calendar.settings.list")
def settings_list(call: Call) -> dict[str, Any]:
    items = [_setting(k, v) for k, v in _settings(call).items()]
    return {"kind": "calendar#settings", "etag": '"settings"', "items": items}
