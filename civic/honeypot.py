"""A honeypot field for anonymous forms (sign-up, login, password reset, telling a memory
without an account): a text input that people never see or reach, and that form-filling bots
tend to fill.

It is hidden four ways, so that no person fills it by accident: moved off-screen by the
``visually-hidden`` class (not ``display:none``, which bots detect), ``aria-hidden`` and ``inert``
on its wrapper (out of the accessibility tree, not focusable), ``tabindex="-1"`` and
``autocomplete="off"`` on the input; its label says "leave empty" for anyone who still meets it.

The widget counts as a hidden field (``is_hidden``), so templates that render
``form.hidden_fields`` (allauth's fields element, the Erzähle form) include it without changes.

A filled honeypot rejects the submission with a form error that keeps all other input: a person
whose browser filled the field after all just sends the form again (the field is rendered empty
every time); a bot gets nothing saved. No outside captcha service, no time-to-submit check (fast
legitimate tools, e.g. password managers and the browser tests, would trip it).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

#: The field's name: plausible to a bot, not a name browsers autofill.
FIELD_NAME = "homepage"


class HoneypotWidget(forms.Widget):
    template_name = "civic/widgets/honeypot.html"

    @property
    def is_hidden(self) -> bool:
        return True

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)  # never echo what was sent
        context["widget"]["label"] = _("Dieses Feld bitte leer lassen")
        return context


class HoneypotField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Dieses Feld bitte leer lassen"))
        kwargs.setdefault("widget", HoneypotWidget)
        super().__init__(**kwargs)


HONEYPOT_MESSAGE = _(
    "Ihr Formular konnte nicht angenommen werden, weil ein verstecktes Feld ausgefüllt war "
    "(das passiert manchmal durch automatisches Ausfüllen). Ihre Angaben sind noch da, nur "
    "Passwörter geben Sie bitte neu ein – und senden Sie das Formular dann noch einmal ab."
)


class HoneypotMixin:
    """Adds the honeypot field to a form; a filled honeypot is a non-field error (the other
    fields and their values stay)."""

    honeypot_name = FIELD_NAME

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.honeypot_name] = HoneypotField()

    def honeypot_filled(self) -> bool:
        return bool((self.data.get(self.add_prefix(self.honeypot_name)) or "").strip())

    def clean(self):
        if self.honeypot_filled():
            # Before the form's own checks: a bot must not even reach the login attempt.
            raise forms.ValidationError(HONEYPOT_MESSAGE, code="honeypot")
        return super().clean()


def add_honeypot(form: forms.BaseForm) -> None:
    """Add the honeypot to an existing form instance (forms built elsewhere); check it with
    :func:`check_honeypot` after ``is_valid()``."""
    form.fields[FIELD_NAME] = HoneypotField()


def check_honeypot(form: forms.BaseForm) -> bool:
    """After validation: False (and a non-field error on ``form``) when the honeypot was filled."""
    if FIELD_NAME not in form.fields or not form.is_bound:
        return True
    if (form.data.get(form.add_prefix(FIELD_NAME)) or "").strip():
        form.add_error(None, forms.ValidationError(HONEYPOT_MESSAGE, code="honeypot"))
        return False
    return True
