"""Demo data of the Stadtgedächtnis (seed step 100): themes, pages, ~60 memories, a queue.

Idempotent: themes, reasons and pages are looked up before they are created; the memories are
created only once (recognised by the first demo title). Fast: no geocoding, small images.
"""

import io
import random

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from stadtgedaechtnis import services
from stadtgedaechtnis.consent import CURRENT_CONSENT_VERSION
from stadtgedaechtnis.dates import parse_period
from stadtgedaechtnis.demo_memories import COMMENTS, MEMORIES, PHONE_INTERVIEW, QUEUE
from stadtgedaechtnis.models import (
    Memory,
    MemoryContact,
    MemoryMapPage,
    MemoryPhoto,
    MemoryTimelinePage,
    RejectionReason,
    Status,
    Theme,
)

THEMES = [
    ("kindheit-schule", "Kindheit & Schule", "Spielen, lernen, groß werden."),
    ("arbeit-handwerk", "Arbeit & Handwerk", "Werkstätten, Fabriken, Berufe."),
    ("feste-vereine", "Feste & Vereine", "Kirchweih, Vogelschießen, Sport und Musik."),
    ("bauten-plaetze", "Bauten & Plätze", "Häuser, Straßen und Plätze, die sich verändert haben."),
    ("krieg-nachkriegszeit", "Krieg & Nachkriegszeit", "Not, Neuanfang und Wiederaufbau."),
    ("handel-gastronomie", "Handel & Gastronomie", "Läden, Märkte, Wirtshäuser und Cafés."),
    ("verkehr", "Verkehr", "Pferdefuhrwerke, Busse, Bahn und Fahrrad."),
]

REASONS = [
    "Die Erinnerung enthält persönliche Angaben über andere Menschen.",
    "Die Rechte an den Fotos sind nicht geklärt.",
    "Der Beitrag ist keine Erinnerung an unsere Stadt.",
    "Der Beitrag verstößt gegen unsere Regeln für ein respektvolles Miteinander.",
]

MAP_INTRO = (
    "<p>Das Stadtgedächtnis sammelt Erinnerungen an unsere Stadt – erzählt von den Menschen, die "
    "sie erlebt haben. Es hat drei Türen:</p>"
    "<ul><li><b>Erzähle</b>: Schreiben Sie Ihre eigene Erinnerung auf, mit Fotos, wenn Sie "
    "mögen.</li><li><b>Entdecke</b>: Finden Sie Erinnerungen auf der Karte und in der "
    "Liste.</li><li><b>Erforsche</b>: Blättern Sie in der Zeitleiste durch die "
    "Jahrzehnte.</li></ul>"
    "<p>Alle Erinnerungen in dieser Demo sind erfunden.</p>"
)
TIMELINE_INTRO = "<p>Erinnerungen nach Jahrzehnten – von den 1920er Jahren bis heute.</p>"

PHOTO_COLOURS = [(112, 92, 70), (90, 98, 110), (130, 110, 80), (70, 86, 74), (120, 80, 70)]


def seed(context) -> None:
    """The seed step: everything the Stadtgedächtnis needs to be shown."""
    with transaction.atomic():
        themes = _themes()
        _reasons()
        map_page = _pages(context)
        context["pages"]["stadtgedaechtnis"] = map_page
        if not Memory.objects.filter(title=MEMORIES[0][0]).exists():
            _memories(themes, context)


def _themes() -> dict:
    themes = {}
    for order, (slug, name, description) in enumerate(THEMES):
        theme, _ = Theme.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "sort_order": order}
        )
        themes[slug] = theme
    return themes


def _reasons() -> None:
    for order, text in enumerate(REASONS):
        RejectionReason.objects.get_or_create(text=text, defaults={"sort_order": order})


def _pages(context):
    home = context["home"]
    map_page = MemoryMapPage.objects.child_of(home).first()
    if map_page is None:
        clash = home.get_children().filter(slug="stadtgedaechtnis").first()
        if clash is not None:  # a placeholder from an earlier seed: move it aside
            clash = clash.specific
            clash.slug = "stadtgedaechtnis-platzhalter"
            clash.live = False
            clash.show_in_menus = False
            clash.save()
        map_page = home.add_child(
            instance=MemoryMapPage(
                title="Stadtgedächtnis",
                slug="stadtgedaechtnis",
                intro=MAP_INTRO,
                show_in_menus=True,
                seo_title="Digitales Stadtgedächtnis",
                search_description="Erinnerungen an unsere Stadt: erzählen, entdecken, erforschen.",
            )
        )
    if not MemoryTimelinePage.objects.child_of(map_page).exists():
        map_page.add_child(
            instance=MemoryTimelinePage(
                title="Erforsche: Zeitleiste", slug="zeitleiste", intro=TIMELINE_INTRO
            )
        )
    return map_page


def _district_points(seed_value=1955):
    """A function giving deterministic random points inside a named district."""
    from shapely.geometry import Point, shape

    from civic.models import District

    shapes = {d.name: shape(d.geometry) for d in District.objects.all()}
    rng = random.Random(seed_value)

    def point(name):
        geom = shapes.get(name) or next(iter(shapes.values()), None)
        if geom is None:
            return None, None, None
        minx, miny, maxx, maxy = geom.bounds
        for _ in range(200):
            lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if geom.contains(Point(lon, lat)):
                return round(lon, 6), round(lat, 6), name
        rep = geom.representative_point()
        return round(rep.x, 6), round(rep.y, 6), name

    return point


def _demo_photo(index: int, title: str):
    """A small generated picture (sepia tones, simple houses), stored as a Wagtail image."""
    from PIL import Image, ImageDraw
    from wagtail.images import get_image_model

    from stadtgedaechtnis.submission import memory_collection

    colour = PHOTO_COLOURS[index % len(PHOTO_COLOURS)]
    image = Image.new("RGB", (480, 320), tuple(min(255, c + 90) for c in colour))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 220, 480, 320), fill=colour)
    for i in range(4):
        x = 30 + i * 110 + (index * 13) % 30
        height = 90 + ((index + i) * 37) % 60
        draw.rectangle((x, 220 - height, x + 80, 220), fill=tuple(c - 20 for c in colour))
        draw.polygon(
            [(x - 5, 220 - height), (x + 40, 180 - height), (x + 85, 220 - height)],
            fill=tuple(max(0, c - 40) for c in colour),
        )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    wagtail_image = get_image_model()(
        title=f"Demo-Bild: {title}", collection=memory_collection(), width=480, height=320
    )
    wagtail_image.file.save(
        f"demo-{slugify(title)[:40]}.jpg", ContentFile(buffer.getvalue()), save=False
    )
    wagtail_image.width, wagtail_image.height = 480, 320
    wagtail_image.save()
    return wagtail_image


def _create(spec, themes, point_for, *, status, author=None, published_offset=0, now=None):
    title, date_text, theme_slugs, district, place, story, name, precision, private = spec
    lon, lat, _ = point_for(district)
    period = parse_period(date_text)
    first, *rest = story.split(". ")
    summary = (first + ".") if rest else story
    memory = Memory(
        title=title,
        summary=summary[:255],
        story=story,
        date_text=date_text,
        date_from=period.lower,
        date_to=period.upper,
        lat=lat,
        lon=lon,
        precision=precision,
        private_place=private,
        place_name=place,
        licence="cc-by-4.0" if published_offset % 5 else "cc-by-sa-4.0",
        consent_publication=True,
        consent_version=CURRENT_CONSENT_VERSION,
        consent_at=now,
        rights_confirmed=True,
        people_status="not_identifiable",
        attribution="full_name" if name else "anonymous",
        contributor_name=name,
        print_allowed=bool(published_offset % 2),
        author=author,
        status=Status.DRAFT,
    )
    memory.save()
    memory.themes.set([themes[slug] for slug in theme_slugs if slug in themes])
    return memory


def _memories(themes, context) -> None:
    from civic.models import User

    now = timezone.now()
    point_for = _district_points()
    resident = User.objects.filter(email="buergerin@coburg.example").first()
    editor = User.objects.filter(email="redaktion@coburg.example").first()
    published = []
    for i, spec in enumerate(MEMORIES):
        author = resident if resident is not None and i % 6 == 0 else None
        memory = _create(
            spec,
            themes,
            point_for,
            status=Status.PUBLISHED,
            author=author,
            published_offset=i,
            now=now,
        )
        services.submit(memory, actor=author)
        services.publish(memory, actor=editor, notify_contributor=False)
        published.append(memory)
    # Submission and publication dates spread over the last year and a bit (newest first on the
    # map page; the dashboard's months and decision times look like a living collection).
    for i, memory in enumerate(published):
        published_at = now - timezone.timedelta(days=7 * (len(published) - i))
        Memory.objects.filter(pk=memory.pk).update(
            submitted_at=published_at - timezone.timedelta(days=1 + (i * 5) % 17),
            decided_at=published_at,
            published_at=published_at,
        )

    for i, memory in enumerate(published[::7][:8]):
        image = _demo_photo(i, memory.title)
        MemoryPhoto.objects.create(
            memory=memory,
            image=image,
            alt_text=f"Gezeichnete Häuserzeile in Brauntönen (Demo-Bild zu „{memory.title}“)",
            caption=f"Demo-Bild: {memory.place_name}",
            creator="Demo-Generator",
            year=memory.date_from.year if memory.date_from else None,
            licence="cc0",
            sort_order=1,
        )

    featured = next(m for m in published if m.title == "Der erste Fernseher der Straße")
    services.feature(featured, actor=editor)

    for i, spec in enumerate(QUEUE):
        author = resident if i == 2 and resident is not None else None
        memory = _create(
            spec,
            themes,
            point_for,
            status=Status.SUBMITTED,
            author=author,
            published_offset=i,
            now=now,
        )
        if author is None:
            MemoryContact.objects.create(
                memory=memory,
                name=spec[6] or "Demo-Person",
                email=f"demo-erzaehlerin-{i}@example.org",
                confirmed_at=now,
            )
        services.submit(memory, actor=author)
        Memory.objects.filter(pk=memory.pk).update(
            submitted_at=now - timezone.timedelta(days=3 + 4 * i)
        )

    phone = _create(PHONE_INTERVIEW, themes, point_for, status=Status.SUBMITTED, now=now)
    phone.on_behalf = True
    phone.on_behalf_source = "phone"
    phone.on_behalf_consent = "Mündlich am Telefon eingewilligt; Aufzeichnung der Redaktion."
    phone.entered_by = editor
    phone.save()
    services.submit(phone, actor=editor)

    _comments(published[:3], resident)


def _comments(memories, user) -> None:
    """A few readers' additions ("Ich erinnere mich auch …"), already approved."""
    if user is None:
        return
    from django.conf import settings
    from django_comments_xtd.models import XtdComment

    content_type = ContentType.objects.get_for_model(Memory)
    for memory, text in zip(memories, COMMENTS, strict=False):
        XtdComment.objects.create(
            content_type=content_type,
            object_pk=str(memory.pk),
            site_id=settings.SITE_ID,
            user=user,
            user_name=user.public_name,
            comment=text,
            is_public=True,
            submit_date=timezone.now(),
        )
