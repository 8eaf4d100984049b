"""Tickets: request types, submission, timeline, replies, follow-ups, attachments and agent work."""

from tickets import messages as messages  # registers the domain's catalogue
