"""Drive API v3 changes (getStartPageToken, list), about.get and an empty comments.list.

Changes come from files.record_change's log. A page token is a position in that log; a list
returns, per file, its latest change the acting user may know about since the token: the file
as it is now if they can still see it, or `removed: true` if they could when it changed (a
deleted file, or access taken away).
"""

from __future__ import annotations

from typing import Any

from ..core.api import Call, HttpError, handler
from .common import FILE_DEFAULT, fields_given, pick, present_file
from .files import DOC_MIME, permission_id_for, reach, reachable, role_of, user_entry

SEQ = "seq:drive-change"


def _current(call: Call) -> int:
    return call.store.counter(SEQ)


@handler("drive.changes.getStartPageToken")
def start_page_token(call: Call) -> dict[str, Any]:
    return {"kind": "drive#startPageToken", "startPageToken": str(_current(call) + 1)}


@handler("drive.changes.list")
def list_changes(call: Call) -> dict[str, Any]:
    if call.param("driveId"):
        raise HttpError(404, "notFound", f"Shared drive not found: {call.param('driveId')}")
    token = call.params["pageToken"]
    try:
        start = int(token)
    except ValueError:
        raise HttpError(400, "invalid", "Invalid Value") from None
    size = int(call.param("pageSize", 100))
    if not 1 <= size <= 1000:
        raise HttpError(400, "invalid", "Invalid Value")
    include_removed = call.param("includeRemoved", True)
    user = call.user
    current = _current(call)
    files: dict[str, dict[str, Any] | None] = {}
    latest: dict[str, tuple[int, dict[str, Any], bool]] = {}  # fileId -> (seq, entry, visible)
    for seq in range(max(start, 1), current + 1):
        entry = call.store.get("change", f"{seq:012d}")
        if entry is None:
            continue
        fid = entry["fileId"]
        if fid not in files:
            files[fid] = call.store.get("file", fid)
        file = files[fid]
        visible = file is not None and role_of(file, user) is not None and reachable(call, file)
        known = user in (entry.get("users") or []) and (file is None or reachable(call, file))
        if entry["removed"] and not known:
            continue
        if not entry["removed"] and not (visible or known):
            continue
        latest[fid] = (seq, entry, visible and not entry["removed"])
    ordered = sorted(latest.values(), key=lambda item: item[0])
    if not include_removed:
        ordered = [item for item in ordered if item[2]]
    page = ordered[:size]
    full = fields_given(call)
    changes = []
    for _seq, entry, visible in page:
        change: dict[str, Any] = {
            "kind": "drive#change",
            "changeType": "file",
            "type": "file",
            "time": entry["time"],
            "removed": not visible,
            "fileId": entry["fileId"],
        }
        file = files[entry["fileId"]]
        if visible and file is not None:
            view = present_file(call.store, file, user)
            change["file"] = view if full else pick(view, FILE_DEFAULT)
        changes.append(change)
    out: dict[str, Any] = {"kind": "drive#changeList", "changes": changes}
    if len(ordered) > size:
        out["nextPageToken"] = str(ordered[size][0])
    else:
        out["newStartPageToken"] = str(current + 1)
    return out


@handler("drive.about.get")
def about(call: Call) -> dict[str, Any]:
    if not fields_given(call):
        raise HttpError(400, "required", "The 'fields' parameter is required for this method.")
    usage = sum(
        int(f.get("size", "0"))
        for f in call.store.list("file")
        if f["owners"][0]["emailAddress"].lower() == call.user
    )
    me = dict(user_entry(call.user), me=True, permissionId=permission_id_for(call.user))
    return {
        "kind": "drive#about",
        "user": me,
        "storageQuota": {
            "limit": str(15 * 1024**3),
            "usage": str(usage),
            "usageInDrive": str(usage),
            "usageInDriveTrash": "0",
        },
        "importFormats": {"text/html": [DOC_MIME], "text/plain": [DOC_MIME]},
        "exportFormats": {DOC_MIME: ["text/plain", "text/html"]},
        "maxUploadSize": str(5 * 1024**4),
        "appInstalled": False,
        "canCreateDrives": False,
    }


@handler("drive.comments.list")
def list_comments(call: Call) -> dict[str, Any]:
    """Comments are not modelled: every file has none (gspread's copy lists them)."""
    reach(call, call.params["fileId"], "reader")
    if not fields_given(call):
        raise HttpError(400, "required", "The 'fields' parameter is required for this method.")
    return {"kind": "drive#commentList", "comments": []}
