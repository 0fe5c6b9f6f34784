"""Records are shared with exactly supervisee + line manager: never `anyone`, never a domain,
never outside the allowed domains, and another supervisee gets 404 (Hillingdon 4.4, 4.5)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest
from googleapiclient.errors import HttpError
from security_flow import DOMAIN, EXAMPLE, THROUGH, gws, inputs, stored

from gworkspace_supervision.domain.policy import load_policy
from gworkspace_supervision.domain.roster import load_roster
from gworkspace_supervision.google.connect import connect
from gworkspace_supervision.google.drive import DriveAdapter

DOC = "application/vnd.google-apps.document"
FULL = [
    "https://www.googleapis.com/auth/drive",
    "https://www.googleapis.com/auth/documents",
]


def records(folder: Path) -> list[dict[str, Any]]:
    return [
        data
        for kind, _id, data in stored(folder)
        if kind == "file" and data.get("appProperties", {}).get("session")
    ]


def roster_by_supervisee() -> dict[str, Any]:
    entries = load_roster(EXAMPLE, load_policy("hillingdon"), (DOMAIN,))
    return {e.supervisee_email: e for e in entries}


def test_no_file_is_shared_with_anyone_a_domain_or_outside(flowed: Path) -> None:
    files = [data for kind, _id, data in stored(flowed) if kind == "file"]
    assert len(files) > 100  # records, folders, templates, the tracker
    for data in files:
        for perm in data.get("permissions", []):
            assert perm["type"] == "user", (data["name"], perm)
            assert perm["emailAddress"].endswith("@" + DOMAIN), (data["name"], perm)
            assert not perm.get("allowFileDiscovery"), (data["name"], perm)


def test_every_record_acl_is_exactly_supervisor_supervisee_line_manager(flowed: Path) -> None:
    people = roster_by_supervisee()
    found = records(flowed)
    assert len(found) > 50 and {r["mimeType"] for r in found} == {DOC}
    for record in found:
        acl = {p["emailAddress"]: p["role"] for p in record["permissions"]}
        owner = record["owners"][0]["emailAddress"]
        entry = next(
            e for e in people.values() if e.supervisee_email in acl and e.supervisor_email == owner
        )
        expected = {entry.line_manager_email: "commenter", entry.supervisee_email: "writer"}
        expected[entry.supervisor_email] = "owner"  # a supervisor who is also the line manager
        assert acl == expected, record["name"]


def test_another_supervisee_and_another_line_manager_get_404(flowed: Path) -> None:
    people = roster_by_supervisee()
    record = records(flowed)[0]
    acl = {p["emailAddress"] for p in record["permissions"]}
    strangers = [e for e in people if e not in acl][:3]
    strangers += [e.line_manager_email for e in people.values() if e.line_manager_email not in acl][
        :1
    ]
    # full Drive and Docs scopes, so a 404 here is the ACL's (under the toolkit's own drive.file
    # scope every file the app did not create as the caller is 404 anyway: see below)
    with connect(f"local:{flowed}", scopes=FULL) as conn:
        for user in strangers:
            for request in (
                conn.drive(user).files().get(fileId=record["id"]),
                conn.docs(user).documents().get(documentId=record["id"]),
                conn.drive(user).files().export(fileId=record["id"], mimeType="text/plain"),
                conn.drive(user).permissions().list(fileId=record["id"]),
            ):
                with pytest.raises(HttpError) as err:
                    request.execute()
                assert err.value.resp.status == 404, user
        insider = next(a for a in acl if a != record["owners"][0]["emailAddress"])
        assert conn.docs(insider).documents().get(documentId=record["id"]).execute()["title"]
    with connect(f"local:{flowed}") as conn, pytest.raises(HttpError) as err:
        conn.docs(insider).documents().get(documentId=record["id"]).execute()
    assert err.value.resp.status == 404  # drive.file: the app never created it as the insider


def test_a_link_share_added_by_hand_is_removed_by_the_next_run(
    flowed: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "ws"
    shutil.copytree(flowed, folder)
    record = records(folder)[0]
    owner = record["owners"][0]["emailAddress"]
    with connect(f"local:{folder}") as conn:
        for body in (
            {"type": "anyone", "role": "reader"},
            {"type": "domain", "role": "reader", "domain": DOMAIN},
        ):
            conn.drive(owner).permissions().create(fileId=record["id"], body=body).execute()
        assert len(DriveAdapter(conn).list_permissions(owner, record["id"])) == 5
    result = gws(folder, "records", *inputs(), "--through", THROUGH)
    assert result.exit_code == 0, result.output
    after = next(r for r in records(folder) if r["id"] == record["id"])
    assert {p["type"] for p in after["permissions"]} == {"user"}
    assert len(after["permissions"]) == 3


def _outsider_roster(tmp_path: Path, column: str) -> Path:
    with EXAMPLE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[10][column] = "someone@gmail.com"
    path = tmp_path / "outsider.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("column", ["supervisee_email", "line_manager_email", "supervisor_email"])
@pytest.mark.parametrize("command", ["book", "records", "sync"])
def test_an_address_outside_the_allowed_domains_is_refused_before_any_write(
    flowed: Path, tmp_path: Path, column: str, command: str
) -> None:
    folder = tmp_path / "ws"
    shutil.copytree(flowed, folder)
    with connect(f"local:{folder}") as conn:
        conn.workspace.reset_counters()
    extra = {"book": [], "records": ["--through", THROUGH], "sync": []}[command]
    result = gws(folder, command, *inputs(_outsider_roster(tmp_path, column)), *extra)
    assert result.exit_code == 2, result.output
    assert "line 12" in result.stderr and "someone@gmail.com" in result.stderr
    assert "outside the allowed domains" in result.stderr
    with connect(f"local:{folder}") as conn:
        counters = conn.workspace.counters()
    assert counters["api"] == 0 and counters["http"] == 0
