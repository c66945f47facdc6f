"""The agenda API: rounds, proposals (paged, GeoJSON), results; bad input, no private data,
constant query counts, OpenAPI schema."""

import json

import pytest
from django.urls import reverse

from agenda import phases as ph
from tests.agenda.factories import (
    OfflineSourceFactory,
    OfflineVoteTallyFactory,
    ProposalFactory,
    RoundPageFactory,
    VoteFactory,
)
from tests.civic.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def voting_round():
    return RoundPageFactory(current=ph.VOTE, title="Runde Abstimmung")


def test_rounds_list_and_detail(client, voting_round, field_of_action):
    response = client.get(reverse("api:list_rounds"))
    assert response.status_code == 200
    data = response.json()
    assert [r["id"] for r in data] == [voting_round.pk]
    assert "vote" in data[0]["features"]
    assert data[0]["current_phase"]["kinds"] == ["vote"]
    assert data[0]["results_public"] is False and data[0]["results_url"] is None

    detail = client.get(reverse("api:get_round", args=[voting_round.pk])).json()
    assert len(detail["phases"]) == 5
    assert [p["active"] for p in detail["phases"]].count(True) == 1
    assert detail["fields_of_action"] == [
        {"slug": "bildung", "name": "Bildung", "colour": field_of_action.colour}
    ]


def test_unknown_round_and_bad_paging(client, voting_round):
    assert client.get(reverse("api:get_round", args=[999999])).status_code == 404
    assert client.get(reverse("api:list_proposals", args=[999999])).status_code == 404
    assert client.get(reverse("api:proposals_geojson", args=[999999])).status_code == 404
    assert client.get(reverse("api:get_results", args=[999999])).status_code == 404
    url = reverse("api:list_proposals", args=[voting_round.pk])
    for params in (
        {"page": 0},
        {"page": "x"},
        {"per_page": 0},
        {"per_page": 1000},
        {"per_page": "-3"},
    ):
        assert client.get(url, params).status_code == 422, params
    assert client.get(url, {"page": 2}).status_code == 404  # no second page
    assert client.get("/api/agenda/rounds/abc").status_code == 422


def test_unpublished_rounds_are_not_listed(client, voting_round):
    draft = RoundPageFactory(current=ph.VOTE, parent=voting_round.get_parent(), live=False)
    ids = [r["id"] for r in client.get(reverse("api:list_rounds")).json()]
    assert draft.pk not in ids
    assert client.get(reverse("api:get_round", args=[draft.pk])).status_code == 404


def test_proposals_paged_without_private_data(client, voting_round):
    author = UserFactory(email="geheim.person@example.org", display_name="Frieda Öffentlich")
    source = OfflineSourceFactory(round=voting_round, name="Workshop Schule")
    mine = ProposalFactory(round=voting_round, author=author, title="Sichtbar")
    offline = ProposalFactory(round=voting_round, author=None, offline_source=source)
    ProposalFactory(round=voting_round, hidden=True, title="Versteckt")
    ProposalFactory(round=voting_round, status="withdrawn", title="Zurückgezogen")
    ProposalFactory(round=voting_round, answer="Noch intern", title="Mit interner Antwort")
    VoteFactory(proposal=mine)
    url = reverse("api:list_proposals", args=[voting_round.pk])
    response = client.get(url, {"per_page": 2})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3 and data["pages"] == 2 and len(data["items"]) == 2
    raw = client.get(url).content.decode()
    everything = json.dumps(json.loads(raw), ensure_ascii=False)
    assert "@" not in raw
    assert "Sichtbar" in everything and "Workshop Schule" in everything
    assert "Frieda Öffentlich" in everything
    for secret in (
        "geheim.person",
        "@",
        "Versteckt",
        "Zurückgezogen",
        "Noch intern",
        "author",
        "email",
        "user",
        "entered_by",
        "answered_by",
    ):
        assert secret not in everything, secret
    # exactly the documented public fields, nothing that identifies an account
    expected_keys = {
        "id",
        "reference",
        "title",
        "description",
        "url",
        "field_of_action",
        "status",
        "status_label",
        "origin",
        "offline",
        "district",
        "lat",
        "lon",
        "created",
        "comment_count",
        "votes",
        "answer",
        "carried_from",
    }
    for item in json.loads(raw)["items"]:
        assert set(item) == expected_keys
    items = {i["reference"]: i for i in client.get(url).json()["items"]}
    assert items[mine.reference]["votes"] is None  # counts hidden during voting
    assert items[offline.reference]["offline"] is True
    assert items[offline.reference]["origin"] == "Workshop Schule"


def test_counts_shown_when_the_round_shows_them(client):
    round_page = RoundPageFactory(current=ph.VOTE, counts_visible_during_voting=True)
    proposal = ProposalFactory(round=round_page)
    VoteFactory.create_batch(2, proposal=proposal)
    OfflineVoteTallyFactory(proposal=proposal, support=4, against=0)
    item = client.get(reverse("api:list_proposals", args=[round_page.pk])).json()["items"][0]
    assert item["votes"]["online_support"] == 2
    assert item["votes"]["offline_support"] == 4
    assert item["votes"]["total_support"] == 6


def test_geojson_only_proposals_with_a_point(client, voting_round):
    with_point = ProposalFactory(round=voting_round, lat=50.26, lon=10.96)
    ProposalFactory(round=voting_round)
    data = client.get(reverse("api:proposals_geojson", args=[voting_round.pk])).json()
    assert data["type"] == "FeatureCollection"
    assert [f["id"] for f in data["features"]] == [with_point.pk]
    assert data["features"][0]["geometry"] == {"type": "Point", "coordinates": [10.96, 50.26]}
    assert data["features"][0]["properties"]["reference"] == with_point.reference


def test_results_only_when_public(client, voting_round):
    assert client.get(reverse("api:get_results", args=[voting_round.pk])).status_code == 404
    finished = RoundPageFactory(current=ph.RESULT, parent=voting_round.get_parent())
    proposal = ProposalFactory(
        round=finished, status="adopted", answer="Ja.", answer_published=True
    )
    VoteFactory.create_batch(3, proposal=proposal)
    source = OfflineSourceFactory(round=finished, participants=9)
    OfflineVoteTallyFactory(proposal=proposal, source=source, support=2, against=1)
    response = client.get(reverse("api:get_results", args=[finished.pk]))
    assert response.status_code == 200
    data = response.json()
    assert data["participants_offline"] == 9
    assert data["participants_online"] == 4  # author and three voters
    assert data["votes_total"] == 3 + 3
    assert data["ranking"][0]["answer"] == "Ja."
    assert "@" not in response.content.decode()


@pytest.mark.parametrize(
    "url_name,suffix",
    [("api:list_proposals", ""), ("api:proposals_geojson", ""), ("api:get_results", "")],
)
def test_query_counts_do_not_grow(client, url_name, suffix, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    round_page = RoundPageFactory(current=ph.RESULT)
    ProposalFactory.create_batch(2, round=round_page, lat=50.2, lon=10.9)
    url = reverse(url_name, args=[round_page.pk])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"per_page": 100} if "list" in url_name else {}).status_code == 200
    for proposal in ProposalFactory.create_batch(30, round=round_page, lat=50.2, lon=10.9):
        VoteFactory(proposal=proposal)
        OfflineVoteTallyFactory(proposal=proposal)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url, {"per_page": 100} if "list" in url_name else {}).status_code == 200


def test_rounds_list_query_count(client, django_assert_max_num_queries):
    first = RoundPageFactory(current=ph.VOTE)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("api:list_rounds"))
    for _ in range(4):
        RoundPageFactory(current=ph.RESULT, parent=first.get_parent())
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(reverse("api:list_rounds")).json()) == 5


def test_openapi_schema_lists_the_agenda(client):
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    assert "/api/agenda/rounds" in paths
    assert "/api/agenda/rounds/{round_id}/proposals.geojson" in paths
    assert "/api/agenda/rounds/{round_id}/results" in paths
