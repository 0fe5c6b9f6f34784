"""Drive v3 files through the real googleapiclient: create, upload conversion, copy, update, delete."""

from __future__ import annotations

import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaInMemoryUpload

DOC = "application/vnd.google-apps.document"
FOLDER = "application/vnd.google-apps.folder"
ALICE = "alice@example-council.gov.uk"
BOB = "bob@example-council.gov.uk"

TEMPLATE = (
    "<html><head><title>ignored</title><style>p {color: red}</style></head><body>"
    "<h1>Supervision record</h1><p>Supervisee: <b>{{supervisee_name}}</b></p>"
    "<table><tr><th>Action</th><th>Owner</th></tr><tr><td>Visit</td><td>{{owner}}</td></tr></table>"
    "<p>Record status: DRAFT</p></body></html>"
)


def upload_doc(drive, name="Template", html=TEMPLATE, **body):
    media = MediaInMemoryUpload(html.encode(), mimetype="text/html")
    meta = {"name": name, "mimeType": DOC, **body}
    return drive.files().create(body=meta, media_body=media, fields="*").execute()


def status(exc: pytest.ExceptionInfo[HttpError]) -> int:
    return int(exc.value.resp.status)


def test_default_fields_are_drives_minimal_set(drive_for):
    drive = drive_for(ALICE)
    folder = (
        drive.files().create(body={"name": "Supervision Records", "mimeType": FOLDER}).execute()
    )
    assert set(folder) == {"kind", "id", "name", "mimeType"}
    full = (
        drive.files().get(fileId=folder["id"], fields="id,owners(emailAddress),parents").execute()
    )
    assert set(full) == {"id", "owners", "parents"}
    assert full["owners"] == [{"emailAddress": ALICE}]


def test_html_upload_becomes_a_doc_and_exports_back(drive_for, docs_for):
    drive = drive_for(ALICE)
    doc = upload_doc(drive)
    assert doc["mimeType"] == DOC
    assert doc["webViewLink"].startswith("https://docs.google.com/document/d/")
    text = drive.files().export(fileId=doc["id"], mimeType="text/plain").execute().decode("utf-8")
    assert text.startswith("\ufeff")  # Google's export carries a BOM and CRLF line ends
    lines = text.lstrip("\ufeff").split("\r\n")
    assert lines[:5] == [
        "Supervision record",
        "Supervisee: {{supervisee_name}}",
        "Action\tOwner",
        "Visit\t{{owner}}",
        "Record status: DRAFT",
    ]
    html = drive.files().export(fileId=doc["id"], mimeType="text/html").execute().decode()
    assert "<h1>Supervision record</h1>" in html and "<b>{{supervisee_name}}</b>" in html
    body = docs_for(ALICE).documents().get(documentId=doc["id"]).execute()["body"]["content"]
    assert body[1]["paragraph"]["paragraphStyle"]["namedStyleType"] == "HEADING_1"
    assert "table" in body[3]


def test_plain_text_upload_and_binary_download(drive_for):
    drive = drive_for(ALICE)
    media = MediaInMemoryUpload(b"line one\nline two\n", mimetype="text/plain")
    doc = drive.files().create(body={"name": "n", "mimeType": DOC}, media_body=media).execute()
    out = drive.files().export(fileId=doc["id"], mimeType="text/plain").execute()
    assert out == "\ufeffline one\r\nline two".encode()
    raw = (
        drive.files()
        .create(
            body={"name": "notes.txt"},
            media_body=MediaInMemoryUpload(b"abc", mimetype="text/plain"),
            fields="id,size,mimeType",
        )
        .execute()
    )
    assert raw["size"] == "3" and raw["mimeType"] == "text/plain"
    assert drive.files().get_media(fileId=raw["id"]).execute() == b"abc"
    with pytest.raises(HttpError) as exc:
        drive.files().get_media(fileId=doc["id"]).execute()
    assert status(exc) == 403 and "fileNotDownloadable" in str(exc.value.content)
    with pytest.raises(HttpError) as exc:
        drive.files().export(fileId=doc["id"], mimeType="application/pdf").execute()
    assert status(exc) == 400


def test_copy_of_a_doc_keeps_its_content_and_gets_its_own_revision(drive_for, docs_for):
    drive, docs = drive_for(ALICE), docs_for(ALICE)
    folder = drive.files().create(body={"name": "Jane Doe", "mimeType": FOLDER}).execute()
    tpl = upload_doc(drive, appProperties={"template": "hillingdon"})
    copy = (
        drive.files()
        .copy(
            fileId=tpl["id"],
            body={
                "name": "Supervision record - Jane Doe - 2027-03-10",
                "parents": [folder["id"]],
                "appProperties": {"sessionId": "s1", "template": None},
            },
            fields="id,name,parents,appProperties,owners",
        )
        .execute()
    )
    assert copy["parents"] == [folder["id"]]
    assert copy["appProperties"] == {"sessionId": "s1"}
    original = docs.documents().get(documentId=tpl["id"]).execute()
    copied = docs.documents().get(documentId=copy["id"]).execute()
    assert copied["body"] == original["body"]
    assert copied["revisionId"] != original["revisionId"]
    assert copied["title"] == "Supervision record - Jane Doe - 2027-03-10"


def test_copy_without_name_is_copy_of(drive_for):
    drive = drive_for(ALICE)
    tpl = upload_doc(drive, name="Template")
    assert drive.files().copy(fileId=tpl["id"], body={}).execute()["name"] == "Copy of Template"


def test_update_merges_app_properties_and_enforces_the_124_byte_limit(drive_for):
    drive = drive_for(ALICE)
    f = drive.files().create(body={"name": "x", "appProperties": {"a": "1", "b": "2"}}).execute()
    got = (
        drive.files()
        .update(
            fileId=f["id"],
            body={"appProperties": {"a": None, "c": "3"}, "description": "d"},
            fields="appProperties,description,version",
        )
        .execute()
    )
    assert got["appProperties"] == {"b": "2", "c": "3"} and got["description"] == "d"
    with pytest.raises(HttpError) as exc:
        drive.files().update(fileId=f["id"], body={"appProperties": {"k": "v" * 124}}).execute()
    assert status(exc) == 400
    ok = (
        drive.files()
        .update(fileId=f["id"], body={"appProperties": {"k": "v" * 123}}, fields="appProperties")
        .execute()
    )
    assert ok["appProperties"]["k"] == "v" * 123


def test_parents_move_with_add_and_remove_parents_only(drive_for):
    drive = drive_for(ALICE)
    a = drive.files().create(body={"name": "A", "mimeType": FOLDER}).execute()
    b = drive.files().create(body={"name": "B", "mimeType": FOLDER}).execute()
    f = drive.files().create(body={"name": "f", "parents": [a["id"]]}).execute()
    with pytest.raises(HttpError) as exc:
        drive.files().update(fileId=f["id"], body={"parents": [b["id"]]}).execute()
    assert status(exc) == 403 and "fieldNotWritable" in str(exc.value.content)
    with pytest.raises(HttpError) as exc:
        drive.files().update(fileId=f["id"], addParents=b["id"]).execute()
    assert status(exc) == 403 and "cannotAddParent" in str(exc.value.content)
    moved = (
        drive.files()
        .update(fileId=f["id"], addParents=b["id"], removeParents=a["id"], fields="parents")
        .execute()
    )
    assert moved["parents"] == [b["id"]]


def test_trash_then_delete_is_owner_only(drive_for):
    alice, bob = drive_for(ALICE), drive_for(BOB)
    f = alice.files().create(body={"name": "f"}).execute()
    alice.permissions().create(
        fileId=f["id"],
        body={"type": "user", "role": "writer", "emailAddress": BOB},
        sendNotificationEmail=False,
    ).execute()
    bob.files().update(fileId=f["id"], body={"name": "renamed"}).execute()
    for call in (
        bob.files().update(fileId=f["id"], body={"trashed": True}),
        bob.files().delete(fileId=f["id"]),
    ):
        with pytest.raises(HttpError) as exc:
            call.execute()
        assert status(exc) == 403
    got = (
        alice.files()
        .update(fileId=f["id"], body={"trashed": True}, fields="trashed,name")
        .execute()
    )
    assert got == {"trashed": True, "name": "renamed"}
    alice.files().delete(fileId=f["id"]).execute()
    with pytest.raises(HttpError) as exc:
        alice.files().get(fileId=f["id"]).execute()
    assert status(exc) == 404


def test_root_alias_and_about(drive_for):
    drive = drive_for(ALICE)
    root = drive.files().get(fileId="root", fields="id,name,mimeType").execute()
    f = drive.files().create(body={"name": "top"}, fields="parents").execute()
    assert f["parents"] == [root["id"]]
    about = drive.about().get(fields="user(emailAddress),storageQuota").execute()
    assert about["user"] == {"emailAddress": ALICE}
    with pytest.raises(HttpError) as exc:
        drive.about().get().execute()
    assert status(exc) == 400


def test_a_batch_of_100_drive_calls(workspace, drive_for):
    drive = drive_for(ALICE)
    results: dict[str, dict] = {}

    def done(request_id, response, exception):
        assert exception is None
        results[request_id] = response

    batch = drive.new_batch_http_request(callback=done)
    for i in range(100):
        batch.add(drive.files().create(body={"name": f"file {i:03d}"}, fields="id,name"))
    workspace.reset_counters()
    batch.execute()
    assert len(results) == 100
    assert workspace.counters()["http"] == 1
    listed = (
        drive.files().list(q="name contains 'file'", pageSize=1000, fields="files(name)").execute()
    )
    assert len(listed["files"]) == 100


def test_gspreads_drive_calls(gspread_for):
    gc = gspread_for(ALICE)
    sheet = gc.create("Tracking")
    copy = gc.copy(sheet.id, title="Tracking copy", copy_permissions=False)
    assert sorted(s.title for s in gc.openall()) == ["Tracking", "Tracking copy"]
    assert gc.open("Tracking").id == sheet.id
    gc.del_spreadsheet(copy.id)
    assert [f["name"] for f in gc.list_spreadsheet_files()] == ["Tracking"]
    perms = sheet.list_permissions()
    assert [(p["emailAddress"], p["role"]) for p in perms] == [(ALICE, "owner")]
