"""Forms for accounts: the extra sign-up fields and the profile in "Mein Bereich"."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civic.honeypot import HoneypotMixin
from civic.models import District, User


class SignupForm(HoneypotMixin, forms.Form):
    """Extra fields on allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS), plus the honeypot
    (civic.honeypot; login and password reset get it in civic.honeypot_forms)."""

    display_name = forms.CharField(
        label=_("Öffentlicher Name"),
        max_length=80,
        required=False,
        help_text=_(
            "So erscheinen Sie bei Ihren Beiträgen, z. B. „Anna K.“. Leer lassen für „anonym“."
        ),
    )
    district = forms.ModelChoiceField(
        label=_("Stadtteil (freiwillig)"),
        queryset=District.objects.all(),
        required=False,
        empty_label=_("– keine Angabe –"),
        help_text=_("Hilft uns zu sehen, ob alle Stadtteile gehört werden."),
    )
    accept_privacy = forms.BooleanField(
        label=_("Ich habe die Datenschutzerklärung gelesen und bin einverstanden."),
        required=True,
        error_messages={"required": _("Bitte stimmen Sie der Datenschutzerklärung zu.")},
    )

    field_order = ["email", "password1", "password2", "display_name", "district", "accept_privacy"]

    def signup(self, request, user):
        user.display_name = self.cleaned_data.get("display_name", "")
        user.district = self.cleaned_data.get("district")
        user.save(update_fields=["display_name", "district"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "district"]
        labels = {"district": _("Stadtteil (freiwillig)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].empty_label = _("– keine Angabe –")
