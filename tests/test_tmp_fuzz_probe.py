import pytest
from tests.test_permission_matrix import world  # noqa
pytestmark = pytest.mark.django_db
def test_probe(client, world):
    from django.urls import reverse
    client.force_login(world["users"]["steering"])
    for name in ["wagtailsnippetchoosers_stadtgedaechtnis_memory:choose", "stadtgedaechtnis_tour_memory_chooser:choose", "stadtgedaechtnis_book_memory_chooser:choose", "wagtailsnippetchoosers_agenda_proposal:choose"]:
        html = client.get(reverse(name)).content.decode()
        print(name, "pending" , "Olgas Erinnerung" in html, "published", "Veröffentlicht" in html, "Olgas Idee" in html)
    html = client.get(reverse("wagtailsnippetchoosers_stadtgedaechtnis_memory:chosen", args=[world["pending"].pk])).content.decode()
    print("chosen pending", html[:300])
