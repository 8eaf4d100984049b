"""API models of the accounts domain (input and output kept apart from the stored records in store.py)."""

from __future__ import annotations

import itertools
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from shared.i18n import Language
from shared.validation import ACCEPTED, Email, InputModel, OutputModel, text_pattern

Role = Literal["admin", "member"]
MIN_PASSWORD_LENGTH = 10


def _password_pattern() -> str:
    """A lower-case letter, an upper-case letter and a digit in any order, among characters the text
    rule allows: written as alternatives, not look-aheads, so that client-side validators and test
    generators read it fast (the length is minLength's)."""
    allowed = text_pattern(multiline=False, nonblank=False)[1:-2]  # "[^…]" of "^[^…]*$"
    orders = itertools.permutations(("[a-z]", "[A-Z]", "[0-9]"))
    return (
        "^(?:" + "|".join("".join(f"{allowed}*{c}" for c in order) + f"{allowed}*" for order in orders) + ")$"
    )


PASSWORD_PATTERN = _password_pattern()


def _strong_password(value: str) -> str:
    """Mirrors the user pool's policy (template.yaml) so the user learns every rule at once."""
    if not (re.search(r"[a-z]", value) and re.search(r"[A-Z]", value) and re.search(r"\d", value)):
        raise PydanticCustomError("password_weak", "needs lower and upper case letters and a digit")
    return value


Password = Annotated[
    str,
    Field(
        min_length=MIN_PASSWORD_LENGTH,
        max_length=256,
        examples=["Sommer-Praxis-2026"],
        description="At least 10 characters with a lower-case and an upper-case letter and a digit",
        json_schema_extra={"pattern": PASSWORD_PATTERN},
    ),
    AfterValidator(_strong_password),
]
FullName = Annotated[str, Field(min_length=2, max_length=120, examples=["Dr. Anna Schmidt"])]
Token = Annotated[str, Field(min_length=20, max_length=200, description="The token from the e-mailed link")]


def _consented(value: bool) -> bool:
    if value is not True:
        raise PydanticCustomError("consent_required", "the privacy policy must be accepted")
    return value


def _confirmed(value: bool) -> bool:
    if value is not True:
        raise PydanticCustomError("confirm_required", "the erasure must be confirmed")
    return value


class PrivacyConsent(InputModel):
    accepted: Annotated[bool, AfterValidator(_consented)] = Field(
        description="Must be true: the privacy policy was accepted", json_schema_extra=ACCEPTED
    )
    version: str = Field(min_length=1, max_length=40, examples=["2026-05"])


class RegistrationRequest(InputModel):
    full_name: FullName
    email: Email
    language: Language = "de"
    privacy_consent: PrivacyConsent


class EmailChange(InputModel):
    email: Email = Field(description="The new address: a link goes there, a notice to the current one")


class EmailConfirmation(InputModel):
    token: Token


class AuditAct(OutputModel):
    act: Literal[
        "federated_account_created",
        "federated_account_linked",
        "email_change_requested",
        "email_changed",
        "export_requested",
        "erasure_requested",
        "erasure_completed",
    ]
    at: str


class AuditPage(OutputModel):
    items: list[AuditAct] = Field(description="Oldest first")
    next_cursor: str | None = Field(default=None, description="Always null: one page holds the whole list")


class ProfileCompletion(InputModel):
    """After a first sign-in with Google or Facebook: the name (the provider's, editable) and the consent."""

    full_name: FullName
    language: Language = "de"
    privacy_consent: PrivacyConsent


class Provider(OutputModel):
    name: Literal["Google", "Facebook"]
    authorize_url: str | None = Field(
        description="Where the browser signs in with this provider (the user pool's hosted sign-in); "
        "null when the stack has no sign-in domain"
    )


class ProviderPage(OutputModel):
    items: list[Provider]
    next_cursor: str | None = Field(default=None, description="Always null: one page holds the whole list")


class ExportStatus(OutputModel):
    """A copy of the person's data (Art. 15/20): every domain writes its part, then one archive is made
    and a link is mailed; an export that has not finished by `deadline_at` is `failed`."""

    id: str
    status: Literal["pending", "ready", "failed"]
    requested_at: str
    deadline_at: str
    parts_done: list[str] = Field(description="The domains whose part is in")
    parts_missing: list[str] = Field(
        description="The domains still working (failed: the ones that never answered)"
    )
    download_url: str | None = Field(
        default=None, description="When ready: a signed link to the ZIP archive, valid for 5 minutes"
    )
    expires_at: str | None = Field(default=None, description="When ready: when the archive is deleted")


class ErasureRequest(InputModel):
    """Deleting one's own account: the password again (re-authentication). An account without a
    password (Google/Facebook only) confirms with a sign-in of the last 10 minutes instead."""

    password: str | None = Field(default=None, min_length=1, max_length=256)
    confirm: Annotated[bool, AfterValidator(_confirmed)] = Field(
        description="Must be true: the person understood that this cannot be undone",
        json_schema_extra=ACCEPTED,
    )


class AgentErasureRequest(InputModel):
    """A request that arrived by mail or letter: the address of the person (with or without account)."""

    email: Email


class ErasureState(OutputModel):
    id: str
    status: Literal["in_progress", "completed"]
    requested_at: str
    requested_by: Literal["self", "agent"]
    completed_at: str | None = None
    parts_confirmed: list[str] = Field(description="The domains that confirmed their part")
    parts_missing: list[str] = Field(description="The domains still working (retried until they confirm)")


class ErasurePage(OutputModel):
    items: list[ErasureState] = Field(description="Newest first")
    next_cursor: str | None = Field(default=None, description="Always null: the newest 100")


class Accepted(OutputModel):
    message: str = Field(examples=["Bitte prüfen Sie Ihr Postfach."])


class ActivationRequest(InputModel):
    token: Token
    password: Password


class SignInRequest(InputModel):
    email: Email
    password: str = Field(min_length=1, max_length=256)


class RefreshRequest(InputModel):
    refresh_token: str = Field(min_length=1, max_length=4096)


class SignOutRequest(InputModel):
    refresh_token: str = Field(min_length=1, max_length=4096)


class Tokens(OutputModel):
    access_token: str
    id_token: str
    refresh_token: str | None = Field(default=None, description="Absent on refresh")
    expires_in: int = Field(examples=[3600])
    token_type: Literal["Bearer"] = "Bearer"


class ForgotPasswordRequest(InputModel):
    email: Email


class ResetPasswordRequest(InputModel):
    token: Token
    password: Password


class ChangePasswordRequest(InputModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: Password


class OrganisationSummary(OutputModel):
    id: str
    name: str
    role: Role


class Profile(OutputModel):
    user_id: str
    email: str
    full_name: str
    language: Language
    privacy_consent_version: str
    privacy_consent_at: str
    created_at: str
    organisation: OrganisationSummary | None = None


class ProfileUpdate(InputModel):
    full_name: FullName | None = None
    language: Language | None = None


class OrganisationCreate(InputModel):
    name: str = Field(min_length=2, max_length=120, examples=["Praxis Dr. Schmidt"])


class OrganisationUpdate(InputModel):
    name: str = Field(min_length=2, max_length=120)


class Member(OutputModel):
    user_id: str
    full_name: str
    email: str
    role: Role
    joined_at: str


class MemberPage(OutputModel):
    items: list[Member]
    next_cursor: str | None = Field(default=None, description="Always null: one page holds the whole list")


class Invitation(OutputModel):
    id: str
    email: str
    role: Role
    invited_by: str
    created_at: str
    expires_at: str


class Organisation(OutputModel):
    id: str
    name: str
    licensed_practitioners: int = Field(description="Practitioner calendars the licence allows")
    calendars_in_use: int = Field(ge=0, description="Practitioner calendars set up (notification settings)")
    licence_warning: str | None = Field(
        default=None,
        description="Set when more calendars are set up than the licence allows (after the licence was "
        "lowered): the existing calendars keep notifying, a new one waits until there is room",
    )
    member_count: int
    created_at: str
    members: list[Member]
    invitations: list[Invitation] | None = Field(
        default=None, description="Pending invitations; only for the organisation's admins and agents"
    )


class InvitationCreate(InputModel):
    email: Email
    role: Role = "member"


class InvitationAccept(InputModel):
    token: Token


class RoleChange(InputModel):
    role: Role


class LicenceChange(InputModel):
    licensed_practitioners: int = Field(ge=1, le=10_000)


class OrganisationListItem(OutputModel):
    id: str
    name: str
    licensed_practitioners: int
    member_count: int
    created_at: str


class OrganisationPage(OutputModel):
    items: list[OrganisationListItem]
    next_cursor: str | None = None


class Health(OutputModel):
    status: Literal["ok"] = "ok"
