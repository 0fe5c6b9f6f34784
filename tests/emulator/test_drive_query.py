"""files.list `q` grammar, paging and ordering through the real googleapiclient."""

from __future__ import annotations

import pytest
from googleapiclient.errors import HttpError

DOC = "application/vnd.google-apps.document"
FOLDER = "application/vnd.google-apps.folder"
ALICE = "alice@example-council.gov.uk"
BOB = "bob@example-council.gov.uk"


@pytest.fixture
def tree(workspace, drive_for):
    """Alice's folder with three files at three clock times, one shared with Bob, one trashed."""
    drive = drive_for(ALICE)
    ids = {}
    workspace.clock.set("2027-01-01T09:00:00Z")
    ids["folder"] = (
        drive.files().create(body={"name": "Jane Doe", "mimeType": FOLDER}).execute()["id"]
    )
    ids["rec1"] = (
        drive.files()
        .create(
            body={
                "name": "Supervision record - Jane Doe - 2027-01-01",
                "mimeType": DOC,
                "parents": [ids["folder"]],
                "appProperties": {"sessionId": "s1", "app": "gws"},
            }
        )
        .execute()["id"]
    )
    workspace.clock.set("2027-02-01T09:00:00Z")
    ids["rec2"] = (
        drive.files()
        .create(
            body={
                "name": "Supervision record - Jane Doe - 2027-02-01",
                "mimeType": DOC,
                "parents": [ids["folder"]],
                "appProperties": {"sessionId": "s2", "app": "gws"},
                "properties": {"team": "north"},
            }
        )
        .execute()["id"]
    )
    workspace.clock.set("2027-03-01T09:00:00Z")
    ids["note"] = (
        drive.files()
        .create(body={"name": "O'Brien notes", "mimeType": "text/plain"})
        .execute()["id"]
    )
    drive.files().update(fileId=ids["note"], body={"trashed": True}).execute()
    drive.permissions().create(
        fileId=ids["rec2"],
        body={"type": "user", "role": "reader", "emailAddress": BOB},
        sendNotificationEmail=False,
    ).execute()
    return ids


def names(drive, q, **kw):
    out = drive.files().list(q=q, fields="files(id,name)", **kw).execute()
    return sorted(f["id"] for f in out["files"])


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("name = 'Jane Doe'", ["folder"]),
        ("name != 'Jane Doe' and trashed = false", ["rec1", "rec2"]),
        ("name contains 'Supervision record'", ["rec1", "rec2"]),
        ("name contains 'Doe - 2027-02'", ["rec2"]),
        ("name contains 'upervision'", []),  # prefix matching on words, as Google
        ("name = 'O\\'Brien notes'", ["note"]),
        ('name = "O\'Brien notes"', ["note"]),
        (f"mimeType = '{FOLDER}'", ["folder"]),
        (f"mimeType != '{FOLDER}' and trashed = false", ["rec1", "rec2"]),
        ("trashed = true", ["note"]),
        ("'me' in owners and trashed = false", ["folder", "rec1", "rec2"]),
        (f"'{ALICE}' in owners and not mimeType = '{DOC}'", ["folder", "note"]),
        (f"'{BOB}' in readers", ["rec2"]),
        ("appProperties has { key='sessionId' and value='s1' }", ["rec1"]),
        (
            "appProperties has {key='app' and value='gws'} and modifiedTime > '2027-01-15T00:00:00'",
            ["rec2"],
        ),
        ("properties has { key='team' and value='north' }", ["rec2"]),
        ("modifiedTime >= '2027-02-01T09:00:00Z' and trashed = false", ["rec2"]),
        (
            "modifiedTime < '2027-01-15T00:00:00' and mimeType = 'application/vnd.google-apps.document'",
            ["rec1"],
        ),
        ("(name = 'Jane Doe' or trashed = true)", ["folder", "note"]),
    ],
)
def test_each_clause(drive_for, tree, q, expected):
    assert names(drive_for(ALICE), q) == sorted(tree[k] for k in expected)


def test_in_parents_and_root(drive_for, tree):
    drive = drive_for(ALICE)
    assert names(drive, f"'{tree['folder']}' in parents") == sorted([tree["rec1"], tree["rec2"]])
    assert names(drive, "'root' in parents and trashed = false") == [tree["folder"]]


@pytest.mark.parametrize(
    "q",
    [
        "fullText contains 'Jane'",
        "visibility = 'limited'",
        "name = 'x' and",
        "name startswith 'x'",
        "'x' in children",
        "modifiedTime > 'yesterday'",
        "trashed = maybe",
        "name = 'unterminated",
    ],
)
def test_unsupported_clause_is_400_never_match_all(drive_for, tree, q):
    with pytest.raises(HttpError) as exc:
        drive_for(ALICE).files().list(q=q).execute()
    assert exc.value.resp.status == 400
    assert "Invalid Value" in str(exc.value)


def test_only_visible_files_are_listed(drive_for, tree):
    bob = drive_for(BOB)
    assert names(bob, "name contains 'Supervision'") == [tree["rec2"]]
    assert names(bob, "sharedWithMe = true") == [tree["rec2"]]
    shown = bob.files().get(fileId=tree["rec2"], fields="parents,permissions,ownedByMe").execute()
    assert shown == {"parents": [], "ownedByMe": False}  # readers see neither ACL nor parents


def test_paging_and_order(drive_for):
    drive = drive_for(ALICE)
    for i in range(25):
        drive.files().create(body={"name": f"f{i:02d}"}).execute()
    seen, token, pages = [], None, 0
    while True:
        page = (
            drive.files()
            .list(
                pageSize=10,
                pageToken=token,
                orderBy="name desc",
                fields="nextPageToken,files(name)",
            )
            .execute()
        )
        seen += [f["name"] for f in page["files"]]
        pages += 1
        token = page.get("nextPageToken")
        if not token:
            break
    assert pages == 3
    assert seen == [f"f{i:02d}" for i in range(24, -1, -1)]
    with pytest.raises(HttpError):
        drive.files().list(orderBy="size").execute()
    with pytest.raises(HttpError):
        drive.files().list(pageToken="garbage").execute()


def test_default_list_fields(drive_for, tree):
    out = (
        drive_for(ALICE)
        .files()
        .list(
            q="name = 'Jane Doe'",
            supportsAllDrives=True,
            includeItemsFromAllDrives=True,
            corpora="user",
        )
        .execute()
    )
    assert out["files"] == [
        {"kind": "drive#file", "id": tree["folder"], "name": "Jane Doe", "mimeType": FOLDER}
    ]
