"""Permission matrix: anonymous, resident owner, other resident, editor, steering group × status.

Checked twice: through django-rules (``has_perm``) and through the views (HTTP).
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from stadtgedaechtnis.models import Status
from tests.stadtgedaechtnis.factories import MemoryFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "owner", "other", "editor", "steering"]
STATUSES = [s.value for s in Status]

# role -> set of statuses in which the permission holds
VIEW = {
    "anonymous": {"published"},
    "owner": set(STATUSES),
    "other": {"published"},
    "editor": set(STATUSES),
    "steering": {"published"},
}
EDIT = {
    "anonymous": set(),
    "owner": {"draft", "submitted", "changes_requested"},
    "other": set(),
    "editor": set(STATUSES),
    "steering": set(),
}
WITHDRAW = {
    "anonymous": set(),
    "owner": {"draft", "submitted", "changes_requested", "published"},
    "other": set(),
    "editor": set(),
    "steering": set(),
}
MODERATE = {"anonymous": False, "owner": False, "other": False, "editor": True, "steering": False}


@pytest.fixture
def people(resident, other_resident, editor, steering):
    return {
        "anonymous": AnonymousUser(),
        "owner": resident,
        "other": other_resident,
        "editor": editor,
        "steering": steering,
    }


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_rules_matrix(people, role, status):
    memory = MemoryFactory(author=people["owner"], status=status)
    user = people[role]
    assert user.has_perm("stadtgedaechtnis.view_memory", memory) == (status in VIEW[role])
    assert user.has_perm("stadtgedaechtnis.edit_memory", memory) == (status in EDIT[role])
    assert user.has_perm("stadtgedaechtnis.withdraw_memory", memory) == (status in WITHDRAW[role])
    assert user.has_perm("stadtgedaechtnis.moderate_memory") == MODERATE[role]
    assert user.has_perm("stadtgedaechtnis.export_memories") == MODERATE[role]
    assert user.has_perm("stadtgedaechtnis.change_memory") == MODERATE[role]
    assert user.has_perm("stadtgedaechtnis.submit_memory") == (role != "anonymous")


def _client_for(client, people, role):
    if role != "anonymous":
        client.force_login(people[role])
    return client


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_views_matrix(client, people, role, status):
    memory = MemoryFactory(author=people["owner"], status=status)
    client = _client_for(client, people, role)

    # The public memory page (M2's view) follows view_memory.
    response = client.get(memory.get_absolute_url())
    assert (response.status_code == 200) == (status in VIEW[role]), response.status_code

    # Editing on the public site: the owner until published; editors are sent to the admin.
    response = client.get(f"/erinnerungen/{memory.pk}/bearbeiten/")
    if role == "anonymous":
        assert response.status_code == 302 and "/konto/login/" in response["Location"]
    elif role == "owner":
        assert response.status_code == (200 if status in EDIT["owner"] else 403)
    elif role == "editor":
        assert response.status_code == 302 and "/admin/" in response["Location"]
    else:
        assert response.status_code == 403

    # Withdrawing (POST) changes the status only for the owner.
    response = client.post(f"/erinnerungen/{memory.pk}/zurueckziehen/")
    memory.refresh_from_db()
    if status in WITHDRAW[role]:
        assert response.status_code == 302
        assert memory.status == Status.WITHDRAWN
    else:
        assert response.status_code in (302, 403)
        assert memory.status == status

    # The editors' decision page in the Wagtail admin.
    response = client.get(reverse("stadtgedaechtnis_memory:moderate", args=[memory.pk]))
    if MODERATE[role]:
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403)


def test_unverified_user_cannot_submit(client):
    from tests.civic.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get("/erzaehlen/").status_code == 403


def test_owner_edit_resubmits_after_changes_requested(client, resident, editor):
    from stadtgedaechtnis import services

    memory = MemoryFactory(author=resident, status=Status.SUBMITTED, title="Alt")
    services.request_changes(memory, actor=editor, message="Bitte kürzer.")
    client.force_login(resident)
    response = client.get(f"/erinnerungen/{memory.pk}/bearbeiten/")
    assert response.status_code == 200
    assert 'value="Alt"' in response.content.decode()
    data = {
        "title": "Neu",
        "story": "Kürzer.",
        "date_text": "1965",
        "precision": "exact",
        "licence": "cc-by-4.0",
        "people_status": "unknown",
        "attribution": "anonymous",
        "consent": "on",
    }
    for i in range(5):
        data[f"photo-{i}-licence"] = "cc-by-4.0"
    response = client.post(f"/erinnerungen/{memory.pk}/bearbeiten/", data)
    assert response.status_code == 302
    memory.refresh_from_db()
    assert memory.title == "Neu"
    assert memory.status == Status.SUBMITTED
    assert list(memory.events.values_list("to_status", flat=True)) == [
        "submitted",
        "changes_requested",
    ]


def test_my_area_lists_own_memories_with_status(client, resident, other_resident, editor):
    from stadtgedaechtnis import services

    mine = MemoryFactory(author=resident, status=Status.SUBMITTED, title="Meine Schulzeit")
    services.request_changes(mine, actor=editor, message="Bitte ein Jahr angeben.")
    MemoryFactory(author=resident, title="Schon veröffentlicht")
    MemoryFactory(author=other_resident, title="Fremde Erinnerung")
    client.force_login(resident)
    html = client.get("/mein-bereich/").content.decode()
    assert "Meine Erinnerungen" in html
    assert "Meine Schulzeit" in html and "Änderungen erbeten" in html
    assert "Bitte ein Jahr angeben." in html
    assert "Schon veröffentlicht" in html
    assert "Fremde Erinnerung" not in html
    assert f"/erinnerungen/{mine.pk}/bearbeiten/" in html


def test_token_links_for_people_without_account(client):
    from tests.stadtgedaechtnis.factories import MemoryContactFactory

    contact = MemoryContactFactory()
    memory = contact.memory
    response = client.get(f"/erzaehlen/meine/{contact.token}/")
    assert response.status_code == 200
    assert 'name="contact_email"' not in response.content.decode()  # editing, not telling
    response = client.post(f"/erzaehlen/meine/{contact.token}/zurueckziehen/")
    assert response.status_code == 302
    memory.refresh_from_db()
    assert memory.status == Status.WITHDRAWN
    assert client.get("/erzaehlen/meine/falsch/").status_code == 404
