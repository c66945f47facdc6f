"""Explore URLs (map, memory detail), included by urls.py."""

urlpatterns: list = []
