"""The official Python client for the Kivo API.

    from kivo import Kivo

    kivo = Kivo()  # KIVO_API_KEY, KIVO_API_BASE_URL
    run = kivo.review_runs.create_and_wait(ai_output, sources, "customer_facing")
"""

from ._client import DEFAULT_BASE_URL, AsyncKivo, Kivo
from ._errors import KivoConnectionError, KivoError, KivoTimeoutError
from ._version import API_VERSION, KIVO_VERSION, __version__
from .offsets import index_to_utf16, utf16_slice, utf16_to_index
from .webhooks import (
    DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
    WEBHOOK_SIGNATURE_HEADER,
    KivoWebhookSignatureError,
    construct_webhook_event,
    verify_webhook_signature,
)

__all__ = [
    "API_VERSION",
    "KIVO_VERSION",
    "DEFAULT_WEBHOOK_TOLERANCE_SECONDS",
    "KivoWebhookSignatureError",
    "WEBHOOK_SIGNATURE_HEADER",
    "construct_webhook_event",
    "verify_webhook_signature",
    "AsyncKivo",
    "DEFAULT_BASE_URL",
    "Kivo",
    "KivoConnectionError",
    "KivoError",
    "KivoTimeoutError",
    "__version__",
    "index_to_utf16",
    "utf16_slice",
    "utf16_to_index",
]
