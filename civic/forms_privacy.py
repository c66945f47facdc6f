"""The form for deleting one's own account ("Meine Daten", see civic/views_privacy.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civic.privacy import Mode


class DeleteAccountForm(forms.Form):
    """Re-authentication (password), what happens to the contributions, a confirmation."""

    mode = forms.ChoiceField(
        label=_("Was soll mit Ihren Beiträgen geschehen?"),
        choices=[
            (Mode.ANONYMISE, _("Anonymisieren – sie bleiben ohne meinen Namen erhalten")),
            (Mode.DELETE, _("Löschen – sie werden gelöscht, wo nötig mit einem Hinweis")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie, was mit Ihren Beiträgen geschehen soll.")},
    )
    password = forms.CharField(
        label=_("Ihr Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Zur Sicherheit: Bestätigen Sie mit Ihrem Passwort, dass Sie es sind."),
        error_messages={"required": _("Bitte geben Sie Ihr Passwort ein.")},
    )
    confirm = forms.BooleanField(
        label=_("Ich möchte mein Konto endgültig löschen. Das lässt sich nicht rückgängig machen."),
        error_messages={"required": _("Bitte bestätigen Sie, dass Sie Ihr Konto löschen möchten.")},
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("Das Passwort ist nicht richtig."), code="password_incorrect"
            )
        return password
