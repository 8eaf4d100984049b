"""Reusable input types: every API input model derives from InputModel, refuses unknown fields and
loose types (strict: `"2"` is not a number, `true` not 1), and refuses text no person types.

Refused in every string of every input model (and every query parameter, see shared.resolver), here,
once: stored, such characters end up in mails, SMS and agents' screens, where an override turns
"rechnung‮fdp.exe" into something else and an invisible one makes two names look alike:
- control characters (C0 and C1, also VT, FF and NEL), lone surrogates and noncharacters;
- every bidirectional control: marks (LRM, RLM, ALM), embeddings, overrides, isolates;
- invisible characters: zero-width space, word joiner and invisible operators, byte-order mark, soft
  hyphen, Hangul fillers, Mongolian vowel separator, tag characters (the zero-width joiner and
  non-joiner stay: emoji sequences and some scripts need them).
Line breaks (LF, CR) and tabs only in fields marked `Multiline` (descriptions, replies, article bodies).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

_REFUSED = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # control characters but tab, LF, CR
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"  # soft hyphen, CGJ, ALM, fillers, MVS
    "\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u206f"  # ZWSP, marks, separators, bidi
    "\u3164\ufeff\uffa0\ufff9-\ufffb\ufdd0-\ufdef\ufffe\uffff"  # fillers, BOM, noncharacters
    "\ud800-\udfff"  # lone surrogates
    "\U000e0000-\U000e007f\U0001fffe\U0001ffff\U0010fffe\U0010ffff"  # tags, noncharacters
)
_CONTROL = re.compile(f"[{_REFUSED}]")
_LINE = re.compile("[\t\n\r]")


class Multiline:
    """Marks a text field that may hold line breaks and tabs: `Annotated[str, Multiline()]`."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Multiline)

    def __hash__(self) -> int:
        return hash(Multiline)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple | set | frozenset):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, BaseModel):
        return []  # a nested model checks its own fields
    return []


def cleaned_text(text: str, *, multiline: bool) -> str:
    """Text that came from outside the API (a received mail): what `check_text` refuses, removed
    (escape sequences, direction overrides, invisible characters); line breaks kept only when
    `multiline`, else each run of them one space."""
    text = _CONTROL.sub("", text)
    return text if multiline else " ".join(_LINE.sub(" ", text).split())


def check_text(value: Any, *, multiline: bool) -> Any:
    for text in _strings(value):
        if _CONTROL.search(text):
            raise PydanticCustomError("control_characters", "control or direction characters are not allowed")
        if not multiline and _LINE.search(text):
            raise PydanticCustomError("single_line", "line breaks are not allowed here")
    return value


def _marked_multiline(annotation: Any) -> bool:
    """Whether `Multiline()` annotates the type or any type inside it (`Description | None`)."""
    if any(isinstance(m, Multiline) for m in getattr(annotation, "__metadata__", ())):
        return True
    return any(_marked_multiline(a) for a in get_args(annotation))


def text_pattern(*, multiline: bool, nonblank: bool) -> str:
    """The same rule as a JSON-Schema pattern, for the API document: no refused character, line breaks
    only where allowed, and (`nonblank`, for a required text: surrounding blanks are stripped) at least
    one character that is not blank. Lone surrogates are left out: no JSON text in UTF-8 carries one."""
    refused = _REFUSED.replace("\ud800-\udfff", "")
    outer = f"[^{refused}]" if multiline else f"[^{refused}\t\n\r]"
    if not nonblank:
        return f"^{outer}*$"
    return f"^{outer}*[^{refused}\\s]{outer}*$"


def _add_text_patterns(schema: dict[str, Any], multiline: bool) -> None:
    """Every plain string inside a property's schema (also in lists, maps and `| None`) gets the text
    pattern; nested models ($ref) describe their own."""
    if schema.get("type") == "string" and not {"format", "enum", "const", "pattern"} & set(schema):
        nonblank = int(schema.get("minLength", 0)) >= 1
        schema["pattern"] = text_pattern(multiline=multiline, nonblank=nonblank)
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for option in schema.get(key, []):
            _add_text_patterns(option, multiline)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _add_text_patterns(schema[key], multiline)
    for option in (schema.get("patternProperties") or {}).values():
        _add_text_patterns(option, multiline)
    if isinstance(schema.get("propertyNames"), dict):
        _add_text_patterns(schema["propertyNames"], False)


def _document_text_rule(schema: dict[str, Any], model: type[BaseModel]) -> None:
    for name, field in model.model_fields.items():
        prop = schema.get("properties", {}).get(field.alias or name)
        if prop is not None:
            multiline = any(isinstance(m, Multiline) for m in field.metadata) or _marked_multiline(
                field.annotation
            )
            _add_text_patterns(prop, multiline)


def _absent_means_unchanged(schema: JsonDict) -> None:
    schema.pop("default", None)


def unchanged_when_absent() -> Any:
    """A field of a PATCH body: left out, the stored value stays; the schema shows no default (the
    service reads only `model_fields_set`). A field that may be removed is typed `… | None` and
    removed by an explicit null."""
    return Field(default=None, json_schema_extra=_absent_means_unchanged)


ACCEPTED: JsonDict = {"const": True}  # JSON Schema of a box that must be ticked (a consent)


class CleanText(BaseModel):
    """A model whose strings are text a person typed (see the module's docstring)."""

    model_config = ConfigDict(json_schema_extra=_document_text_rule)  # type: ignore[typeddict-item]

    @field_validator("*", mode="after")
    @classmethod
    def _clean_text(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        multiline = field is not None and (
            any(isinstance(m, Multiline) for m in field.metadata) or _marked_multiline(field.annotation)
        )
        return check_text(value, multiline=multiline)


class InputModel(CleanText):
    """A request body: unknown fields are errors (a body can't smuggle `role` or `organisation_id`)."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, frozen=True, strict=True, defer_build=True
    )


class OutputModel(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


def normalise_email(value: str) -> str:
    """Syntax check (no DNS: a registration must not depend on the network) and one canonical form,
    compared exactly from then on: see `shared.addresses.normalise`."""
    from shared.addresses import normalise

    try:
        return normalise(value)
    except ValueError:
        raise PydanticCustomError("email", "not a valid e-mail address") from None


Email = Annotated[
    str,
    Field(
        min_length=3,
        max_length=254,
        examples=["anna.schmidt@praxis-schmidt.de"],
        json_schema_extra={"format": "email"},
    ),
    AfterValidator(normalise_email),
]
