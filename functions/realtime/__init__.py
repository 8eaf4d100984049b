"""Realtime: the notification centre's live pushes over a WebSocket (inbox news, calendar pop-ups)."""

from realtime import messages as messages  # registers the domain's catalogue
