from django.urls import path
from django.utils.translation import gettext_lazy as _

from civic import views

app_name = "civic"

urlpatterns = [
    path(_("mein-bereich/"), views.MyAreaView.as_view(), name="my_area"),
    path(_("suche/"), views.SearchView.as_view(), name="search"),
    path(_("stadtteile/"), views.DistrictListView.as_view(), name="districts"),
]
