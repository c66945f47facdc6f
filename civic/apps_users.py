"""Wagtail's users app with our user viewset (display name and district in the user forms).

Listed in ``INSTALLED_APPS`` instead of ``"wagtail.users"``; the app label stays ``wagtailusers``.
"""

from wagtail.users.apps import WagtailUsersAppConfig


class CivicUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "civic.admin_users.CivicUserViewSet"
