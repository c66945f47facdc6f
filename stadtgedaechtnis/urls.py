"""URLs of the Stadtgedächtnis (namespace ``stadtgedaechtnis``): Erzähle plus the explore URLs."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from stadtgedaechtnis import views
from stadtgedaechtnis.urls_explore import urlpatterns as urls_explore_patterns

app_name = "stadtgedaechtnis"

urlpatterns: list = [
    path(_("erzaehlen/"), views.tell, name="tell"),
    path(_("erzaehlen/danke/"), views.thanks, name="thanks"),
    path(_("erzaehlen/bestaetigen/<str:token>/"), views.confirm, name="confirm"),
    path(_("erinnerungen/<int:pk>/bearbeiten/"), views.edit, name="edit"),
    path(_("erinnerungen/<int:pk>/zurueckziehen/"), views.withdraw, name="withdraw"),
    path(_("erzaehlen/meine/<str:token>/"), views.edit_token, name="edit_token"),
    path(
        _("erzaehlen/meine/<str:token>/zurueckziehen/"), views.withdraw_token, name="withdraw_token"
    ),
    *urls_explore_patterns,
]
