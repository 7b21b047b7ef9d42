"""Telegram handlers, grouped by who is talking and about what."""
