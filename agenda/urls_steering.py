"""Steering-group URLs, included by urls.py."""

urlpatterns: list = []
