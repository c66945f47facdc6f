"""Site search and the two interface languages."""

import pytest

from tests.civic.factories import StandardPageFactory


@pytest.mark.django_db
def test_search_finds_live_pages_only(client, home_page):
    StandardPageFactory(parent=home_page, title="Breitband im Stadtteil", slug="breitband")
    draft = StandardPageFactory(parent=home_page, title="Breitband Entwurf", slug="entwurf")
    draft.unpublish()
    html = client.get("/suche/", {"q": "Breitband"}).content.decode()
    assert "Breitband im Stadtteil" in html
    assert "Breitband Entwurf" not in html
    assert "1 Treffer" in html


@pytest.mark.django_db
def test_empty_search_and_no_hits(client, home_page):
    assert client.get("/suche/").status_code == 200
    html = client.get("/suche/", {"q": "Zzyzx"}).content.decode()
    assert "Leider nichts gefunden" in html


@pytest.mark.django_db
def test_german_by_default_even_for_english_browsers(client, home_page):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="de">' in html
    assert "Zum Inhalt springen" in html


@pytest.mark.django_db
def test_english_under_en_prefix(client, home_page):
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html


@pytest.mark.django_db
def test_language_switcher_links_to_same_page(client, home_page):
    StandardPageFactory(parent=home_page, title="Über uns", slug="ueber-uns")
    html = client.get("/ueber-uns/").content.decode()
    assert 'href="/en/ueber-uns/" hreflang="en"' in html
    html_en = client.get("/en/ueber-uns/").content.decode()
    assert 'href="/ueber-uns/" hreflang="de"' in html_en


@pytest.mark.django_db
def test_search_query_count_constant(client, home_page, django_assert_max_num_queries):
    for i in range(2):
        StandardPageFactory(parent=home_page, title=f"Radweg {i}", slug=f"radweg-{i}")
    client.get("/suche/", {"q": "Radweg"})
    with django_assert_max_num_queries(30) as small:
        client.get("/suche/", {"q": "Radweg"})
    for i in range(2, 14):
        StandardPageFactory(parent=home_page, title=f"Radweg {i}", slug=f"radweg-{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get("/suche/", {"q": "Radweg"}).content.decode()
    assert "14 Treffer" in html
