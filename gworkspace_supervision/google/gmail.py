"""Gmail adapter: send one plain-text email as the operator (users.messages.send, gmail.send scope).

The message is built with the standard library's `email` package (RFC 2822, UTF-8), sent as
base64url `raw` as `me`: with impersonation that is the operator's own mailbox, with OAuth the
signed-in business-support account. Only the digest sends mail; it asks for gmail.send alone
(google/auth.py `scopes_for(..., digest=True)`).
"""

from __future__ import annotations

import base64
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from .connect import Connection
from .retry import execute


def build_message(
    sender: str, to: str, subject: str, text: str, *, to_name: str = "", sender_name: str = ""
) -> EmailMessage:
    """A plain-text RFC 2822 message; names go through `Address`, so they cannot inject headers."""
    message = EmailMessage()
    message["From"] = _address(sender, sender_name)
    message["To"] = _address(to, to_name)
    message["Subject"] = " ".join(subject.split())  # one line, whatever the caller passed
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text)
    return message


def _address(email: str, name: str) -> Address:
    user, _, domain = email.partition("@")
    return Address(display_name=" ".join(name.split()), username=user, domain=domain)


def raw_of(message: EmailMessage) -> str:
    """Gmail's `raw`: the whole message, base64url encoded."""
    return base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")


def send(connection: Connection, sender: str, message: EmailMessage) -> str:
    """Send `message` as `sender` (userId `me`); returns Gmail's message id."""
    request = (
        connection.gmail(sender).users().messages().send(userId="me", body={"raw": raw_of(message)})
    )
    answer = execute(
        request, what="gmail.users.messages.send", policy=connection.retry, meter=connection.meter
    )
    return str(answer.get("id", ""))
