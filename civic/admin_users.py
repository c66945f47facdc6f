"""The Wagtail admin's user forms for our User model.

Our users log in with their e-mail address and appear under a display name, optionally with their
district. Wagtail's user forms only know e-mail, first and last name; the viewset below adds
``display_name`` and ``district`` to the create and edit views and makes the real names optional
(we never ask residents for them). It is wired in through ``civic.apps_users.CivicUsersAppConfig``,
which replaces ``wagtail.users`` in ``INSTALLED_APPS`` (the way Wagtail documents it).
"""

from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet

PROFILE_FIELDS = {"display_name", "district"}


class ProfileFieldsMixin:
    """Real names optional; an explicit "no district" choice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            if name in self.fields:
                self.fields[name].required = False
        self.fields["district"].empty_label = _("– keine Angabe –")


class CivicUserCreationForm(ProfileFieldsMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | PROFILE_FIELDS


class CivicUserEditForm(ProfileFieldsMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | PROFILE_FIELDS


class CivicUserViewSet(UserViewSet):
    # Wagtail's user templates plus our two fields in their ``extra_fields`` block.
    create_template_name = "civic/admin/user_create.html"
    edit_template_name = "civic/admin/user_edit.html"

    def get_form_class(self, for_update=False):
        return CivicUserEditForm if for_update else CivicUserCreationForm
