"""A round full of dated contributions for the dashboard tests, with a plain record of what was
created so that the tests compute every expected figure on their own."""

import datetime
import random

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from agenda import phases as ph
from agenda.models import OfflineVoteTally, Proposal, Vote
from tests.agenda.factories import (
    FieldOfActionFactory,
    OfflineSourceFactory,
    ProposalFactory,
    RoundPageFactory,
    schedule,
)
from tests.civic.factories import DistrictFactory, UserFactory

STATUSES = [
    "received",
    "in_review",
    "adopted",
    "partially_adopted",
    "rejected",
    "in_progress",
    "implemented",
    "merged",
    "withdrawn",
]
CLOSED = {"merged", "withdrawn"}


def comment_on(proposal, user, *, at=None, public=True, removed=False):
    from django_comments_xtd.models import XtdComment

    return XtdComment.objects.create(
        content_type=ContentType.objects.get_for_model(Proposal),
        object_pk=str(proposal.pk),
        site_id=1,
        user=user,
        comment="Ein Kommentar",
        submit_date=at or timezone.now(),
        is_public=public,
        is_removed=removed,
    )


def local_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def build_dashboard_round(seed=1, size=25, *, current=ph.EVALUATE, districts=None, people=12):
    """A round (phases of 7 days, ``current`` active now) with random proposals, votes, paper
    tallies and comments on days inside the phases.

    Returns ``(round_page, record)``; ``record`` holds plain dicts: ``rows`` (one per proposal:
    ``p``, ``district``, ``created`` (local date), ``voters`` {user: (value, day)}, ``paper``,
    ``comments`` [(user, ok, day)]), ``sources``, ``districts``, ``fields``.
    """
    rng = random.Random(seed)
    round_page = RoundPageFactory(phases=schedule(current))
    other_round = RoundPageFactory(current=ph.VOTE, parent=round_page.get_parent())
    fields = [FieldOfActionFactory() for _ in range(3)]
    if districts is None:
        districts = [
            DistrictFactory(population=2500),
            DistrictFactory(population=800),
            DistrictFactory(population=None),
        ]
    persons = UserFactory.create_batch(people)
    sources = [
        OfflineSourceFactory(round=round_page, participants=rng.randint(3, 30)) for _ in range(2)
    ]
    first_day = timezone.localtime(round_page.phase_list()[0].start).date()
    today = timezone.localdate()
    span = max((today - first_day).days, 0)

    def some_day(after=None):
        start = after or first_day
        return start + datetime.timedelta(days=rng.randint(0, max((today - start).days, 0)))

    rows = []
    for _ in range(size):
        offline = rng.random() < 0.25
        created_day = first_day + datetime.timedelta(days=rng.randint(0, min(span, 10)))
        proposal = ProposalFactory(
            round=round_page,
            field_of_action=rng.choice(fields),
            author=None if offline else rng.choice(persons),
            offline_source=sources[0] if offline else None,
            status=rng.choice(STATUSES),
            hidden=rng.random() < 0.1,
        )
        answer = ""
        published = False
        if rng.random() < 0.5:
            answer = "Die Steuerungsgruppe antwortet."
            published = rng.random() < 0.6
        district = rng.choice(districts + [None])
        Proposal.objects.filter(pk=proposal.pk).update(
            district=district,
            created=local_noon(created_day),
            answer=answer,
            answer_published=published,
        )
        proposal.refresh_from_db()
        rows.append(
            {
                "p": proposal,
                "district": district,
                "created": created_day,
                "voters": {},
                "paper": {},
                "comments": [],
            }
        )
    for row in rows:
        for person in rng.sample(persons, rng.randint(0, 6)):
            value = rng.choice([1, -1])
            day = some_day(row["created"])
            Vote.objects.create(
                proposal=row["p"],
                round=round_page,
                user=person,
                value=value,
                created=local_noon(day),
            )
            row["voters"][person.pk] = (value, day)
        for source in sources:
            if rng.random() < 0.4:
                support, against = rng.randint(0, 9), rng.randint(0, 4)
                OfflineVoteTally.objects.create(
                    proposal=row["p"], source=source, support=support, against=against
                )
                row["paper"][source.pk] = (support, against)
        for _ in range(rng.randint(0, 3)):
            person = rng.choice(persons)
            public, removed = rng.random() < 0.9, rng.random() < 0.1
            day = some_day(row["created"])
            comment_on(row["p"], person, at=local_noon(day), public=public, removed=removed)
            row["comments"].append((person.pk, public and not removed, day))
    # noise in another round must not count
    noise = ProposalFactory(round=other_round, author=persons[0])
    Proposal.objects.filter(pk=noise.pk).update(district=districts[0])
    Vote.objects.create(proposal=noise, round=other_round, user=persons[1])
    comment_on(noise, persons[2])
    return round_page, {
        "rows": rows,
        "sources": sources,
        "districts": districts,
        "fields": fields,
        "first_day": first_day,
    }
