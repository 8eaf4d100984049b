"""Use cases of a new ticket: request types, submitting (signed in or anonymous), follow-ups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.errors import Conflict, FieldError, Forbidden, Invalid
from shared.i18n import Language, text
from shared.identity import Caller
from tickets import models
from tickets.attachments import anonymous_owner
from tickets.core import TicketsCore
from tickets.mapping import to_ticket
from tickets.records import Additions, AttachmentRecord, TicketView
from tickets.request_types import RequestType, validate_fields


class Submissions(TicketsCore):
    def create_request_type(self, caller: Caller, request_type: RequestType) -> RequestType:
        caller.require_agent()
        self.store.put_request_type(request_type, create=True)
        return request_type

    def change_request_type(self, caller: Caller, type_key: str, request_type: RequestType) -> RequestType:
        caller.require_agent()
        if request_type.key != type_key:
            raise Invalid("request.invalid", fields=[FieldError("key", "request_type.key_fixed")])
        self.store.put_request_type(request_type, create=False)
        return request_type

    def field_errors(self, type_key: object, values: object) -> list[FieldError]:
        """What the type's own fields say of a body whose schema check failed (see
        shared.resolver.further_checks): an unknown type, and each wrong field of a known one."""
        if not isinstance(type_key, str) or not type_key or len(type_key) > 40:
            return []
        try:
            request_type = self._type(type_key)
        except Invalid as unknown:
            return list(unknown.fields)
        return validate_fields(request_type, dict(values))[1] if isinstance(values, dict) else []

    def _fields(self, type_key: str, values: Mapping[str, object]) -> tuple[RequestType, dict[str, object]]:
        request_type = self._type(type_key)
        fields, errors = validate_fields(request_type, dict(values))
        if errors:
            raise Invalid("request.invalid", fields=errors)
        return request_type, fields

    def _submitted(
        self,
        request: models.AnonymousSubmission | models.Submission,
        request_type: RequestType,
        fields: dict[str, object],
        uploads: list[AttachmentRecord],
        **requester: Any,
    ) -> TicketView:
        """A submitted form as a new ticket, its checked fields and clean uploads with it; `requester`:
        who filed it, for which organisation, and who is in copy."""
        return self._create(
            shown_as=request_type,
            request_type=request_type.key,
            subject=request.subject,
            description=request.description,
            fields=fields,
            company=request.company,
            customer_number=request.customer_number,
            additions=Additions(uploads=uploads),
            **requester,
        )

    def submit_anonymous(
        self, request: models.AnonymousSubmission, source_ip: str, language: Language
    ) -> models.Submitted:
        self._limit("ticket-source", source_ip, self.settings.requests_per_source_per_hour)
        self._limit("ticket-address", request.email, self.settings.submissions_per_address_per_hour)
        request_type, fields = self._fields(request.request_type, request.fields)
        uploads = []
        if request.attachment_ids:
            if request.upload_token is None:
                raise Invalid("request.invalid", fields=[FieldError("upload_token", "field.missing")])
            uploads = self._uploads(anonymous_owner(request.upload_token), request.attachment_ids)
        created = self._submitted(
            request,
            request_type,
            fields,
            uploads,
            requester_id=None,
            requester_name=request.full_name,
            requester_email=request.email,
            requester_language=request.language,
            organisation_id=None,
            cc=[],
        )
        return models.Submitted(
            message=text("ticket.submitted", language), case_number=created.ticket.case_number
        )

    def submit(self, caller: Caller, request: models.Submission) -> models.Ticket:
        profile = self._profile(caller.user_id)
        request_type, fields = self._fields(request.request_type, request.fields)
        uploads = self._uploads(caller.user_id, request.attachment_ids)
        created = self._submitted(
            request,
            request_type,
            fields,
            uploads,
            requester_id=profile.user_id,
            requester_name=profile.full_name,
            requester_email=profile.email,
            requester_language=profile.language,
            organisation_id=profile.organisation_id,
            cc=sorted({c for c in request.cc if c != profile.email}),
        )
        return to_ticket(created, agent=False)

    def follow_up(self, caller: Caller, ticket_id: str, request: models.FollowUpCreate) -> models.Ticket:
        original, access, profile = self._ticket(caller, ticket_id)
        if access == "agent":
            raise Forbidden("ticket.customers_only")
        if original.status != "closed":
            raise Conflict("ticket.follow_up_needs_closed")
        me = profile or self._profile(caller.user_id)
        # A follow-up stays where the original was: asked by a CC of another organisation, it must not
        # copy the original's subject, fields and customer number into that organisation.
        created = self._create(
            request_type=original.request_type,
            subject=request.subject or f"Folgefrage zu {original.case_number}: {original.subject}"[:200],
            description=request.description,
            fields=dict(original.fields),
            requester_id=me.user_id,
            requester_name=me.full_name,
            requester_email=me.email,
            requester_language=me.language,
            organisation_id=original.organisation_id,
            company=original.company,
            customer_number=original.customer_number,
            cc=sorted(
                ({*original.cc, original.requester_email} if request.cc is None else set(request.cc))
                - {me.email}
            ),
            follow_up_of=original.ticket_id,
        )
        self._link_follow_up(original, created.ticket.ticket_id)
        return to_ticket(created, agent=False)
