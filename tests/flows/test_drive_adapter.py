"""DriveAdapter against the local Workspace through the real client: what records and tracking rely on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gworkspace_supervision.errors import SupervisionError
from gworkspace_supervision.google.connect import Connection, connect
from gworkspace_supervision.google.docs import DocsAdapter
from gworkspace_supervision.google.drive import DriveAdapter, Share

SUP = "ella.singh@example-council.gov.uk"
SEE = "noah.reid@example-council.gov.uk"
LM = "jamal.adams@example-council.gov.uk"


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Connection]:
    with connect(f"local:{tmp_path / 'ws'}") as connection:
        yield connection


def test_records_listed_with_acl_and_exported(conn: Connection) -> None:
    drive = DriveAdapter(conn)
    template = drive.upload_doc(
        SUP, "T", b"<html><body><p>Hello {{supervisee_name}}</p></body></html>",
        props={"app": "gws-supervision", "kind": "template", "template": "t", "hash": "x"},
    )  # fmt: skip
    folder = drive.ensure_folder(SUP, ["Supervision Records", "Noah Reid"])
    assert drive.ensure_folder(SUP, ["Supervision Records", "Noah Reid"]) == folder
    made = drive.create_many(
        SUP,
        [("s1", drive.create_doc_request(SUP, name="Rec", folder_id=folder,
                                         props={"session": "s1", "pair": "p"}))],
    )  # fmt: skip
    record = made["s1"]
    assert record.session_id == "s1" and record.parent == folder and record.owner == SUP
    assert record.digest == "" and record.template == ""
    docs = DocsAdapter(conn)
    content = docs.read_template(SUP, template.file_id)
    docs.write_many(SUP, [("s1", record.file_id, content, {})])
    drive.share(SUP, [Share(record.file_id, SEE, "writer", True, "Your record")])
    drive.share(SUP, [Share(record.file_id, LM, "commenter", False)])
    listed = drive.list_records(SUP)
    assert [r.file_id for r in listed] == [record.file_id]
    assert listed[0].role_of(SEE) == "writer" and listed[0].role_of(LM) == "commenter"
    assert drive.list_records(SEE) == []  # shared with, not owned by
    assert drive.export_text(SUP, record.file_id).strip() == "Hello {{supervisee_name}}"
    # the supervisee is on the ACL, but the app never created or opened the file AS the
    # supervisee: under drive.file it does not exist for that token (Google's drive.file
    # docs; taylorwilsdon/google_workspace_mcp issue 1027)
    with pytest.raises(SupervisionError, match="File not found"):
        drive.export_text(SEE, record.file_id)
    assert [t.template for t in drive.list_templates(SUP)] == ["t"]
    sent = [e for e in conn.workspace.outbox() if e["kind"] == "share"]
    assert [(e["to"], e["message"]) for e in sent] == [(SEE, "Your record")]


def test_folders_made_a_batch_per_depth_and_fills_batched(conn: Connection) -> None:
    drive = DriveAdapter(conn)
    existing = drive.ensure_folder(SUP, ["Supervision Records", "Noah Reid"])
    drive = DriveAdapter(conn)  # a new run: nothing cached
    conn.workspace.reset_counters()
    assert drive.list_records(SUP, folders=True) == []  # the folders come in the same listing
    paths = [("Supervision Records", n) for n in ("Noah Reid", "Isla Vaughan", "Leon Clarke")]
    made = drive.ensure_folders(SUP, paths)
    counters = conn.workspace.counters()
    assert counters["http"] == 2  # the listing, then one batch for the two new folders
    assert counters["methods"] == {"drive.files.list": 1, "drive.files.create": 2}
    assert made[paths[0]] == existing and len({made[p] for p in paths}) == 3
    again = DriveAdapter(conn).ensure_folders(SUP, paths + [("Supervision Records",)])
    assert {p: again[p] for p in paths} == {p: made[p] for p in paths}
    template = drive.upload_doc(
        SUP, "T", b"<html><body><p>Hello {{supervisee_name}}</p></body></html>", props={}
    )
    creates = [
        (f"s{i}", drive.create_doc_request(SUP, name=f"R{i}", folder_id=made[p],
                                           props={"session": f"s{i}"}))
        for i, p in enumerate(paths)
    ]  # fmt: skip
    records = drive.create_many(SUP, creates)
    docs = DocsAdapter(conn, batch_size=2)
    content = docs.read_template(SUP, template.file_id)
    conn.workspace.reset_counters()
    writes = [(k, r.file_id, content, {"supervisee_name": k.upper()}) for k, r in records.items()]
    assert set(docs.write_many(SUP, writes)) == {"s0", "s1", "s2"}
    assert conn.workspace.counters()["http"] == 2  # three writes, two a batch
    assert drive.export_text(SUP, records["s2"].file_id).strip() == "Hello S2"
    states = docs.states(SUP, [r.file_id for r in records.values()])
    assert set(states.values()) == {"written"}
