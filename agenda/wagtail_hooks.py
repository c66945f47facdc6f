"""Wagtail admin of the agenda: the menu group "Digitale Agenda".

* **Vorschläge** – all proposals with filters (round, field of action, status, district,
  answered, online/offline), CSV/XLSX export without private data, a page per proposal to
  answer it (status, official answer, publish now or with the results), merging duplicates
  (choose the target, confirm) and carrying proposals into the next round (bulk action on the
  filtered list).
* **Runden** – each round's figures, the results preview and "Antworten jetzt veröffentlichen".
* **Offline-Quellen** – workshops, interviews, paper ballots; proposals from a source and the
  tally sheet for paper votes.
* **Handlungsfelder** – the fields of action, in their order.

Who gets in: the steering group and the editors (``civic.view_participation_results``);
what they may do is decided per object by the agenda's rules (``agenda.answer_proposal``,
``agenda.merge_proposals``, ``agenda.carry_over``, ``agenda.enter_offline``); editors
moderate (``civic.moderate_contributions``). Residents have no admin access at all.
"""

from __future__ import annotations

import logging

import django_filters
import rules
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import CharField, Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.widgets import Button
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView as SnippetEditView
from wagtail.snippets.views.snippets import HistoryView as SnippetHistoryView
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet

from agenda import steering
from agenda.dashboard import proposals_list_url
from agenda.forms_steering import (
    PUBLISH_NOW,
    AnswerForm,
    CarryOverForm,
    MergeForm,
    OfflineProposalForm,
)
from agenda.models import (
    FieldOfAction,
    OfflineSource,
    OfflineVoteTally,
    Proposal,
    ProposalEvent,
    ProposalStatus,
    RoundPage,
    Vote,
)
from agenda.results import annotate_tallies, int_subquery
from civic import audit
from civic.models import District

logger = logging.getLogger(__name__)

VIEW_PERMISSION = "civic.view_participation_results"
MODERATE_PERMISSION = "civic.moderate_contributions"


def can(user, perm: str, obj=None) -> bool:
    """django-rules without Django's "superusers may do everything" short cut: the phase rules
    of the agenda hold for administrators too (as on the public pages)."""
    return rules.has_perm(perm, user, obj)


def _require(user, perm, obj=None):
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _with_shared_rounds(proposals):
    """Give proposals of the same round one shared round instance with its phases loaded, so
    rule checks per proposal (which read the round's features) cost no query each."""
    proposals = list(proposals)
    round_ids = {p.round_id for p in proposals}
    rounds = {
        r.pk: r for r in RoundPage.objects.filter(pk__in=round_ids).prefetch_related("phases")
    }
    for proposal in proposals:
        proposal.round = rounds[proposal.round_id]
    return proposals


# --------------------------------------------------------------------------------------------
# Audit log actions


# The steering group's verbs log in agenda/steering.py; the editors' moderation below
# (ProposalEditView). Labels, and who sees the entries in the "Protokoll" (civic/audit.py):
# the steering group and the editors.
LOG_MODERATE_EDIT = "agenda.proposal.edit"
LOG_HIDE = "agenda.proposal.hide"
LOG_SHOW = "agenda.proposal.show"

for _action, _label, _message in (
    (steering.LOG_ANSWER, gettext_lazy("Beantworten"), gettext_lazy("Status und Antwort gesetzt")),
    (
        steering.LOG_ANSWER_PUBLISH,
        gettext_lazy("Antwort veröffentlichen"),
        gettext_lazy("Antwort veröffentlicht"),
    ),
    (steering.LOG_MERGE, gettext_lazy("Zusammenführen"), gettext_lazy("Zusammengeführt")),
    (
        steering.LOG_MERGE_TARGET,
        gettext_lazy("Zusammenführen (Ziel)"),
        gettext_lazy("Andere Vorschläge hier zusammengeführt"),
    ),
    (
        steering.LOG_CARRY_OVER,
        gettext_lazy("In nächste Runde übernehmen"),
        gettext_lazy("In nächste Runde übernommen"),
    ),
    (
        steering.LOG_CARRIED_FROM,
        gettext_lazy("Aus voriger Runde übernommen"),
        gettext_lazy("Aus voriger Runde übernommen"),
    ),
    (
        steering.LOG_OFFLINE_ENTRY,
        gettext_lazy("Offline-Vorschlag erfasst"),
        gettext_lazy("Offline-Vorschlag erfasst"),
    ),
    (
        steering.LOG_PAPER_VOTES,
        gettext_lazy("Papierstimmen erfasst"),
        gettext_lazy("Papierstimmen erfasst"),
    ),
    (
        LOG_MODERATE_EDIT,
        gettext_lazy("Vorschlag bearbeitet (Moderation)"),
        gettext_lazy("Von der Redaktion bearbeitet"),
    ),
    (LOG_HIDE, gettext_lazy("Vorschlag ausgeblendet"), gettext_lazy("Ausgeblendet")),
    (LOG_SHOW, gettext_lazy("Vorschlag wieder eingeblendet"), gettext_lazy("Wieder eingeblendet")),
):
    audit.register_action(_action, _label, _message, permission=VIEW_PERMISSION)


# --------------------------------------------------------------------------------------------
# Proposals: filters


ANSWER_PUBLISHED = "published"
ANSWER_WAITING = "waiting"
ANSWER_NONE = "none"


class ProposalFilterSet(WagtailFilterSet):
    round = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Runde"), queryset=RoundPage.objects.order_by("-number", "-pk")
    )
    field_of_action = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Handlungsfeld"), queryset=FieldOfAction.objects.all()
    )
    status = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("Status"),
        choices=ProposalStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    district = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Stadtteil"), queryset=District.objects.order_by("name")
    )
    answer = django_filters.ChoiceFilter(
        label=gettext_lazy("Antwort"),
        choices=[
            (ANSWER_NONE, gettext_lazy("unbeantwortet")),
            (ANSWER_WAITING, gettext_lazy("beantwortet, wartet auf Veröffentlichung")),
            (ANSWER_PUBLISHED, gettext_lazy("Antwort veröffentlicht")),
        ],
        method="filter_answer",
        empty_label=gettext_lazy("alle"),
    )
    origin = django_filters.ChoiceFilter(
        label=gettext_lazy("Herkunft"),
        choices=[
            ("online", gettext_lazy("online eingereicht")),
            ("offline", gettext_lazy("aus einer Offline-Quelle")),
        ],
        method="filter_origin",
        empty_label=gettext_lazy("alle"),
    )
    hidden = django_filters.BooleanFilter(label=gettext_lazy("Ausgeblendet"))

    class Meta:
        model = Proposal
        fields = ["round", "field_of_action", "status", "district", "hidden"]

    def filter_answer(self, queryset, name, value):
        if value == ANSWER_NONE:
            return queryset.filter(answer="")
        if value == ANSWER_WAITING:
            return queryset.exclude(answer="").filter(answer_published=False)
        if value == ANSWER_PUBLISHED:
            return queryset.exclude(answer="").filter(answer_published=True)
        return queryset

    def filter_origin(self, queryset, name, value):
        if value == "offline":
            return queryset.filter(offline_source__isnull=False)
        if value == "online":
            return queryset.filter(offline_source__isnull=True)
        return queryset


def proposal_admin_queryset():
    """Proposals with what the admin list and the export show, in a constant number of queries."""
    return annotate_tallies(
        Proposal.objects.select_related(
            "round", "field_of_action", "district", "author", "offline_source"
        )
    ).annotate(
        round_title=F("round__title"),
        field_name=F("field_of_action__name"),
        district_name=Coalesce(F("district__name"), Value(""), output_field=CharField()),
        source_name=Coalesce(F("offline_source__name"), Value(""), output_field=CharField()),
    )


def filtered_proposals(request):
    """The proposals of the admin list as filtered and searched in ``request.GET``."""
    queryset = ProposalFilterSet(request.GET, queryset=Proposal.objects.all(), request=request).qs
    query = (request.GET.get("q") or "").strip()
    if query:
        queryset = queryset.filter(Q(title__icontains=query) | Q(description__icontains=query))
    return queryset


# --------------------------------------------------------------------------------------------
# Proposals: listing


def _answer_state(proposal) -> str:
    if not proposal.answer:
        return _("unbeantwortet")
    if proposal.answer_published:
        return _("veröffentlicht")
    return _("wartet")


class ProposalIndexView(SnippetIndexView):
    def get_edit_url(self, instance):
        # The title leads to the proposal's steering page (answer, merge, history).
        return reverse("wagtailsnippets_agenda_proposal:manage", args=(quote(instance.pk),))

    def get_list_more_buttons(self, instance):
        user = self.request.user
        buttons = [
            Button(
                _("Ansehen und beantworten"),
                url=self.get_edit_url(instance),
                icon_name="edit",
                priority=10,
            )
        ]
        if instance.status not in steering.CLOSED_STATUSES:
            buttons.append(
                Button(
                    _("Zusammenführen …"),
                    url=reverse(
                        "wagtailsnippets_agenda_proposal:merge", args=(quote(instance.pk),)
                    ),
                    icon_name="resubmit",
                    priority=20,
                )
            )
        if self.edit_url_name and self.permission_policy.user_has_permission(user, "change"):
            buttons.append(
                Button(
                    _("Moderieren"),
                    url=reverse(self.edit_url_name, args=(quote(instance.pk),)),
                    icon_name="cogs",
                    priority=30,
                )
            )
        buttons.append(
            Button(
                _("Verlauf"),
                url=reverse("wagtailsnippets_agenda_proposal:history", args=(quote(instance.pk),)),
                icon_name="history",
                priority=40,
            )
        )
        if delete_url := self.get_delete_url(instance):
            buttons.append(Button(_("Löschen"), url=delete_url, icon_name="bin", priority=50))
        return buttons


class ProposalEditView(SnippetEditView):
    """Moderation by the editors; hiding and showing again go into the proposal's history."""

    def save_instance(self):
        hidden_before = Proposal.objects.filter(pk=self.object.pk).values_list("hidden", flat=True)[
            0
        ]
        instance = self.form.instance
        self.action_class(
            instance, user=self.request.user, form=self.form, log_action=False
        ).execute(skip_permission_checks=True)
        # One audit entry: hidden / shown again (with the reason), else edited (field names).
        if instance.hidden != hidden_before:
            action = LOG_HIDE if instance.hidden else LOG_SHOW
            data = {"reason": instance.hidden_reason if instance.hidden else ""}
        else:
            action, data = LOG_MODERATE_EDIT, {"fields": sorted(self.form.changed_data)}
        audit.record(instance, action, user=self.request.user, data=data)
        if instance.hidden != hidden_before:
            ProposalEvent.objects.create(
                proposal=instance,
                actor=self.request.user,
                kind=ProposalEvent.Kind.HIDDEN if instance.hidden else ProposalEvent.Kind.SHOWN,
                from_status=instance.status,
                to_status=instance.status,
                note=instance.hidden_reason if instance.hidden else "",
                public=False,
            )
        return instance


class ProposalHistoryView(SnippetHistoryView):
    """The proposal's audit history ("Verlauf"): for everyone who may see the proposal in the
    admin, the steering group included (Wagtail asks for add/change/delete by default)."""

    any_permission_required = ["view", "add", "change", "delete"]


class ProposalPermissionPolicy(BasePermissionPolicy):
    """Wagtail actions on proposals, mapped to the civic and agenda rules.

    view: editors and the steering group; change (moderation: text, hiding): editors;
    add: nobody through the generic form (offline proposals have their own form);
    delete: administrators only.
    """

    perms = {
        "view": VIEW_PERMISSION,
        "change": MODERATE_PERMISSION,
        "delete": None,
        "add": False,
    }

    def _allowed(self, user, action) -> bool:
        if user is None or not getattr(user, "is_active", False):
            return False
        perm = self.perms.get(action, False)
        if perm is False:
            return False
        if perm is None:
            return bool(user.is_superuser)
        return user.has_perm(perm)

    def user_has_permission(self, user, action):
        return self._allowed(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self._allowed(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self._allowed(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return self.model._default_manager.all()
        return self.model._default_manager.none()

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        from civic.roles import EDITORS, STEERING

        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__name__in=[EDITORS, STEERING]))
            .distinct()
        )

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])

    def users_with_any_permission_for_instance(self, actions, instance):
        return self.users_with_any_permission(actions)

    def users_with_permission_for_instance(self, action, instance):
        return self.users_with_any_permission([action])


class FieldOfActionPermissionPolicy(ProposalPermissionPolicy):
    perms = {
        "view": VIEW_PERMISSION,
        "change": MODERATE_PERMISSION,
        "add": MODERATE_PERMISSION,
        "delete": MODERATE_PERMISSION,
    }


class OfflineSourcePermissionPolicy(ProposalPermissionPolicy):
    perms = {
        "view": VIEW_PERMISSION,
        "change": VIEW_PERMISSION,
        "add": VIEW_PERMISSION,
        "delete": MODERATE_PERMISSION,
    }


def _state_column():
    return Column("answer_state", label=gettext_lazy("Antwort"), accessor=_answer_state)


class ProposalViewSet(SnippetViewSet):
    model = Proposal
    icon = "list-ul"
    menu_label = gettext_lazy("Vorschläge")
    menu_name = "agenda-proposals"
    menu_order = 100
    index_view_class = ProposalIndexView
    edit_view_class = ProposalEditView
    history_view_class = ProposalHistoryView
    filterset_class = ProposalFilterSet
    list_per_page = 50
    ordering = ["-created", "-pk"]
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["title", "description"]
    search_backend_name = None
    list_display = [
        "__str__",
        Column("round_title", label=gettext_lazy("Runde"), sort_key="round_title"),
        Column("field_name", label=gettext_lazy("Handlungsfeld"), sort_key="field_name"),
        Column(
            "status", label=gettext_lazy("Status"), accessor="get_status_display", sort_key="status"
        ),
        Column("total_support", label=gettext_lazy("Stimmen dafür"), sort_key="total_support"),
        Column("comment_count", label=gettext_lazy("Kommentare"), sort_key="comment_count"),
        _state_column(),
        Column(
            "created",
            label=gettext_lazy("Eingereicht"),
            sort_key="created",
            accessor=lambda p: p.created.strftime("%d.%m.%Y"),
        ),
    ]
    # No e-mail addresses, no account ids: the public name or the offline source only.
    list_export = [
        "reference",
        "title",
        "description",
        "round_title",
        "field_name",
        "get_status_display",
        "district_name",
        "origin_label",
        "source_name",
        "online_support",
        "online_against",
        "offline_support",
        "offline_against",
        "total_support",
        "total_against",
        "comment_count",
        "answer",
        "answer_published",
        "created",
    ]
    export_headings = {
        "reference": gettext_lazy("Nummer"),
        "title": gettext_lazy("Titel"),
        "description": gettext_lazy("Beschreibung"),
        "round_title": gettext_lazy("Runde"),
        "field_name": gettext_lazy("Handlungsfeld"),
        "get_status_display": gettext_lazy("Status"),
        "district_name": gettext_lazy("Stadtteil"),
        "origin_label": gettext_lazy("Von"),
        "source_name": gettext_lazy("Offline-Quelle"),
        "online_support": gettext_lazy("Online dafür"),
        "online_against": gettext_lazy("Online dagegen"),
        "offline_support": gettext_lazy("Papier dafür"),
        "offline_against": gettext_lazy("Papier dagegen"),
        "total_support": gettext_lazy("Gesamt dafür"),
        "total_against": gettext_lazy("Gesamt dagegen"),
        "comment_count": gettext_lazy("Kommentare"),
        "answer": gettext_lazy("Antwort"),
        "answer_published": gettext_lazy("Antwort veröffentlicht"),
        "created": gettext_lazy("Eingereicht am"),
    }
    export_filename = "vorschlaege"
    # Editors moderate: text, field of action, hiding with a reason.
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("description"),
            FieldPanel("field_of_action"),
            FieldRowPanel([FieldPanel("hidden"), FieldPanel("hidden_reason")]),
        ]
    )

    def get_queryset(self, request):
        return proposal_admin_queryset()

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("manage/<int:pk>/", ProposalManageView.as_view(viewset=self), name="manage"),
            path("merge/<int:pk>/", MergeView.as_view(viewset=self), name="merge"),
        ]


# --------------------------------------------------------------------------------------------
# Proposals: the steering page of one proposal (answer), merging


class AgendaAdminView(WagtailAdminTemplateMixin, View):
    """A page in the "Digitale Agenda" admin, for editors and the steering group."""

    viewset = None
    header_icon = "list-ul"
    permission = VIEW_PERMISSION

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, self.permission)
        return super().dispatch(request, *args, **kwargs)

    def index_breadcrumb(self):
        return {
            "url": reverse("wagtailsnippets_agenda_proposal:list"),
            "label": _("Vorschläge"),
        }

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            self.index_breadcrumb(),
            {"url": "", "label": self.get_page_title()},
        ]

    def render(self, context, status=200):
        context = {**self.get_context_data(), **context}
        return TemplateResponse(self.request, self.template_name, context, status=status)


class ProposalManageView(AgendaAdminView):
    """One proposal for the steering group: details, tally, history, and the answer form."""

    template_name = "agenda/steering/proposal_manage.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.proposal = get_object_or_404(
            Proposal.objects.select_related(
                "round",
                "field_of_action",
                "district",
                "author",
                "offline_source",
                "merged_into__round",
                "carried_from__round",
                "answered_by",
            ),
            pk=kwargs["pk"],
        )

    def get_page_title(self):
        return self.proposal.reference

    def get_page_subtitle(self):
        return self.proposal.title

    def can_answer(self):
        return can(self.request.user, "agenda.answer_proposal", self.proposal)

    def get(self, request, pk):
        form = None
        if self.can_answer() and self.proposal.status not in steering.CLOSED_STATUSES:
            form = self.make_form()
        return self.render(self.context(form))

    def post(self, request, pk):
        if not self.can_answer() or self.proposal.status in steering.CLOSED_STATUSES:
            raise PermissionDenied
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                result = steering.answer_proposal(
                    self.proposal,
                    status=form.cleaned_data["status"],
                    answer=form.cleaned_data["answer"],
                    publish_now=form.cleaned_data["publish"] == PUBLISH_NOW,
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if result.became_public:
                    messages.success(
                        request,
                        _(
                            "Die Antwort ist veröffentlicht; die verfassende Person wird "
                            "benachrichtigt."
                        ),
                    )
                elif result.proposal.answer_published:
                    messages.success(request, _("Die Antwort wurde gespeichert."))
                else:
                    messages.success(
                        request,
                        _(
                            "Die Antwort wurde gespeichert und erscheint mit den Ergebnissen "
                            "der Runde."
                        ),
                    )
                return redirect(request.path)
        return self.render(self.context(form), status=400)

    def make_form(self, data=None):
        proposal = self.proposal
        initial = {
            "status": proposal.status,
            "answer": proposal.answer,
            "publish": PUBLISH_NOW if proposal.answer_published else "with_results",
        }
        return AnswerForm(
            data,
            initial=initial,
            proposal=proposal,
            results_public=steering.results_public(proposal.round),
        )

    def context(self, form):
        proposal = self.proposal
        tally = annotate_tallies(Proposal.objects.filter(pk=proposal.pk)).values(
            "online_support",
            "online_against",
            "offline_support",
            "offline_against",
            "total_support",
            "total_against",
            "comment_count",
        )[0]
        user = self.request.user
        return {
            "proposal": proposal,
            "form": form,
            "tally": tally,
            "for_against": proposal.round.voting_mode == "for_against",
            "paper_tallies": OfflineVoteTally.objects.filter(proposal=proposal).select_related(
                "source"
            ),
            "events": proposal.events.select_related("actor").order_by("-at", "-pk")[:50],
            "merged_proposals": proposal.merged_proposals.select_related("round").order_by(
                "number"
            ),
            "carried_to": proposal.carried_to.select_related("round"),
            "can_answer": self.can_answer(),
            "can_merge": can(user, "agenda.merge_proposals", proposal)
            and proposal.status not in steering.CLOSED_STATUSES,
            "results_public": steering.results_public(proposal.round),
            "public_url": _safe_url(proposal),
            "phase": proposal.round.current_phase(),
        }


def _safe_url(obj) -> str:
    try:
        return obj.get_absolute_url()
    except Exception:  # noqa: BLE001 - the public route may be missing in a stripped-down site
        return ""


class MergeView(AgendaAdminView):
    """Merge this proposal into another one: choose the target, see the effect, confirm."""

    template_name = "agenda/steering/merge.html"
    header_icon = "resubmit"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.source = get_object_or_404(Proposal.objects.select_related("round"), pk=kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, VIEW_PERMISSION)
        if not can(request.user, "agenda.merge_proposals", self.source):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Zusammenführen")

    def get_page_subtitle(self):
        return f"{self.source.reference} {self.source.title}"

    def get(self, request, pk):
        if self.source.status in steering.CLOSED_STATUSES:
            messages.error(
                request, _("Dieser Vorschlag ist bereits zusammengeführt oder zurückgezogen.")
            )
            return redirect("wagtailsnippets_agenda_proposal:manage", pk)
        return self.render({"form": MergeForm(source=self.source), "source": self.source})

    def post(self, request, pk):
        form = MergeForm(request.POST, source=self.source)
        if not form.is_valid():
            return self.render({"form": form, "source": self.source}, status=400)
        target = form.cleaned_data["target"]
        if not can(request.user, "agenda.merge_proposals", target):
            raise PermissionDenied
        if request.POST.get("confirm") != "1":
            return self.render(
                {
                    "form": form,
                    "source": self.source,
                    "target": target,
                    "preview": merge_preview(self.source, target),
                }
            )
        try:
            result = steering.merge_proposals([self.source], target, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render({"form": form, "source": self.source}, status=400)
        messages.success(
            request,
            _(
                "%(source)s wurde mit %(target)s zusammengeführt: %(moved)s Stimmen übertragen, "
                "%(dropped)s doppelte Stimmen nicht gezählt."
            )
            % {
                "source": self.source.reference,
                "target": target.reference,
                "moved": result.votes_moved,
                "dropped": result.votes_dropped,
            },
        )
        return redirect("wagtailsnippets_agenda_proposal:manage", target.pk)


def merge_preview(source, target) -> dict:
    """What merging would do, for the confirmation page."""
    source_votes = Vote.objects.filter(proposal=source)
    both = source_votes.filter(user_id__in=Vote.objects.filter(proposal=target).values("user_id"))
    return {
        "source_votes": source_votes.count(),
        "target_votes": Vote.objects.filter(proposal=target).count(),
        "duplicates": both.count(),
        "tallies": OfflineVoteTally.objects.filter(proposal=source).count(),
    }


# --------------------------------------------------------------------------------------------
# Carry-over: a bulk action on the (filtered) list


class CarryOverBulkAction(SnippetBulkAction):
    display_name = gettext_lazy("In eine andere Runde übernehmen")
    action_type = "carry_over"
    aria_label = gettext_lazy("Ausgewählte Vorschläge in eine andere Runde übernehmen")
    template_name = "agenda/steering/bulk_carry_over.html"
    action_priority = 20
    models = [Proposal]
    form_class = CarryOverForm

    def get_all_objects_in_listing_query(self, parent_id):
        # "Alle auswählen" selects what the list shows with its filters, not every proposal.
        return filtered_proposals(self.request).values_list("pk", flat=True)

    @classmethod
    def get_queryset(cls, model, object_ids):
        proposals = list(Proposal.objects.filter(pk__in=object_ids).order_by("round_id", "number"))
        if not proposals:
            raise Http404
        return _with_shared_rounds(proposals)

    def check_perm(self, obj):
        return can(self.request.user, "agenda.carry_over", obj)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        ids = self.request.GET.getlist("id")
        if "all" not in ids:
            kwargs["exclude_round_ids"] = set(
                Proposal.objects.filter(pk__in=[i for i in ids if i.isdigit()]).values_list(
                    "round_id", flat=True
                )
            )
        return kwargs

    def get_execution_context(self):
        return {
            "target_round": self.cleaned_form.cleaned_data["target_round"],
            "user": self.request.user,
        }

    @classmethod
    def execute_action(cls, objects, target_round=None, user=None, **kwargs):
        result = steering.carry_over(objects, target_round, actor=user)
        cls._last_result = result
        return len(result.created), len(result.skipped)

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = ngettext(
            "%(count)d Vorschlag wurde übernommen.",
            "%(count)d Vorschläge wurden übernommen.",
            num_parent_objects,
        ) % {"count": num_parent_objects}
        if num_child_objects:
            message += " " + ngettext(
                "%(count)d Vorschlag wurde übersprungen (zusammengeführt, zurückgezogen, "
                "ausgeblendet oder bereits übernommen).",
                "%(count)d Vorschläge wurden übersprungen (zusammengeführt, zurückgezogen, "
                "ausgeblendet oder bereits übernommen).",
                num_child_objects,
            ) % {"count": num_child_objects}
        return message


hooks.register("register_bulk_action", CarryOverBulkAction)


# --------------------------------------------------------------------------------------------
# Offline sources: proposals from a source, tally sheet for paper votes


class OfflineSourceIndexView(SnippetIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            Button(
                _("Vorschlag erfassen"),
                url=reverse(
                    "wagtailsnippets_agenda_offlinesource:add_proposal", args=[instance.pk]
                ),
                icon_name="plus",
                priority=5,
            )
        )
        buttons.append(
            Button(
                _("Papierstimmen erfassen"),
                url=reverse("wagtailsnippets_agenda_offlinesource:tallies", args=[instance.pk]),
                icon_name="form",
                priority=6,
            )
        )
        return buttons


class OfflineSourceViewSet(SnippetViewSet):
    model = OfflineSource
    icon = "group"
    menu_label = gettext_lazy("Offline-Quellen")
    menu_name = "agenda-offline-sources"
    menu_order = 300
    index_view_class = OfflineSourceIndexView
    list_display = [
        "name",
        Column("round_title", label=gettext_lazy("Runde")),
        Column("kind", label=gettext_lazy("Art"), accessor="get_kind_display"),
        "date",
        "participants",
        Column("proposal_count", label=gettext_lazy("Vorschläge")),
        Column("tally_count", label=gettext_lazy("Papierstimmen erfasst für")),
    ]
    list_filter = ["round", "kind"]
    copy_view_enabled = False
    search_fields = ["name"]
    search_backend_name = None
    ordering = ["-date", "name"]
    panels = [
        FieldPanel("round"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("date")]),
        FieldPanel("participants"),
    ]

    def get_queryset(self, request):
        return OfflineSource.objects.select_related("round").annotate(
            round_title=F("round__title"),
            proposal_count=Coalesce(
                Subquery(
                    Proposal.objects.filter(offline_source=OuterRef("pk"))
                    .order_by()
                    .values("offline_source")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                0,
            ),
            tally_count=Coalesce(
                Subquery(
                    OfflineVoteTally.objects.filter(source=OuterRef("pk"))
                    .order_by()
                    .values("source")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                0,
            ),
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path(
                "proposal/<int:pk>/",
                OfflineProposalView.as_view(viewset=self),
                name="add_proposal",
            ),
            path("tallies/<int:pk>/", TallySheetView.as_view(viewset=self), name="tallies"),
        ]


class OfflineSourceMixin(AgendaAdminView):
    header_icon = "group"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.source = get_object_or_404(
            OfflineSource.objects.select_related("round"), pk=kwargs["pk"]
        )

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, VIEW_PERMISSION)
        if not can(request.user, "agenda.enter_offline", self.source.round):
            raise PermissionDenied
        return View.dispatch(self, request, *args, **kwargs)

    def index_breadcrumb(self):
        return {
            "url": reverse("wagtailsnippets_agenda_offlinesource:list"),
            "label": _("Offline-Quellen"),
        }

    def get_page_subtitle(self):
        return self.source.name


class OfflineProposalView(OfflineSourceMixin):
    """Enter a proposal from the source (workshop, interview, paper form)."""

    template_name = "agenda/steering/offline_proposal.html"

    def get_page_title(self):
        return _("Vorschlag erfassen")

    def get(self, request, pk):
        return self.render({"form": OfflineProposalForm(source=self.source), "source": self.source})

    def post(self, request, pk):
        form = OfflineProposalForm(request.POST, source=self.source)
        if form.is_valid():
            data = form.cleaned_data
            try:
                proposal = steering.enter_offline_proposal(
                    source=self.source,
                    title=data["title"],
                    description=data["description"],
                    field_of_action=data["field_of_action"],
                    lat=data.get("lat"),
                    lon=data.get("lon"),
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Vorschlag %(reference)s „%(title)s“ wurde erfasst.")
                    % {"reference": proposal.reference, "title": proposal.title},
                )
                if "another" in request.POST:
                    return redirect(request.path)
                return redirect("wagtailsnippets_agenda_proposal:manage", proposal.pk)
        return self.render({"form": form, "source": self.source}, status=400)


class TallySheetView(OfflineSourceMixin):
    """Paper votes from this source: one row per proposal of the round, support and against."""

    template_name = "agenda/steering/tally_sheet.html"

    def get_page_title(self):
        return _("Papierstimmen erfassen")

    def rows(self, data=None):
        proposals = list(
            Proposal.objects.filter(round_id=self.source.round_id, hidden=False)
            .exclude(status__in=steering.CLOSED_STATUSES)
            .select_related("round")
            .order_by("number")
        )
        existing = {t.proposal_id: t for t in OfflineVoteTally.objects.filter(source=self.source)}
        rows = []
        for proposal in proposals:
            tally = existing.get(proposal.pk)
            initial = {"support": tally.support, "against": tally.against} if tally else {}
            form = TallyRow(data, prefix=f"p{proposal.pk}", initial=initial)
            rows.append({"proposal": proposal, "form": form, "tally": tally})
        return rows

    def get(self, request, pk):
        return self.render({"rows": self.rows(), "source": self.source})

    def post(self, request, pk):
        rows = self.rows(request.POST)
        if not all(row["form"].is_valid() for row in rows):
            messages.error(request, _("Bitte korrigieren Sie die markierten Zahlen."))
            return self.render(
                {"rows": rows, "source": self.source, "has_errors": True}, status=400
            )
        changed = 0
        try:
            with transaction.atomic():  # one sheet of paper votes: every row or none
                for row in rows:
                    form = row["form"]
                    support = form.cleaned_data.get("support")
                    against = form.cleaned_data.get("against")
                    if support is None and against is None and row["tally"] is None:
                        continue
                    old = (row["tally"].support, row["tally"].against) if row["tally"] else None
                    new = (support or 0, against or 0)
                    if old == new:
                        continue
                    steering.record_paper_votes(
                        row["proposal"], self.source, new[0], new[1], request.user
                    )
                    changed += 1
        except DatabaseError:
            logger.exception("Saving a tally sheet failed")
            messages.error(
                request,
                _(
                    "Die Papierstimmen konnten wegen eines technischen Fehlers nicht gespeichert "
                    "werden, es wurde nichts gespeichert. Bitte versuchen Sie es noch einmal."
                ),
            )
            return self.render(
                {"rows": rows, "source": self.source, "has_errors": True}, status=500
            )
        messages.success(
            request,
            ngettext(
                "Papierstimmen für %(count)d Vorschlag gespeichert.",
                "Papierstimmen für %(count)d Vorschläge gespeichert.",
                changed,
            )
            % {"count": changed},
        )
        return redirect(request.path)


class TallyRow(forms.Form):
    support = forms.IntegerField(
        label=gettext_lazy("Dafür"), min_value=0, max_value=1_000_000, required=False
    )
    against = forms.IntegerField(
        label=gettext_lazy("Dagegen"), min_value=0, max_value=1_000_000, required=False
    )


# --------------------------------------------------------------------------------------------
# Rounds overview


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERMISSION)


class RoundsView(AgendaAdminView):
    template_name = "agenda/steering/rounds.html"
    header_icon = "date"

    def get_page_title(self):
        return _("Beteiligungsrunden")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get(self, request):
        def count(condition):
            return int_subquery(
                Proposal.objects.filter(condition, round=OuterRef("pk"), hidden=False)
            )

        open_q = ~Q(status__in=steering.CLOSED_STATUSES)
        rounds = list(
            RoundPage.objects.prefetch_related("phases")
            .annotate(
                proposal_count=count(open_q),
                unanswered=count(open_q & Q(answer="")),
                waiting=count(open_q & ~Q(answer="") & Q(answer_published=False)),
            )
            .order_by("-number", "-pk")
        )
        user = request.user
        for round_page in rounds:
            round_page.phase = round_page.current_phase()
            round_page.results_public = steering.results_public(round_page)
            round_page.can_publish = can(user, "agenda.answer_proposal", round_page)
            round_page.list_url = proposals_list_url(round_page)
            round_page.results_url_value = _safe_results_url(round_page)
        return self.render({"rounds": rounds})


def _safe_results_url(round_page) -> str:
    try:
        return round_page.results_url()
    except Exception:  # noqa: BLE001 - a round outside every site has no URL
        return ""


class PublishAnswersView(AgendaAdminView):
    """Publish every answer of a round that waits for the results (and notify the authors)."""

    def post(self, request, pk):
        round_page = get_object_or_404(RoundPage, pk=pk)
        if not can(request.user, "agenda.answer_proposal", round_page):
            raise PermissionDenied
        count = steering.publish_due_answers(round_page, actor=request.user, force=True)
        messages.success(
            request,
            ngettext(
                "%(count)d Antwort wurde veröffentlicht.",
                "%(count)d Antworten wurden veröffentlicht.",
                count,
            )
            % {"count": count},
        )
        return redirect("agenda_rounds:index")


class RoundsViewSet(ViewSet):
    name = "agenda_rounds"
    url_prefix = "agenda/runden"
    icon = "date"
    menu_label = gettext_lazy("Runden und Antworten")
    menu_name = "agenda-rounds"
    menu_order = 200
    menu_item_class = StaffMenuItem
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [
            path("", RoundsView.as_view(), name="index"),
            path(
                "<int:pk>/antworten-veroeffentlichen/",
                PublishAnswersView.as_view(),
                name="publish_answers",
            ),
        ]


# --------------------------------------------------------------------------------------------
# Fields of action


class FieldOfActionViewSet(SnippetViewSet):
    model = FieldOfAction
    icon = "tag"
    menu_label = gettext_lazy("Handlungsfelder")
    menu_name = "agenda-fields"
    menu_order = 400
    list_display = ["name", "slug", "colour", "sort_order"]
    ordering = ["sort_order", "name"]
    sort_order_field = "sort_order"
    copy_view_enabled = False
    search_fields = ["name"]
    search_backend_name = None


class AgendaMenuGroup(ViewSetGroup):
    menu_label = gettext_lazy("Digitale Agenda")
    menu_icon = "list-ul"
    menu_name = "digitale-agenda"
    menu_order = 250
    items = (ProposalViewSet, RoundsViewSet, OfflineSourceViewSet, FieldOfActionViewSet)
    # Other modules add items (the round dashboard) through this hook.
    submenu_hook = "register_agenda_menu_item"


register_snippet(AgendaMenuGroup)
