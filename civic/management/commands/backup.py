"""``manage.py backup FILE``: the database and all files in one archive (docs/operations.md)."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from civic.backup import write_backup


class Command(BaseCommand):
    help = (
        "Sicherung der Datenbank und aller Dateien (Medien und private Dateien) in ein Archiv "
        "(.tar.gz) mit Manifest und Prüfsummen. Wiederherstellen mit „manage.py restore“."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Zieldatei, z. B. /var/backups/civic-2026-11-21.tar.gz")
        parser.add_argument(
            "--overwrite", action="store_true", help="eine vorhandene Datei ersetzen"
        )

    def handle(self, *args, **options):
        target = options["file"]
        if os.path.exists(target) and not options["overwrite"]:
            raise CommandError(
                _("„%(file)s“ gibt es schon. Anderen Namen wählen oder „--overwrite“ angeben.")
                % {"file": target}
            )
        try:
            manifest = write_backup(target)
        except (OSError, DatabaseError) as exc:
            raise CommandError(
                _("Sicherung fehlgeschlagen, keine Datei geschrieben: %(reason)s") % {"reason": exc}
            ) from exc
        rows = sum(manifest["counts"].values())
        files = len(manifest["members"]) - 1
        self.stdout.write(
            self.style.SUCCESS(
                _("Sicherung geschrieben: %(file)s (%(rows)d Datensätze, %(files)d Dateien).")
                % {"file": target, "rows": rows, "files": files}
            )
        )
