"""Public URLs of the agenda (namespace ``agenda``); the steering group's are in urls_steering."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from agenda import views
from agenda.urls_steering import urlpatterns as urls_steering_patterns

app_name = "agenda"

urlpatterns: list = [
    path(_("agenda/vorschlaege/<int:pk>/"), views.proposal_detail, name="proposal"),
    path(_("agenda/vorschlaege/<int:pk>/bearbeiten/"), views.edit, name="edit"),
    path(_("agenda/vorschlaege/<int:pk>/zurueckziehen/"), views.withdraw, name="withdraw"),
    path(_("agenda/vorschlaege/<int:pk>/abstimmen/"), views.vote, name="vote"),
    path(_("agenda/runden/<int:round_id>/vorschlagen/"), views.propose, name="propose"),
    path(_("agenda/runden/<int:round_id>/aehnliche/"), views.similar, name="similar"),
    *urls_steering_patterns,
]
