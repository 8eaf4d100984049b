"""Work powertools repeats on every request although it depends only on the routes or on nothing
the request could change: kept once, or not done where a route declares nothing it would be for.

Powertools' request validation asks, for each query parameter of each request, whether the
parameter's declared type is scalar (`is_scalar_field`), walking the annotation with `issubclass`
checks every time: about a tenth of a warm `GET /tickets` of our own time (bench/warm.py with
BENCH_PROFILE). The answer depends only on the declaration (the route's `FieldInfo`), so it is
remembered per declaration; the declaration is kept with the answer, so an id is never reused.

The same middleware also copies every header of every request twice into case-insensitive dicts
and parses the cookies, for the one route in all our functions that declares a header parameter
(`RequestValidation`). A route that declares no header and no cookie parameter is validated without
them, with powertools' own helpers for the rest; one that does goes through powertools' handler
unchanged.

Every response looks up Accept-Encoding (for compression, which no route of ours asks for) in a
case-insensitive copy of the headers that powertools makes from another such copy, one generator
step per header and copy: `HttpEvent` makes it in one pass (`HttpResolver` uses it). Together:
a request through the whole chain without an AWS call (`GET /accounts/health`, twelve headers) took
42 µs and takes 31 µs.

This leans on powertools' internals (the pinned version): tests/unit/test_shared.py compares each
answer with powertools' own, so an upgrade that changes them fails there first.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.middlewares import openapi_validation
from aws_lambda_powertools.event_handler.openapi.compat import _normalize_errors
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.data_classes.common import CaseInsensitiveDict

from shared.request_body import is_json

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import Response
    from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
    from aws_lambda_powertools.event_handler.types import EventHandlerInstance

_powertools_is_scalar_field = openapi_validation.is_scalar_field  # type: ignore[attr-defined]
_known: dict[int, tuple[Any, bool]] = {}


def is_scalar_field(field: Any) -> bool:
    declared = field.field_info
    known = _known.get(id(declared))
    if known is None or known[0] is not declared:
        known = _known[id(declared)] = (declared, _powertools_is_scalar_field(field))
    return known[1]


def install() -> None:
    """Once per process (the resolver factory calls it)."""
    openapi_validation.is_scalar_field = is_scalar_field  # type: ignore[attr-defined]


class RequestValidation(openapi_validation.OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, reading headers and cookies only for a route that declares
    one (then powertools' own handler does all of it), and reading every body the body gate let
    through as JSON."""

    def _get_body(self, app: EventHandlerInstance) -> dict[str, Any]:
        """The body gate (`shared.request_body`) let only JSON through, a media type being case-
        insensitive and "+json" JSON too; powertools compares the type in lower case with
        "application/json" and raised for "Application/JSON" or "application/problem+json" (a 500:
        outside probe)."""
        if is_json(app.current_event.headers.get("content-type")):
            return self._parse_json_data(app)
        return super()._get_body(app)

    def handler(self, app: EventHandlerInstance, next_middleware: NextMiddleware) -> Response[Any]:
        dependant = app.context["_route"].dependant
        if dependant.header_params or dependant.cookie_params:
            return super().handler(app, next_middleware)
        v = openapi_validation
        values, errors = v._request_params_to_args(dependant.path_params, app.context["_route_args"])
        if dependant.query_params:
            event = app.current_event
            query = v._normalize_multi_params(
                event.resolved_query_string_parameters,
                dependant.query_params,
                multi_value_params=v._get_multi_value_query_params(event),
            )
            query_values, query_errors = v._request_params_to_args(dependant.query_params, query)
            values.update(query_values)
            errors += query_errors
        if dependant.body_params:
            body_values, body_errors = v._request_body_to_args(
                required_params=dependant.body_params, received_body=self._get_body(app)
            )
            values.update(body_values)
            errors.extend(body_errors)
        if errors:
            raise RequestValidationError(_normalize_errors(errors))
        app.context["_route_args"] = values
        return next_middleware(app)


class HttpEvent(APIGatewayProxyEventV2):
    @cached_property
    def resolved_headers_field(self) -> dict[str, Any]:
        """As powertools': names in lower case, a value with a comma split at it; in one pass."""
        headers = CaseInsensitiveDict()
        dict.update(
            headers,
            {
                str(name).lower(): value.split(",") if "," in value else value
                for name, value in (self.get("headers") or {}).items()
            },
        )
        return headers


class HttpResolver(APIGatewayHttpResolver):
    """Powertools' HTTP API resolver with the request validation above and `HttpEvent`."""

    def __init__(self, **options: Any) -> None:
        super().__init__(enable_validation=True, **options)
        self._request_validation_middleware = RequestValidation()

    def _to_proxy_event(self, event: dict[str, Any]) -> HttpEvent:
        return HttpEvent(event, self._json_body_deserializer)
