"""Every function answers in words it has: the message keys its own code can raise are in the catalogues
that its own handler registers (its domain's and the shared one).

Lambda loads one handler per sandbox, so a key that only another domain registers crashes there while
a test that imports every handler in one process sees nothing. This test imports each handler of the
template alone, in a fresh interpreter, and reads the keys from exactly the modules it loaded.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from infra.local.template import ROOT, Resolver, load

FUNCTIONS = ROOT / "functions"
ERROR_CLASSES = {
    "DomainError",
    "Invalid",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "Conflict",
    "LinkInvalid",
    "RateLimited",
    "DependencyFailed",
}
TEXT_FUNCTIONS = {"text"}

PROBE = """
import importlib, json, sys
first_party = ("accounts", "tickets", "inbox", "notifications", "kb", "shared", "realtime", "privacy")
result = {}
for handler in json.loads(sys.argv[1]):
    for name in [m for m in sys.modules if m.split(".")[0] in first_party]:
        del sys.modules[name]
    importlib.import_module(handler.rpartition(".")[0])
    from shared import i18n
    files = sorted(
        m.__file__ for m in list(sys.modules.values())
        if (getattr(m, "__file__", None) or "").startswith(sys.argv[2])
    )
    result[handler] = {"files": files, "keys": sorted(i18n.all_keys())}
print(json.dumps(result))
"""


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _strings(node: ast.expr | None) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    return set()


def keys_used(source: str) -> set[str]:
    """Message keys passed literally to a domain error, a FieldError or i18n's text()."""
    used: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        args = list(node.args)
        keywords = {k.arg: k.value for k in node.keywords}
        if name in ERROR_CLASSES | TEXT_FUNCTIONS and args:
            used |= _strings(args[0])
        elif name == "FieldError":
            used |= _strings(args[1] if len(args) > 1 else keywords.get("message_key"))
    return {k for k in used if "." in k and " " not in k}


def _handlers() -> list[str]:
    functions = Resolver(load()).resources("AWS::Serverless::Function")
    return sorted({f["Properties"]["Handler"] for f in functions.values()})


def test_the_key_finder_sees_the_forms_in_use() -> None:
    source = """
raise Forbidden("auth.agents_only")
raise Conflict("a.one" if x else "a.two", ticket_id=1)
FieldError("email", "ticket.cc_full")
FieldError(field="x", message_key="b.three")
text("c.four", lang)
i18n.text("c.five", lang)
"""
    assert keys_used(source) == {
        "auth.agents_only",
        "a.one",
        "a.two",
        "ticket.cc_full",
        "b.three",
        "c.four",
        "c.five",
    }


def test_each_function_registers_every_key_its_own_code_uses() -> None:
    handlers = _handlers()
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(handlers), str(FUNCTIONS)],
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": f"{FUNCTIONS}:{ROOT}",
            "AWS_DEFAULT_REGION": "eu-central-1",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    missing: dict[str, list[str]] = {}
    for handler, found in loaded.items():
        used: set[str] = set()
        for file in found["files"]:
            used |= keys_used(Path(file).read_text())
        if gaps := sorted(used - set(found["keys"])):
            missing[handler] = gaps
    assert len(loaded) == len(handlers) >= 12
    assert missing == {}
