"""Query counts of the round list and the proposal detail do not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.agenda.factories import (
    FieldOfActionFactory,
    OfflineVoteTallyFactory,
    ProposalFactory,
    RoundPageFactory,
    VoteFactory,
    make_comment,
)
from tests.civic.factories import DistrictFactory, UserFactory, square

pytestmark = pytest.mark.django_db


def count_queries(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def fill(round_, n, commenters):
    fields = [FieldOfActionFactory() for _ in range(3)]
    for i in range(n):
        proposal = ProposalFactory(
            round=round_, field_of_action=fields[i % 3], lat=50.205, lon=10.905
        )
        VoteFactory(proposal=proposal)
        OfflineVoteTallyFactory(proposal=proposal, support=2)
        for user in commenters:
            parent = make_comment(proposal, user)
            make_comment(proposal, user, "Antwort", parent=parent)


@pytest.mark.parametrize("order", ["neu", "stimmen", "kommentare", "zufall"])
def test_round_list_query_count_is_constant(client, resident, order):
    DistrictFactory(geometry=square(10.9, 50.2))
    small = RoundPageFactory(current="vote", counts_visible_during_voting=True)
    large = RoundPageFactory(current="vote", counts_visible_during_voting=True)
    commenters = [UserFactory() for _ in range(2)]
    fill(small, 2, commenters[:1])
    fill(large, 25, commenters)
    client.force_login(resident)
    few = count_queries(client, small.url, sortierung=order)
    many = count_queries(client, large.url, sortierung=order)
    assert many <= few, f"{order}: {few} queries for 2 proposals, {many} for 25"


def test_proposal_detail_query_count_is_constant(client, resident):
    round_ = RoundPageFactory(current="comment", counts_visible_during_voting=True)
    quiet = ProposalFactory(round=round_)
    busy = ProposalFactory(round=round_, carried_from=ProposalFactory())
    make_comment(quiet, resident)
    people = [UserFactory() for _ in range(10)]
    for user in people:
        parent = make_comment(busy, user)
        reply = make_comment(busy, resident, "Antwort", parent=parent)
        make_comment(busy, user, "Antwort auf die Antwort", parent=reply)
        VoteFactory(proposal=busy, user=user)
    OfflineVoteTallyFactory(proposal=busy)
    client.force_login(resident)
    few = count_queries(client, quiet.get_absolute_url())
    many = count_queries(client, busy.get_absolute_url())
    assert many <= few, f"{few} queries for 1 comment, {many} for 30"
    assert many < 40


def test_agenda_page_query_count_is_constant(client):
    from tests.agenda.factories import AgendaPageFactory

    agenda = AgendaPageFactory()
    ended = RoundPageFactory(parent=agenda, current="ended")
    RoundPageFactory(parent=agenda, current="vote")
    ProposalFactory(round=ended, status="adopted")
    few = count_queries(client, agenda.url)
    for _ in range(15):
        ProposalFactory(round=ended, status="implemented")
    many = count_queries(client, agenda.url)
    assert many <= few
