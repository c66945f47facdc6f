"""Helpers for the rate-limit tests (civic.ratelimit): use up a budget, then check the next
attempt over HTTP. Shared by tests/*/test_ratelimit.py."""

from __future__ import annotations

import time

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from civic import ratelimit

#: Where the "other" attempts come from in account tests (the test client is 127.0.0.1).
ELSEWHERE = "198.51.100.7"
TEST_CLIENT_ADDRESS = "127.0.0.1"

MESSAGE = "Sie haben in kurzer Zeit zu viele Anfragen gesendet."


def use_up(scope: str, times: int, *, user=None, account=None, address=TEST_CLIENT_ADDRESS):
    """Count ``times`` attempts of ``scope`` exactly as the views count them (civic.ratelimit.hit
    through the real cache)."""
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    request.user = user or AnonymousUser()
    for _ in range(times):
        ratelimit.hit(request, scope, account=account)


def check_limit(scope, kind, *, send, effect, monkeypatch, user=None, account=None):
    """The N-th attempt within the window passes and writes; the N+1-th gets 429 with the German
    message and writes nothing; after the window it passes again.

    ``send(i)`` makes attempt ``i`` over HTTP as the person concerned; ``effect(i)`` says whether
    attempt ``i`` was written. kind "account": the other N-1 attempts were made by the same
    account from another address; kind "address": by other accounts from the same address.
    """
    rate = ratelimit.rates(scope)[kind]
    assert ratelimit.multiplier() == 1, "tests run with the real limits"
    if kind == "account":
        use_up(scope, rate.amount - 1, user=user, account=account, address=ELSEWHERE)
    else:
        use_up(scope, rate.amount - 1, account="test:someone-else")

    last = send(1)
    assert last.status_code != 429, last.content.decode()[:500]
    assert effect(1), "the N-th attempt is still allowed and written"

    blocked = send(2)
    assert blocked.status_code == 429
    html = blocked.content.decode()
    assert MESSAGE in html, html[:2000]
    assert "wurde nichts gespeichert" in html
    assert not effect(2), "nothing is written over the limit"

    later = time.time() + rate.period
    monkeypatch.setattr(ratelimit, "clock", lambda: later)
    again = send(3)
    assert again.status_code != 429
    assert effect(3), "after the window the attempt passes again"
    return blocked
