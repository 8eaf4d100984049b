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
from pydantic_core import PydanticCustomError

_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # control characters but tab, LF, CR
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"  # soft hyphen, CGJ, ALM, fillers, MVS
    "\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u206f"  # ZWSP, marks, separators, bidi
    "\u3164\ufeff\uffa0\ufff9-\ufffb\ufdd0-\ufdef\ufffe\uffff"  # fillers, BOM, noncharacters
    "\ud800-\udfff"  # lone surrogates
    "\U000e0000-\U000e007f\U0001fffe\U0001ffff\U0010fffe\U0010ffff]"  # tags, noncharacters
)
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


class CleanText(BaseModel):
    """A model whose strings are text a person typed (see the module's docstring)."""

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
    Field(min_length=3, max_length=254, examples=["anna.schmidt@praxis-schmidt.de"]),
    AfterValidator(normalise_email),
]
