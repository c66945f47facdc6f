"""Public views of the agenda: the agenda and round pages (context helpers), proposal detail,
writing, changing and withdrawing a proposal, voting, and the similar-proposals endpoint.

Views stay thin: they read input, check the permission (django-rules, which reads the round's
features map), call a service and render.
"""

from __future__ import annotations

import logging
import random

import rules
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from agenda import phases as ph
from agenda import services
from agenda.conf import similar_limit
from agenda.forms import ProposalFilterForm, ProposalForm
from agenda.models import (
    FieldOfAction,
    Proposal,
    ProposalEvent,
    ProposalStatus,
    RoundPage,
    Vote,
)
from civic import ratelimit
from civic.models import District

logger = logging.getLogger(__name__)
SAVE_FAILED = gettext_lazy(
    "Beim Speichern ist leider ein Fehler aufgetreten. Ihre Angaben und Ihr Bild sind noch da – "
    "bitte versuchen Sie es gleich noch einmal."
)

PER_PAGE = 20
SESSION_SEED = "agenda_order_seed"

# --------------------------------------------------------------------------------------------
# Helpers


def can(user, perm: str, obj=None) -> bool:
    """django-rules without Django's "superusers may do everything" short cut: the phase rules
    hold for administrators too."""
    return rules.has_perm(perm, user, obj)


def live_round(round_id: int) -> RoundPage:
    return get_object_or_404(
        RoundPage.objects.live().prefetch_related("phases", "fields_of_action"), pk=round_id
    )


def round_info(round_: RoundPage, request) -> dict:
    """What every round-related template needs: phase, deadline, what is open."""
    phase = round_.current_phase()
    features = round_.features()
    user = request.user
    return {
        "round": round_,
        "current_phase": phase,
        "next_phase": round_.next_phase(),
        "features": features,
        "can_propose": can(user, "agenda.add_proposal", round_),
        "show_counts": can(user, "agenda.view_counts", round_),
        "show_results": can(user, "agenda.view_results", round_),
        "results_public": ph.F_SHOW_RESULTS in features,
        "voting_open": ph.F_VOTE in features,
        "votes_left": services.votes_left(user, round_)
        if user.is_authenticated and ph.F_VOTE in features
        else None,
    }


def order_seed(request) -> int:
    """A random number kept in the visitor's session: the "random" order stays the same for
    one visitor (no jumping between pages) but differs between visitors (fair exposure)."""
    seed = request.session.get(SESSION_SEED)
    if not isinstance(seed, int):
        seed = random.SystemRandom().randrange(1, 2**31)
        request.session[SESSION_SEED] = seed
    return seed


# --------------------------------------------------------------------------------------------
# Page contexts (called from AgendaPage.get_context and RoundPage.get_context)


def agenda_page_context(page, request) -> dict:
    rounds = list(page.rounds())
    current = next((r for r in rounds if r.current_phase() is not None), None)
    if current is None:
        upcoming = [r for r in rounds if not r.has_started()]
        current = upcoming[-1] if upcoming else None
    finished = [r for r in rounds if ph.F_SHOW_RESULTS in r.features()]
    adopted_by_round: dict[int, list] = {}
    if finished:
        adopted = (
            Proposal.objects.filter(
                round__in=finished, status__in=ProposalStatus.adopted_statuses(), hidden=False
            )
            .select_related("field_of_action", "round")
            .order_by("round", "number")
        )
        for proposal in adopted:
            adopted_by_round.setdefault(proposal.round_id, []).append(proposal)
    earlier = [
        {
            "round": r,
            "adopted": adopted_by_round.get(r.pk, []),
            "results_url": r.results_url(request),
        }
        for r in finished
        if r is not current
    ]
    return {
        "current_round": current,
        "current_info": round_info(current, request) if current else None,
        "fields_of_action": FieldOfAction.objects.all(),
        "earlier_rounds": earlier,
        "all_rounds": rounds,
    }


def round_page_context(page: RoundPage, request) -> dict:
    info = round_info(page, request)
    fields = page.allowed_fields_of_action()
    districts = list(District.objects.only("name", "slug"))
    filter_form = ProposalFilterForm(
        request.GET or None,
        fields_of_action=fields,
        districts=districts,
        show_votes=info["show_counts"],
    )
    proposals = Proposal.objects.visible().filter(round=page)
    field_slug = filter_form.value("handlungsfeld")
    if field_slug:
        proposals = proposals.filter(field_of_action__slug=field_slug)
    district_slug = filter_form.value("stadtteil")
    if district_slug:
        proposals = proposals.filter(district__slug=district_slug)
    status = filter_form.value("status")
    if status:
        proposals = proposals.filter(status=status)

    order = filter_form.value("sortierung") or (
        ProposalFilterForm.ORDER_RANDOM if info["voting_open"] else ProposalFilterForm.ORDER_NEWEST
    )
    proposals = proposals.with_comment_counts()
    if info["show_counts"]:
        proposals = proposals.with_vote_counts()
    proposals = proposals.select_related("field_of_action", "district", "offline_source", "author")

    if order == ProposalFilterForm.ORDER_RANDOM:
        ids = list(proposals.order_by("pk").values_list("pk", flat=True))
        random.Random(order_seed(request) + page.pk).shuffle(ids)
        paginator = Paginator(ids, PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("seite"))
        by_id = {p.pk: p for p in proposals.filter(pk__in=list(page_obj.object_list))}
        items = [by_id[pk] for pk in page_obj.object_list if pk in by_id]
    else:
        if order == ProposalFilterForm.ORDER_VOTES and info["show_counts"]:
            proposals = proposals.order_by("-score", "-support_total", "-created", "-pk")
        elif order == ProposalFilterForm.ORDER_COMMENTS:
            proposals = proposals.order_by("-comment_count", "-created", "-pk")
        else:
            proposals = proposals.order_by("-created", "-pk")
        paginator = Paginator(proposals, PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("seite"))
        items = list(page_obj.object_list)
    for proposal in items:
        proposal.round = page  # one round instance: its phases are read once
    my_votes = {}
    if request.user.is_authenticated and items:
        my_votes = dict(
            Vote.objects.filter(user=request.user, proposal__in=[p.pk for p in items]).values_list(
                "proposal_id", "value"
            )
        )
    for proposal in items:
        proposal.my_vote = my_votes.get(proposal.pk)

    params = {k: v for k, v in request.GET.items() if k != "seite" and v}
    return {
        **info,
        "timeline": page.timeline(),
        "round_fields_of_action": fields,
        "filter_form": filter_form,
        "order": order,
        "page_obj": page_obj,
        "proposals": items,
        "proposal_count": paginator.count,
        "query_string": urlencode(params),
        "filtered": bool(field_slug or district_slug or status),
    }


# --------------------------------------------------------------------------------------------
# Proposal detail


def proposal_queryset():
    return Proposal.objects.select_related(
        "round",
        "field_of_action",
        "district",
        "author",
        "offline_source",
        "image",
        "merged_into__round",
        "carried_from__round",
    ).prefetch_related(
        "round__phases",
        Prefetch(
            "events",
            queryset=ProposalEvent.objects.filter(public=True).order_by("at", "pk"),
            to_attr="public_events",
        ),
    )


def proposal_detail(request, pk: int):
    proposal = get_object_or_404(proposal_queryset(), pk=pk)
    user = request.user
    if not can(user, "agenda.view_proposal", proposal):
        raise Http404
    round_ = proposal.round
    info = round_info(round_, request)
    counts = None
    if info["show_counts"]:
        counts = Proposal.objects.with_vote_counts().get(pk=proposal.pk)
    my_vote = None
    if user.is_authenticated:
        my_vote = Vote.objects.filter(proposal=proposal, user=user).first()
    carried_to = None
    if proposal.status not in ProposalStatus.closed_statuses():
        carried_to = proposal.carried_to.select_related("round").filter(round__live=True).first()
    context = {
        **info,
        "page": round_,
        "proposal": proposal,
        "counts": counts,
        "my_vote": my_vote,
        "can_vote": can(user, "agenda.vote_proposal", proposal),
        "can_edit": can(user, "agenda.change_proposal", proposal),
        "can_withdraw": can(user, "agenda.withdraw_proposal", proposal),
        "events": proposal.public_events,
        "carried_to": carried_to,
        "round_url": round_.get_url(request),
    }
    return render(request, "agenda/proposal_detail.html", context)


# --------------------------------------------------------------------------------------------
# Writing, changing, withdrawing


def _not_allowed(request, round_, message, status=403):
    return render(
        request,
        "agenda/not_allowed.html",
        {"round": round_, "page": round_, "message": message},
        status=status,
    )


def _proposal_form(request, round_, *, initial=None, has_image=False):
    """The form with an upload kept from an earlier failed submission (civic.uploads)."""
    from civic.uploads import kept_upload

    kept = kept_upload(request, "image") if request.method == "POST" else None
    form = ProposalForm(
        request.POST or None,
        request.FILES or None,
        round_page=round_,
        initial=initial,
        has_image=has_image,
        kept_upload=kept,
    )
    return form, kept


def _keep_upload(request, form, kept):
    """After a failed submission: stash a fresh valid upload so the resident need not pick it
    again; the form then carries its token."""
    from civic.uploads import stash

    image = form.cleaned_data.get("image") if hasattr(form, "cleaned_data") else None
    if image and "image" not in form.errors:
        if kept is not None:
            kept.delete()
        return stash(request, image, kind="image")
    return kept


def _chosen_image(form, kept):
    from civic.uploads import cleaned_from_pending

    image = form.cleaned_data.get("image")
    if image:
        return image
    if kept is not None:
        return cleaned_from_pending(kept)
    return None


def propose(request, round_id: int):
    round_ = live_round(round_id)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, "agenda.add_proposal", round_):
        if ph.F_PROPOSE not in round_.features():
            message = _("In dieser Phase der Runde können keine Vorschläge eingereicht werden.")
        else:
            message = _(
                "Vorschläge einreichen können Bürgerinnen und Bürger mit bestätigter "
                "E-Mail-Adresse."
            )
        return _not_allowed(request, round_, message)

    form, kept = _proposal_form(request, round_)
    similar = []
    preview = request.method == "POST" and "preview" in request.POST
    blocked = ratelimit.hit(request, "proposal") if request.method == "POST" else None
    if blocked is not None:
        # Over the limit: the form comes back as typed with the message; nothing is saved or
        # stashed (an upload picked in this attempt must be picked again).
        form.add_error(None, blocked.message)
        preview = False
    elif request.method == "POST":
        valid = form.is_valid()
        if valid and not preview:
            image = _chosen_image(form, kept)
            data = form.cleaned_data
            try:
                proposal = services.submit_proposal(
                    round_,
                    request.user,
                    title=data["title"],
                    description=data["description"],
                    field_of_action=data["field_of_action"],
                    lat=data.get("lat"),
                    lon=data.get("lon"),
                    image_upload=image,
                    image_alt=data["image_alt"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except (DatabaseError, OSError):
                # Nothing was saved (one transaction, files cleaned up); keep text and image.
                logger.exception("Saving a proposal failed")
                form.add_error(None, SAVE_FAILED)
            else:
                if kept is not None:
                    kept.delete()
                messages.success(
                    request,
                    _("Vielen Dank! Ihr Vorschlag %(reference)s ist eingegangen.")
                    % {"reference": proposal.reference},
                )
                return redirect(proposal.get_absolute_url())
        kept = _keep_upload(request, form, kept)
        similar = services.similar_proposals(
            round_, request.POST.get("title", ""), request.POST.get("description", "")
        )
    return render(
        request,
        "agenda/proposal_form.html",
        {
            "round": round_,
            "page": round_,
            "form": form,
            "kept": kept,
            "similar": similar,
            "preview": preview and form.is_valid(),
            "editing": None,
            "similar_url": reverse("agenda:similar", args=[round_.pk]),
        },
        status=429 if blocked is not None else 200,
    )


def edit(request, pk: int):
    proposal = get_object_or_404(proposal_queryset(), pk=pk)
    round_ = proposal.round
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, "agenda.change_proposal", proposal):
        return _not_allowed(
            request,
            round_,
            _(
                "Diesen Vorschlag können Sie nicht mehr bearbeiten: Das geht nur während der "
                "Ideensammlung und nur für eigene Vorschläge."
            ),
        )
    initial = {
        "title": proposal.title,
        "description": proposal.description,
        "field_of_action": proposal.field_of_action_id,
        "lat": proposal.lat,
        "lon": proposal.lon,
    }
    form, kept = _proposal_form(
        request, round_, initial=initial, has_image=proposal.image_id is not None
    )
    blocked = ratelimit.hit(request, "proposal") if request.method == "POST" else None
    if blocked is not None:
        form.add_error(None, blocked.message)  # as in propose(): nothing saved or stashed
    elif request.method == "POST":
        if form.is_valid() and "preview" not in request.POST:
            data = form.cleaned_data
            changes = {
                "title": data["title"],
                "description": data["description"],
                "field_of_action": data["field_of_action"],
                "lat": data.get("lat"),
                "lon": data.get("lon"),
            }
            image = _chosen_image(form, kept)
            if not image and data.get("remove_image"):
                changes["image"] = None
            try:
                services.edit_proposal(
                    proposal,
                    request.user,
                    image_upload=image,
                    image_alt=data["image_alt"],
                    **changes,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except (DatabaseError, OSError):
                logger.exception("Saving a proposal failed")
                form.add_error(None, SAVE_FAILED)
            else:
                if kept is not None:
                    kept.delete()
                messages.success(request, _("Ihre Änderungen wurden gespeichert."))
                return redirect(proposal.get_absolute_url())
        kept = _keep_upload(request, form, kept)
    return render(
        request,
        "agenda/proposal_form.html",
        {
            "round": round_,
            "page": round_,
            "form": form,
            "kept": kept,
            "similar": [],
            "editing": proposal,
            "similar_url": reverse("agenda:similar", args=[round_.pk]),
        },
        status=429 if blocked is not None else 200,
    )


@ratelimit.limit("proposal")
def withdraw(request, pk: int):
    proposal = get_object_or_404(proposal_queryset(), pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, "agenda.withdraw_proposal", proposal):
        return _not_allowed(
            request,
            proposal.round,
            _(
                "Diesen Vorschlag können Sie nicht zurückziehen: Das geht nur bis zur "
                "Auswertung und nur für eigene Vorschläge."
            ),
        )
    if request.method == "POST":
        services.withdraw_proposal(proposal, request.user)
        messages.success(request, _("Ihr Vorschlag wurde zurückgezogen."))
        return redirect(proposal.get_absolute_url())
    return render(
        request,
        "agenda/proposal_withdraw.html",
        {"proposal": proposal, "round": proposal.round, "page": proposal.round},
    )


# --------------------------------------------------------------------------------------------
# Votes


def _back(request, proposal):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(proposal.get_absolute_url() + "#abstimmen")


@require_POST
@ratelimit.limit("vote")
def vote(request, pk: int):
    proposal = get_object_or_404(Proposal.objects.select_related("round"), pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(proposal.get_absolute_url())
    if not can(request.user, "agenda.view_proposal", proposal):
        raise Http404
    action = request.POST.get("action", "cast")
    try:
        if action == "retract":
            removed = services.retract_vote(request.user, proposal)
            if removed:
                messages.success(request, _("Ihre Stimme wurde zurückgenommen."))
            else:
                messages.info(request, _("Sie hatten für diesen Vorschlag nicht abgestimmt."))
        else:
            try:
                value = int(request.POST.get("value", "1"))
            except ValueError:
                value = 0
            services.cast_vote(request.user, proposal, value)
            if value == -1:
                messages.success(request, _("Ihre Stimme gegen den Vorschlag wurde gezählt."))
            else:
                messages.success(request, _("Ihre Stimme für den Vorschlag wurde gezählt."))
    except services.VoteError as exc:
        messages.error(request, exc.messages[0])
        return _back(request, proposal)
    left = services.votes_left(request.user, proposal.round)
    if left is not None:
        messages.info(
            request,
            _("Sie haben in dieser Runde noch %(left)s von %(total)s Stimmen.")
            % {"left": left, "total": proposal.round.max_votes_per_person},
        )
    return _back(request, proposal)


# --------------------------------------------------------------------------------------------
# Similar proposals (JSON for the form's hint)


@require_GET
def similar(request, round_id: int):
    round_ = get_object_or_404(RoundPage.objects.live(), pk=round_id)
    title = (request.GET.get("title") or "")[:200]
    description = (request.GET.get("description") or "")[:2000]
    try:
        exclude = int(request.GET.get("ausser") or 0) or None
    except ValueError:
        exclude = None
    found = services.similar_proposals(
        round_, title, description, limit=similar_limit(), exclude_pk=exclude
    )
    results = [
        {
            "id": p.pk,
            "reference": p.reference,
            "title": p.title,
            "field_of_action": p.field_of_action.name,
            "status": p.get_status_display(),
            "url": p.get_absolute_url(),
            "support_url": p.get_absolute_url() + "#abstimmen",
        }
        for p in found
    ]
    response = JsonResponse({"count": len(results), "results": results})
    response["Cache-Control"] = "no-store"
    return response
