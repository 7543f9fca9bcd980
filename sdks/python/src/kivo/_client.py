from __future__ import annotations

import asyncio
import json
import os
import random as _random
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Union
from urllib.parse import quote

import httpx

from ._errors import KivoConnectionError, KivoError, KivoTimeoutError
from ._version import API_VERSION, KIVO_VERSION, __version__
from .models import (
    ClaimList,
    ClaimReport,
    ClaimReportFormat,
    Import,
    ImportResultLine,
    ImportRow,
    IntendedUse,
    QueuedReviewRun,
    ReportLink,
    ReviewRun,
    ReviewRunList,
    ReviewRunSummary,
    SourceInput,
    Strictness,
    VerificationResultList,
    WebhookDelivery,
    WebhookDeliveryList,
    WebhookEndpoint,
    WebhookEndpointList,
    WebhookEndpointWithSecret,
    WebhookEventType,
)

__all__ = ["Kivo", "AsyncKivo", "DEFAULT_BASE_URL"]

DEFAULT_BASE_URL = "https://api.trykivo.co"
USER_AGENT = f"kivo-python/{__version__} (api {API_VERSION})"
_TERMINAL = frozenset({"completed", "failed", "cancelled"})
_BASE_DELAY = 0.5
_ACCEPT = {"json": "application/json", "markdown": "text/markdown", "html": "text/html"}


@dataclass
class _Call:
    """One API call, built once so that every retry of it sends the same request (and Idempotency-Key)."""

    method: str
    path: str
    params: Dict[str, Any] = field(default_factory=dict)
    json: Any = None
    content: Optional[bytes] = None
    headers: Dict[str, str] = field(default_factory=dict)
    accept: str = "application/json"
    # Whether a 5xx or a lost connection may be repeated: a read, or a create with an Idempotency-Key.
    retry_safe: bool = True


def _path(*segments: str) -> str:
    return "/".join(quote(segment, safe="") for segment in segments)


def _without_none(values: Mapping[str, Any]) -> Dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


def _retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds (``Retry-After: 3``) or an HTTP date, as seconds from now; None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


# The requests each helper sends, shared by the sync and async clients.


def _create_run(body: Dict[str, Any], wait: Optional[int], idempotency_key: Optional[str]) -> _Call:
    headers = {"Idempotency-Key": idempotency_key or str(uuid.uuid4())}
    if wait is not None:
        headers["Prefer"] = f"wait={wait}"
    return _Call("POST", "/v1/review-runs", json=body, headers=headers)


def _run_body(
    ai_output: str,
    sources: Sequence[SourceInput],
    intended_use: IntendedUse,
    strictness: Optional[Strictness],
    question: Optional[str],
    metadata: Optional[Mapping[str, Any]],
    external_id: Optional[str],
) -> Dict[str, Any]:
    return _without_none(
        {
            "ai_output": ai_output,
            "sources": list(sources),
            "intended_use": intended_use,
            "strictness": strictness,
            "question": question,
            "metadata": dict(metadata) if metadata is not None else None,
            "external_id": external_id,
        }
    )


def _read(*segments: str, params: Optional[Dict[str, Any]] = None, accept: str = "application/json") -> _Call:
    return _Call("GET", "/" + _path(*segments), params=_without_none(params or {}), accept=accept)


def _claim_report(review_run_id: str, format: ClaimReportFormat) -> _Call:
    if format not in _ACCEPT:
        raise ValueError(f"format must be json, markdown or html, not {format!r}")
    return _read("v1", "review-runs", review_run_id, "claim-report", params={"format": format}, accept=_ACCEPT[format])


def _import_results(import_id: str, format: str, from_row: Optional[int]) -> _Call:
    accept = "text/csv" if format == "csv" else "application/x-ndjson"
    return _read("v1", "imports", import_id, "results", params={"format": format, "from_row": from_row}, accept=accept)


def _result_lines(text: str) -> List[ImportResultLine]:
    return [json.loads(line) for line in text.split("\n") if line.strip()]


def _delete_run(review_run_id: str) -> _Call:
    # Not repeated after a 5xx: the first attempt may have deleted, and a repeat would then answer 404.
    return _Call("DELETE", "/" + _path("v1", "review-runs", review_run_id), retry_safe=False)


def _delete_import(import_id: str) -> _Call:
    # Not repeated after a 5xx, for the same reason as a run's delete.
    return _Call("DELETE", "/" + _path("v1", "imports", import_id), retry_safe=False)


def _endpoint(*segments: str) -> str:
    return "/" + _path("v1", "webhook-endpoints", *segments)


def _create_endpoint(url: str, event_types: Sequence[WebhookEventType], description: Optional[str], enabled: Optional[bool]) -> _Call:
    body = _without_none({"url": url, "event_types": list(event_types), "description": description, "enabled": enabled})
    # Not repeated after a 5xx: the endpoint may have been created (there is no Idempotency-Key to replay it).
    return _Call("POST", _endpoint(), json=body, retry_safe=False)


def _update_endpoint(endpoint_id: str, changes: Mapping[str, Any]) -> _Call:
    # The same change twice leaves the same endpoint, so it may be repeated. None clears the description.
    return _Call("PATCH", _endpoint(endpoint_id), json=dict(changes))


def _rotate_secret(endpoint_id: str, previous_secret_valid_for_seconds: Optional[int]) -> _Call:
    body = _without_none({"previous_secret_valid_for_seconds": previous_secret_valid_for_seconds})
    # Not repeated after a 5xx: a second rotation would retire the secret the first one issued.
    return _Call("POST", _endpoint(endpoint_id, "rotate-secret"), json=body, retry_safe=False)


def _deliveries_page(endpoint_id: str, cursor: Optional[str], limit: Optional[int]) -> _Call:
    return _Call("GET", _endpoint(endpoint_id, "deliveries"), params=_without_none({"cursor": cursor, "limit": limit}))


def _create_import(
    rows: Optional[Sequence[ImportRow]],
    jsonl: Union[str, bytes, None],
    csv: Union[str, bytes, None],
    intended_use: Optional[IntendedUse],
    strictness: Optional[Strictness],
    field_mapping: Optional[Mapping[str, str]],
    idempotency_key: Optional[str],
) -> _Call:
    given = [name for name, value in (("rows", rows), ("jsonl", jsonl), ("csv", csv)) if value is not None]
    if len(given) != 1:
        raise ValueError(f"give exactly one of rows, jsonl or csv (got {', '.join(given) or 'none'})")
    if field_mapping is not None and jsonl is not None:
        raise ValueError("field_mapping applies to CSV columns and rows, not to JSONL")
    headers = {"Idempotency-Key": idempotency_key or str(uuid.uuid4())}
    defaults = {"intended_use": intended_use, "strictness": strictness}
    if rows is not None:
        body = _without_none(
            {"media_type": "application/json", "rows": list(rows), **defaults, "field_mapping": dict(field_mapping) if field_mapping else None}
        )
        return _Call("POST", "/v1/imports", json=body, headers=headers)
    # A file goes as itself; the API reads the defaults for a raw body from the query string.
    raw = jsonl if jsonl is not None else csv
    assert raw is not None
    headers["Content-Type"] = "application/x-ndjson" if jsonl is not None else "text/csv"
    params = _without_none({**defaults, "field_mapping": json.dumps(dict(field_mapping)) if field_mapping else None})
    return _Call("POST", "/v1/imports", params=params, content=raw.encode("utf-8") if isinstance(raw, str) else raw, headers=headers)


class _BaseClient:
    def __init__(
        self,
        api_key: Optional[str],
        base_url: Optional[str],
        max_retries: int,
        timeout: float,
        max_retry_delay: float,
        random: Optional[Callable[[], float]],
    ) -> None:
        key = api_key or os.environ.get("KIVO_API_KEY")
        if not key:
            raise ValueError("Kivo needs an API key: pass api_key or set KIVO_API_KEY")
        self._api_key = key
        self.base_url = (base_url or os.environ.get("KIVO_API_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.max_retries = max(0, max_retries)
        self.timeout = timeout
        # A Retry-After longer than this is not waited for: the 429 is raised at
        # once, so a caller is never parked for minutes without knowing.
        self.max_retry_delay = max_retry_delay
        self._random = random or _random.random
        # The Kivo-Bookmark of the latest answer, sent back with the next
        # request so that reads served by a nearby replica still see this
        # client's own writes.
        self.bookmark: Optional[str] = None

    def _request_args(self, call: _Call) -> Dict[str, Any]:
        headers = {
            "Authorization": f"Bearer {self._api_key}",
            "Accept": call.accept,
            "User-Agent": USER_AGENT,
            "Kivo-Version": KIVO_VERSION,
            **({"Kivo-Bookmark": self.bookmark} if self.bookmark else {}),
            **call.headers,
        }
        args: Dict[str, Any] = {"method": call.method, "url": self.base_url + call.path, "headers": headers, "params": call.params}
        if call.json is not None:
            args["json"] = call.json
        elif call.content is not None:
            args["content"] = call.content
        return args

    def _backoff(self, attempt: int) -> float:
        """Exponential from 0.5 s, capped, with jitter in [1/2, 1] of the step so a crowd of clients spreads out."""
        step = min(self.max_retry_delay, _BASE_DELAY * 2**attempt)
        return step * (0.5 + self._random() / 2)

    def _on_transport_error(self, call: _Call, error: httpx.TransportError, attempt: int) -> float:
        if not call.retry_safe or attempt >= self.max_retries:
            raise KivoConnectionError(f"{call.method} {call.path}: {type(error).__name__}: {error}", attempt + 1) from error
        return self._backoff(attempt)

    def _on_response(self, call: _Call, response: httpx.Response, attempt: int) -> Optional[float]:
        """None when the answer is a success; otherwise the delay before the next attempt, or raises."""
        bookmark = response.headers.get("Kivo-Bookmark")
        if bookmark:
            self.bookmark = bookmark
        if response.is_success:
            return None
        retry_after = _retry_after(response.headers.get("Retry-After"))
        error = KivoError.from_response(response, retry_after)
        # A 429 was refused before anything happened, so repeating it is always
        # safe; a 5xx may have done the work, so only a read or an idempotent create is.
        retryable = response.status_code == 429 or (response.status_code >= 500 and call.retry_safe)
        if not retryable or attempt >= self.max_retries:
            raise error
        delay = retry_after if retry_after is not None else self._backoff(attempt)
        if delay > self.max_retry_delay:
            raise error
        return delay

    @staticmethod
    def _parse(call: _Call, response: httpx.Response) -> Any:
        return response.json() if call.accept == "application/json" else response.text


class Kivo(_BaseClient):
    """The synchronous client.

    ``Kivo()`` reads ``KIVO_API_KEY`` and ``KIVO_API_BASE_URL`` from the
    environment. Failed calls are retried (429, 5xx and network errors; creates
    carry an Idempotency-Key so a retry never creates twice), honouring
    ``Retry-After``. ``sleep`` and ``random`` are for tests; ``transport``
    accepts an ``httpx.MockTransport``.
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        max_retries: int = 2,
        timeout: float = 60.0,
        max_retry_delay: float = 30.0,
        transport: Optional[httpx.BaseTransport] = None,
        sleep: Callable[[float], None] = time.sleep,
        random: Optional[Callable[[], float]] = None,
    ) -> None:
        super().__init__(api_key, base_url, max_retries, timeout, max_retry_delay, random)
        self._http = httpx.Client(transport=transport, timeout=timeout)
        self._sleep = sleep
        self.review_runs = ReviewRuns(self)
        self.imports = Imports(self)
        self.webhook_endpoints = WebhookEndpoints(self)

    def _send(self, call: _Call) -> Any:
        attempt = 0
        while True:
            try:
                response = self._http.request(**self._request_args(call))
            except httpx.TransportError as error:
                self._sleep(self._on_transport_error(call, error, attempt))
                attempt += 1
                continue
            delay = self._on_response(call, response, attempt)
            if delay is None:
                return self._parse(call, response)
            self._sleep(delay)
            attempt += 1

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "Kivo":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ReviewRuns:
    def __init__(self, client: Kivo) -> None:
        self._client = client

    def create(
        self,
        ai_output: str,
        sources: Sequence[SourceInput],
        intended_use: IntendedUse,
        *,
        strictness: Optional[Strictness] = None,
        question: Optional[str] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        external_id: Optional[str] = None,
        wait: Optional[int] = None,
        idempotency_key: Optional[str] = None,
    ) -> Union[ReviewRun, QueuedReviewRun]:
        """``POST /v1/review-runs``: the completed run when ``wait`` (``Prefer: wait=N``, N <= 10) was honoured, else the queued run."""
        body = _run_body(ai_output, sources, intended_use, strictness, question, metadata, external_id)
        return self._client._send(_create_run(body, wait, idempotency_key))

    def create_and_wait(
        self,
        ai_output: str,
        sources: Sequence[SourceInput],
        intended_use: IntendedUse,
        *,
        strictness: Optional[Strictness] = None,
        question: Optional[str] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        external_id: Optional[str] = None,
        wait: int = 10,
        timeout: float = 120.0,
        idempotency_key: Optional[str] = None,
    ) -> ReviewRun:
        """Creates the run and returns it once ``completed``, ``failed`` or ``cancelled``.

        Kivo first tries inline (``Prefer: wait``); a run still queued is polled
        at the interval Kivo recommends, for up to ``timeout`` seconds
        (then ``KivoTimeoutError``). A failed run is returned too: check ``status``.
        """
        body = _run_body(ai_output, sources, intended_use, strictness, question, metadata, external_id)
        created = self._client._send(_create_run(body, wait, idempotency_key))
        if "queued" not in created:
            return created
        run_id = created["review_run"]["id"]
        interval = max(1, created["queued"]["recommended_poll_interval_seconds"])
        status, waited = created["review_run"]["status"], 0.0
        while waited < timeout:
            self._client._sleep(interval)
            waited += interval
            run = self.get(run_id)
            if run["status"] in _TERMINAL:
                return run
            status = run["status"]
        raise KivoTimeoutError(run_id, status, waited)

    def get(self, review_run_id: str) -> ReviewRun:
        return self._client._send(_read("v1", "review-runs", review_run_id))

    def claims(self, review_run_id: str) -> ClaimList:
        """The run's claims with their verification results; offsets are UTF-16 (see ``kivo.utf16_slice``)."""
        return self._client._send(_read("v1", "review-runs", review_run_id, "claims"))

    def verification_results(self, review_run_id: str) -> VerificationResultList:
        return self._client._send(_read("v1", "review-runs", review_run_id, "verification-results"))

    def claim_report(self, review_run_id: str, format: ClaimReportFormat = "json") -> Union[ClaimReport, str]:
        """The claim report: a dict for ``json``, the text for ``markdown`` and ``html`` (the reviewer page)."""
        return self._client._send(_claim_report(review_run_id, format))

    def page(self, cursor: Optional[str] = None, **filters: Any) -> ReviewRunList:
        """One page of ``GET /v1/review-runs`` (newest first). Filters: limit, status, intended_use, safe_use_status, external_id, import_id, created_after, created_before."""
        return self._client._send(_read("v1", "review-runs", params={**filters, "cursor": cursor}))

    def list(self, **filters: Any) -> Iterator[ReviewRunSummary]:
        """Every run matching the filters, newest first; the next page is fetched only when the previous one is used up."""
        cursor: Optional[str] = None
        while True:
            page = self.page(cursor, **filters)
            yield from page["items"]
            cursor = page["next_cursor"] if page["has_more"] else None
            if not cursor:
                return

    def cancel(self, review_run_id: str) -> ReviewRunSummary:
        """Cancels a queued run (``409 run_not_cancellable`` otherwise)."""
        # Not repeated after a 5xx: the first attempt may have cancelled, and a repeat would then answer 409.
        return self._client._send(_Call("POST", "/" + _path("v1", "review-runs", review_run_id, "cancel"), retry_safe=False))

    def delete(self, review_run_id: str) -> Dict[str, Any]:
        """Deletes the run for good, in any status: its results, source contents and report links (``404`` afterwards)."""
        return self._client._send(_delete_run(review_run_id))

    def create_report_link(self, review_run_id: str, expires_in_seconds: Optional[int] = None) -> ReportLink:
        """A link that opens the HTML report without an API key (60 s to 7 days, default 1 day)."""
        body = _without_none({"expires_in_seconds": expires_in_seconds})
        return self._client._send(_Call("POST", "/" + _path("v1", "review-runs", review_run_id, "report-links"), json=body))


class Imports:
    def __init__(self, client: Kivo) -> None:
        self._client = client

    def create(
        self,
        *,
        rows: Optional[Sequence[ImportRow]] = None,
        jsonl: Union[str, bytes, None] = None,
        csv: Union[str, bytes, None] = None,
        intended_use: Optional[IntendedUse] = None,
        strictness: Optional[Strictness] = None,
        field_mapping: Optional[Mapping[str, str]] = None,
        idempotency_key: Optional[str] = None,
    ) -> Import:
        """``POST /v1/imports`` with exactly one of ``rows`` (dicts), ``jsonl`` or ``csv`` (the file's text or bytes).

        Up to 100 accepted rows answer ``completed`` with every run; larger
        imports answer ``queued`` (poll ``get``).
        """
        return self._client._send(_create_import(rows, jsonl, csv, intended_use, strictness, field_mapping, idempotency_key))

    def get(self, import_id: str) -> Import:
        return self._client._send(_read("v1", "imports", import_id))

    def delete(self, import_id: str) -> Dict[str, Any]:
        """Deletes the import and every run it created (``deleted_review_run_count``).

        An import still creating runs answers ``409 import_not_deletable``: cancel it first.
        """
        return self._client._send(_delete_import(import_id))

    def results(self, import_id: str, *, from_row: Optional[int] = None) -> Iterator[ImportResultLine]:
        """``GET /v1/imports/{importId}/results``: one line per row, in row order.

        Each line has the row's run, status and verdict (a rejected row its
        error); ``external_id`` joins it back to your data. Read it again as runs
        finish. ``from_row`` resumes from a row (from 1).
        """
        return iter(_result_lines(self._client._send(_import_results(import_id, "jsonl", from_row))))

    def results_csv(self, import_id: str, *, from_row: Optional[int] = None) -> str:
        """The same results as CSV text (RFC 4180, with a header row), ready for a spreadsheet."""
        return self._client._send(_import_results(import_id, "csv", from_row))


class WebhookEndpoints:
    """``/v1/webhook-endpoints`` (scope ``webhooks:write``): where Kivo sends events, and what it delivered."""

    def __init__(self, client: Kivo) -> None:
        self._client = client

    def create(
        self, url: str, event_types: Sequence[WebhookEventType], *, description: Optional[str] = None, enabled: Optional[bool] = None
    ) -> WebhookEndpointWithSecret:
        """Registers an HTTPS endpoint. The answer's ``secret`` (``whsec_…``) is shown only here: keep it for ``verify_webhook_signature``."""
        return self._client._send(_create_endpoint(url, event_types, description, enabled))

    def list(self) -> WebhookEndpointList:
        """The project's endpoints (at most 20), never their secrets."""
        return self._client._send(_Call("GET", _endpoint()))

    def get(self, endpoint_id: str) -> WebhookEndpoint:
        return self._client._send(_Call("GET", _endpoint(endpoint_id)))

    def update(self, endpoint_id: str, **changes: Any) -> WebhookEndpoint:
        """Changes only the fields given: ``url``, ``event_types``, ``description``, ``enabled``."""
        return self._client._send(_update_endpoint(endpoint_id, changes))

    def delete(self, endpoint_id: str) -> Dict[str, Any]:
        """No further events; pending deliveries fail on their next attempt."""
        return self._client._send(_Call("DELETE", _endpoint(endpoint_id), retry_safe=False))

    def rotate_secret(self, endpoint_id: str, *, previous_secret_valid_for_seconds: Optional[int] = None) -> WebhookEndpointWithSecret:
        """A new secret, shown once; the old one keeps signing alongside it for the given seconds (default a day, 0 ends it now)."""
        return self._client._send(_rotate_secret(endpoint_id, previous_secret_valid_for_seconds))

    def deliveries_page(self, endpoint_id: str, cursor: Optional[str] = None, *, limit: Optional[int] = None) -> WebhookDeliveryList:
        return self._client._send(_deliveries_page(endpoint_id, cursor, limit))

    def deliveries(self, endpoint_id: str, *, limit: Optional[int] = None) -> Iterator[WebhookDelivery]:
        """Every delivery to the endpoint, newest first: status, attempts and the last answer."""
        cursor: Optional[str] = None
        while True:
            page = self.deliveries_page(endpoint_id, cursor, limit=limit)
            yield from page["items"]
            cursor = page["next_cursor"] if page["has_more"] else None
            if not cursor:
                return

    def resend_delivery(self, endpoint_id: str, delivery_id: str) -> WebhookDelivery:
        """Sends the delivery's event again as a new, freshly signed delivery (not repeated after a 5xx)."""
        return self._client._send(_Call("POST", _endpoint(endpoint_id, "deliveries", delivery_id, "resend"), retry_safe=False))


class AsyncKivo(_BaseClient):
    """The asyncio client: the same helpers as ``Kivo``, awaited (``list`` is an async iterator)."""

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        max_retries: int = 2,
        timeout: float = 60.0,
        max_retry_delay: float = 30.0,
        transport: Optional[httpx.AsyncBaseTransport] = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        random: Optional[Callable[[], float]] = None,
    ) -> None:
        super().__init__(api_key, base_url, max_retries, timeout, max_retry_delay, random)
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout)
        self._sleep = sleep
        self.review_runs = AsyncReviewRuns(self)
        self.imports = AsyncImports(self)
        self.webhook_endpoints = AsyncWebhookEndpoints(self)

    async def _send(self, call: _Call) -> Any:
        attempt = 0
        while True:
            try:
                response = await self._http.request(**self._request_args(call))
            except httpx.TransportError as error:
                await self._sleep(self._on_transport_error(call, error, attempt))
                attempt += 1
                continue
            delay = self._on_response(call, response, attempt)
            if delay is None:
                return self._parse(call, response)
            await self._sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "AsyncKivo":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class AsyncReviewRuns:
    def __init__(self, client: AsyncKivo) -> None:
        self._client = client

    async def create(
        self,
        ai_output: str,
        sources: Sequence[SourceInput],
        intended_use: IntendedUse,
        *,
        strictness: Optional[Strictness] = None,
        question: Optional[str] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        external_id: Optional[str] = None,
        wait: Optional[int] = None,
        idempotency_key: Optional[str] = None,
    ) -> Union[ReviewRun, QueuedReviewRun]:
        body = _run_body(ai_output, sources, intended_use, strictness, question, metadata, external_id)
        return await self._client._send(_create_run(body, wait, idempotency_key))

    async def create_and_wait(
        self,
        ai_output: str,
        sources: Sequence[SourceInput],
        intended_use: IntendedUse,
        *,
        strictness: Optional[Strictness] = None,
        question: Optional[str] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        external_id: Optional[str] = None,
        wait: int = 10,
        timeout: float = 120.0,
        idempotency_key: Optional[str] = None,
    ) -> ReviewRun:
        body = _run_body(ai_output, sources, intended_use, strictness, question, metadata, external_id)
        created = await self._client._send(_create_run(body, wait, idempotency_key))
        if "queued" not in created:
            return created
        run_id = created["review_run"]["id"]
        interval = max(1, created["queued"]["recommended_poll_interval_seconds"])
        status, waited = created["review_run"]["status"], 0.0
        while waited < timeout:
            await self._client._sleep(interval)
            waited += interval
            run = await self.get(run_id)
            if run["status"] in _TERMINAL:
                return run
            status = run["status"]
        raise KivoTimeoutError(run_id, status, waited)

    async def get(self, review_run_id: str) -> ReviewRun:
        return await self._client._send(_read("v1", "review-runs", review_run_id))

    async def claims(self, review_run_id: str) -> ClaimList:
        return await self._client._send(_read("v1", "review-runs", review_run_id, "claims"))

    async def verification_results(self, review_run_id: str) -> VerificationResultList:
        return await self._client._send(_read("v1", "review-runs", review_run_id, "verification-results"))

    async def claim_report(self, review_run_id: str, format: ClaimReportFormat = "json") -> Union[ClaimReport, str]:
        return await self._client._send(_claim_report(review_run_id, format))

    async def page(self, cursor: Optional[str] = None, **filters: Any) -> ReviewRunList:
        return await self._client._send(_read("v1", "review-runs", params={**filters, "cursor": cursor}))

    async def list(self, **filters: Any) -> AsyncIterator[ReviewRunSummary]:
        cursor: Optional[str] = None
        while True:
            page = await self.page(cursor, **filters)
            for item in page["items"]:
                yield item
            cursor = page["next_cursor"] if page["has_more"] else None
            if not cursor:
                return

    async def cancel(self, review_run_id: str) -> ReviewRunSummary:
        return await self._client._send(_Call("POST", "/" + _path("v1", "review-runs", review_run_id, "cancel"), retry_safe=False))

    async def delete(self, review_run_id: str) -> Dict[str, Any]:
        return await self._client._send(_delete_run(review_run_id))

    async def create_report_link(self, review_run_id: str, expires_in_seconds: Optional[int] = None) -> ReportLink:
        body = _without_none({"expires_in_seconds": expires_in_seconds})
        return await self._client._send(_Call("POST", "/" + _path("v1", "review-runs", review_run_id, "report-links"), json=body))


class AsyncImports:
    def __init__(self, client: AsyncKivo) -> None:
        self._client = client

    async def create(
        self,
        *,
        rows: Optional[Sequence[ImportRow]] = None,
        jsonl: Union[str, bytes, None] = None,
        csv: Union[str, bytes, None] = None,
        intended_use: Optional[IntendedUse] = None,
        strictness: Optional[Strictness] = None,
        field_mapping: Optional[Mapping[str, str]] = None,
        idempotency_key: Optional[str] = None,
    ) -> Import:
        return await self._client._send(_create_import(rows, jsonl, csv, intended_use, strictness, field_mapping, idempotency_key))

    async def get(self, import_id: str) -> Import:
        return await self._client._send(_read("v1", "imports", import_id))

    async def delete(self, import_id: str) -> Dict[str, Any]:
        return await self._client._send(_delete_import(import_id))

    async def results(self, import_id: str, *, from_row: Optional[int] = None) -> AsyncIterator[ImportResultLine]:
        for line in _result_lines(await self._client._send(_import_results(import_id, "jsonl", from_row))):
            yield line

    async def results_csv(self, import_id: str, *, from_row: Optional[int] = None) -> str:
        return await self._client._send(_import_results(import_id, "csv", from_row))


class AsyncWebhookEndpoints:
    def __init__(self, client: AsyncKivo) -> None:
        self._client = client

    async def create(
        self, url: str, event_types: Sequence[WebhookEventType], *, description: Optional[str] = None, enabled: Optional[bool] = None
    ) -> WebhookEndpointWithSecret:
        return await self._client._send(_create_endpoint(url, event_types, description, enabled))

    async def list(self) -> WebhookEndpointList:
        return await self._client._send(_Call("GET", _endpoint()))

    async def get(self, endpoint_id: str) -> WebhookEndpoint:
        return await self._client._send(_Call("GET", _endpoint(endpoint_id)))

    async def update(self, endpoint_id: str, **changes: Any) -> WebhookEndpoint:
        return await self._client._send(_update_endpoint(endpoint_id, changes))

    async def delete(self, endpoint_id: str) -> Dict[str, Any]:
        return await self._client._send(_Call("DELETE", _endpoint(endpoint_id), retry_safe=False))

    async def rotate_secret(self, endpoint_id: str, *, previous_secret_valid_for_seconds: Optional[int] = None) -> WebhookEndpointWithSecret:
        return await self._client._send(_rotate_secret(endpoint_id, previous_secret_valid_for_seconds))

    async def deliveries_page(self, endpoint_id: str, cursor: Optional[str] = None, *, limit: Optional[int] = None) -> WebhookDeliveryList:
        return await self._client._send(_deliveries_page(endpoint_id, cursor, limit))

    async def deliveries(self, endpoint_id: str, *, limit: Optional[int] = None) -> AsyncIterator[WebhookDelivery]:
        cursor: Optional[str] = None
        while True:
            page = await self.deliveries_page(endpoint_id, cursor, limit=limit)
            for item in page["items"]:
                yield item
            cursor = page["next_cursor"] if page["has_more"] else None
            if not cursor:
                return

    async def resend_delivery(self, endpoint_id: str, delivery_id: str) -> WebhookDelivery:
        return await self._client._send(_Call("POST", _endpoint(endpoint_id, "deliveries", delivery_id, "resend"), retry_safe=False))
