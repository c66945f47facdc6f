"""Delete uploads kept for unfinished submissions once they are older than the retention time."""

from django.core.management.base import BaseCommand

from civic.models import PendingUpload
from civic.uploads import pending_upload_hours


class Command(BaseCommand):
    help = (
        "Löscht zwischengespeicherte Dateien unvollständiger Einsendungen, die älter sind als "
        "CIVIC_PENDING_UPLOAD_HOURS (Standard: 24 Stunden)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=None,
            help="Abweichende Aufbewahrungszeit in Stunden.",
        )

    def handle(self, *args, hours=None, **options):
        hours = pending_upload_hours() if hours is None else hours
        count = PendingUpload.objects.expired(hours).delete_with_files()
        self.stdout.write(f"{count} zwischengespeicherte Datei(en) gelöscht (älter als {hours} h).")
