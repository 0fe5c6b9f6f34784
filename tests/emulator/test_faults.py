"""Injected latency, transient errors and Google's quota answers, set per workspace."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from gworkspace_supervision.emulator import LocalWorkspace

ALICE = "alice@example-council.gov.uk"


@pytest.fixture
def colors(stub_handler: Any) -> None:
    stub_handler("calendar.colors.get", lambda call: {"kind": "calendar#colors"})


def _statuses(directory: Path, n: int) -> list[int]:
    with LocalWorkspace(directory) as ws:
        ws.faults.set(error_rate=0.3, seed=42)
        cal = build("calendar", "v3", http=ws.http(ALICE), static_discovery=True)
        out = []
        for _ in range(n):
            try:
                cal.colors().get().execute()
                out.append(200)
            except HttpError as exc:
                out.append(exc.status_code)
        return out


def test_latency_is_added_per_round_trip(
    workspace: LocalWorkspace, calendar_for: Any, colors: None
) -> None:
    workspace.faults.set(latency_ms=40)
    cal = calendar_for(ALICE)
    start = time.perf_counter()
    for _ in range(3):
        cal.colors().get().execute()
    assert time.perf_counter() - start >= 0.12
    batch = cal.new_batch_http_request()
    for _ in range(20):
        batch.add(cal.colors().get())
    start = time.perf_counter()
    batch.execute()
    assert 0.04 <= time.perf_counter() - start < 0.04 * 20


def test_seeded_transient_errors_are_reproducible(tmp_path: Path, colors: None) -> None:
    first = _statuses(tmp_path / "one", 60)
    second = _statuses(tmp_path / "two", 60)
    assert first == second
    assert set(first) == {200, 500, 503}
    assert 5 < first.count(500) + first.count(503) < 35


def test_per_user_rate_limit_answers_403_rate_limit_exceeded(
    workspace: LocalWorkspace, calendar_for: Any, colors: None
) -> None:
    workspace.faults.set(quota_per_minute=5)
    cal = calendar_for(ALICE)
    for _ in range(5):
        cal.colors().get().execute()
    with pytest.raises(HttpError) as caught:
        cal.colors().get().execute()
    err = json.loads(caught.value.content)["error"]
    assert caught.value.status_code == 403
    assert err["errors"][0] == {
        "domain": "usageLimits",
        "reason": "rateLimitExceeded",
        "message": "Rate Limit Exceeded",
    }
    calendar_for("bob@example-council.gov.uk").colors().get().execute()  # quota is per user
    workspace.faults.set(quota_status=429)
    with pytest.raises(HttpError) as caught:
        cal.colors().get().execute()
    assert caught.value.status_code == 429


def test_quota_exceeded_after_n_event_writes(workspace: LocalWorkspace, calendar_for: Any) -> None:
    workspace.faults.set(quota_exceeded_after=3)
    events = calendar_for(ALICE).events()
    body = {
        "start": {"dateTime": "2027-03-10T10:00:00Z"},
        "end": {"dateTime": "2027-03-10T11:00:00Z"},
    }
    for _ in range(3):
        events.insert(calendarId="primary", body=body).execute()
    with pytest.raises(HttpError) as caught:
        events.insert(calendarId="primary", body=body).execute()
    err = json.loads(caught.value.content)["error"]
    assert caught.value.status_code == 403
    assert err["message"] == "Calendar usage limits exceeded."
    assert err["errors"][0]["reason"] == "quotaExceeded"
    assert events.list(calendarId="primary").execute()["items"]  # reads still work
    counts = workspace.counters()
    assert counts["event_writes"] == 3 and counts["errors"] == {"403": 1}


def test_faults_persist_for_other_processes_and_clear(tmp_path: Path) -> None:
    with LocalWorkspace(tmp_path / "w") as ws:
        ws.faults.set(latency_ms=5, seed=1)
    with LocalWorkspace(tmp_path / "w") as ws:
        assert ws.faults.settings().latency_ms == 5
        ws.faults.clear()
        assert ws.faults.settings().latency_ms == 0
        with pytest.raises(TypeError):
            ws.faults.set(latency=3)
