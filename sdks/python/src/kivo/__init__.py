"""The official Python client for the Kivo API.

    from kivo import Kivo

    kivo = Kivo()  # KIVO_API_KEY, KIVO_API_BASE_URL
    run = kivo.review_runs.create_and_wait(ai_output, sources, "customer_facing")
"""

from ._client import DEFAULT_BASE_URL, AsyncKivo, Kivo
from ._errors import KivoConnectionError, KivoError, KivoTimeoutError
from ._version import API_VERSION, __version__
from .offsets import index_to_utf16, utf16_slice, utf16_to_index

__all__ = [
    "API_VERSION",
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
