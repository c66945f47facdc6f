"""Anonymous page cache: whole responses of public pages in Django's cache (Redis in production).

Why our own middleware and not ``wagtail-cache``: its current release (3.0) requires
``wagtail<8.0``. This module is small on purpose and follows the same rules.

What is cached
    Responses of Wagtail pages (URL name ``wagtail_serve``, routable-page routes included) and of
    views marked with :func:`cacheable` or registered by name with :func:`cache_view_names`
    (the memory page, the proposal page), for anonymous visitors only: GET (HEAD is answered from
    the GET entry), no session or messages cookie in the request, no ``Authorization`` header,
    status 200, not streaming, no ``Set-Cookie`` in the response (a CSRF token, a session started
    for a per-visitor random order, a message) and no ``Cache-Control: private/no-cache/no-store``.
    A visitor who carries a session cookie is never served from the cache: whatever the session
    holds (login, the seed of the proposal list's random order, a passed page password) can shape
    the page.

Key
    scheme, host (= the Wagtail site), active language, path and query string, plus a
    *generation*: :func:`invalidate_pages` starts a new generation, so every earlier entry is
    unreachable at once (they expire through their TTL). No key ring, no ``delete_pattern``.

Invalidation
    Publishing, unpublishing, moving or deleting a page, changing a page's view restrictions, a
    Site or a site setting, and comments (they appear on proposal pages at once) invalidate
    everything. Domain apps register their models with :func:`invalidate_on_change` (civic does
    not import them) or call :func:`invalidate_pages` from their services. What is not
    registered (votes, on purpose: hundreds per second would empty the cache all the time) is
    at most ``CIVIC_PAGE_CACHE_SECONDS`` old for anonymous visitors; logged-in people always see
    the live page.

Settings
    ``CIVIC_PAGE_CACHE_SECONDS``: lifetime of an entry; 0 (the default, also in tests) turns the
    cache off. Read per request, so tests can switch it on with the ``settings`` fixture.
    ``CIVIC_PAGE_CACHE_ALIAS``: which of ``CACHES`` holds the pages (default ``"default"``;
    production uses ``"pages"`` when ``PAGE_CACHE_REDIS_URL`` is set).

Every response the middleware considered carries ``X-Civic-Cache``: ``hit`` (served from the
cache), ``miss`` (rendered and stored) or ``pass`` (rendered, not cacheable).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import cc_delim_re, patch_vary_headers

logger = logging.getLogger(__name__)

SETTING = "CIVIC_PAGE_CACHE_SECONDS"
HEADER = "X-Civic-Cache"
CACHEABLE_URL_NAMES = frozenset({"wagtail_serve"})
GENERATION_KEY = "civic:pagecache:generation"
KEY_PREFIX = "civic:page"
# Cookies that mean "this visitor has per-person state": never serve them a shared page.
MESSAGES_COOKIE = "messages"
# Headers not stored with a cached page (set per response, or by this module).
_UNSTORED_HEADERS = frozenset({HEADER.lower(), "set-cookie"})
_PRIVATE_DIRECTIVES = frozenset({"private", "no-cache", "no-store"})


def cacheable(view: Callable) -> Callable:
    """Mark a (non-Wagtail) view whose anonymous responses may be cached like pages."""
    view.civic_page_cache = True
    return view


#: Namespaced URL names (``"agenda:proposal"``) registered with :func:`cache_view_names`.
_CACHEABLE_VIEW_NAMES: set[str] = set()


def cache_view_names(*view_names: str) -> None:
    """Cache anonymous responses of these views like pages, by namespaced URL name.

    For a domain app whose views module belongs to someone else: call it in
    ``AppConfig.ready()``. The same rules as for :func:`cacheable` views apply (no cookie in or
    out, anonymous, 200, not private).
    """
    _CACHEABLE_VIEW_NAMES.update(view_names)


def _cache():
    return caches[getattr(settings, "CIVIC_PAGE_CACHE_ALIAS", "default")]


def page_cache_seconds() -> int:
    return int(getattr(settings, SETTING, 0) or 0)


# -- invalidation -------------------------------------------------------------------------------


def _new_generation() -> None:
    try:
        _cache().set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # a cache outage must not break publishing
        logger.exception("Could not invalidate the page cache")


def invalidate_pages() -> None:
    """Make every cached page stale, now and again when the current transaction commits.

    The second time covers a request that re-cached the old state between now and the commit.
    """
    _new_generation()
    transaction.on_commit(_new_generation)


def _generation() -> str:
    store = _cache()
    generation = store.get(GENERATION_KEY)
    if generation is None:
        # add() is atomic: all workers agree on the first generation.
        store.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = store.get(GENERATION_KEY) or "0"
    return generation


def _invalidate_receiver(sender, **kwargs) -> None:
    invalidate_pages()
    label = getattr(getattr(sender, "_meta", None), "label", None)
    if label:
        bump_data_version(label)


# -- data versions (fragment caches keyed by what they were computed from) ----------------------
#
# A cached computation over a model's rows (the map's clusters, the timeline's decades) puts
# ``data_version(label)`` into its key. Every save or delete of a model registered with
# :func:`invalidate_on_change` starts a new version of that model (now and after the commit), so
# the old entries are never read again and expire through their TTL. Lives in the "default"
# cache (shared by all workers), not in the page cache's alias.

DATA_VERSION_PREFIX = "civic:data"
#: Labels (lower case) registered with :func:`invalidate_on_change`: only their versions move.
_VERSIONED: set[str] = set()


def has_data_version(label: str) -> bool:
    """Whether saves and deletes of ``label`` start new data versions (only then may a
    computation over its rows be cached under :func:`data_version`)."""
    return label.lower() in _VERSIONED


def _data_key(label: str) -> str:
    return f"{DATA_VERSION_PREFIX}:{label.lower()}"


def _set_data_version(label: str) -> None:
    try:
        caches["default"].set(_data_key(label), uuid.uuid4().hex, None)
    except Exception:  # a cache outage must not break saving
        logger.exception("Could not start a new data version of %s", label)


def bump_data_version(label: str) -> None:
    """Make every fragment cached from ``label``'s rows stale, now and at the commit."""
    _set_data_version(label)
    transaction.on_commit(lambda: _set_data_version(label))


def data_version(label: str) -> str:
    """The current version of ``"app_label.ModelName"``'s data (for fragment cache keys)."""
    store = caches["default"]
    key = _data_key(label)
    version = store.get(key)
    if version is None:
        store.add(key, uuid.uuid4().hex, None)
        version = store.get(key) or "0"
    return version


def invalidate_on_change(*model_labels: str) -> None:
    """Invalidate the page cache (and the model's :func:`data_version`) whenever an instance of
    these models is saved or deleted.

    ``model_labels`` are ``"app_label.ModelName"`` strings (resolved lazily), so a domain app can
    call this from its ``AppConfig.ready()`` without civic importing it. Idempotent.
    """
    for label in model_labels:
        _VERSIONED.add(label.lower())
        for signal in (post_save, post_delete):
            signal.connect(
                _invalidate_receiver,
                sender=label,
                weak=False,
                dispatch_uid=f"civic-page-cache:{signal is post_save}:{label}",
            )


_connected = False


def connect_signals() -> None:
    """Connect the Wagtail and civic signals that invalidate the cache (idempotent).

    Called from the middleware and from ``CivicConfig.ready()`` (so management commands such as
    ``publish_scheduled`` invalidate too).
    """
    global _connected
    if _connected:
        return
    from django.apps import apps
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.models import Page, PageViewRestriction, Site
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(_invalidate_receiver, weak=False, dispatch_uid="civic-page-cache")
    # Saving a page row (moves, `live` toggled, revisions of an edited page) changes what may be
    # served; publishing sends page_published as well. Editorial saves are rare: cheap enough.
    page_models = [Page, PageViewRestriction, Site]
    page_models += [
        model
        for model in apps.get_models()
        if issubclass(model, BaseSiteSetting | BaseGenericSetting)
        or (issubclass(model, Page) and model is not Page)
    ]
    invalidate_on_change(*(model._meta.label for model in page_models))
    # Comments on proposals appear at once, and comment counts show on lists.
    invalidate_on_change("django_comments_xtd.XtdComment")
    _connected = True


# -- the middleware ------------------------------------------------------------------------------


def _request_may_use_cache(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    try:
        match = resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return (
        match.url_name in CACHEABLE_URL_NAMES
        or match.view_name in _CACHEABLE_VIEW_NAMES
        or getattr(match.func, "civic_page_cache", False)
    )


def _response_may_be_stored(request: HttpRequest, response: HttpResponseBase) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    if getattr(request, "is_preview", False):
        return False
    directives = {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
        if part.strip()
    }
    return not directives & _PRIVATE_DIRECTIVES


def page_key(request: HttpRequest) -> str:
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language() or ""
    raw = "|".join((request.scheme, request.get_host(), language, request.get_full_path())).encode()
    return f"{KEY_PREFIX}:{_generation()}:{hashlib.sha256(raw).hexdigest()}"


class AnonymousPageCacheMiddleware:
    """Serve anonymous visitors' pages from the cache (see the module docstring).

    Place it right after ``LocaleMiddleware`` (it needs the active language; the middlewares
    after it — CSRF, auth, messages, CSP, X-Frame-Options — run on a miss, and their headers are
    stored with the page).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        connect_signals()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        seconds = page_cache_seconds()
        if seconds <= 0:
            return self.get_response(request)
        if not _request_may_use_cache(request):
            return self.get_response(request)
        try:
            key = page_key(request)
            cached = _cache().get(key)
        except DisallowedHost:  # answered with 400 by Django below; nothing to cache
            return self.get_response(request)
        except Exception:
            logger.exception("Page cache unavailable")
            key = cached = None
        if cached is not None:
            return self._rebuild(cached)
        response = self.get_response(request)
        if key is not None and _response_may_be_stored(request, response):
            headers = [(k, v) for k, v in response.items() if k.lower() not in _UNSTORED_HEADERS]
            try:
                _cache().set(key, (response.content, headers), seconds)
            except Exception:
                logger.exception("Could not store a page in the cache")
            response[HEADER] = "miss"
        else:
            response[HEADER] = "pass"
        return response

    @staticmethod
    def _rebuild(cached) -> HttpResponse:
        content, headers = cached
        response = HttpResponse(content, status=200)
        for name, value in headers:
            response[name] = value
        # A shared page, but only for visitors without cookies: tell a CDN or browser cache so
        # (SessionMiddleware adds this on a miss; on a hit the session is never touched).
        patch_vary_headers(response, ("Cookie",))
        response[HEADER] = "hit"
        return response
