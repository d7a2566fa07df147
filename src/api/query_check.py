"""Refuse query parameters a handler does not know: a typo must not silently widen a query."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException
from litestar.handlers import HTTPRouteHandler

_OPT_KEY = "stockline_query_names"


def _known_names(request: Request[Any, Any, Any]) -> frozenset[str]:
    """The handler's query parameter names, worked out once and kept on the handler itself."""
    handler = request.route_handler
    names: frozenset[str] | None = handler.opt.get(_OPT_KEY)
    if names is None:
        assert isinstance(handler, HTTPRouteHandler)
        model = handler.create_kwargs_model(path_parameters=request.path_params)
        names = frozenset(param.field_alias for param in model.expected_query_params)
        handler.opt[_OPT_KEY] = names
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
