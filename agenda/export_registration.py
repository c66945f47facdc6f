"""Registers this part of the app (imported from AppConfig.ready())."""
