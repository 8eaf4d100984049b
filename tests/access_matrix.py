"""Who may call which route: one row per operation of openapi.json, and a valid example body.

The class-level tests (tests/functional/test_access_and_hostile_input.py) read this table; an operation
of the API without a row here fails them, so a new route is covered the day it is added.

Access kinds:
- `public`: anyone, signed in or not.
- `public_object`: anyone; the id names something public (a folder). `hidden` names the id kind that
  must behave like a random id for everyone who may not see it (a draft article).
- `signed_in`: any signed-in person; ids name the caller's own things or things shared with them.
- `agents`: support agents only; everyone else gets 403, for a real id and a random one alike.
- `capability`: the path carries a signed, short-lived grant (a download link); holding it is the
  permission, so it is tested by forging and expiring it instead (tests/functional/test_attachments.py).

For every id-taking operation that is not public, a signed-in user of another organisation asking with
the ids of a real object gets exactly the answer a random id gets (same status, same body), and an
anonymous caller gets 401.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Access = Literal["public", "public_object", "signed_in", "agents", "capability"]

NOTIFICATION_SETTINGS = {"email": "praxis@praxis-a.example", "mobile": "0171 2345678"}
REQUEST_TYPE = {
    "key": "matrix_type",
    "name": {"de": "Matrix", "en": "Matrix"},
    "help_text": {"de": "Hilfe", "en": "Help"},
    "fields": [],
}


@dataclass(frozen=True)
class Row:
    access: Access
    body: dict[str, Any] | None = None
    query: dict[str, str] = field(default_factory=dict)
    hidden: str | None = None  # public_object: which id of the cast stands for a hidden object


ROUTES: dict[tuple[str, str], Row] = {
    # accounts
    ("get", "/accounts/health"): Row("public"),
    ("post", "/accounts/registrations"): Row(
        "public",
        {
            "full_name": "Eva Neu",
            "email": "eva@praxis-neu.example",
            "privacy_consent": {"accepted": True, "version": "2026-05"},
        },
    ),
    ("post", "/accounts/activation"): Row("public", {"token": "t" * 43, "password": "Ein-Gutes-Passwort-1"}),
    ("post", "/accounts/sessions"): Row(
        "public", {"email": "x@praxis-neu.example", "password": "Falsch-1234"}
    ),
    ("post", "/accounts/sessions/refresh"): Row("public", {"refresh_token": "r" * 40}),
    ("delete", "/accounts/sessions"): Row("signed_in"),
    ("post", "/accounts/me/profile"): Row(
        "signed_in", {"full_name": "Eva Neu", "privacy_consent": {"accepted": True, "version": "2026-05"}}
    ),
    ("get", "/accounts/providers"): Row("public"),
    ("post", "/accounts/me/email"): Row("signed_in", {"email": "neu@praxis-neu.example"}),
    ("post", "/accounts/me/exports"): Row("signed_in"),
    ("get", "/accounts/me/exports/{export_id}"): Row("signed_in"),
    # a wrong password: the class tests must never erase the cast they run on
    ("post", "/accounts/me/erasure"): Row("signed_in", {"password": "Falsch-1234", "confirm": True}),
    ("post", "/accounts/email/confirmation"): Row("public", {"token": "t" * 43}),
    ("post", "/accounts/password/forgot"): Row("public", {"email": "x@praxis-neu.example"}),
    ("post", "/accounts/password/reset"): Row(
        "public", {"token": "t" * 43, "password": "Ein-Gutes-Passwort-1"}
    ),
    ("put", "/accounts/password"): Row(
        "signed_in", {"current_password": "Falsch-1234", "new_password": "Ein-Gutes-Passwort-1"}
    ),
    ("get", "/accounts/me"): Row("signed_in"),
    ("patch", "/accounts/me"): Row("signed_in", {"language": "de"}),
    ("post", "/organisations"): Row("signed_in", {"name": "Praxis Matrix"}),
    ("get", "/organisations/{org_id}"): Row("signed_in"),
    ("patch", "/organisations/{org_id}"): Row("signed_in", {"name": "Praxis Umbenannt"}),
    ("get", "/organisations/{org_id}/members"): Row("signed_in"),
    ("patch", "/organisations/{org_id}/members/{user_id}"): Row("signed_in", {"role": "admin"}),
    ("delete", "/organisations/{org_id}/members/{user_id}"): Row("signed_in"),
    ("post", "/organisations/{org_id}/invitations"): Row("signed_in", {"email": "neu@praxis-neu.example"}),
    ("delete", "/organisations/{org_id}/invitations/{invitation_id}"): Row("signed_in"),
    ("post", "/invitations/accept"): Row("signed_in", {"token": "t" * 43}),
    ("get", "/agent/users"): Row("agents", query={"email": "x@praxis-neu.example"}),
    ("get", "/agent/users/{user_id}"): Row("agents"),
    ("get", "/agent/organisations"): Row("agents"),
    ("get", "/agent/users/{user_id}/audit"): Row("agents"),
    # an address no one of the cast has: an agent's call erases nobody the class tests need
    ("post", "/agent/erasures"): Row("agents", {"email": "niemand@praxis-nirgends.example"}),
    ("get", "/agent/erasures"): Row("agents"),
    ("get", "/agent/erasures/{erasure_id}"): Row("agents"),
    ("get", "/agent/organisations/{org_id}"): Row("agents"),
    ("put", "/agent/organisations/{org_id}/licence"): Row("agents", {"licensed_practitioners": 3}),
    # tickets
    ("get", "/request-types"): Row("public"),
    ("post", "/agent/request-types"): Row("agents", REQUEST_TYPE),
    ("put", "/agent/request-types/{type_key}"): Row("agents", REQUEST_TYPE),
    ("post", "/tickets/anonymous"): Row(
        "public",
        {
            "request_type": "application_help",
            "email": "gast@praxis-gast.example",
            "full_name": "Gerd Gast",
            "company": "Praxis Gast",
            "subject": "Wie lege ich einen Kalender an?",
            "description": "Ich finde die Einstellung nicht.",
            "fields": {"topic": "Kalender"},
            "privacy_consent": True,
        },
    ),
    ("post", "/tickets"): Row(
        "signed_in",
        {
            "request_type": "bug_report",
            "subject": "SMS fehlt",
            "description": "Seit gestern kommen keine SMS mehr an.",
            "fields": {"module": "notifications"},
        },
    ),
    ("get", "/tickets"): Row("signed_in"),
    ("get", "/tickets/{ticket_id}"): Row("signed_in"),
    ("patch", "/tickets/{ticket_id}"): Row("signed_in", {"subject": "Neuer Betreff"}),
    ("post", "/tickets/{ticket_id}/close"): Row("signed_in"),
    ("post", "/tickets/{ticket_id}/replies"): Row("signed_in", {"body": "Noch eine Frage."}),
    ("post", "/tickets/{ticket_id}/follow-ups"): Row("signed_in", {"description": "Es ist wieder passiert."}),
    ("post", "/tickets/{ticket_id}/cc"): Row("signed_in", {"email": "cc@praxis-neu.example"}),
    ("delete", "/tickets/{ticket_id}/cc/{email}"): Row("signed_in"),
    ("post", "/attachments"): Row(
        "signed_in", {"filename": "befund.pdf", "content_type": "application/pdf", "size": 1000}
    ),
    ("get", "/attachments/{attachment_id}"): Row("signed_in"),
    ("post", "/attachments/anonymous"): Row(
        "public", {"filename": "befund.pdf", "content_type": "application/pdf", "size": 1000}
    ),
    ("get", "/attachments/anonymous/{attachment_id}"): Row("public"),
    ("get", "/tickets/{ticket_id}/attachments/{attachment_id}"): Row("signed_in"),
    ("get", "/downloads/{token}"): Row("capability"),
    ("get", "/agent/tickets"): Row("agents"),
    ("put", "/agent/tickets/{ticket_id}/assignee"): Row("agents", {"assignee_id": None}),
    ("put", "/agent/tickets/{ticket_id}/status"): Row("agents", {"status": "in_progress"}),
    ("post", "/agent/tickets/{ticket_id}/notes"): Row("agents", {"body": "Intern"}),
    # inbox
    ("get", "/inbox"): Row("signed_in"),
    ("get", "/inbox/feed"): Row("signed_in"),
    ("post", "/inbox/unsubscribe/{token}"): Row("capability"),
    ("post", "/realtime/tickets"): Row("signed_in"),
    ("get", "/inbox/unread-count"): Row("signed_in"),
    ("get", "/inbox/search"): Row("signed_in", query={"q": "Rechnung"}),
    ("put", "/inbox/{message_id}/read"): Row("signed_in", {"read": True}),
    ("post", "/inbox/read-all"): Row("signed_in"),
    ("get", "/inbox/preferences"): Row("signed_in"),
    ("put", "/inbox/preferences"): Row("signed_in", {"marketing_emails": False}),
    ("post", "/agent/broadcasts"): Row(
        "agents", {"subject": "Neuigkeiten", "body": "Ab Dezember gibt es ..."}
    ),
    # notifications
    ("get", "/organisations/{org_id}/calendars"): Row("signed_in"),
    ("post", "/organisations/{org_id}/calendars"): Row("signed_in", {"name": "Dr. Matrix"}),
    ("get", "/calendars/{calendar_id}"): Row("signed_in"),
    ("patch", "/calendars/{calendar_id}"): Row("signed_in", {"name": "Dr. Umbenannt"}),
    ("delete", "/calendars/{calendar_id}"): Row("signed_in"),
    ("patch", "/calendars/{calendar_id}/notification-settings"): Row("signed_in", NOTIFICATION_SETTINGS),
    ("get", "/calendars/{calendar_id}/deliveries"): Row("signed_in"),
    # knowledge base
    ("get", "/kb/folders"): Row("public"),
    ("get", "/kb/folders/{folder_id}"): Row("public_object"),
    ("get", "/kb/articles/{article_id}"): Row("public_object", hidden="draft_article_id"),
    ("get", "/kb/search"): Row("public", query={"q": "Termin"}),
    ("post", "/kb/suggestions"): Row("public", {"subject": "Termin absagen", "description": ""}),
    ("post", "/kb/articles/{article_id}/deflections"): Row("public_object", hidden="draft_article_id"),
    ("post", "/kb/articles/{article_id}/votes"): Row("signed_in", {"helpful": True}),
    ("post", "/kb/articles/{article_id}/anonymous-votes"): Row(
        "public_object",
        {"helpful": True, "anonymous_token": "browser-0123456789abcdef"},
        hidden="draft_article_id",
    ),
    ("get", "/agent/kb/articles"): Row("agents"),
    ("post", "/agent/kb/articles"): Row(
        "agents", {"folder_id": "x", "title": "Titel", "body": "Ein Text mit Inhalt."}
    ),
    ("get", "/agent/kb/articles/{article_id}"): Row("agents"),
    ("patch", "/agent/kb/articles/{article_id}"): Row("agents", {"title": "Neuer Titel"}),
    ("delete", "/agent/kb/articles/{article_id}"): Row("agents"),
    ("post", "/agent/kb/folders"): Row("agents", {"name": "Matrix"}),
    ("patch", "/agent/kb/folders/{folder_id}"): Row("agents", {"name": "Matrix"}),
    ("delete", "/agent/kb/folders/{folder_id}"): Row("agents"),
    ("get", "/agent/kb/reports/least-helpful"): Row("agents"),
    ("get", "/agent/kb/synonyms"): Row("agents"),
    ("put", "/agent/kb/synonyms"): Row("agents", {"groups": [["Kennwort", "Passwort"]]}),
    ("get", "/agent/kb/search-analytics"): Row("agents", query={"week": "2026-W48"}),
}
