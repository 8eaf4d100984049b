"""E-mail through SES v2, rendered from Jinja2 templates with an HTML and a text part, in de or en.

Templates live in a domain's `mail_templates/<name>/<lang>.{subject.txt,body.txt,body.html}` and extend
the shared layouts. The environment is sandboxed (templates may one day be edited by agents), undefined
variables are errors, every variable in the HTML part is escaped, and a subject can never carry a line
break (no header injection). Every message carries a reference id in its footer, in an
`X-Reference-ID` header and as an SES tag.

Messages are built as MIME with the standard library and sent raw, so that headers the ticket mails
need (Reply-To, References) travel as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.i18n import Language

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

SHARED_TEMPLATES = Path(__file__).parent / "mail_templates"
_LINE_BREAKS = re.compile(r"[\r\n\t]+")


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


class MailRenderer:
    """Jinja2 (sandboxed) over the function's templates and the shared ones; Jinja2 is imported with
    the first mail rendered, not when the function starts."""

    def __init__(self, template_dir: Path) -> None:
        self._template_dir = template_dir
        self._env: Any = None

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
            )
        return self._env

    def render(
        self, template: str, language: Language, context: dict[str, Any], reference_id: str
    ) -> RenderedMail:
        env = self._environment()
        values = {**context, "reference_id": reference_id, "language": language}
        subject = env.get_template(f"{template}/{language}.subject.txt").render(values)
        return RenderedMail(
            subject=_LINE_BREAKS.sub(" ", subject).strip(),
            text=env.get_template(f"{template}/{language}.body.txt").render(values),
            html=env.get_template(f"{template}/{language}.body.html").render(values),
        )


class Mailer:
    def __init__(self, client: SESV2Client, sender: str, renderer: MailRenderer) -> None:
        self._client = client
        self._sender = sender
        self._renderer = renderer

    def render(
        self, template: str, language: Language, context: dict[str, Any], reference_id: str
    ) -> RenderedMail:
        return self._renderer.render(template, language, context, reference_id)

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
        """`headers` may set Message-ID, Reply-To, In-Reply-To, References (the ticket mails do)."""
        extra = dict(headers or {})
        message = EmailMessage()
        message["Subject"] = mail.subject
        message["From"] = self._sender
        message["To"] = to
        message["Message-ID"] = extra.pop("Message-ID", None) or make_msgid(
            domain=self._sender.rpartition("@")[2]
        )
        for name, value in extra.items():
            message[name] = _LINE_BREAKS.sub(" ", value)
        message["X-Reference-ID"] = reference_id
        message.set_content(mail.text, charset="utf-8")
        message.add_alternative(mail.html, subtype="html", charset="utf-8")
        message["Content-Language"] = language  # after set_content, which drops Content-* headers
        response = self._client.send_email(
            FromEmailAddress=self._sender,
            Destination={"ToAddresses": [to]},
            Content={"Raw": {"Data": message.as_bytes()}},
            EmailTags=[
                {"Name": "reference_id", "Value": reference_id},
                {"Name": "template", "Value": template.replace("/", "-")},
            ],
        )
        return str(response.get("MessageId", ""))


def mailer(templates: Path, sender: str, *, once: bool = False) -> Mailer:
    """A function's mailer: its templates, the sender, and SES (`once`: without SDK retries, for sends
    that must not repeat behind the caller's back)."""
    from shared import aws

    return Mailer(aws.sesv2(once=once), sender, MailRenderer(templates))
