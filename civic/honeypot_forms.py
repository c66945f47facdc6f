"""allauth's login and password-reset forms with the honeypot (settings.ACCOUNT_FORMS).

A module of its own: allauth's forms module imports civic.forms (ACCOUNT_SIGNUP_FORM_CLASS), so
civic.forms cannot import allauth's forms back.
"""

from allauth.account import forms as allauth_forms

from civic.honeypot import HoneypotMixin


class LoginForm(HoneypotMixin, allauth_forms.LoginForm):
    pass


class ResetPasswordForm(HoneypotMixin, allauth_forms.ResetPasswordForm):
    pass
