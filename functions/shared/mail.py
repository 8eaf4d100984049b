"""E-mail through SES v2, rendered from Jinja2 templates with an HTML and a text part, in de or en.

Templates live in a domain's `mail_templates/<name>/<lang>.{subject.txt,body.html}` and extend the shared
base layout (`mail_templates/layout.html`: the product's name, a preheader, the content, a footer with
why the person gets the mail, where to ask and the company's details); the text part is made from the
same HTML, and the styles are inlined (css-inline) for mail programs that drop a <style> block. The environment is sandboxed (templates may one day be edited by agents), undefined
variables are errors, every variable in the HTML part is escaped, and a subject can never carry a line
break (no header injection). Every message carries a reference id in its footer, in an
`X-Reference-ID` header and as an SES tag. A caller that sends the same mail again and again with a few
printed values changed names them (`fill`): the mail is then filled into a frame rendered once
(`shared.mail_frames`), the same text and HTML as a whole render.

Messages are sent raw, so that headers the ticket mails need (Reply-To, References) travel as they
are. The MIME is written here (`compose`), not with `email.message.EmailMessage`: the fan-out of
appointment notifications spent a quarter of its own time in the standard library's header parsing
and generator for a layout that never changes (multipart/alternative, text then HTML, UTF-8, quoted-
printable), so the layout is fixed and only the values are filled in: header values without line
breaks, encoded words (RFC 2047) where a value is not ASCII, bodies quoted-printable with CRLF.
"""

from __future__ import annotations

import binascii
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from email.header import Header
from email.utils import make_msgid
from functools import cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.html_text import html_to_text
from shared.i18n import Language
from shared.mail_frames import EMPTY_PREHEADER, Frames, split_at_preheader
from shared.suppression import SuppressionList

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

SHARED_TEMPLATES = Path(__file__).parent / "mail_templates"
_LINE_BREAKS = re.compile(r"[\r\n\t]+")
# Quoted-printable writes every "=" as "=3D", so no encoded body can hold "=_": one boundary serves all.
_BOUNDARY = f"=_alt_{os.urandom(8).hex()}"


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Brand:
    """What every mail's layout shows: the product's name, where to ask, the company's details."""

    product: str = "Support-Portal"
    support_address: str = "support@example.com"
    footer_lines: tuple[str, ...] = ()

    @classmethod
    def from_environment(cls) -> Brand:
        """MAIL_PRODUCT_NAME, MAIL_SUPPORT_ADDRESS, MAIL_FOOTER ("|" between lines), as the template's
        Globals set them for every function."""
        footer = os.environ.get("MAIL_FOOTER", "")
        return cls(
            product=os.environ.get("MAIL_PRODUCT_NAME") or cls.product,
            support_address=os.environ.get("MAIL_SUPPORT_ADDRESS") or cls.support_address,
            footer_lines=tuple(line.strip() for line in footer.split("|") if line.strip()),
        )


_CASE_NUMBER = re.compile(r"\bSR-\d+\b")
_TEXT_NODE = re.compile(r">([^<]+)<")


@cache
def _inliner() -> Any:
    import css_inline  # with the first mail rendered, not at import

    return css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)


def preheader_of(text: str, product: str = "") -> str:
    """What a reader sees first after the marker, the product's name and the greeting."""
    body = [
        line for line in text.split("\n") if line.strip() and not line.startswith("##-") and line != product
    ]
    return (body[1] if len(body) > 1 else "".join(body[:1]))[:140]


def finish_html(html: str, text: str, product: str = "", preheader: str | None = None) -> str:
    """The layout's last steps: an empty preheader gets the mail's first sentence after the greeting
    (or `preheader`), case numbers never break ("SR-" / "10000"), the styles inlined for mail programs
    that drop <style>."""
    if preheader is None:
        preheader = preheader_of(text, product)
    start = html.find("<body")
    head, rest = html[:start], html[start:]
    if "SR-" in rest:  # most mails name no case (the appointment fan-out never does)
        rest = _TEXT_NODE.sub(
            lambda m: (
                ">"
                + _CASE_NUMBER.sub(lambda c: f'<span class="nowrap">{c.group(0)}</span>', m.group(1))
                + "<"
            ),
            rest,
        )
    # the hidden preheader last: plain text, nothing in it is laid out
    rest = EMPTY_PREHEADER.sub(lambda m: f"{m.group(1)}{escape(preheader)}{m.group(2)}", rest, count=1)
    return str(_inliner().inline(head + rest))


class MailRenderer:
    """Jinja2 (sandboxed) over the function's templates and the shared base layout; Jinja2 is imported
    with the first mail rendered, not when the function starts. Each mail's HTML is written once; its
    plain-text twin is made from the same HTML (`shared.html_text`)."""

    def __init__(self, template_dir: Path, brand: Brand | None = None) -> None:
        self._template_dir = template_dir
        self._brand = brand or Brand.from_environment()
        self._env: Any = None
        self._frames = Frames()

    def _environment(self) -> Any:
        if self._env is None:
            from jinja2 import FileSystemLoader, StrictUndefined
            from jinja2.sandbox import SandboxedEnvironment

            self._env = SandboxedEnvironment(
                loader=FileSystemLoader([str(self._template_dir), str(SHARED_TEMPLATES)]),
                undefined=StrictUndefined,
                autoescape=lambda name: bool(name and name.endswith(".html")),
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=True,
                auto_reload=False,  # a function's templates never change while it runs: no stat per mail
            )
            self._env.filters["markdown"] = _markdown_filter
        return self._env

    def render(
        self,
        template: str,
        language: Language,
        context: dict[str, Any],
        reference_id: str,
        fill: Collection[str] = (),
    ) -> RenderedMail:
        """`fill`: context values the template only prints (no test, no filter): the mail is then
        rendered once per template and other values, and these filled in (`shared.mail_frames`)."""
        env = self._environment()
        values = {**context, "reference_id": reference_id, "language": language, "brand": self._brand}
        subject = env.get_template(f"{template}/{language}.subject.txt").render(values)
        body = env.get_template(f"{template}/{language}.body.html")
        product = self._brand.product

        def whole(values: dict[str, Any]) -> tuple[str, str]:
            html = body.render(values)
            return html, html_to_text(html)

        filled = None
        if fill:
            filled = self._frames.fill(
                (template, language),
                values,
                {*fill, "reference_id"},
                whole,
                lambda html, text: split_at_preheader(finish_html(html, text, product, preheader="")),
                lambda text: preheader_of(text, product),
            )
        if filled is None:
            html, text = whole(values)
            html = finish_html(html, text, product)
        else:
            text, html = filled
        return RenderedMail(subject=_LINE_BREAKS.sub(" ", subject).strip(), text=text, html=html)


def _markdown_filter(source: str) -> Any:
    """`{{ body | markdown }}`: the knowledge base's safe renderer (raw HTML escaped)."""
    from markupsafe import Markup

    from shared.markdown import render_markdown

    return Markup(render_markdown(source, images=False))  # noqa: S704 - markdown-it escapes raw HTML


class MailSuppressed(Exception):
    """The address is on the suppression list (a hard bounce or a complaint): nothing was sent."""


class Mailer:
    def __init__(
        self,
        client: SESV2Client,
        sender: str,
        renderer: MailRenderer,
        suppression: SuppressionList | None = None,
        configuration_set: str = "",
    ) -> None:
        self._client = client
        self._sender = sender
        self._renderer = renderer
        self._suppression = suppression
        self._configuration_set = configuration_set

    def render(
        self,
        template: str,
        language: Language,
        context: dict[str, Any],
        reference_id: str,
        fill: Collection[str] = (),
    ) -> RenderedMail:
        return self._renderer.render(template, language, context, reference_id, fill)

    def send(
        self,
        *,
        to: str,
        template: str,
        language: Language,
        context: dict[str, Any],
        reference_id: str,
    ) -> str:
        """Renders and sends one message; returns SES's message id."""
        mail = self._renderer.render(template, language, context, reference_id)
        return self.send_rendered(
            to=to, mail=mail, template=template, language=language, reference_id=reference_id
        )

    def send_rendered(
        self,
        *,
        to: str,
        mail: RenderedMail,
        template: str,
        language: Language,
        reference_id: str,
        headers: Mapping[str, str] | None = None,
    ) -> str:
        """`headers` may set Message-ID, Reply-To, In-Reply-To, References (the ticket mails do).
        MailSuppressed, sending nothing, when the address does not receive mail."""
        if self._suppression is not None and self._suppression.is_suppressed(to):
            raise MailSuppressed(template)
        extra = dict(headers or {})
        message_id = extra.pop("Message-ID", None) or make_msgid(domain=self._sender.rpartition("@")[2])
        raw = compose(
            sender=self._sender,
            to=to,
            subject=mail.subject,
            message_id=message_id,
            headers={**extra, "X-Reference-ID": reference_id},
            text=mail.text,
            html=mail.html,
            language=language,
        )
        request: dict[str, Any] = {
            "FromEmailAddress": self._sender,
            "Destination": {"ToAddresses": [to]},
            "Content": {"Raw": {"Data": raw}},
            "EmailTags": [
                {"Name": "reference_id", "Value": reference_id},
                {"Name": "template", "Value": template.replace("/", "-")},
            ],
        }
        if self._configuration_set:  # SES reports bounces and complaints of it (mail feedback)
            request["ConfigurationSetName"] = self._configuration_set
        response = self._client.send_email(**request)
        return str(response.get("MessageId", ""))


def _header(name: str, value: str) -> bytes:
    """One header line; a value that is not ASCII, would not fit SMTP's 998 characters, or holds what a
    reader would take for an encoded word, goes as encoded words (RFC 2047), folded."""
    value = _LINE_BREAKS.sub(" ", value).strip()
    if value.isascii() and "=?" not in value and len(name) + len(value) <= 996:
        return f"{name}: {value}\r\n".encode("ascii")
    encoded = Header(value, "utf-8", header_name=name).encode(linesep="\r\n")
    return f"{name}: {encoded}\r\n".encode("ascii")


def _address_header(name: str, address: str) -> bytes:
    """An address whose local part is not ASCII travels as UTF-8 (SMTPUTF8, RFC 6532); encoded words
    are not allowed in an address."""
    address = _LINE_BREAKS.sub("", address).strip()
    return f"{name}: {address}\r\n".encode()


def _quoted_printable(text: str) -> bytes:
    """UTF-8, quoted-printable, CRLF, no line over 76 characters (RFC 2045)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # One call for the whole text; b2a_qp can leave a line of 77 or 78 characters where it escapes the
    # white space that ends a line after placing its soft break, so such texts go line by line.
    encoded = binascii.b2a_qp(text.encode("utf-8"), istext=True)
    if max(map(len, encoded.split(b"\n"))) > 76:
        encoded = b"\n".join(binascii.b2a_qp(line.encode("utf-8")) for line in text.split("\n"))
    return encoded.replace(b"\n", b"\r\n")


def compose(
    *,
    sender: str,
    to: str,
    subject: str,
    message_id: str,
    headers: Mapping[str, str],
    text: str,
    html: str,
    language: str,
) -> bytes:
    """The raw message: multipart/alternative with a text and an HTML part, UTF-8, quoted-printable."""
    boundary = _BOUNDARY
    head = [
        _address_header("From", sender),
        _address_header("To", to),
        _header("Subject", subject),
        _header("Message-ID", message_id),
        *(_header(name, value) for name, value in headers.items()),
        b"MIME-Version: 1.0\r\n",
        f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n'.encode("ascii"),
        _header("Content-Language", language),
        b"\r\n",
    ]
    part_head = (
        'Content-Type: text/{}; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
    )
    delimiter = f"--{boundary}\r\n".encode("ascii")
    return b"".join(
        [
            *head,
            delimiter,
            part_head.format("plain").encode("ascii"),
            _quoted_printable(text),
            b"\r\n",
            delimiter,
            part_head.format("html").encode("ascii"),
            _quoted_printable(html),
            f"\r\n--{boundary}--\r\n".encode("ascii"),
        ]
    )


def mailer(templates: Path, sender: str, *, once: bool = False) -> Mailer:
    """A function's mailer: its templates, the sender, and SES (`once`: without SDK retries, for sends
    that must not repeat behind the caller's back)."""
    from shared import aws

    table = os.environ.get("MAIL_SUPPRESSION_TABLE", "")
    return Mailer(
        aws.sesv2(once=once),
        sender,
        MailRenderer(templates),
        SuppressionList(aws.dynamodb(), table) if table else None,
        os.environ.get("MAIL_CONFIGURATION_SET", ""),
    )
