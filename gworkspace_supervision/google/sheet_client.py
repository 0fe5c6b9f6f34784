"""The tracker's Sheets calls, made by gspread with the toolkit's retry policy and meter.

gspread's `HTTPClient` (what `connection.gspread(user).http_client` is) already knows the Sheets
endpoints: `batch_update`, `fetch_sheet_metadata`, `values_batch_get`, `values_batch_update`,
`values_get`. This wraps each call so that it is counted like every other Google call (one
round trip in the Meter, under the method id the local Workspace counts too), retried with
backoff when Google says so (429, 5xx, 403 rate limits), and turned into the package's APIError
otherwise. gspread itself retries nothing here: the Connection hands out plain clients.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import requests
from gspread.exceptions import APIError as GspreadAPIError
from gspread.http_client import HTTPClient, ParamsType
from gspread.utils import DateTimeOption, ValueInputOption, ValueRenderOption

from ..errors import APIError
from .connect import Connection
from .retry import QUOTA_REASONS, QuotaExceededError, retry_after, with_retry

T = TypeVar("T")


class SheetCalls:
    """One spreadsheet's Sheets API, as one user (the tracker's owner, the operator)."""

    def __init__(self, connection: Connection, user: str, spreadsheet_id: str) -> None:
        self.connection = connection
        self.spreadsheet_id = spreadsheet_id
        self.http: HTTPClient = connection.gspread(user).http_client

    # -- the calls ---------------------------------------------------------------------------
    def batch_update(self, requests_: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        body = {"requests": list(requests_)}
        return dict(
            self._run(
                "sheets.spreadsheets.batchUpdate",
                lambda: self.http.batch_update(self.spreadsheet_id, body),
            )
        )

    def metadata(self, fields: str) -> dict[str, Any]:
        """spreadsheets.get limited by a field mask (no grid data unless the mask asks)."""
        params: ParamsType = {"fields": fields}
        return dict(
            self._run(
                "sheets.spreadsheets.get",
                lambda: self.http.fetch_sheet_metadata(self.spreadsheet_id, params=params),
            )
        )

    def values_batch_get(self, ranges: Sequence[str]) -> list[list[list[Any]]]:
        """Each range's rows as stored (FORMULA: what people typed, dates as serial numbers)."""
        params: ParamsType = {
            "valueRenderOption": ValueRenderOption.formula,
            "dateTimeRenderOption": DateTimeOption.serial_number,
        }
        answer = self._run(
            "sheets.spreadsheets.values.batchGet",
            lambda: self.http.values_batch_get(self.spreadsheet_id, list(ranges), params=params),
        )
        return [list(r.get("values", [])) for r in answer.get("valueRanges", [])]

    def values_get(self, cells: str, render: str) -> list[list[Any]]:
        params: ParamsType = {"valueRenderOption": render}
        answer = self._run(
            "sheets.spreadsheets.values.get",
            lambda: self.http.values_get(self.spreadsheet_id, cells, params=params),
        )
        return [list(row) for row in answer.get("values", [])]

    def values_batch_update_raw(self, data: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """Write ValueRanges with valueInputOption RAW: text stays text (a leading `=` too)."""
        body = {"valueInputOption": ValueInputOption.raw, "data": list(data)}
        return dict(
            self._run(
                "sheets.spreadsheets.values.batchUpdate",
                lambda: self.http.values_batch_update(self.spreadsheet_id, body),
            )
        )

    # -- retry and meter -----------------------------------------------------------------------
    def _run(self, what: str, call: Callable[[], T]) -> T:
        conn = self.connection
        return with_retry(call, _gspread_error, what=what, policy=conn.retry, meter=conn.meter)


def _gspread_error(exc: BaseException, what: str) -> tuple[APIError, float | None] | None:
    """gspread's APIError (or a lost connection) as Google's error."""
    if isinstance(exc, GspreadAPIError):
        return _api_error(exc.response, what), retry_after(exc.response.headers)
    if isinstance(exc, requests.RequestException):
        return APIError(0, "connectionError", str(exc) or type(exc).__name__, what), None
    return None


def _api_error(response: requests.Response, what: str) -> APIError:
    """Google's error JSON (Sheets sends no `errors` list: the status names the reason)."""
    err = APIError.from_response(response.status_code, response.content, method=what)
    if err.status in (403, 429) and err.reason in QUOTA_REASONS:
        return QuotaExceededError(err.status, err.reason, err.message, what)
    return err
