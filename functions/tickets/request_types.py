"""The request-type catalogue: each type's own fields, and validation of submitted values against it.

Pure logic; the catalogue itself is stored in the tickets table (agents change it without a
deployment) and seeded with the six types of the help centre (and the inactive type of requests by mail).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from shared.errors import FieldError
from shared.i18n import Choices, Language, render
from shared.validation import CleanText

FieldKind = Literal["text", "textarea", "number", "select", "date", "url"]
TYPE_KEY = r"^[a-z][a-z0-9_]{1,39}$"
FIELD_KEY = r"^[a-z][a-z0-9_]{0,39}$"
OPTION_VALUE = r"^[a-z0-9][a-z0-9_-]{0,59}$"
MAX_NUMBER = 10**15  # far beyond any customer or invoice number; DynamoDB stores 38 digits at most
_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class LocalText(CleanText):
    model_config = _STRICT
    de: str = Field(min_length=1, max_length=500)
    en: str = Field(min_length=1, max_length=500)


class SelectOption(CleanText):
    """A choice of a select: a stable value (what a ticket stores) and its label in each language."""

    model_config = _STRICT
    value: str = Field(pattern=OPTION_VALUE, examples=["booking"])
    label: LocalText


class _Field(CleanText):
    model_config = _STRICT
    key: str = Field(pattern=FIELD_KEY)
    label: LocalText
    required: bool = False


class TextField(_Field):
    kind: Literal["text", "textarea", "url"]
    max_length: int = Field(default=2000, ge=1, le=20000)


class DateField(_Field):
    kind: Literal["date"]


class NumberField(_Field):
    kind: Literal["number"]
    min_value: int | None = Field(default=None, gt=-MAX_NUMBER, lt=MAX_NUMBER)
    max_value: int | None = Field(default=None, gt=-MAX_NUMBER, lt=MAX_NUMBER)

    @model_validator(mode="after")
    def _ordered(self) -> NumberField:
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise PydanticCustomError("range_order", "min_value must not be greater than max_value")
        return self


class SelectField(_Field):
    kind: Literal["select"]
    options: list[SelectOption] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _unique_values(self) -> SelectField:
        values = [o.value for o in self.options]
        if len(values) != len(set(values)):
            raise PydanticCustomError("unique_values", "option values must be unique")
        return self

    def label_of(self, value: str, language: str) -> str:
        return next((getattr(o.label, language) for o in self.options if o.value == value), value)


def stored(definition: dict[str, Any]) -> RequestType:
    """A type as the table holds it. Types stored before options had labels (a select's options as
    plain texts): the text becomes the label, a slug of it the value."""
    fields = [
        {**f, "options": [_legacy_option(o) if isinstance(o, str) else o for o in f["options"]]}
        if isinstance(f, dict) and f.get("kind") == "select" and isinstance(f.get("options"), list)
        else f
        for f in definition.get("fields") or []
    ]
    return RequestType.model_validate({**definition, "fields": fields})


def _legacy_option(text: str) -> dict[str, Any]:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower().translate(_UMLAUTS)).strip("-")[:60] or "option"
    return {"value": slug, "label": {"de": text, "en": text}}


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
FieldDefinition = Annotated[TextField | DateField | NumberField | SelectField, Field(discriminator="kind")]


class RequestType(CleanText):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)
    key: str = Field(pattern=TYPE_KEY)
    name: LocalText
    help_text: LocalText
    fields: list[FieldDefinition] = Field(default_factory=list, max_length=30)
    mail_template: str = Field(default="ticket_created", pattern=r"^[a-z_]{1,40}$")
    active: bool = True

    @model_validator(mode="after")
    def _unique_field_keys(self) -> RequestType:
        keys = [f.key for f in self.fields]
        if len(keys) != len(set(keys)):
            raise PydanticCustomError("unique_keys", "field keys must be unique")
        return self


_URL = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.I)


def validate_fields(
    request_type: RequestType, values: dict[str, Any]
) -> tuple[dict[str, Any], list[FieldError]]:
    """The cleaned values and every error, each named `fields.<key>`."""
    errors: list[FieldError] = []
    cleaned: dict[str, Any] = {}
    known = {f.key for f in request_type.fields}
    for unknown in sorted(set(values) - known):
        errors.append(FieldError(f"fields.{unknown}", "field.extra_forbidden"))
    for definition in request_type.fields:
        name = f"fields.{definition.key}"
        raw = values.get(definition.key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if definition.required:
                errors.append(FieldError(name, "field.missing"))
            continue
        value, error = _check(definition, raw)
        if error:
            errors.append(FieldError(name, error[0], error[1]))
        else:
            cleaned[definition.key] = value
    return cleaned, errors


def _check(definition: FieldDefinition, raw: Any) -> tuple[Any, tuple[str, dict[str, Any]] | None]:
    if isinstance(definition, NumberField):
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            return None, ("field.int_type", {})
        try:
            number = int(raw)
        except ValueError:
            return None, ("field.int_parsing", {})
        if definition.min_value is not None and number < definition.min_value:
            return None, ("field.greater_than_equal", {"ge": definition.min_value})
        if definition.max_value is not None and number > definition.max_value:
            return None, ("field.less_than_equal", {"le": definition.max_value})
        if abs(number) >= MAX_NUMBER:
            return None, ("field.less_than_equal", {"le": MAX_NUMBER - 1})
        return number, None
    if not isinstance(raw, str):
        return None, ("field.string_type", {})
    text = raw.strip()
    if definition.kind != "textarea" and any(c in text for c in "\r\n\t\x0b\x0c\x85\u2028\u2029"):
        return None, ("field.single_line", {})
    if isinstance(definition, TextField) and len(text) > definition.max_length:
        return None, ("field.string_too_long", {"max_length": definition.max_length})
    if isinstance(definition, SelectField) and text not in {o.value for o in definition.options}:
        return None, ("field.option", {"options": Choices(definition.options)})
    if isinstance(definition, DateField):
        try:
            date.fromisoformat(text)
        except ValueError:
            return None, ("field.date", {})
    if definition.kind == "url" and not _URL.match(text):
        return None, ("field.url", {})
    return text, None


def described(request_type: RequestType, values: Mapping[str, Any]) -> dict[str, Any]:
    """The type's name and a ticket's filled-in fields as each language shows them (labels, option
    labels, dates, numbers): what the messages about a new ticket quote, so the inbox thread of an
    order or an application says what was asked for."""
    details = [
        {
            "label": definition.label.model_dump(),
            "value": {
                language: _shown(definition, values[definition.key], language) for language in ("de", "en")
            },
        }
        for definition in request_type.fields
        if values.get(definition.key) not in (None, "")
    ]
    return {"request_type_name": request_type.name.model_dump(), "details": details}


def _shown(definition: FieldDefinition, value: Any, language: Language) -> str:
    if isinstance(definition, SelectField):
        return definition.label_of(str(value), language)
    if isinstance(definition, DateField):
        return render(date.fromisoformat(str(value)), language)
    return render(value, language)


def _t(de: str, en: str) -> LocalText:
    return LocalText(de=de, en=en)


def _options(*choices: tuple[str, str, str]) -> list[SelectOption]:
    return [SelectOption(value=value, label=_t(de, en)) for value, de, en in choices]


@cache
def seed() -> list[RequestType]:
    """The help centre's six types, built at first use (not at import: they are model instances)."""
    return [
        RequestType(
            key="bug_report",
            name=_t("Fehler melden", "Report a bug"),
            help_text=_t(
                "Beschreiben Sie, was Sie getan haben, was passiert ist und was Sie erwartet haben.",
                "Describe what you did, what happened and what you expected.",
            ),
            fields=[
                SelectField(
                    key="module",
                    label=_t("Betroffener Bereich", "Affected area"),
                    kind="select",
                    required=True,
                    options=_options(
                        ("booking", "Terminbuchung", "Appointment booking"),
                        ("calendar", "Kalender", "Calendar"),
                        ("notifications", "Benachrichtigungen", "Notifications"),
                        ("billing", "Abrechnung", "Billing"),
                        ("other", "Sonstiges", "Other"),
                    ),
                ),
                TextField(
                    key="steps", label=_t("Schritte zum Nachstellen", "Steps to reproduce"), kind="textarea"
                ),
                DateField(key="occurred_on", label=_t("Aufgetreten am", "Occurred on"), kind="date"),
            ],
        ),
        RequestType(
            key="application_help",
            name=_t("Unterstützung zur Anwendung", "Help with the application"),
            help_text=_t(
                "Fragen zur Bedienung: wir zeigen Ihnen, wie es geht.",
                "Questions about using the application: we show you how.",
            ),
            fields=[
                TextField(key="topic", label=_t("Thema", "Topic"), kind="text", required=True, max_length=200)
            ],
        ),
        RequestType(
            key="licensing_invoices",
            name=_t("Lizenzierung und Rechnungen", "Licensing and invoices"),
            help_text=_t(
                "Fragen zu Lizenzen, Rechnungen und Zahlungen.",
                "Questions about licences, invoices and payments.",
            ),
            fields=[
                SelectField(
                    key="concern",
                    label=_t("Anliegen", "Concern"),
                    kind="select",
                    required=True,
                    options=_options(
                        ("invoice_copy", "Rechnungskopie", "Copy of an invoice"),
                        ("licence_extend", "Lizenz erweitern", "Extend the licence"),
                        ("licence_cancel", "Lizenz kündigen", "Cancel the licence"),
                        ("payment", "Zahlung", "Payment"),
                        ("other", "Sonstiges", "Other"),
                    ),
                ),
                TextField(
                    key="invoice_number",
                    label=_t("Rechnungsnummer", "Invoice number"),
                    kind="text",
                    max_length=40,
                ),
            ],
        ),
        RequestType(
            key="business_data",
            name=_t("Geschäftsdaten anfordern", "Request business data"),
            help_text=_t(
                "Auswertungen und Exporte Ihrer Praxisdaten.", "Reports and exports of your practice's data."
            ),
            fields=[
                SelectField(
                    key="data_kind",
                    label=_t("Art der Daten", "Kind of data"),
                    kind="select",
                    required=True,
                    options=_options(
                        ("appointment_statistics", "Terminstatistik", "Appointment statistics"),
                        ("revenue_overview", "Umsatzübersicht", "Revenue overview"),
                        ("patient_export", "Patientenexport", "Patient export"),
                        ("other", "Sonstiges", "Other"),
                    ),
                ),
                TextField(key="period", label=_t("Zeitraum", "Period"), kind="text", max_length=100),
            ],
        ),
        RequestType(
            key="new_partner",
            name=_t("Neue Partner", "New partners"),
            help_text=_t(
                "Sie möchten Partner werden? Erzählen Sie uns von Ihrem Unternehmen.",
                "You want to become a partner? Tell us about your company.",
            ),
            fields=[
                SelectField(
                    key="partner_kind",
                    label=_t("Art der Partnerschaft", "Kind of partnership"),
                    kind="select",
                    required=True,
                    options=_options(
                        ("practice", "Praxis", "Practice"),
                        ("software_partner", "Softwarepartner", "Software partner"),
                        ("merchant", "Händler", "Merchant"),
                    ),
                ),
                TextField(key="website", label=_t("Webseite", "Website"), kind="url", max_length=300),
            ],
        ),
        RequestType(
            key="orders_applications",
            name=_t("Anträge, Neubestellungen", "Orders and applications"),
            help_text=_t(
                "Bestellen Sie Produkte oder stellen Sie einen Antrag.",
                "Order products or file an application.",
            ),
            fields=[
                TextField(
                    key="product", label=_t("Produkt", "Product"), kind="text", required=True, max_length=200
                ),
                NumberField(
                    key="quantity", label=_t("Menge", "Quantity"), kind="number", min_value=1, max_value=1000
                ),
            ],
        ),
        RequestType(
            key="email_request",
            name=_t("Anfrage per E-Mail", "Request by e-mail"),
            help_text=_t(
                "Eine Anfrage, die per E-Mail an die Support-Adresse kam.",
                "A request that came by e-mail to the support address.",
            ),
            active=False,  # not one customers pick in the form: mail to the support address has it
        ),
    ]
