"""Compile the project's .po files to .mo with polib (no GNU gettext needed on the machine).

``locale/<lang>/LC_MESSAGES/django.po`` is what ``makemessages`` maintains. An optional
``overrides.po`` beside it holds our wording for third-party messages (e.g. allauth's German uses
"du", the city addresses residents with "Sie"); its entries are merged into ``django.mo``, which
Django reads before the third-party catalogues because ``LOCALE_PATHS`` come first.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def compile_catalogue(po_path: Path) -> Path:
    catalogue = polib.pofile(str(po_path))
    overrides_path = po_path.with_name("overrides.po")
    if overrides_path.exists():
        known = {(e.msgctxt, e.msgid): e for e in catalogue}
        for entry in polib.pofile(str(overrides_path)):
            if not entry.msgstr and not entry.msgstr_plural:
                continue
            existing = known.get((entry.msgctxt, entry.msgid))
            if existing is not None:
                catalogue.remove(existing)
            catalogue.append(entry)
    mo_path = po_path.with_suffix(".mo")
    catalogue.save_as_mofile(str(mo_path))
    return mo_path


def po_files() -> list[Path]:
    """Every ``django.po`` of the project: ``LOCALE_PATHS`` and the locale folders of our own apps
    (each domain app keeps its catalogue beside its code)."""
    from django.apps import apps

    base = Path(settings.BASE_DIR).resolve()
    locale_dirs = [Path(p) for p in settings.LOCALE_PATHS]
    for app_config in apps.get_app_configs():
        app_path = Path(app_config.path).resolve()
        if app_path.is_relative_to(base) and (app_path / "locale").is_dir():
            locale_dirs.append(app_path / "locale")
    return [po for d in locale_dirs for po in sorted(Path(d).glob("*/LC_MESSAGES/django.po"))]


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/django.po (+ overrides.po) to django.mo with polib."

    def handle(self, *args, **options):
        compiled = 0
        for po_path in po_files():
            mo_path = po_path.with_suffix(".mo")
            sources = [po_path, po_path.with_name("overrides.po")]
            newest = max(p.stat().st_mtime for p in sources if p.exists())
            if mo_path.exists() and mo_path.stat().st_mtime >= newest:
                continue
            compile_catalogue(po_path)
            compiled += 1
            if options["verbosity"] > 1:
                self.stdout.write(f"compiled {po_path}")
        if options["verbosity"] > 0:
            self.stdout.write(f"{compiled} translation file(s) compiled.")
