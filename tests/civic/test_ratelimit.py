"""Rate limits, login lockout and honeypot (civic.ratelimit, civic.honeypot, allauth's limits).

The app paths (votes, proposals, memories, comments, flags, secret links) are tested in
tests/agenda/test_ratelimit.py and tests/stadtgedaechtnis/test_ratelimit.py; here: the module
itself, the client address behind proxies, the account pages (sign-up, login lockout, password
reset), Wagtail's admin login and the honeypot on the anonymous account forms.
"""

import time

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from civic import ratelimit
from civic.models import User
from tests.civic.factories import UserFactory
from tests.civic.ratelimit_helpers import MESSAGE, use_up

PASSWORD = "ein-sicheres-Passwort-42"


# --------------------------------------------------------------------------------------------
# The module


def test_tests_run_with_the_real_limits():
    assert settings.CIVIC_RATELIMIT_MULTIPLIER == 1
    assert settings.ACCOUNT_RATE_LIMITS == settings.ACCOUNT_RATE_LIMITS_BASE
    assert ratelimit.rates("vote")["account"] == ratelimit.Rate(60, 60)


@pytest.mark.parametrize(
    ("text", "rate"),
    [("60/m", (60, 60)), ("20/10m", (20, 600)), ("3/h", (3, 3600)), ("5/30s", (5, 30))],
)
def test_rates_parse(text, rate):
    assert ratelimit.Rate.parse(text) == ratelimit.Rate(*rate)


@pytest.mark.parametrize("bad", ["", "60", "m/60", "60/w", "-1/m"])
def test_malformed_rates_are_refused(bad):
    with pytest.raises(ValueError):
        ratelimit.Rate.parse(bad)


def test_every_configured_scope_parses():
    for scope in settings.CIVIC_RATE_LIMITS:
        assert ratelimit.rates(scope), scope


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


def test_client_address_without_proxy_ignores_x_forwarded_for(settings):
    settings.CIVIC_TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_ip(request_from("192.0.2.1", "203.0.113.5")) == "192.0.2.1"


def test_client_address_behind_one_proxy(settings):
    settings.CIVIC_TRUSTED_PROXY_COUNT = 1
    # The load balancer (REMOTE_ADDR) appended the address it saw; what the client wrote
    # further left is not trusted.
    request = request_from("10.0.0.2", "6.6.6.6, 203.0.113.5")
    assert ratelimit.client_ip(request) == "203.0.113.5"
    settings.CIVIC_TRUSTED_PROXY_COUNT = 2
    assert ratelimit.client_ip(request_from("10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.1")) == (
        "203.0.113.5"
    )


def test_behind_a_proxy_each_client_has_its_own_budget(client, settings):
    settings.CIVIC_TRUSTED_PROXY_COUNT = 1
    rate = ratelimit.rates("page_password")["address"]
    for _ in range(rate.amount):
        assert ratelimit.hit(request_from("10.0.0.2", "203.0.113.5"), "page_password") is None
    assert ratelimit.hit(request_from("10.0.0.2", "203.0.113.5"), "page_password") is not None
    # Same proxy, another client: not blocked; a spoofed left part does not help the first one.
    assert ratelimit.hit(request_from("10.0.0.2", "203.0.113.6"), "page_password") is None
    spoofed = request_from("10.0.0.2", "1.2.3.4, 203.0.113.5")
    assert ratelimit.hit(spoofed, "page_password") is not None


def test_ipv6_counts_per_network():
    one = ratelimit.address_key(request_from("2001:db8:1:2::1"))
    same_network = ratelimit.address_key(request_from("2001:db8:1:2:ffff::9"))
    other = ratelimit.address_key(request_from("2001:db8:1:3::1"))
    assert one == same_network != other


def test_reset_forgets_the_window():
    request = request_from("192.0.2.9")
    request.user = UserFactory.build(pk=4711)
    amount = ratelimit.rates("flag")["account"].amount
    for _ in range(amount):
        ratelimit.hit(request, "flag")
    assert ratelimit.hit(request, "flag") is not None
    ratelimit.reset("flag", request)
    assert ratelimit.hit(request, "flag") is None


def test_blocked_message_in_english():
    from django.utils import translation

    blocked = ratelimit.Blocked(scope="vote", kind="account", retry_after=30)
    with translation.override("en"):
        assert "too many requests" in blocked.message.lower()
    assert "in 1 Minute noch einmal" in blocked.message


# --------------------------------------------------------------------------------------------
# Accounts (allauth's limits, answered with civic's 429 page)


def signup_data(email, **overrides):
    return {
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "display_name": "",
        "district": "",
        "accept_privacy": "on",
        **overrides,
    }


@pytest.mark.django_db
def test_signup_limit_per_address(client):
    amount = int(settings.ACCOUNT_RATE_LIMITS["signup"].split("/")[0])
    url = reverse("account_signup")
    for i in range(amount):
        response = client.post(url, signup_data(f"person{i}@example.org"))
        assert response.status_code == 302, i
        client.logout()
    response = client.post(url, signup_data("noch.eine@example.org"))
    assert response.status_code == 429
    html = response.content.decode()
    assert MESSAGE in html and "Zu viele Anfragen" in html
    assert not User.objects.filter(email="noch.eine@example.org").exists()
    # Another address may still sign up.
    other = client.post(url, signup_data("woanders@example.org"), REMOTE_ADDR="192.0.2.50")
    assert other.status_code == 302
    assert User.objects.filter(email="woanders@example.org").exists()


@pytest.fixture
def verified_user(db):
    user = UserFactory(email="person@example.org")
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.mark.django_db
def test_login_lockout_after_five_failures(client, verified_user):
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": verified_user.email, "password": "falsch"})
        assert response.status_code == 200
        assert "nicht korrekt" in response.content.decode() or "falsch" in response.content.decode()
    # Locked now: even the right password is refused, with a German message.
    response = client.post(url, {"login": verified_user.email, "password": PASSWORD})
    html = response.content.decode()
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in html
    assert "_auth_user_id" not in client.session
    # The lockout is per account: another person from the same address still logs in.
    other = UserFactory(email="andere@example.org")
    other.set_password(PASSWORD)
    other.save()
    EmailAddress.objects.create(user=other, email=other.email, verified=True, primary=True)
    response = client.post(url, {"login": other.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


@pytest.mark.django_db
def test_login_lockout_in_english(client, verified_user):
    url = "/en" + reverse("account_login")
    for _ in range(6):
        response = client.post(url, {"login": verified_user.email, "password": "falsch"})
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.django_db
def test_password_reset_limit_per_mailbox(client, verified_user):
    url = reverse("account_reset_password")
    amount = int(settings.ACCOUNT_RATE_LIMITS["reset_password"].split(",")[1].split("/")[0])
    for _ in range(amount):
        assert client.post(url, {"email": verified_user.email}).status_code == 302
    assert len(mail.outbox) == amount
    response = client.post(url, {"email": verified_user.email})
    assert response.status_code == 429
    assert MESSAGE in response.content.decode()
    assert len(mail.outbox) == amount  # no further mail to the victim's inbox


@pytest.mark.django_db
def test_admin_login_is_limited_per_entered_address(client):
    url = reverse("wagtailadmin_login")
    amount = ratelimit.rates("admin_login")["account"].amount
    for _ in range(amount):
        response = client.post(
            url, {"username": "chefin@example.org", "password": "x"}, REMOTE_ADDR="192.0.2.7"
        )
        assert response.status_code == 200
    # From another address, the same account: blocked.
    response = client.post(url, {"username": "chefin@example.org", "password": "x"})
    assert response.status_code == 429
    assert MESSAGE in response.content.decode()


# --------------------------------------------------------------------------------------------
# Honeypot on the anonymous account forms


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["account_signup", "account_login", "account_reset_password"])
def test_honeypot_is_in_the_form_and_hidden_from_people(client, name):
    html = client.get(reverse(name)).content.decode()
    start = html.index("data-honeypot")
    wrapper = html[html.rindex("<div", 0, start) : html.index("</div>", start)]
    assert 'class="visually-hidden"' in wrapper
    assert 'aria-hidden="true"' in wrapper and " inert" in wrapper
    assert 'tabindex="-1"' in wrapper and 'autocomplete="off"' in wrapper
    assert 'name="homepage"' in wrapper
    assert "Dieses Feld bitte leer lassen" in wrapper


@pytest.mark.django_db
def test_filled_honeypot_refuses_signup_and_keeps_the_input(client):
    url = reverse("account_signup")
    data = signup_data("bot@example.org", display_name="Bot B.", homepage="http://spam.example")
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "verstecktes Feld ausgefüllt" in html
    assert 'value="bot@example.org"' in html and 'value="Bot B."' in html
    assert "spam.example" not in html
    assert not User.objects.filter(email="bot@example.org").exists()
    assert not mail.outbox
    data["homepage"] = ""
    assert client.post(url, data).status_code == 302
    assert User.objects.filter(email="bot@example.org").exists()


@pytest.mark.django_db
def test_filled_honeypot_refuses_login_and_password_reset(client, verified_user):
    response = client.post(
        reverse("account_login"),
        {"login": verified_user.email, "password": PASSWORD, "homepage": "x"},
    )
    assert "verstecktes Feld ausgefüllt" in response.content.decode()
    assert "_auth_user_id" not in client.session
    response = client.post(
        reverse("account_reset_password"), {"email": verified_user.email, "homepage": "x"}
    )
    assert "verstecktes Feld ausgefüllt" in response.content.decode()
    assert not mail.outbox


def test_window_passes_with_the_clock(monkeypatch):
    request = request_from("192.0.2.10")
    request.user = UserFactory.build(pk=4712)
    amount = ratelimit.rates("comment")["account"].amount
    use_up("comment", amount, account="user:4712", address="192.0.2.10")
    assert ratelimit.hit(request, "comment") is not None
    later = time.time() + ratelimit.rates("comment")["account"].period
    monkeypatch.setattr(ratelimit, "clock", lambda: later)
    assert ratelimit.hit(request, "comment") is None
