"""The one way the adapters execute a Google request: backoff with full jitter, errors made ours.

Google asks clients to retry 429, 5xx and 403 rate-limit answers with exponential backoff
(https://developers.google.com/calendar/api/guides/quota). A 403 `quotaExceeded` (the daily
"Calendar usage limits exceeded") is not retried: hammering does not help, and every command
resumes where it stopped when run again later.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from googleapiclient.errors import HttpError

from ..errors import APIError

# Reasons that mean "this user's (or project's) allowance is used up": stop, do not retry.
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded", "dailyLimitExceededUnreg"})


class QuotaExceededError(APIError):
    """Google's daily usage limit for a user is reached: stop writing for them, resume later."""

    def __init__(self, status: int, reason: str, message: str, method: str = "") -> None:
        super().__init__(status, reason, message, method)
        self.args = (
            f"Google's usage limit is reached ({status} {reason}{' during ' + method if method else ''}: "
            f"{message}). Run the same command again later (usually after midnight Pacific "
            "time); what was done is kept and nothing is duplicated.",
        )


@dataclass
class RetryPolicy:
    """How hard to try. `sleep`, `random` and `clock` are injectable so tests run instantly."""

    max_attempts: int = 8
    base_delay: float = 0.5  # seconds; attempt n waits uniform(0, min(max_delay, base * 2**n))
    max_delay: float = 32.0
    max_elapsed: float = 600.0  # give up once this much time has gone on one request
    sleep: Callable[[float], None] = time.sleep
    random: Callable[[], float] = random.random
    clock: Callable[[], float] = time.monotonic

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Full jitter (AWS architecture blog); a server's Retry-After is a floor, not a hint."""
        jitter = self.random() * min(self.max_delay, self.base_delay * (2**attempt))
        return max(jitter, retry_after or 0.0)


@dataclass
class Meter:
    """Counts what the toolkit sent: HTTP round trips and API calls (a batch is one round trip)."""

    round_trips: int = 0
    calls: Counter[str] = field(default_factory=Counter)
    retries: int = 0

    @property
    def api_calls(self) -> int:
        return sum(self.calls.values())

    def record(self, what: str, calls: int = 1) -> None:
        self.round_trips += 1
        self.calls[what] += calls


def to_api_error(exc: HttpError, what: str) -> APIError:
    """Google's error JSON -> APIError (QuotaExceededError for a used-up daily limit)."""
    err = APIError.from_response(exc.resp.status, exc.content, method=what)
    if err.status in (403, 429) and err.reason in QUOTA_REASONS:
        return QuotaExceededError(err.status, err.reason, err.message, what)
    return err


def retry_after(headers: Mapping[str, Any] | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    value = (headers or {}).get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            when = parsedate_to_datetime(str(value))
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - datetime.now(UTC)).total_seconds())


# Reads a failed call's exception as Google's error and its Retry-After floor; None: not a
# Google or connection error, raised as it is.
ErrorReader = Callable[[BaseException, str], "tuple[APIError, float | None] | None"]
T = TypeVar("T")


def with_retry(
    call: Callable[[], T],
    read_error: ErrorReader,
    *,
    what: str,
    policy: RetryPolicy | None = None,
    meter: Meter | None = None,
) -> T:
    """The one retry loop: run `call`, retrying transient failures (and lost connections) with
    the policy's backoff; raise APIError for the rest. Both client libraries go through it:
    google-api-python-client (`execute`) and gspread (`sheet_client.SheetCalls`)."""
    policy = policy or RetryPolicy()
    started = policy.clock()
    attempt = 0
    while True:
        if meter is not None:
            meter.record(what)
        try:
            return call()
        except Exception as exc:
            read = read_error(exc, what)
            if read is None:
                raise
            err, wait_floor = read
        if not (err.transient or err.status == 0):
            raise err
        attempt += 1
        pause = policy.delay(attempt - 1, wait_floor)
        if attempt >= policy.max_attempts or policy.clock() - started + pause > policy.max_elapsed:
            raise give_up(err, attempt)
        if meter is not None:
            meter.retries += 1
        policy.sleep(pause)


def execute(
    request: Any,
    *,
    what: str,
    policy: RetryPolicy | None = None,
    meter: Meter | None = None,
) -> Any:
    """Run `request.execute()`, retrying transient failures; raise APIError for the rest."""
    return with_retry(
        lambda: request.execute(num_retries=0), _client_error, what=what, policy=policy,
        meter=meter,
    )  # fmt: skip


def _client_error(exc: BaseException, what: str) -> tuple[APIError, float | None] | None:
    """google-api-python-client's HttpError (or a lost connection) as Google's error."""
    if isinstance(exc, HttpError):
        return to_api_error(exc, what), retry_after(exc.resp)
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return APIError(0, "connectionError", str(exc) or type(exc).__name__, what), None
    return None


def give_up(err: APIError, attempts: int) -> APIError:
    """The last transient error, saying how often it was tried."""
    return APIError(
        err.status,
        err.reason,
        f"{err.message} (still failing after {attempts} attempts; run again later to finish)",
        err.method,
    )
