"""The project's files agree with each other: bundle requirements, templates, messages, OpenAPI."""

from __future__ import annotations

import importlib.metadata
import json
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from infra import openapi
from infra.local.template import ROOT, Resolver, load

FUNCTIONS = ROOT / "functions"
# Where the bundles run: Lambda's python3.13 on arm64 (for the environment markers of dependencies).
LAMBDA_MARKERS = {
    "python_version": "3.13",
    "python_full_version": "3.13.0",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "aarch64",
    "os_name": "posix",
}


def _requirements() -> set[str]:
    lines = (FUNCTIONS / "requirements.txt").read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def _pins(path: Path) -> dict[str, Requirement]:
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    found = [Requirement(line) for line in lines if line]
    pins = {canonicalize_name(r.name): r for r in found}
    assert len(pins) == len(found), f"{path.name} names a distribution twice"
    return pins


def _pinned(requirement: Requirement) -> Version:
    (spec,) = requirement.specifier
    assert spec.operator == "==" and "*" not in spec.version, f"not an exact pin: {requirement}"
    return Version(spec.version)


def _function_requirements() -> dict[str, dict[str, Requirement]]:
    files = sorted((FUNCTIONS / "requirements").glob("*.txt"))
    assert len(files) >= 5
    return {path.name: _pins(path) for path in files}


def test_lambda_requirements_match_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert set(project["project"]["dependencies"]) == _requirements()


def test_each_function_ships_a_subset_of_the_union_with_the_same_pins() -> None:
    """functions/requirements.txt is the union of the per-function files (functions/Makefile installs
    one of those into each bundle), every entry an exact pin."""
    union = _pins(FUNCTIONS / "requirements.txt")
    shipped: set[str] = set()
    for name, pins in _function_requirements().items():
        for dist, requirement in pins.items():
            assert dist in union, f"{name}: {dist} is not in functions/requirements.txt"
            assert _pinned(requirement) == _pinned(union[dist]), f"{name}: {requirement} vs {union[dist]}"
            assert requirement.extras <= union[dist].extras, f"{name}: {requirement}"
            assert requirement.marker is None, f"{name}: {requirement}"
            shipped.add(dist)
    assert shipped == set(union), "the union lists only what some function ships"


def test_the_dev_environment_runs_the_shipped_versions_and_ships_one_aws_sdk() -> None:
    """What the tests run is what ships: every pin is the installed version, and the SDK that the
    bundles ship instead of the runtime's is one set (boto3 with the botocore and s3transfer it was
    tested with)."""
    union = _pins(FUNCTIONS / "requirements.txt")
    for dist, requirement in union.items():
        assert Version(importlib.metadata.version(dist)) == _pinned(requirement), dist
    assert {"boto3", "botocore", "s3transfer"} <= set(union)
    for name, pins in _function_requirements().items():
        assert {"boto3", "botocore", "s3transfer"} <= set(pins), name


def test_each_requirements_file_lists_what_its_distributions_depend_on() -> None:
    """The bundles are installed with --no-deps: each file must hold its distributions' dependencies
    (for Lambda's platform, with the extras it asks for), pinned to versions they accept."""
    for name, pins in _function_requirements().items():
        for dist, requirement in pins.items():
            extras = ["", *sorted(requirement.extras)]
            for line in importlib.metadata.requires(dist) or []:
                needed = Requirement(line)
                if needed.marker and not any(
                    needed.marker.evaluate({**LAMBDA_MARKERS, "extra": extra}) for extra in extras
                ):
                    continue
                key = canonicalize_name(needed.name)
                assert key in pins, f"{name}: {dist} needs {needed}"
                assert needed.specifier.contains(_pinned(pins[key]), prereleases=True), f"{name}: {needed}"
                assert needed.extras <= pins[key].extras, f"{name}: {dist} needs {needed}"


def test_every_mail_template_exists_in_both_languages_and_all_parts() -> None:
    for folder in FUNCTIONS.glob("*/mail_templates/*"):
        if folder.is_dir():
            names = {p.name for p in folder.iterdir()}
            expected = {
                f"{lang}.{part}"
                for lang in ("de", "en")
                for part in ("subject.txt", "body.html")  # text: from the HTML
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
        ("get", "/accounts/providers"),
        ("post", "/accounts/email/confirmation"),
        ("post", "/accounts/registrations"),
        ("post", "/accounts/activation"),
        ("post", "/accounts/sessions"),
        ("post", "/accounts/sessions/refresh"),
        ("post", "/accounts/password/forgot"),
        ("post", "/accounts/password/reset"),
        ("get", "/request-types"),
        ("post", "/tickets/anonymous"),
        ("post", "/attachments/anonymous"),
        ("post", "/inbox/unsubscribe/{token}"),
        ("get", "/attachments/anonymous/{attachment_id}"),
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
