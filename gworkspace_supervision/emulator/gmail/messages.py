"""Gmail v1 `users.messages.send`, enough for the toolkit's digest emails: sent mail goes to the outbox.

The message arrives as base64url RFC 822 (`{"raw": ...}`) or as an upload (message/rfc822).
It is not delivered anywhere: it is appended to the workspace outbox (`LocalWorkspace.outbox()`),
with the headers parsed and the plain-text body kept (`text`), so tests and demos can see what
would have been sent.
"""

from __future__ import annotations

import base64
import binascii
from email import message_from_bytes, policy
from email.utils import getaddresses
from typing import Any

from ..core.api import Call, HttpError, handler
from ..drive.files import new_id, rfc3339


def _message_bytes(call: Call) -> bytes:
    if call.media is not None:
        return call.media
    raw = (call.body or {}).get("raw")
    if not raw:
        raise HttpError(
            400,
            "invalidArgument",
            "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
        )
    try:
        return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        raise HttpError(400, "invalidArgument", "Invalid value for ByteString: raw") from None


@handler("gmail.users.messages.send")
def send_message(call: Call) -> dict[str, Any]:
    user_id = str(call.params["userId"]).lower()
    if user_id not in ("me", call.user):
        raise HttpError(403, "forbidden", f"Delegation denied for {call.user}")
    msg = message_from_bytes(_message_bytes(call), policy=policy.default)
    recipients = [
        addr.lower()
        for _name, addr in getaddresses(
            msg.get_all("to", []) + msg.get_all("cc", []) + msg.get_all("bcc", [])
        )
        if addr
    ]
    if not recipients:
        raise HttpError(400, "invalidArgument", "Recipient address required")
    part = msg.get_body(preferencelist=("plain",))
    text = part.get_content() if part is not None else ""
    message_id = new_id(16).replace("-", "a").replace("_", "b")
    call.emails.append(
        {
            "kind": "gmail",
            "id": message_id,
            "from": call.user,
            "to": recipients,
            "subject": str(msg.get("subject", "")),
            "text": str(text),
            "sentAt": rfc3339(call.now),
        }
    )
    return {"id": message_id, "threadId": message_id, "labelIds": ["SENT"]}
