"""Drive's file model, shared by the Drive, Docs and Sheets emulators: ids, owners, ACLs, changes.

A Google Doc or Sheet is a Drive file (kind "file") plus its content stored under the same id
(kind "document" / "spreadsheet"). Every API that touches content checks access here, so a
user who is neither owner nor on the ACL gets 404 notFound, as from Google.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from ..core.access import grant, granted
from ..core.access import not_found as file_not_found
from ..core.api import Call, HttpError
from ..core.store import Store

DOC_MIME = "application/vnd.google-apps.document"
SHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"

ROLE_RANK = {
    "reader": 1,
    "commenter": 2,
    "writer": 3,
    "fileOrganizer": 3,
    "organizer": 4,
    "owner": 5,
}


def new_id(length: int = 33) -> str:
    """A Drive-like id: URL-safe letters, digits, '-' and '_'."""
    return secrets.token_urlsafe(length)[:length]


def rfc3339(moment: datetime) -> str:
    """Google's timestamp format: UTC with milliseconds and a Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def user_entry(email: str) -> dict[str, Any]:
    local = email.split("@", 1)[0]
    return {
        "kind": "drive#user",
        "displayName": local.replace(".", " ").title(),
        "emailAddress": email,
        "permissionId": permission_id_for(email),
    }


def permission_id_for(email: str) -> str:
    """Google gives each user a stable numeric permission id; derive one from the address."""
    digest = hashlib.sha256(email.lower().encode()).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**20).rjust(20, "0")


def create_file(
    store: Store,
    owner: str,
    now: datetime,
    name: str,
    mime_type: str,
    parents: list[str] | None = None,
    extra: dict[str, Any] | None = None,
    file_id: str | None = None,
) -> dict[str, Any]:
    """Create and save a file owned by `owner`, with the owner's permission on its ACL."""
    fid = file_id or new_id()
    stamp = rfc3339(now)
    file: dict[str, Any] = {
        "kind": "drive#file",
        "id": fid,
        "name": name,
        "mimeType": mime_type,
        "parents": parents or [root_id(owner)],
        "owners": [user_entry(owner)],
        "createdTime": stamp,
        "modifiedTime": stamp,
        "trashed": False,
        "starred": False,
        "version": "1",
        "appProperties": {},
        "properties": {},
        "description": "",
        "webViewLink": web_view_link(fid, mime_type),
        "permissions": [
            {
                "kind": "drive#permission",
                "id": permission_id_for(owner),
                "type": "user",
                "role": "owner",
                "emailAddress": owner,
                "displayName": user_entry(owner)["displayName"],
            }
        ],
    }
    if extra:
        file.update(extra)
    save_file(store, file, now, touch=False)
    return file


def root_id(user: str) -> str:
    """Each user's My Drive root folder id (stable, so `'root' in parents` works)."""
    return "root-" + permission_id_for(user)


def web_view_link(fid: str, mime_type: str) -> str:
    if mime_type == DOC_MIME:
        return f"https://docs.google.com/document/d/{fid}/edit?usp=drivesdk"
    if mime_type == SHEET_MIME:
        return f"https://docs.google.com/spreadsheets/d/{fid}/edit?usp=drivesdk"
    if mime_type == FOLDER_MIME:
        return f"https://drive.google.com/drive/folders/{fid}"
    return f"https://drive.google.com/file/d/{fid}/view?usp=drivesdk"


def owner_of(file: dict[str, Any]) -> str:
    return str(file["owners"][0]["emailAddress"])


def role_of(file: dict[str, Any], user: str) -> str | None:
    """The user's effective role on a file (direct user permission, domain or anyone)."""
    best: str | None = None
    domain = user.split("@", 1)[-1]
    for perm in file.get("permissions", []):
        kind = perm.get("type")
        match = (
            (kind == "user" and perm.get("emailAddress", "").lower() == user)
            or (kind == "domain" and perm.get("domain", "").lower() == domain)
            or kind == "anyone"
        )
        if match and (best is None or ROLE_RANK[perm["role"]] > ROLE_RANK[best]):
            best = perm["role"]
    return best


def get_file(store: Store, file_id: str, user: str, need: str = "reader") -> dict[str, Any]:
    """Load a file the user may use: 404 if they cannot see it, 403 if their role is too low."""
    file = store.get("file", file_id)
    role = None if file is None else role_of(file, user)
    if file is None or role is None:
        raise HttpError(404, "notFound", f"File not found: {file_id}.", domain="global")
    if ROLE_RANK[role] < ROLE_RANK[need]:
        raise HttpError(
            403,
            "insufficientFilePermissions",
            "The user does not have sufficient permissions for this file.",
        )
    return file


def reach(call: Call, file_id: str, need: str = "reader") -> dict[str, Any]:
    """`get_file` for the acting user through the calling app: under `drive.file` only a file
    the app created or opened as this user exists (404 File not found otherwise)."""
    if call.per_file and not granted(call.store, call.app, call.user, file_id):
        raise file_not_found(file_id)
    return get_file(call.store, file_id, call.user, need)


def reachable(call: Call, file: dict[str, Any]) -> bool:
    """Whether a listing (files.list, changes.list) may show this file to the calling app."""
    return not call.per_file or granted(call.store, call.app, call.user, file["id"])


def grant_created(call: Call, file: dict[str, Any]) -> None:
    """The app created (copied, uploaded) `file` as the acting user: it holds a grant for it."""
    grant(call.store, call.app, call.user, file["id"])


def save_file(store: Store, file: dict[str, Any], now: datetime, touch: bool = True) -> None:
    """Persist a file; `touch` bumps modifiedTime and version. Every save is a Drive change.

    The store's `parent` column holds the file's (single) parent folder, so `'ID' in parents`
    queries read one folder instead of every file."""
    if touch:
        file["modifiedTime"] = rfc3339(now)
        file["version"] = str(int(file.get("version", "1")) + 1)
    parents = file.get("parents") or [""]
    store.put("file", file["id"], file, parent=parents[0])
    record_change(store, file["id"], now, removed=False, users=acl_users(file))


def acl_users(file: dict[str, Any]) -> list[str]:
    """The addresses with a user (or group) permission on the file."""
    return sorted(
        {
            p["emailAddress"].lower()
            for p in file.get("permissions", [])
            if p.get("type") in ("user", "group") and p.get("emailAddress")
        }
    )


def record_change(
    store: Store,
    file_id: str,
    now: datetime,
    removed: bool,
    users: list[str] | None = None,
) -> None:
    """Append to the Drive change log that changes.list reads from a page token.

    `users` are those who could see the file at that moment, so a user who loses access (or a
    deleted file's collaborators) still gets a `removed` change."""
    seq = store.next_seq("drive-change")
    entry: dict[str, Any] = {
        "seq": seq,
        "fileId": file_id,
        "time": rfc3339(now),
        "removed": removed,
    }
    if users is not None:
        entry["users"] = users
    store.put("change", f"{seq:012d}", entry)
