"""Reusable input types: every API input model derives from InputModel, refuses unknown fields, and
refuses text no person types.

Control characters (NUL, ESC, …) and bidirectional overrides (U+202A–U+202E, U+2066–U+2069) are refused
in every string of every input model, here, once: stored, they end up in mails, SMS and agents'
screens, where an override turns "rechnung‮fdp.exe" into something else. Line breaks and tabs are
refused too, except in fields marked `Multiline` (descriptions, replies, article bodies).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]")
_LINE = re.compile("[\t\n\x0b\x0c\r\x85\u2028\u2029]")


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


class CleanText(BaseModel):
    """A model whose strings are text a person typed (see the module's docstring)."""

    @field_validator("*", mode="after")
    @classmethod
    def _clean_text(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        multiline = field is not None and any(isinstance(m, Multiline) for m in field.metadata)
        return check_text(value, multiline=multiline)


class InputModel(CleanText):
    """A request body: unknown fields are errors (a body can't smuggle `role` or `organisation_id`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class OutputModel(BaseModel):
    model_config = ConfigDict(frozen=True)


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
