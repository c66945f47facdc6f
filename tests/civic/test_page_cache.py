"""The anonymous page cache (civic.cache): hits, what is never cached, invalidation."""

import re

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.urls import path
from wagtail.models import Page, PageViewRestriction, Site

from civic import cache as page_cache
from civic.models import CitySettings, StandardPage
from civic.urls import urlpatterns as civic_urlpatterns
from tests.agenda.factories import ProposalFactory, RoundPageFactory

pytestmark = pytest.mark.django_db

MIDDLEWARE = "civic.cache.AnonymousPageCacheMiddleware"
HEADER = "X-Civic-Cache"


# -- a cacheable view with a form (CSRF token), only in these tests --------------------------

FORM_TEMPLATE = engines["django"].from_string(
    '<form method="post">{% csrf_token %}<button>Senden</button></form>'
)


@page_cache.cacheable
def form_view(request):
    return HttpResponse(FORM_TEMPLATE.render({}, request))


@page_cache.cacheable
def private_view(request):
    response = HttpResponse("nur für Sie")
    response["Cache-Control"] = "private"
    return response


urlpatterns = [
    path("test-formular/", form_view),
    path("test-privat/", private_view),
    *civic_urlpatterns,
]


@pytest.fixture
def page_cache_on(settings):
    """The cache as production runs it (the lead adds the middleware to base.py; until then and
    regardless of that, it is placed here right after LocaleMiddleware)."""
    middleware = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    middleware.insert(middleware.index("django.middleware.locale.LocaleMiddleware") + 1, MIDDLEWARE)
    settings.MIDDLEWARE = middleware
    settings.CIVIC_PAGE_CACHE_SECONDS = 60
    page_cache.connect_signals()
    # The site settings row is created on first use; that save invalidates (once per site).
    CitySettings.for_site(Site.objects.get(is_default_site=True))
    return settings


def page_keys():
    # LocMemCache keeps its keys in _cache; every stored page is one key with our prefix.
    return [k for k in cache._cache if f":{page_cache.KEY_PREFIX}:" in k]


def child_page(home_page, title="Über das Projekt", slug="ueber"):
    page = home_page.add_child(instance=StandardPage(title=title, slug=slug))
    page.save_revision().publish()
    return page


# -- hits ------------------------------------------------------------------------------------


def test_second_anonymous_request_is_a_hit_with_identical_body(
    page_cache_on, home_page, django_assert_num_queries
):
    page = child_page(home_page)
    first = Client().get(page.url)
    assert first.status_code == 200
    assert first[HEADER] == "miss"
    assert "Über das Projekt" in first.content.decode()
    assert len(page_keys()) == 1

    with django_assert_num_queries(0):  # no database at all for a cached page
        second = Client().get(page.url)
    assert second.status_code == 200
    assert second[HEADER] == "hit"
    assert second.content == first.content
    # Headers set by inner middleware are kept with the page.
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["Content-Type"] == first["Content-Type"]
    # Downstream caches (CDN, browser) must still tell visitors with cookies apart.
    assert "Cookie" in second["Vary"]
    assert not second.cookies


def test_head_is_answered_from_the_get_entry(page_cache_on, home_page):
    page = child_page(home_page)
    assert Client().get(page.url)[HEADER] == "miss"
    assert Client().head(page.url)[HEADER] == "hit"


def test_language_and_query_string_are_part_of_the_key(page_cache_on, home_page):
    page = child_page(home_page)
    url, english_url = page.url, "/en" + page.url
    assert Client().get(url)[HEADER] == "miss"
    assert Client().get(url, {"seite": "2"})[HEADER] == "miss"
    english = Client().get(english_url)
    assert english.status_code == 200
    assert english[HEADER] == "miss"
    assert 'lang="en"' in english.content.decode()
    assert len(page_keys()) == 3
    english_again = Client().get(english_url)
    assert english_again[HEADER] == "hit"
    assert 'lang="en"' in english_again.content.decode()
    german_again = Client().get(url)
    assert german_again[HEADER] == "hit"
    assert 'lang="de"' in german_again.content.decode()


def test_only_pages_are_cached_not_api_or_other_views(page_cache_on, home_page):
    response = Client().get("/theme.css")
    assert response.status_code == 200
    assert HEADER not in response
    assert page_keys() == []


# -- never cached ----------------------------------------------------------------------------


def test_logged_in_users_never_get_cached_pages(page_cache_on, home_page, resident):
    page = child_page(home_page)
    anonymous = Client().get(page.url)
    assert anonymous[HEADER] == "miss"

    member = Client()
    member.force_login(resident)
    personal = member.get(page.url)
    assert personal.status_code == 200
    assert HEADER not in personal  # not even looked up: the visitor has a session
    assert "Abmelden" in personal.content.decode()
    assert personal.content != anonymous.content

    # And nothing personal was stored for the next anonymous visitor.
    again = Client().get(page.url)
    assert again[HEADER] == "hit"
    assert again.content == anonymous.content
    assert "Abmelden" not in again.content.decode()


@pytest.mark.urls(__name__)
def test_a_form_with_csrf_token_is_not_cached(page_cache_on, home_page):
    first_visitor, second_visitor = Client(), Client()
    first = first_visitor.get("/test-formular/")
    assert first.status_code == 200
    assert first[HEADER] == "pass"
    assert django_settings.CSRF_COOKIE_NAME in first.cookies
    second = second_visitor.get("/test-formular/")
    assert second[HEADER] == "pass"
    # The second visitor got their own token, not the first one's.
    first_cookie = first.cookies[django_settings.CSRF_COOKIE_NAME].value
    second_cookie = second.cookies[django_settings.CSRF_COOKIE_NAME].value
    assert first_cookie != second_cookie
    # A visitor who already has a token cookie is not served a cached form either.
    again = first_visitor.get("/test-formular/")
    assert again[HEADER] == "pass"
    assert page_keys() == []
    # And each visitor's own token is accepted.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', second.content.decode())[1]
    enforcing = Client(enforce_csrf_checks=True)
    enforcing.cookies = second_visitor.cookies
    posted = enforcing.post("/test-formular/", {"csrfmiddlewaretoken": token})
    assert posted.status_code == 200


@pytest.mark.urls(__name__)
def test_private_cache_control_is_not_stored(page_cache_on, home_page):
    assert Client().get("/test-privat/")[HEADER] == "pass"
    assert Client().get("/test-privat/")[HEADER] == "pass"
    assert page_keys() == []


def titles_in_order(html, titles):
    positions = sorted((html.index(title), title) for title in titles if title in html)
    return [title for _, title in positions]


def test_session_seeded_random_order_is_not_shared(page_cache_on):
    round_ = RoundPageFactory(current="vote")
    titles = [f"Vorschlag Nummer {n:02d}" for n in range(1, 21)]
    for title in titles:
        ProposalFactory(round=round_, title=title)

    alice, bob = Client(), Client()
    alice_first = alice.get(round_.url)
    bob_first = bob.get(round_.url)
    for response in (alice_first, bob_first):
        assert response.status_code == 200
        assert response[HEADER] == "pass"  # the seed started a session: not stored
        assert django_settings.SESSION_COOKIE_NAME in response.cookies
    alice_order = titles_in_order(alice_first.content.decode(), titles)
    bob_order = titles_in_order(bob_first.content.decode(), titles)
    assert len(alice_order) >= 10
    assert alice_order != bob_order  # 20 proposals: equal orders are practically impossible

    # Alice keeps her order on reload (her session, never the cache).
    alice_again = alice.get(round_.url)
    assert HEADER not in alice_again
    assert titles_in_order(alice_again.content.decode(), titles) == alice_order
    # A third visitor is not served Alice's or Bob's list.
    carol = Client().get(round_.url)
    assert carol[HEADER] == "pass"
    assert page_keys() == []


# -- invalidation ----------------------------------------------------------------------------


def test_publishing_a_page_invalidates(page_cache_on, home_page):
    page = child_page(home_page)
    assert Client().get(page.url)[HEADER] == "miss"
    assert Client().get(page.url)[HEADER] == "hit"

    page.title = "Über uns"
    page.save_revision().publish()
    fresh = Client().get(page.url)
    assert fresh[HEADER] == "miss"
    assert "Über uns" in fresh.content.decode()


def test_publishing_another_page_invalidates_menus_and_lists_too(page_cache_on, home_page):
    page = child_page(home_page)
    assert Client().get(page.url)[HEADER] == "miss"
    child_page(home_page, title="Neuigkeiten", slug="neu")
    assert Client().get(page.url)[HEADER] == "miss"


def test_unpublishing_and_deleting_invalidate(page_cache_on, home_page):
    page = child_page(home_page)
    other = child_page(home_page, title="Kontakt", slug="kontakt")
    url, other_url = page.url, other.url
    Client().get(url)
    assert Client().get(url)[HEADER] == "hit"
    page.unpublish()
    assert Client().get(url).status_code == 404

    Client().get(other_url)
    assert Client().get(other_url)[HEADER] == "hit"
    Page.objects.get(pk=other.pk).delete()
    assert Client().get(other_url).status_code == 404


def test_moving_a_page_invalidates(page_cache_on, home_page):
    parent = child_page(home_page, title="Projekt", slug="projekt")
    page = child_page(home_page)
    old_url = page.url
    Client().get(old_url)
    assert Client().get(old_url)[HEADER] == "hit"
    page.move(parent, pos="last-child")
    moved = Client().get(old_url)
    assert moved.status_code == 301  # Wagtail's automatic redirect, not the cached page
    assert moved["Location"].endswith("/projekt/ueber/")


def test_a_new_view_restriction_invalidates(page_cache_on, home_page):
    page = child_page(home_page)
    Client().get(page.url)
    assert Client().get(page.url)[HEADER] == "hit"
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = Client().get(page.url)
    assert response.status_code == 302  # to the login, not the cached public page


def test_domain_models_registered_by_label_invalidate(page_cache_on, home_page):
    page = child_page(home_page)
    round_ = RoundPageFactory(current="comment")
    page_cache.invalidate_on_change("agenda.Proposal")  # what the agenda app registers
    Client().get(page.url)
    assert Client().get(page.url)[HEADER] == "hit"
    ProposalFactory(round=round_)
    assert Client().get(page.url)[HEADER] == "miss"


def test_invalidate_pages_makes_every_entry_stale(page_cache_on, home_page):
    page = child_page(home_page)
    Client().get(page.url)
    Client().get(home_page.url)
    assert Client().get(page.url)[HEADER] == "hit"
    page_cache.invalidate_pages()
    assert Client().get(page.url)[HEADER] == "miss"
    assert Client().get(home_page.url)[HEADER] == "miss"


def test_a_cache_outage_still_serves_the_page(page_cache_on, home_page, caplog):
    page = child_page(home_page)
    page_cache_on.CACHES = {
        **page_cache_on.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        },
    }
    page_cache_on.CIVIC_PAGE_CACHE_ALIAS = "pages"
    response = Client().get(page.url)
    assert response.status_code == 200
    assert "Über das Projekt" in response.content.decode()
    assert response[HEADER] == "pass"
    assert "Page cache unavailable" in caplog.text


# -- off by default --------------------------------------------------------------------------


def test_cache_is_off_by_default_in_tests(client, home_page):
    assert getattr(django_settings, "CIVIC_PAGE_CACHE_SECONDS", 0) == 0
    page = child_page(home_page)
    first, second = client.get(page.url), client.get(page.url)
    assert first.status_code == second.status_code == 200
    assert HEADER not in first and HEADER not in second
    assert page_keys() == []


# -- production settings -----------------------------------------------------------------------


def test_production_turns_the_cache_on_and_purges_a_cdn_only_when_configured():
    from tests.civic.test_settings import PRODUCTION_ENV, run_manage

    code = (
        "from django.conf import settings;"
        "print(settings.CIVIC_PAGE_CACHE_SECONDS);"
        "print(sorted(settings.WAGTAILFRONTENDCACHE));"
        "print('wagtail.contrib.frontend_cache' in settings.INSTALLED_APPS)"
    )
    plain = run_manage("shell", "-v", "0", "-c", code, env_overrides=PRODUCTION_ENV)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.split() == ["60", "[]", "False"]

    env = {**PRODUCTION_ENV, "FRONTEND_CACHE_PURGE_URL": "http://varnish.internal:6081"}
    purging = run_manage("shell", "-v", "0", "-c", code, env_overrides=env)
    assert purging.returncode == 0, purging.stderr
    assert purging.stdout.split() == ["60", "['http']", "True"]
    deploy = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=env)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr


# -- Django views of the domain apps: the memory page and the proposal page (issue 7) --------


def test_memory_page_is_cached_for_anonymous_visitors_and_a_change_invalidates(
    page_cache_on, home_page, django_assert_num_queries
):
    from tests.stadtgedaechtnis.factories import MemoryFactory

    memory = MemoryFactory(title="Der alte Marktbrunnen")
    url = memory.get_absolute_url()
    first = Client().get(url)
    assert first.status_code == 200 and first[HEADER] == "miss"
    assert "Der alte Marktbrunnen" in first.content.decode()
    assert not first.cookies  # nothing per visitor in it: no CSRF cookie, no session
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert second[HEADER] == "hit" and second.content == first.content

    memory.title = "Der neue Marktbrunnen"
    memory.save()
    third = Client().get(url)
    assert third[HEADER] == "miss"
    assert "Der neue Marktbrunnen" in third.content.decode()


def test_memory_page_of_a_logged_in_author_is_never_stored(page_cache_on, home_page, resident):
    from tests.stadtgedaechtnis.factories import MemoryFactory

    memory = MemoryFactory(title="Meine Erinnerung", author=resident)
    client = Client()
    client.force_login(resident)
    own = client.get(memory.get_absolute_url())
    assert own.status_code == 200
    assert HEADER not in own  # a session cookie: the cache is not even asked
    assert page_keys() == []
    anonymous = Client().get(memory.get_absolute_url())
    assert anonymous[HEADER] == "miss"


def test_proposal_page_is_cached_without_per_user_content(page_cache_on, resident):
    from django.urls import reverse

    from tests.agenda.factories import make_comment

    proposal = ProposalFactory(round=RoundPageFactory(current="comment"), title="Mehr Bänke")
    url = reverse("agenda:proposal", args=[proposal.pk])
    first = Client().get(url)
    assert first.status_code == 200 and first[HEADER] == "miss"
    html = first.content.decode()
    assert "Mehr Bänke" in html
    assert "csrfmiddlewaretoken" not in html and not first.cookies
    assert Client().get(url)[HEADER] == "hit"

    # A resident sees the live page with the comment form (never stored, never served cached).
    logged_in = Client()
    logged_in.force_login(resident)
    own = logged_in.get(url)
    assert HEADER not in own
    assert "csrfmiddlewaretoken" in own.content.decode()

    # A new comment shows at once for anonymous visitors too.
    make_comment(proposal, resident, "Gute Idee, auch am Bahnhof!")
    fresh = Client().get(url)
    assert fresh[HEADER] == "miss"
    assert "Gute Idee, auch am Bahnhof!" in fresh.content.decode()
    assert "csrfmiddlewaretoken" not in fresh.content.decode()


def test_a_message_after_a_post_is_never_cached(page_cache_on, resident):
    """A visitor carrying a messages cookie (e.g. after logging out) gets the live page."""
    from django.urls import reverse

    proposal = ProposalFactory(round=RoundPageFactory(current="comment"))
    url = reverse("agenda:proposal", args=[proposal.pk])
    visitor = Client()
    visitor.cookies["messages"] = "irgendwas"
    response = visitor.get(url)
    assert response.status_code == 200
    assert HEADER not in response
    assert page_keys() == []
