"""gspread's everyday sharing calls send Drive v2-era names that Google accepts; so must we."""

from __future__ import annotations

import pytest

OWNER = "owner@example-council.gov.uk"
READER = "reader@example-council.gov.uk"


def test_share_and_last_update_time_work_unchanged(gspread_for, drive_for) -> None:
    sheet = gspread_for(OWNER).create("Tracker")
    sheet.share(READER, perm_type="user", role="reader", notify=False)

    perms = drive_for(OWNER).permissions().list(fileId=sheet.id, fields="*").execute()
    assert {(p.get("emailAddress"), p["role"]) for p in perms["permissions"]} == {
        (OWNER, "owner"),
        (READER, "reader"),
    }
    assert sheet.get_lastUpdateTime().endswith("Z")
    # The reader can open it, and nobody else can (Sheets: 403, gspread's PermissionError).
    assert gspread_for(READER).open_by_key(sheet.id).title == "Tracker"
    with pytest.raises(PermissionError):
        gspread_for("stranger@example-council.gov.uk").open_by_key(sheet.id)


def test_other_unknown_query_names_are_still_refused(drive_for) -> None:
    from googleapiclient.errors import HttpError

    drive = drive_for(OWNER)
    created = drive.files().create(body={"name": "x"}).execute()
    request = drive.files().get(fileId=created["id"])
    request.uri += "&includeEverything=true"
    with pytest.raises(HttpError) as err:
        request.execute()
    assert err.value.resp.status == 400


def test_the_gspread_suite_harness_serves_the_suite_from_a_local_workspace(tmp_path) -> None:
    """scripts/gspread_suite.py, run on a stand-in for gspread's tests/ folder (same conftest
    names, a fixture marked vcr as gspread's are): the suite's `client` is answered by a local
    Workspace, nothing reaches the network, and the counts come back."""
    import importlib.util
    import json
    from pathlib import Path

    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "__init__.py").write_text("")
    (tests / "conftest.py").write_text(
        "import pytest\n"
        "from gspread.client import Client\n"
        "from gspread.http_client import BackOffHTTPClient\n\n\n"
        "@pytest.fixture(scope='module')\n"
        "def client():\n"
        "    raise RuntimeError('would reach Google')\n"
    )
    (tests / "worksheet_test.py").write_text(
        "import unittest\n\nimport pytest\n\n\n"
        "class WorksheetTest(unittest.TestCase):\n"
        "    @pytest.fixture(autouse=True)\n"
        "    @pytest.mark.vcr()\n"
        "    def init(self, client):\n"
        "        WorksheetTest.gc = client\n\n"
        "    @pytest.mark.vcr()\n"
        "    def test_create_and_write(self):\n"
        "        sheet = self.gc.create('Harness').sheet1\n"
        "        sheet.update([['a']], 'A1')\n"
        "        self.assertEqual(sheet.acell('A1').value, 'a')\n\n"
        "    def test_fails(self):\n"
        "        self.assertEqual(self.gc.create('x').title, 'y')\n"
    )
    script = Path(__file__).resolve().parents[2] / "scripts" / "gspread_suite.py"
    spec = importlib.util.spec_from_file_location("gspread_suite", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    report = tmp_path / "report.json"
    assert module.main([str(tests), "--json", str(report)]) == 0
    counts = json.loads(report.read_text())
    assert (counts["passed"], counts["failed"], counts["total"]) == (1, 1, 2)
    assert list(counts["failures"]) == ["WorksheetTest.test_fails"]
    assert module.main([str(tmp_path / "nowhere")]) == 2
