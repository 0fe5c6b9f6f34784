"""Logs, command output and the tracking Sheet hold metadata, never record content (DESIGN:
Records and privacy). A supervisor writes a distinctive phrase into a record; sync, report and
records then run with logging at DEBUG; the phrase appears nowhere but in the Doc itself."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from security_flow import THROUGH, gws, inputs, stored

from gworkspace_supervision.google.connect import connect
from gworkspace_supervision.google.drive import DriveAdapter
from gworkspace_supervision.services.demo import edit_record

SECRET = "Zanzibar-Quokka-7741 disclosed a safeguarding worry about case 88"


def test_record_content_never_reaches_logs_output_or_the_sheet(
    flowed: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "ws"
    shutil.copytree(flowed, folder)
    with connect(f"local:{folder}") as conn:
        conn.workspace.clock.set("2027-03-02T10:00:00Z")
        records = [
            r
            for kind, _id, r in stored(folder)
            if kind == "file" and r.get("appProperties", {}).get("session")
        ]
        for record in records[:3]:
            owner = record["owners"][0]["emailAddress"]
            replaced = edit_record(
                conn,
                owner,
                record["id"],
                "Record status: DRAFT",
                f"{SECRET}\nRecord status: COMPLETE",
            )
            assert replaced == 1
            assert SECRET in DriveAdapter(conn).export_text(owner, record["id"])
    caplog.set_level(logging.DEBUG)
    outputs = []
    for args in (
        ["sync", *inputs()],
        ["report", "--year", "2027", "--format", "json"],
        ["report", "--year", "2027", "--format", "csv"],
        ["records", *inputs(), "--through", THROUGH],
    ):
        result = gws(folder, *args)
        assert result.exit_code == 0, (args, result.output)
        outputs.append(result.output)
    assert any("COMPLETE" in out for out in outputs[1:3])  # the sync did read the completed Docs
    assert caplog.records, "DEBUG logging captured nothing"
    assert SECRET not in caplog.text
    assert not any(SECRET in out for out in outputs)
    # The Sheet: every tab, every cell, as the operator reads it through the Sheets API
    with connect(f"local:{folder}") as conn:
        operator = "business.support@example-council.gov.uk"
        sheets = [
            r for kind, _i, r in stored(folder) if kind == "file" and "spreadsheet" in r["mimeType"]
        ]
        assert len(sheets) == 1
        book = conn.gspread(operator).open_by_key(sheets[0]["id"])
        cells = [c for ws in book.worksheets() for row in ws.get_all_values() for c in row]
        assert len(cells) > 1000
        assert not any(SECRET in c or "Zanzibar" in c for c in cells)
    # ...and in the raw store: only the three Docs hold it (not events, sheets, metadata)
    holders = [(kind, id_) for kind, id_, data in stored(folder) if "Zanzibar" in json.dumps(data)]
    assert {kind for kind, _ in holders} == {"document"}
    assert len(holders) == 3
