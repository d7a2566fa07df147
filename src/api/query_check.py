"""Refuse query parameters a handler does not know: a typo must not silently widen a query."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException
from litestar.handlers import HTTPRouteHandler

_known: dict[int, frozenset[str]] = {}


def _known_names(request: Request[Any, Any, Any]) -> frozenset[str]:
    handler = request.route_handler
    names = _known.get(id(handler))
    if names is None:
        assert isinstance(handler, HTTPRouteHandler)
        model = handler.create_kwargs_model(path_parameters=request.path_params)
        names = frozenset(param.field_alias for param in model.expected_query_params)
        _known[id(handler)] = names
    return names


async def refuse_unknown_query_parameters(request: Request[Any, Any, Any]) -> None:
    # The UI's own pages keep their state in the query string: only the API is checked.
    if not request.query_params or not request.url.path.startswith("/api/"):
        return
    unknown = sorted(set(request.query_params) - _known_names(request))
    if unknown:
        raise ValidationException(
            detail="unknown query parameter",
            extra=[{"key": name, "message": "unknown query parameter"} for name in unknown],
        )
