"""Drive API v3 files: create (metadata, upload, HTML -> Doc conversion), get, list, update,
copy, delete, export, emptyTrash, generateIds. Permissions, changes and about live in
permissions.py and changes.py (imported here so the core registers them).

Sharing is enforced for the acting user through files.get_file: not on the ACL -> 404, role too
low -> 403. Files have one parent (Drive's single-parent model since 2020).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

from ..core.api import Call, HttpError, Raw, handler
from ..core.store import Store
from ..docs import documents as docs  # (importing it registers the documents.* handlers)
from ..docs.html import from_html
from ..docs.model import from_text
from . import changes, permissions  # noqa: F401  (registers handlers)
from .common import (
    FILE_DEFAULT,
    check_properties,
    check_writable,
    fields_given,
    file_view,
    is_google_type,
    listable,
    pick,
    present_file,
    root_folder,
)
from .files import (
    DOC_MIME,
    FOLDER_MIME,
    ROLE_RANK,
    SHEET_MIME,
    acl_users,
    create_file,
    grant_created,
    new_id,
    owner_of,
    reach,
    reachable,
    record_change,
    rfc3339,
    role_of,
    root_id,
    save_file,
    user_entry,
)
from .query import compile_query

CONTENT_KINDS = {DOC_MIME: ("document", "documentId"), SHEET_MIME: ("spreadsheet", "spreadsheetId")}
CONVERTIBLE = ("text/html", "text/plain")
ORDER_KEYS = {
    "createdTime",
    "folder",
    "modifiedByMeTime",
    "modifiedTime",
    "name",
    "name_natural",
    "quotaBytesUsed",
    "recency",
    "sharedWithMeTime",
    "starred",
    "viewedByMeTime",
}


def _resolve_parent(call: Call, pid: str) -> str:
    """A parent the user may add files to: their root, or a folder they can write."""
    if pid in ("root", root_id(call.user)):
        return root_id(call.user)
    folder = reach(call, pid, "reader")
    if folder["mimeType"] != FOLDER_MIME:
        raise HttpError(400, "invalid", "The specified parent is not a folder.")
    if ROLE_RANK[role_of(folder, call.user) or "reader"] < ROLE_RANK["writer"]:
        raise HttpError(
            403,
            "insufficientParentPermissions",
            "The user does not have sufficient permissions for the parent.",
        )
    return pid


def _parents(call: Call, wanted: list[str] | None) -> list[str] | None:
    if not wanted:
        return None
    if len(wanted) > 1:
        raise HttpError(403, "cannotAddParent", "Increasing the number of parents is not allowed")
    return [_resolve_parent(call, wanted[0])]


def _blob(media: bytes) -> dict[str, Any]:
    return {"data": base64.b64encode(media).decode()}


def _convert(call: Call, mime: str) -> Any:
    """The Doc content for an upload converted to a Google Doc."""
    media_type = (call.media_type or "").split(";")[0].strip().lower()
    if mime != DOC_MIME or media_type not in CONVERTIBLE:
        raise HttpError(
            400,
            "badRequest",
            f"The local Workspace cannot convert {media_type or 'this content'} to {mime}.",
        )
    text = (call.media or b"").decode("utf-8", "replace")
    return from_html(text) if media_type == "text/html" else from_text(text)


@handler("drive.files.create")
def create(call: Call) -> dict[str, Any]:
    body = dict(call.body or {})
    check_writable(body, update=False)
    mime = body.get("mimeType") or ""
    extra: dict[str, Any] = {
        "appProperties": check_properties({}, body.get("appProperties") or {}, "appProperties"),
        "properties": check_properties({}, body.get("properties") or {}, "properties"),
        "lastModifyingUser": user_entry(call.user),
    }
    for key in ("description", "starred", "writersCanShare", "copyRequiresWriterPermission"):
        if body.get(key) is not None:
            extra[key] = body[key]
    doc = None
    if call.media is not None:
        if is_google_type(mime):
            doc = _convert(call, mime)
        else:
            mime = mime or call.media_type or "application/octet-stream"
            extra["size"] = str(len(call.media))
            extra["md5Checksum"] = hashlib.md5(call.media).hexdigest()
    mime = mime or "application/octet-stream"
    fid = body.get("id")
    if fid is not None:
        if not re.fullmatch(r"[A-Za-z0-9_-]{10,}", fid):
            raise HttpError(400, "fileIdNotUsable", "The provided file ID is not usable.")
        if call.store.get("file", fid) is not None:
            raise HttpError(409, "fileIdInUse", "A file already exists with the provided ID.")
    file = create_file(
        call.store,
        call.user,
        call.now,
        body.get("name") or "Untitled",
        mime,
        parents=_parents(call, body.get("parents")),
        extra=extra,
        file_id=fid,
    )
    grant_created(call, file)
    for stamp in ("createdTime", "modifiedTime"):
        if body.get(stamp):
            file[stamp] = body[stamp]
            save_file(call.store, file, call.now, touch=False)
    if mime == DOC_MIME:
        docs.store_document(call.store, file["id"], doc or docs.Document())
    elif call.media is not None:
        call.store.put("blob", file["id"], _blob(call.media))
    return file_view(call, file)


@handler("drive.files.get")
def get(call: Call) -> Any:
    fid = call.params["fileId"]
    if fid in ("root", root_id(call.user)):
        root = root_folder(call.user)
        return root if fields_given(call) else pick(root, FILE_DEFAULT)
    file = reach(call, fid, "reader")
    if call.param("alt") == "media":
        if is_google_type(file["mimeType"]):
            raise HttpError(
                403,
                "fileNotDownloadable",
                "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
            )
        blob = call.store.get("blob", fid) or {"data": ""}
        return Raw(base64.b64decode(blob["data"]), file["mimeType"])
    return file_view(call, file)


# -- list ---------------------------------------------------------------------------------------
def _sort_key(key: str, file: dict[str, Any]) -> Any:
    if key in ("name", "name_natural"):
        return file.get("name", "").lower()
    if key == "folder":
        return 0 if file["mimeType"] == FOLDER_MIME else 1
    if key == "starred":
        return 0 if file.get("starred") else 1
    if key == "quotaBytesUsed":
        return int(file.get("size", "0"))
    if key == "createdTime":
        return file["createdTime"]
    return file["modifiedTime"]


def _order(items: list[dict[str, Any]], order_by: str | None) -> list[dict[str, Any]]:
    if not order_by:
        return items
    keys = []
    for part in order_by.split(","):
        words = part.split()
        if (
            not words
            or words[0] not in ORDER_KEYS
            or len(words) > 2
            or (len(words) == 2 and words[1] != "desc")
        ):
            raise HttpError(400, "invalid", "Invalid Value")
        keys.append((words[0], len(words) == 2))
    for key, desc in reversed(keys):
        items.sort(key=lambda f, k=key: _sort_key(k, f), reverse=desc)  # type: ignore[misc]
    return items


def _page_token(offset: int, signature: str) -> str:
    raw = json.dumps({"o": offset, "s": signature}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_token(token: str, signature: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if data["s"] != signature:
            raise ValueError
        return int(data["o"])
    except (ValueError, KeyError, TypeError):
        raise HttpError(400, "invalid", "Invalid Value") from None


@handler("drive.files.list")
def list_files(call: Call) -> dict[str, Any]:
    if call.param("driveId"):
        raise HttpError(404, "notFound", f"Shared drive not found: {call.param('driveId')}")
    query = compile_query(call.param("q"))
    spaces = {s.strip() for s in call.param("spaces", "drive").split(",")}
    page_size = int(call.param("pageSize", 100))
    if not 1 <= page_size <= 1000:
        raise HttpError(400, "invalid", "Invalid Value")
    user = call.user
    if "drive" not in spaces:
        candidates: list[dict[str, Any]] = []
    elif query.parent_hint is not None:
        hint = root_id(user) if query.parent_hint == "root" else query.parent_hint
        candidates = call.store.list("file", parent=hint)
    else:
        candidates = call.store.list("file")
    hits = [
        f for f in candidates if listable(f, user) and reachable(call, f) and query.matches(f, user)
    ]
    hits = _order(hits, call.param("orderBy"))
    signature = hashlib.sha1(
        f"{user}|{call.param('q')}|{call.param('orderBy')}".encode()
    ).hexdigest()[:12]
    token = call.param("pageToken")
    offset = _read_token(token, signature) if token else 0
    page = hits[offset : offset + page_size]
    full = fields_given(call)
    out: dict[str, Any] = {
        "kind": "drive#fileList",
        "incompleteSearch": False,
        "files": [
            present_file(call.store, f, user) if full else pick(f, FILE_DEFAULT) for f in page
        ],
    }
    if offset + page_size < len(hits):
        out["nextPageToken"] = _page_token(offset + page_size, signature)
    return out


# -- update -------------------------------------------------------------------------------------
def _descendants(store: Store, folder_id: str, owner: str) -> list[dict[str, Any]]:
    out = []
    for child in store.list("file", parent=folder_id):
        if owner_of(child).lower() == owner:
            out.append(child)
            if child["mimeType"] == FOLDER_MIME:
                out.extend(_descendants(store, child["id"], owner))
    return out


def _set_trashed(call: Call, file: dict[str, Any], trashed: bool) -> None:
    if owner_of(file).lower() != call.user:
        raise HttpError(
            403,
            "insufficientFilePermissions",
            "The user does not have sufficient permissions for this file.",
        )
    targets = [file]
    if file["mimeType"] == FOLDER_MIME:
        targets += _descendants(call.store, file["id"], call.user)
    for i, item in enumerate(targets):
        item["trashed"] = trashed
        item["explicitlyTrashed"] = trashed and i == 0
        if trashed:
            item["trashedTime"] = rfc3339(call.now)
            item["trashingUser"] = user_entry(call.user)
        else:
            item.pop("trashedTime", None)
            item.pop("trashingUser", None)
        if i:
            save_file(call.store, item, call.now)


@handler("drive.files.update")
def update(call: Call) -> dict[str, Any]:
    fid = call.params["fileId"]
    file = reach(call, fid, "writer")
    body = dict(call.body or {})
    check_writable(body, update=True)
    if "trashed" in body and body["trashed"] is not None and body["trashed"] != file["trashed"]:
        _set_trashed(call, file, bool(body["trashed"]))
    for key in ("name", "description", "starred", "copyRequiresWriterPermission"):
        if body.get(key) is not None:
            file[key] = body[key]
    if "writersCanShare" in body:
        if owner_of(file).lower() != call.user:
            raise HttpError(
                403,
                "insufficientFilePermissions",
                "The user does not have sufficient permissions for this file.",
            )
        file["writersCanShare"] = bool(body["writersCanShare"])
    for key in ("appProperties", "properties"):
        if key in body:
            file[key] = check_properties(file.get(key) or {}, body[key], key)
    _move(call, file)
    if call.media is not None:
        _replace_content(call, file)
    file["lastModifyingUser"] = user_entry(call.user)
    save_file(call.store, file, call.now)
    if body.get("modifiedTime"):
        file["modifiedTime"] = body["modifiedTime"]
        save_file(call.store, file, call.now, touch=False)
    return file_view(call, file)


def _ids(value: Any) -> list[str]:
    if not value:
        return []
    items = value if isinstance(value, list) else [value]
    return [p.strip() for item in items for p in str(item).split(",") if p.strip()]


def _move(call: Call, file: dict[str, Any]) -> None:
    add = _ids(call.param("addParents"))
    remove = _ids(call.param("removeParents"))
    if not add and not remove:
        return
    parents = list(file.get("parents", []))
    for pid in remove:
        pid = root_id(call.user) if pid == "root" else pid
        if pid in parents:
            parents.remove(pid)
    for pid in add:
        resolved = _resolve_parent(call, pid)
        if resolved not in parents:
            parents.append(resolved)
    if len(parents) > 1:
        raise HttpError(403, "cannotAddParent", "Increasing the number of parents is not allowed")
    file["parents"] = parents


def _replace_content(call: Call, file: dict[str, Any]) -> None:
    if file["mimeType"] == DOC_MIME:
        docs.store_document(call.store, file["id"], _convert(call, DOC_MIME))
    elif is_google_type(file["mimeType"]):
        raise HttpError(
            400, "badRequest", "The local Workspace cannot replace this file's content."
        )
    else:
        media = call.media or b""
        call.store.put("blob", file["id"], _blob(media))
        file["size"] = str(len(media))
        file["md5Checksum"] = hashlib.md5(media).hexdigest()


# -- copy, delete, export -------------------------------------------------------------------------
@handler("drive.files.copy")
def copy(call: Call) -> dict[str, Any]:
    src = reach(call, call.params["fileId"], "reader")
    if src["mimeType"] == FOLDER_MIME:
        raise HttpError(403, "cannotCopyFile", "This file cannot be copied by the user.")
    body = dict(call.body or {})
    check_writable(body, update=False)
    parents = _parents(call, body.get("parents"))
    if parents is None:
        inherited = []
        for pid in src.get("parents", []):
            try:
                inherited.append(_resolve_parent(call, pid))
            except HttpError:
                continue
        parents = inherited[:1] or None
    extra: dict[str, Any] = {
        "appProperties": check_properties(
            src.get("appProperties") or {}, body.get("appProperties") or {}, "appProperties"
        ),
        "properties": check_properties(
            src.get("properties") or {}, body.get("properties") or {}, "properties"
        ),
        "description": body.get("description", src.get("description", "")),
        "lastModifyingUser": user_entry(call.user),
    }
    for key in ("size", "md5Checksum"):
        if key in src:
            extra[key] = src[key]
    new = create_file(
        call.store,
        call.user,
        call.now,
        body.get("name") or f"Copy of {src['name']}",
        src["mimeType"],
        parents=parents,
        extra=extra,
    )
    grant_created(call, new)
    kind = CONTENT_KINDS.get(src["mimeType"])
    if src["mimeType"] == DOC_MIME:
        docs.copy_document(call.store, src["id"], new["id"])
    elif kind is not None:
        content = call.store.get(kind[0], src["id"])
        if content is not None:
            content[kind[1]] = new["id"]
            call.store.put(kind[0], new["id"], content)
    else:
        blob = call.store.get("blob", src["id"])
        if blob is not None:
            call.store.put("blob", new["id"], blob)
    return file_view(call, new)


def _remove(call: Call, file: dict[str, Any]) -> None:
    fid = file["id"]
    call.store.delete("file", fid)
    for kind in ("document", "spreadsheet", "blob"):
        call.store.delete(kind, fid)
    record_change(call.store, fid, call.now, removed=True, users=acl_users(file))


@handler("drive.files.delete")
def delete(call: Call) -> None:
    file = reach(call, call.params["fileId"], "reader")
    if owner_of(file).lower() != call.user:
        raise HttpError(
            403,
            "insufficientFilePermissions",
            "The user does not have sufficient permissions for this file.",
        )
    if file["mimeType"] == FOLDER_MIME:
        for child in _descendants(call.store, file["id"], call.user):
            _remove(call, child)
    _remove(call, file)
    return None


@handler("drive.files.emptyTrash")
def empty_trash(call: Call) -> None:
    for file in call.store.list("file"):
        if file.get("trashed") and owner_of(file).lower() == call.user:
            _remove(call, file)
    return None


@handler("drive.files.export")
def export(call: Call) -> Raw:
    file = reach(call, call.params["fileId"], "reader")
    mime = call.params["mimeType"]
    if not is_google_type(file["mimeType"]):
        raise HttpError(403, "fileNotExportable", "Export only supports Docs Editors files.")
    if file["mimeType"] == SHEET_MIME and mime == "text/csv":
        from ..sheets.model import open_spreadsheet
        from ..sheets.moves import export_csv

        return Raw(export_csv(open_spreadsheet(call, file["id"], "reader")[1]), "text/csv")
    if file["mimeType"] != DOC_MIME or mime not in ("text/plain", "text/html"):
        raise HttpError(400, "badRequest", "The requested conversion is not supported.")
    doc, _ = docs.load_document(call.store, file["id"])
    if mime == "text/plain":
        # Google's plain-text export: UTF-8 with a byte-order mark and CRLF line ends
        text = "\ufeff" + doc.plain_text().replace("\n", "\r\n")
        return Raw(text.encode("utf-8"), "text/plain")
    return Raw(doc.html(file["name"]).encode("utf-8"), "text/html")


@handler("drive.files.generateIds")
def generate_ids(call: Call) -> dict[str, Any]:
    count = int(call.param("count", 10))
    if not 1 <= count <= 1000:
        raise HttpError(400, "invalid", "Invalid Value")
    return {
        "kind": "drive#generatedIds",
        "space": call.param("space", "drive"),
        "ids": [new_id() for _ in range(count)],
    }
