"""Brings the whole system up on 127.0.0.1: DynamoDB Local, moto's server, every resource of
template.yaml, one process per function, the HTTP API, event delivery and (optionally) demo data."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra import openapi
from infra.local import outbox, provision
from infra.local.activity import Activity
from infra.local.delivery import EventDelivery
from infra.local.federation import FederatedSignIn
from infra.local.http_api import (
    Cors,
    LocalHttpApi,
    cors_from_template,
    json_response,
    routes_from_template,
    static_files,
)
from infra.local.inbound_mail import InboundMail
from infra.local.lambda_runtime import FunctionProcess
from infra.local.mail_feedback import MailFeedback
from infra.local.realtime import LocalWebSocketApi
from infra.local.services import DynamoDBLocal, MotoServer, free_port
from infra.local.template import Resolver, load

REGION = "eu-central-1"
LIVE_PAGE = Path(__file__).parent / "live.html"  # the notification centre, for frontend developers
# Where a web frontend runs during development (Vite's default port); the template's CorsAllowOrigins
# gets these and the local API's own origins (Swagger UI on localhost or 127.0.0.1) unless overridden.
DEV_FRONTEND_ORIGINS = ("http://localhost:5173", "http://127.0.0.1:5173")
SWAGGER_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Support portal API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/openapi.json", dom_id: "#ui"});</script></body></html>"""


@dataclass
class LocalStack:
    api_port: int = 0
    websocket_port: int = 0
    dynamodb_port: int = 0
    moto_port: int = 0
    parameters: dict[str, str] = field(default_factory=dict)
    function_log: Path | None = None  # the functions' own log lines; None: this process's output
    activity: Activity = field(default_factory=Activity)  # one line per request and delivered event
    resolver: Resolver = field(init=False)
    functions: dict[str, FunctionProcess] = field(default_factory=dict)
    cors: Cors | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.api_port = self.api_port or free_port()
        self.websocket_port = self.websocket_port or free_port()
        self.dynamodb = DynamoDBLocal(self.dynamodb_port or None)
        self.moto = MotoServer(self.moto_port or None)
        self._threads: list[threading.Thread] = []
        self._api: LocalHttpApi | None = None
        self._delivery: EventDelivery | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def environment(self) -> dict[str, str]:
        """What every local function gets on top of its template variables."""
        return {
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_ENDPOINT_URL": self.moto.endpoint,
            "AWS_ENDPOINT_URL_DYNAMODB": self.dynamodb.endpoint,
            "POWERTOOLS_DEV": "false",
            # the WebSocket API of this stack (infra/local/realtime.py) instead of execute-api's
            "REALTIME_ENDPOINT": f"{self.api_url}/_local/realtime",
            "REALTIME_URL": self.websocket_url,
        }

    @property
    def websocket_url(self) -> str:
        return f"ws://127.0.0.1:{self.websocket_port}"

    def start(self) -> None:
        self.dynamodb.start()
        self.moto.start()
        own_origins = (f"http://localhost:{self.api_port}", f"http://127.0.0.1:{self.api_port}")
        params = {
            "Stage": "local",
            "PortalUrl": f"{self.api_url}/portal",
            "PublicApiUrl": self.api_url,
            "CorsAllowOrigins": ",".join((*DEV_FRONTEND_ORIGINS, *own_origins)),
            **self.parameters,
        }
        self.resolver = Resolver(load(), parameters=params, region=REGION)
        self.cors = cors_from_template(self.resolver)
        if self.function_log is not None:
            self.function_log.parent.mkdir(parents=True, exist_ok=True)
            self.function_log.write_text("")
        provision.everything(self.resolver, self.dynamodb.endpoint, self.moto.endpoint)
        functions = self.resolver.resources("AWS::Serverless::Function")
        globals_ = self.resolver.template.get("Globals", {}).get("Function", {})
        for logical, function in functions.items():
            props = function["Properties"]
            environment = {**provision.function_environment(self.resolver, logical), **self.environment()}
            self.functions[logical] = FunctionProcess(
                logical,
                props["Handler"],
                environment,
                props.get("CodeUri", globals_.get("CodeUri", ".")),
                log_path=None if self.function_log is None else str(self.function_log),
            )
        # Each function's process starts at its first invocation, as Lambda starts a sandbox: a
        # function nobody calls costs nothing, and the first call pays its cold start.
        self._websockets = LocalWebSocketApi(
            self.resolver, self.functions, self.websocket_port, self.activity
        )
        self._spawn(self._websockets.serve_forever, "websocket-api")
        self._websockets.wait_started()
        swagger = _swagger_dir()
        extras: dict[str, Any] = {
            "/openapi.json": lambda m, p, b: json_response(openapi.document()),
            "/docs": lambda m, p, b: (200, "text/html", SWAGGER_HTML.encode()),
            "/_local/outbox": self._outbox,
            "/_local/config": lambda m, p, b: json_response(self.config()),
            "/_local/inbound-email": InboundMail(
                self.resolver,
                provision.client("s3", self.moto.endpoint, REGION),
                self.functions,
                self.activity,
            ),
            "/_local/realtime/": lambda m, p, b: self._websockets.manage(m, p, b),
            "/_local/live": lambda m, p, b: (200, "text/html; charset=utf-8", LIVE_PAGE.read_bytes()),
            "/_local/federated-sign-in": FederatedSignIn(self.resolver, self.functions, self.activity),
            "/_local/mail-feedback": MailFeedback(
                self.resolver, provision.client("events", self.moto.endpoint, REGION)
            ),
        }
        if swagger is not None:
            extras["/docs/"] = static_files(swagger, "/docs/")
        routes = routes_from_template(self.resolver, self.moto.endpoint)
        self._api = LocalHttpApi(routes, self.functions, self.api_port, extras, self.cors, self.activity)
        self._spawn(self._api.serve_forever, "http-api")
        self._delivery = EventDelivery(
            self.resolver, self.functions, self.moto.endpoint, REGION, self.activity
        )
        self._delivery.start()

    def _spawn(self, target: Any, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _outbox(self, method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
        if method == "DELETE":
            outbox.clear(REGION)
            return 204, "application/json", b""
        return json_response({"mails": outbox.mails(REGION), "sms": outbox.sms(REGION)})

    def config(self) -> dict[str, Any]:
        return {
            "api_url": self.api_url,
            "websocket_url": self.websocket_url,
            "dynamodb_endpoint": self.dynamodb.endpoint,
            "moto_endpoint": self.moto.endpoint,
            "region": REGION,
            "resources": dict(self.resolver.physical_ids),
            "cors_allow_origins": list(self.cors.allow_origins) if self.cors else [],
            "function_log": str(self.function_log) if self.function_log else None,
        }

    def stop(self) -> None:
        if self._delivery is not None:
            self._delivery.stop()
        if self._api is not None:
            self._api.shutdown()
        for process in self.functions.values():
            process.stop()
        self.moto.stop()
        self.dynamodb.stop()


def _swagger_dir() -> Any:
    try:
        import swagger_ui_bundle
    except ImportError:
        return None
    from pathlib import Path

    return Path(swagger_ui_bundle.swagger_ui_path)


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
