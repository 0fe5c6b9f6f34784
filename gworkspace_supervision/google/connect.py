"""One connection, two back ends: Google Workspace, or the embedded local Workspace.

The services and adapters get a `Connection` and never know which one they talk to: both hand
out the real google-api-python-client services and gspread clients. This is the only module
outside the emulator (and the tests) that imports the emulator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from googleapiclient.discovery import build

from ..errors import InputError, Problem
from ..settings import Settings
from .auth import CredentialSource, GoogleAuthSettings, credentials, scopes_for
from .retry import Meter, RetryPolicy

_APIS = {
    "calendar": ("calendar", "v3"),
    "drive": ("drive", "v3"),
    "docs": ("docs", "v1"),
    "sheets": ("sheets", "v4"),
    "gmail": ("gmail", "v1"),
}


@dataclass(frozen=True)
class WorkspaceSpec:
    """`local:DIR` (the embedded Workspace kept in DIR) or `google`."""

    kind: str  # "local" | "google"
    directory: Path | None = None


def parse_workspace(spec: str) -> WorkspaceSpec:
    """Read a `--workspace` value; InputError with the accepted forms otherwise."""
    text = (spec or "").strip()
    if text == "google":
        return WorkspaceSpec("google")
    if text.startswith("local:") and text[len("local:") :].strip():
        directory = Path(text[len("local:") :].strip())
        _check_local_folder(directory)
        return WorkspaceSpec("local", directory)
    raise InputError(
        Problem(
            "--workspace",
            None,
            None,
            f"{spec!r} is not a workspace; use 'local:DIR' (the embedded local Workspace kept in "
            "folder DIR, e.g. local:.gws-workspace) or 'google' (Google Workspace, signed in as "
            "the settings' [google] section says)",
        )
    )


def _check_local_folder(directory: Path) -> None:
    """InputError unless `directory` is a folder (or can become one) whose database, if any,
    is a regular SQLite file: a file given as the folder used to end in a traceback."""
    where = f"--workspace local:{directory}"
    if directory.exists() and not directory.is_dir():
        raise InputError(
            Problem(where, None, None, "is a file, not a folder; give local:FOLDER (a new or "
                    "existing folder where the local Workspace is kept)")
        )  # fmt: skip
    above = next((p for p in directory.absolute().parents if p.exists()), None)
    if not directory.exists() and above is not None and not above.is_dir():
        raise InputError(Problem(where, None, None, f"{above} is a file, not a folder"))
    database = directory / "workspace.sqlite3"
    if database.is_symlink() or (database.exists() and not database.is_file()):
        raise InputError(Problem(where, None, None, f"{database} is not a regular file"))
    if database.is_file() and database.stat().st_size:
        with database.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                raise InputError(
                    Problem(where, None, None, f"{database} is not a local Workspace database")
                )


# What Google's token endpoint answers when a scope is not authorised for the client
# (googleapis/google-api-php-client issue 1223).
UNAUTHORIZED_CLIENT = (
    "unauthorized_client: Client is unauthorized to retrieve access tokens using this method, "
    "or client not authorized for any of the scopes requested."
)
LOCAL_CLIENT_ID = "local-workspace"


@dataclass
class Connection:
    """Per-user API clients, cached; `kind` is "local" or "google"."""

    kind: str
    _http_for: Callable[[str], dict[str, Any]]  # user -> build() keyword arguments
    _gspread_for: Callable[[str], Any]
    workspace: Any = None  # the LocalWorkspace when kind == "local"
    delegated: bool = True  # False: one operator account reaches others' calendars by id
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    meter: Meter = field(default_factory=Meter)
    clock: Callable[[], datetime] | None = None  # overrides now() (tests replaying cassettes)
    scopes: tuple[str, ...] = ()  # the OAuth scopes every token of this connection carries
    client_id: str = ""  # the OAuth client (service account) the Admin console authorises
    _token_error: Callable[[str, str], str | None] | None = None  # (user, scope) -> why not
    _services: dict[tuple[str, str], Any] = field(default_factory=dict)

    def service(self, api: str, user: str) -> Any:
        """The googleapiclient service for `api` acting as `user` (built once per user)."""
        key = (api, user.lower())
        if key not in self._services:
            name, version = _APIS[api]
            self._services[key] = build(
                name, version, static_discovery=True, **self._http_for(user)
            )
        return self._services[key]

    def calendar(self, user: str) -> Any:
        return self.service("calendar", user)

    def drive(self, user: str) -> Any:
        return self.service("drive", user)

    def docs(self, user: str) -> Any:
        return self.service("docs", user)

    def sheets(self, user: str) -> Any:
        return self.service("sheets", user)

    def gmail(self, user: str) -> Any:
        return self.service("gmail", user)

    def gspread(self, user: str) -> Any:
        key = ("gspread", user.lower())
        if key not in self._services:
            self._services[key] = self._gspread_for(user)
        return self._services[key]

    def token_error(self, user: str, scope: str) -> str | None:
        """Why a token for `scope` alone, acting as `user`, cannot be had (None: it can).

        On Google this asks the token endpoint, as GAM's `check serviceaccount` does: a scope
        missing from the domain-wide delegation is `unauthorized_client`. The local Workspace
        grants exactly the connection's scopes."""
        if self._token_error is not None:
            return self._token_error(user, scope)
        if scope in self.scopes:
            return None
        return UNAUTHORIZED_CLIENT

    def calendar_id(self, user: str) -> str:
        """Impersonating, a user's calendar is `primary`; with delegated access it is their email."""
        return "primary" if self.delegated else user.lower()

    def now(self) -> datetime:
        """The workspace's time: the local Workspace's clock (settable in tests), else real time."""
        if self.clock is not None:
            return self.clock()
        clock = getattr(self.workspace, "clock", None)
        if clock is not None:
            moment: datetime = clock.now()
            return moment
        return datetime.now(UTC)

    def close(self) -> None:
        """Close the local Workspace's database handles (and any HTTP sessions)."""
        for (api, _user), client in self._services.items():
            if api == "gspread":
                session = getattr(getattr(client, "http_client", None), "session", None)
                if session is not None:
                    session.close()
            else:
                client.close()  # the service's http: sockets to Google (or the emulator)
        self._services.clear()
        closer = getattr(self.workspace, "close", None)
        if callable(closer):
            closer()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(
    workspace_spec: str,
    settings: Settings | None = None,
    *,
    retry: RetryPolicy | None = None,
    scopes: list[str] | None = None,
) -> Connection:
    """Open the workspace `--workspace` names, signed in as the settings say.

    The local Workspace issues tokens with exactly the scopes the toolkit asks Google for
    (`scopes_for("service_account")`, plus gmail.send when the digest is on) and refuses any
    call outside them, as Google does; `scopes` replaces that list (tests, `check`).
    No `settings`: the defaults, `Settings()`, as with no settings file."""
    settings = settings if settings is not None else Settings()
    spec = parse_workspace(workspace_spec)
    policy = retry or RetryPolicy()
    if spec.kind == "local":
        wanted = scopes if scopes is not None else local_scopes(settings)
        return _connect_local(spec.directory or Path(".gws-workspace"), policy, wanted)
    return _connect_google(auth_settings(settings), policy)


def local_scopes(settings: Settings | None = None) -> list[str]:
    """What a local connection asks for: impersonation (each user acts as themself), as the
    usual council deployment (a service account with domain-wide delegation) does. No
    `settings`: the defaults, `Settings()`."""
    chosen = auth_settings(settings if settings is not None else Settings())
    return scopes_for("service_account", digest=chosen.digest, drive_scope=chosen.drive_scope)


def _connect_local(directory: Path, policy: RetryPolicy, scopes: list[str]) -> Connection:
    import gspread

    from ..emulator import LocalWorkspace

    ws = LocalWorkspace(directory)
    return Connection(
        kind="local",
        _http_for=lambda user: {"http": ws.http(user, scopes)},
        _gspread_for=lambda user: gspread.Client(None, session=ws.session(user, scopes)),  # type: ignore[arg-type]
        workspace=ws,
        retry=policy,
        scopes=tuple(scopes),
        client_id=LOCAL_CLIENT_ID,
    )


def _connect_google(settings: GoogleAuthSettings, policy: RetryPolicy) -> Connection:
    import gspread
    from google.auth.transport.requests import AuthorizedSession

    source: CredentialSource = credentials(settings)
    return Connection(
        kind="google",
        _http_for=lambda user: {"credentials": source.for_user(user), "cache_discovery": False},
        _gspread_for=lambda user: gspread.Client(
            None,  # type: ignore[arg-type]
            session=AuthorizedSession(source.for_user(user)),
        ),
        delegated=source.delegated,
        retry=policy,
        scopes=tuple(source.scopes),
        client_id=source.client_id,
        _token_error=lambda user, scope: _google_token_error(source, user, scope),
    )


def _google_token_error(source: CredentialSource, user: str, scope: str) -> str | None:
    """Ask Google for a token with `scope` alone, as `user` (impersonating) or the operator."""
    from google.auth.exceptions import RefreshError, TransportError
    from google.auth.transport.requests import Request

    base = source.base
    if not hasattr(base, "with_scopes") or not source.delegated:
        granted = set(getattr(base, "granted_scopes", None) or getattr(base, "scopes", None) or ())
        return None if scope in granted else f"the signed-in account did not grant {scope}"
    try:
        creds = base.with_scopes([scope]).with_subject(user)
        creds.refresh(Request())
    except (RefreshError, TransportError) as exc:
        return str(exc)
    return None


def auth_settings(settings: Settings) -> GoogleAuthSettings:
    """The `[google]` part of the settings (and the operator), as signing in needs it."""
    google = settings.google

    def path(value: str | None) -> Path | None:
        return Path(value).expanduser() if value else None

    return GoogleAuthSettings(
        auth=google.auth,
        service_account_key=path(google.service_account_key),
        client_secrets=path(google.oauth_client_secrets),
        operator=settings.organisation.operator,
        token_file=path(google.token_path),
        digest=google.digest,
        drive_scope=google.drive_scope,
        source=settings.source or "settings",  # a message's label: no file, "settings"
    )
