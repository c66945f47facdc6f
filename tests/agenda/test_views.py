"""The residents' pages over HTTP: round list, proposal detail, writing, voting, withdrawing."""

import pytest
from django.urls import reverse

from agenda.models import Proposal, ProposalEvent, ProposalStatus, Vote
from tests.agenda.factories import (
    FieldOfActionFactory,
    OfflineVoteTallyFactory,
    ProposalFactory,
    RoundPageFactory,
    VoteFactory,
)
from tests.civic.factories import DistrictFactory, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def propose_round(field_of_action):
    round_ = RoundPageFactory(current="propose")
    round_.fields_of_action.add(field_of_action)
    round_.save()
    return round_


def form_data(field_of_action, **extra):
    return {
        "title": "Freies WLAN in der Stadtbücherei",
        "description": "Die Bücherei braucht schnelles WLAN.\n\nAuch am Wochenende.",
        "field_of_action": field_of_action.pk,
        "lat": "",
        "lon": "",
        "image_alt": "",
        **extra,
    }


# -- pages -----------------------------------------------------------------------------------


def test_round_page_lists_visible_proposals(client):
    round_ = RoundPageFactory(current="comment")
    shown = ProposalFactory(round=round_, title="Sichtbar")
    ProposalFactory(round=round_, title="Versteckt", hidden=True)
    response = client.get(round_.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sichtbar" in html and "Versteckt" not in html
    assert shown.reference in html
    assert 'aria-current="step"' in html  # the current phase is marked


def test_round_page_filters(client):
    round_ = RoundPageFactory(current="comment")
    school = FieldOfActionFactory(name="Bildung", slug="bildung")
    district = DistrictFactory(name="Neuses", slug="neuses", geometry=square(10.9, 50.2))
    ProposalFactory(round=round_, title="Tablets", field_of_action=school)
    ProposalFactory(round=round_, title="Parkplatz-App", lat=50.205, lon=10.905)
    assert district.pk
    html = client.get(round_.url, {"handlungsfeld": "bildung"}).content.decode()
    assert "Tablets" in html and "Parkplatz-App" not in html
    html = client.get(round_.url, {"stadtteil": "neuses"}).content.decode()
    assert "Parkplatz-App" in html and "Tablets" not in html
    html = client.get(round_.url, {"status": "adopted"}).content.decode()
    assert "Keine Vorschläge passen" in html


def test_vote_ordering_only_when_counts_are_visible(client):
    hidden = RoundPageFactory(current="vote")
    ProposalFactory(round=hidden)
    html = client.get(hidden.url).content.decode()
    assert 'value="stimmen"' not in html
    shown = RoundPageFactory(current="vote", counts_visible_during_voting=True)
    low, high = (
        ProposalFactory(round=shown, title="Wenig"),
        ProposalFactory(round=shown, title="Viel"),
    )
    VoteFactory.create_batch(3, proposal=high)
    VoteFactory(proposal=low)
    html = client.get(shown.url, {"sortierung": "stimmen"}).content.decode()
    assert 'value="stimmen"' in html
    assert html.index("Viel") < html.index("Wenig")
    # asking for vote order where counts are hidden falls back (no ranking leaks)
    response = client.get(hidden.url, {"sortierung": "stimmen"})
    assert response.status_code == 200


def test_random_order_is_stable_for_one_visitor(client):
    round_ = RoundPageFactory(current="vote")
    ProposalFactory.create_batch(30, round=round_)
    first = [p.pk for p in client.get(round_.url).context["proposals"]]
    again = [p.pk for p in client.get(round_.url).context["proposals"]]
    assert first == again
    assert len(first) == 20
    second_page = [p.pk for p in client.get(round_.url, {"seite": 2}).context["proposals"]]
    assert len(second_page) == 10 and not set(first) & set(second_page)


def test_proposal_detail(client):
    proposal = ProposalFactory(
        round=RoundPageFactory(current="result"),
        status=ProposalStatus.ADOPTED,
        answer="Wir setzen das 2027 um.",
        answer_published=True,
    )
    VoteFactory.create_batch(2, proposal=proposal)
    OfflineVoteTallyFactory(proposal=proposal, support=7, against=0)
    response = client.get(proposal.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert proposal.reference in html
    assert "Wir setzen das 2027 um." in html
    assert "9 Stimmen dafür" in html
    assert response.context["counts"].offline_support == 7


def test_unpublished_answer_stays_private(client):
    proposal = ProposalFactory(answer="Entwurf der Antwort", answer_published=False)
    assert "Entwurf der Antwort" not in client.get(proposal.get_absolute_url()).content.decode()


def test_hidden_proposal_is_404_for_the_public(client, editor):
    proposal = ProposalFactory(hidden=True)
    assert client.get(proposal.get_absolute_url()).status_code == 404
    client.force_login(editor)
    assert client.get(proposal.get_absolute_url()).status_code == 200


def test_merged_and_carried_links(client):
    target = ProposalFactory(title="Ziel")
    merged = ProposalFactory(round=target.round, status=ProposalStatus.MERGED, merged_into=target)
    html = client.get(merged.get_absolute_url()).content.decode()
    assert "Zusammengeführt mit" in html and target.get_absolute_url() in html
    later = ProposalFactory(carried_from=target)
    html = client.get(later.get_absolute_url()).content.decode()
    assert target.get_absolute_url() in html


def test_xss_is_inert(client, resident):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    proposal = ProposalFactory(
        round=RoundPageFactory(current="vote", counts_visible_during_voting=True),
        title=evil[:120],
        description=evil + "\n\n" + evil,
        answer=evil,
        answer_published=True,
    )
    for url in (proposal.get_absolute_url(), proposal.round.url):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;" in html
    response = client.get(
        reverse("agenda:similar", args=[proposal.round.pk]), {"title": "alert script"}
    )
    assert response["Content-Type"] == "application/json"


# -- writing ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, propose_round):
    response = client.get(reverse("agenda:propose", args=[propose_round.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_unverified_user_is_refused(client, unverified, propose_round):
    client.force_login(unverified)
    response = client.get(reverse("agenda:propose", args=[propose_round.pk]))
    assert response.status_code == 403
    assert "bestätigter E-Mail-Adresse" in response.content.decode()


def test_no_proposals_outside_the_propose_phase(client, resident, field_of_action):
    round_ = RoundPageFactory(current="vote")
    client.force_login(resident)
    url = reverse("agenda:propose", args=[round_.pk])
    response = client.post(url, form_data(field_of_action))
    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_submit_proposal(client, resident, propose_round, field_of_action):
    DistrictFactory(geometry=square(10.9, 50.2))
    client.force_login(resident)
    url = reverse("agenda:propose", args=[propose_round.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(field_of_action, lat="50.205", lon="10.905"))
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    assert proposal.author == resident and proposal.number == 1
    assert proposal.district is not None
    assert ProposalEvent.objects.filter(proposal=proposal, kind="submitted").exists()
    page = client.get(response["Location"]).content.decode()
    assert proposal.reference in page and "Rita Resident" in page


def test_bad_input_keeps_what_was_typed(client, resident, propose_round, field_of_action):
    client.force_login(resident)
    url = reverse("agenda:propose", args=[propose_round.pk])
    response = client.post(url, form_data(field_of_action, title="x" * 121))
    assert response.status_code == 200
    html = response.content.decode()
    assert "höchstens 120 Zeichen" in html
    assert "Die Bücherei braucht schnelles WLAN." in html
    assert not Proposal.objects.exists()


def test_field_of_action_must_belong_to_the_round(client, resident, propose_round):
    client.force_login(resident)
    other = FieldOfActionFactory()
    url = reverse("agenda:propose", args=[propose_round.pk])
    response = client.post(url, form_data(other))
    assert response.status_code == 200 and not Proposal.objects.exists()


def test_preview_shows_similar_proposals(client, resident, propose_round, field_of_action):
    existing = ProposalFactory(
        round=propose_round,
        title="WLAN in der Stadtbücherei ausbauen",
        field_of_action=field_of_action,
    )
    client.force_login(resident)
    url = reverse("agenda:propose", args=[propose_round.pk])
    response = client.post(url, {**form_data(field_of_action), "preview": "1"})
    assert response.status_code == 200
    assert existing in response.context["similar"]
    assert "Diesen Vorschlag unterstützen" in response.content.decode()
    assert Proposal.objects.count() == 1  # nothing saved on preview


def test_edit_only_own_and_while_propose_is_open(client, resident, other_resident, field_of_action):
    round_ = RoundPageFactory(current="propose")
    proposal = ProposalFactory(round=round_, author=resident, field_of_action=field_of_action)
    url = reverse("agenda:edit", args=[proposal.pk])
    client.force_login(other_resident)
    assert client.get(url).status_code == 403
    client.force_login(resident)
    response = client.post(url, form_data(field_of_action, title="Neuer Titel"))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Neuer Titel"
    assert proposal.events.filter(kind="edited").exists()
    voting = ProposalFactory(round=RoundPageFactory(current="vote"), author=resident)
    assert client.get(reverse("agenda:edit", args=[voting.pk])).status_code == 403


def test_withdraw_with_confirmation(client, resident):
    proposal = ProposalFactory(round=RoundPageFactory(current="vote"), author=resident)
    client.force_login(resident)
    url = reverse("agenda:withdraw", args=[proposal.pk])
    assert "wirklich zurückziehen" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN and proposal.withdrawn_at
    # No longer in the list; its page says so.
    assert proposal.title not in client.get(proposal.round.url).content.decode()
    assert "zurückgezogen" in client.get(proposal.get_absolute_url()).content.decode()


def test_withdraw_refused_after_evaluation_started(client, resident):
    proposal = ProposalFactory(round=RoundPageFactory(current="evaluate"), author=resident)
    client.force_login(resident)
    assert client.post(reverse("agenda:withdraw", args=[proposal.pk])).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.RECEIVED


# -- voting ----------------------------------------------------------------------------------


def test_vote_and_take_back_over_http(client, resident):
    round_ = RoundPageFactory(current="vote", max_votes_per_person=3)
    proposal = ProposalFactory(round=round_)
    url = reverse("agenda:vote", args=[proposal.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302 and not Vote.objects.exists()  # to login
    client.force_login(resident)
    detail = client.get(proposal.get_absolute_url()).content.decode()
    assert "Vorschlag unterstützen" in detail and "noch 3 von 3 Stimmen" in detail
    response = client.post(url, {"value": "1"}, follow=True)
    assert Vote.objects.filter(user=resident, proposal=proposal).count() == 1
    html = response.content.decode()
    assert "Ihre Stimme für den Vorschlag wurde gezählt." in html
    assert "noch 2 von 3 Stimmen" in html
    assert "Stimme zurücknehmen" in html
    response = client.post(url, {"action": "retract"}, follow=True)
    assert not Vote.objects.exists()
    assert "Ihre Stimme wurde zurückgenommen." in response.content.decode()


def test_vote_refused_outside_the_phase_over_http(client, resident):
    proposal = ProposalFactory(round=RoundPageFactory(current="comment"))
    client.force_login(resident)
    response = client.post(reverse("agenda:vote", args=[proposal.pk]), follow=True)
    assert not Vote.objects.exists()
    assert "gerade nicht möglich" in response.content.decode()


def test_vote_limit_message(client, resident):
    round_ = RoundPageFactory(current="vote", max_votes_per_person=1)
    first, second = ProposalFactory.create_batch(2, round=round_)
    client.force_login(resident)
    client.post(reverse("agenda:vote", args=[first.pk]))
    response = client.post(reverse("agenda:vote", args=[second.pk]), follow=True)
    assert "schon alle 1 Stimmen vergeben" in response.content.decode()
    assert Vote.objects.count() == 1


def test_vote_requires_csrf(resident):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    proposal = ProposalFactory(round=RoundPageFactory(current="vote"))
    assert client.post(reverse("agenda:vote", args=[proposal.pk])).status_code == 403
    assert not Vote.objects.exists()


def test_unsafe_next_is_ignored(client, resident):
    proposal = ProposalFactory(round=RoundPageFactory(current="vote"))
    client.force_login(resident)
    response = client.post(
        reverse("agenda:vote", args=[proposal.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"].startswith(proposal.get_absolute_url())


# -- similar endpoint --------------------------------------------------------------------------


def test_similar_endpoint(client):
    round_ = RoundPageFactory(current="propose")
    hit = ProposalFactory(round=round_, title="Digitale Bürgerdienste im Rathaus")
    ProposalFactory(round=round_, title="Mehr Bäume am Anger")
    ProposalFactory(round=RoundPageFactory(), title="Digitale Bürgerdienste im Rathaus")
    response = client.get(
        reverse("agenda:similar", args=[round_.pk]), {"title": "Bürgerdienste digital"}
    )
    data = response.json()
    assert [r["id"] for r in data["results"]] == [hit.pk]
    assert data["results"][0]["support_url"].endswith("#abstimmen")


# -- site hooks ------------------------------------------------------------------------------


def test_my_area_panel_shows_my_proposals_and_votes_left(client, resident):
    round_ = RoundPageFactory(current="vote", max_votes_per_person=5)
    mine = ProposalFactory(
        round=round_, author=resident, answer="Danke, geprüft.", answer_published=True
    )
    VoteFactory(user=resident, proposal=ProposalFactory(round=round_))
    client.force_login(resident)
    html = client.get(reverse("civic:my_area")).content.decode()
    assert mine.title in html and "Danke, geprüft." in html
    assert "noch 4 von 5 Stimmen frei" in html


def test_search_finds_proposals(client):
    proposal = ProposalFactory(title="Smarte Parkplatzsuche")
    ProposalFactory(title="Versteckt Parkplatz", hidden=True)
    html = client.get(reverse("civic:search"), {"q": "Parkplatz"}).content.decode()
    assert proposal.title in html and "Versteckt" not in html


def test_home_page_features_the_current_round(client):
    round_ = RoundPageFactory(current="vote", title="Runde Zwei")
    html = client.get("/").content.decode()
    assert "Runde Zwei" in html and round_.url in html


def test_english(client, resident):
    round_ = RoundPageFactory(current="propose")
    client.force_login(resident)
    html = client.get("/en" + round_.url).content.decode()
    assert "Submit a proposal" in html and "Schedule of the round" in html
    response = client.get(f"/en/agenda/rounds/{round_.pk}/propose/")
    assert response.status_code == 200
    assert "Your proposal" in response.content.decode()


def test_agenda_page_without_rounds(client):
    from tests.agenda.factories import AgendaPageFactory

    agenda = AgendaPageFactory()
    response = client.get(agenda.url)
    assert response.status_code == 200
    assert response.context["current_round"] is None


def test_agenda_page_shows_current_round_and_earlier_results(client):
    from tests.agenda.factories import AgendaPageFactory

    agenda = AgendaPageFactory()
    earlier = RoundPageFactory(parent=agenda, current="result", title="Runde Eins")
    current = RoundPageFactory(parent=agenda, current="vote", title="Runde Zwei")
    ProposalFactory(round=earlier, status=ProposalStatus.ADOPTED, title="Aufgenommen")
    ProposalFactory(round=earlier, status=ProposalStatus.REJECTED, title="Abgelehnt")
    html = client.get(agenda.url).content.decode()
    assert "Runde Zwei" in html and current.url in html
    assert "Aufgenommen" in html and "Abgelehnt" not in html
    assert earlier.url + "ergebnisse/" in html
