"""Outbox: the invitations, share notices and digests the local Workspace 'sent'.

Google offers no API to read what Calendar and Drive emailed, so this page reads the local
Workspace's own record of it (LocalWorkspace.outbox) and, like a mailbox, shows the chosen
person only the mail sent to them or by them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...google.connect import Connection

KINDS = {
    "invitation": "Invitation",
    "update": "Updated invitation",
    "cancellation": "Cancellation",
    "share": "Share notice",
    "gmail": "Email",
}


@dataclass
class Mail:
    kind: str
    sender: str
    to: str
    subject: str
    message: str
    file_id: str
    outgoing: bool


def read(connection: Connection, user: str) -> list[Mail]:
    ws = connection.workspace
    if ws is None:
        return []
    me = user.lower()
    out: list[Mail] = []
    for mail in reversed(ws.outbox()):  # newest first
        raw_to = mail.get("to") or []
        recipients = [str(t).lower() for t in (raw_to if isinstance(raw_to, list) else [raw_to])]
        sender = str(mail.get("from", "")).lower()
        if me != sender and me not in recipients:
            continue
        to = ", ".join(recipients)
        kind = str(mail.get("kind") or "email")
        out.append(
            Mail(
                kind=KINDS.get(kind, kind.capitalize()),
                sender=sender,
                to=to,
                subject=str(mail.get("subject") or ""),
                message=str(mail.get("message") or mail.get("text") or ""),
                file_id=str(mail.get("fileId") or ""),
                outgoing=sender == me and me not in recipients,
            )
        )
    return out
