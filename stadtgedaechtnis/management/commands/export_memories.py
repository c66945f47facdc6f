"""Export the published memories: ``manage.py export_memories --format geojson|gpkg|csv OUT``."""

from django.core.management.base import BaseCommand, CommandError

from stadtgedaechtnis.exports import FORMATS, export


class Command(BaseCommand):
    help = (
        "Exportiert die veröffentlichten Erinnerungen (öffentliche Punkte, Lizenz und "
        "Namensnennung je Eintrag, keine Kontaktdaten) als GeoJSON, GeoPackage oder CSV."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="Zieldatei")
        parser.add_argument("--format", choices=sorted(FORMATS), default="geojson")
        parser.add_argument(
            "--base-url", default="", help="Adresse der Website für die Links, z. B. https://…"
        )

    def handle(self, *args, out, format, base_url, **options):
        try:
            count = export(format, out, base_url=base_url)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{count} Erinnerungen nach {out} exportiert."))
