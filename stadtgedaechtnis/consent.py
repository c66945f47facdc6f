"""The consent texts contributors agree to, versioned.

A memory stores the version it was submitted under (``Memory.consent_version``) and the time
(``Memory.consent_at``). Never change a published text in place: add a new version and point
``CURRENT_CONSENT_VERSION`` at it, so every stored consent can still be shown word for word.
"""

from django.utils.translation import gettext_lazy as _

CONSENT_TEXTS = {
    "2026-1": _(
        "Ich bin damit einverstanden, dass meine Erinnerung nach Prüfung durch die Redaktion im "
        "Digitalen Stadtgedächtnis veröffentlicht wird – mit Text, Zeitangabe, Ort (bei privaten "
        "Orten nur ungefähr), Fotos und Tonaufnahme unter der gewählten Lizenz und mit der "
        "gewählten Namensnennung. Ich kann meine Einwilligung jederzeit widerrufen; die "
        "Erinnerung wird dann nicht mehr gezeigt."
    ),
}
CURRENT_CONSENT_VERSION = "2026-1"

RIGHTS_TEXT = _(
    "Ich habe die Rechte an den hochgeladenen Fotos und Tonaufnahmen oder die Erlaubnis der "
    "Urheberinnen und Urheber, sie unter der gewählten Lizenz zu veröffentlichen."
)


def consent_text(version: str | None = None) -> str:
    """The consent text of ``version`` (default: the current one)."""
    return str(CONSENT_TEXTS.get(version or CURRENT_CONSENT_VERSION, ""))
