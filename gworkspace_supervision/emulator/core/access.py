"""Who may do what: OAuth scopes per token, and `drive.file` grants per user and per app.

A token of the local Workspace is the acting user's address, optionally followed by the scopes
it was granted and the app (OAuth client) it was issued to::

    ella.singh@example-council.gov.uk;scopes=calendar.events.owned,drive.file;app=gws-supervision

Scopes are written relative to ``https://www.googleapis.com/auth/`` (full URLs work too); ``*``
is every scope. A bare address is a token granted every scope (what the emulator's own tests of Drive or Calendar
semantics use); the toolkit's connection always names its scopes, so everything the toolkit
does runs under least privilege.

Google checks each call against the scopes its discovery document lists for the method and
answers 403 ``insufficientPermissions`` otherwise
(https://developers.google.com/workspace/drive/api/guides/handle-errors: "Request had
insufficient authentication scopes."). Under ``drive.file`` an app acting as a user reaches only
the files that app created (or the user opened with it) as that user
(https://developers.google.com/workspace/drive/api/guides/api-specific-auth; reported for
service accounts with delegation in taylorwilsdon/google_workspace_mcp issue 1027): we record
one grant per (app, user, file) when a file is created, copied or uploaded through the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from .api import HttpError, ScopeError
from .store import Store

AUTH = "https://www.googleapis.com/auth/"
DEFAULT_APP = "gws-supervision"
# Scopes that reach only what the app created or was given: the per-file grant decides.
PER_FILE = frozenset({AUTH + "drive.file", AUTH + "drive.appdata"})
# Scopes that reach events only on calendars the user owns ("See, create, change, and delete
# events on Google calendars you own", the Calendar discovery document); calendar.events.freebusy
# adds no event access of its own, so a token with only these stays on the user's own calendars.
OWNED_ONLY = frozenset(
    {
        AUTH + "calendar.events.owned",
        AUTH + "calendar.events.owned.readonly",
        AUTH + "calendar.events.freebusy",
    }
)


@dataclass(frozen=True)
class Token:
    """A parsed bearer token: the acting user, its scopes (None: every scope), its app."""

    user: str
    scopes: frozenset[str] | None = None
    app: str = DEFAULT_APP


def full_scope(name: str) -> str:
    """`drive.file` -> `https://www.googleapis.com/auth/drive.file` (full URLs unchanged)."""
    name = name.strip()
    return name if "://" in name else AUTH + name


def short_scope(url: str) -> str:
    return url[len(AUTH) :] if url.startswith(AUTH) else url


def token_for(user: str, scopes: list[str] | tuple[str, ...] | None, app: str = DEFAULT_APP) -> str:
    """The bearer token the local Workspace issues for `user` with exactly `scopes`."""
    if scopes is None and app == DEFAULT_APP:
        return user
    names = "*" if scopes is None else ",".join(short_scope(s) for s in scopes)
    return f"{user};scopes={names};app={app}"


INVALID = HttpError(401, "authError", "Invalid Credentials")


def parse_token(raw: str) -> Token:
    """Read a bearer token; 401 Invalid Credentials when it is not one of ours."""
    user, _, rest = raw.partition(";")
    if "@" not in user or " " in raw:
        raise INVALID
    if not rest:
        return Token(user.lower())
    fields = dict(parse_qsl(rest.replace(";", "&"), keep_blank_values=True))
    if set(fields) - {"scopes", "app"} or "scopes" not in fields:
        raise INVALID
    app = fields.get("app") or DEFAULT_APP
    if fields["scopes"] == "*":  # every scope, issued to another app
        return Token(user.lower(), None, app)
    scopes = frozenset(full_scope(s) for s in fields["scopes"].split(",") if s.strip())
    return Token(user.lower(), scopes, app)


@dataclass(frozen=True)
class Reach:
    """What a call may reach beyond the ACLs: per-file grants only, own calendars only."""

    per_file: bool = False
    owned_calendars: bool = False


def check_scopes(token: Token, method_id: str, accepted: tuple[str, ...]) -> Reach:
    """Raise Google's 403 when no scope of the token is one the method accepts; else say how
    far the token reaches (only drive.file grants; only the user's own calendars' events)."""
    if token.scopes is None or not accepted:
        return Reach()
    usable = token.scopes & set(accepted)
    if not usable:
        api = method_id.split(".", 1)[0]
        service = ("calendar-json" if api == "calendar" else api) + ".googleapis.com"
        raise ScopeError(method_id, service, accepted)
    return Reach(
        per_file=usable <= PER_FILE,
        owned_calendars=method_id.startswith("calendar.events.") and usable <= OWNED_ONLY,
    )


def require_owned_calendars(store: Store, user: str, params: dict[str, object]) -> None:
    """Under calendar.events.owned a calendar the user does not own is not there for them."""
    from ..calendar.store import load_calendar, resolve_calendar_id

    for name in ("calendarId", "destination"):
        value = params.get(name)
        if not isinstance(value, str):
            continue
        calendar = load_calendar(store, resolve_calendar_id(value, user))
        if calendar is None or str(calendar.get("owner", "")).lower() != user:
            raise HttpError(404, "notFound", "Not Found")


# -- drive.file grants ----------------------------------------------------------------------------
def _key(app: str, user: str, file_id: str) -> str:
    return f"{app}|{user.lower()}|{file_id}"


def grant(store: Store, app: str, user: str, file_id: str) -> None:
    """Remember that `app`, acting as `user`, created or opened `file_id`."""
    store.put("grant", _key(app, user, file_id), {"app": app, "user": user.lower()})


def granted(store: Store, app: str, user: str, file_id: str) -> bool:
    return store.get("grant", _key(app, user, file_id)) is not None


def not_found(file_id: str) -> HttpError:
    """Drive's answer for a file the caller may not reach (never 403: it does not exist to them)."""
    return HttpError(404, "notFound", f"File not found: {file_id}.")
