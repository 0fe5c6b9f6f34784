"""run_batch against the local Workspace: one round trip per chunk, only failed parts retried."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gworkspace_supervision.emulator import LocalWorkspace
from gworkspace_supervision.errors import APIError
from gworkspace_supervision.google.batch import BatchError, run_batch
from gworkspace_supervision.google.retry import Meter, RetryPolicy

SAM = "sam@example-council.gov.uk"


def event(n: int, **extra: Any) -> dict[str, Any]:
    body = {
        "id": f"abc{n:05d}",
        "summary": f"Supervision {n}",
        "start": {"dateTime": "2027-01-04T10:00:00", "timeZone": "Europe/London"},
        "end": {"dateTime": "2027-01-04T11:30:00", "timeZone": "Europe/London"},
    }
    body.update(extra)
    return body


def inserts(cal: Any, numbers: range) -> list[tuple[int, Any]]:
    return [(n, cal.events().insert(calendarId="primary", body=event(n))) for n in numbers]


def quiet(sleeps: list[float] | None = None) -> RetryPolicy:
    return RetryPolicy(sleep=(sleeps if sleeps is not None else []).append, random=lambda: 0.5)


def count_events(cal: Any) -> int:
    items, token = [], None
    while True:
        page = cal.events().list(calendarId="primary", maxResults=250, pageToken=token).execute()
        items += page.get("items", [])
        token = page.get("nextPageToken")
        if not token:
            return (
                len({i["id"] for i in items}) if len(items) == len({i["id"] for i in items}) else -1
            )


def test_chunks_are_one_round_trip_each(
    workspace: LocalWorkspace, calendar_for: Callable[[str], Any]
) -> None:
    cal, meter, ticks = calendar_for(SAM), Meter(), []
    done = run_batch(
        cal, inserts(cal, range(120)), size=50, what="insert", meter=meter, progress=ticks.append
    )
    assert sorted(done) == list(range(120))
    assert done[7]["id"] == "abc00007"
    counters = workspace.counters()
    assert counters["http"] == meter.round_trips == 3
    assert counters["methods"]["calendar.events.insert"] == meter.api_calls == 120
    assert len(ticks) == 120
    assert count_events(cal) == 120


def test_transient_part_failures_are_retried_alone(
    workspace: LocalWorkspace, calendar_for: Callable[[str], Any]
) -> None:
    workspace.faults.set(error_rate=0.2, error_codes=[429, 500, 503], seed=3)
    cal, meter, sleeps = calendar_for(SAM), Meter(), []
    done = run_batch(
        cal, inserts(cal, range(100)), size=50, what="insert", policy=quiet(sleeps), meter=meter
    )
    assert len(done) == 100
    counters = workspace.counters()
    failed = sum(counters["errors"].values())
    assert failed > 0 and sleeps
    # every part ran once successfully plus once per failure: nothing re-sent that had succeeded
    assert counters["methods"]["calendar.events.insert"] == 100 + failed
    workspace.faults.clear()
    assert count_events(cal) == 100


def test_tolerated_status_comes_back_as_an_error_value(
    workspace: LocalWorkspace, calendar_for: Callable[[str], Any]
) -> None:
    cal = calendar_for(SAM)
    run_batch(cal, inserts(cal, range(3)), what="insert", policy=quiet())
    again = run_batch(cal, inserts(cal, range(5)), what="insert", policy=quiet(), tolerate=[409])
    assert [again[n].status for n in range(3)] == [409, 409, 409]
    assert all(isinstance(again[n], APIError) for n in range(3))
    assert again[4]["id"] == "abc00004"


def test_permanent_failures_are_collected_and_named(
    workspace: LocalWorkspace, calendar_for: Callable[[str], Any]
) -> None:
    cal = calendar_for(SAM)
    requests = inserts(cal, range(4))
    requests.append((99, cal.events().insert(calendarId="primary", body=event(99, id="bad_id!"))))
    with pytest.raises(BatchError) as caught:
        run_batch(cal, requests, what="calendar.events.insert", policy=quiet())
    err = caught.value
    assert list(err.failures) == [99] and err.failures[99].status == 400
    assert sorted(err.responses) == [0, 1, 2, 3]
    assert "1 of 5 calls failed" in str(err) and "99: 400" in str(err)


def test_daily_quota_stops_the_run_and_says_what_is_left(
    workspace: LocalWorkspace, calendar_for: Callable[[str], Any]
) -> None:
    cal, sleeps = calendar_for(SAM), []
    run_batch(cal, inserts(cal, range(30)), what="insert", policy=quiet(sleeps))
    workspace.faults.set(quota_exceeded_after=0)  # the day's allowance is used up from here on
    with pytest.raises(BatchError) as caught:
        run_batch(cal, inserts(cal, range(30, 110)), size=50, what="insert", policy=quiet(sleeps))
    err = caught.value
    assert err.quota is not None and err.reason == "quotaExceeded"
    assert err.responses == {} and err.pending == list(range(30, 110))
    assert "0 done, 80 left" in str(err) and "Run the same command again later" in str(err)
    assert sleeps == [] and workspace.counters()["http"] == 2  # one refused batch, no hammering


def test_a_refused_whole_batch_is_sent_again(
    workspace: LocalWorkspace, calendar_for: Callable[[str], Any]
) -> None:
    workspace.faults.set(error_rate=0.5, error_codes=[503], seed=11)
    cal = calendar_for(SAM)
    done = run_batch(cal, inserts(cal, range(10)), size=2, what="insert", policy=quiet())
    assert len(done) == 10
