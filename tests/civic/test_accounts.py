"""Accounts: sign-up, e-mail verification, login, logout, password reset and "Mein Bereich".

Everything through the HTTP client and the mail outbox, the way a person experiences it.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation
from wagtail.models import Site

from civic.models import CitySettings, User
from civic.roles import RESIDENTS
from tests.civic.factories import DistrictFactory, UserFactory

PASSWORD = "ein-sicheres-Passwort-42"
NEW_PASSWORD = "noch-sichereres-Passwort-43"

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    """The city's site settings, with names the tests can recognise in pages and mails."""
    settings = CitySettings.for_site(Site.objects.get(is_default_site=True))
    settings.city_name = "Beispielstadt"
    settings.site_title = "Beispielstadt gestalten"
    settings.contact_email = "beteiligung@beispielstadt.example"
    settings.save()
    return settings


@pytest.fixture
def verified_user(db):
    user = UserFactory(email="person@example.org", display_name="Person P.")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def signup_data(**overrides):
    data = {
        "email": "anna@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "display_name": "Anna K.",
        "district": "",
        "accept_privacy": "on",
    }
    data.update(overrides)
    return data


def link_in(mail) -> str:
    """The path of the (only) link in a plain-text mail."""
    urls = re.findall(r"https?://\S+", mail.body)
    assert len(urls) == 1, mail.body
    return urlsplit(urls[0]).path


def german(message: str) -> str:
    """allauth's message in German (the project's catalogue may override the wording)."""
    with translation.override("de"):
        text = translation.gettext(message)
    assert text != message, f"no German translation for {message!r}"
    return text


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


# --------------------------------------------------------------------------------------------
# Sign-up and verification


def test_signup_stores_profile_and_sends_german_verification_mail(client, mailoutbox, city):
    district = DistrictFactory(name="Altstadt")

    response = client.post(
        reverse("account_signup"), signup_data(district=str(district.pk), email="Anna@Example.org")
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="anna@example.org")
    assert user.display_name == "Anna K."
    assert user.district == district
    assert not user.groups.filter(name=RESIDENTS).exists()
    assert not EmailAddress.objects.get(user=user).verified
    assert logged_in_user_id(client) is None

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["anna@example.org"]
    assert mail.subject == "Beispielstadt: Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert mail.body.startswith("Guten Tag,")
    assert "Registrierung bei „Beispielstadt gestalten“" in mail.body
    assert "Beteiligungsplattform von Beispielstadt" in mail.body
    assert link_in(mail).startswith("/konto/confirm-email/")

    page = client.get(response["Location"])
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in page.content.decode()


def test_unverified_user_cannot_log_in(client, mailoutbox, city):
    user = UserFactory(email="anna@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    response = client.post(
        reverse("account_login"), {"login": "anna@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert logged_in_user_id(client) is None
    # allauth sends a fresh link, so someone who lost the first mail is not stuck.
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Beispielstadt: Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert client.get(reverse("civic:my_area"))["Location"].startswith(reverse("account_login"))


def test_confirming_the_mail_verifies_logs_in_and_makes_a_resident(client, mailoutbox, city):
    client.post(reverse("account_signup"), signup_data())
    confirm_path = link_in(mailoutbox[0])

    # Opening the link only shows a button (mail scanners must not confirm by GET).
    page = client.get(confirm_path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>E-Mail-Adresse bestätigen</h1>" in html
    assert "<strong>anna@example.org</strong>" in html
    assert not EmailAddress.objects.get(email="anna@example.org").verified

    response = client.post(confirm_path)

    assert response.status_code == 302
    user = User.objects.get(email="anna@example.org")
    assert EmailAddress.objects.get(user=user).verified
    assert logged_in_user_id(client) == str(user.pk)
    assert user.groups.filter(name=RESIDENTS).exists()
    assert user.has_perm("civic.participate")
    my_area = client.get(reverse("civic:my_area"))
    assert my_area.status_code == 200
    assert "Anna K." in my_area.content.decode()


def test_invalid_confirmation_link_says_so(client, city):
    response = client.get(reverse("account_confirm_email", args=["kein-gueltiger-schluessel"]))
    assert response.status_code == 200
    assert "Dieser Bestätigungslink ist abgelaufen oder ungültig." in response.content.decode()


def test_failed_signup_keeps_input_and_explains_in_german(client, mailoutbox, city):
    district = DistrictFactory(name="Altstadt")
    data = signup_data(password2="etwas-ganz-anderes-99", district=str(district.pk))
    del data["accept_privacy"]

    response = client.post(reverse("account_signup"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="anna@example.org"' in html
    assert 'value="Anna K."' in html
    assert f'<option value="{district.pk}" selected>Altstadt</option>' in html
    assert "Bitte stimmen Sie der Datenschutzerklärung zu." in html
    assert german("You must type the same password each time.") in html
    # Errors are linked to their fields for screen readers.
    assert 'aria-describedby="id_accept_privacy_error"' in html
    assert 'id="id_accept_privacy_error"' in html
    assert 'aria-describedby="id_password2_error"' in html
    assert not User.objects.filter(email="anna@example.org").exists()
    assert mailoutbox == []


def test_signup_explains_why_and_links_to_privacy_page(client, city, home_page):
    from tests.civic.factories import StandardPageFactory

    privacy = StandardPageFactory(parent=home_page, title="Datenschutz", slug="datenschutz")
    city.privacy_page = privacy
    city.save()

    html = client.get(reverse("account_signup")).content.decode()

    assert "Wir fragen nach Ihrer E-Mail-Adresse" in html
    assert "Ihre E-Mail-Adresse wird nie veröffentlicht." in html
    assert f'<a href="{privacy.url}">Mehr dazu in unserer Datenschutzerklärung</a>' in html


def test_duplicate_email_creates_no_second_account(client, mailoutbox, city, verified_user):
    response = client.post(reverse("account_signup"), signup_data(email="PERSON@example.org"))

    # allauth does not reveal that the address is registered (no account enumeration) …
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact="person@example.org").count() == 1
    verified_user.refresh_from_db()
    assert verified_user.display_name == "Person P."
    assert verified_user.check_password(PASSWORD)
    # … but tells the owner of the address, who can reset the password.
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["person@example.org"]
    assert mail.subject == "Beispielstadt: Sie haben bereits ein Konto"
    assert link_in(mail) == reverse("account_reset_password")


# --------------------------------------------------------------------------------------------
# Login, logout, password reset


@pytest.mark.parametrize("typed", ["person@example.org", "Person@Example.ORG"])
def test_login_with_email_in_any_case(client, verified_user, typed):
    response = client.post(reverse("account_login"), {"login": typed, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("civic:my_area")
    assert logged_in_user_id(client) == str(verified_user.pk)


def test_login_with_wrong_password_shows_german_error_and_keeps_email(client, verified_user):
    response = client.post(
        reverse("account_login"), {"login": "person@example.org", "password": "falsch"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert german("The email address and/or password you specified are not correct.") in html
    assert 'value="person@example.org"' in html
    assert logged_in_user_id(client) is None


def test_logout_needs_a_post(client, verified_user):
    client.force_login(verified_user)

    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert "<h1>Abmelden</h1>" in page.content.decode()
    assert logged_in_user_id(client) == str(verified_user.pk)

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert logged_in_user_id(client) is None


def test_password_reset_by_mail(client, mailoutbox, city, verified_user):
    response = client.post(reverse("account_reset_password"), {"email": "Person@example.org"})
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["person@example.org"]
    assert mail.subject == "Beispielstadt: Neues Passwort festlegen"
    assert "ein neues Passwort angefordert" in mail.body

    # The link from the mail leads (via a redirect that hides the key) to the form.
    page = client.get(link_in(mail), follow=True)
    assert page.status_code == 200
    assert "<h1>Neues Passwort festlegen</h1>" in page.content.decode()
    form_path = page.redirect_chain[-1][0] if page.redirect_chain else link_in(mail)
    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "person@example.org", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(verified_user.pk)


def test_password_reset_for_unknown_address_tells_that_address(client, mailoutbox, city):
    response = client.post(reverse("account_reset_password"), {"email": "niemand@example.org"})

    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Beispielstadt: Kein Konto mit dieser Adresse"


def test_password_change(client, verified_user):
    client.force_login(verified_user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    verified_user.refresh_from_db()
    assert verified_user.check_password(NEW_PASSWORD)


# --------------------------------------------------------------------------------------------
# "Mein Bereich"


def test_my_area_requires_login(client):
    response = client.get(reverse("civic:my_area"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={reverse('civic:my_area')}"


def test_my_area_shows_and_saves_the_profile(client, verified_user):
    district = DistrictFactory(name="Neustadt")
    client.force_login(verified_user)

    page = client.get(reverse("civic:my_area"))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<label for="id_display_name">' in html
    assert '<label for="id_district">' in html
    assert 'value="Person P."' in html

    response = client.post(
        reverse("civic:my_area"), {"display_name": "P. Punkt", "district": str(district.pk)}
    )

    assert response.status_code == 302
    verified_user.refresh_from_db()
    assert verified_user.display_name == "P. Punkt"
    assert verified_user.district == district
    assert "Ihre Angaben wurden gespeichert." in client.get(response["Location"]).content.decode()


# --------------------------------------------------------------------------------------------
# Every allauth page: our design, labels, headings, no inline code (Content Security Policy)


class PageAudit(HTMLParser):
    """Collects what the checks below need from a page."""

    def __init__(self):
        super().__init__()
        self.in_main = False
        self.headings: list[int] = []
        self.label_targets: set[str] = set()
        self.controls: list[dict] = []
        self.ids: list[str] = []
        self.inline_styles = 0
        self.inline_scripts = 0
        self.forms: list[dict] = []
        self.buttons: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if "style" in attrs:
            self.inline_styles += 1
        if any(name.startswith("on") for name in attrs):
            self.inline_scripts += 1
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
            self.inline_scripts += 1
        if tag == "main":
            self.in_main = True
        if not self.in_main:
            return
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "label" and attrs.get("for"):
            self.label_targets.add(attrs["for"])
        elif tag in {"input", "select", "textarea"} and attrs.get("type") not in {
            "hidden",
            "submit",
            "button",
        }:
            self.controls.append(attrs)
        elif tag == "form":
            self.forms.append(attrs)
        elif tag == "button":
            self.buttons.append(attrs)

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False


def audit(response) -> PageAudit:
    assert response.status_code == 200
    parser = PageAudit()
    parser.feed(response.content.decode())
    assert parser.headings.count(1) == 1, "exactly one h1"
    assert parser.headings[0] == 1, "the h1 comes first"
    for previous, current in zip(parser.headings, parser.headings[1:], strict=False):
        assert current <= previous + 1, f"heading level skipped: h{previous} → h{current}"
    for control in parser.controls:
        assert control.get("id") in parser.label_targets, f"no visible label: {control}"
        for ref in control.get("aria-describedby", "").split():
            assert ref in parser.ids, f"aria-describedby points nowhere: {ref}"
    assert parser.inline_styles == 0
    assert parser.inline_scripts == 0
    for form in parser.forms:
        if form.get("id") != "logout-from-stage":
            assert "form" in form.get("class", "").split()
    for button in parser.buttons:
        assert {"button", "link-button"} & set(button.get("class", "").split()), button
    assert "script-src 'self'" in response["Content-Security-Policy"]
    return parser


ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
    "account_inactive",
]
MANAGE_PAGES = ["account_logout", "account_email", "account_change_password"]


@pytest.mark.parametrize("url_name", ANONYMOUS_PAGES)
def test_entrance_pages_are_accessible_and_german(client, city, url_name):
    response = client.get(reverse(url_name))
    parser = audit(response)
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "page-account" in html
    assert "Beispielstadt gestalten" in html  # the site's header
    if url_name in {"account_login", "account_signup", "account_reset_password"}:
        assert parser.controls, "the form has fields"


@pytest.mark.parametrize("url_name", MANAGE_PAGES)
def test_manage_pages_are_accessible_and_german(client, verified_user, url_name):
    client.force_login(verified_user)
    response = client.get(reverse(url_name))
    audit(response)
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert f'<a href="{reverse("civic:my_area")}">Mein Bereich</a>' in html


def test_pages_reached_by_mail_links_are_accessible(client, mailoutbox, city, verified_user):
    client.post(reverse("account_signup"), signup_data())
    audit(client.get(link_in(mailoutbox[-1])))  # confirm e-mail

    client.post(reverse("account_reset_password"), {"email": verified_user.email})
    form_page = client.get(link_in(mailoutbox[-1]), follow=True)
    audit(form_page)  # set a new password
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    audit(done)
    assert "<h1>Passwort geändert</h1>" in done.content.decode()


def test_form_errors_are_rendered_accessibly(client, city):
    response = client.post(reverse("account_login"), {"login": "", "password": ""})
    parser = audit(response)
    login = next(c for c in parser.controls if c.get("name") == "login")
    assert login.get("aria-invalid") == "true"
    assert "id_login_error" in login["aria-describedby"].split()


def test_english_pages_under_en_prefix(client):
    german = client.get("/konto/login/").content.decode()
    english = client.get("/en/konto/login/").content.decode()

    assert '<html lang="de">' in german
    assert '<label for="id_password">Passwort' in german
    assert '<html lang="en">' in english
    assert '<label for="id_password">Password' in english
    assert 'action="/en/konto/login/"' in english
    assert 'href="/en/konto/password/reset/"' in english


def test_signup_from_english_page_mails_an_english_link(client, mailoutbox, city):
    response = client.post("/en/konto/signup/", signup_data())

    assert response["Location"] == "/en/konto/confirm-email/"
    assert link_in(mailoutbox[0]).startswith("/en/konto/confirm-email/")


def test_my_area_refuses_too_long_name_and_keeps_the_input(client, verified_user):
    client.force_login(verified_user)
    too_long = "Sehr langer Name " * 6  # 102 characters, the limit is 80
    response = client.post(reverse("civic:my_area"), {"display_name": too_long, "district": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "höchstens 80 Zeichen" in html
    assert too_long.strip() in html  # what was typed is shown again
    verified_user.refresh_from_db()
    assert verified_user.display_name == "Person P."
