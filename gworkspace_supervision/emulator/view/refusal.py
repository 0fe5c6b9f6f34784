"""A request the page itself refuses (not Google): shown as a message, never a traceback."""

from __future__ import annotations


class Refused(Exception):
    """What was wrong and how to fix it, with the HTTP status the page answers."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
