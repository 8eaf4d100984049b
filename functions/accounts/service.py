"""The accounts service: every use case of accounts and organisations, each in the module named after
it (core: the parts and shared steps; signup; access; organisations; support; mapping)."""

from __future__ import annotations

from accounts.access import Access
from accounts.privacy import Privacy
from accounts.signup import Signup
from accounts.support import Support


class AccountsService(Signup, Access, Support, Privacy):
    """One object for the wiring; its use cases live in their own modules."""
