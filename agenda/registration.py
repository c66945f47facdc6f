"""Registrations of the agenda app: home page child, site hooks ("Mein Bereich", home page,
search), comments on proposals, and the demo seed step."""

from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail import hooks

from agenda.models import Proposal
from civic.comments import register_commentable
from civic.registry import SearchHit, register_home_child, register_seed_step

register_home_child("agenda.AgendaPage")

# Comments on proposals appear at once; editors remove them afterwards (with a reason shown).
register_commentable(Proposal, premoderated=False)


@hooks.register("civic_my_area_panels")
def my_area_panel(request):
    from agenda.components import MyAgendaPanel

    if not request.user.is_authenticated:
        return []
    return [MyAgendaPanel(request)]


@hooks.register("civic_home_featured")
def home_current_round(request, page):
    from agenda.components import CurrentRoundTeaser
    from agenda.models import RoundPage

    rounds = list(RoundPage.objects.live().public().prefetch_related("phases").order_by("-number"))
    current = next((r for r in rounds if r.current_phase() is not None), None)
    if current is None:
        current = next((r for r in rounds if not r.has_started() and r.phase_list()), None)
    return [CurrentRoundTeaser(current, request)] if current is not None else []


@hooks.register("civic_search_results")
def search_proposals(request, query):
    from agenda.models import Proposal

    query = (query or "").strip()
    if len(query) < 2:
        return []
    found = (
        Proposal.objects.reachable()
        .filter(Q(title__icontains=query) | Q(description__icontains=query))
        .select_related("round", "field_of_action")
        .order_by("-created")[:30]
    )
    return [
        SearchHit(
            title=f"{p.reference} {p.title}",
            url=p.get_absolute_url(),
            summary=(p.description[:200] + "…") if len(p.description) > 200 else p.description,
            kind=_("Vorschlag der Digitalen Agenda"),
        )
        for p in found
    ]


def _seed(context):
    from agenda.demo import seed

    seed(context)


register_seed_step(200, "Digitale Agenda", _seed)
