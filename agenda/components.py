"""laces Components the agenda contributes to the site: the home page's current round and the
"Mein Bereich" panel."""

from laces.components import Component

from agenda import phases as ph
from agenda.models import Proposal, RoundPage, Vote


class CurrentRoundTeaser(Component):
    """Home page: which round runs, in which phase, until when, and where to go."""

    template_name = "agenda/components/current_round.html"

    def __init__(self, round_page: RoundPage, request):
        self.round = round_page
        self.request = request

    def get_context_data(self, parent_context=None):
        phase = self.round.current_phase()
        return {
            "round": self.round,
            "phase": phase,
            "next_phase": None if phase else self.round.next_phase(),
            "url": self.round.get_url(self.request),
            "voting_open": ph.F_VOTE in self.round.features(),
            "propose_open": ph.F_PROPOSE in self.round.features(),
        }


class MyAgendaPanel(Component):
    """Mein Bereich: my proposals with status and answer, my votes left per open round."""

    template_name = "agenda/components/my_area_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        from agenda.services import votes_left

        user = self.request.user
        proposals = list(
            Proposal.objects.filter(author=user)
            .select_related("round", "field_of_action")
            .order_by("-created")[:50]
        )
        rounds = [
            r
            for r in RoundPage.objects.live().prefetch_related("phases").order_by("-number")
            if ph.F_VOTE in r.features()
        ]
        voted = {}
        if rounds:
            for round_id, proposal_id in Vote.objects.filter(
                user=user, round__in=rounds
            ).values_list("round_id", "proposal_id"):
                voted.setdefault(round_id, []).append(proposal_id)
        budgets = [
            {
                "round": r,
                "url": r.get_url(self.request),
                "left": votes_left(user, r),
                "cast": len(voted.get(r.pk, [])),
            }
            for r in rounds
        ]
        return {"proposals": proposals, "budgets": budgets, "request": self.request}
