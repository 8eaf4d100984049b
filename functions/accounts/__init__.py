"""Accounts and organisations: registration, sign-in, profile, organisations and their members."""

from accounts import messages as messages  # registers the domain's catalogue
