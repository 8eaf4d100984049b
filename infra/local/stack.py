"""Brings the whole system up on 127.0.0.1: DynamoDB Local, moto's server, every resource of
template.yaml, one process per function, the HTTP API, event delivery and (optionally) demo data."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from infra import openapi
from infra.local import outbox, provision
from infra.local.delivery import EventDelivery
from infra.local.http_api import LocalHttpApi, json_response, routes_from_template, static_files
from infra.local.inbound_mail import InboundMail
from infra.local.lambda_runtime import FunctionProcess
from infra.local.services import DynamoDBLocal, MotoServer, free_port
from infra.local.template import Resolver, load

REGION = "eu-central-1"
SWAGGER_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Support portal API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/openapi.json", dom_id: "#ui"});</script></body></html>"""


@dataclass
class LocalStack:
    api_port: int = 0
    dynamodb_port: int = 0
    moto_port: int = 0
    parameters: dict[str, str] = field(default_factory=dict)
    resolver: Resolver = field(init=False)
    functions: dict[str, FunctionProcess] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.api_port = self.api_port or free_port()
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
        }

    def start(self) -> None:
        self.dynamodb.start()
        self.moto.start()
        params = {
            "Stage": "local",
            "PortalUrl": f"{self.api_url}/portal",
            "CorsAllowOrigins": "http://127.0.0.1",
            **self.parameters,
        }
        self.resolver = Resolver(load(), parameters=params, region=REGION)
        provision.everything(self.resolver, self.dynamodb.endpoint, self.moto.endpoint)
        functions = self.resolver.resources("AWS::Serverless::Function")
        globals_ = self.resolver.template.get("Globals", {}).get("Function", {})
        for logical, function in functions.items():
            props = function["Properties"]
            environment = {**provision.function_environment(self.resolver, logical), **self.environment()}
            self.functions[logical] = FunctionProcess(
                logical, props["Handler"], environment, props.get("CodeUri", globals_.get("CodeUri", "."))
            )
        for process in self.functions.values():
            process.start()
        swagger = _swagger_dir()
        extras: dict[str, Any] = {
            "/openapi.json": lambda m, p, b: json_response(openapi.document()),
            "/docs": lambda m, p, b: (200, "text/html", SWAGGER_HTML.encode()),
            "/_local/outbox": self._outbox,
            "/_local/config": lambda m, p, b: json_response(self.config()),
            "/_local/inbound-email": InboundMail(
                self.resolver, provision.client("s3", self.moto.endpoint, REGION), self.functions
            ),
        }
        if swagger is not None:
            extras["/docs/"] = static_files(swagger, "/docs/")
        routes = routes_from_template(self.resolver, self.moto.endpoint)
        self._api = LocalHttpApi(routes, self.functions, self.api_port, extras)
        self._spawn(self._api.serve_forever, "http-api")
        self._delivery = EventDelivery(self.resolver, self.functions, self.moto.endpoint, REGION)
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
            "dynamodb_endpoint": self.dynamodb.endpoint,
            "moto_endpoint": self.moto.endpoint,
            "region": REGION,
            "resources": dict(self.resolver.physical_ids),
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
