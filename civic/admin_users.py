"""The Wagtail admin's user forms for our User model.

Our users log in with their e-mail address and appear under a display name, optionally with their
district. Wagtail's user forms only know e-mail, first and last name; the viewset below adds
``display_name`` and ``district`` to the create and edit views and makes the real names optional
(we never ask residents for them). It is wired in through ``civic.apps_users.CivicUsersAppConfig``,
which replaces ``wagtail.users`` in ``INSTALLED_APPS`` (the way Wagtail documents it).
"""

from django.contrib.auth import update_session_auth_hash
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import CreateView, EditView, UserViewSet

from civic.roles import record_role_change

#: How the administrator flag appears among the roles in the audit trail.
SUPERUSER_ROLE = "Administrator"

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


def _roles(user) -> set[str]:
    roles = set(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        roles.add(SUPERUSER_ROLE)
    return roles


class CivicUserCreateView(CreateView):
    """Roles given with a new account go into the audit trail (besides Wagtail's "created")."""

    def save_instance(self):
        instance = super().save_instance()
        record_role_change(instance, added=_roles(instance), removed=[], actor=self.request.user)
        return instance


class CivicUserEditView(EditView):
    """A change of roles (groups, administrator flag) is one audit entry ``civic.user.roles``
    with what was added and removed, instead of Wagtail's plain "edited"."""

    def save_instance(self):
        user = self.form.instance
        before = _roles(type(user)._default_manager.get(pk=user.pk))
        self.action_class(user, user=self.request.user, form=self.form, log_action=False).execute(
            skip_permission_checks=True
        )
        after = _roles(user)
        if before != after:
            record_role_change(
                user, added=after - before, removed=before - after, actor=self.request.user
            )
        else:
            log(instance=user, action="wagtail.edit", user=self.request.user, content_changed=True)
        if self.object == self.request.user and "password1" in self.form.changed_data:
            # As Wagtail's own view: changing one's own password keeps the session.
            update_session_auth_hash(self.request, self.object)
        return user


class CivicUserViewSet(UserViewSet):
    # Wagtail's user templates plus our two fields in their ``extra_fields`` block.
    create_template_name = "civic/admin/user_create.html"
    edit_template_name = "civic/admin/user_edit.html"
    add_view_class = CivicUserCreateView
    edit_view_class = CivicUserEditView

    def get_form_class(self, for_update=False):
        return CivicUserEditForm if for_update else CivicUserCreationForm
