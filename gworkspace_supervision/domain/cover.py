"""Absence cover (Hillingdon 3.4): when a supervisor is away, another supervisor holds
their sessions so each supervisee keeps the prescribed frequency. Pure rules, no I/O.

A covered session keeps its identity: the cover event's id is derived from the session id
(so a re-run finds it instead of booking another), and the record and the tracker row keep
the session id. The usual supervisor keeps access to the record (they resume afterwards).
"""

from __future__ import annotations

import hashlib
from base64 import b32hexencode
from dataclasses import dataclass
from datetime import date

from ..errors import InputError, Problem

KIND = "cover"
USUAL_SUPERVISOR_ROLE = "writer"  # on a covered session's record: they read and add to it


def cover_event_id(session_id: str) -> str:
    """The cover event's Calendar id (base32hex, a-v 0-9), stable for a session id."""
    digest = hashlib.sha256(f"gws-supervision:covers:{session_id}".encode())
    return b32hexencode(digest.digest()).decode().lower().rstrip("=")


def cover_label(cover_name: str, usual_name: str) -> str:
    """Who held the session, as the tracker's Supervisor column shows it."""
    return f"{cover_name} (cover for {usual_name})"


@dataclass(frozen=True)
class CoverWindow:
    """The absence: sessions of `supervisor` from `start` to `end` (inclusive) go to `by`."""

    supervisor: str
    by: str
    start: date
    end: date

    def includes(self, day: date) -> bool:
        return self.start <= day <= self.end


def check_window(supervisor: str, by: str, start: date, end: date) -> CoverWindow:
    """The absence as given on the command line; InputError naming the option otherwise."""
    problems = []
    if end < start:
        problems.append(Problem("--to", None, None, f"{end} is before --from {start}"))
    if supervisor.lower() == by.lower():
        problems.append(Problem("--by", None, None, "a supervisor cannot cover themselves"))
    if (end - start).days > 366:
        problems.append(Problem("--to", None, None, "a cover window is at most a year"))
    if problems:
        raise InputError(problems)
    return CoverWindow(supervisor.lower(), by.lower(), start, end)
