"""``manage.py restore FILE``: put back what ``manage.py backup`` saved (docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from civic.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Eine Sicherung von „manage.py backup“ wiederherstellen: prüft die Prüfsummen, lädt die "
        "Datenbank in einer Transaktion und legt die Dateien zurück. Verweigert eine nicht leere "
        "Datenbank ohne „--force“."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="die Sicherung (.tar.gz)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="auch eine Datenbank mit Inhalt ersetzen (dieser Inhalt geht verloren)",
        )

    def handle(self, *args, **options):
        try:
            report = restore_backup(options["file"], force=options["force"])
        except BackupError as exc:
            raise CommandError(
                _("Wiederherstellung abgebrochen, nichts wurde verändert: %(reason)s")
                % {"reason": exc}
            ) from exc
        except (OSError, DatabaseError) as exc:
            raise CommandError(
                _("Wiederherstellung fehlgeschlagen und zurückgerollt: %(reason)s")
                % {"reason": exc}
            ) from exc
        write = self.stdout.write
        created = parse_datetime(report.created)
        when = date_format(timezone.localtime(created), "DATETIME_FORMAT") if created else "?"
        write(_("Sicherung vom %(created)s wiederhergestellt.") % {"created": when})
        by_app: dict[str, int] = {}
        for label, count in report.rows.items():
            app = label.split(".")[0]
            by_app[app] = by_app.get(app, 0) + count
        for app, count in sorted(by_app.items()):
            write(f"  {app}: " + _("%(count)d Datensätze") % {"count": count})
        write(
            "  "
            + _("Dateien: %(media)d Medien, %(private)d private")
            % {"media": report.files.get("default", 0), "private": report.files.get("private", 0)}
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Fertig: %(rows)d Datensätze und %(files)d Dateien.")
                % {"rows": sum(report.rows.values()), "files": sum(report.files.values())}
            )
        )
