"""A real browser against the running local stack, as the portal's web frontend will call it: Debian's
headless Chromium (/usr/bin/chromium, installed by `make install`), driven by Playwright, loads a page
from a development origin (http://localhost:5173, allowed by the local stack's CorsAllowOrigins) and
calls the API with `fetch`: CORS preflights, a bearer token, JSON bodies, an address in a path, a 429's
Retry-After. A page of another origin cannot read the API's answers. Also: the stack's console keeps
the functions' JSON logs out and names the file they go to."""

from __future__ import annotations

import json
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from infra.local.demo import ADMIN
from infra.local.services import free_port
from infra.local.template import ROOT
from tests.e2e.conftest import RunningStack

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FRONTEND_PORT = 5173  # Vite's; the local stack allows http://localhost:5173 and http://127.0.0.1:5173
PAGE = (
    b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Portal</title></head><body>Portal</body></html>"
)


class _PageHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.send_header("content-length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: Any) -> None:
        return


def _serve_page(port: int) -> ThreadingHTTPServer | None:
    """A web server of the page on 127.0.0.1:port, or None when the port is taken (a running Vite)."""
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), _PageHandler)
    except OSError:
        return None
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return server


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        pytest.fail(f"{CHROMIUM} is missing; `make install` installs Debian's chromium package")
    pytest.skip(f"{CHROMIUM} is absent and cannot be installed here (needs apt-get as root): no real browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _page_at(browser: Any, origin: str, server: ThreadingHTTPServer | None) -> Any:
    """A page whose origin is `origin`: served by `server`, or (port taken) handed over by the browser's
    request interception, which gives the page the same origin without a server. Such a page has no
    address, so Chromium asks before it reaches a loopback address: the permission is granted, as a
    developer would."""
    context = browser.new_context()
    if server is None:
        context.grant_permissions(["local-network-access"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    if server is None:
        page.route(f"{origin}/", lambda route: route.fulfill(status=200, content_type="text/html", body=PAGE))
    page.goto(f"{origin}/")
    return page


JOURNEY = """async ({api, email, password, cc, anonymous}) => {
  const json = {"content-type": "application/json"};
  const signIn = await fetch(`${api}/accounts/sessions`,
    {method: "POST", headers: json, body: JSON.stringify({email, password})});
  const token = (await signIn.json()).access_token;
  const auth = {...json, authorization: `Bearer ${token}`};
  const created = await fetch(`${api}/tickets`, {method: "POST", headers: auth, body: JSON.stringify({
    request_type: "bug_report", subject: "Aus dem Browser", cc: [cc],
    description: "Dieses Ticket hat ein Browser über CORS angelegt.", fields: {module: "notifications"}})});
  const ticket = await created.json();
  const removed = await fetch(`${api}/tickets/${ticket.id}/cc/${encodeURIComponent(cc)}`,
    {method: "DELETE", headers: {authorization: `Bearer ${token}`}});
  const statuses = [];
  let limited = null;
  for (let i = 0; i < 6; i++) {
    limited = await fetch(`${api}/tickets/anonymous`, {method: "POST", headers: json, body: JSON.stringify(anonymous)});
    statuses.push(limited.status);
  }
  return {signIn: signIn.status, tokenType: typeof token, created: created.status, ccBefore: ticket.cc,
          removed: removed.status, ccAfter: (await removed.json()).cc, statuses,
          retryAfter: limited.headers.get("retry-after"), limited: await limited.json()};
}"""

REFUSED = """async ({api, email, password}) => {
  const outcome = async (call) => { try { const r = await call(); return `read ${r.status}`; }
                                    catch (error) { return `${error.name}: ${error.message}`; } };
  return {
    simple: await outcome(() => fetch(`${api}/accounts/health`)),
    preflighted: await outcome(() => fetch(`${api}/accounts/sessions`, {method: "POST",
      headers: {"content-type": "application/json"}, body: JSON.stringify({email, password})})),
  };
}"""


def test_a_page_of_the_dev_origin_signs_in_and_calls_the_api_with_fetch(
    stack: RunningStack, browser: Any
) -> None:
    server = _serve_page(FRONTEND_PORT)
    try:
        page = _page_at(browser, f"http://localhost:{FRONTEND_PORT}", server)
        cc = f"anna.cc+{uuid.uuid4().hex[:6]}@praxis.example"  # "@" and "+" percent-encoded by the page
        anonymous = {
            "request_type": "no_such_type",  # refused after the per-address count: no ticket, no mail
            "email": f"gast-{uuid.uuid4().hex[:8]}@praxis-gast.example",
            "full_name": "Gerd Gast",
            "company": "Praxis Gast",
            "subject": "Wie lege ich einen Kalender an?",
            "description": "Ich finde die Einstellung für einen zweiten Kalender nicht.",
            "privacy_consent": True,
        }
        result = page.evaluate(
            JOURNEY,
            {
                "api": stack.url,
                "email": ADMIN.email,
                "password": ADMIN.password,
                "cc": cc,
                "anonymous": anonymous,
            },
        )
        page.context.close()
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
    assert result["signIn"] == 200 and result["tokenType"] == "string"
    assert result["created"] == 201 and result["ccBefore"] == [cc]
    assert result["removed"] == 200 and result["ccAfter"] == []  # the decoded address reached the route
    assert 429 not in result["statuses"][:5] and result["statuses"][5] == 429, result["statuses"]
    assert int(result["retryAfter"]) > 0  # readable: the API exposes Retry-After
    assert result["limited"]["error"]["code"] == "rate_limited"


def test_a_page_of_another_origin_cannot_read_the_api(stack: RunningStack, browser: Any) -> None:
    server = _serve_page(free_port())
    assert server is not None
    try:
        page = _page_at(browser, f"http://127.0.0.1:{server.server_address[1]}", server)
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        result = page.evaluate(REFUSED, {"api": stack.url, "email": ADMIN.email, "password": ADMIN.password})
        page.context.close()
    finally:
        server.shutdown()
        server.server_close()
    assert result == {"simple": "TypeError: Failed to fetch", "preflighted": "TypeError: Failed to fetch"}
    # refused by the browser for CORS (the stack answered): once for the answer, once for the preflight
    assert sum("has been blocked by CORS policy" in text for text in console) == 2, console


def test_the_console_shows_the_banner_and_the_function_logs_go_to_their_file(stack: RunningStack) -> None:
    printed = "".join(stack.output)
    log = ROOT / ".local" / "logs" / f"functions-{stack.port}.jsonl"
    assert f"Function logs     .local/logs/functions-{stack.port}.jsonl" in printed
    assert f"http://localhost:{FRONTEND_PORT}" in printed  # the CORS origins
    assert not [line for line in stack.output if line.lstrip().startswith("{")]  # no JSON log lines here
    logged = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert {"AccountsFunction", "TicketsFunction"} <= {entry.get("function_name") for entry in logged}
