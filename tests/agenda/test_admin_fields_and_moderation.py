"""Admin: fields of action (editors maintain, in order) and moderation of proposals."""

import pytest
from django.urls import reverse

from agenda import phases as ph
from agenda.models import FieldOfAction, ProposalEvent
from tests.agenda.factories import FieldOfActionFactory, ProposalFactory, RoundPageFactory

pytestmark = pytest.mark.django_db


def test_editors_maintain_fields_of_action(client, editor, steering):
    FieldOfActionFactory(name="Bildung", slug="bildung", sort_order=2)
    FieldOfActionFactory(name="Kultur & Tourismus", slug="kultur", sort_order=1)
    client.force_login(editor)
    listing = client.get(reverse("wagtailsnippets_agenda_fieldofaction:list"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert html.index("Kultur &amp; Tourismus") < html.index("Bildung")  # in their order
    response = client.post(
        reverse("wagtailsnippets_agenda_fieldofaction:add"),
        {
            "name": "Umwelt & Klima",
            "slug": "umwelt",
            "description": "",
            "icon": "",
            "colour": "",
            "sort_order": 3,
        },
    )
    assert response.status_code == 302
    assert FieldOfAction.objects.filter(slug="umwelt").exists()

    client.force_login(steering)  # the steering group looks, it does not edit
    assert client.get(reverse("wagtailsnippets_agenda_fieldofaction:list")).status_code == 200
    response = client.get(reverse("wagtailsnippets_agenda_fieldofaction:add"))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_editors_hide_a_proposal_with_a_reason(client, editor, steering):
    proposal = ProposalFactory(round=RoundPageFactory(current=ph.COMMENT), title="Spam?")
    url = reverse("wagtailsnippets_agenda_proposal:edit", args=[proposal.pk])
    data = {
        "title": proposal.title,
        "description": proposal.description,
        "field_of_action": proposal.field_of_action_id,
        "hidden": "on",
        "hidden_reason": "Werbung",
    }
    client.force_login(steering)  # moderation is the editors' job
    assert client.get(url).status_code == 302
    client.force_login(editor)
    assert client.get(url).status_code == 200
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal.refresh_from_db()
    assert proposal.hidden and proposal.hidden_reason == "Werbung"
    event = ProposalEvent.objects.get(proposal=proposal)
    assert event.kind == "hidden" and event.actor == editor and not event.public


def test_only_administrators_delete_proposals(client, editor, superuser):
    proposal = ProposalFactory()
    url = reverse("wagtailsnippets_agenda_proposal:delete", args=[proposal.pk])
    client.force_login(editor)
    assert client.get(url).status_code == 302
    client.force_login(superuser)
    assert client.get(url).status_code == 200
