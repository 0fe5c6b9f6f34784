"""retry.execute against the local Workspace with injected faults, through the real client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gworkspace_supervision.emulator import LocalWorkspace
from gworkspace_supervision.errors import APIError
from gworkspace_supervision.google.retry import (
    Meter,
    QuotaExceededError,
    RetryPolicy,
    execute,
    retry_after,
)

SAM = "sam@example-council.gov.uk"


def event(n: int) -> dict[str, Any]:
    return {
        "id": f"abc{n:04d}",
        "summary": f"Supervision {n}",
        "start": {"dateTime": "2027-01-04T10:00:00", "timeZone": "Europe/London"},
        "end": {"dateTime": "2027-01-04T11:30:00", "timeZone": "Europe/London"},
    }


def policy(sleeps: list[float], attempts: int = 8) -> RetryPolicy:
    return RetryPolicy(max_attempts=attempts, sleep=sleeps.append, random=lambda: 1.0)


def test_transient_faults_are_retried_until_every_call_succeeds(
    workspace: LocalWorkspace, calendar_for: Callable[[str], Any]
) -> None:
    workspace.faults.set(error_rate=0.4, error_codes=[429, 500, 503], seed=7)
    cal, sleeps, meter = calendar_for(SAM), [], Meter()
    for n in range(20):
        made = execute(
            cal.events().insert(calendarId="primary", body=event(n)),
            what="insert",
            policy=policy(sleeps),
            meter=meter,
        )
        assert made["id"] == f"abc{n:04d}"
    counters = workspace.counters()
    assert counters["methods"]["calendar.events.insert"] == meter.round_trips
    assert meter.retries == len(sleeps) > 0
    assert sum(counters["errors"].values()) == meter.retries
    workspace.faults.clear()
    listed = cal.events().list(calendarId="primary").execute()
    assert len(listed["items"]) == 20  # no duplicates, no gaps


def test_backoff_doubles_up_to_the_cap_and_then_gives_up(
    workspace: LocalWorkspace, calendar_for: Callable[[str], Any]
) -> None:
    workspace.faults.set(error_rate=1.0, error_codes=[503], seed=1)
    sleeps: list[float] = []
    rp = RetryPolicy(
        max_attempts=6, base_delay=1.0, max_delay=4.0, sleep=sleeps.append, random=lambda: 1.0
    )
    with pytest.raises(APIError, match="still failing after 6 attempts") as caught:
        execute(calendar_for(SAM).calendarList().list(), what="calendarList.list", policy=rp)
    assert caught.value.status == 503 and caught.value.transient
    assert sleeps == [1.0, 2.0, 4.0, 4.0, 4.0]
    assert workspace.counters()["http"] == 6


def test_full_jitter_stays_under_the_exponential_ceiling() -> None:
    draws = iter([0.0, 0.5, 0.25])
    rp = RetryPolicy(base_delay=2.0, max_delay=100.0, random=lambda: next(draws))
    assert [rp.delay(0), rp.delay(1), rp.delay(2)] == [0.0, 2.0, 2.0]


def test_retry_after_is_a_floor() -> None:
    rp = RetryPolicy(base_delay=0.5, random=lambda: 1.0)
    assert rp.delay(0, retry_after({"retry-after": "7"})) == 7.0
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert retry_after({}) is None and retry_after({"retry-after": "soon"}) is None


def test_daily_quota_stops_at_once_with_a_clear_message(
    workspace: LocalWorkspace, calendar_for: Callable[[str], Any]
) -> None:
    workspace.faults.set(quota_exceeded_after=0)
    sleeps: list[float] = []
    with pytest.raises(QuotaExceededError, match="Run the same command again later") as caught:
        execute(
            calendar_for(SAM).events().insert(calendarId="primary", body=event(1)),
            what="calendar.events.insert",
            policy=policy(sleeps),
        )
    assert (caught.value.status, caught.value.reason) == (403, "quotaExceeded")
    assert sleeps == [] and workspace.counters()["http"] == 1


def test_rate_limit_403_is_retried(
    workspace: LocalWorkspace, calendar_for: Callable[[str], Any]
) -> None:
    workspace.faults.set(quota_per_minute=2)
    cal, sleeps = calendar_for(SAM), []
    rp = RetryPolicy(max_attempts=3, sleep=sleeps.append, random=lambda: 1.0)
    for n in range(2):
        execute(cal.events().insert(calendarId="primary", body=event(n)), what="i", policy=rp)
    with pytest.raises(APIError) as caught:
        execute(cal.events().insert(calendarId="primary", body=event(3)), what="i", policy=rp)
    assert (caught.value.status, caught.value.reason) == (403, "rateLimitExceeded")
    assert len(sleeps) == 2  # retried, then gave up: the window is a real minute


def test_permanent_errors_are_not_retried(
    workspace: LocalWorkspace, calendar_for: Callable[[str], Any]
) -> None:
    sleeps: list[float] = []
    with pytest.raises(APIError) as caught:
        execute(
            calendar_for(SAM).events().get(calendarId="primary", eventId="missing"),
            what="calendar.events.get",
            policy=policy(sleeps),
        )
    assert caught.value.status == 404 and not caught.value.transient
    assert "calendar.events.get" in str(caught.value)
    assert sleeps == []
