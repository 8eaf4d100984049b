"""Reads template.yaml (CloudFormation short tags included) and resolves its intrinsic functions
against the resources the local stack created, so that the template stays the single source of truth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
NO_VALUE = object()


class _Loader(yaml.SafeLoader):
    pass


def _tag(name: str) -> Any:
    def construct(loader: _Loader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "Fn::GetAtt":
                value = str(value).split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {name: value}

    return construct


for _short in ("Ref", "Condition"):
    _Loader.add_constructor(f"!{_short}", _tag(_short))
for _fn in ("GetAtt", "Sub", "If", "Equals", "Not", "And", "Or", "Select", "Split", "Join", "FindInMap"):
    _Loader.add_constructor(f"!{_fn}", _tag(f"Fn::{_fn}"))


def load(path: Path = TEMPLATE) -> dict[str, Any]:
    with path.open() as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
        return loaded


@dataclass
class Resolver:
    """Resolves Ref, Fn::GetAtt, Fn::Sub, Fn::If and friends for the local stack."""

    template: dict[str, Any]
    parameters: dict[str, str] = field(default_factory=dict)
    physical_ids: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    region: str = "eu-central-1"
    account_id: str = "123456789012"
    stack_name: str = "support-portal-local"

    def parameter(self, name: str) -> str:
        if name in self.parameters:
            return self.parameters[name]
        definition = self.template.get("Parameters", {}).get(name, {})
        default = definition.get("Default", "")
        return ",".join(map(str, default)) if isinstance(default, list) else str(default)

    def pseudo(self, name: str) -> str | None:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::StackName": self.stack_name,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }.get(name)

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.template.get("Conditions", {})[name]))

    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        pseudo = self.pseudo(name)
        if pseudo is not None:
            return pseudo
        if name in self.template.get("Parameters", {}):
            definition = self.template["Parameters"][name]
            value = self.parameter(name)
            if definition.get("Type") == "CommaDelimitedList":
                return [v.strip() for v in value.split(",") if v.strip()]
            return value
        if name in self.physical_ids:
            return self.physical_ids[name]
        raise KeyError(f"Ref to {name}, which the local stack has not created")

    def _sub(self, text: str, extra: dict[str, Any]) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in extra:
                return str(extra[name])
            if "." in name:
                logical, attribute = name.split(".", 1)
                return self.attributes[logical][attribute]
            return str(self.ref(name))

        return re.sub(r"\$\{([^}!]+)\}", replace, text)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            resolved = [self.resolve(v) for v in value]
            return [v for v in resolved if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((fn, arg),) = value.items()
            if fn == "Ref":
                return self.ref(arg)
            if fn == "Condition":
                return self.condition(arg)
            if fn == "Fn::GetAtt":
                logical, attribute = arg if isinstance(arg, list) else str(arg).split(".", 1)
                return self.attributes[logical][attribute]
            if fn == "Fn::Sub":
                if isinstance(arg, list):
                    return self._sub(arg[0], {k: self.resolve(v) for k, v in arg[1].items()})
                return self._sub(arg, {})
            if fn == "Fn::If":
                name, yes, no = arg
                return self.resolve(yes if self.condition(name) else no)
            if fn == "Fn::Equals":
                left, right = (self.resolve(a) for a in arg)
                return str(left) == str(right)
            if fn == "Fn::Not":
                return not self.resolve(arg[0])
            if fn == "Fn::And":
                return all(self.resolve(a) for a in arg)
            if fn == "Fn::Or":
                return any(self.resolve(a) for a in arg)
            if fn == "Fn::Select":
                index, items = arg
                return self.resolve(items)[int(self.resolve(index))]
            if fn == "Fn::Split":
                separator, text = arg
                return str(self.resolve(text)).split(separator)
            if fn == "Fn::Join":
                separator, items = arg
                return separator.join(str(i) for i in self.resolve(items))
        return {k: r for k, r in ((k, self.resolve(v)) for k, v in value.items()) if r is not NO_VALUE}

    def resources(self, kind: str) -> dict[str, dict[str, Any]]:
        """Resources of one type whose condition (if any) holds."""
        return {
            name: resource
            for name, resource in self.template.get("Resources", {}).items()
            if resource.get("Type") == kind
            and ("Condition" not in resource or self.condition(resource["Condition"]))
        }
