"""The agenda's demo data: two rounds, proposals online and offline, votes, comments,
carried-over proposals; fast and idempotent; every page of it renders."""

import time

import pytest
from django.core.management import call_command
from django_comments_xtd.models import XtdComment

from agenda import phases as ph
from agenda.models import (
    AgendaPage,
    FieldOfAction,
    OfflineSource,
    OfflineVoteTally,
    Proposal,
    ProposalStatus,
    RoundPage,
    Vote,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    started = time.monotonic()
    call_command("seed_demo", verbosity=0)
    return time.monotonic() - started


def test_demo_agenda(seeded, client):
    assert seeded < 30  # the whole demo city, generous for slow CI machines
    assert FieldOfAction.objects.count() == 8
    agenda = AgendaPage.objects.get(slug="digitale-agenda")
    first, second = RoundPage.objects.child_of(agenda).order_by("number")
    assert ph.F_SHOW_RESULTS in first.features()
    assert ph.F_VOTE in second.features()

    first_proposals = Proposal.objects.filter(round=first)
    assert first_proposals.filter(answer_published=True).count() == first_proposals.count()
    statuses = set(first_proposals.values_list("status", flat=True))
    assert {"adopted", "in_progress", "implemented", "rejected"} <= statuses

    second_proposals = Proposal.objects.filter(round=second)
    assert 55 <= second_proposals.count() <= 70
    assert second_proposals.values("field_of_action").distinct().count() == 8
    assert second_proposals.filter(carried_from__round=first).count() >= 3
    assert second_proposals.filter(offline_source__isnull=False).exists()
    assert OfflineSource.objects.filter(round=second).count() >= 2
    assert OfflineVoteTally.objects.exists()
    assert Vote.objects.filter(round=second).count() > 40
    limit = second.max_votes_per_person
    per_person = Vote.objects.filter(round=second).values("user").distinct()
    for row in per_person:
        assert Vote.objects.filter(round=second, user=row["user"]).count() <= limit
    assert (
        XtdComment.objects.filter(parent_id__isnull=False).exclude(parent_id=models_pk()).exists()
    )

    # The home page links to the agenda page; every page renders.
    assert agenda.url in client.get("/").content.decode()
    assert client.get(agenda.url).status_code == 200
    assert client.get(second.url).status_code == 200
    assert client.get(first.url).status_code == 200
    carried = second_proposals.filter(carried_from__isnull=False).first()
    html = client.get(carried.get_absolute_url()).content.decode()
    assert carried.carried_from.get_absolute_url() in html
    adopted = first_proposals.filter(status=ProposalStatus.IMPLEMENTED).first()
    assert adopted.answer in client.get(adopted.get_absolute_url()).content.decode()


def models_pk():
    from django.db.models import F

    return F("pk")


def test_demo_is_idempotent(seeded):
    counts = (Proposal.objects.count(), Vote.objects.count(), XtdComment.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Proposal.objects.count(), Vote.objects.count(), XtdComment.objects.count()) == counts
