"""One exception base for the package; the CLI alone turns these into messages and exit codes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located so a non-programmer can fix it."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}, line {self.line}"
        if self.field:
            where += f", {self.field}"
        return f"{where}: {self.message}"


class SupervisionError(Exception):
    """Base of every error the toolkit raises on purpose. Exit status 1 (a runtime failure)."""

    exit_code = 1


class InputError(SupervisionError):
    """Bad input (roster, policy, settings, arguments): exit 2, nothing written."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("input", None, None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self.describe())

    def describe(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems found; nothing was changed:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class PrivacyError(InputError):
    """A share that would break the records' privacy rules (Hillingdon 4.4, 4.5): refused."""


class APIError(SupervisionError):
    """Google (or the local Workspace) answered with an error; reads Google's error JSON."""

    def __init__(self, status: int, reason: str, message: str, method: str = "") -> None:
        self.status = status
        self.reason = reason
        self.message = message
        self.method = method
        where = f" during {method}" if method else ""
        super().__init__(f"Google answered {status} {reason}{where}: {message}")

    @classmethod
    def from_response(cls, status: int, content: bytes | str, method: str = "") -> APIError:
        """Build from Google's `{"error": {"code", "message", "errors": [...], "status"}}` body."""
        reason, message = "unknown", ""
        try:
            raw = content.decode() if isinstance(content, bytes) else content
            err: dict[str, Any] = json.loads(raw).get("error", {})
            message = str(err.get("message", ""))
            errors = err.get("errors") or []
            reason = str(errors[0].get("reason")) if errors else str(err.get("status", reason))
        except (ValueError, AttributeError, UnicodeDecodeError):
            message = content[:200] if isinstance(content, str) else repr(content[:200])
        return cls(status, reason, message, method)

    @property
    def transient(self) -> bool:
        """True for errors Google says to retry with backoff."""
        if self.status in (429, 500, 502, 503, 504):
            return True
        return self.status == 403 and self.reason in {"rateLimitExceeded", "userRateLimitExceeded"}
