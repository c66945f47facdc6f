"""The Wagtail admin's user forms for our User model.

Our users log in with their e-mail address and appear under a display name, optionally with their
district. Wagtail's user forms only know e-mail, first and last name; the viewset below adds
``display_name`` and ``district`` to the create and edit views and makes the real names optional
(we never ask residents for them). It is wired in through ``civic.apps_users.CivicUsersAppConfig``,
which replaces ``wagtail.users`` in ``INSTALLED_APPS`` (the way Wagtail documents it).
"""

from functools import cache

from django.template import engines
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import CreateView, EditView, UserViewSet

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


@cache
def _with_profile_fields(base_template: str):
    """Wagtail's user template plus our two fields in its ``extra_fields`` block.

    Compiled from a string so the whole user admin stays in this module; it is the three-line
    override Wagtail's docs put in ``templates/wagtailusers/users/{create,edit}.html``.
    """
    return engines["django"].from_string(
        f'{{% extends "{base_template}" %}}{{% load wagtailadmin_tags %}}'
        "{% block extra_fields %}"
        "<li>{% formattedfield form.display_name %}</li>"
        "<li>{% formattedfield form.district %}</li>"
        "{% endblock extra_fields %}"
    )


class CivicUserCreateView(CreateView):
    def get_template_names(self):
        # A compiled template is accepted by TemplateResponse as it is.
        return _with_profile_fields("wagtailusers/users/create.html")


class CivicUserEditView(EditView):
    def get_template_names(self):
        if self.hydrate_create_view:
            return super().get_template_names()
        return _with_profile_fields("wagtailusers/users/edit.html")


class CivicUserViewSet(UserViewSet):
    add_view_class = CivicUserCreateView
    edit_view_class = CivicUserEditView

    def get_form_class(self, for_update=False):
        return CivicUserEditForm if for_update else CivicUserCreationForm
