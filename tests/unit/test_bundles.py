"""Each function ships what it imports, and nothing it doesn't.

`sam build` runs functions/Makefile's build-<LogicalId> target for every function: the bundle holds
functions/shared/, the function's own domain package(s) and exactly the distributions of its
functions/requirements/<name>.txt (`pip install --no-deps`). The local stack and the other tests run
from source with every package installed, so they cannot notice a bundle that lacks something. These
tests can:

- the Makefile has one bundle target per function of the template, and each function builds with it;
- in a fresh interpreter per function (one subprocess, one fork per function) where anything its
  bundle lacks cannot be imported, the handler module imports, and every third-party top-level module
  it loaded belongs to a distribution of its requirements file;
- what its code imports later (inside functions: Pillow and pypdf for attachments, e-mail validation,
  the X-Ray SDK behind Powertools' Tracer, tzdata behind zoneinfo) is in that file too, read from the
  source of every first-party module the handler can reach.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from infra.local.template import ROOT, Resolver, load

FUNCTIONS = ROOT / "functions"
FIRST_PARTY = ("accounts", "tickets", "inbox", "notifications", "kb", "mailfeedback", "realtime", "shared")
TARGET = re.compile(r"^build-(\w+):\n\t\$\(call bundle,([a-z_ ]+),([a-z0-9-]+)\)$", re.M)

# Imports the source can't show: what a stdlib module or an extra loads on the code's behalf.
IMPLIED = {
    "zoneinfo": "tzdata",  # Lambda's Amazon Linux 2023 has no system time-zone database
    "aws_lambda_powertools.Tracer": "aws-xray-sdk",  # Tracer imports the X-Ray SDK when tracing is on
}
# Reachable in the source, deliberately not shipped: (function, distribution) -> why it never runs there.
MAILED_FILES_ONLY = "tickets.attachments.judge runs in the scan and, for mailed files, the mail function"
NOT_SHIPPED = {
    ("TicketsFunction", "pillow"): MAILED_FILES_ONLY,
    ("TicketsFunction", "pypdf"): MAILED_FILES_ONLY,
}


@dataclass(frozen=True)
class Bundle:
    logical_id: str
    handler_module: str
    packages: tuple[str, ...]  # first-party packages besides shared
    requirements: str  # functions/requirements/<requirements>.txt

    def distributions(self) -> set[str]:
        path = FUNCTIONS / "requirements" / f"{self.requirements}.txt"
        lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
        return {canonicalize_name(Requirement(line).name) for line in lines if line}


def bundles() -> dict[str, Bundle]:
    targets = {
        m[1]: (tuple(m[2].split()), m[3]) for m in TARGET.finditer((FUNCTIONS / "Makefile").read_text())
    }
    found = {}
    for logical_id, function in Resolver(load()).resources("AWS::Serverless::Function").items():
        packages, requirements = targets.get(logical_id, ((), ""))
        handler_module = function["Properties"]["Handler"].rpartition(".")[0]
        found[logical_id] = Bundle(logical_id, handler_module, packages, requirements)
    return found


def test_every_function_builds_with_its_own_bundle_target() -> None:
    template = load()
    functions = Resolver(template).resources("AWS::Serverless::Function")
    targets = {m[1]: m[3] for m in TARGET.finditer((FUNCTIONS / "Makefile").read_text())}
    assert len(functions) >= 13
    assert set(targets) == set(functions)
    for logical_id in functions:
        assert template["Resources"][logical_id].get("Metadata") == {"BuildMethod": "makefile"}, logical_id
    assert template["Globals"]["Function"]["CodeUri"] == "functions/"
    for bundle in bundles().values():
        assert bundle.handler_module.split(".")[0] in bundle.packages, bundle
        assert set(bundle.packages) <= set(FIRST_PARTY) - {"shared"}, bundle
    files = {p.stem for p in (FUNCTIONS / "requirements").glob("*.txt")}
    assert files == set(targets.values()), "every requirements file is some function's, and exists"


PROBE = r"""
import importlib, importlib.abc, importlib.metadata, json, os, re, sys, sysconfig

specs = json.loads(sys.argv[1])
first_party = set(json.loads(sys.argv[2]))
owners = importlib.metadata.packages_distributions()
site = tuple({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
before = set(sys.modules)


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


class OnlyTheBundle(importlib.abc.MetaPathFinder):
    # Refuses a top-level module the bundle would not hold: another domain's package, or a module of
    # an installed distribution the function's requirements file doesn't list.
    def __init__(self, packages, distributions):
        self.packages, self.distributions, self.refused = packages, distributions, set()

    def find_spec(self, name, path=None, target=None):
        if "." in name or name in sys.stdlib_module_names:
            return None
        if name in first_party:
            shipped = name in self.packages
        elif name in owners:
            shipped = any(canonical(d) in self.distributions for d in owners[name])
        else:
            return None
        if shipped:
            return None
        self.refused.add(name)
        raise ModuleNotFoundError(f"No module named {name!r} (not in this bundle)", name=name)


def probe(spec):
    finder = OnlyTheBundle(set(spec["packages"]), set(spec["distributions"]))
    sys.meta_path.insert(0, finder)
    try:
        importlib.import_module(spec["module"])
        error = None
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
    loaded = {}
    for name, module in list(sys.modules.items()):
        if name in before or not (getattr(module, "__file__", None) or "").startswith(site):
            continue
        top = name.partition(".")[0]
        loaded[top] = sorted(canonical(d) for d in owners.get(top, []))
    return {"error": error, "loaded": loaded, "refused": sorted(finder.refused)}


results = {}
for logical_id, spec in specs.items():
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child imports one handler and reports; the parent stays clean for the next
        os.close(read)
        with os.fdopen(write, "w") as out:
            json.dump(probe(spec), out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer:
        results[logical_id] = json.loads(answer.read())
    os.waitpid(pid, 0)
print(json.dumps(results))
"""


def test_each_handler_imports_with_only_its_bundle_and_loads_only_what_it_lists() -> None:
    specs = {
        b.logical_id: {
            "module": b.handler_module,
            "packages": ["shared", *b.packages],
            "distributions": sorted(b.distributions()),
        }
        for b in bundles().values()
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(specs), json.dumps(FIRST_PARTY)],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(FUNCTIONS), "AWS_DEFAULT_REGION": "eu-central-1"},
        capture_output=True,
        text=True,
        check=True,
        timeout=90,
    )
    results = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(results) == set(specs)
    errors = {f: r["error"] for f, r in results.items() if r["error"]}
    assert errors == {}, "a handler needs something its bundle lacks"
    unlisted = {
        f: {
            top: dists
            for top, dists in r["loaded"].items()
            if not set(dists) & set(specs[f]["distributions"])
        }
        for f, r in results.items()
    }
    assert {f: u for f, u in unlisted.items() if u} == {}
    for function, result in results.items():
        assert {"boto3", "botocore", "aws_lambda_powertools"} <= set(result["loaded"]), (
            function
        )  # the probe saw them


def _imports(path: Path, module: str) -> set[str]:
    """Every module (and `module.name` of each from-import) this file imports, also inside functions;
    not what it imports for type checking only."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for statement in child.orelse:
                    visit(statement)
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - child.level + 1] + ([base] if base else []))
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in child.names)
            visit(child)

    visit(ast.parse(path.read_text()))
    return found


def _source(module: str) -> Path | None:
    path = FUNCTIONS.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def reachable_imports(module: str) -> tuple[set[str], set[str]]:
    """First-party modules reachable from `module` through any import statement, and the non-first-party
    imports of all of them."""
    seen: set[str] = set()
    outside: set[str] = set()
    pending = [module]
    while pending:
        name = pending.pop()
        if name in seen or (path := _source(name)) is None:
            continue
        seen.add(name)
        parts = name.split(".")
        pending += [".".join(parts[:i]) for i in range(1, len(parts))]
        for imported in _imports(path, name):
            if imported.split(".")[0] in FIRST_PARTY:
                pending.append(imported)
            else:
                outside.add(imported)
    return seen, outside


def test_what_the_code_imports_later_is_shipped_too() -> None:
    owners = importlib.metadata.packages_distributions()
    missing: dict[str, set[str]] = {}
    for bundle in bundles().values():
        modules, outside = reachable_imports(bundle.handler_module)
        needed = {f"package {m.split('.')[0]}" for m in modules} - {
            f"package {p}" for p in ("shared", *bundle.packages)
        }
        for name in outside:
            top = name.split(".")[0]
            if top not in sys.stdlib_module_names:
                needed |= {canonicalize_name(d) for d in owners.get(top, [f"unknown:{top}"])}
            needed |= {
                dist for prefix, dist in IMPLIED.items() if name == prefix or name.startswith(f"{prefix}.")
            }
        gaps = {n for n in needed - bundle.distributions() if (bundle.logical_id, n) not in NOT_SHIPPED}
        if gaps:
            missing[bundle.logical_id] = gaps
    assert missing == {}


def test_the_reach_finder_sees_lazy_imports_and_skips_type_checking_ones() -> None:
    modules, outside = reachable_imports("tickets.scan_handler")
    assert {"tickets.attachments", "shared.addresses"} <= modules
    assert {"PIL.Image", "pypdf.PdfReader", "email_validator"} <= outside
    assert not any(name.startswith("mypy_boto3") for name in outside)
    assert "kb" not in {m.split(".")[0] for m in modules}


def test_every_bundle_ships_bytecode_the_runtime_uses_without_its_source_time() -> None:
    """Lambda's /var/task is read-only: a bundle without bytecode is compiled at every cold start (boto3
    and four clients 440 instead of 210 ms). Every module of every bundle `sam build` left has hash-based,
    unchecked bytecode (PEP 552) for CPython 3.13; a first-party module's matches its source."""
    import importlib.util

    build = ROOT / ".aws-sam" / "build"
    if not (build / ".stamp").exists():
        pytest.skip("no bundles built: `make template` (make test builds them first)")
    wrong: list[str] = []
    for logical_id in bundles():
        folder = build / logical_id
        sources = list(folder.rglob("*.py"))
        assert len(sources) > 100, logical_id
        for source in sources:
            compiled = source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc"
            try:
                with compiled.open("rb") as bytecode:
                    header = bytecode.read(16)
            except FileNotFoundError:
                wrong.append(f"{source.relative_to(build)}: no bytecode")
                continue
            flags = int.from_bytes(header[4:8], "little")
            if header[:4] != importlib.util.MAGIC_NUMBER or flags != 0b01:
                wrong.append(f"{source.relative_to(build)}: flags {flags}")
            elif source.parts[len(folder.parts)] in FIRST_PARTY and header[
                8:16
            ] != importlib.util.source_hash(source.read_bytes()):
                wrong.append(f"{source.relative_to(build)}: stale")
    assert wrong[:20] == []
