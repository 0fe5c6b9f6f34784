"""The contract between the emulator's core (routing, validation, transport) and its API modules.

An API module (calendar/, drive/, docs/, sheets/, gmail/) registers one function per
discovery method id::

    @handler("calendar.events.insert")
    def insert_event(call: Call) -> dict: ...

The core matches the HTTP request to a method of the discovery documents shipped inside
google-api-python-client, validates path/query parameters and the JSON body against them
(400 in Google's error shape otherwise), and passes a `Call`. A handler returns a JSON-able
dict (200), `None` (204 No Content), or a `Raw` body; it raises `HttpError` for Google errors.
Every handler runs inside one SQLite transaction of the workspace's store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

HANDLERS: dict[str, Callable[[Call], Any]] = {}


def handler(method_id: str) -> Callable[[Callable[[Call], Any]], Callable[[Call], Any]]:
    """Register `fn` as the implementation of a discovery method id."""

    def register(fn: Callable[[Call], Any]) -> Callable[[Call], Any]:
        HANDLERS[method_id] = fn
        return fn

    return register


@dataclass
class Call:
    """One validated API call, as a handler sees it."""

    method_id: str  # e.g. "calendar.events.insert"
    user: str  # the acting user's email (bearer token value), lower-cased
    params: dict[str, Any]  # path + query params; repeated params are lists; typed per discovery
    body: Any  # parsed JSON request body, or None
    store: Store
    now: datetime  # the workspace clock, timezone-aware UTC
    media: bytes | None = None  # upload content (multipart/media uploads)
    media_type: str | None = None
    emails: list[dict[str, Any]] = field(default_factory=list)  # outbox: notifications "sent"
    app: str = "gws-supervision"  # the OAuth client the token was issued to (access.py)
    per_file: bool = False  # the token reaches this method only through drive.file grants

    def param(self, name: str, default: Any = None) -> Any:
        value = self.params.get(name)
        return default if value is None else value


@dataclass
class Raw:
    """A non-JSON response body (file export, alt=media)."""

    content: bytes
    content_type: str


class HttpError(Exception):
    """A Google-shaped error: {"error": {"code", "message", "errors": [{domain, reason, message}], "status"}}."""

    STATUS_NAMES = {
        400: "INVALID_ARGUMENT",
        401: "UNAUTHENTICATED",
        403: "PERMISSION_DENIED",
        404: "NOT_FOUND",
        409: "ALREADY_EXISTS",
        412: "FAILED_PRECONDITION",
        429: "RESOURCE_EXHAUSTED",
        500: "INTERNAL",
        501: "UNIMPLEMENTED",
        503: "UNAVAILABLE",
    }

    def __init__(self, code: int, reason: str, message: str, domain: str = "global") -> None:
        super().__init__(f"{code} {reason}: {message}")
        self.code = code
        self.reason = reason
        self.message = message
        self.domain = domain

    def to_json(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "errors": [{"domain": self.domain, "reason": self.reason, "message": self.message}],
                "status": self.STATUS_NAMES.get(self.code, "UNKNOWN"),
            }
        }


class ScopeError(HttpError):
    """403 for a token without any scope the method accepts, in Google's exact shape: the
    top-level message names the scopes, errors[] says "Insufficient Permission", and an ErrorInfo
    detail says ACCESS_TOKEN_SCOPE_INSUFFICIENT (analogdotnow/Analog issue 296,
    GoogleCloudPlatform/genai-for-marketing issue 45, googleworkspace/cli issue 282)."""

    MESSAGE = "Request had insufficient authentication scopes."

    def __init__(self, method_id: str, service: str, accepted: tuple[str, ...]) -> None:
        super().__init__(403, "insufficientPermissions", self.MESSAGE)
        self.method_id = method_id
        self.service = service
        self.accepted = accepted

    def to_json(self) -> dict[str, Any]:
        out = super().to_json()
        out["error"]["errors"][0]["message"] = "Insufficient Permission"
        out["error"]["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                "domain": "googleapis.com",
                "metadata": {"service": self.service, "method": self.method_id},
            }
        ]
        return out


def not_found(what: str) -> HttpError:
    return HttpError(404, "notFound", f"{what} not found")


def bad_request(message: str, reason: str = "invalid") -> HttpError:
    return HttpError(400, reason, message)
