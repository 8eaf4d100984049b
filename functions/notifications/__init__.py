"""Appointment notifications: practitioner calendars, their settings, the 24-hour rule, SMS and e-mail."""

from notifications import messages as messages  # registers the domain's catalogue
