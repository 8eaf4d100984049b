"""Inbox (Postfach): every user's messages, broadcasts, invoices, and every e-mail a customer receives."""
