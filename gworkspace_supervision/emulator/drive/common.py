"""What Drive's handlers share: the file resource as the acting user sees it, default fields.

Drive v3 returns only a method's default fields when the request has no `fields` parameter
(files: kind, id, name, mimeType; permissions: kind, id, type, role), so clients that forget
`fields` see here what they would see from Google.
"""

from __future__ import annotations

import copy
from typing import Any

from ..core.api import Call, HttpError
from ..core.store import Store
from .files import DOC_MIME, FOLDER_MIME, ROLE_RANK, owner_of, role_of, root_id, user_entry

FILE_DEFAULT = ("kind", "id", "name", "mimeType", "resourceKey")
PERMISSION_DEFAULT = ("kind", "id", "type", "role", "allowFileDiscovery")
GOOGLE_PREFIX = "application/vnd.google-apps."
EXPORT_TYPES = {DOC_MIME: ("text/plain", "text/html")}
APP_PROPERTY_BYTES = 124
MAX_PROPERTIES = 30


def fields_given(call: Call) -> bool:
    return bool(call.params.get("fields"))


def pick(resource: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: resource[k] for k in keys if k in resource}


def can_share(file: dict[str, Any], user: str) -> bool:
    role = role_of(file, user)
    if role == "owner":
        return True
    return (
        role is not None
        and ROLE_RANK[role] >= ROLE_RANK["writer"]
        and bool(file.get("writersCanShare", True))
    )


def listable(file: dict[str, Any], user: str) -> bool:
    """Files a user finds by search: theirs, shared with them, or discoverable domain/anyone."""
    domain = user.split("@", 1)[-1]
    for perm in file.get("permissions", []):
        kind = perm.get("type")
        if kind in ("user", "group") and perm.get("emailAddress", "").lower() == user:
            return True
        if kind == "domain" and perm.get("domain", "").lower() == domain:
            if perm.get("allowFileDiscovery"):
                return True
        if kind == "anyone" and perm.get("allowFileDiscovery"):
            return True
    return False


def root_folder(user: str) -> dict[str, Any]:
    """The user's My Drive folder (never stored: it exists for everyone)."""
    return {
        "kind": "drive#file",
        "id": root_id(user),
        "name": "My Drive",
        "mimeType": FOLDER_MIME,
        "parents": [],
        "owners": [user_entry(user)],
        "trashed": False,
        "starred": False,
        "appProperties": {},
        "properties": {},
        "permissions": [],
    }


def visible_parents(store: Store, file: dict[str, Any], user: str) -> list[str]:
    out = []
    for pid in file.get("parents", []):
        if pid == root_id(user):
            out.append(pid)
        elif not pid.startswith("root-"):
            folder = store.get("file", pid)
            if folder is not None and role_of(folder, user) is not None:
                out.append(pid)
    return out


def present_file(store: Store, file: dict[str, Any], user: str) -> dict[str, Any]:
    """The full file resource for `user` (the core's `fields` filter trims it)."""
    role = role_of(file, user) or "reader"
    rank = ROLE_RANK[role]
    owner = owner_of(file).lower() == user
    out = {k: copy.deepcopy(v) for k, v in file.items() if k != "permissions"}
    out["owners"] = [dict(o, me=o["emailAddress"].lower() == user) for o in file["owners"]]
    out["ownedByMe"] = owner
    out["shared"] = len(file.get("permissions", [])) > 1
    out["parents"] = visible_parents(store, file, user)
    out["spaces"] = ["drive"]
    out.setdefault("writersCanShare", True)
    out.setdefault("copyRequiresWriterPermission", False)
    out["viewersCanCopyContent"] = not out["copyRequiresWriterPermission"]
    out["explicitlyTrashed"] = bool(file.get("explicitlyTrashed", False))
    sharer = can_share(file, user)
    if sharer:
        out["permissions"] = [present_permission(p) for p in file.get("permissions", [])]
        out["permissionIds"] = [p["id"] for p in file.get("permissions", [])]
    is_folder = file["mimeType"] == FOLDER_MIME
    out["capabilities"] = {
        "canEdit": rank >= 3 and not is_folder,
        "canComment": rank >= 2,
        "canShare": sharer,
        "canCopy": not is_folder,
        "canDownload": True,
        "canDelete": owner,
        "canTrash": owner,
        "canUntrash": owner,
        "canRename": rank >= 3,
        "canAddChildren": is_folder and rank >= 3,
        "canListChildren": is_folder,
        "canModifyContent": rank >= 3,
        "canReadRevisions": rank >= 3,
        "canChangeCopyRequiresWriterPermission": owner,
        "canMoveItemWithinDrive": rank >= 3,
        "canRemoveChildren": is_folder and rank >= 3,
    }
    if file["mimeType"] in EXPORT_TYPES:
        out["exportLinks"] = {
            t: f"https://docs.google.com/feeds/download/documents/export/Export?id={file['id']}&exportFormat={t.split('/')[-1]}"
            for t in EXPORT_TYPES[file["mimeType"]]
        }
    return out


def present_permission(perm: dict[str, Any]) -> dict[str, Any]:
    out = dict(perm)
    out.setdefault("kind", "drive#permission")
    out.setdefault("deleted", False)
    out.setdefault("pendingOwner", False)
    if out.get("type") in ("domain", "anyone"):
        out.setdefault("allowFileDiscovery", False)
    return out


def file_view(call: Call, file: dict[str, Any]) -> dict[str, Any]:
    """What a single-file method returns: everything with `fields`, Drive's defaults without."""
    full = present_file(call.store, file, call.user)
    return full if fields_given(call) else pick(full, FILE_DEFAULT)


def check_properties(current: dict[str, Any], patch: Any, field: str) -> dict[str, Any]:
    """Merge a properties/appProperties patch (null deletes a key) within Google's limits."""
    if patch is None:
        return {}
    merged = dict(current)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
            continue
        if not isinstance(value, str):
            value = str(value)
        size = len(key.encode()) + len(value.encode())
        if size > APP_PROPERTY_BYTES:
            raise HttpError(
                400,
                "invalid",
                f"The size of the {field} key '{key}' and its value is {size} bytes; "
                f"a key and value together are limited to {APP_PROPERTY_BYTES} bytes (UTF-8).",
            )
        merged[key] = value
    if len(merged) > MAX_PROPERTIES:
        raise HttpError(
            400,
            "invalid",
            f"A file can have at most {MAX_PROPERTIES} {field} per application.",
        )
    return merged


READ_ONLY = (
    "owners",
    "permissions",
    "permissionIds",
    "capabilities",
    "webViewLink",
    "webContentLink",
    "version",
    "size",
    "md5Checksum",
    "ownedByMe",
    "shared",
    "exportLinks",
    "kind",
    "spaces",
    "trashedTime",
    "trashingUser",
    "lastModifyingUser",
    "sharingUser",
    "quotaBytesUsed",
    "headRevisionId",
)


def check_writable(body: dict[str, Any], update: bool) -> None:
    if update and "parents" in body:
        raise HttpError(
            403,
            "fieldNotWritable",
            "The parents field is not directly writable in update requests. "
            "Use the addParents and removeParents parameters instead.",
        )
    if update and "id" in body:
        raise HttpError(
            403,
            "fieldNotWritable",
            "The resource body includes fields which are not directly writable.",
        )
    for key in READ_ONLY:
        if key in body:
            raise HttpError(
                403,
                "fieldNotWritable",
                "The resource body includes fields which are not directly writable.",
            )


def is_google_type(mime: str) -> bool:
    return mime.startswith(GOOGLE_PREFIX)
