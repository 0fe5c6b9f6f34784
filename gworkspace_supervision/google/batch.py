"""Many calls in few HTTP round trips: Google batch requests, retrying only the parts that failed.

A batch is sent as one multipart/mixed request for one acting user. Each part succeeds or fails
on its own; transient part failures (429, 5xx, 403 rate limits) are sent again, alone, after a
backoff; a used-up daily quota stops the run and says what is left; other failures are
collected and reported together, by key.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Sequence
from typing import Any, Generic, TypeVar

from googleapiclient.errors import HttpError

from ..errors import APIError
from .retry import Meter, QuotaExceededError, RetryPolicy, give_up, retry_after, to_api_error

K = TypeVar("K", bound=Hashable)

# Google: Calendar accepts up to 1000 calls a batch, Drive 100; Calendar counts every part
# against the user's per-minute quota, so smaller Calendar batches avoid rate-limit storms.
CALENDAR_BATCH = 50
DRIVE_BATCH = 100


class BatchError(APIError, Generic[K]):
    """Some parts failed for good (or the quota ran out); says which, and keeps what succeeded."""

    def __init__(
        self,
        what: str,
        failures: dict[K, APIError],
        responses: dict[K, Any],
        pending: list[K],
        quota: QuotaExceededError | None = None,
    ) -> None:
        self.failures = failures
        self.responses = responses
        self.pending = pending
        self.quota = quota
        if quota is not None:
            status, reason = quota.status, quota.reason
            message = f"{quota.args[0]} {len(responses)} done, {len(pending)} left for this user."
        else:
            first = next(iter(failures.values()))
            status, reason = first.status, first.reason
            shown = "; ".join(
                f"{k}: {e.status} {e.reason} {e.message}" for k, e in list(failures.items())[:5]
            )
            more = f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""
            message = (
                f"{len(failures)} of {len(failures) + len(responses)} calls failed: {shown}{more}"
            )
        super().__init__(status, reason, message, what)


def run_batch(
    service: Any,
    requests: Sequence[tuple[K, Any]],
    *,
    size: int = CALENDAR_BATCH,
    what: str,
    policy: RetryPolicy | None = None,
    meter: Meter | None = None,
    progress: Callable[[int], None] | None = None,
    tolerate: Collection[int] = (),
) -> dict[K, Any]:
    """Execute `(key, HttpRequest)` pairs in batches of `size`; return key -> response.

    A failure whose status is in `tolerate` (e.g. 409 for an insert with a client id that
    already exists) is returned as its APIError instead of raised, so the caller can decide.
    """
    policy = policy or RetryPolicy()
    responses: dict[K, Any] = {}
    failures: dict[K, APIError] = {}
    items = list(requests)
    for start in range(0, len(items), size):
        chunk = items[start : start + size]
        try:
            _run_chunk(service, chunk, what, policy, meter, progress, tolerate, responses, failures)
        except QuotaExceededError as quota:
            done = set(responses) | set(failures)
            pending = [key for key, _ in items if key not in done]
            raise BatchError(what, failures, responses, pending, quota) from quota
    if failures:
        raise BatchError(what, failures, responses, [])
    return responses


def _run_chunk(
    service: Any,
    chunk: list[tuple[K, Any]],
    what: str,
    policy: RetryPolicy,
    meter: Meter | None,
    progress: Callable[[int], None] | None,
    tolerate: Collection[int],
    responses: dict[K, Any],
    failures: dict[K, APIError],
) -> None:
    started = policy.clock()
    todo = chunk
    attempt = 0
    while todo:
        outcome: dict[str, tuple[Any, HttpError | None]] = {}

        batch = service.new_batch_http_request(callback=_collector(outcome))
        for index, (_key, request) in enumerate(todo):
            batch.add(request, request_id=str(index))
        if meter is not None:
            meter.record(what, calls=len(todo))
        again: list[tuple[K, Any]] = []
        last: APIError | None = None
        floor: float | None = None
        try:
            batch.execute()
        except HttpError as exc:  # the whole batch was refused (e.g. 429 or 503 for all of it)
            last = to_api_error(exc, what)
            if not last.transient:
                raise last from exc
            again, floor = list(todo), retry_after(exc.resp)
        else:
            for index, (key, _request) in enumerate(todo):
                response, error = outcome.get(str(index), (None, None))
                if error is None:
                    responses[key] = response
                    _tick(progress)
                    continue
                err = to_api_error(error, what)
                if isinstance(err, QuotaExceededError):
                    raise err
                if err.transient:
                    again.append((key, _request))
                    last = err
                    floor = max(floor or 0.0, retry_after(error.resp) or 0.0) or None
                elif err.status in tolerate:
                    responses[key] = err
                    _tick(progress)
                else:
                    failures[key] = err
                    _tick(progress)
        if not again:
            return
        attempt += 1
        pause = policy.delay(attempt - 1, floor)
        if attempt >= policy.max_attempts or policy.clock() - started + pause > policy.max_elapsed:
            assert last is not None
            for key, _request in again:
                failures[key] = give_up(last, attempt)
                _tick(progress)
            return
        if meter is not None:
            meter.retries += 1
        policy.sleep(pause)
        todo = again


def _collector(
    outcome: dict[str, tuple[Any, HttpError | None]],
) -> Callable[[str, Any, HttpError | None], None]:
    def collect(request_id: str, response: Any, exception: HttpError | None) -> None:
        outcome[request_id] = (response, exception)

    return collect


def _tick(progress: Callable[[int], None] | None) -> None:
    if progress is not None:
        progress(1)
