"""Record templates: install the shipped *.html templates as Google Docs, find the one a policy names.

Templates are owned by the operator (business support) in the organisation's template folder,
and shared with nobody. Under the `drive.file` scope the app acting as a supervisor cannot open
a Doc it created as the operator (404), so records are not copies: `records` reads the
template once per run as the operator (`read_template`) and writes its content into a new Doc
it creates as each supervisor (google/docs.py).

Installs are idempotent: each Doc carries appProperties {template: name, hash: content hash};
an unchanged file is left alone, a changed one has its content replaced in place (same id).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..context import RunContext
from ..data import shipped_dir
from ..domain.records import PLACEHOLDERS, TEMPLATE_FILES
from ..errors import APIError, InputError, Problem, SupervisionError
from ..google.connect import Connection
from ..google.docs import DocsAdapter, TemplateContent, placeholders_in
from ..google.drive import DriveAdapter, RecordFile
from ..google.tags import TEMPLATE, FileTags
from ..settings import DEFAULT_DOMAINS, Settings

TEMPLATE_FOLDER = "Supervision record templates"


def templates_dir() -> Path:
    """The shipped record templates (gworkspace_supervision/data/templates), in a wheel too."""
    directory = shipped_dir("templates")
    if not any(directory.glob("*.html")):
        raise SupervisionError(f"no *.html record templates in {directory}; reinstall the package")
    return directory


def template_files() -> dict[str, Path]:
    """name -> file, e.g. "hillingdon" -> .../data/templates/hillingdon.html."""
    return {p.stem: p for p in sorted(templates_dir().glob("*.html"))}


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:16]


def operator_of(settings: Settings) -> str:
    """Who owns templates: [organisation] operator, else business.support@ the first domain
    (the example domain when the domains are not restricted: there is no first one then)."""
    org = settings.organisation
    if org.operator:
        return org.operator.lower()
    domains = org.allowed_domains or DEFAULT_DOMAINS
    return f"business.support@{domains[0]}"


@dataclass(frozen=True)
class Installed:
    name: str
    file_id: str
    action: str  # "created" | "updated" | "unchanged"


def install_templates(
    ctx: RunContext,
    *,
    folder_id: str | None = None,
    operator: str | None = None,
    dry_run: bool = False,
) -> list[Installed]:
    """Upload every shipped *.html template as a Google Doc owned by the operator (idempotent)."""
    connection, settings = ctx.connection, ctx.settings
    user = (operator or operator_of(settings)).lower()
    files = template_files()
    for path in files.values():  # validate everything before the first write
        unknown = sorted(placeholders_in(path.read_text(encoding="utf-8")) - set(PLACEHOLDERS))
        if unknown:
            raise InputError(
                Problem(str(path), None, None, f"unknown placeholders {unknown}; "
                        f"the toolkit fills: {', '.join(PLACEHOLDERS)}")
            )  # fmt: skip
    drive = DriveAdapter(connection)
    existing = {t.template: t for t in drive.list_templates(user)}
    folder = folder_id or settings.supervision.template_folder_id
    given = folder is not None  # a folder the council named, not one the toolkit made
    out: list[Installed] = []
    for name, path in files.items():
        content = path.read_bytes()
        tags = FileTags(TEMPLATE, template=name, hash=digest(content))
        props = tags.app_properties()
        title = f"Supervision record template: {name}"
        found = existing.get(name)
        if found is not None and found.digest == tags.hash:
            out.append(Installed(name, found.file_id, "unchanged"))
            continue
        if dry_run:
            out.append(
                Installed(name, found.file_id if found else "", "updated" if found else "created")
            )
            continue
        if found is not None:
            made = drive.upload_doc(user, title, content, props=props, file_id=found.file_id)
            out.append(Installed(name, made.file_id, "updated"))
            continue
        if folder is None:
            folder = drive.ensure_folder(user, [TEMPLATE_FOLDER])
        try:
            made = drive.upload_doc(user, title, content, folder_id=folder, props=props)
        except APIError as exc:
            if exc.status != 404 or not given:
                raise
            raise InputError(
                Problem("--folder-id" if folder_id else "settings", None,
                        None if folder_id else "supervision.template_folder_id",
                        f"folder {folder} cannot be reached by the toolkit as {user}: it reaches "
                        "only folders it created itself (the drive.file scope). Leave the folder "
                        f"out and the templates go in '{TEMPLATE_FOLDER}' in {user}'s My Drive")
            ) from None  # fmt: skip
        out.append(Installed(name, made.file_id, "created"))
    return out


def find_template(connection: Connection, settings: Settings, name: str) -> RecordFile:
    """The template Doc for a policy: settings' template_doc_id, else the installed one."""
    user = operator_of(settings)
    drive = DriveAdapter(connection)
    doc_id = settings.supervision.template_doc_id
    if doc_id:
        try:
            return drive.get(user, doc_id)
        except SupervisionError as exc:
            raise InputError(
                Problem("settings", None, "supervision.template_doc_id",
                        f"template Doc {doc_id} cannot be opened by {user}: {exc}. The toolkit "
                        "reaches only Docs it created itself (the drive.file scope): remove "
                        "template_doc_id and run `gws-supervision templates install`")
            ) from None  # fmt: skip
    for template in drive.list_templates(user):
        if template.template == name:
            return template
    known = ", ".join(sorted(TEMPLATE_FILES))
    raise InputError(
        Problem("--policy", None, None, f"record template {name!r} is not installed for {user}; "
                f"run `gws-supervision templates install` first (templates: {known})")
    )  # fmt: skip


def read_template(
    connection: Connection, settings: Settings, template: RecordFile
) -> TemplateContent:
    """The template's content, read once as the operator who installed it; every placeholder it
    uses must be one the toolkit fills (checked before any record is written)."""
    user = operator_of(settings)
    try:
        content = DocsAdapter(connection).read_template(user, template.file_id)
    except SupervisionError as exc:
        raise InputError(
            Problem(template.name, None, None, f"the template Doc {template.file_id} cannot be "
                    f"read by {user}: {exc}. The toolkit reaches only Docs it created itself "
                    "(the drive.file scope): install templates with "
                    "`gws-supervision templates install`")
        ) from None  # fmt: skip
    unknown = sorted(content.placeholders() - set(PLACEHOLDERS))
    if unknown:
        raise InputError(
            Problem(template.name, None, None, f"template uses placeholders the toolkit does not "
                    f"fill: {unknown} (known: {', '.join(PLACEHOLDERS)})")
        )  # fmt: skip
    return content
