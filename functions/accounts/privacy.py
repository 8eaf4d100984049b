"""Use cases of a person's rights over their data: a copy of everything (Art. 15/20) and erasure
(Art. 17), asked by the person or, for a request that came by mail, by an agent. Accounts takes the
request, does its own part like every other domain (on the event, in the worker) and keeps the state:
the archive is assembled when every domain's part is in; an erasure is complete when every domain has
confirmed, and only then forgets whose it was (shared.privacy, docs/privacy.md)."""

from __future__ import annotations

import io
import json
import time
import zipfile
from datetime import datetime, timedelta
from typing import Any

from accounts import models
from accounts.core import AccountsCore
from accounts.privacy_store import ErasureRecord, ExportRecord
from shared import privacy
from shared.clock import iso
from shared.errors import HandOverFirst, NotFound, ReauthenticationRequired
from shared.events import DomainEvent
from shared.i18n import Language
from shared.identity import Caller
from shared.ids import new_id
from shared.privacy import PrivacyRequest

REAUTHENTICATION_SECONDS = 600  # an account without a password: signed in within the last 10 minutes
DOWNLOAD_SECONDS = 300
ARCHIVE_DAYS = 7  # the exports bucket's lifecycle rule

README = """Ihre Daten / Your data
======================

Deutsch
-------
Dieses Archiv enthält alle Daten, die das Support-Portal zu Ihrer Person speichert, je Bereich eine
JSON-Datei (UTF-8):
- accounts.json: Ihr Profil (Name, E-Mail-Adresse, Sprache, Zeitpunkt und Version Ihrer
  Datenschutz-Einwilligung, Registrierung), Ihre Mitgliedschaft in einer Organisation (Rolle, seit wann)
  und das Protokoll der Vorgänge an Ihrem Konto (Art und Zeitpunkt, z. B. E-Mail-Adresse geändert).
- tickets.json: die Anfragen, die Sie gestellt haben oder in denen Sie in Kopie (CC) stehen, mit dem
  Verlauf, den Sie sehen dürfen (ohne interne Notizen des Supports); die Anhänge liegen im Ordner
  tickets/ unter ihrem Dateinamen.
- inbox.json: die Nachrichten Ihres Postfachs und Ihre E-Mail-Einstellungen.
- kb.json: Ihre Bewertungen von Hilfe-Artikeln ("hilfreich" ja/nein) mit Ihrem Kommentar.
- notifications.json: die Benachrichtigungs-Einstellungen der Kalender, in denen Sie als Behandler
  eingetragen sind (Ihre E-Mail-Adresse, Mobilnummer, Kanäle) und das Protokoll der gesendeten
  Benachrichtigungen.
Zeitpunkte sind in UTC (ISO 8601). Fragen: an den Support, Vorgangsnummer {export_id}.

English
-------
This archive holds all data the support portal keeps about you, one JSON file (UTF-8) per part:
- accounts.json: your profile (name, e-mail address, language, when and which version of the privacy
  notice you consented to, registration), your membership of an organisation (role, since when) and the
  log of acts on your account (kind and time, e.g. e-mail address changed).
- tickets.json: the requests you filed or are in copy (CC) of, with the timeline you may see (no
  internal notes of the support team); the attachments are in the folder tickets/ under their names.
- inbox.json: the messages of your inbox and your e-mail preferences.
- kb.json: your ratings of help articles ("helpful" yes/no) with your comment.
- notifications.json: the notification settings of the calendars where you are the practitioner (your
  e-mail address, mobile number, channels) and the log of notifications sent.
Times are UTC (ISO 8601). Questions: to the support team, reference {export_id}.
"""


class Privacy(AccountsCore):
    # --- export ----------------------------------------------------------------------------------

    def request_export(self, caller: Caller) -> models.ExportStatus:
        user = self._profile(caller.user_id)
        self.limiter.check("export-user", user.user_id, limit=3, window_seconds=86400, now=self.clock.now())
        now = self.clock.now()
        export = ExportRecord(
            export_id=new_id(),
            user_id=user.user_id,
            requested_at=iso(now),
            deadline_at=iso(now + timedelta(hours=self.settings.export_hours)),
        )
        self.store.put_export(export)
        request = PrivacyRequest(
            kind="export",
            request_id=export.export_id,
            email=user.email,
            user_id=user.user_id,
            full_name=user.full_name,
            organisation_ids=[user.organisation_id] if user.organisation_id else [],
        )
        self._publish(privacy.request_event("export", request))
        return self._export_status(export)

    def export_status(self, caller: Caller, export_id: str) -> models.ExportStatus:
        export = self.store.get_export(export_id)
        if export is None or export.user_id != caller.user_id:
            raise NotFound("export.not_found")
        return self._export_status(export)

    def _export_status(self, export: ExportRecord) -> models.ExportStatus:
        done = [p for p in privacy.EXPORT_PARTS if p in export.parts]
        missing = [p for p in privacy.EXPORT_PARTS if p not in export.parts]
        status = export.status
        if status == "pending" and iso(self.clock.now()) > export.deadline_at:
            status = "failed"  # type: ignore[assignment]
        exports = self.exports if status == "ready" else None
        return models.ExportStatus(
            id=export.export_id,
            status=status,
            requested_at=export.requested_at,
            deadline_at=export.deadline_at,
            parts_done=done,
            parts_missing=missing,
            download_url=exports.download_url(export.export_id, _filename(export), DOWNLOAD_SECONDS)
            if exports
            else None,
            expires_at=iso(_parse(export.requested_at) + timedelta(days=ARCHIVE_DAYS)) if exports else None,
        )

    def export_account_part(self, request: PrivacyRequest) -> dict[str, Any]:
        user = self.store.get_user(request.user_id or "")
        if user is None:
            return {"profile": None}
        return {
            "profile": {
                "id": user.user_id,
                "email": user.email,
                "full_name": user.full_name,
                "language": user.language,
                "registered_at": user.created_at,
                "privacy_consent": {"version": user.consent_version, "given_at": user.consent_at},
            },
            "membership": {
                "organisation_id": user.organisation_id,
                "organisation_name": user.organisation_name,
                "role": user.role,
            }
            if user.organisation_id
            else None,
            "account_log": [{"act": a, "at": t} for a, t in self.store.acts(user.user_id)],
        }

    def export_part_ready(self, export_id: str, domain: str) -> None:
        """A domain's part is in; with the last one the archive is made and the link mailed."""
        export = self.store.export_part_done(export_id, domain, iso(self.clock.now()))
        if export is None:  # erased (or expired) meanwhile: a part that comes late goes at once
            if self.exports is not None:
                self.exports.delete(export_id)
            return
        if export.status != "pending" or any(p not in export.parts for p in privacy.EXPORT_PARTS):
            return
        if self.exports is None:
            raise RuntimeError("the exports bucket is not configured")
        self.exports.put_archive(export_id, self._archive(export_id))
        if not self.store.export_ready(export_id, iso(self.clock.now())):
            return  # another run made it and mails
        user = self.store.get_user(export.user_id)
        if user is not None:
            self._mail(
                user.email,
                "export_ready",
                user.language,
                full_name=user.full_name,
                download_url=f"{str(self.settings.portal_url).rstrip('/')}/daten-export/{export_id}",
                days=ARCHIVE_DAYS,
            )
        self.logger.info("export ready", extra={"export_id": export_id})

    def _archive(self, export_id: str) -> bytes:
        assert self.exports is not None
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("README.txt", README.format(export_id=export_id))
            for domain in privacy.EXPORT_PARTS:
                part = self.exports.get(export_id, domain)
                for entry in part.pop("files", []):
                    archive.writestr(str(entry["path"]), self.exports.read(str(entry["key"])))
                archive.writestr(f"{domain}.json", json.dumps(part, ensure_ascii=False, indent=2))
        return buffer.getvalue()

    # --- erasure ---------------------------------------------------------------------------------

    def erase_me(
        self, caller: Caller, request: models.ErasureRequest, language: Language
    ) -> models.ErasureState:
        """Also for a first Google/Facebook sign-in that never completed its profile: its pool user goes."""
        # a stolen access token must not become a way to guess the password
        self.limiter.check("erasure-user", caller.user_id, limit=5, window_seconds=3600, now=self.clock.now())
        user = self.store.get_user(caller.user_id)
        provider_user = self.identity.federated_user(caller.user_id)
        if user is None and provider_user is None:
            raise NotFound("account.not_found")
        if provider_user is None:
            assert user is not None
            if not request.password or not self.identity.password_matches(user.email, request.password):
                raise ReauthenticationRequired("account.reauthentication_required")
        # the wall clock, not the service's: it is compared with Cognito's `auth_time` (shared.sessions)
        elif caller.auth_time < int(time.time()) - REAUTHENTICATION_SECONDS:
            raise ReauthenticationRequired("account.reauthentication_required")
        email = user.email if user else str((provider_user or {}).get("email") or "")
        return self._erase(caller.user_id, email, "self", user.language if user else language)

    def agent_erase(self, caller: Caller, request: models.AgentErasureRequest) -> models.ErasureState:
        """A request by mail: the account with this address, or only the address (no account)."""
        caller.require_agent()
        user_id = self.store.user_id_for_email(request.email)
        user = self.store.get_user(user_id) if user_id else None
        if user is not None:
            return self._erase(user.user_id, user.email, "agent", user.language)
        return self._erase(None, request.email, "agent", "de")

    def _erase(self, user_id: str | None, email: str, by: str, language: Language) -> models.ErasureState:
        user = self.store.get_user(user_id) if user_id else None
        if user is not None and user.organisation_id and user.role == "admin":
            view = self.store.get_organisation_view(user.organisation_id)
            if view is not None and len(view.members) > 1 and view.organisation.admin_count <= 1:
                raise HandOverFirst(
                    "organisation.hand_over_first" if by == "self" else "organisation.hand_over_first_agent"
                )
        erasure = ErasureRecord(
            erasure_id=new_id(),
            requested_at=iso(self.clock.now()),
            requested_by="self" if by == "self" else "agent",
            email=email,
            user_id=user_id,
            full_name=user.full_name if user else None,
            organisation_ids=[user.organisation_id] if user and user.organisation_id else [],
        )
        self.store.put_erasure(erasure)
        # The person is out at once (the worker's part does the same again, idempotently).
        self.erase_account_part(_request(erasure))
        self._mail(
            email, "account_erased", language, erasure_id=erasure.erasure_id, had_account=user is not None
        )
        self._publish(privacy.request_event("erasure", _request(erasure)))
        self.logger.info("erasure requested", extra={"erasure_id": erasure.erasure_id, "by": by})
        return _state(erasure)

    def erase_account_part(self, request: PrivacyRequest) -> None:
        """Exports, membership, profile, address claim and the pool's user (its sessions with it).
        Idempotent."""
        if request.user_id is None:
            return
        self.store.mark_erased(request.user_id, int(time.time()))
        for export_id in self.store.exports_of(request.user_id):
            if self.exports is not None:
                self.exports.delete(export_id)
            self.store.delete_export(export_id)
        for org_id in request.organisation_ids:
            self.store.forget_founder(org_id, request.user_id)
        user = self.store.get_user(request.user_id)
        if user is not None:
            if user.organisation_id:
                members, _ = self.store.get_members_and_organisation(user.organisation_id, [user.user_id])
                member = members.get(user.user_id)
                if member is not None:
                    self.store.remove_member(member, keep_an_admin=False)
                    self._publish(
                        DomainEvent(
                            "OrganisationMemberRemoved",
                            {"organisation_id": member.org_id, "user_id": user.user_id, "by": user.user_id},
                        )
                    )
            self.store.delete_account(user.user_id, user.email)
        self.identity.erase_user(request.user_id)

    def erasure_confirmed(self, erasure_id: str, domain: str) -> None:
        erasure = self.store.erasure_part_done(erasure_id, domain, iso(self.clock.now()))
        if erasure is None or erasure.status != "in_progress":
            return
        if all(p in erasure.parts for p in privacy.ERASURE_PARTS) and self.store.erasure_completed(
            erasure_id, iso(self.clock.now())
        ):
            if erasure.user_id:
                self._publish(
                    DomainEvent(
                        "UserErasureCompleted", {"erasure_id": erasure_id, "user_id": erasure.user_id}
                    )
                )
            self.logger.info("erasure completed", extra={"erasure_id": erasure_id})

    def retry_erasures(self, older_than: timedelta = timedelta(minutes=15)) -> int:
        """Asks again every domain that has not confirmed an erasure running for longer than
        `older_than` (a part that failed until its queue gave up). Scheduled; returns how many."""
        cutoff = iso(self.clock.now() - older_than)
        again = 0
        for erasure in self.store.erasures():
            if erasure.status == "in_progress" and erasure.requested_at < cutoff and erasure.email:
                self._publish(privacy.request_event("erasure", _request(erasure)))
                again += 1
        return again

    def erasure_state(self, caller: Caller, erasure_id: str) -> models.ErasureState:
        caller.require_agent()
        erasure = self.store.get_erasure(erasure_id)
        if erasure is None:
            raise NotFound("erasure.not_found")
        return _state(erasure)

    def erasure_list(self, caller: Caller) -> models.ErasurePage:
        caller.require_agent()
        return models.ErasurePage(items=[_state(e) for e in self.store.erasures()])


def _request(erasure: ErasureRecord) -> PrivacyRequest:
    return PrivacyRequest(
        kind="erasure",
        request_id=erasure.erasure_id,
        email=erasure.email or "",
        user_id=erasure.user_id,
        full_name=erasure.full_name,
        organisation_ids=list(erasure.organisation_ids),
    )


def _state(erasure: ErasureRecord) -> models.ErasureState:
    return models.ErasureState(
        id=erasure.erasure_id,
        status=erasure.status,
        requested_at=erasure.requested_at,
        requested_by=erasure.requested_by,
        completed_at=erasure.completed_at,
        parts_confirmed=[p for p in privacy.ERASURE_PARTS if p in erasure.parts],
        parts_missing=[p for p in privacy.ERASURE_PARTS if p not in erasure.parts],
    )


def _parse(at: str) -> datetime:
    return datetime.fromisoformat(at.replace("Z", "+00:00"))


def _filename(export: ExportRecord) -> str:
    return f"daten-{export.requested_at[:10]}.zip"
