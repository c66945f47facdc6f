"""``manage.py import_districts PATH --name-field FIELD``: load district boundaries from a file."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from civic.district_import import DistrictImportError, import_districts


class Command(BaseCommand):
    help = (
        "Stadtteile aus einer Geodatei (GeoJSON, GeoPackage, Shapefile, auch als ZIP) "
        "importieren. Gleichnamige Stadtteile werden aktualisiert."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Pfad zur Datei, z. B. stadtteile.gpkg oder shape.zip")
        parser.add_argument(
            "--name-field", required=True, help="Attribut mit dem Namen des Stadtteils"
        )
        parser.add_argument(
            "--population-field", default=None, help="Attribut mit der Einwohnerzahl (optional)"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=(
                "Stadtteile löschen, die nicht in der Datei stehen "
                "(ihren Bewohnerinnen und Bewohnern wird kein Stadtteil mehr zugeordnet)"
            ),
        )
        parser.add_argument(
            "--source", default="", help="Herkunft der Grenzen, z. B. „Vermessungsamt 2024“"
        )

    def handle(self, *args, **options):
        try:
            report = import_districts(
                options["path"],
                name_field=options["name_field"],
                population_field=options["population_field"],
                replace=options["replace"],
                source=options["source"],
                stdout=self.stdout if options["verbosity"] > 0 else None,
            )
        except (DistrictImportError, DatabaseError) as exc:
            # The import is one transaction: a database error on the way rolls all of it back.
            raise CommandError(
                _("Import abgebrochen, nichts wurde geändert: %(reason)s") % {"reason": exc}
            ) from exc

        if options["verbosity"] > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Stadtteile importiert: %(created)d neu, %(updated)d aktualisiert, "
                        "%(deleted)d gelöscht, %(repaired)d repariert, %(skipped)d übersprungen."
                    )
                    % {
                        "created": report.created,
                        "updated": report.updated,
                        "deleted": report.deleted,
                        "repaired": report.repaired,
                        "skipped": report.skipped,
                    }
                )
            )
