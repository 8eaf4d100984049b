"""Inbound e-mail, pure: the raw message parsed with the standard library into what a ticket needs:
the sender, the new text only (without the quoted history and the signature), the attached files,
and whether the message was sent by a machine (auto-reply, bounce, mailing list) and must be ignored.

The new text is cut twice: first above our "reply above this line" marker (wherever the mail program
put the quote), then by mail-parser-reply, which knows the quote headers and signatures of many
languages and mail programs ("Am … schrieb …:", "On … wrote:", Outlook's "Von: … Gesendet: …" block,
"Mit freundlichen Grüßen", "Sent from my iPhone"). HTML-only mails become text first, without their
quoted blocks (Gmail's `gmail_quote`, Apple Mail's `blockquote type=cite`, Outlook's `divRplyFwdMsg`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses
from html.parser import HTMLParser

from mailparser_reply.parser import EmailMessage as ReplyParser

from shared.addresses import normalise_or_none
from shared.html_text import link_tail
from shared.validation import cleaned_text

MARKER = re.compile(r"^[>\s]*##-.*-##\s*$", re.MULTILINE)
_SEPARATOR = re.compile(r"^\s*(-{3,}[^-]*-{3,}|_{5,})\s*$")  # "-----Ursprüngliche Nachricht-----"
MAX_TEXT = 20_000
MAX_FILES = 10
_AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|automatische antwort|abwesenheitsnotiz|abwesend|out of (the )?office|"
    r"auto(matic)?[- ]?reply|autoreply|auto:|delivery status notification|undeliverable|"
    r"unzustellbar|mail delivery (failed|system))",
    re.IGNORECASE,
)
_MACHINE_SENDERS = (
    "mailer-daemon",
    "postmaster",
    "noreply",
    "no-reply",
    "donotreply",
    "do-not-reply",
    "bounce",
    "bounces",
)
_GROUP = re.compile(r'^[^"<]*:')
_REPLY_PREFIXES = re.compile(r"^\s*((re|aw|wg|fw|fwd|antw)\s*:\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class InboundFile:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class InboundMail:
    sender: (
        str | None
    )  # the one From address, canonical (shared.addresses); None when missing, several or odd
    text: str
    files: list[InboundFile] = field(default_factory=list)
    automatic: str | None = None  # why a machine sent it (ignore), else None
    recipients: list[str] = field(default_factory=list)  # To and Cc addresses, canonical where possible
    subject: str = ""
    sender_name: str | None = None  # the From display name
    references: list[str] = field(default_factory=list)  # In-Reply-To and References message ids
    message_id: str | None = None  # the sender's Message-ID: one message, however often delivered


def parse(raw: bytes, envelope_sender: str | None = None) -> InboundMail:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return InboundMail(
        sender=_sender(message),
        text=cleaned_text(new_text(_body(message)), multiline=True),
        files=_files(message),
        automatic=automatic(message, envelope_sender),
        recipients=[
            normalise_or_none(a) or a.strip()
            for _, a in getaddresses([str(v) for name in ("To", "Cc") for v in message.get_all(name, [])])
            if a
        ],
        subject=cleaned_text(str(message.get("Subject", "")), multiline=False)[:500],
        message_id=(str(message.get("Message-ID", "")).strip()[:500] or None),
        sender_name=_sender_name(message),
        references=re.findall(
            r"<[^<>\s]+>",
            " ".join(str(v) for n in ("In-Reply-To", "References") for v in message.get_all(n, [])),
        ),
    )


def _sender_name(message: EmailMessage) -> str | None:
    """The From display name, cleaned; none when it holds an address (it would pose as that person)."""
    named = [n for n, _ in getaddresses([str(v) for v in message.get_all("From", [])])]
    name = cleaned_text(named[0], multiline=False) if len(named) == 1 else ""
    return name[:120] if len(name) >= 2 and "@" not in name else None


def _sender(message: EmailMessage) -> str | None:
    """The one From address, canonical; None for none, several, or one hidden in an encoded word (RFC
    2047 allows encoded words in display names only, and DMARC reads the header as sent)."""
    addresses = [a for _, a in getaddresses([str(v) for v in message.get_all("From", [])]) if a]
    raw = [  # 8-bit (SMTPUTF8) header bytes come surrogate-escaped
        str(v).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        for k, v in message.raw_items()
        if k.lower() == "from"
    ]
    as_sent = [a for _, a in getaddresses(raw) if a]
    if len(addresses) != 1 or as_sent != addresses or any(_GROUP.match(v) for v in raw):
        return None  # none, several, hidden, or a group ("Team: a@x;"): nobody in particular
    return normalise_or_none(addresses[0])


def automatic(message: EmailMessage, envelope_sender: str | None) -> str | None:
    """Why the message is a machine's (RFC 3834 auto-reply, bounce, list, bulk), or None."""
    auto_submitted = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return "auto_submitted"
    if message.get("X-Autoreply") or message.get("X-Autorespond") or message.get("X-Autoresponder"):
        return "auto_reply"
    precedence = str(message.get("Precedence", "")).strip().lower().split(" ", 1)[0].split("(", 1)[0]
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return "bulk"
    if any(message.get(h) for h in ("List-Id", "List-Unsubscribe", "List-Post", "List-Help", "List-Owner")):
        return "mailing_list"
    if message.get_content_type() == "multipart/report":
        return "bounce"
    if envelope_sender is not None and envelope_sender.strip() in ("", "<>"):
        return "bounce"
    sender = _sender(message) or ""
    if sender.partition("@")[0] in _MACHINE_SENDERS:
        return "machine_sender"
    if _AUTO_SUBJECT.match(_REPLY_PREFIXES.sub("", str(message.get("Subject", "")))):
        return "auto_reply_subject"
    return None


def _body(message: EmailMessage) -> str:
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None and not plain.is_attachment():
        return str(plain.get_content())
    html = message.get_body(preferencelist=("html",))
    if html is not None and not html.is_attachment():
        return html_to_text(str(html.get_content()))
    return ""


def _files(message: EmailMessage) -> list[InboundFile]:
    files = []
    for part in message.iter_attachments():
        filename = part.get_filename()
        if not filename or part.is_multipart():
            continue
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            files.append(InboundFile(filename, part.get_content_type(), data))
    return files[:MAX_FILES]


def new_text(body: str) -> str:
    """Only what the sender wrote now: above our marker, without quote header, quote and signature."""
    body = body.replace("\r\n", "\n")
    found = MARKER.search(body)
    if found:
        body = body[: found.start()]
    # hyphen lists are text, not a signature; the parser's "-- " signature rule still applies
    replies = ReplyParser(text=body, languages=["de", "en"], keep_hyphen_lists=True).read().replies
    reply = replies[0].body if replies else ""
    lines = [line.rstrip() for line in reply.strip().split("\n")]
    while lines and (lines[-1].lstrip().startswith(">") or _SEPARATOR.match(lines[-1]) or not lines[-1]):
        lines.pop()  # a quote, or the separator line of a quote header, the parser let through
    return "\n".join(lines).strip()[:MAX_TEXT]


_BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "hr"}
_QUOTE_CLASSES = {"gmail_quote", "gmail_extra", "moz-cite-prefix", "yahoo_quoted"}
_STOP_IDS = {"divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container"}


class _TextOfHtml(HTMLParser):
    """Text of an HTML mail without its quoted part: blockquotes and known quote containers are
    skipped; Outlook's reply header container ends the new text. What the writer wrote stays: a link
    as "label <URL>" (`shared.html_text.link_tail`, as our own mails write it), table cells apart,
    preformatted lines as lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip: list[str] = []  # tags whose content is skipped, innermost last
        self._stopped = False
        self._links: list[tuple[str, int]] = []  # (href, position in parts) of open links
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._stopped:
            return
        values = {k: (v or "") for k, v in attrs}
        classes = set(values.get("class", "").split())
        if values.get("id", "").lower() in _STOP_IDS:
            self._stopped = True
            return
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.append(tag)
            return
        if tag in ("blockquote", "style", "script", "head") or classes & _QUOTE_CLASSES:
            self._skip.append(tag)
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self._links.append((values.get("href", "").strip(), len(self.parts)))
        elif tag in _BLOCKS or tag == "pre":
            self._break()
            self._pre += tag == "pre"

    def _break(self) -> None:
        """A line break unless the text already ends in one (nested blocks make one break)."""
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._stopped:
            return
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            return
        if tag == "a" and self._links:
            href, start = self._links.pop()
            self.parts.append(link_tail(href, "".join(self.parts[start:]).strip()))
        elif tag in ("td", "th"):
            self.parts.append("  ")
        elif tag in _BLOCKS or tag == "pre":
            self._break()
            self._pre = max(0, self._pre - (tag == "pre"))
            if tag == "p":
                self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._stopped and not self._skip:
            self.parts.append(data if self._pre else re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).replace("\xa0", " ").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
