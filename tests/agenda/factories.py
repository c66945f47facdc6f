"""Factories for the agenda (factory_boy, wagtail-factories for pages)."""

import datetime

import factory
import wagtail_factories
from django.utils import timezone

from agenda import phases as ph
from agenda.models import (
    AgendaPage,
    FieldOfAction,
    OfflineSource,
    OfflineVoteTally,
    Proposal,
    RoundPage,
    RoundPhase,
    Vote,
)
from civic.models import HomePage
from tests.civic.factories import UserFactory

#: The standard schedule of a round: one phase per kind, in this order.
STANDARD_SCHEDULE = [
    [ph.PROPOSE],
    [ph.COMMENT],
    [ph.VOTE],
    [ph.EVALUATE],
    [ph.RESULT],
]


def schedule(current=ph.VOTE, *, kinds_list=None, now=None, days=7):
    """Phases (unsaved RoundPhase objects) of ``days`` days each, arranged so that the phase
    whose kinds include ``current`` is active now. ``current=None``: the round has not begun;
    ``current="ended"``: all phases are over."""
    now = now or timezone.now()
    kinds_list = kinds_list or STANDARD_SCHEDULE
    length = datetime.timedelta(days=days)
    if current is None:
        index = -1  # first phase starts tomorrow
        first_start = now + datetime.timedelta(days=1)
    elif current == "ended":
        first_start = now - length * len(kinds_list) - datetime.timedelta(days=1)
    else:
        index = next(i for i, kinds in enumerate(kinds_list) if current in kinds)
        first_start = now - length * index - datetime.timedelta(days=1)
    return [
        RoundPhase(
            kinds=list(kinds), start=first_start + length * i, end=first_start + length * (i + 1)
        )
        for i, kinds in enumerate(kinds_list)
    ]


def home():
    """The home page; rebuilt (with root page and locale) after a transactional test flushed it."""
    existing = HomePage.objects.filter(depth=2).first()
    if existing is not None:
        return existing
    from wagtail.models import Locale, Page, Site

    locale, _ = Locale.objects.get_or_create(language_code="de")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    page = root.add_child(instance=HomePage(title="Startseite", slug="home", locale=locale))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": page}
    )
    return page


class FieldOfActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldOfAction
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Handlungsfeld {n}")
    slug = factory.Sequence(lambda n: f"handlungsfeld-{n}")
    description = "Worum es in diesem Handlungsfeld geht."
    sort_order = factory.Sequence(lambda n: n)


class AgendaPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = AgendaPage

    title = "Digitale Agenda"
    slug = factory.Sequence(lambda n: f"digitale-agenda-{n}")
    intro = "Die Agile Digitale Agenda."
    parent = factory.LazyFunction(home)


class RoundPageFactory(wagtail_factories.PageFactory):
    """A live round under a (new) agenda page; ``current`` names the active phase kind
    (``None``: not started, ``"ended"``: over) unless ``phases`` is given."""

    class Meta:
        model = RoundPage

    class Params:
        current = ph.VOTE

    title = factory.Sequence(lambda n: f"Runde {n}")
    slug = factory.Sequence(lambda n: f"runde-{n}")
    number = factory.Sequence(lambda n: n + 1)
    reference_prefix = factory.Sequence(lambda n: f"T{n}")
    intro = "Eine Beteiligungsrunde."
    parent = factory.SubFactory(AgendaPageFactory)
    phases = factory.LazyAttribute(lambda o: schedule(o.current))


class OfflineSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfflineSource

    round = factory.SubFactory(RoundPageFactory)
    name = factory.Sequence(lambda n: f"Workshop {n}, 12.03.")
    date = datetime.date(2026, 3, 12)
    kind = OfflineSource.Kind.WORKSHOP
    participants = 12


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    round = factory.SubFactory(RoundPageFactory)
    title = factory.Sequence(lambda n: f"Vorschlag {n}")
    description = "Eine Beschreibung des Vorschlags.\n\nMit einem zweiten Absatz."
    field_of_action = factory.SubFactory(FieldOfActionFactory)
    author = factory.SubFactory(UserFactory)


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vote

    proposal = factory.SubFactory(ProposalFactory)
    round = factory.LazyAttribute(lambda o: o.proposal.round)
    user = factory.SubFactory(UserFactory)
    value = 1


class OfflineVoteTallyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfflineVoteTally

    proposal = factory.SubFactory(ProposalFactory)
    source = factory.LazyAttribute(lambda o: OfflineSourceFactory(round=o.proposal.round))
    support = 5
    against = 1


def make_comment(target, user, text="Guter Vorschlag!", *, parent=None, is_public=True):
    """A public comment (django-comments-xtd) on ``target`` by ``user``, optionally a reply."""
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site
    from django_comments_xtd.models import XtdComment

    comment = XtdComment(
        content_type=ContentType.objects.get_for_model(target),
        object_pk=str(target.pk),
        site=Site.objects.get_current(),
        user=user,
        user_name=user.public_name,
        user_email=user.email,
        comment=text,
        submit_date=timezone.now(),
        is_public=is_public,
        parent_id=parent.pk if parent else 0,
    )
    comment.save()
    return comment
