"""The project's files agree with each other: bundle requirements, templates, messages, OpenAPI."""

from __future__ import annotations

import json
import re
import tomllib

from infra import openapi
from infra.local.template import ROOT, Resolver, load

FUNCTIONS = ROOT / "functions"


def _requirements() -> set[str]:
    lines = (FUNCTIONS / "requirements.txt").read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_lambda_requirements_match_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert set(project["project"]["dependencies"]) == _requirements()


def test_every_mail_template_exists_in_both_languages_and_all_parts() -> None:
    for folder in FUNCTIONS.glob("*/mail_templates/*"):
        if folder.is_dir():
            names = {p.name for p in folder.iterdir()}
            expected = {
                f"{lang}.{part}" for lang in ("de", "en") for part in ("subject.txt", "body.txt", "body.html")
            }
            assert names == expected, folder


def test_every_message_is_in_german_and_english() -> None:
    """Which keys each function needs is tests/unit/test_message_catalogues.py's question."""
    import accounts
    import inbox
    import kb
    import notifications
    import tickets
    from shared import i18n

    assert {accounts, inbox, kb, notifications, tickets}
    for key in i18n.all_keys():
        assert set(i18n._CATALOGUE[key]) == {"de", "en"}, key


def test_openapi_document_is_up_to_date() -> None:
    committed = json.loads((ROOT / "openapi.json").read_text())
    assert committed == json.loads(json.dumps(openapi.document())), "run `make openapi`"


def test_every_http_route_of_the_template_has_a_handler_route_and_back() -> None:
    resolver = Resolver(load())
    template_routes = set()
    for function in resolver.resources("AWS::Serverless::Function").values():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "HttpApi":
                template_routes.add((event["Properties"]["Method"].lower(), event["Properties"]["Path"]))
    documented = {(m, p) for p, ops in openapi.document()["paths"].items() for m in ops}
    assert template_routes == documented


def test_public_routes_are_exactly_the_intended_ones() -> None:
    public = {
        (m, p)
        for p, ops in openapi.document()["paths"].items()
        for m, op in ops.items()
        if "security" not in op
    }
    assert public == {
        ("get", "/accounts/health"),
        ("post", "/accounts/registrations"),
        ("post", "/accounts/activation"),
        ("post", "/accounts/sessions"),
        ("post", "/accounts/sessions/refresh"),
        ("post", "/accounts/password/forgot"),
        ("post", "/accounts/password/reset"),
        ("get", "/request-types"),
        ("post", "/tickets/anonymous"),
        ("get", "/kb/folders"),
        ("get", "/kb/folders/{folder_id}"),
        ("get", "/kb/articles/{article_id}"),
        ("get", "/kb/search"),
        ("post", "/kb/suggestions"),
        ("post", "/kb/articles/{article_id}/deflections"),
        ("post", "/kb/articles/{article_id}/anonymous-votes"),
        ("get", "/downloads/{token}"),  # the signed, short-lived link is the permission
    }


def test_template_resolver_handles_the_intrinsics_in_use() -> None:
    resolver = Resolver(load(), parameters={"Stage": "qa", "GoogleClientId": ""})
    resolver.physical_ids.update({"UserPool": "pool-1", "WebClient": "c-1"})
    assert resolver.resolve({"Fn::Sub": "support-portal-${Stage}"}) == "support-portal-qa"
    assert resolver.resolve({"Fn::If": ["HasGoogle", "yes", "no"]}) == "no"
    assert resolver.resolve(["a", {"Fn::If": ["HasGoogle", "x", {"Ref": "AWS::NoValue"}]}]) == ["a"]
    assert resolver.resolve({"Fn::Select": [1, {"Fn::Split": ["@", "a@b.example"]}]}) == "b.example"
    assert "GoogleIdentityProvider" not in resolver.resources("AWS::Cognito::UserPoolIdentityProvider")
    with_google = Resolver(load(), parameters={"GoogleClientId": "g"})
    assert "GoogleIdentityProvider" in with_google.resources("AWS::Cognito::UserPoolIdentityProvider")


def test_no_module_imports_boto3_outside_adapters_and_stores() -> None:
    allowed = {
        "store.py",
        "aws.py",
        "dynamo.py",
        "ratelimit.py",
        "identity_provider.py",
        "resolver.py",
        "dependencies.py",
    }
    for source in FUNCTIONS.rglob("*.py"):
        if source.name in allowed:
            continue
        text = source.read_text()
        assert not re.search(r"^\s*(import boto3|from boto3)", text, re.M), source
