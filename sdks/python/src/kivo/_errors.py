from __future__ import annotations

import json
from typing import Any, List, Optional

import httpx

__all__ = ["KivoError", "KivoConnectionError", "KivoTimeoutError"]


class KivoError(Exception):
    """An answer from Kivo that was not a success, with the fields of its error envelope.

    ``code`` is Kivo's error code (``validation_error``, ``rate_limited``, …), or
    ``http_<status>`` when the body was not Kivo's envelope (a proxy's page, say).
    Quote ``request_id`` to support: it names the request in Kivo's logs.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        request_id: Optional[str],
        details: Optional[List[dict]] = None,
        retry_after_seconds: Optional[float] = None,
        doc_url: Optional[str] = None,
    ) -> None:
        suffix = f", request {request_id}" if request_id else ""
        super().__init__(f"{code}: {message} (HTTP {status}{suffix})")
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.details: List[dict] = details or []
        self.retry_after_seconds = retry_after_seconds
        self.doc_url = doc_url
        """The code's entry in Kivo's error catalogue (meaning and fix); None when the body was not Kivo's envelope."""

    @classmethod
    def from_response(cls, response: httpx.Response, retry_after_seconds: Optional[float]) -> "KivoError":
        envelope: Any = None
        try:
            envelope = json.loads(response.content)
        except ValueError:
            envelope = None
        error = envelope.get("error") if isinstance(envelope, dict) else None
        error = error if isinstance(error, dict) else {}
        code = error.get("code") if isinstance(error.get("code"), str) else f"http_{response.status_code}"
        text = response.content[:200].decode("utf-8", "replace")
        message = error.get("message") if isinstance(error.get("message"), str) else (text or response.reason_phrase or "no body")
        request_id = envelope.get("request_id") if isinstance(envelope, dict) else None
        if not isinstance(request_id, str):
            request_id = response.headers.get("X-Request-Id")
        details = error.get("details") if isinstance(error.get("details"), list) else []
        doc_url = error.get("doc_url") if isinstance(error.get("doc_url"), str) else None
        return cls(response.status_code, code, message, request_id, details, retry_after_seconds, doc_url)


class KivoConnectionError(Exception):
    """Kivo could not be reached (DNS, refused connection, reset, per-attempt timeout) on every attempt."""

    def __init__(self, message: str, attempts: int) -> None:
        super().__init__(message)
        self.attempts = attempts


class KivoTimeoutError(Exception):
    """``create_and_wait`` gave up polling; the run goes on, and ``get(review_run_id)`` reads it later."""

    def __init__(self, review_run_id: str, last_status: str, waited_seconds: float) -> None:
        super().__init__(f"review run {review_run_id} is still {last_status} after {waited_seconds:g} s")
        self.review_run_id = review_run_id
        self.last_status = last_status
