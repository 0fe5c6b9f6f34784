"""Drive API v3 permissions: create, list, get, update, delete, with ownership transfer.

Only the owner, or writers while writersCanShare, may share; a reader or commenter gets 403
insufficientFilePermissions and a stranger 404. Role owner needs transferOwnership=true and
the current owner; the previous owner becomes a writer. Domain and anyone shares are possible
here, as on Google: refusing them is the toolkit's job. Share notices go to call.emails.
"""

from __future__ import annotations

from typing import Any

from ..core.api import Call, HttpError, handler
from .common import PERMISSION_DEFAULT, can_share, fields_given, pick, present_permission
from .files import (
    owner_of,
    permission_id_for,
    reach,
    record_change,
    root_id,
    save_file,
    user_entry,
)

TYPES = ("user", "group", "domain", "anyone")
ROLES = ("owner", "organizer", "fileOrganizer", "writer", "commenter", "reader")
UPDATABLE = {"role", "expirationTime", "pendingOwner", "view"}


def _forbidden() -> HttpError:
    return HttpError(
        403,
        "insufficientFilePermissions",
        "The user does not have sufficient permissions for this file.",
    )


def _sharable(call: Call) -> dict[str, Any]:
    file = reach(call, call.params["fileId"], "reader")
    if not can_share(file, call.user):
        raise _forbidden()
    return file


def _find(file: dict[str, Any], perm_id: str) -> dict[str, Any]:
    for perm in file.get("permissions", []):
        if perm["id"] == perm_id:
            return perm  # type: ignore[no-any-return]
    raise HttpError(404, "notFound", f"Permission not found: {perm_id}.")


def _view(call: Call, perm: dict[str, Any]) -> dict[str, Any]:
    full = present_permission(perm)
    return full if fields_given(call) else pick(full, PERMISSION_DEFAULT)


def _bump(call: Call, file: dict[str, Any]) -> None:
    """Sharing changes the file's version and is a Drive change, but not its modifiedTime."""
    file["version"] = str(int(file.get("version", "1")) + 1)
    save_file(call.store, file, call.now, touch=False)


def _notify(call: Call, file: dict[str, Any], to: str, role: str, transfer: bool) -> None:
    sharer = user_entry(call.user)["displayName"]
    subject = (
        f'{sharer} made you the owner of "{file["name"]}"'
        if transfer
        else f'{sharer} shared "{file["name"]}" with you'
    )
    call.emails.append(
        {
            "to": to,
            "from": call.user,
            "subject": subject,
            "kind": "share",
            "fileId": file["id"],
            "role": role,
            "message": call.param("emailMessage"),
        }
    )


PENDING_OWNER_WRITER = HttpError(
    403,
    "pendingOwnerWriterRequired",
    "The target user cannot be a pending owner because the target user does not have a writer "
    "role for the file.",
)  # googleapis/google-api-python-client issue 2741; Drive's "Transfer file ownership" guide


def _pending_owner(call: Call, file: dict[str, Any], perm: dict[str, Any], role: str) -> None:
    """pendingOwner=true: only the owner may ask, and only of a user who is a writer."""
    if owner_of(file).lower() != call.user:
        raise _forbidden()
    if perm.get("type") != "user" or role != "writer":
        raise PENDING_OWNER_WRITER
    perm["pendingOwner"] = True


def _transfer(call: Call, file: dict[str, Any], new_owner: str) -> None:
    """Make `new_owner` the owner; the previous owner stays on as a writer (as Google)."""
    if not call.param("transferOwnership", False):
        raise HttpError(
            403,
            "forbidden",
            "The transferOwnership parameter must be enabled when the permission role is 'owner'.",
        )
    if owner_of(file).lower() != call.user:
        raise _forbidden()
    if call.param("sendNotificationEmail") is False:
        raise HttpError(
            400,
            "badRequest",
            "sendNotificationEmail must not be disabled for ownership transfers.",
        )
    if new_owner.split("@")[-1] != call.user.split("@")[-1]:
        # Drive answers this for a transfer out of the organisation: the new owner must accept
        # (davidstrauss/google-drive-recursive-ownership issue 47, cardinalitypuzzles/cardboard
        # issue 616; Drive's "Transfer file ownership" guide: Workspace files cannot be
        # transferred outside the organisation)
        raise HttpError(
            403,
            "consentRequiredForOwnershipTransfer",
            "Consent is required to transfer ownership of a file to another user.",
        )
    for perm in file["permissions"]:
        if perm["role"] == "owner":
            perm["role"] = "writer"
    file["owners"] = [user_entry(new_owner)]
    if call.param("moveToNewOwnersRoot", False):
        file["parents"] = [root_id(new_owner)]


@handler("drive.permissions.create")
def create(call: Call) -> dict[str, Any]:
    file = _sharable(call)
    body = call.body or {}
    kind, role = body.get("type"), body.get("role")
    if kind not in TYPES:
        raise HttpError(400, "required", "The permission type field is required.")
    if role not in ROLES:
        raise HttpError(400, "required", "The permission role field is required.")
    perm: dict[str, Any] = {"kind": "drive#permission", "type": kind, "role": role}
    if kind in ("user", "group"):
        email = (body.get("emailAddress") or "").strip().lower()
        if "@" not in email:
            raise HttpError(400, "invalidSharingRequest", "An email address must be supplied.")
        perm.update(id=permission_id_for(email), emailAddress=email)
        perm["displayName"] = user_entry(email)["displayName"]
    elif kind == "domain":
        domain = (body.get("domain") or "").strip().lower()
        if not domain:
            raise HttpError(400, "invalidSharingRequest", "A domain must be supplied.")
        perm.update(id=permission_id_for("@" + domain), domain=domain, displayName=domain)
        perm["allowFileDiscovery"] = bool(body.get("allowFileDiscovery", False))
    else:
        discover = bool(body.get("allowFileDiscovery", False))
        perm.update(id="anyone" if discover else "anyoneWithLink", allowFileDiscovery=discover)
    transfer = role == "owner"
    if body.get("pendingOwner"):
        if transfer:
            raise PENDING_OWNER_WRITER
        _pending_owner(call, file, perm, role)
    if transfer:
        if kind != "user":
            raise HttpError(400, "invalidSharingRequest", "Only a user can own a file.")
        _transfer(call, file, perm["emailAddress"])
    elif call.param("transferOwnership", False) and owner_of(file).lower() != call.user:
        raise _forbidden()
    existing = next((p for p in file["permissions"] if p["id"] == perm["id"]), None)
    if existing is not None:
        if existing["role"] == "owner" and not transfer:
            raise HttpError(
                403, "forbidden", "The owner's role cannot be changed; transfer ownership instead."
            )
        existing.update(perm)
        perm = existing
    else:
        file["permissions"].append(perm)
    notify = call.param("sendNotificationEmail")
    if kind in ("user", "group") and (transfer or notify is not False):
        _notify(call, file, perm["emailAddress"], role, transfer)
    _bump(call, file)
    return _view(call, perm)


@handler("drive.permissions.list")
def list_permissions(call: Call) -> dict[str, Any]:
    file = _sharable(call)
    perms = file.get("permissions", [])
    size = int(call.param("pageSize", 100))
    if not 1 <= size <= 100:
        raise HttpError(400, "invalid", "Invalid Value")
    token = call.param("pageToken")
    try:
        offset = int(token) if token else 0
    except ValueError:
        raise HttpError(400, "invalid", "Invalid Value") from None
    out: dict[str, Any] = {
        "kind": "drive#permissionList",
        "permissions": [_view(call, p) for p in perms[offset : offset + size]],
    }
    if offset + size < len(perms):
        out["nextPageToken"] = str(offset + size)
    return out


@handler("drive.permissions.get")
def get(call: Call) -> dict[str, Any]:
    file = _sharable(call)
    return _view(call, _find(file, call.params["permissionId"]))


@handler("drive.permissions.update")
def update(call: Call) -> dict[str, Any]:
    file = _sharable(call)
    perm = _find(file, call.params["permissionId"])
    body = call.body or {}
    unwritable = [k for k, v in body.items() if v is not None and k not in UPDATABLE]
    if unwritable:
        raise HttpError(
            403,
            "fieldNotWritable",
            "The resource body includes fields which are not directly writable.",
        )
    role = body.get("role")
    if role is not None and role not in ROLES:
        raise HttpError(400, "invalid", "Invalid Value")
    if role == "owner" and perm["role"] != "owner":
        if perm.get("type") != "user":
            raise HttpError(400, "invalidSharingRequest", "Only a user can own a file.")
        _transfer(call, file, perm["emailAddress"])
        perm = _find(file, call.params["permissionId"])
        _notify(call, file, perm["emailAddress"], "owner", True)
    elif role is not None and perm["role"] == "owner" and role != "owner":
        raise HttpError(
            403, "forbidden", "The owner's role cannot be changed; transfer ownership instead."
        )
    if body.get("pendingOwner"):
        _pending_owner(call, file, perm, role or perm["role"])
    elif body.get("pendingOwner") is False:
        perm.pop("pendingOwner", None)
    if role is not None:
        perm["role"] = role
    if "expirationTime" in body:
        perm["expirationTime"] = body["expirationTime"]
    _bump(call, file)
    return _view(call, perm)


@handler("drive.permissions.delete")
def delete(call: Call) -> None:
    file = reach(call, call.params["fileId"], "reader")
    perm = _find(file, call.params["permissionId"])
    own = perm.get("emailAddress", "").lower() == call.user
    if not own and not can_share(file, call.user):
        raise _forbidden()
    if perm["role"] == "owner":
        raise HttpError(403, "cannotRemoveOwner", "The owner of a file cannot be removed.")
    file["permissions"] = [p for p in file["permissions"] if p["id"] != perm["id"]]
    _bump(call, file)
    if perm.get("emailAddress"):
        record_change(call.store, file["id"], call.now, removed=True, users=[perm["emailAddress"]])
    return None
