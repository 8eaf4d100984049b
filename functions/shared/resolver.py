"""One resolver factory for every domain function: routing, validation and error mapping done once.

Errors leave as `{"error": {"code", "message", "fields"?}}`, in German unless the request asks for
English. Validation errors name every wrong field. Botocore failures that survive the client's
retries become 503 with Retry-After, anything else unexpected 500, both logged without personal data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError
from pydantic_core import PydanticCustomError

from shared import aws, directory, i18n, lean_requests, sessions
from shared.dynamo import error_code
from shared.errors import DomainError, FieldError, RateLimited
from shared.identity import Caller, caller_from_event
from shared.log import with_lambda_context
from shared.request_body import BodyGate
from shared.validation import check_text

JSON = "application/json"
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
RETRY_AFTER_SECONDS = 2
FALLBACK_KEYS = {
    400: "request.invalid",
    401: "request.unauthorized",
    404: "request.not_found",
    422: "request.invalid",
    429: "request.rate_limited",
    503: "request.dependency_failed",
}
BODY_GATE = BodyGate()
# Every route under /agent/ is for support agents only: refused before its input is even validated,
# so a customer learns nothing from the route's validation errors (tests/access_matrix.py checks it).
AGENT_PATHS = ("/agent/",)


def language(app: APIGatewayHttpResolver | APIGatewayHttpRouter) -> i18n.Language:
    return i18n.negotiate(app.current_event.headers.get("accept-language"))


M = TypeVar("M")
# A list's `next_cursor`, passed back as `cursor` for the next page (base64url; see shared.cursors).
Cursor = Annotated[
    str | None,
    Query(
        pattern="^[A-Za-z0-9_-]{24,2048}$",
        description="The `next_cursor` of the page before; absent for the first page",
    ),
]


def created(body: M) -> Response[M]:
    """201 with the created resource as JSON."""
    return Response(status_code=201, content_type=JSON, body=body)


def accepted(body: M) -> Response[M]:
    """202: taken, with what happens next said in the body."""
    return Response(status_code=202, content_type=JSON, body=body)


def no_content() -> Response[None]:
    return Response(status_code=204)


def base_url(app: APIGatewayHttpResolver | APIGatewayHttpRouter) -> str:
    """This API's own address, as the client reached it (for links the API hands out)."""
    event = app.current_event
    proto = event.headers.get("x-forwarded-proto") or "https"
    return f"{proto}://{event.request_context.domain_name}"


def source_ip(app: APIGatewayHttpResolver | APIGatewayHttpRouter) -> str:
    return str(app.current_event.request_context.http.source_ip)


def current_caller(app: APIGatewayHttpResolver | APIGatewayHttpRouter) -> Caller:
    return caller_from_event(app.current_event.raw_event)


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> str:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return json.dumps({"error": error}, ensure_ascii=False)


def error_response(
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    return Response(
        status_code=status, content_type=JSON, body=error_body(code, message, fields), headers=headers
    )


def message(key: str, lang: i18n.Language, status: int, **params: Any) -> str:
    """The text of a key; a key this function does not know (a bug the catalogue test exists to catch)
    still answers with the status's generic words instead of crashing the request."""
    if i18n.has(key):
        return i18n.text(key, lang, **params)
    fallback = FALLBACK_KEYS.get(status, "request.invalid" if status < 500 else "request.internal_error")
    return i18n.text(fallback, lang, **params)


_VALIDATOR_STEP = re.compile(
    r"^(\[key\]|constrained-\w+|(function|lax|strict)-[\w-]+(\[.*\])?|json-or-python\[.*\])$"
)


def field_path(loc: Sequence[str | int]) -> str:
    """('body', 'consent', 'version') -> 'consent.version'; ('body', 'cc', 0) -> 'cc[0]'."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header") and len(parts) > 1:
        parts = parts[1:]
    if parts and isinstance(parts[0], int):  # json_invalid reports a character position
        return "body"
    path = ""
    for part in parts:
        if isinstance(part, str) and _VALIDATOR_STEP.match(part):
            continue  # a union member's tag or a dict key's check: pydantic's words, not a field
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


def field_message(error: dict[str, Any], lang: i18n.Language) -> str:
    kind = str(error.get("type", "invalid"))
    loc = tuple(error.get("loc", ()))
    # a parameter that takes one value, given twice (?status=a&status=b); a list parameter's own
    # length is its own error
    if (
        loc[:1] == ("query",)
        and len(loc) == 2
        and isinstance(error.get("input"), list)
        and kind not in ("too_long", "too_short")
    ):
        kind = "repeated"
    key = f"field.{kind}"
    if not i18n.has(key):
        key = "field.invalid"
    params: dict[str, Any] = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    if kind in ("literal_error", "enum") and "expected" in params:
        # pydantic words the choices in English ("'mine' or 'organisation'"): the values, joined anew
        values = _QUOTED.findall(params["expected"]) or [params["expected"]]
        params["expected"] = i18n.Choices(i18n.Quoted(v) for v in values)
    return i18n.text(key, lang, **params)


def validation_fields(errors: Sequence[Any], lang: i18n.Language) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in errors:
        path = field_path(error.get("loc", ()))
        fields.setdefault(path, field_message(error, lang))
    return fields


# Checks the schema cannot make (a request type's own fields, an unknown type), run also when the
# schema's check failed, so that one 422 names every wrong field: a form shows all its errors at once.
# Route key ("POST /tickets") -> (body, path parameters) -> the further field errors.
FurtherChecks = Callable[[dict[str, Any], dict[str, str]], Sequence[FieldError]]
_FURTHER: dict[str, FurtherChecks] = {}


def further_checks(*route_keys: str) -> Callable[[FurtherChecks], FurtherChecks]:
    """Registers the checks a route's service makes beyond its body's schema (see `_FURTHER`)."""

    def register(checks: FurtherChecks) -> FurtherChecks:
        for route_key in route_keys:
            _FURTHER[route_key] = checks
        return checks

    return register


def _further_fields(app: APIGatewayHttpResolver, lang: i18n.Language, logger: Logger) -> dict[str, str]:
    event = app.current_event.raw_event
    checks = _FURTHER.get(str(event.get("routeKey", "")))
    if checks is None:
        return {}
    try:
        body = BODY_GATE.deserialize(app.current_event.decoded_body or "{}")
        found = checks(body, dict(event.get("pathParameters") or {})) if isinstance(body, dict) else []
    except (DomainError, ValueError):
        return {}  # the body or the resource is refused on its own terms: the schema's errors stand
    except Exception:  # a failing extra check must not hide the schema's answer
        logger.exception("further checks failed", extra={"route": str(event.get("routeKey", ""))})
        return {}
    # the type's own rule is the more precise word on a field the schema also refused
    return {f.field: message(f.message_key, lang, 422, **f.params) for f in found}


def create_resolver(
    *,
    routers: Sequence[APIGatewayHttpRouter],
    logger: Logger,
    title: str,
) -> APIGatewayHttpResolver:
    lean_requests.install()
    app = lean_requests.HttpResolver(json_body_deserializer=BODY_GATE.deserialize)
    for router in routers:
        app.include_router(router)

    @app.exception_handler(RequestValidationError)
    def on_validation(error: RequestValidationError) -> Response[Any]:
        lang = language(app)
        fields = validation_fields(error.errors(), lang)
        fields |= _further_fields(app, lang, logger)
        logger.info("request rejected", extra={"reason": "validation", "fields": sorted(fields)})
        return error_response(422, "validation_error", i18n.text("request.invalid", lang), fields)

    @app.exception_handler(RequestUnsupportedContentType)
    def on_media_type(_: RequestUnsupportedContentType) -> Response[Any]:
        # the body gate refuses these first; this answers should powertools ever see one
        return error_response(
            415, "unsupported_media_type", i18n.text("request.unsupported_media_type", language(app))
        )

    @app.exception_handler(DomainError)
    def on_domain_error(error: DomainError) -> Response[Any]:
        lang = language(app)
        fields = {f.field: message(f.message_key, lang, 422, **f.params) for f in error.fields} or None
        headers = None
        params = dict(error.params)
        if isinstance(error, RateLimited):
            headers = {"Retry-After": str(error.retry_after_seconds)}
            params.setdefault("retry_after", error.retry_after_seconds)
        if not i18n.has(error.message_key):
            logger.error("message key missing", extra={"key": error.message_key})
        logger.info("request refused", extra={"code": error.code, "key": error.message_key})
        return error_response(
            error.status,
            error.code,
            message(error.message_key, lang, error.status, **params),
            fields,
            headers,
        )

    @app.exception_handler(ClientError)
    def on_client_error(error: ClientError) -> Response[Any]:
        code = error_code(error)
        operation = getattr(error, "operation_name", "")
        if code not in aws.RETRYABLE_ERRORS:
            logger.exception("AWS call refused", extra={"aws_error": code, "operation": operation})
            return error_response(500, "internal_error", i18n.text("request.internal_error", language(app)))
        logger.warning("AWS call failed", extra={"aws_error": code, "operation": operation})
        return error_response(
            503,
            "temporarily_unavailable",
            i18n.text("request.dependency_failed", language(app)),
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    @app.exception_handler(BotoCoreError)
    def on_botocore_error(error: BotoCoreError) -> Response[Any]:
        logger.error("AWS unreachable", extra={"aws_error": type(error).__name__})
        return error_response(
            503,
            "temporarily_unavailable",
            i18n.text("request.dependency_failed", language(app)),
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    @app.not_found
    def on_not_found(_: Exception) -> Response[Any]:
        return error_response(404, "not_found", i18n.text("request.not_found", language(app)))

    @app.exception_handler(Exception)
    def on_unexpected(error: Exception) -> Response[Any]:
        logger.exception("unhandled error", extra={"error_type": type(error).__name__})
        return error_response(500, "internal_error", i18n.text("request.internal_error", language(app)))

    app.openapi_title = title  # type: ignore[attr-defined]
    return app


def _header(event: dict[str, Any], name: str) -> str | None:
    for key, value in (event.get("headers") or {}).items():
        if str(key).lower() == name:
            return str(value)
    return None


def _odd_parameters(event: dict[str, Any], lang: i18n.Language) -> dict[str, str]:
    """Query and path parameters hold no control, direction or invisible characters (as input models)."""
    bad: dict[str, str] = {}
    for source in ("queryStringParameters", "pathParameters"):
        for name, value in (event.get(source) or {}).items():
            try:
                check_text(str(value), multiline=False)
            except PydanticCustomError as error:
                bad[str(name)[:64]] = i18n.text(f"field.{error.type}", lang)
    return bad


def _refusal(status: int, code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    headers = {"Content-Type": JSON}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return {
        "statusCode": status,
        "headers": headers,
        "body": error_body(code, message, fields),
        "isBase64Encoded": False,
    }


# A path id longer than this names nothing (ULIDs are 26 characters, signed tokens ~100, addresses
# ≤ 254) and would not fit a DynamoDB key (1,024 bytes for a sort key).
MAX_ID_BYTES = 512

# What a person without a profile may do (after a first sign-in with Google or Facebook): complete it.
# Leaving is possible too (erasure), also before the profile was ever completed.
PROFILE_COMPLETION_ROUTES = frozenset({"POST /accounts/me/profile", "POST /accounts/me/erasure"})


def lambda_entry(
    app: APIGatewayHttpResolver,
    logger: Logger,
    tracing_enabled: Callable[[], bool],
    accounts_table: Callable[[], str],
) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The function's handler: logging context, the body and session gates, and tracing when the
    settings say so.

    Settings are read at the first invocation, not at import; the X-Ray SDK is imported only when
    tracing is on, so a function without tracing does not pay for it at cold start.
    """

    def resolve(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        request_id = ((event.get("requestContext") or {}).get("requestId")) or None
        logger.set_correlation_id(request_id)
        lang = i18n.negotiate(_header(event, "accept-language"))
        refused = BODY_GATE.check(event)
        if refused is not None:
            fields = {"body": i18n.text(refused.field_key, lang)} if refused.field_key else None
            logger.info("request rejected", extra={"reason": refused.code, "fields": sorted(fields or {})})
            return _refusal(refused.status, refused.code, i18n.text(refused.message_key, lang), fields)
        if bad := _odd_parameters(event, lang):
            logger.info("request rejected", extra={"reason": "parameters", "fields": sorted(bad)})
            return _refusal(422, "validation_error", i18n.text("request.invalid", lang), bad)
        if query := event.get("queryStringParameters"):  # surrounding blanks go, as from a body's texts
            event["queryStringParameters"] = {k: str(v).strip() for k, v in query.items()}
        claims = (((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt") or {}).get(
            "claims"
        )
        directory.forget()
        if claims:
            if claims.get("token_use", "access") != "access":  # an id token passes API Gateway's check
                return _refusal(401, "unauthorized", i18n.text("request.unauthorized", lang))
            session = sessions.check(aws.dynamodb(), accounts_table(), claims)
            if session == "ended":
                logger.info("request refused", extra={"code": "session_ended"})
                return _refusal(401, "session_ended", i18n.text("auth.session_ended", lang))
            if session == "incomplete" and event.get("routeKey") not in PROFILE_COMPLETION_ROUTES:
                logger.info("request refused", extra={"code": "profile_incomplete"})
                return _refusal(403, "profile_incomplete", i18n.text("auth.profile_incomplete", lang))
            path = str(event.get("rawPath") or "")
            if path.startswith(AGENT_PATHS) and not caller_from_event(event).is_agent:
                return _refusal(403, "forbidden", i18n.text("auth.agents_only", lang))
        if any(len(str(v).encode()) > MAX_ID_BYTES for v in (event.get("pathParameters") or {}).values()):
            # no id of ours is that long, and a database key could not hold it (was a 500: outside probe)
            return _refusal(404, "not_found", i18n.text("request.not_found", lang))
        return app.resolve(event, context)

    logged = with_lambda_context(logger)(resolve)
    chosen: list[Callable[[dict[str, Any], LambdaContext], dict[str, Any]]] = []

    def entry(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        if not chosen:
            if tracing_enabled():
                from aws_lambda_powertools import Tracer

                chosen.append(Tracer().capture_lambda_handler(logged))
            else:
                chosen.append(logged)
        return chosen[0](event, context)

    return entry
