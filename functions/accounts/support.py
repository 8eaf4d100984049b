"""Use cases of support agents: finding people and organisations, licences."""

from __future__ import annotations

from accounts import models
from accounts.mapping import to_profile
from accounts.organisations import Organisations
from shared.errors import (
    NotFound,
)
from shared.events import DomainEvent
from shared.i18n import Language
from shared.identity import Caller


class Support(Organisations):
    # --- agents ------------------------------------------------------------------------------

    def find_user(self, caller: Caller, email: str) -> models.Profile:
        caller.require_agent()
        user_id = self.store.user_id_for_email(email)
        if user_id is None:
            raise NotFound("account.not_found")
        return to_profile(self._profile(user_id))

    def user(self, caller: Caller, user_id: str) -> models.Profile:
        caller.require_agent()
        return to_profile(self._profile(user_id))

    def list_organisations(
        self, caller: Caller, name_prefix: str, cursor: str | None, limit: int
    ) -> models.OrganisationPage:
        caller.require_agent()
        orgs, next_cursor = self.store.list_organisations(name_prefix, cursor, limit)
        return models.OrganisationPage(
            items=[
                models.OrganisationListItem(
                    id=o.org_id,
                    name=o.name,
                    licensed_practitioners=o.licensed_practitioners,
                    member_count=o.member_count,
                    created_at=o.created_at,
                )
                for o in orgs
            ],
            next_cursor=next_cursor,
        )

    def agent_organisation(self, caller: Caller, org_id: str, language: Language) -> models.Organisation:
        caller.require_agent()
        return self.organisation(caller, org_id, language)

    def set_licence(
        self, caller: Caller, org_id: str, request: models.LicenceChange, language: Language
    ) -> models.Organisation:
        """Sets the licence. Lowered below the calendars set up, it is accepted (a contract changed) and
        the answer warns: the calendars keep notifying, no new one can be added until there is room;
        the event tells the organisation's admins the same."""
        caller.require_agent()
        self.store.set_licence(org_id, request.licensed_practitioners)
        shown = self.organisation(caller, org_id, language)
        self._publish(
            DomainEvent(
                "OrganisationLicenceChanged",
                {
                    "organisation_id": org_id,
                    "licensed_practitioners": request.licensed_practitioners,
                    "calendars_in_use": shown.calendars_in_use,
                },
            )
        )
        return shown
