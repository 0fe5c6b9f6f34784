"""`check`: prove, before the first real run, that every capability the toolkit needs works.

Modelled on GAM's `check serviceaccount`: a council's IT team authorises the service account's
scopes once (Admin console, domain-wide delegation); when one is missing every command would
fail later in a confusing way. `check` asks for a token per scope and then does, once, each
thing the toolkit does, with scratch objects it deletes again: an event in the supervisor's
calendar, a free/busy query, a Doc created, written, shared with the operator and deleted as
the supervisor, the tracking Sheet read as the operator (when one is configured), the Drive
change log, and a test email only when the digest is on. Each capability is one line: PASS, or
FAIL with what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..context import RunContext
from ..errors import APIError
from ..google import preflight
from ..google.auth import scopes_for
from ..google.connect import Connection, auth_settings
from ..google.sheet import tracker_ids
from ..settings import Settings

G = "https://www.googleapis.com/auth/"
DELEGATION = "Admin console > Security > API controls > Domain-wide delegation"


@dataclass(frozen=True)
class Line:
    """One capability's outcome."""

    capability: str
    passed: bool
    detail: str = ""  # what Google answered, on a FAIL
    fix: str = ""  # what to do, on a FAIL
    skipped: str = ""  # why it was not tried (the settings do not use it)

    def render(self) -> str:
        if self.skipped:
            return f"SKIP  {self.capability}: {self.skipped}"
        if self.passed:
            return f"PASS  {self.capability}"
        return f"FAIL  {self.capability}: {self.detail}\n      Fix: {self.fix}"


@dataclass(frozen=True)
class CheckResult:
    operator: str
    supervisor: str
    lines: list[Line]

    @property
    def passed(self) -> bool:
        return all(line.passed for line in self.lines)


def needed_scopes(settings: Settings, digest: bool) -> list[str]:
    """The scopes the toolkit asks for with these settings (gmail.send only with the digest)."""
    return scopes_for(auth_settings(settings).auth, digest=digest)


def _scope_fix(connection: Connection, scope: str, auth: str) -> str:
    if connection.kind == "local" or auth == "service_account":
        client = connection.client_id or "<the service account's client ID (its key's client_id)>"
        return f"{DELEGATION}: add {scope} to client ID {client}"
    return (
        f"sign in again and allow {scope} (delete the saved token file and run any command; "
        "with auth = 'adc' run `gcloud auth application-default login` with that scope)"
    )


def run_check(
    ctx: RunContext,
    *,
    operator: str,
    supervisor: str,
    digest: bool = False,
    tracker_sheet_id: str | None = None,
) -> CheckResult:
    """Try every capability as the operator and one supervisor; never raises for a FAIL.

    The operator and the supervisor receive a share and (with `digest`) an email: both are
    checked with the allowed-address rule first."""
    connection, settings = ctx.connection, ctx.settings
    ctx.check_recipients([(operator, "operator (test share and email)"), (supervisor, "--as")])
    auth = "service_account" if connection.kind == "local" else auth_settings(settings).auth
    scopes = needed_scopes(settings, digest) if connection.kind != "local" else _local(digest)
    calendar_scope = next(
        s for s in scopes if s.startswith(G + "calendar.events") and "free" not in s
    )
    lines: list[Line] = []
    for user in dict.fromkeys([operator, supervisor]):
        for scope in scopes:
            why = connection.token_error(user, scope)
            lines.append(
                Line(
                    f"token for {scope} as {user}",
                    why is None,
                    why or "",
                    "" if why is None else _scope_fix(connection, scope, auth),
                )
            )

    def probe(name: str, scope: str, run: Callable[[], None], fix: str = "") -> None:
        try:
            run()
        except APIError as exc:
            detail = f"{exc.status} {exc.reason}: {exc.message}"
            if exc.reason in ("insufficientPermissions", "PERMISSION_DENIED") and exc.status == 403:
                advice = _scope_fix(connection, scope, auth)
            else:
                advice = fix or f"this needs {scope}; {_scope_fix(connection, scope, auth)}"
            lines.append(Line(name, False, detail, advice))
        else:
            lines.append(Line(name, True))

    probe(
        f"create and delete an event in {supervisor}'s calendar",
        calendar_scope,
        lambda: preflight.event_round_trip(connection, supervisor),
    )
    probe(
        f"free/busy of {supervisor} and {operator}",
        G + "calendar.events.freebusy",
        lambda: preflight.free_busy(connection, supervisor, [operator]),
    )
    probe(
        f"create, share with {operator} and delete a Doc as {supervisor}",
        G + "drive.file",
        lambda: preflight.doc_round_trip(connection, supervisor, operator),
    )
    probe(
        f"read Drive's change log as {supervisor}",
        G + "drive.file",
        lambda: preflight.changes(connection, supervisor),
    )
    if tracker_sheet_id:
        probe(
            f"read the tracking Sheet {tracker_sheet_id} as {operator}",
            G + "drive.file",
            lambda: preflight.read_sheet(connection, operator, tracker_sheet_id),
            fix=(
                "the toolkit reaches only Sheets it created itself (drive.file): remove "
                "[supervision] tracker_sheet_id so that `sync` creates the tracking Sheet as "
                f"{operator}, or give the ID of the Sheet `sync` created"
            ),
        )
    else:  # the tracker `sync` made, found by its tag in the operator's Drive
        try:
            found = tracker_ids(connection, operator)
        except APIError:
            found = []  # a Drive FAIL above says why
        if found:
            probe(
                f"read the tracking Sheet {found[0]} as {operator}",
                G + "drive.file",
                lambda: preflight.read_sheet(connection, operator, found[0]),
            )
        else:
            lines.append(
                Line(
                    f"read the tracking Sheet as {operator}",
                    True,
                    skipped=f"there is none yet: the first `book`, `records` or `sync` makes it as "
                    f"{operator}",
                )
            )
    mail = f"send an email as {operator} (the digest)"
    if digest:
        probe(mail, G + "gmail.send", lambda: preflight.send_mail(connection, operator))
    else:
        lines.append(
            Line(
                mail,
                True,
                skipped="the digest is off; `check --digest` tries it (after [google] digest = "
                "true and gmail.send granted)",
            )
        )
    return CheckResult(operator, supervisor, lines)


def _local(digest: bool) -> list[str]:
    """The local Workspace stands for the usual deployment: impersonation (service account)."""
    return scopes_for("service_account", digest=digest)
