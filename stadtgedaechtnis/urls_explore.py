"""Explore URLs (memory page), included by urls.py (namespace ``stadtgedaechtnis``)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from stadtgedaechtnis import views_explore

urlpatterns: list = [
    path(_("erinnerungen/<int:pk>/"), views_explore.memory_detail, name="memory"),
]
