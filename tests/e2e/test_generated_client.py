"""A frontend team's first day: a client generated from openapi.json by openapi-python-client, with
the project's generator settings (clients/openapi-python-client.yaml) and no hand edits, runs a
customer's journey against the running local stack, errors included."""

from __future__ import annotations

import importlib
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from infra.local.demo import ADMIN, AGENT
from infra.local.template import ROOT
from tests.e2e.conftest import RunningStack

PACKAGE = "support_portal_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    target = tmp_path_factory.mktemp("client") / PACKAGE
    generator = Path(sys.executable).with_name("openapi-python-client")
    subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(ROOT / "openapi.json"),
            "--config",
            str(ROOT / "clients" / "openapi-python-client.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(target),
            "--fail-on-warning",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    sys.path.insert(0, str(target.parent))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(target.parent))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def api(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.api.{name}")


def models() -> Any:
    return importlib.import_module(f"{PACKAGE}.models")


def test_a_customer_journey_with_the_generated_client(stack: RunningStack, generated: ModuleType) -> None:
    m = models()
    anonymous = generated.Client(base_url=stack.url, raise_on_unexpected_status=True)

    tokens = api("sessions.sign_in").sync(
        client=anonymous, body=m.SignInRequest(email=ADMIN.email, password=ADMIN.password)
    )
    assert isinstance(tokens, m.Tokens), tokens
    customer = generated.AuthenticatedClient(
        base_url=stack.url, token=tokens.access_token, raise_on_unexpected_status=True
    )
    me = api("profile.my_profile").sync(client=customer)
    assert isinstance(me, m.Profile) and me.email == ADMIN.email

    types = api("request_types.request_types").sync(client=anonymous)
    assert isinstance(types, m.RequestTypePage)
    bug = next(t for t in types.items if t.key == "bug_report")
    module_field = next(f for f in bug.fields if f.key == "module")
    choice = module_field.options[0]
    assert (choice.value, choice.label.de, choice.label.en) == (
        "booking",
        "Terminbuchung",
        "Appointment booking",
    )

    subject = f"Generierter Client {uuid.uuid4().hex[:6]}"
    fields = m.SubmissionFields.from_dict({"module": choice.value})
    ticket = api("tickets.submit").sync(
        client=customer,
        body=m.Submission(
            request_type="bug_report",
            subject=subject,
            description="Angelegt mit einem aus openapi.json erzeugten Client.",
            fields=fields,
        ),
    )
    assert isinstance(ticket, m.Ticket), ticket
    assert ticket.fields.to_dict() == {"module": "booking"}

    page = api("tickets.list_tickets").sync(client=customer)
    assert isinstance(page, m.TicketPage) and ticket.id in [t.id for t in page.items]

    reply = api("tickets.reply").sync(
        client=customer, ticket_id=ticket.id, body=m.ReplyCreate(body="Noch eine Ergänzung dazu.")
    )
    assert isinstance(reply, m.TimelineEntry) and reply.kind.value == "reply"

    inbox = api("inbox.list_inbox").sync(client=customer)
    assert isinstance(inbox, m.InboxPage)

    found = api("knowledge_base.public_search").sync(client=anonymous, q="Termin")
    assert isinstance(found, m.SearchResult)

    # A form shows every wrong field with its message, in the language asked for.
    english = generated.AuthenticatedClient(
        base_url=stack.url, token=tokens.access_token, headers={"Accept-Language": "en"}
    )
    refused = api("tickets.submit").sync_detailed(
        client=english,
        body=m.Submission(
            request_type="bug_report", subject="x", description="zu kurz", fields=m.SubmissionFields()
        ),
    )
    assert refused.status_code == 422 and isinstance(refused.parsed, m.Error)
    wrong = refused.parsed.error.fields.to_dict()
    assert set(wrong) == {"subject", "description", "fields.module"}
    assert wrong["fields.module"] == "This field is required."

    missing = api("tickets.get_ticket").sync_detailed(client=customer, ticket_id="01J00000000000000000000000")
    assert missing.status_code == 404 and isinstance(missing.parsed, m.Error)
    assert missing.parsed.error.code == "not_found" and missing.parsed.error.message

    # Signing out answers an empty 204, and the session has ended.
    signed_out = api("sessions.sign_out").sync_detailed(client=customer)
    assert signed_out.status_code == 204 and signed_out.parsed is None
    ended = api("profile.my_profile").sync_detailed(client=customer)
    assert ended.status_code == 401 and isinstance(ended.parsed, m.Error)
    assert ended.parsed.error.code == "session_ended"


def test_an_agent_lists_with_the_generated_client(stack: RunningStack, generated: ModuleType) -> None:
    m = models()
    anonymous = generated.Client(base_url=stack.url, raise_on_unexpected_status=True)
    tokens = api("sessions.sign_in").sync(
        client=anonymous, body=m.SignInRequest(email=AGENT.email, password=AGENT.password)
    )
    agent = generated.AuthenticatedClient(base_url=stack.url, token=tokens.access_token)
    waiting = api("agents.agent_tickets").sync(client=agent, status=m.AgentTicketsStatus.ALL, assignee="me")
    assert isinstance(waiting, m.TicketPage)
    articles = api("agents.all_articles").sync(client=agent)
    assert isinstance(articles, m.ArticleSummaryPage) and articles.items
