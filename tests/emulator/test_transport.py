"""The injected transports: httplib2-compatible for googleapiclient, a requests adapter for gspread."""

from __future__ import annotations

import io
import json
from typing import Any

import httplib2
import pytest
import requests
from googleapiclient.http import MediaIoBaseUpload

from gworkspace_supervision.emulator import LocalWorkspace
from gworkspace_supervision.emulator.core.api import Call, Raw
from gworkspace_supervision.emulator.core.transport import EmulatorAdapter

BOB = "bob@example-council.gov.uk"
SHEET = {
    "spreadsheetId": "s1",
    "properties": {"title": "Tracking"},
    "sheets": [
        {
            "properties": {
                "sheetId": 0,
                "title": "Sessions",
                "index": 0,
                "gridProperties": {"rowCount": 10, "columnCount": 3},
            }
        }
    ],
}


def test_emulator_http_answers_like_httplib2(workspace: LocalWorkspace, stub_handler: Any) -> None:
    stub_handler("calendar.colors.get", lambda call: {"kind": "calendar#colors"})
    http = workspace.http(BOB)
    resp, content = http.request("https://www.googleapis.com/calendar/v3/colors")
    assert isinstance(resp, httplib2.Response)
    assert resp.status == 200 and resp["content-type"] == "application/json; charset=UTF-8"
    assert int(resp["content-length"]) == len(content)
    assert json.loads(content) == {"kind": "calendar#colors"}


def test_bodies_as_str_bytes_and_streams_arrive_unchanged(
    workspace: LocalWorkspace, stub_handler: Any
) -> None:
    bodies: list[Any] = []
    stub_handler("calendar.calendars.insert", lambda call: bodies.append(call.body) or call.body)
    url = "https://www.googleapis.com/calendar/v3/calendars"
    http = workspace.http(BOB)
    for body in ('{"summary": "a"}', b'{"summary": "b"}', io.BytesIO(b'{"summary": "c"}')):
        resp, _ = http.request(url, "POST", body=body, headers={"content-type": "application/json"})
        assert resp.status == 200
    assert [b["summary"] for b in bodies] == ["a", "b", "c"]


def test_none_result_is_204_and_raw_keeps_its_type(
    workspace: LocalWorkspace, stub_handler: Any, drive_for: Any
) -> None:
    stub_handler("drive.files.delete", lambda call: None)
    stub_handler("drive.files.export", lambda call: Raw(b"plain text", "text/plain"))
    drive = drive_for(BOB)
    assert drive.files().delete(fileId="f1").execute() == ""
    assert drive.files().export(fileId="f1", mimeType="text/plain").execute() == b"plain text"


def test_multipart_upload_delivers_metadata_and_exact_media(
    drive_for: Any, stub_handler: Any
) -> None:
    calls: list[Call] = []

    def create(call: Call) -> dict[str, Any]:
        calls.append(call)
        return {"id": "f1", "name": call.body["name"], "mimeType": call.body["mimeType"]}

    stub_handler("drive.files.create", create)
    media = b"<h1>Record</h1>\r\n<p>line\n</p>\n"
    upload = MediaIoBaseUpload(io.BytesIO(media), mimetype="text/html")
    meta = {"name": "Record", "mimeType": "application/vnd.google-apps.document"}
    got = drive_for(BOB).files().create(body=meta, media_body=upload, fields="id").execute()
    assert got == {"id": "f1"}
    call = calls[0]
    assert call.body == meta and call.media == media and call.media_type == "text/html"
    assert call.params["uploadType"] == "multipart"


def test_media_only_upload(drive_for: Any, stub_handler: Any) -> None:
    calls: list[Call] = []
    stub_handler("drive.files.create", lambda call: calls.append(call) or {"id": "f2"})
    upload = MediaIoBaseUpload(io.BytesIO(b"a,b\n1,2\n"), mimetype="text/csv")
    drive_for(BOB).files().create(media_body=upload).execute()
    assert calls[0].body is None
    assert (calls[0].media, calls[0].media_type) == (b"a,b\n1,2\n", "text/csv")


def test_requests_session_gives_real_responses(
    workspace: LocalWorkspace, stub_handler: Any
) -> None:
    stub_handler("sheets.spreadsheets.get", lambda call: SHEET)
    with workspace.session(BOB) as session:
        resp = session.get("https://sheets.googleapis.com/v4/spreadsheets/s1")
        assert isinstance(resp, requests.Response) and resp.ok
        assert resp.headers["Content-Type"].startswith("application/json")
        assert resp.json()["properties"]["title"] == "Tracking"
        assert resp.url == "https://sheets.googleapis.com/v4/spreadsheets/s1"
        assert resp.request.method == "GET"
        assert b"".join(resp.iter_content(4)) == resp.content
        bad = session.get("https://sheets.googleapis.com/v4/spreadsheets/s1?bogus=1")
        assert bad.status_code == 400 and bad.json()["error"]["code"] == 400


def test_adapter_without_user_is_401(workspace: LocalWorkspace) -> None:
    with requests.Session() as session:
        session.mount("https://", EmulatorAdapter(workspace))
        resp = session.get("https://sheets.googleapis.com/v4/spreadsheets/s1")
        assert resp.status_code == 401


def test_gspread_reads_through_the_session(gspread_for: Any, stub_handler: Any) -> None:
    ranges: list[str] = []

    def values(call: Call) -> dict[str, Any]:
        ranges.append(call.params["range"])
        return {"range": call.params["range"], "majorDimension": "ROWS", "values": [["a", "b"]]}

    stub_handler("sheets.spreadsheets.get", lambda call: SHEET)
    stub_handler("sheets.spreadsheets.values.get", values)
    worksheet = gspread_for(BOB).open_by_key("s1").worksheet("Sessions")
    assert worksheet.get_all_values() == [["a", "b"]]
    assert worksheet.get("A1:B2") == [["a", "b"]]
    assert ranges == ["'Sessions'", "'Sessions'!A1:B2"]


def test_handler_bug_surfaces_in_process(calendar_for: Any, stub_handler: Any) -> None:
    def broken(call: Call) -> dict[str, Any]:
        raise ZeroDivisionError("bug")

    stub_handler("calendar.colors.get", broken)
    with pytest.raises(ZeroDivisionError):
        calendar_for(BOB).colors().get().execute()


def test_resumable_upload_in_chunks(
    workspace: LocalWorkspace, drive_for: Any, stub_handler: Any
) -> None:
    calls: list[Call] = []

    def create(call: Call) -> dict[str, Any]:
        calls.append(call)
        return {"id": "f3", "name": call.body["name"]}

    stub_handler("drive.files.create", create)
    media = bytes(range(256)) * 2400  # 600 KiB: three 256 KiB chunks
    upload = MediaIoBaseUpload(
        io.BytesIO(media), mimetype="application/pdf", chunksize=256 * 1024, resumable=True
    )
    got = drive_for(BOB).files().create(body={"name": "scan.pdf"}, media_body=upload).execute()
    assert got == {"id": "f3", "name": "scan.pdf"}
    assert len(calls) == 1
    assert calls[0].media == media and calls[0].media_type == "application/pdf"
    counts = workspace.counters()
    assert counts["methods"] == {"drive.files.create": 1} and counts["http"] == 4
