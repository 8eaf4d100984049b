"""Mobile numbers, parsed with Google's libphonenumber (phonenumberslite): German national format is
accepted, everything is stored as E.164, and landlines are refused (they cannot receive SMS)."""

from __future__ import annotations

SPAM_PRONE_DOMAINS = frozenset(
    {"hotmail.com", "outlook.com", "live.com", "hotmail.de", "outlook.de", "live.de"}
)


class PhoneError(ValueError):
    def __init__(self, message_key: str) -> None:
        super().__init__(message_key)
        self.message_key = message_key


def mobile_e164(raw: str, region: str = "DE") -> str:
    import phonenumbers  # only requests that set a number pay for the metadata (~10 ms at cold start)

    mobile_types = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise PhoneError("phone.invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise PhoneError("phone.invalid")
    if phonenumbers.number_type(number) not in mobile_types:
        raise PhoneError("phone.not_mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def spam_prone(email: str) -> bool:
    """Addresses whose providers often file automatic mails as spam (seed 002)."""
    return email.rpartition("@")[2].lower() in SPAM_PRONE_DOMAINS
