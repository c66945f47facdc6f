"""Public API of the agenda (filled in below)."""

from ninja import Router

router = Router(tags=["Digitale Agenda"])
