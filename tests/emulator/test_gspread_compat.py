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
