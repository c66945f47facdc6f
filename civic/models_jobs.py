"""Background jobs (exports, PDFs) with their progress and result file. See ``civic/jobs.py``."""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def private_storage():
    """Storage for files that must not be public (``STORAGES["private"]``): served only by views
    that check permissions."""
    return storages["private"]


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Jobs the user started (the list "Exporte und Dokumente")."""
        if not user or not user.is_authenticated:
            return self.none()
        return self.filter(created_by=user)


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Wartet")
        RUNNING = "running", _("Läuft")
        DONE = "done", _("Fertig")
        FAILED = "failed", _("Fehlgeschlagen")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("Art"), max_length=80)
    title = models.CharField(_("Titel"), max_length=200)
    params = models.JSONField(_("Parameter"), default=dict, blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("Fortschritt in Prozent"), default=0)
    message = models.CharField(_("Meldung"), max_length=255, blank=True)
    file = models.FileField(
        _("Datei"), storage=private_storage, upload_to="jobs/%Y/%m/", blank=True, max_length=255
    )
    file_size = models.PositiveBigIntegerField(_("Dateigröße"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Angestoßen von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Angestoßen am"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("Begonnen am"), null=True, blank=True)
    finished_at = models.DateTimeField(_("Beendet am"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("Auftrag")
        verbose_name_plural = _("Aufträge")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("civic_jobs:detail", args=[self.pk])

    def download_url(self) -> str:
        return reverse("civic_jobs:download", args=[self.pk]) if self.is_done else ""

    def status_url(self) -> str:
        return reverse("civic_jobs:status", args=[self.pk])

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""
