"""Gmail send: digest emails land in the workspace outbox, counted, never delivered."""

from __future__ import annotations

import base64
import io
from email.message import EmailMessage
from typing import Any

import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseUpload

from gworkspace_supervision.emulator import LocalWorkspace

OPS = "ops@example-council.gov.uk"


def _message(to: str, subject: str) -> bytes:
    msg = EmailMessage()
    msg["To"] = to
    msg["From"] = OPS
    msg["Subject"] = subject
    msg.set_content("3 records overdue.")
    return msg.as_bytes()


def test_send_raw_and_uploaded_messages_to_the_outbox(
    workspace: LocalWorkspace, gmail_for: Any
) -> None:
    messages = gmail_for(OPS).users().messages()
    raw = base64.urlsafe_b64encode(_message("Manager@Example-Council.gov.uk", "Digest")).decode()
    sent = messages.send(userId="me", body={"raw": raw}).execute()
    assert sent["labelIds"] == ["SENT"]
    upload = MediaIoBaseUpload(
        io.BytesIO(_message("b@example-council.gov.uk", "Second")), "message/rfc822"
    )
    messages.send(userId="me", media_body=upload).execute()
    outbox = workspace.outbox()
    assert [(m["to"], m["subject"]) for m in outbox] == [
        (["manager@example-council.gov.uk"], "Digest"),
        (["b@example-council.gov.uk"], "Second"),
    ]
    assert outbox[0]["from"] == OPS and workspace.counters()["emails"] == 2


def test_send_as_someone_else_is_refused(gmail_for: Any) -> None:
    raw = base64.urlsafe_b64encode(_message("x@example-council.gov.uk", "S")).decode()
    with pytest.raises(HttpError) as caught:
        gmail_for(OPS).users().messages().send(
            userId="boss@example-council.gov.uk", body={"raw": raw}
        ).execute()
    assert caught.value.status_code == 403
