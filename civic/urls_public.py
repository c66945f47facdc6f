from django.urls import path
from django.utils.translation import gettext_lazy as _

from civic import ratelimit, views, views_privacy

app_name = "civic"

urlpatterns = [
    path(
        _("mein-bereich/"), ratelimit.limit("profile")(views.MyAreaView.as_view()), name="my_area"
    ),
    path(_("mein-bereich/meine-daten/"), views_privacy.MyDataView.as_view(), name="my_data"),
    path(
        _("mein-bereich/meine-daten/herunterladen/"),
        ratelimit.limit("data_export")(views_privacy.DownloadView.as_view()),
        name="my_data_download",
    ),
    path(
        _("mein-bereich/konto-loeschen/"),
        ratelimit.limit("delete_account")(views_privacy.DeleteAccountView.as_view()),
        name="delete_account",
    ),
    path(_("suche/"), views.SearchView.as_view(), name="search"),
    path(_("stadtteile/"), views.DistrictListView.as_view(), name="districts"),
]
