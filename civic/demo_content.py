"""Texts and settings of the demo city, Coburg. Only `seed_demo` reads this module.

Nothing here is used by the running platform: another city runs its own instance by
configuration and data alone.
"""

import datetime
import json

from civic.roles import EDITORS, RESIDENTS, STEERING

DEMO_PASSWORD = "Coburg-Demo-2026"  # noqa: S105 - printed on the console, demo only
SITE_TITLE = "Coburg gestalten"
DEMO_HOST = "127.0.0.1"
DEMO_PORT = 8000

CITY_SETTINGS = {
    "city_name": "Coburg",
    "site_title": SITE_TITLE,
    "tagline": "Beteiligung, Digitale Agenda und Stadtgedächtnis",
    "primary_colour": "#0b5394",
    "accent_colour": "#a61c3c",
    "contact_email": "beteiligung@coburg.example",
    "map_center_lat": 50.2585,
    "map_center_lon": 10.9646,
    "map_zoom": 13,
    "map_min_zoom": 11,
    "map_max_zoom": 19,
    "map_bounds_south": 50.18,
    "map_bounds_west": 10.82,
    "map_bounds_north": 50.34,
    "map_bounds_east": 11.11,
    "tile_url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "tile_attribution": "© OpenStreetMap-Mitwirkende",
}

HOME = {
    "seo_title": "Coburg gestalten – Beteiligung und Stadtgedächtnis",
    "search_description": (
        "Die Beteiligungsplattform der Stadt Coburg: Digitale Agenda und Stadtgedächtnis."
    ),
    "hero_title": "Coburg gemeinsam gestalten",
    "hero_text": (
        "Sie kennen Ihre Stadt am besten. Bringen Sie Ihre Ideen in die Digitale Agenda ein, "
        "erzählen Sie Ihre Erinnerungen für das Stadtgedächtnis – und erfahren Sie, was aus "
        "jedem Beitrag wird. Denn keine Antwort ist die schlechteste Antwort."
    ),
    "hero_link_label": "Der Coburger Weg",
}


def stream(*blocks) -> str:
    """StreamField raw JSON from (type, value) pairs."""
    return json.dumps([{"type": t, "value": v} for t, v in blocks])


def p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


PAGES = [
    {
        "slug": "coburger-weg",
        "title": "Der Coburger Weg",
        "show_in_menus": True,
        "search_description": "Wie Coburg die Digitalisierung mit den Menschen gestaltet.",
        "intro": (
            "Digitalisierung beginnt bei den Menschen, nicht bei der Technik. Coburg beteiligt "
            "seine Bürgerinnen und Bürger früh – als Expertinnen und Experten ihres Alltags."
        ),
        "body": stream(
            ("heading", {"text": "Bürgerzentriert von Anfang an", "level": "h2"}),
            (
                "paragraph",
                p(
                    "Seit Jahren verfolgt Coburg eine bürgerzentrierte Digitalisierung: Wer in "
                    "der Stadt lebt, arbeitet oder lernt, weiß am besten, wo der Alltag hakt und "
                    "was ihn leichter machen würde. Deshalb fragen wir früh, hören zu und bauen "
                    "gemeinsam.",
                    "Auf dieser Plattform kommen zwei Vorhaben zusammen: die <b>Agile Digitale "
                    "Agenda</b>, in der Sie Vorschläge einbringen, diskutieren und bewerten, und "
                    "das <b>Digitale Stadtgedächtnis</b>, in dem Sie Erinnerungen an Ihre Stadt "
                    "teilen.",
                ),
            ),
            (
                "quote",
                {
                    "quote": "Keine Antwort ist die schlechteste Antwort.",
                    "attribution": "Leitsatz der Steuerungsgruppe Digitale Agenda",
                },
            ),
            ("heading", {"text": "Jeder Beitrag bekommt eine Antwort", "level": "h2"}),
            (
                "paragraph",
                p(
                    "Die Steuerungsgruppe Digitale Agenda sichtet nach jeder Beteiligungsrunde "
                    "alle Vorschläge und beantwortet jeden einzelnen – auch dann, wenn eine Idee "
                    "(noch) nicht umgesetzt werden kann. So wird nachvollziehbar, was aus Ihrem "
                    "Beitrag geworden ist."
                ),
            ),
            (
                "accordion",
                {
                    "heading": "Häufige Fragen",
                    "items": [
                        {
                            "question": "Wer kann mitmachen?",
                            "answer": p(
                                "Alle, die in Coburg leben, arbeiten oder zur Schule gehen. "
                                "Für Vorschläge, Kommentare und Stimmen brauchen Sie ein "
                                "kostenloses Konto mit bestätigter E-Mail-Adresse."
                            ),
                        },
                        {
                            "question": "Was passiert mit meinem Vorschlag?",
                            "answer": p(
                                "Die Steuerungsgruppe bewertet alle Vorschläge einer Runde, "
                                "veröffentlicht eine Antwort und nimmt geeignete Vorschläge in "
                                "die nächste Runde oder in die Umsetzung mit."
                            ),
                        },
                        {
                            "question": "Kann ich auch ohne Internet teilnehmen?",
                            "answer": p(
                                "Ja. Beiträge aus Workshops, Interviews und auf Papier zählen "
                                "genauso und werden von der Redaktion eingetragen."
                            ),
                        },
                    ],
                },
            ),
        ),
    },
    {
        "slug": "impressum",
        "title": "Impressum",
        "intro": "Angaben gemäß § 5 DDG (Demo-Inhalt).",
        "body": stream(
            (
                "paragraph",
                p(
                    "Dies ist eine Demo-Installation. Hier steht im Betrieb das Impressum der "
                    "Stadt: Name und Anschrift, Vertretungsberechtigte, Kontakt, "
                    "Aufsichtsbehörde und die für den Inhalt verantwortliche Person.",
                    "Stadt Coburg (Demo) · Markt 1 · 96450 Coburg · beteiligung@coburg.example",
                ),
            ),
        ),
    },
    {
        "slug": "datenschutz",
        "title": "Datenschutzerklärung",
        "intro": "Wie wir mit Ihren Daten umgehen (Demo-Inhalt).",
        "body": stream(
            ("heading", {"text": "Welche Daten wir speichern", "level": "h2"}),
            (
                "paragraph",
                p(
                    "Für ein Konto speichern wir Ihre E-Mail-Adresse, ein Passwort (nur "
                    "verschlüsselt), einen öffentlichen Namen und – freiwillig – Ihren "
                    "Stadtteil. Ihre E-Mail-Adresse wird nie veröffentlicht.",
                    "Diese Website lädt keine Schriften, Skripte oder Bilder von fremden "
                    "Servern; nur die Kartenkacheln kommen vom eingestellten Kartendienst.",
                ),
            ),
            # The retention times, rendered from the settings (civic.privacy_blocks).
            ("retention_periods", None),
        ),
    },
    {
        "slug": "barrierefreiheit",
        "title": "Erklärung zur Barrierefreiheit",
        "intro": (
            "Die Stadt ist bemüht, ihre Website im Einklang mit der BITV 2.0 barrierefrei "
            "zugänglich zu machen (Demo-Inhalt)."
        ),
        "body": stream(
            (
                "paragraph",
                p(
                    "Diese Website soll die Anforderungen der WCAG 2.1 auf Stufe AA erfüllen. "
                    "Zu jeder Karte gibt es eine Liste mit denselben Inhalten.",
                    "Barrieren melden: Schreiben Sie uns an beteiligung@coburg.example. Wir "
                    "antworten innerhalb von zwei Wochen.",
                ),
            ),
        ),
    },
]

# Entry pages of the domain apps, used only when an app's seed step did not create its own.
PLACEHOLDER_PAGES = [
    {
        "slug": "digitale-agenda",
        "title": "Digitale Agenda",
        "show_in_menus": True,
        "intro": (
            "Die Agile Digitale Agenda entsteht in kurzen Beteiligungsrunden: Vorschläge "
            "sammeln, diskutieren, abstimmen, auswerten – und die Ergebnisse fließen in die "
            "nächste Runde ein."
        ),
        "body": stream(
            ("heading", {"text": "Acht Handlungsfelder", "level": "h2"}),
            (
                "paragraph",
                "<ul><li>Gesellschaft &amp; Soziales</li><li>Kultur &amp; Tourismus</li>"
                "<li>Bildung</li><li>Wirtschaft &amp; Handel</li><li>Mobilität &amp; Verkehr"
                "</li><li>Gesundheit &amp; Pflege</li><li>Verwaltung &amp; E-Government</li>"
                "<li>Umwelt &amp; Klima</li></ul>",
            ),
            (
                "call_to_action",
                {
                    "title": "Die nächste Runde beginnt bald",
                    "text": "Registrieren Sie sich jetzt, damit Sie von Anfang an dabei sind.",
                    "link": {"page": None, "url": "/konto/signup/"},
                    "button_label": "Jetzt registrieren",
                },
            ),
        ),
    },
    {
        "slug": "stadtgedaechtnis",
        "title": "Stadtgedächtnis",
        "show_in_menus": True,
        "intro": (
            "Erzähle, entdecke, erforsche: Das Digitale Stadtgedächtnis sammelt Erinnerungen der "
            "Coburgerinnen und Coburger – mit Fotos, Zeitangabe und einem Ort auf der Karte."
        ),
        "body": stream(
            (
                "paragraph",
                p(
                    "Wie sah der Marktplatz in Ihrer Kindheit aus? Wo war Ihr erster "
                    "Arbeitsplatz? Welches Fest ist Ihnen in Erinnerung geblieben? Ihre "
                    "Geschichten bewahren, was in keinem Archiv steht.",
                    "Die Redaktion prüft jeden Beitrag – auch auf den Schutz persönlicher Daten – "
                    "bevor er veröffentlicht wird. Ausgewählte Erinnerungen erscheinen in unseren "
                    "gedruckten Lesebüchern.",
                ),
            ),
        ),
    },
]

TEASERS = [
    {
        "title": "Digitale Agenda",
        "text": "Vorschläge einbringen, diskutieren und abstimmen – in kurzen Runden.",
        "page": "digitale-agenda",
        "link_label": "Zur Digitalen Agenda",
    },
    {
        "title": "Stadtgedächtnis",
        "text": "Erinnerungen an Coburg teilen, auf der Karte entdecken, in der Zeit erforschen.",
        "page": "stadtgedaechtnis",
        "link_label": "Zum Stadtgedächtnis",
    },
    {
        "title": "Der Coburger Weg",
        "text": "Warum wir Digitalisierung mit Ihnen gestalten – und jede Idee beantworten.",
        "page": "coburger-weg",
        "link_label": "Mehr erfahren",
    },
]

NEWS_INTRO = "Neuigkeiten aus der Beteiligung, der Digitalen Agenda und dem Stadtgedächtnis."

NEWS = [
    {
        "slug": "plattform-gestartet",
        "title": "Die Beteiligungsplattform ist online",
        "date": datetime.date(2026, 11, 2),
        "intro": (
            "Ab sofort können alle Coburgerinnen und Coburger Ideen für die Digitale Agenda "
            "einbringen und Erinnerungen für das Stadtgedächtnis teilen."
        ),
        "body": stream(
            (
                "paragraph",
                p(
                    "Mit der neuen Plattform bündelt die Stadt ihre Beteiligungsangebote an einem "
                    "Ort. Registrieren Sie sich mit Ihrer E-Mail-Adresse, um mitzumachen."
                ),
            ),
        ),
    },
    {
        "slug": "erste-beteiligungsrunde",
        "title": "Erste Beteiligungsrunde der Digitalen Agenda",
        "date": datetime.date(2026, 11, 12),
        "intro": (
            "Die erste Runde beginnt mit der Ideensammlung in allen acht Handlungsfeldern. "
            "Die Steuerungsgruppe beantwortet jeden Vorschlag."
        ),
        "body": stream(
            (
                "paragraph",
                p(
                    "Nach der Ideensammlung folgen Diskussion und Abstimmung. Auch Beiträge aus "
                    "Workshops und Interviews fließen in die Auswertung ein."
                ),
            ),
        ),
    },
    {
        "slug": "aufruf-lesebuch",
        "title": "Aufruf: Erinnerungen für das nächste Lesebuch",
        "date": datetime.date(2026, 11, 18),
        "intro": (
            "Für das nächste Coburger Lesebuch suchen wir Erinnerungen an Feste und Vereine. "
            "Erzählen Sie uns Ihre Geschichte!"
        ),
        "body": stream(
            (
                "paragraph",
                p(
                    "Ob Vogelschießen, Samba-Festival oder Vereinsheim: Jede Erinnerung zählt. "
                    "Die Redaktion wählt Beiträge für das gedruckte Lesebuch aus."
                ),
            ),
        ),
    },
]

DEMO_USERS = [
    {
        "email": "admin@coburg.example",
        "display_name": "Administration",
        "roles": [EDITORS],
        "superuser": True,
    },
    {
        "email": "redaktion@coburg.example",
        "display_name": "Redaktion Stadtgedächtnis",
        "roles": [EDITORS],
    },
    {
        "email": "steuerung@coburg.example",
        "display_name": "Steuerungsgruppe",
        "roles": [STEERING],
    },
    {
        "email": "buergerin@coburg.example",
        "display_name": "Anna K.",
        "roles": [RESIDENTS],
        "district": "Ketschendorf",
    },
]
