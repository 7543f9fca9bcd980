__version__ = "0.1.0"
"""This package's version (PEP 440); it moves on its own schedule."""

API_VERSION = "2026-11-22"
"""The `info.version` of the OpenAPI document the models follow; a test fails when they drift."""
