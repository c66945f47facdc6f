"""Carrying proposals into the next round: new numbers, links to the earlier self, history kept,
the earlier tally untouched, bulk inserts with a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from agenda import phases as ph
from agenda.models import OfflineVoteTally, Proposal, ProposalEvent, Vote
from agenda.steering import carry_over
from tests.agenda.factories import (
    FieldOfActionFactory,
    OfflineSourceFactory,
    OfflineVoteTallyFactory,
    ProposalFactory,
    RoundPageFactory,
    VoteFactory,
)
from tests.civic.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds():
    first = RoundPageFactory(current=ph.RESULT, title="Runde 1")
    second = RoundPageFactory(current=ph.PROPOSE, title="Runde 2", parent=first.get_parent())
    return first, second


def test_carry_over_copies_with_link_and_keeps_the_earlier_tally(rounds, steering):
    first, second = rounds
    ProposalFactory(round=second)  # the new round already has number 1
    district = DistrictFactory()
    popular = ProposalFactory(
        round=first,
        title="Digitale Bürgerdienste",
        lat=50.25,
        lon=10.96,
        status="adopted",
        answer="Aufgenommen.",
        answer_published=True,
    )
    Proposal.objects.filter(pk=popular.pk).update(district=district)
    popular.refresh_from_db()
    workshop = OfflineSourceFactory(round=first)
    offline = ProposalFactory(round=first, author=None, offline_source=workshop)
    merged = ProposalFactory(round=first, status="merged", merged_into=popular)
    withdrawn = ProposalFactory(round=first, status="withdrawn")
    VoteFactory.create_batch(3, proposal=popular)
    OfflineVoteTallyFactory(proposal=popular, source=workshop, support=7, against=2)

    result = carry_over([popular, offline, merged, withdrawn], second, actor=steering)

    assert {p.pk for p in result.skipped} == {merged.pk, withdrawn.pk}
    assert len(result.created) == 2
    copy = Proposal.objects.get(round=second, carried_from=popular)
    assert copy.number == 2
    assert copy.reference.endswith("-002")
    assert (copy.title, copy.description) == (popular.title, popular.description)
    assert copy.author_id == popular.author_id
    assert copy.field_of_action_id == popular.field_of_action_id
    assert (copy.lat, copy.lon, copy.district_id) == (50.25, 10.96, district.pk)
    assert copy.status == "received"
    assert copy.answer == "" and not copy.answer_published
    assert copy.votes.count() == 0
    offline_copy = Proposal.objects.get(round=second, carried_from=offline)
    assert offline_copy.number == 3
    assert offline_copy.offline_source_id == workshop.pk and offline_copy.author_id is None
    # the earlier self is untouched
    popular.refresh_from_db()
    assert popular.round_id == first.pk and popular.status == "adopted"
    assert Vote.objects.filter(proposal=popular).count() == 3
    tally = OfflineVoteTally.objects.get(proposal=popular)
    assert (tally.support, tally.against) == (7, 2)
    assert list(popular.carried_to.all()) == [copy]
    # history on both sides, and Wagtail's log
    assert ProposalEvent.objects.filter(proposal=popular, kind="carried_over").count() == 1
    event = ProposalEvent.objects.get(proposal=copy, kind="carried_from")
    assert event.note == popular.reference and event.actor == steering
    assert ModelLogEntry.objects.filter(
        action="agenda.carry_over", object_id=str(popular.pk)
    ).exists()
    assert ModelLogEntry.objects.filter(
        action="agenda.carried_from", object_id=str(copy.pk)
    ).exists()

    # Carrying again does not duplicate.
    again = carry_over([popular, offline], second, actor=steering)
    assert again.created == [] and len(again.skipped) == 2
    assert Proposal.objects.filter(round=second).count() == 3


def test_carry_over_into_the_same_round_is_skipped(rounds, steering):
    first, _second = rounds
    proposal = ProposalFactory(round=first)
    result = carry_over([proposal], first, actor=steering)
    assert result.created == [] and result.skipped == [proposal]


def _bulk_proposals(round_page, count, field, author):
    Proposal.objects.bulk_create(
        [
            Proposal(
                round=round_page,
                number=n,
                title=f"Vorschlag {n}",
                description="Text",
                field_of_action=field,
                author=author,
            )
            for n in range(1, count + 1)
        ]
    )
    return list(Proposal.objects.filter(round=round_page))


def test_carry_over_query_count_does_not_grow(rounds, steering):
    first, second = rounds
    field = FieldOfActionFactory()
    author = UserFactory()
    small_round = RoundPageFactory(current=ph.RESULT, parent=first.get_parent())
    small = _bulk_proposals(small_round, 5, field, author)
    many = _bulk_proposals(first, 500, field, author)

    with CaptureQueriesContext(connection) as few_queries:
        carry_over(small, second, actor=steering)
    with CaptureQueriesContext(connection) as many_queries:
        result = carry_over(many, second, actor=steering)

    assert len(result.created) == 500

    def split(queries):
        inserts = [q for q in queries if q["sql"].startswith("INSERT")]
        return inserts, [q["sql"] for q in queries if not q["sql"].startswith("INSERT")]

    many_inserts, many_other = split(many_queries)
    few_inserts, few_other = split(few_queries)
    # Reads and updates do not grow with the number of proposals ...
    assert len(many_other) == len(few_other), "\n".join(many_other)
    # ... and the inserts are bulk inserts, split only by the database's parameter limit
    # (SQLite: 999 per statement; PostgreSQL: one statement per table for 500 rows).
    max_params = connection.features.max_query_params or 65535
    per_statement_bound = -(-1000 * 25 // max_params)  # ceil(rows * columns / limit)
    # four tables: proposals, history events, audit log (earlier and new proposals)
    assert len(few_inserts) == 4 or connection.vendor == "sqlite"
    assert len(many_inserts) <= 4 * per_statement_bound + 4

    numbers = sorted(Proposal.objects.filter(round=second).values_list("number", flat=True))
    assert numbers == list(range(1, 506))
    assert ProposalEvent.objects.filter(proposal__round=second, kind="carried_from").count() == 505
