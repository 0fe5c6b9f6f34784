"""Batch requests exactly as googleapiclient's new_batch_http_request() sends them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from gworkspace_supervision.emulator import LocalWorkspace
from gworkspace_supervision.emulator.core.api import Call

ALICE = "alice@example-council.gov.uk"


def _event(i: int) -> dict[str, Any]:
    return {
        "summary": f"Supervision {i}",
        "start": {"dateTime": "2027-03-10T10:00:00Z"},
        "end": {"dateTime": "2027-03-10T11:00:00Z"},
        "extendedProperties": {"private": {"app": "gws", "n": str(i)}},
    }


def test_a_thousand_calendar_calls_in_one_round_trip(
    workspace: LocalWorkspace, calendar_for: Any
) -> None:
    cal = calendar_for(ALICE)
    events = cal.events()
    results: dict[str, Any] = {}
    batch = cal.new_batch_http_request(
        callback=lambda rid, resp, exc: results.__setitem__(rid, exc or resp)
    )
    for i in range(1000):
        batch.add(events.insert(calendarId="primary", body=_event(i)), request_id=f"r{i}")
    batch.execute()
    assert len(results) == 1000
    assert results["r7"]["summary"] == "Supervision 7"
    assert results["r999"]["extendedProperties"]["private"]["n"] == "999"
    counts = workspace.counters()
    assert counts["http"] == 1
    assert counts["methods"]["calendar.events.insert"] == 1000
    listed = events.list(calendarId="primary", maxResults=2500).execute()
    assert len(listed["items"]) == 1000


def test_each_part_is_validated_and_answered_on_its_own(calendar_for: Any) -> None:
    cal = calendar_for(ALICE)
    answers: dict[str, Any] = {}
    batch = cal.new_batch_http_request()
    for rid, body in (("good", _event(1)), ("bad", {"sumary": "typo"})):
        batch.add(
            cal.events().insert(calendarId="primary", body=body),
            callback=lambda r, resp, exc: answers.__setitem__(r, (resp, exc)),
            request_id=rid,
        )
    batch.execute()
    assert answers["good"][0]["summary"] == "Supervision 1" and answers["good"][1] is None
    exc = answers["bad"][1]
    assert isinstance(exc, HttpError) and exc.status_code == 400
    assert 'Unknown name "sumary"' in json.loads(exc.content)["error"]["message"]


def test_drive_batch_of_100_served_and_101_refused(
    workspace: LocalWorkspace, drive_for: Any, stub_handler: Any
) -> None:
    stub_handler("drive.files.get", lambda call: {"id": call.params["fileId"], "name": "n"})
    drive = drive_for(ALICE)
    files = drive.files()
    got: list[str] = []
    batch = drive.new_batch_http_request(callback=lambda rid, resp, exc: got.append(resp["id"]))
    for i in range(100):
        batch.add(files.get(fileId=f"f{i}", fields="id"))
    batch.execute()
    assert got == [f"f{i}" for i in range(100)]
    too_many = drive.new_batch_http_request()
    for i in range(101):
        too_many.add(files.get(fileId=f"f{i}"))
    with pytest.raises(HttpError) as caught:
        too_many.execute()
    assert caught.value.status_code == 400
    counts = workspace.counters()
    assert counts["http"] == 2 and counts["methods"]["drive.files.get"] == 100


def test_a_part_for_another_api_is_refused(
    workspace: LocalWorkspace, calendar_for: Any, drive_for: Any, stub_handler: Any
) -> None:
    stub_handler("drive.files.get", lambda call: {"id": "f"})
    answers: list[Any] = []
    batch = calendar_for(ALICE).new_batch_http_request(
        callback=lambda rid, resp, exc: answers.append(exc)
    )
    batch.add(drive_for(ALICE).files().get(fileId="f"))
    batch.execute()
    assert isinstance(answers[0], HttpError) and answers[0].status_code == 400


def test_parts_act_as_the_batch_user(calendar_for: Any, stub_handler: Any) -> None:
    users: list[str] = []

    def colors(call: Call) -> dict[str, Any]:
        users.append(call.user)
        return {"kind": "calendar#colors"}

    stub_handler("calendar.colors.get", colors)
    cal = calendar_for("Bob@Example-Council.gov.uk")
    batch = cal.new_batch_http_request()
    batch.add(cal.colors().get())
    batch.add(cal.colors().get())
    batch.execute()
    assert users == ["bob@example-council.gov.uk"] * 2
