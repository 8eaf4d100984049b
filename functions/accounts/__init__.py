"""Accounts and organisations: registration, sign-in, profile, organisations and their members."""
