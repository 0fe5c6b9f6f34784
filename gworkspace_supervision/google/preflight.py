"""The calls `check` makes, each with a scratch object it deletes again: Google's JSON stays here.

Every probe either returns normally or raises APIError (Google's answer, or the local
Workspace's); scratch objects are removed in a `finally`, so a probe that fails half way leaves
nothing behind it could remove.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..errors import APIError
from .calendar import APP
from .connect import Connection
from .gmail import build_message, send
from .retry import execute

CHECK_NAME = "gws-supervision check (scratch, safe to delete)"
DOC_MIME = "application/vnd.google-apps.document"


def _run(connection: Connection, request: object, what: str) -> dict:  # type: ignore[type-arg]
    answer = execute(request, what=what, policy=connection.retry, meter=connection.meter)
    return answer if isinstance(answer, dict) else {}


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def event_round_trip(connection: Connection, user: str) -> None:
    """Create a private 15-minute event tomorrow in `user`'s calendar (no invitations), delete it."""
    events = connection.calendar(user).events()
    calendar_id = connection.calendar_id(user)
    start = connection.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    body = {
        "summary": CHECK_NAME,
        "visibility": "private",
        "transparency": "transparent",
        "start": {"dateTime": _stamp(start), "timeZone": "UTC"},
        "end": {"dateTime": _stamp(start + timedelta(minutes=15)), "timeZone": "UTC"},
        "extendedProperties": {"private": {"app": APP, "kind": "check"}},
    }
    made = _run(
        connection,
        events.insert(calendarId=calendar_id, body=body, sendUpdates="none", fields="id"),
        "calendar.events.insert",
    )
    request = events.delete(calendarId=calendar_id, eventId=made["id"], sendUpdates="none")
    execute(request, what="calendar.events.delete", policy=connection.retry, meter=connection.meter)


def free_busy(connection: Connection, user: str, others: list[str]) -> None:
    """One free/busy query, as `user`, over the next day for `user` and `others`."""
    start = connection.now().replace(microsecond=0)
    body = {
        "timeMin": _stamp(start),
        "timeMax": _stamp(start + timedelta(days=1)),
        "items": [{"id": email} for email in [user, *others]],
    }
    answer = _run(
        connection, connection.calendar(user).freebusy().query(body=body), "calendar.freebusy.query"
    )
    for email, found in (answer.get("calendars") or {}).items():
        errors = found.get("errors") or []
        if errors:
            reason = str(errors[0].get("reason", "notFound"))
            raise APIError(200, reason, f"no free/busy for {email}", "calendar.freebusy.query")


def doc_round_trip(connection: Connection, user: str, share_with: str) -> None:
    """As `user`: create a Doc, write a line in it (Docs API), share it with `share_with` as a
    reader without an email, then delete it."""
    files = connection.drive(user).files()
    body = {
        "name": CHECK_NAME,
        "mimeType": DOC_MIME,
        "appProperties": {"app": APP, "kind": "check"},
    }
    made = _run(connection, files.create(body=body, fields="id"), "drive.files.create")
    try:
        write = {"requests": [{"insertText": {"location": {"index": 1}, "text": "check"}}]}
        request = connection.docs(user).documents().batchUpdate(documentId=made["id"], body=write)
        _run(connection, request, "docs.documents.batchUpdate")
        perm = {"type": "user", "role": "reader", "emailAddress": share_with}
        request = (
            connection.drive(user)
            .permissions()
            .create(fileId=made["id"], body=perm, sendNotificationEmail=False, fields="id")
        )
        _run(connection, request, "drive.permissions.create")
    finally:
        execute(
            files.delete(fileId=made["id"]),
            what="drive.files.delete",
            policy=connection.retry,
            meter=connection.meter,
        )


def changes(connection: Connection, user: str) -> None:
    """Drive's change log as `user`: a start token, then one page from it."""
    api = connection.drive(user).changes()
    token = _run(connection, api.getStartPageToken(), "drive.changes.getStartPageToken")
    request = api.list(pageToken=token["startPageToken"], pageSize=1, fields="newStartPageToken")
    _run(connection, request, "drive.changes.list")


def read_sheet(connection: Connection, user: str, sheet_id: str) -> None:
    """Open the tracking Sheet as `user` through gspread and read its tabs."""
    import gspread

    try:
        connection.gspread(user).open_by_key(sheet_id).worksheets()
    except gspread.exceptions.SpreadsheetNotFound:
        raise APIError(
            404, "notFound", "Requested entity was not found.", "sheets.spreadsheets.get"
        ) from None
    except PermissionError:  # gspread's answer to Sheets' 403 PERMISSION_DENIED
        raise APIError(
            403, "forbidden", "The caller does not have permission", "sheets.spreadsheets.get"
        ) from None
    except gspread.exceptions.APIError as exc:
        error = exc.error if isinstance(getattr(exc, "error", None), dict) else {}
        status = int(getattr(exc.response, "status_code", 0) or error.get("code", 0))
        raise APIError(
            status,
            str(error.get("status") or "error"),
            str(error.get("message") or exc),
            "sheets.spreadsheets.get",
        ) from None


def send_mail(connection: Connection, sender: str) -> None:
    """Send one short message from `sender` to `sender` (the digest's sending path)."""
    message = build_message(
        sender, sender, "gws-supervision check", "A test message from `gws-supervision check`."
    )
    send(connection, sender, message)
