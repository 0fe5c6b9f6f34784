"""Drive adapter for records and templates: the only code that knows Drive's JSON for them.

Records are found by their appProperties tag (app, kind=record, session id), never by name, so
renaming or moving a record does not make the toolkit create it again. Writes that can wait go
in Drive batches (at most 100 calls each); every call goes through google/retry.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dateutil.parser import isoparse
from googleapiclient.http import MediaInMemoryUpload

from .batch import DRIVE_BATCH, run_batch
from .connect import Connection
from .retry import execute
from .tags import FOLDER, RECORD, TEMPLATE, FileTags, file_query, kind_query

DOC_MIME = "application/vnd.google-apps.document"
FOLDER_MIME = "application/vnd.google-apps.folder"
PERMISSION_FIELDS = "id,type,role,emailAddress,domain"
FILE_FIELDS = (
    f"id,name,mimeType,appProperties,webViewLink,owners(emailAddress),modifiedTime,parents,"
    f"permissions({PERMISSION_FIELDS})"
)
LIST_FIELDS = f"nextPageToken,files({FILE_FIELDS})"
APP_TAG = file_query()


@dataclass(frozen=True)
class Permission:
    """One entry of a file's ACL, in plain words."""

    permission_id: str
    kind: str  # "user" | "group" | "domain" | "anyone"
    role: str  # "owner" | "writer" | "commenter" | "reader" | ...
    email: str | None = None
    domain: str | None = None

    def describe(self) -> str:
        who = self.email or (f"domain {self.domain}" if self.domain else "anyone with the link")
        return f"{who} ({self.role})"


@dataclass(frozen=True)
class RecordFile:
    """A supervision record (or template) as Drive holds it."""

    file_id: str
    name: str
    session_id: str
    link: str
    owner: str
    modified_time: datetime | None
    permissions: tuple[Permission, ...]
    pair: str = ""
    parent: str | None = None
    template: str = ""
    digest: str = ""  # templates: hash of the installed content

    def role_of(self, email: str) -> str | None:
        for p in self.permissions:
            if p.kind == "user" and (p.email or "").lower() == email.lower():
                return p.role
        return None


@dataclass(frozen=True)
class Share:
    """A permission to create on a file, with its notification."""

    file_id: str
    email: str
    role: str
    notify: bool = True
    message: str | None = None

    @property
    def key(self) -> str:
        return f"{self.file_id}:{self.email}"


def doc_link(file_id: str) -> str:
    return f"https://docs.google.com/document/d/{file_id}/edit"


def permission_from(raw: Mapping[str, Any]) -> Permission:
    return Permission(
        permission_id=str(raw.get("id", "")),
        kind=str(raw.get("type", "")),
        role=str(raw.get("role", "")),
        email=(str(raw["emailAddress"]).lower() if raw.get("emailAddress") else None),
        domain=(str(raw["domain"]).lower() if raw.get("domain") else None),
    )


def record_from(raw: Mapping[str, Any]) -> RecordFile:
    tags = FileTags.parse(raw)
    owners = raw.get("owners") or [{}]
    modified = raw.get("modifiedTime")
    return RecordFile(
        file_id=str(raw["id"]),
        name=str(raw.get("name", "")),
        session_id=tags.session,
        link=doc_link(str(raw["id"])),
        owner=str(owners[0].get("emailAddress", "")).lower(),
        modified_time=isoparse(modified) if modified else None,
        permissions=tuple(permission_from(p) for p in raw.get("permissions") or ()),
        pair=tags.pair,
        parent=(raw.get("parents") or [None])[0],
        template=tags.template,
        digest=tags.hash,
    )


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


class DriveAdapter:
    """Thin calls on a `Connection`. Folder ids are cached per run (per user and path)."""

    def __init__(self, connection: Connection, *, batch_size: int = DRIVE_BATCH) -> None:
        self.connection = connection
        self.batch_size = min(batch_size, DRIVE_BATCH)
        self._folders: dict[tuple[str, str, str], str] = {}
        self._prefetched: set[str] = set()
        self._resources: dict[tuple[str, str], Any] = {}

    def _files(self, user: str) -> Any:
        """files() of `user`'s service, made once: googleapiclient builds every method (and its
        docstring) again on each call of files(), which costs more than the request itself."""
        key = ("files", user.lower())
        if key not in self._resources:
            self._resources[key] = self.connection.drive(user).files()
        return self._resources[key]

    def _perms(self, user: str) -> Any:
        key = ("permissions", user.lower())
        if key not in self._resources:
            self._resources[key] = self.connection.drive(user).permissions()
        return self._resources[key]

    def _execute(self, request: Any, what: str) -> Any:
        conn = self.connection
        return execute(request, what=what, policy=conn.retry, meter=conn.meter)

    def _batch(
        self,
        user: str,
        requests: Sequence[tuple[str, Any]],
        what: str,
        progress: Callable[[int], None] | None = None,
        tolerate: Iterable[int] = (),
    ) -> dict[str, Any]:
        if not requests:
            return {}
        conn = self.connection
        return run_batch(
            conn.drive(user),
            requests,
            size=self.batch_size,
            what=what,
            policy=conn.retry,
            meter=conn.meter,
            progress=progress,
            tolerate=tuple(tolerate),
        )

    # -- reading ---------------------------------------------------------------------------------
    def _list(self, user: str, query: str) -> list[dict[str, Any]]:
        files = self._files(user)
        out: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            request = files.list(
                q=query, pageSize=1000, pageToken=token, fields=LIST_FIELDS, spaces="drive"
            )
            page = self._execute(request, "drive.files.list")
            out += page.get("files", [])
            token = page.get("nextPageToken")
            if not token:
                return out

    def list_records(self, user: str, *, folders: bool = False) -> list[RecordFile]:
        """The app's records `user` owns (one call a 1000 records), with their ACLs; with
        `folders`, the app's folders come in the same listing and are cached for ensure_folders
        (saving prefetch_folders' own call)."""
        record = kind_query(RECORD)
        kinds = f"({record} or mimeType = '{FOLDER_MIME}')" if folders else record
        query = f"{APP_TAG} and {kinds} and 'me' in owners and trashed = false"
        found = self._list(user, query)
        if folders:
            self._cache_folders(user, [f for f in found if f.get("mimeType") == FOLDER_MIME])
        return [record_from(f) for f in found if f.get("mimeType") != FOLDER_MIME]

    def list_templates(self, user: str) -> list[RecordFile]:
        """The app's installed templates `user` owns (or can see when `mine` is False)."""
        query = f"{file_query(TEMPLATE)} and 'me' in owners and trashed = false"
        return [record_from(f) for f in self._list(user, query)]

    def get(self, user: str, file_id: str) -> RecordFile:
        request = self._files(user).get(fileId=file_id, fields=FILE_FIELDS)
        return record_from(self._execute(request, "drive.files.get"))

    def export_text(self, user: str, file_id: str) -> str:
        """A Doc as plain text (Google adds a BOM and CRLF line ends; both removed)."""
        request = self._files(user).export(fileId=file_id, mimeType="text/plain")
        data = self._execute(request, "drive.files.export")
        text = data.decode("utf-8") if isinstance(data, bytes) else str(data)
        return text.lstrip("\ufeff").replace("\r\n", "\n")

    def list_permissions(self, user: str, file_id: str) -> list[Permission]:
        perms = self._perms(user)
        out: list[Permission] = []
        token: str | None = None
        while True:
            request = perms.list(
                fileId=file_id,
                pageToken=token,
                fields=f"nextPageToken,permissions({PERMISSION_FIELDS})",
            )
            page = self._execute(request, "drive.permissions.list")
            out += [permission_from(p) for p in page.get("permissions", [])]
            token = page.get("nextPageToken")
            if not token:
                return out

    # -- folders ---------------------------------------------------------------------------------
    def ensure_folder(self, user: str, path: Sequence[str], parent: str = "root") -> str:
        """Find or create `path` (folder names) under `parent` in `user`'s My Drive."""
        current = parent
        for name in path:
            key = (user.lower(), current, name)
            found = self._folders.get(key)
            if found is None:
                found = self._child_folder(user, current, name)
                self._folders[key] = found
            current = found
        return current

    def prefetch_folders(self, user: str) -> None:
        """Cache every folder the app made for `user` in one call (instead of one per path)."""
        query = f"{APP_TAG} and mimeType = '{FOLDER_MIME}' and 'me' in owners and trashed = false"
        self._cache_folders(user, self._list(user, query))

    def prefetched(self, user: str) -> bool:
        return user.lower() in self._prefetched

    def _cache_folders(self, user: str, folders: list[dict[str, Any]]) -> None:
        self._prefetched.add(user.lower())
        ids = {f["id"] for f in folders}
        for f in sorted(folders, key=lambda f: f["id"], reverse=True):
            parent = (f.get("parents") or ["root"])[0]
            self._folders[(user.lower(), parent if parent in ids else "root", f["name"])] = f["id"]

    def ensure_folders(
        self, user: str, paths: Iterable[Sequence[str]]
    ) -> dict[tuple[str, ...], str]:
        """Find or create every path under My Drive; path (and each parent) -> folder id. Folders
        the app made are listed once (prefetch_folders, unless list_records brought them); missing
        ones are created in one batch per depth: a batch's parts run in no set order, and a child
        needs its parent's id."""
        wanted = {tuple(p) for p in paths}
        if not self.prefetched(user):
            self.prefetch_folders(user)
        out: dict[tuple[str, ...], str] = {(): "root"}
        for depth in range(1, max((len(p) for p in wanted), default=0) + 1):
            create: dict[str, Any] = {}
            at_depth = sorted({p[:depth] for p in wanted if len(p) >= depth})
            for path in at_depth:
                key = (user.lower(), out[path[:-1]], path[-1])
                if key in self._folders:
                    out[path] = self._folders[key]
                    continue
                body = {
                    "name": path[-1],
                    "mimeType": FOLDER_MIME,
                    "parents": [out[path[:-1]]],
                    "appProperties": FileTags(FOLDER).app_properties(),
                }
                create["/".join(path)] = self._files(user).create(body=body, fields="id")
            made = self._batch(user, list(create.items()), "drive.files.create")
            for path in at_depth:
                if path not in out:
                    out[path] = str(made["/".join(path)]["id"])
                    self._folders[(user.lower(), out[path[:-1]], path[-1])] = out[path]
        del out[()]
        return out

    def _child_folder(self, user: str, parent: str, name: str) -> str:
        query = (
            f"name = {_quote(name)} and mimeType = '{FOLDER_MIME}' and {_quote(parent)} in parents"
            " and 'me' in owners and trashed = false"
        )
        found = [] if user.lower() in self._prefetched else self._list(user, query)
        if found:
            return str(sorted(found, key=lambda f: f["id"])[0]["id"])
        body = {
            "name": name,
            "mimeType": FOLDER_MIME,
            "parents": [parent],
            "appProperties": FileTags(FOLDER).app_properties(),
        }
        request = self._files(user).create(body=body, fields="id")
        return str(self._execute(request, "drive.files.create")["id"])

    # -- writing ---------------------------------------------------------------------------------
    def create_doc_request(
        self, user: str, *, name: str, folder_id: str, props: Mapping[str, str]
    ) -> Any:
        """A files.create request for an empty record Doc (for `create_many`), made as `user` so
        the app holds its drive.file grant as `user`; `props` join its appProperties."""
        body = {
            "name": name,
            "mimeType": DOC_MIME,
            "parents": [folder_id],
            "appProperties": {**FileTags(RECORD).app_properties(), **props},
        }
        return self._files(user).create(body=body, fields=FILE_FIELDS)

    def create_many(
        self,
        user: str,
        creates: Sequence[tuple[str, Any]],
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, RecordFile]:
        """Run (key, create_doc_request) pairs in batches; key -> the new RecordFile."""
        answers = self._batch(user, creates, "drive.files.create", progress)
        return {key: record_from(raw) for key, raw in answers.items()}

    def share(
        self,
        user: str,
        shares: Sequence[Share],
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, Any]:
        """Create user permissions in batches; Share.key -> the new permission (JSON)."""
        perms = self._perms(user)
        requests = []
        for s in shares:
            kwargs: dict[str, Any] = {"sendNotificationEmail": s.notify}
            if s.notify and s.message:
                kwargs["emailMessage"] = s.message
            body = {"type": "user", "role": s.role, "emailAddress": s.email}
            requests.append(
                (s.key, perms.create(fileId=s.file_id, body=body, fields="id", **kwargs))
            )
        return self._batch(user, requests, "drive.permissions.create", progress)

    def set_roles(self, user: str, changes: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
        """(file_id, permission_id, role) updates, batched."""
        perms = self._perms(user)
        requests = [
            (f"{f}:{p}", perms.update(fileId=f, permissionId=p, body={"role": r}, fields="id"))
            for f, p, r in changes
        ]
        return self._batch(user, requests, "drive.permissions.update")

    def unshare(self, user: str, removals: Sequence[tuple[str, str]]) -> dict[str, Any]:
        """Delete (file_id, permission_id) pairs, batched; a permission already gone is fine."""
        perms = self._perms(user)
        requests = [(f"{f}:{p}", perms.delete(fileId=f, permissionId=p)) for f, p in removals]
        return self._batch(user, requests, "drive.permissions.delete", tolerate=(404,))

    def transfer_ownership(
        self,
        user: str,
        file_ids: Sequence[str],
        new_owner: str,
        message: str | None = None,
        *,
        move_to_root: bool = False,
    ) -> dict[str, Any]:
        """Make `new_owner` (same organisation) the owner of each file, acting as the owner.

        Drive leaves the previous owner as a writer; the caller removes that if it must go.
        `move_to_root`: the file leaves the old owner's folders for the new owner's My Drive
        (moveToNewOwnersRoot), so the new owner can file it without reaching those folders.
        """
        perms = self._perms(user)
        body = {"type": "user", "role": "owner", "emailAddress": new_owner}
        extra: dict[str, Any] = {"emailMessage": message} if message else {}
        if move_to_root:
            extra["moveToNewOwnersRoot"] = True
        requests = [
            (
                f,
                perms.create(fileId=f, body=body, transferOwnership=True, fields="id", **extra),
            )
            for f in file_ids
        ]
        return self._batch(user, requests, "drive.permissions.create")

    def move(self, user: str, moves: Sequence[tuple[str, str | None, str]]) -> dict[str, Any]:
        """(file_id, from_folder or None, to_folder) moves, batched."""
        files = self._files(user)
        requests = []
        for fid, old, new in moves:
            kwargs: dict[str, Any] = {"addParents": new, "fields": "id"}
            if old:
                kwargs["removeParents"] = old
            requests.append((fid, files.update(fileId=fid, body={}, **kwargs)))
        return self._batch(user, requests, "drive.files.update")

    def upload_doc(
        self,
        user: str,
        name: str,
        html: bytes,
        *,
        folder_id: str | None = None,
        props: Mapping[str, str] | None = None,
        file_id: str | None = None,
    ) -> RecordFile:
        """Upload HTML converted to a Google Doc; with `file_id`, replace that Doc's content."""
        media = MediaInMemoryUpload(html, mimetype="text/html", resumable=False)
        files = self._files(user)
        body: dict[str, Any] = {"name": name, "appProperties": dict(props or {})}
        if file_id is not None:
            request = files.update(fileId=file_id, body=body, media_body=media, fields=FILE_FIELDS)
            return record_from(self._execute(request, "drive.files.update"))
        body["mimeType"] = DOC_MIME
        if folder_id:
            body["parents"] = [folder_id]
        request = files.create(body=body, media_body=media, fields=FILE_FIELDS)
        return record_from(self._execute(request, "drive.files.create"))
