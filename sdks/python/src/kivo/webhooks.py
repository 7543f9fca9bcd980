"""Verifying Kivo's webhook signatures on the receiving side.

``Kivo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">``;
while an endpoint's secret is being rotated the header carries one ``v1`` per
valid secret. Verify the raw body exactly as received (a re-serialised JSON
object would not match) and dedupe deliveries by the event's ``id``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any, Dict, Iterable, Optional, Union

WEBHOOK_SIGNATURE_HEADER = "Kivo-Signature"
DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300


class KivoWebhookSignatureError(Exception):
    """The signature does not match this body and secret, or its time is outside the tolerance."""


def _as_text(body: Union[str, bytes]) -> str:
    return body.decode("utf-8") if isinstance(body, (bytes, bytearray)) else body


def verify_webhook_signature(
    header: Optional[str],
    raw_body: Union[str, bytes],
    secrets: Union[str, Iterable[str]],
    *,
    tolerance_seconds: int = DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
    now: Optional[int] = None,
) -> bool:
    """True when a ``v1`` in the header matches one of ``secrets`` and ``t`` is within the tolerance."""
    if not header:
        return False
    parts = [part.strip().split("=", 1) for part in header.split(",")]
    stamps = [value for key, *rest in parts for value in rest if key == "t"]
    candidates = [value for key, *rest in parts for value in rest if key == "v1" and value]
    if not stamps or not candidates or not stamps[0].isdigit():
        return False
    timestamp = int(stamps[0])
    current = int(time.time()) if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        return False
    message = f"{timestamp}.{_as_text(raw_body)}".encode("utf-8")
    for secret in [secrets] if isinstance(secrets, str) else list(secrets):
        expected = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
        if any(hmac.compare_digest(candidate, expected) for candidate in candidates):
            return True
    return False


def construct_webhook_event(
    raw_body: Union[str, bytes],
    header: Optional[str],
    secrets: Union[str, Iterable[str]],
    *,
    tolerance_seconds: int = DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
    now: Optional[int] = None,
) -> Dict[str, Any]:
    """The event, parsed, once its signature holds; raises ``KivoWebhookSignatureError`` otherwise."""
    if not verify_webhook_signature(header, raw_body, secrets, tolerance_seconds=tolerance_seconds, now=now):
        raise KivoWebhookSignatureError(
            "The Kivo-Signature header does not match this body and secret, or its time is outside the tolerance."
        )
    event: Dict[str, Any] = json.loads(_as_text(raw_body))
    return event
