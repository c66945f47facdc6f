"""Demo data of the Rundgänge (seed step 120): the index page and one tour through the centre.

Runs after the Stadtgedächtnis step (100), which creates the demo memories. Idempotent: the pages
are looked up before they are created. The stops are demo memories found by title, in the order
below (the editorial texts follow it); a missing one is left out.
"""

from django.db import transaction

from stadtgedaechtnis.models import Memory, Theme, TourIndexPage, TourPage, TourStop

INDEX_INTRO = (
    "<p>Rundgänge führen zu Orten, an die sich Menschen aus unserer Stadt erinnern. Jede Station "
    "erzählt eine Geschichte. Sie können den Rundgang auf dem Telefon mitnehmen oder ausdrucken."
    "</p><p>Alle Erinnerungen in dieser Demo sind erfunden.</p>"
)
TOUR_TITLE = "Altstadt-Erinnerungen: vom Markt zum Festungsberg"
TOUR_INTRO = (
    "<p>Ein kurzer Spaziergang durch die Innenstadt, vom Marktplatz bis zum Festungsberg – mit "
    "Erinnerungen aus hundert Jahren.</p>"
)
# (memory title, editorial text of the stop)
STOPS = [
    (
        "Die Eisdiele am Markt",
        "<p>Wir beginnen am Marktplatz. Wo heute Stühle in der Sonne stehen, gab es in den "
        "Fünfzigern drei Sorten Eis.</p>",
    ),
    (
        "Neue Schuhe nach der Währungsreform",
        "<p>Über die Spitalgasse: Hier lagen nach der Währungsreform auf einmal volle "
        "Schaufenster.</p>",
    ),
    (
        "Der Hufschmied in der Judengasse",
        "<p>In der Judengasse erinnert nichts mehr an die Schmiede – nur der Name des Hofs.</p>",
    ),
    (
        "Trümmerfrauen in der Mohrenstraße",
        "<p>Die Mohrenstraße wurde nach dem Krieg von Frauen aus der Nachbarschaft "
        "freigeräumt.</p>",
    ),
    (
        "Der Turnverein im Schlosspark",
        "<p>Im Hofgarten feierte der Turnverein seine Sommerfeste.</p>",
    ),
    (
        "Schlittenfahren am Festungsberg",
        "<p>Zum Schluss geht es bergauf: Im Winter war der Festungsberg die längste "
        "Schlittenbahn der Stadt.</p>",
    ),
]


def seed(context) -> None:
    home = context["home"]
    with transaction.atomic():
        index = TourIndexPage.objects.child_of(home).first()
        if index is None:
            index = home.add_child(
                instance=TourIndexPage(
                    title="Rundgänge",
                    slug="rundgaenge",
                    intro=INDEX_INTRO,
                    show_in_menus=True,
                    search_description="Themen-Rundgänge zu Erinnerungen an unsere Stadt.",
                )
            )
        context["pages"]["rundgaenge"] = index
        if TourPage.objects.child_of(index).filter(title=TOUR_TITLE).exists():
            return
        by_title = {m.title: m for m in Memory.objects.for_map().filter(title__in=dict(STOPS))}
        memories = [by_title[title] for title, _ in STOPS if title in by_title]
        if len(memories) < 2:
            return
        texts = dict(STOPS)
        index.add_child(
            instance=TourPage(
                title=TOUR_TITLE,
                slug="altstadt",
                intro=TOUR_INTRO,
                theme=Theme.objects.filter(slug="bauten-plaetze").first(),
                search_description="Sechs Stationen in der Innenstadt, gut zu Fuß.",
                stops=[
                    TourStop(memory=memory, sort_order=order, text=texts[memory.title])
                    for order, memory in enumerate(memories)
                ],
            )
        )
