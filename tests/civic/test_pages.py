"""Page types: where each may be created, and what a visitor sees on it."""

import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from civic.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from tests.civic.factories import (
    NewsIndexPageFactory,
    NewsPageFactory,
    StandardPageFactory,
)


class TestPageTreeRules(WagtailPageTestCase):
    def test_home_page_only_below_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_home_page_children(self):
        """civic's own page types, plus the entry pages the domain apps register."""
        from django.apps import apps

        self.assertAllowedSubpageTypes(
            HomePage,
            {
                StandardPage,
                NewsIndexPage,
                apps.get_model("agenda", "AgendaPage"),
                apps.get_model("stadtgedaechtnis", "MemoryMapPage"),
                apps.get_model("stadtgedaechtnis", "BookIndexPage"),
                apps.get_model("stadtgedaechtnis", "TourIndexPage"),
            },
        )

    def test_standard_page_nests(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})

    def test_news_lives_in_news_index(self):
        self.assertAllowedParentPageTypes(NewsIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(NewsPage, set())

    def test_cannot_put_news_directly_below_home(self):
        self.assertCanNotCreateAt(HomePage, NewsPage)
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(NewsIndexPage, NewsPage)

    def test_only_one_news_index_per_home(self):
        home = HomePage.objects.get(depth=2)
        NewsIndexPageFactory(parent=home)
        assert not NewsIndexPage.can_create_at(home)


@pytest.mark.django_db
def test_standard_page_renders_blocks(client, home_page):
    page = StandardPageFactory(
        parent=home_page,
        title="Der Coburger Weg",
        slug="weg",
        body=[
            ("heading", {"text": "Bürgerzentriert", "level": "h2"}),
            (
                "quote",
                {"quote": "Keine Antwort ist die schlechteste Antwort.", "attribution": "SG"},
            ),
        ],
    )
    response = client.get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Der Coburger Weg</h1>" in html
    assert "<h2>Bürgerzentriert</h2>" in html
    assert "Keine Antwort ist die schlechteste Antwort." in html
    assert '<html lang="de">' in html


@pytest.mark.django_db
def test_news_index_lists_newest_first_and_paginates(client, home_page):
    index = NewsIndexPageFactory(parent=home_page)
    import datetime

    for day in range(1, 13):
        NewsPageFactory(parent=index, title=f"Meldung {day:02d}", date=datetime.date(2026, 10, day))
    first = client.get(index.url).content.decode()
    assert first.index("Meldung 12") < first.index("Meldung 03")
    assert "Meldung 02" not in first  # 10 per page
    second = client.get(index.url + "?seite=2").content.decode()
    assert "Meldung 02" in second and "Meldung 01" in second
    # a bad page number shows the first page instead of an error
    assert client.get(index.url + "?seite=abc").status_code == 200


@pytest.mark.django_db
def test_home_shows_latest_news(client, home_page):
    index = NewsIndexPageFactory(parent=home_page)
    NewsPageFactory(parent=index, title="Plattform gestartet")
    html = client.get("/").content.decode()
    assert "Aktuelles" in html and "Plattform gestartet" in html


@pytest.mark.django_db
def test_main_navigation_from_page_tree(client, home_page):
    StandardPageFactory(parent=home_page, title="Im Menü", show_in_menus=True)
    StandardPageFactory(parent=home_page, title="Nicht im Menü", show_in_menus=False)
    html = client.get("/").content.decode()
    nav = html[html.index('id="main-nav"') : html.index("</nav>", html.index('id="main-nav"'))]
    assert "Im Menü" in nav
    assert "Nicht im Menü" not in nav


@pytest.mark.django_db
def test_home_page_query_count_constant(client, home_page, django_assert_max_num_queries):
    index = NewsIndexPageFactory(parent=home_page)
    for _i in range(3):
        StandardPageFactory(parent=home_page, show_in_menus=True)
        NewsPageFactory(parent=index)
    client.get("/")  # warm caches (site root paths)
    with django_assert_max_num_queries(20) as small:
        client.get("/")
    for _i in range(20):
        StandardPageFactory(parent=home_page, show_in_menus=True)
        NewsPageFactory(parent=index)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/")


@pytest.mark.django_db
def test_link_blocks_point_to_page_or_address(client, home_page):
    target = StandardPageFactory(parent=home_page, title="Ziel", slug="ziel")
    page = StandardPageFactory(
        parent=home_page,
        slug="mit-verweisen",
        body=[
            (
                "call_to_action",
                {
                    "title": "Mitmachen",
                    "text": "",
                    "link": {"page": target, "url": ""},
                    "button_label": "Zur Zielseite",
                },
            ),
            (
                "call_to_action",
                {
                    "title": "Konto",
                    "text": "",
                    "link": {"page": None, "url": "/konto/signup/"},
                    "button_label": "Registrieren",
                },
            ),
        ],
    )
    html = client.get(page.url).content.decode()
    assert '<a class="button" href="/ziel/">Zur Zielseite</a>' in html
    assert '<a class="button" href="/konto/signup/">Registrieren</a>' in html


@pytest.mark.django_db
def test_news_index_query_count_constant(client, home_page, django_assert_max_num_queries):
    index = NewsIndexPageFactory(parent=home_page)
    for _i in range(2):
        NewsPageFactory(parent=index)
    client.get(index.url)
    with django_assert_max_num_queries(30) as small:
        client.get(index.url)
    for _i in range(15):
        NewsPageFactory(parent=index)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(index.url)


@pytest.mark.django_db
def test_error_pages_speak_german_inside_the_site(client, resident, home_page):
    """A missing page and a forbidden admin page explain themselves in the site's frame."""
    response = client.get("/gibt-es-nicht/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Seite nicht gefunden" in html and 'href="/"' in html and "<nav" in html
    client.force_login(resident)
    response = client.get("/admin/auswertung/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Kein Zugriff" in html and "Redaktion oder die Steuerungsgruppe" in html
    response = client.get("/en/gibt-es-nicht/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()
