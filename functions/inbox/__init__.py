"""Inbox (Postfach): every user's messages, broadcasts, invoices, and every e-mail a customer receives."""

from inbox import messages as messages  # registers the domain's catalogue
