"""Registrations of the agenda app (filled in as the app grows)."""
