"""E-mail addresses as identifiers: one canonical form, then compared exactly.

Addresses decide who a reply is from and who may see a ticket, so two strings are the same address
only when their canonical forms are equal. Never `casefold()`: it maps "ß" to "ss", so a reply from
`x@praxis-straße.example` would pass as `x@praxis-strasse.example`. The canonical form:

- NFC, but no character outside ASCII may turn into ASCII on the way (the Kelvin sign would become "K");
- letters lower-cased only where the result stays in the same range (ASCII to ASCII, non-ASCII to
  non-ASCII, one character to one): "Anna@Praxis.DE" is "anna@praxis.de", the Kelvin sign stays itself;
- the domain in its IDNA 2008 ASCII form (A-labels), without UTS-46 mapping: "praxis-straße" becomes
  its own `xn--` label, while long s, full-width letters and the Kelvin sign are refused, and so are
  the ideographic and full-width full stops that IDNA would otherwise read as label dots;
- the syntax checked by email-validator (no DNS look-up).

What cannot be brought into this form is refused (ValueError), never guessed.
"""

from __future__ import annotations

import unicodedata

_LOOK_ALIKE_DOTS = ("\u3002", "\uff0e", "\uff61")


def _ascii_count(text: str) -> int:
    return sum(1 for c in text if c.isascii())


def _lower(text: str) -> str:
    out = []
    for char in text:
        lowered = char.lower()
        same_range = len(lowered) == 1 and lowered.isascii() == char.isascii()
        out.append(lowered if same_range else char)
    return "".join(out)


def normalise(address: str) -> str:
    """The canonical form of an address; ValueError when there is none."""
    raw = address.strip()
    text = unicodedata.normalize("NFC", raw)
    if _ascii_count(text) > _ascii_count(raw):
        raise ValueError("a character would turn into a look-alike")
    local, at, domain = _lower(text).rpartition("@")
    if not at or not local or not domain or any(dot in domain for dot in _LOOK_ALIKE_DOTS):
        raise ValueError("not an address")
    import idna  # here, not at import: most requests never see an address
    from email_validator import EmailNotValidError, validate_email

    try:
        ascii_domain = domain if domain.isascii() else idna.encode(domain, uts46=False).decode("ascii")
        # test_environment: addresses under .test (RFC 2606, kept for testing) are addresses too;
        # the other special-use domains (.invalid, .localhost, .local, .onion, .arpa) stay refused.
        result = validate_email(f"{local}@{ascii_domain}", check_deliverability=False, test_environment=True)
    except (idna.IDNAError, UnicodeError, EmailNotValidError) as error:
        raise ValueError("not an address") from error
    return f"{result.local_part}@{result.ascii_domain}"


def normalise_or_none(address: str) -> str | None:
    try:
        return normalise(address)
    except ValueError:
        return None


def domain_of(address: str) -> str:
    return address.rpartition("@")[2]
