"""The public results page of a round (``<round>/ergebnisse/``, routed by RoundPage)."""

import rules
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from agenda import phases as ph
from agenda.forms import ProposalFilterForm
from agenda.results import ranked_answers, round_results
from agenda.steering import publish_due_answers

#: How many proposals the ranking and the answers list show on the results page.
LIST_LIMIT = 100


def results(request, page):
    """Headline figures, ranking, official answers, what was adopted and what happened since.

    Public once the round's features map shows results; the steering group and the editors
    (``agenda.view_results``) may preview it before. Everybody else gets a friendly "not yet
    published" page with status 404.
    """
    is_public = page.allows(ph.F_SHOW_RESULTS)
    user = request.user
    if not is_public and not rules.has_perm("agenda.view_results", user, page):
        return TemplateResponse(
            request,
            "agenda/results_unpublished.html",
            {"page": page, "self": page, "next_phase": page.next_phase()},
            status=404,
        )
    if is_public:
        # The result phase has begun: answers that waited for it become public now (the
        # management command ``publish_due_answers`` does the same on a schedule).
        publish_due_answers(page)
    # Only the top of the ranking is built (a large round has tens of thousands of proposals;
    # the figures still cover the whole round); the answers come in ranking order on their own.
    results_data = round_results(page, ranking_limit=LIST_LIMIT)
    answers, answers_total = ranked_answers(page, published_only=is_public, limit=LIST_LIMIT)
    context = {
        "status_chart": status_chart(page, results_data),
        "page": page,
        "self": page,
        "results": results_data,
        "is_preview": not is_public,
        # A large round (tens of thousands of proposals) lists the top of the ranking and of the
        # answers here; the proposal list sorted by votes and each proposal's page have the rest.
        "ranking": results_data.ranking,
        # The ranking holds exactly the proposals in the running.
        "ranking_more": max(results_data.in_running - len(results_data.ranking), 0),
        "answers": answers,
        "answers_more": max(answers_total - len(answers), 0),
        "list_url": page.url + "?sortierung=" + ProposalFilterForm.ORDER_VOTES,
    }
    return TemplateResponse(request, "agenda/results.html", context)


def status_chart(page, results_data):
    """What became of the proposals: one bar per status (server-rendered SVG with its table)."""
    from civic.charts import bar_chart

    return bar_chart(
        [(row.label, row.count) for row in results_data.by_status],
        title=_("Vorschläge nach Status"),
        description=_("Wie viele Vorschläge dieser Runde welchen Stand haben."),
        value_label=_("Vorschläge"),
        label_header=_("Status"),
        uid=f"round-{page.pk}-status",
    )
