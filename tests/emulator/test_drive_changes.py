"""Drive changes.list through the real googleapiclient: edits via Docs, access removal, paging."""

from __future__ import annotations

DOC = "application/vnd.google-apps.document"
ALICE = "alice@example-council.gov.uk"
BOB = "bob@example-council.gov.uk"


def all_changes(drive, token, **kw):
    out = []
    while True:
        page = drive.changes().list(pageToken=token, fields="*", **kw).execute()
        out += page["changes"]
        if "newStartPageToken" in page:
            return out, page["newStartPageToken"]
        token = page["nextPageToken"]


def test_docs_batch_update_shows_up_as_a_drive_change(workspace, drive_for, docs_for):
    drive = drive_for(ALICE)
    doc = docs_for(ALICE).documents().create(body={"title": "Record"}).execute()
    token = drive.changes().getStartPageToken().execute()["startPageToken"]
    before = (
        drive.files()
        .get(fileId=doc["documentId"], fields="mimeType,owners(emailAddress),version")
        .execute()
    )
    assert before["mimeType"] == DOC and before["owners"] == [{"emailAddress": ALICE}]
    workspace.clock.set("2030-01-02T10:00:00Z")
    docs_for(ALICE).documents().batchUpdate(
        documentId=doc["documentId"],
        body={"requests": [{"insertText": {"location": {"index": 1}, "text": "Hello"}}]},
    ).execute()
    changes, new_token = all_changes(drive, token)
    assert [(c["fileId"], c["removed"], c["changeType"]) for c in changes] == [
        (doc["documentId"], False, "file")
    ]
    assert changes[0]["file"]["modifiedTime"] == "2030-01-02T10:00:00.000Z"
    assert int(changes[0]["file"]["version"]) > int(before["version"])
    assert all_changes(drive, new_token) == ([], new_token)


def test_losing_access_and_deletion_are_removed_changes(drive_for):
    alice, bob = drive_for(ALICE), drive_for(BOB)
    f = alice.files().create(body={"name": "shared", "mimeType": DOC}).execute()
    perm = (
        alice.permissions()
        .create(
            fileId=f["id"],
            body={"type": "user", "role": "reader", "emailAddress": BOB},
            sendNotificationEmail=False,
        )
        .execute()
    )
    token = bob.changes().getStartPageToken().execute()["startPageToken"]
    alice.files().update(fileId=f["id"], body={"name": "renamed"}).execute()
    changes, _ = all_changes(bob, token)
    assert [(c["fileId"], c["removed"], c["file"]["name"]) for c in changes] == [
        (f["id"], False, "renamed")
    ]
    alice.permissions().delete(fileId=f["id"], permissionId=perm["id"]).execute()
    changes, _ = all_changes(bob, token)
    assert [(c["fileId"], c["removed"]) for c in changes] == [(f["id"], True)]
    assert "file" not in changes[0]
    alice_token = alice.changes().getStartPageToken().execute()["startPageToken"]
    alice.files().delete(fileId=f["id"]).execute()
    changes, _ = all_changes(alice, alice_token)
    assert [(c["fileId"], c["removed"]) for c in changes] == [(f["id"], True)]


def test_paging_collapses_to_the_latest_change_per_file(drive_for):
    drive = drive_for(ALICE)
    token = drive.changes().getStartPageToken().execute()["startPageToken"]
    ids = [drive.files().create(body={"name": f"f{i}"}).execute()["id"] for i in range(5)]
    drive.files().update(fileId=ids[0], body={"name": "again"}).execute()
    first = drive.changes().list(pageToken=token, pageSize=2).execute()
    assert "nextPageToken" in first and "newStartPageToken" not in first
    assert set(first["changes"][0]) == {
        "kind",
        "changeType",
        "type",
        "time",
        "removed",
        "fileId",
        "file",
    }
    changes, _ = all_changes(drive, token, pageSize=2)
    assert [c["fileId"] for c in changes] == ids[1:] + ids[:1]
    assert drive_for(BOB).changes().list(pageToken=token).execute()["changes"] == []
