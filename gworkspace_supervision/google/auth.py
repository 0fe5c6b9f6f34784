"""Credentials for `--workspace google`: who the toolkit acts as, with the fewest scopes that work.

Three ways in (settings `[google] auth`):

* ``service_account`` (the usual council deployment): a key with domain-wide delegation; every
  call impersonates the user it is for (``with_subject``), so a booking sits in the supervisor's
  own calendar and a record in the supervisor's own Drive.
* ``oauth``: the desktop flow for one business-support account that has delegated access to the
  supervisors' calendars; the token is cached in the user's config folder, mode 0600.
* ``adc``: Application Default Credentials (``gcloud auth application-default login``, or a
  key in ``GOOGLE_APPLICATION_CREDENTIALS``; a service-account key there impersonates as above).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from ..errors import InputError, Problem
from ..settings import DEFAULT_AUTH, DEFAULT_DRIVE_SCOPE

_G = "https://www.googleapis.com/auth/"

# Every scope the toolkit may ask for, with why. README and tests read this table.
SCOPES: dict[str, str] = {
    _G + "calendar.events.owned": (
        "book, update and cancel supervision series in the supervisor's own calendar "
        "(service account impersonating the supervisor; no access to calendars they do not own)"
    ),
    _G + "calendar.events": (
        "book series in supervisors' calendars from one business-support account that has "
        "delegated access to them (oauth/adc only: .owned cannot reach a calendar you do not own)"
    ),
    _G + "calendar.events.freebusy": (
        "read only busy/free times of supervisors and supervisees so bookings avoid them; "
        "never event details (calendar.freebusy would cover only the caller's own calendar)"
    ),
    _G + "drive.file": (
        "create, share and transfer only the records, templates and tracking Sheet the "
        "toolkit itself creates, each as the user it acts for (the app reaches a file only as "
        "the user it created it as); also covers the Docs and Sheets APIs for those files, so "
        "the broad documents/spreadsheets/drive scopes are not needed (install templates with "
        "`templates install`, a Doc the toolkit did not create is not readable under this scope)"
    ),
    _G + "drive": (
        'only when [google] drive_scope = "drive": see, edit, share and delete every Drive file '
        "the signed-in user can reach, needed by `transfer` (the new owner of a handed-over "
        "record is a user the toolkit never created it as, so drive.file cannot reach it)"
    ),
    _G + "gmail.send": (
        "send the line managers' overdue-records digest; requested only when the digest is on"
    ),
}

AUTH_MODES = ("service_account", "oauth", "adc")
APP_DIR_NAME = "gws-supervision"


def scopes_for(
    mode: str, *, digest: bool = False, drive_scope: str = DEFAULT_DRIVE_SCOPE
) -> list[str]:
    """The exact scopes one auth mode requests: impersonation owns the calendar, others do not;
    `drive_scope` "drive" replaces drive.file by the broad Drive scope (for `transfer`)."""
    if mode not in AUTH_MODES:
        raise InputError(_problem("auth", f"unknown auth mode {mode!r}; use one of {AUTH_MODES}"))
    calendar = "calendar.events.owned" if mode == "service_account" else "calendar.events"
    wanted = [
        calendar,
        "calendar.events.freebusy",
        "drive" if drive_scope == "drive" else "drive.file",
    ]
    if digest:
        wanted.append("gmail.send")
    return [_G + name for name in wanted]


@dataclass(frozen=True)
class GoogleAuthSettings:
    """The `[google]` settings that decide how to sign in (connect.auth_settings builds it from
    the typed Settings; its defaults are settings.py's, so signing in without settings agrees)."""

    auth: str = DEFAULT_AUTH
    service_account_key: Path | None = None  # JSON key with domain-wide delegation
    client_secrets: Path | None = None  # OAuth desktop client (oauth mode)
    operator: str | None = None  # the business-support account (oauth mode)
    token_file: Path | None = None  # default: <config folder>/token.json
    digest: bool = False  # ask for gmail.send too
    drive_scope: str = DEFAULT_DRIVE_SCOPE  # "drive": the broad scope (transfer)
    source: str = "settings"  # the settings file name, for error messages


@dataclass
class CredentialSource:
    """Hands out credentials acting as a given user; `delegated` says whether it impersonates."""

    base: Any  # google.auth.credentials.Credentials
    delegated: bool
    scopes: list[str]
    client_id: str = ""  # the service account's OAuth client ID (Admin console delegation)
    _per_user: dict[str, Any] = field(default_factory=dict)

    def for_user(self, user: str) -> Any:
        """Credentials acting as `user` (impersonation) or the operator's own (delegated access)."""
        if not self.delegated:
            return self.base
        user = user.lower()
        if user not in self._per_user:
            self._per_user[user] = self.base.with_subject(user)
        return self._per_user[user]


def default_token_file() -> Path:
    """The per-user config folder Click knows for this OS, e.g. ~/.config/gws-supervision/."""
    return Path(click.get_app_dir(APP_DIR_NAME)) / "token.json"


def write_private(path: Path, text: str) -> None:
    """Write a secret readable only by its owner (0600), tightening an existing file too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # O_CREAT's mode does not apply to a file that already existed
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fd = -1
            fh.write(text)
    finally:
        if fd != -1:
            os.close(fd)


def credentials(
    settings: GoogleAuthSettings, *, run_flow: Callable[[Any], Any] | None = None
) -> CredentialSource:
    """Sign in the way the settings say; raise InputError naming the missing setting."""
    scopes = scopes_for(settings.auth, digest=settings.digest, drive_scope=settings.drive_scope)
    if settings.auth == "service_account":
        return _service_account(settings, scopes)
    if settings.auth == "oauth":
        return _oauth(settings, scopes, run_flow)
    return _adc(scopes)


def _service_account(settings: GoogleAuthSettings, scopes: list[str]) -> CredentialSource:
    from google.oauth2 import service_account

    key = settings.service_account_key
    if key is None:
        raise InputError(
            _problem("service_account_key", "needed for auth = 'service_account'", settings)
        )
    if not Path(key).is_file():
        raise InputError(_problem("service_account_key", f"no such file: {key}", settings))
    try:
        base = service_account.Credentials.from_service_account_file(str(key), scopes=scopes)
    except (ValueError, KeyError) as exc:
        raise InputError(
            _problem("service_account_key", f"not a service account key: {exc}", settings)
        ) from exc
    return CredentialSource(base, delegated=True, scopes=scopes, client_id=_client_id(key))


def _client_id(key: Path) -> str:
    """The `client_id` of a service-account key: what the Admin console's delegation names."""
    import json

    try:
        return str(json.loads(Path(key).read_text(encoding="utf-8")).get("client_id") or "")
    except (OSError, ValueError):
        return ""


def _oauth(
    settings: GoogleAuthSettings, scopes: list[str], run_flow: Callable[[Any], Any] | None
) -> CredentialSource:
    from google.auth.transport.requests import Request
    from google.oauth2.credentials import Credentials

    token_file = settings.token_file or default_token_file()
    creds: Any = None
    if token_file.is_file():
        os.chmod(
            token_file, 0o600
        )  # a token left readable by others is tightened, not trusted less
        creds = Credentials.from_authorized_user_file(str(token_file), scopes)
        if not set(scopes) <= set(creds.scopes or []):
            creds = None  # scopes changed (e.g. digest turned on): sign in again
    if creds is not None and not creds.valid and creds.refresh_token:
        creds.refresh(Request())
        write_private(token_file, creds.to_json())
    if creds is None or not creds.valid:
        secrets = settings.client_secrets
        if secrets is None or not Path(secrets).is_file():
            raise InputError(
                _problem("client_secrets", "an OAuth desktop client JSON file is needed", settings)
            )
        from google_auth_oauthlib.flow import InstalledAppFlow

        flow = InstalledAppFlow.from_client_secrets_file(str(secrets), scopes=scopes)
        creds = (run_flow or _run_local_server)(flow)
        write_private(token_file, creds.to_json())
    return CredentialSource(creds, delegated=False, scopes=scopes)


def _run_local_server(flow: Any) -> Any:
    return flow.run_local_server(port=0, open_browser=True)


def _adc(scopes: list[str]) -> CredentialSource:
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        base: Any
        base, _project = google.auth.default(scopes=scopes)
    except DefaultCredentialsError as exc:
        raise InputError(
            f"No Application Default Credentials: {exc}. Run "
            "`gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS."
        ) from exc
    if hasattr(base, "with_subject"):  # a service-account key: impersonate, own-calendar scope
        scopes = scopes_for(
            "service_account",
            digest="gmail" in " ".join(scopes),
            drive_scope="drive" if _G + "drive" in scopes else "drive.file",
        )
        return CredentialSource(base.with_scopes(scopes), delegated=True, scopes=scopes)
    return CredentialSource(base, delegated=False, scopes=scopes)


def _problem(key: str, message: str, settings: GoogleAuthSettings | None = None) -> Problem:
    return Problem(settings.source if settings else "settings", None, f"[google] {key}", message)
