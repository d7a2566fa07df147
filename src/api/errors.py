"""Every error leaves as RFC 9457 problem details; tracebacks go to the log only."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap

from api.etags import product_etag, record_etag
from api.schemas import LineProblem, Problem, UndoBlocker
from domain.errors import (
    ChangedMeanwhile,
    ChangeNotFound,
    DomainError,
    DuplicateProduct,
    ImportNotFound,
    InvalidRows,
    InvalidValue,
    ProductChanged,
    ProductNotFound,
    RecordChanged,
    RecordNotFound,
    StorageUnavailable,
    UndoConflict,
)

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger("stockline")

_STATUS: dict[type[DomainError], tuple[int, str]] = {
    ProductNotFound: (404, "Product not found"),
    RecordNotFound: (404, "Inventory record not found"),
    ChangeNotFound: (404, "Change not found"),
    ImportNotFound: (404, "Import not found"),
    DuplicateProduct: (409, "Product already exists"),
    UndoConflict: (409, "Changed since"),
    InvalidValue: (400, "Invalid value"),
    InvalidRows: (422, "The file has bad lines"),
    ChangedMeanwhile: (412, "Changed meanwhile"),
    StorageUnavailable: (503, "Storage unavailable"),
}


def problem(status: int, title: str, detail: str, **extra: Any) -> Response[Problem]:
    return Response(
        Problem(title=title, status=status, detail=detail, **extra),
        status_code=status,
        media_type=PROBLEM_JSON,
    )


def _domain_error(_: Request[Any, Any, Any], error: DomainError) -> Response[Problem]:
    status, title = next(
        (found for kind, found in _STATUS.items() if isinstance(error, kind)),
        (400, "Request refused"),
    )
    if isinstance(error, InvalidRows):
        listed = [LineProblem(e.line, e.message) for e in error.errors]
        return problem(status, title, str(error), errors=listed, error_count=error.count)
    if isinstance(error, UndoConflict):
        first = error.blocked[0]
        return problem(
            status,
            title,
            str(error),
            current_level=first.current_level,
            blocked=[UndoBlocker.of(blocked) for blocked in error.blocked],
            blocked_count=error.count,
        )
    if isinstance(error, RecordChanged):
        level = error.current_level
        tag = None if level is None else record_etag(level)
        return problem(status, title, str(error), current_level=level, current_etag=tag)
    if isinstance(error, ProductChanged):
        current = error.current
        tag = product_etag(current)
        return problem(status, title, str(error), current_name=current.name, current_etag=tag)
    if isinstance(error, StorageUnavailable):
        logger.error("storage unavailable: %s", error)
    return problem(status, title, str(error))


# The decoder's words for some faults, in words a person using this API acts on.
_PLAIN_WORDS = {"Invalid RFC3339 encoded date": "not a real date in the form YYYY-MM-DD"}


def _validation_detail(error: ValidationException) -> str:
    details = error.extra if isinstance(error.extra, list) else []
    parts = [
        f"{item.get('key') or item.get('source') or 'body'}: "
        f"{_PLAIN_WORDS.get(str(item.get('message')), item.get('message'))}"
        for item in details
        if isinstance(item, dict)
    ]
    return "; ".join(parts) or str(error.detail)


def _http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Problem]:
    status = error.status_code
    if isinstance(error, ValidationException):
        return problem(status, "Invalid request", _validation_detail(error))
    if status == 404 and error.detail == "Not Found":
        return problem(404, "Not found", f"no such endpoint: {request.method} {request.url.path}")
    response = problem(status, _reason(status), str(error.detail))
    response.headers.update(error.headers or {})
    return response


def _unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[Problem]:
    logger.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(500, "Internal error", "the server failed; the error has been logged")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


async def replace_html_not_found(response: Response[Any]) -> Response[Any]:
    """The OpenAPI router at /api answers unknown paths with an HTML page; answer a problem instead."""
    if response.status_code == 404 and response.media_type == "text/html":
        return problem(404, "Not found", "no such endpoint; /api/ui lists them all")
    return response


def exception_handlers() -> ExceptionHandlersMap:
    return {
        DomainError: _domain_error,
        HTTPException: _http_error,
        404: _http_error,  # unmatched routes are looked up by status, not by class
        405: _http_error,
        Exception: _unexpected,
    }
