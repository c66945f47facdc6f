"""Rate limits for every write path, per account and per client address.

One module reads the limits (``settings.CIVIC_RATE_LIMITS``, set in civic/settings/base.py) and
counts attempts in Django's default cache (Redis in production, so that every app server sees the
same counters). A scope names a group of write paths that share one budget::

    CIVIC_RATE_LIMITS = {"vote": {"account": "60/m", "address": "300/m"}, ...}

A rate is ``<amount>/<period>``, the period ``s``, ``m``, ``h`` or ``d``, optionally with a
number (``"20/10m"``). Windows are fixed (counter per key and window, ``cache.add`` + ``incr``,
atomic on Redis): cheap, and at most twice the amount can pass around a window boundary.

Use in views::

    @ratelimit.limit("vote")                 # POSTs over the limit get the 429 page
    def vote(request, pk): ...

    blocked = ratelimit.hit(request, "proposal")   # or count by hand and keep the form
    if blocked:
        form.add_error(None, blocked.message)

``settings.CIVIC_RATELIMIT_MULTIPLIER`` (environment variable of the same name) multiplies every
amount: for load and bench scripts only. The client address honours
``settings.CIVIC_TRUSTED_PROXY_COUNT`` proxies in front (X-Forwarded-For); without proxies it is
REMOTE_ADDR. IPv6 addresses count per /64 network. If the cache fails, requests pass (logged):
the site stays usable when Redis is down.

Why not django-ratelimit: its last release is from 2023 (Django 5 is not among its tested
versions), its "user" key puts every anonymous visitor into one bucket, and the views here need
the soft mode (a form error that keeps the input) besides the 429 page.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import re
import time
from dataclasses import dataclass
from functools import wraps
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext

logger = logging.getLogger(__name__)

#: Where the cache keys start (several sites may share one Redis: KEY_PREFIX separates them).
KEY_PREFIX = "civic:rl"

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def clock() -> float:
    """The time the windows are measured in (tests move it forward instead of sleeping)."""
    return time.time()


@dataclass(frozen=True)
class Rate:
    amount: int
    period: int  # seconds

    @classmethod
    def parse(cls, text: str) -> Rate:
        match = _RATE.match(text or "")
        if not match:
            raise ValueError(f"Invalid rate {text!r}: expected e.g. '60/m' or '20/10m'")
        amount, count, unit = match.groups()
        return cls(int(amount), int(count or 1) * _UNITS[unit])


@dataclass(frozen=True)
class Blocked:
    """An attempt over the limit: which scope, which counter, and when it may be tried again."""

    scope: str
    kind: str  # "account" or "address"
    retry_after: int  # seconds

    @property
    def retry_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))

    @property
    def message(self) -> str:
        minutes = self.retry_minutes
        return ngettext(
            "Sie haben in kurzer Zeit zu viele Anfragen gesendet. Zum Schutz vor Missbrauch "
            "wurde nichts gespeichert. Bitte versuchen Sie es in %(minutes)s Minute noch "
            "einmal.",
            "Sie haben in kurzer Zeit zu viele Anfragen gesendet. Zum Schutz vor Missbrauch "
            "wurde nichts gespeichert. Bitte versuchen Sie es in %(minutes)s Minuten noch "
            "einmal.",
            minutes,
        ) % {"minutes": minutes}


# --------------------------------------------------------------------------------------------
# Settings


def multiplier() -> int:
    try:
        return max(1, int(getattr(settings, "CIVIC_RATELIMIT_MULTIPLIER", 1)))
    except (TypeError, ValueError):
        return 1


def rates(scope: str) -> dict[str, Rate]:
    """The effective limits of ``scope`` ({"account": Rate, "address": Rate}), multiplier applied.

    An unknown scope is a programming error (KeyError), not "no limit".
    """
    config = settings.CIVIC_RATE_LIMITS[scope]
    factor = multiplier()
    result = {}
    for kind in ("account", "address"):
        if config.get(kind):
            rate = Rate.parse(config[kind])
            result[kind] = Rate(rate.amount * factor, rate.period)
    return result


# --------------------------------------------------------------------------------------------
# Who is asking


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or, behind N trusted proxies, the N-th address from the
    right of X-Forwarded-For (the one the outermost trusted proxy saw). Addresses further left
    are set by the client and cannot be trusted."""
    proxies = int(getattr(settings, "CIVIC_TRUSTED_PROXY_COUNT", 0) or 0)
    address = ""
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-proxies] if len(hops) >= proxies else hops[0]
    return address or request.META.get("REMOTE_ADDR", "") or "unknown"


def address_key(request: HttpRequest) -> str:
    """The client address as a counter key: IPv6 per /64 (one household or phone gets a whole
    /64, so counting single IPv6 addresses would be trivial to evade)."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return hashlib.sha256(address.encode()).hexdigest()[:32]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def account_key(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def secret_key(value: str) -> str:
    """A counter key for a secret (a contributor's token, an e-mail address): hashed, so the
    cache never holds it in clear."""
    return "h:" + hashlib.sha256(value.encode()).hexdigest()[:40]


# --------------------------------------------------------------------------------------------
# Counting


def _cache_key(scope: str, kind: str, ident: str, rate: Rate, window: int) -> str:
    return f"{KEY_PREFIX}:{scope}:{kind}:{rate.period}:{ident}:{window}"


def _count(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def hit(request: HttpRequest, scope: str, *, account: str | None = None) -> Blocked | None:
    """Count one attempt of ``scope`` for this account and this address.

    ``account`` defaults to the logged-in user; pass another key for anonymous paths that have
    one (a contributor's token: :func:`secret_key`). Returns :class:`Blocked` when either counter
    is over its limit, else None. Both counters count every attempt, blocked ones too.
    """
    limits = rates(scope)
    idents = {"account": account or account_key(request), "address": address_key(request)}
    now = clock()
    blocked = None
    for kind, rate in limits.items():
        ident = idents.get(kind)
        if not ident:
            continue
        window = int(now // rate.period)
        key = _cache_key(scope, kind, ident, rate, window)
        try:
            count = _count(key, timeout=rate.period + 1)
        except Exception:  # noqa: BLE001 - a broken cache must not take the site down
            logger.warning("Rate limit cache unavailable for %s", scope, exc_info=True)
            return None
        if count > rate.amount and blocked is None:
            retry = max(1, math.ceil((window + 1) * rate.period - now))
            blocked = Blocked(scope=scope, kind=kind, retry_after=retry)
    if blocked is not None:
        logger.info("Rate limit %s reached (%s)", scope, blocked.kind)
    return blocked


def reset(scope: str, request: HttpRequest, *, account: str | None = None) -> None:
    """Forget the current window's counters of ``scope`` for this request's account and address
    (support staff after a false alarm; tests)."""
    idents = {"account": account or account_key(request), "address": address_key(request)}
    now = clock()
    for kind, rate in rates(scope).items():
        if idents.get(kind):
            window = int(now // rate.period)
            cache.delete(_cache_key(scope, kind, idents[kind], rate, window))


# --------------------------------------------------------------------------------------------
# Responses


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "/api/" in request.path or ("application/json" in accept and "text/html" not in accept)


def _back_url(request: HttpRequest) -> str:
    target = request.POST.get("next", "") if request.method == "POST" else ""
    target = target or request.headers.get("Referer", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def too_many_requests(request: HttpRequest, blocked: Blocked | None = None) -> HttpResponse:
    """HTTP 429: the page in the site's frame (JSON for API clients), with Retry-After."""
    message = (
        blocked.message
        if blocked is not None
        else gettext(
            "Sie haben in kurzer Zeit zu viele Anfragen gesendet. Zum Schutz vor Missbrauch "
            "wurde nichts gespeichert. Bitte warten Sie einige Minuten und versuchen Sie es "
            "dann noch einmal."
        )
    )
    if _wants_json(request):
        response = JsonResponse({"detail": message}, status=HTTPStatus.TOO_MANY_REQUESTS)
    else:
        response = render(
            request,
            "429.html",
            {"message": message, "back_url": _back_url(request)},
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )
    if blocked is not None:
        response["Retry-After"] = str(blocked.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def handler429(request: HttpRequest, exception=None) -> HttpResponse:
    """allauth's rate limits (sign-up, login, password reset) answer with this page too
    (allauth looks up ``handler429`` in the root URLconf)."""
    return too_many_requests(request)


def limit(scope: str, *, methods=("POST",), account=None):
    """Decorator: count requests with one of ``methods`` against ``scope``; over the limit the
    view is not called and the 429 page is returned (nothing written).

    ``account``: optional ``callable(request, *args, **kwargs) -> str | None`` giving the account
    key (default: the logged-in user).
    """
    methods = tuple(m.upper() for m in methods)
    rates(scope)  # fail at import time on an unknown scope or a malformed rate

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                key = account(request, *args, **kwargs) if account is not None else None
                blocked = hit(request, scope, account=key)
                if blocked is not None:
                    return too_many_requests(request, blocked)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
