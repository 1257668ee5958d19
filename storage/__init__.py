"""Escalation domain core and its SQLite persistence. Imports nothing from Slack."""
