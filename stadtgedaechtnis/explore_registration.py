"""Registrations of the stadtgedaechtnis app (filled in as the app grows)."""
