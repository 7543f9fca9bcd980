__version__ = "0.2.0"
"""This package's version (PEP 440); it moves on its own schedule."""

API_VERSION = "1.1.0"
"""The `info.version` (semver) of the OpenAPI document the models follow; a test fails when they drift."""

KIVO_VERSION = "2026-11-22"
"""The dated API version (`info.x-kivo-version`) the models describe, sent as `Kivo-Version` on every
request: a newer Kivo keeps answering as this version did until the SDK moves on."""
