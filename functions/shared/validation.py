"""Reusable input types: every API input model derives from InputModel and refuses unknown fields."""

from __future__ import annotations

from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError


class InputModel(BaseModel):
    """A request body: unknown fields are errors (a body can't smuggle `role` or `organisation_id`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class OutputModel(BaseModel):
    model_config = ConfigDict(frozen=True)


def normalise_email(value: str) -> str:
    """Syntax check (no DNS: a registration must not depend on the network) and one canonical form.

    The domain is lower-cased by the validator; the local part is lower-cased too, because every mail
    provider our users have treats it case-insensitively and duplicates by case are worse than none.
    """
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise PydanticCustomError("email", "not a valid e-mail address") from None
    return result.normalized.lower()


Email = Annotated[
    str,
    Field(min_length=3, max_length=254, examples=["anna.schmidt@praxis-schmidt.de"]),
    AfterValidator(normalise_email),
]
