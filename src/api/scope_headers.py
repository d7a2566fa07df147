"""A request's headers, read straight from its ASGI scope (for the wrappers around the app)."""

from __future__ import annotations

from litestar.types import Scope


def header_values(scope: Scope, name: bytes) -> list[str]:
    """Every value of the header `name` (lower case), in order."""
    return [value.decode("latin-1") for key, value in scope["headers"] if key.lower() == name]


def header(scope: Scope, name: bytes) -> str:
    """The header's values as one, comma-separated (RFC 9110, 5.3); empty when absent."""
    return ", ".join(header_values(scope, name))
