"""Integers in the query and the path are ASCII digits, as written, and nothing else.

The framework reads them more loosely than a person writing a URL means them: the path
parser is Python's int(), which takes a full-width digit (U+FF11), `1_000` and ` 1`; the query
decoder takes `1e3` and `1.0`. Each of those silently named another number than the one a
client meant to send, so each is refused with the parameter's name.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.typing import FieldDefinition

_OPT_KEY = "stockline_integer_query_names"
# A sign is let through so that `-1` is refused by the range check, which says what the range is.
_WRITTEN_INTEGER = re.compile(r"-?[0-9]+")


def _holds_integers(field: FieldDefinition) -> bool:
    if field.annotation is int:
        return True
    if field.is_optional or field.is_non_string_sequence:
        return any(_holds_integers(inner) for inner in field.inner_types if not inner.is_none_type)
    return False


def _integer_query_names(request: Request[Any, Any, Any]) -> frozenset[str]:
    """The aliases of the handler's integer query parameters, worked out once per handler."""
    handler = request.route_handler
    names: frozenset[str] | None = handler.opt.get(_OPT_KEY)
    if names is None:
        assert isinstance(handler, HTTPRouteHandler)
        fields = dict(handler.parsed_fn_signature.parameters)
        for provider in handler.resolve_dependencies().values():  # `note` comes from one
            fields.update(provider.parsed_fn_signature.parameters)
        model = handler.create_kwargs_model(path_parameters=request.path_params)
        names = frozenset(
            param.field_alias
            for param in model.expected_query_params
            if (field := fields.get(param.field_name)) and _holds_integers(field)
        )
        handler.opt[_OPT_KEY] = names
    return names


def _written_path_integers(request: Request[Any, Any, Any]) -> list[tuple[str, str]]:
    """Each integer path parameter with its segment as the client wrote it."""
    template = str(request.scope.get("path_template", "")).split("/")
    segments = request.scope["path"].split("/")
    if len(template) != len(segments):
        return []
    return [
        (name, written)
        for part, written in zip(template, segments, strict=True)
        if part.startswith("{")
        and type(request.path_params.get(name := part.strip("{}").split(":")[0])) is int
    ]


def refuse_loose_integers(request: Request[Any, Any, Any]) -> None:
    if not request.url.path.startswith("/api/"):  # the UI's pages read their own URLs
        return
    written = _written_path_integers(request) if request.path_params else []
    for name in _integer_query_names(request) if request.query_params else ():
        written.extend((name, value) for value in request.query_params.getall(name, []))
    loose = [(name, value) for name, value in written if not _WRITTEN_INTEGER.fullmatch(value)]
    if loose:
        raise ValidationException(
            detail="not a whole number",
            extra=[
                {"key": name, "message": f"{value[:40]!r} is not a whole number in digits 0-9"}
                for name, value in loose
            ],
        )
