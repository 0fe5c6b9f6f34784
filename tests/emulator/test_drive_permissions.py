"""Drive sharing through the real googleapiclient: ACL enforcement, notifications, ownership."""

from __future__ import annotations

import pytest
from googleapiclient.errors import HttpError

DOC = "application/vnd.google-apps.document"
SUPERVISOR = "sam.supervisor@example-council.gov.uk"
JANE = "jane.doe@example-council.gov.uk"
JOHN = "john.roe@example-council.gov.uk"
MANAGER = "lee.manager@example-council.gov.uk"
NEW_SUPERVISOR = "nia.new@example-council.gov.uk"


def share(drive, file_id, email, role, **kw):
    return (
        drive.permissions()
        .create(
            fileId=file_id,
            body={"type": "user", "role": role, "emailAddress": email},
            fields="id,role,emailAddress,type",
            **kw,
        )
        .execute()
    )


@pytest.fixture
def record(drive_for):
    drive = drive_for(SUPERVISOR)
    doc = (
        drive.files()
        .create(body={"name": "Supervision record - Jane Doe", "mimeType": DOC})
        .execute()
    )
    share(drive, doc["id"], JANE, "writer", emailMessage="Supervision 2027-03-10")
    share(drive, doc["id"], MANAGER, "commenter", sendNotificationEmail=False)
    return doc["id"]


def status_of(call) -> int:
    with pytest.raises(HttpError) as exc:
        call.execute()
    return int(exc.value.resp.status)


def test_another_supervisee_cannot_open_the_record(drive_for, docs_for, record):
    assert status_of(drive_for(JOHN).files().get(fileId=record)) == 404
    assert status_of(docs_for(JOHN).documents().get(documentId=record)) == 404
    assert status_of(drive_for(JOHN).permissions().list(fileId=record)) == 404
    assert drive_for(JANE).files().get(fileId=record).execute()["id"] == record


def test_acl_is_exactly_what_was_shared(drive_for, record):
    perms = (
        drive_for(SUPERVISOR)
        .permissions()
        .list(fileId=record, fields="permissions(emailAddress,role,type)")
        .execute()["permissions"]
    )
    assert sorted((p["emailAddress"], p["role"]) for p in perms) == sorted(
        [(SUPERVISOR, "owner"), (JANE, "writer"), (MANAGER, "commenter")]
    )


def test_commenter_and_reader_cannot_write_or_share(drive_for, docs_for, record):
    manager = drive_for(MANAGER)
    assert status_of(manager.files().update(fileId=record, body={"name": "x"})) == 403
    assert (
        status_of(
            docs_for(MANAGER)
            .documents()
            .batchUpdate(
                documentId=record,
                body={"requests": [{"insertText": {"location": {"index": 1}, "text": "x"}}]},
            )
        )
        == 403
    )
    assert (
        status_of(
            manager.permissions().create(
                fileId=record, body={"type": "user", "role": "reader", "emailAddress": JOHN}
            )
        )
        == 403
    )
    assert status_of(manager.permissions().list(fileId=record)) == 403


def test_notification_emails_are_counted(workspace, record):
    outbox = workspace.outbox()
    assert [(m["to"], m["kind"], m["message"]) for m in outbox] == [
        (JANE, "share", "Supervision 2027-03-10")
    ]
    assert workspace.counters()["emails"] == 1


def test_sharing_again_updates_the_same_permission(drive_for, record):
    drive = drive_for(SUPERVISOR)
    first = share(drive, record, JANE, "reader", sendNotificationEmail=False)
    perms = (
        drive.permissions()
        .list(fileId=record, fields="permissions(id,role)")
        .execute()["permissions"]
    )
    assert len(perms) == 3
    assert {"id": first["id"], "role": "reader"} in perms


def test_only_the_owner_transfers_and_the_previous_owner_becomes_writer(
    workspace, drive_for, record
):
    jane = drive_for(JANE)
    body = {"type": "user", "role": "owner", "emailAddress": JANE}
    assert (
        status_of(jane.permissions().create(fileId=record, body=body, transferOwnership=True))
        == 403
    )
    sup = drive_for(SUPERVISOR)
    new = {"type": "user", "role": "owner", "emailAddress": NEW_SUPERVISOR}
    assert (
        status_of(sup.permissions().create(fileId=record, body=new)) == 403
    )  # no transferOwnership
    sup.permissions().create(fileId=record, body=new, transferOwnership=True).execute()
    got = (
        drive_for(NEW_SUPERVISOR)
        .files()
        .get(fileId=record, fields="owners(emailAddress),permissions(emailAddress,role)")
        .execute()
    )
    assert got["owners"] == [{"emailAddress": NEW_SUPERVISOR}]
    roles = {p["emailAddress"]: p["role"] for p in got["permissions"]}
    assert roles[SUPERVISOR] == "writer" and roles[NEW_SUPERVISOR] == "owner"
    assert workspace.outbox()[-1]["to"] == NEW_SUPERVISOR


def test_owner_permission_cannot_be_deleted_others_can(drive_for, record):
    drive = drive_for(SUPERVISOR)
    perms = (
        drive.permissions()
        .list(fileId=record, fields="permissions(id,role,emailAddress)")
        .execute()
    )
    by_email = {p["emailAddress"]: p for p in perms["permissions"]}
    assert (
        status_of(
            drive.permissions().delete(fileId=record, permissionId=by_email[SUPERVISOR]["id"])
        )
        == 403
    )
    drive.permissions().delete(fileId=record, permissionId=by_email[MANAGER]["id"]).execute()
    assert status_of(drive_for(MANAGER).files().get(fileId=record)) == 404
    assert (
        status_of(drive.permissions().get(fileId=record, permissionId=by_email[MANAGER]["id"]))
        == 404
    )


def test_update_role_and_read_only_fields(drive_for, record):
    drive = drive_for(SUPERVISOR)
    perms = drive.permissions().list(fileId=record, fields="permissions(id,emailAddress)").execute()
    jane_id = next(p["id"] for p in perms["permissions"] if p["emailAddress"] == JANE)
    got = (
        drive.permissions()
        .update(fileId=record, permissionId=jane_id, body={"role": "reader"})
        .execute()
    )
    assert got == {"kind": "drive#permission", "id": jane_id, "type": "user", "role": "reader"}
    assert (
        status_of(
            drive.permissions().update(
                fileId=record, permissionId=jane_id, body={"emailAddress": JOHN}
            )
        )
        == 403
    )


def test_domain_and_anyone_shares_are_possible(drive_for, record):
    drive = drive_for(SUPERVISOR)
    drive.permissions().create(
        fileId=record, body={"type": "domain", "role": "reader", "domain": "example-council.gov.uk"}
    ).execute()
    link = (
        drive.permissions()
        .create(fileId=record, body={"type": "anyone", "role": "reader"})
        .execute()
    )
    assert link["id"] == "anyoneWithLink"
    assert drive_for(JOHN).files().get(fileId=record, fields="id").execute() == {"id": record}
