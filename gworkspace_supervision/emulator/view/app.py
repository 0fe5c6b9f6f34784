"""The Flask app: sign-in by email, CSRF protection, and one route per page.

Each request acts as the signed-in person through `google.connect`'s Connection, so the local
Workspace's own sharing, calendar and Docs rules decide what is shown and what may change.
Security: the session cookie is SameSite=Strict and HttpOnly; every POST must carry the
session's CSRF token (and, when the browser sends one, an Origin of this server); only
loopback host names are answered unless the server was started to listen elsewhere.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, g, redirect, render_template, request, session, url_for
from googleapiclient.errors import HttpError
from werkzeug.exceptions import SecurityError
from werkzeug.wrappers import Response

from ...google.connect import Connection
from . import calendar_page, outbox_page, record_page, tracker_page
from .refusal import Refused

EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,}$")
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1"]


def google_message(err: HttpError) -> str:
    """Google's own error message out of an HttpError (what the person would be told)."""
    try:
        import json

        data = json.loads(err.content.decode("utf-8"))
        return str(data["error"]["message"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return str(err.reason or err)


def create_app(
    connection: Connection,
    *,
    secret_key: bytes | None = None,
    trusted_hosts: list[str] | None = None,
) -> Flask:
    """The view app over `connection` (a local Workspace connection)."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key or secrets.token_bytes(32),
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_NAME="gws_view",
        TRUSTED_HOSTS=trusted_hosts if trusted_hosts is not None else LOOPBACK_HOSTS,
        MAX_CONTENT_LENGTH=1_000_000,
    )
    app.jinja_env.autoescape = True  # every template, whatever its file name
    app.extensions["gws_connection"] = connection

    def csrf_token() -> str:
        token = session.get("csrf")
        if not isinstance(token, str):
            token = secrets.token_urlsafe(32)
            session["csrf"] = token
        return token

    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def guard() -> None:
        g.user = session.get("user")
        if request.method == "POST":
            sent = request.form.get("csrf", "")
            token = session.get("csrf")
            if not isinstance(token, str) or not hmac.compare_digest(sent, token):
                abort(403, "This form is out of date or did not come from this page: reload it.")
            origin = request.headers.get("Origin")
            if origin and origin != "null" and urlsplit(origin).netloc != request.host:
                abort(403, "This form was sent from another site.")

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HttpError)
    def google_error(err: HttpError) -> tuple[str, int]:
        status = int(err.resp.status)
        what = {
            403: "You do not have permission to do that.",
            404: "It does not exist, or it has not been shared with you.",
        }.get(status, "The local Workspace refused the request.")
        page = render_template(
            "error.html", title="Not allowed" if status in (403, 404) else "Error",
            status=status, what=what, google=google_message(err),
        )  # fmt: skip
        return page, status if status in (400, 403, 404, 409, 410) else 502

    @app.errorhandler(SecurityError)
    def untrusted_host(_err: SecurityError) -> tuple[str, int, dict[str, str]]:
        """Another host name (a DNS-rebinding page): answered without any page or data."""
        text = "This server answers only at http://127.0.0.1 (or localhost) on this machine."
        return text, 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(Refused)
    def refused(err: Refused) -> tuple[str, int]:
        page = render_template(
            "error.html", title="Not done", status=err.status, what=err.message, google=""
        )
        return page, err.status

    @app.errorhandler(400)
    @app.errorhandler(403)
    @app.errorhandler(404)
    def plain_error(err: Any) -> tuple[str, int]:
        code = int(getattr(err, "code", 400) or 400)
        page = render_template(
            "error.html", title="Not allowed" if code == 403 else "Error",
            status=code, what=getattr(err, "description", ""), google="",
        )  # fmt: skip
        return page, code

    def signed_in(fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not g.user:
                return redirect(url_for("signin_page", next=request.path))
            return fn(*args, **kwargs)

        wrapper.__name__ = fn.__name__
        return wrapper

    def conn() -> Connection:
        connection: Connection = app.extensions["gws_connection"]
        return connection

    def back(default: str) -> str:
        """Where a form returns to: a path on this site only."""
        target = request.form.get("back", "")
        return target if target.startswith("/") and not target.startswith("//") else default

    # -- sign in -------------------------------------------------------------------------------
    @app.get("/")
    def home() -> Any:
        return redirect(url_for("calendar_view" if g.user else "signin_page"))

    @app.get("/signin")
    def signin_page() -> str:
        people = sorted(c for c in known_people(conn()) if EMAIL.match(c))
        return render_template("signin.html", title="Choose a person", people=people, error="")

    @app.post("/signin")
    def signin() -> Any:
        email = request.form.get("email", "").strip().lower()
        if not EMAIL.match(email):
            people = sorted(known_people(conn()))
            page = render_template(
                "signin.html", title="Choose a person", people=people,
                error="Type an email address, for example sam.supervisor@example-council.gov.uk.",
            )  # fmt: skip
            return page, 400
        token = session.get("csrf")
        session.clear()
        session["user"] = email
        session["csrf"] = token if isinstance(token, str) else secrets.token_urlsafe(32)
        return redirect(url_for("calendar_view"))

    @app.post("/signout")
    def signout() -> Any:
        session.clear()
        return redirect(url_for("signin_page"))

    # -- calendar ------------------------------------------------------------------------------
    @app.get("/calendar")
    @signed_in
    def calendar_view() -> str:
        mode = request.args.get("view", "week")
        if mode not in ("week", "month"):
            abort(400, "view must be week or month")
        tz = calendar_page.time_zone(conn(), g.user)
        day = _day(request.args.get("day")) or conn().now().astimezone(tz).date()
        page = calendar_page.read(conn(), g.user, mode, day, tz)
        return render_template("calendar.html", title="Calendar", page=page, message="")

    @app.post("/calendar/cancel")
    @signed_in
    def calendar_cancel() -> Any:
        calendar_page.cancel(conn(), g.user, _required("event_id"))
        return redirect(back(url_for("calendar_view")))

    @app.post("/calendar/decline")
    @signed_in
    def calendar_decline() -> Any:
        calendar_page.decline(conn(), g.user, _required("event_id"))
        return redirect(back(url_for("calendar_view")))

    @app.post("/calendar/move")
    @signed_in
    def calendar_move() -> Any:
        day = _day(request.form.get("day"))
        at = request.form.get("time", "")
        try:
            datetime.strptime(at, "%H:%M")
        except ValueError:
            day = None
        if day is None:
            abort(400, "Give the new date (YYYY-MM-DD) and time (HH:MM).")
        calendar_page.move(conn(), g.user, _required("event_id"), day, at)
        return redirect(back(url_for("calendar_view")))

    # -- records -------------------------------------------------------------------------------
    @app.get("/records")
    @signed_in
    def records_list() -> str:
        files = record_page.list_records(conn(), g.user)
        return render_template("records.html", title="Records", files=files)

    @app.get("/records/<file_id>")
    @signed_in
    def record_view(file_id: str) -> str:
        record = record_page.read(conn(), g.user, _file_id(file_id))
        edit = request.args.get("edit") == "1" and record.can_edit
        return render_template(
            "record.html", title=record.name, record=record, edit=edit,
            message=request.args.get("saved", ""),
        )  # fmt: skip

    @app.post("/records/<file_id>/text")
    @signed_in
    def record_text(file_id: str) -> Any:
        texts = {int(k[1:]): v for k, v in request.form.items() if re.fullmatch(r"p\d{1,9}", k)}
        changed = record_page.save_text(
            conn(), g.user, _file_id(file_id), _required("revision"), texts
        )
        return redirect(url_for("record_view", file_id=file_id, saved=f"{changed} changed"))

    @app.post("/records/<file_id>/status")
    @signed_in
    def record_status(file_id: str) -> Any:
        status = _required("status")
        if status not in record_page.STATUSES:
            abort(400, "Record status is DRAFT or COMPLETE.")
        record_page.set_status(conn(), g.user, _file_id(file_id), status)
        return redirect(url_for("record_view", file_id=file_id, saved=f"Record status {status}"))

    # -- tracker and outbox --------------------------------------------------------------------
    @app.get("/tracker")
    @signed_in
    def tracker_view() -> str:
        wanted = request.args.get("id")
        page = tracker_page.read(conn(), g.user, _file_id(wanted) if wanted else None)
        return render_template("tracker.html", title="Tracker", page=page)

    @app.get("/outbox")
    @signed_in
    def outbox_view() -> str:
        mails = outbox_page.read(conn(), g.user)
        return render_template("outbox.html", title="Outbox", mails=mails)

    return app


def known_people(connection: Connection) -> list[str]:
    """Accounts the local Workspace holds a calendar for: its account chooser's list."""
    ws = connection.workspace
    if ws is None:
        return []
    return [str(c.get("id", "")) for c in ws.store.list("calendar") if "@" in str(c.get("id"))]


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        abort(400, f"{text!r} is not a date (YYYY-MM-DD).")


def _required(name: str) -> str:
    value = request.form.get(name, "")
    if not value:
        abort(400, f"The form is missing {name}.")
    return value


def _file_id(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,200}", text):
        abort(404, "No such file.")
    return text
