"""German wording: the site addresses residents with "Sie", also in allauth's messages.

allauth's German catalogue uses "du"; ``locale/de/LC_MESSAGES/overrides.po`` holds formal versions
of those entries, and ``compile_translations`` merges them into our ``django.mo``.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import allauth
import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import trans_real

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES"
OVERRIDES_PO = LOCALE_DIR / "overrides.po"
ALLAUTH_PO = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"

INFORMAL = re.compile(r"\b(du|Du|dich|dir|dein\w*|Dein\w*)\b")
# A little wider for scanning allauth's catalogue: capitalised pronouns and "euch" as well.
INFORMAL_WIDE = re.compile(r"\b(du|dich|dir|dein\w*|euch|euer\w*|eure\w*)\b", re.IGNORECASE)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
TAG = re.compile(r"<[^>]+>")

MISMATCH_FORMAL = "Bitte geben Sie zweimal dasselbe Passwort ein."


@pytest.fixture
def compiled_translations():
    """Compile the catalogues with our command and make Django reload them."""
    call_command("compile_translations", verbosity=0)
    trans_real._translations = {}
    trans_real._default = None
    yield
    trans_real._translations = {}
    trans_real._default = None


def override_entries():
    return [e for e in polib.pofile(str(OVERRIDES_PO)) if not e.obsolete]


class ErrorListParser(HTMLParser):
    """Collects the text of every <ul class="errorlist"> (and the non-field error box)."""

    def __init__(self):
        super().__init__()
        self.errors: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self._depth:
            self._depth += 1
        elif (tag == "ul" and "errorlist" in classes) or "form-errors" in classes:
            self._depth = 1
            self.errors.append("")

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.errors[-1] += data


def test_compile_merges_overrides_into_django_mo(compiled_translations):
    mo = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(LOCALE_DIR / "django.mo"))}
    for entry in override_entries():
        assert mo[(entry.msgctxt, entry.msgid)] == entry.msgstr
    with translation.override("de"):
        assert translation.gettext("You must type the same password each time.") == (
            MISMATCH_FORMAL
        )


@pytest.mark.django_db
def test_signup_password_mismatch_error_is_formal(client, compiled_translations):
    response = client.post(
        "/konto/signup/",
        {
            "email": "anna@example.org",
            "password1": "ein-sicheres-Passwort-42",
            "password2": "ein-anderes-Passwort-43",
            "display_name": "Anna K.",
            "accept_privacy": "on",
        },
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 200  # the form is shown again, with errors

    parser = ErrorListParser()
    parser.feed(response.content.decode())
    errors = " ".join(parser.errors)
    assert MISMATCH_FORMAL in errors
    assert re.search(r"\bSie\b", errors)
    assert not re.search(r"\b(du|Du)\b", errors), errors


def test_overrides_po_header():
    po = polib.pofile(str(OVERRIDES_PO))
    assert po.metadata["Language"] == "de"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


@pytest.mark.parametrize("entry", override_entries(), ids=lambda e: e.msgid[:50])
def test_override_is_formal_and_keeps_placeholders(entry):
    texts = [entry.msgstr, *entry.msgstr_plural.values()]
    assert all(texts), "empty translation"
    for text in texts:
        assert not INFORMAL.search(text), text
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(entry.msgid))
        assert TAG.findall(text) == TAG.findall(entry.msgid)
        assert text.count("\n") == entry.msgid.count("\n")


def test_every_informal_allauth_entry_is_overridden():
    """Fails after an allauth upgrade that adds or rewords "du" messages: extend overrides.po."""
    allauth_po = polib.pofile(str(ALLAUTH_PO))
    known = {(e.msgctxt, e.msgid) for e in allauth_po if not e.obsolete}
    overridden = {(e.msgctxt, e.msgid) for e in override_entries()}
    assert overridden <= known, sorted(overridden - known)

    informal = {
        (e.msgctxt, e.msgid)
        for e in allauth_po
        if not e.obsolete
        and "fuzzy" not in e.flags
        and INFORMAL_WIDE.search(" ".join([e.msgstr, *e.msgstr_plural.values()]))
    }
    assert informal <= overridden, sorted(informal - overridden)
