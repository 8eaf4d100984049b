"""Use cases of files: upload slots and their state, download links, and serving the judged bytes."""

from __future__ import annotations

from shared.errors import FieldError, Invalid, NotFound
from shared.identity import Caller
from shared.ids import new_id, new_token, token_digest
from tickets import downloads, models
from tickets.attachments import (
    ALLOWED_TYPES,
    MAX_FORM_FILES,
    anonymous_owner,
    filename_for,
    is_servable,
    upload_key,
)
from tickets.core import TicketsCore
from tickets.mapping import to_attachment
from tickets.records import AttachmentRecord


class Files(TicketsCore):
    def upload_slot(self, caller: Caller, request: models.UploadRequest) -> models.UploadSlot:
        self._check_upload(request)
        return self._slot(caller.user_id, request)

    def anonymous_upload_slot(
        self, request: models.AnonymousUploadRequest, source_ip: str
    ) -> models.AnonymousUploadSlot:
        """A slot for the public form: its files belong to the form's upload token (new with the first
        file), limited per source address and per form like the form itself."""
        self._check_upload(request)
        self._limit("upload-source", source_ip, self.settings.anonymous_uploads_per_source_per_hour)
        token = request.upload_token or new_token()
        self._limit("upload-form", token_digest(token), MAX_FORM_FILES)
        slot = self._slot(anonymous_owner(token), request)
        return models.AnonymousUploadSlot(**slot.model_dump(), upload_token=token)

    def anonymous_upload_state(self, upload_token: str, attachment_id: str) -> models.Attachment:
        return self._upload_state(anonymous_owner(upload_token), attachment_id)

    def _check_upload(self, request: models.UploadRequest) -> None:
        if request.content_type not in ALLOWED_TYPES:
            raise Invalid(
                "request.invalid", fields=[FieldError("content_type", "attachment.type_not_allowed")]
            )
        if request.size > self.settings.max_attachment_bytes:
            raise Invalid(
                "request.invalid",
                fields=[
                    FieldError(
                        "size",
                        "attachment.too_large",
                        {"max_mb": self.settings.max_attachment_bytes // (1024 * 1024)},
                    )
                ],
            )

    def _slot(self, owner_id: str, request: models.UploadRequest) -> models.UploadSlot:
        attachment_id = new_id()
        object_key = upload_key(owner_id, attachment_id)
        upload = AttachmentRecord(
            attachment_id=attachment_id,
            owner_id=owner_id,
            filename=filename_for(request.filename, request.content_type),
            content_type=request.content_type,
            size=request.size,
            state="pending",
            created_at=self._now(),
            object_key=object_key,
        )
        self.store.put_upload(upload, self._expiry(days=1))
        url, fields = self.links.upload(
            object_key,
            request.content_type,
            self.settings.max_attachment_bytes,
            self.settings.upload_slot_seconds,
        )
        return models.UploadSlot(
            attachment_id=attachment_id, url=url, fields=fields, expires_in=self.settings.upload_slot_seconds
        )

    def upload_state(self, caller: Caller, attachment_id: str) -> models.Attachment:
        return self._upload_state(caller.user_id, attachment_id)

    def _upload_state(self, owner_id: str, attachment_id: str) -> models.Attachment:
        upload = self.store.uploads(owner_id, [attachment_id]).get(attachment_id)
        if upload is None:
            raise NotFound("attachment.not_found")
        return to_attachment(upload)

    def download(self, caller: Caller, ticket_id: str, attachment_id: str, base_url: str) -> models.Download:
        """A short-lived link to the judged bytes of an attachment of a ticket the caller may see."""
        view, _, _ = self._view(caller, ticket_id)
        attachment = next((a for a in view.attachments if a.attachment_id == attachment_id), None)
        if attachment is None or attachment.state != "clean" or not is_servable(attachment.object_key):
            raise NotFound("attachment.not_found")
        seconds = self.settings.download_link_seconds
        grant = downloads.Grant(
            attachment.object_key,
            filename_for(attachment.filename, attachment.content_type),
            attachment.content_type,
            int(self.clock.now().timestamp()) + seconds,
        )
        token = downloads.sign(self.signing_key(), grant)
        return models.Download(url=f"{base_url}/downloads/{token}", expires_in=seconds)

    def serve_download(self, token: str) -> tuple[downloads.Grant, bytes]:
        """The bytes behind a download link; 404 for a link that is forged, expired or gone."""
        grant = downloads.verify(self.signing_key(), token, int(self.clock.now().timestamp()))
        stored = (
            self.links.read(grant.object_key, self.settings.max_attachment_bytes)
            if grant is not None and is_servable(grant.object_key)
            else None
        )
        if grant is None or stored is None or stored.data is None:
            raise NotFound("attachment.link_invalid")
        return grant, stored.data
