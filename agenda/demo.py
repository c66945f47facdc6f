"""The agenda's seed step for ``seed_demo`` (order 200): fields of action, the agenda page,
round 1 (finished, results published) and round 2 (voting now), proposals online and offline,
votes of demo residents, comments with replies, proposals carried over.

Idempotent: an agenda page that already has rounds is left as it is. Fast: users, votes and
e-mail addresses are written in bulk, with one password hash for all demo residents.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from agenda import demo_content as content
from agenda import phases as ph
from agenda.models import (
    AgendaPage,
    FieldOfAction,
    OfflineSource,
    OfflineVoteTally,
    Proposal,
    ProposalEvent,
    ProposalStatus,
    RoundPage,
    RoundPhase,
    RoundVoter,
    Vote,
)

SLUG = "digitale-agenda"
DAY = datetime.timedelta(days=1)
CENTRE = (50.2585, 10.9646)  # lat, lon of the demo city (Coburg)


def seed(context) -> None:
    out = context.get("stdout")
    home = context["home"]
    fields = _fields_of_action()
    agenda = _agenda_page(home)
    context["pages"][SLUG] = agenda
    if RoundPage.objects.child_of(agenda).exists():
        if out:
            out.write("  Digitale Agenda: Runden sind schon angelegt.")
        return
    rng = random.Random(2026)
    now = timezone.now()
    staff = _staff()
    residents = _residents()
    round_1 = _round(agenda, content.ROUND_1, number=1, prefix="DA1", phases=_round_1_phases(now))
    round_2 = _round(agenda, content.ROUND_2, number=2, prefix="DA2", phases=_round_2_phases(now))

    first = _round_1_proposals(round_1, fields, residents, staff, rng, now)
    _votes(round_1, first, residents, rng, limit=round_1.max_votes_per_person, now=now)
    second = _round_2_proposals(round_2, fields, residents, staff, first, rng, now)
    _votes(round_2, second, residents, rng, limit=round_2.max_votes_per_person, now=now)
    _comments(first[:4] + second[:24], residents, rng)
    if out:
        out.write(
            f"  Digitale Agenda: {len(first)} + {len(second)} Vorschläge, "
            f"{Vote.objects.count()} Stimmen."
        )


# -- structure -------------------------------------------------------------------------------


def _fields_of_action() -> dict[str, FieldOfAction]:
    fields = {}
    for order, (slug, name, description, icon) in enumerate(content.FIELDS_OF_ACTION):
        field, _created = FieldOfAction.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "icon": icon,
                "sort_order": order,
            },
        )
        fields[slug] = field
    return fields


def _agenda_page(home) -> AgendaPage:
    existing = AgendaPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    # A placeholder page of an earlier seed run (before the agenda app) holds the slug.
    for page in home.get_children().filter(slug=SLUG):
        page.slug = f"{SLUG}-alt"
        page.save_revision().publish()
        page.unpublish()
    page = AgendaPage(
        title="Digitale Agenda",
        slug=SLUG,
        show_in_menus=True,
        intro=content.AGENDA_INTRO,
        principles=content.PRINCIPLES,
        search_description="Die Agile Digitale Agenda: Vorschläge einreichen, diskutieren, "
        "abstimmen – und jede Antwort nachlesen.",
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def _round_1_phases(now):
    return [
        ([ph.PROPOSE, ph.COMMENT], now - 150 * DAY, now - 120 * DAY),
        ([ph.COMMENT, ph.VOTE], now - 120 * DAY, now - 100 * DAY),
        ([ph.EVALUATE], now - 100 * DAY, now - 70 * DAY),
        ([ph.RESULT], now - 70 * DAY, now + 300 * DAY),
    ]


def _round_2_phases(now):
    return [
        ([ph.PROPOSE, ph.COMMENT], now - 40 * DAY, now - 12 * DAY),
        ([ph.COMMENT, ph.VOTE], now - 12 * DAY, now + 10 * DAY),
        ([ph.EVALUATE], now + 10 * DAY, now + 40 * DAY),
        ([ph.RESULT], now + 40 * DAY, now + 400 * DAY),
    ]


def _round(agenda, spec, *, number, prefix, phases) -> RoundPage:
    start = timezone.localtime(phases[0][1])
    round_ = RoundPage(
        title=spec["title"],
        slug=spec["slug"],
        number=number,
        intro=spec["intro"],
        reference_prefix=prefix,
        reference_year=start.year,
        voting_mode="support" if number == 1 else "for_against",
        max_votes_per_person=5 if number == 1 else 7,
        counts_visible_during_voting=number != 1,
        phases=[RoundPhase(kinds=kinds, start=a, end=b) for kinds, a, b in phases],
    )
    agenda.add_child(instance=round_)
    round_.fields_of_action.set(FieldOfAction.objects.all())
    round_.save_revision().publish()
    return RoundPage.objects.get(pk=round_.pk)


# -- people ----------------------------------------------------------------------------------


def _staff():
    from civic.models import User

    steering = User.objects.filter(groups__name="Steuerungsgruppe").first()
    editor = User.objects.filter(groups__name="Redaktion", is_superuser=False).first()
    return {"steering": steering, "editor": editor or steering}


def _residents():
    """The demo residents: the demo login plus twenty more (one password hash for all)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from civic.demo_content import DEMO_PASSWORD
    from civic.models import District, User
    from civic.roles import RESIDENTS

    emails = [f"bewohner{i:02d}@coburg.example" for i in range(1, len(content.RESIDENT_NAMES) + 1)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    districts = list(District.objects.values_list("pk", flat=True))
    password = make_password(DEMO_PASSWORD)
    new = [
        User(
            email=email,
            display_name=name,
            password=password,
            district_id=districts[i % len(districts)] if districts else None,
        )
        for i, (email, name) in enumerate(zip(emails, content.RESIDENT_NAMES, strict=True))
        if email not in existing
    ]
    User.objects.bulk_create(new)
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        ignore_conflicts=True,
    )
    group, _created = Group.objects.get_or_create(name=RESIDENTS)
    group.user_set.add(*users)
    anna = User.objects.filter(email="buergerin@coburg.example").first()
    return ([anna] if anna else []) + users


# -- proposals -------------------------------------------------------------------------------


def _point(rng):
    if rng.random() < 0.45:
        return None, None
    return (
        round(CENTRE[0] + rng.uniform(-0.018, 0.018), 6),
        round(CENTRE[1] + rng.uniform(-0.028, 0.028), 6),
    )


def _proposal(round_, fields, slug, title, description, *, created, rng, **extra) -> Proposal:
    lat, lon = _point(rng)
    proposal = Proposal(
        round=round_,
        title=title,
        description=description,
        field_of_action=fields[slug],
        lat=lat,
        lon=lon,
        created=created,
        **extra,
    )
    proposal.save()
    kind = (
        ProposalEvent.Kind.ENTERED_OFFLINE
        if proposal.offline_source_id
        else ProposalEvent.Kind.SUBMITTED
    )
    ProposalEvent.objects.create(
        proposal=proposal,
        actor=proposal.author or proposal.entered_by,
        at=created,
        kind=kind,
        to_status=ProposalStatus.RECEIVED,
    )
    return proposal


def _round_1_proposals(round_, fields, residents, staff, rng, now) -> list[Proposal]:
    start = now - 150 * DAY
    made = []
    for i, (slug, title, description, status, answer) in enumerate(content.ROUND_1_PROPOSALS):
        proposal = _proposal(
            round_,
            fields,
            slug,
            title,
            description,
            created=start + (i + 1) * DAY,
            rng=rng,
            author=residents[i % len(residents)],
        )
        answered_at = now - (70 - i % 5) * DAY
        proposal.status = status
        proposal.answer = answer
        proposal.answer_published = True
        proposal.answered_at = answered_at
        proposal.answered_by = staff["steering"]
        proposal.save()
        ProposalEvent.objects.bulk_create(
            [
                ProposalEvent(
                    proposal=proposal,
                    actor=staff["steering"],
                    at=now - 95 * DAY,
                    kind=ProposalEvent.Kind.STATUS,
                    from_status=ProposalStatus.RECEIVED,
                    to_status=ProposalStatus.IN_REVIEW,
                ),
                ProposalEvent(
                    proposal=proposal,
                    actor=staff["steering"],
                    at=answered_at,
                    kind=ProposalEvent.Kind.ANSWERED,
                    from_status=ProposalStatus.IN_REVIEW,
                    to_status=status,
                ),
            ]
        )
        made.append(proposal)
    return made


def _round_2_proposals(round_, fields, residents, staff, earlier, rng, now) -> list[Proposal]:
    start = now - 40 * DAY
    made = []
    by_title = {p.title: p for p in earlier}
    for i, title in enumerate(content.CARRIED):
        old = by_title[title]
        new = _carry(round_, old, staff, start + DAY + i * datetime.timedelta(hours=1))
        made.append(new)
    for i, (slug, title, description) in enumerate(content.ROUND_2_PROPOSALS):
        made.append(
            _proposal(
                round_,
                fields,
                slug,
                title,
                description,
                created=start + (i % 27 + 1) * DAY + i * datetime.timedelta(minutes=7),
                rng=rng,
                author=residents[(i * 7) % len(residents)],
            )
        )
    for name, kind, days_ago, participants, items in content.OFFLINE_SOURCES:
        source = OfflineSource.objects.create(
            round=round_,
            name=name,
            kind=kind,
            date=timezone.localdate(now - days_ago * DAY),
            participants=participants,
        )
        for slug, title, description in items:
            proposal = _proposal(
                round_,
                fields,
                slug,
                title,
                description,
                created=now - (days_ago - 1) * DAY,
                rng=rng,
                offline_source=source,
                entered_by=staff["editor"],
            )
            made.append(proposal)
        # Paper votes counted at the workshop, on what was discussed there and a few others.
        for proposal in [p for p in made if p.offline_source_id == source.pk] + rng.sample(
            made[:20], 3
        ):
            OfflineVoteTally.objects.create(
                proposal=proposal,
                source=source,
                support=rng.randint(3, participants),
                against=rng.randint(0, 3),
                entered_by=staff["editor"],
            )
    # A few proposals in review already; one withdrawn by its author.
    for proposal in made[5:9]:
        proposal.status = ProposalStatus.IN_REVIEW
        proposal.save(update_fields=["status"])
    withdrawn = made[-8]
    withdrawn.save(update_fields=withdrawn.mark_withdrawn(actor=withdrawn.author, at=now - 5 * DAY))
    return [p for p in made if p.status != ProposalStatus.WITHDRAWN]


def _carry(round_, old, staff, at) -> Proposal:
    """Carry a round-1 proposal into round 2 as G2's steering service would: a new proposal
    pointing to its earlier self, with history entries on both."""
    new = Proposal(
        round=round_,
        title=old.title,
        description=old.description,
        field_of_action=old.field_of_action,
        lat=old.lat,
        lon=old.lon,
        author=old.author,
        offline_source=old.offline_source,
        entered_by=staff["steering"],
        carried_from=old,
        created=at,
    )
    new.save()
    ProposalEvent.objects.bulk_create(
        [
            ProposalEvent(
                proposal=new,
                actor=staff["steering"],
                at=at,
                kind=ProposalEvent.Kind.CARRIED_FROM,
                to_status=ProposalStatus.RECEIVED,
                note=old.reference,
            ),
            ProposalEvent(
                proposal=old,
                actor=staff["steering"],
                at=at,
                kind=ProposalEvent.Kind.CARRIED_OVER,
                note=new.reference,
            ),
        ]
    )
    return new


# -- votes and comments ----------------------------------------------------------------------


def _votes(round_, proposals, residents, rng, *, limit, now) -> None:
    votes, voters = [], []
    weights = [1 + (i % 7 == 0) * 4 + (i % 3 == 0) * 2 for i in range(len(proposals))]
    for user in residents[1:]:  # the demo login votes herself
        count = rng.randint(1, limit)
        chosen = set()
        while len(chosen) < count:
            chosen.add(rng.choices(range(len(proposals)), weights=weights)[0])
        for index in chosen:
            value = 1
            if not round_.is_support_only and rng.random() < 0.15:
                value = -1
            votes.append(
                Vote(
                    proposal=proposals[index],
                    round=round_,
                    user=user,
                    value=value,
                    created=now - rng.randint(1, 10) * DAY,
                )
            )
        voters.append(RoundVoter(round=round_, user=user))
    Vote.objects.bulk_create(votes, ignore_conflicts=True)
    RoundVoter.objects.bulk_create(voters, ignore_conflicts=True)


def _comments(proposals, residents, rng) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site
    from django_comments_xtd.models import XtdComment

    content_type = ContentType.objects.get_for_model(Proposal)
    site = Site.objects.get_current()

    def comment(proposal, user, text, parent=None, when=None):
        obj = XtdComment(
            content_type=content_type,
            object_pk=str(proposal.pk),
            site=site,
            user=user,
            user_name=user.public_name,
            user_email=user.email,
            comment=text,
            submit_date=when or proposal.created + DAY,
            is_public=True,
            parent_id=parent.pk if parent else 0,
        )
        obj.save()
        return obj

    for i, proposal in enumerate(proposals):
        for j in range(1 + i % 3):
            author = residents[(i + j * 5 + 1) % len(residents)]
            first = comment(
                proposal,
                author,
                content.COMMENTS[(i + j) % len(content.COMMENTS)],
                when=proposal.created + (j + 1) * DAY,
            )
            if (i + j) % 2 == 0:
                replier = residents[(i + j * 3 + 4) % len(residents)]
                reply = comment(
                    proposal,
                    replier,
                    content.REPLIES[(i + j) % len(content.REPLIES)],
                    parent=first,
                    when=proposal.created + (j + 2) * DAY,
                )
                if i % 4 == 0:
                    comment(
                        proposal,
                        author,
                        "Danke für die Rückmeldung!",
                        parent=reply,
                        when=proposal.created + (j + 3) * DAY,
                    )
