"""Tickets: request types, submission, timeline, replies, follow-ups, attachments and agent work."""
