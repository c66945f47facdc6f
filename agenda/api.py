"""Public API of the Digitale Agenda (django-ninja, mounted at /api/agenda/).

Rounds with their phases and what they allow now, the proposals of a round (paged, and as
GeoJSON for those with a point) and the results of a round once they are public.

Only public data: no e-mail addresses, no account ids, no contact data of offline sources —
a proposal shows its author's public name or the name of its offline source. Vote counts appear
only when the round shows them (``show_counts``), official answers only when published.
"""

from __future__ import annotations

import datetime
import math

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from agenda import phases as ph
from agenda.models import Proposal, RoundPage
from agenda.results import annotate_tallies, round_results
from agenda.steering import publish_due_answers, status_label
from civic.api import ErrorOut, NotFound, ValidationErrorOut, id_path

router = Router(tags=["Digitale Agenda"])

MAX_PER_PAGE = 100


# --------------------------------------------------------------------------------------------
# Schemas


class PhaseOut(Schema):
    label: str
    kinds: list[str]
    start: datetime.datetime
    end: datetime.datetime
    active: bool


class FieldOfActionOut(Schema):
    slug: str
    name: str
    colour: str = ""


class RoundSummary(Schema):
    id: int
    number: int
    title: str
    url: str
    voting_mode: str = Field(description="support (nur Unterstützung) oder for_against")
    current_phase: PhaseOut | None = None
    features: list[str] = Field(description="Was die Runde gerade erlaubt (Features-Map)")
    results_public: bool
    results_url: str | None = None


class RoundDetail(RoundSummary):
    intro: str
    max_votes_per_person: int = Field(description="0 = beliebig viele")
    counts_visible_during_voting: bool
    phases: list[PhaseOut]
    fields_of_action: list[FieldOfActionOut]


class VotesOut(Schema):
    online_support: int
    online_against: int
    offline_support: int
    offline_against: int
    total_support: int
    total_against: int


class ProposalOut(Schema):
    id: int
    reference: str
    title: str
    description: str
    url: str
    field_of_action: FieldOfActionOut
    status: str
    status_label: str
    origin: str = Field(description="Öffentlicher Name oder Offline-Quelle")
    offline: bool
    district: str | None = None
    lat: float | None = None
    lon: float | None = None
    created: datetime.datetime
    comment_count: int
    votes: VotesOut | None = Field(None, description="Nur wenn die Runde Zahlen zeigt")
    answer: str | None = Field(None, description="Offizielle Antwort, sobald veröffentlicht")
    carried_from: str | None = Field(None, description="Nummer des früheren Vorschlags")


class ProposalPage(Schema):
    count: int
    page: int
    pages: int
    per_page: int
    items: list[ProposalOut]


class GeometryOut(Schema):
    type: str = "Point"
    coordinates: list[float]


class ProposalFeatureProperties(Schema):
    reference: str
    title: str
    url: str
    field_of_action: str
    status: str
    status_label: str
    district: str | None = None


class ProposalFeature(Schema):
    type: str = "Feature"
    id: int
    geometry: GeometryOut
    properties: ProposalFeatureProperties


class ProposalCollection(Schema):
    type: str = "FeatureCollection"
    features: list[ProposalFeature]


class RankedOut(Schema):
    rank: int
    reference: str
    title: str
    url: str
    field_of_action: str
    status: str
    status_label: str
    votes: VotesOut
    score: int
    comment_count: int
    answer: str | None = None
    carried_to: str | None = None


class FieldFiguresOut(Schema):
    name: str
    slug: str | None = None
    proposals: int
    adopted: int
    total_support: int
    total_against: int


class StatusFigureOut(Schema):
    status: str
    label: str
    count: int


class ResultsOut(Schema):
    round: int
    title: str
    voting_mode: str
    participants_online: int
    participants_offline: int
    participants_total: int
    proposals: int
    proposals_online: int
    proposals_offline: int
    proposals_adopted: int
    comments: int
    votes_online: int
    votes_offline: int
    votes_total: int
    ranking: list[RankedOut]
    by_field_of_action: list[FieldFiguresOut]
    by_status: list[StatusFigureOut]


class PageParams(Schema):
    page: int = Field(1, ge=1, description="Seite, ab 1")
    per_page: int = Field(25, ge=1, le=MAX_PER_PAGE, description=f"1 bis {MAX_PER_PAGE}")


# --------------------------------------------------------------------------------------------
# Helpers


def _rounds():
    return (
        RoundPage.objects.live()
        .public()
        .prefetch_related("phases", "fields_of_action")
        .order_by("-number", "-pk")
    )


def _get_round(round_id: int) -> RoundPage:
    round_page = _rounds().filter(pk=round_id).first()
    if round_page is None:
        raise NotFound(_("Diese Beteiligungsrunde gibt es nicht oder sie ist nicht öffentlich."))
    return round_page


def _phase(phase, now) -> dict:
    return {
        "label": phase.label,
        "kinds": list(phase.kinds or []),
        "start": phase.start,
        "end": phase.end,
        "active": phase.is_active(now),
    }


def _url(request, path: str) -> str:
    return request.build_absolute_uri(path) if path else ""


def _round_summary(request, round_page: RoundPage, now) -> dict:
    features = round_page.features(now)
    current = round_page.current_phase(now)
    results_public = ph.F_SHOW_RESULTS in features
    page_url = round_page.get_url(request) or ""
    return {
        "id": round_page.pk,
        "number": round_page.number,
        "title": round_page.title,
        "url": _url(request, page_url),
        "voting_mode": round_page.voting_mode,
        "current_phase": _phase(current, now) if current else None,
        "features": sorted(features),
        "results_public": results_public,
        "results_url": _url(request, page_url + "ergebnisse/")
        if results_public and page_url
        else None,
    }


def _field(field) -> dict:
    return {"slug": field.slug, "name": field.name, "colour": field.colour or ""}


def _votes(p) -> dict:
    return {
        "online_support": p.online_support,
        "online_against": p.online_against,
        "offline_support": p.offline_support,
        "offline_against": p.offline_against,
        "total_support": p.total_support,
        "total_against": p.total_against,
    }


def _public_proposals(round_page):
    return (
        annotate_tallies(Proposal.objects.visible().filter(round=round_page))
        .select_related("round", "field_of_action", "district", "author", "offline_source")
        .select_related("carried_from__round")
    )


def _proposal(request, p, show_counts: bool) -> dict:
    carried = p.carried_from
    return {
        "id": p.pk,
        "reference": p.reference,
        "title": p.title,
        "description": p.description,
        "url": _url(request, p.get_absolute_url()),
        "field_of_action": _field(p.field_of_action),
        "status": p.status,
        "status_label": status_label(p.status),
        "origin": p.origin_label,
        "offline": p.offline_source_id is not None,
        "district": p.district.name if p.district else None,
        "lat": p.lat,
        "lon": p.lon,
        "created": p.created,
        "comment_count": p.comment_count,
        "votes": _votes(p) if show_counts else None,
        "answer": p.answer if p.answer_published and p.answer else None,
        "carried_from": carried.reference if carried else None,
    }


# --------------------------------------------------------------------------------------------
# Endpoints


@router.get("/rounds", response=list[RoundSummary], summary="Alle Beteiligungsrunden")
def list_rounds(request: HttpRequest):
    from django.utils import timezone

    now = timezone.now()
    return [_round_summary(request, r, now) for r in _rounds()]


@router.get(
    "/rounds/{round_id}",
    response={200: RoundDetail, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Eine Beteiligungsrunde mit Phasen und Handlungsfeldern",
)
def get_round(request: HttpRequest, round_id: int = id_path()):
    from django.utils import timezone

    now = timezone.now()
    round_page = _get_round(round_id)
    return {
        **_round_summary(request, round_page, now),
        "intro": round_page.intro,
        "max_votes_per_person": round_page.max_votes_per_person,
        "counts_visible_during_voting": round_page.counts_visible_during_voting,
        "phases": [_phase(p, now) for p in round_page.phase_list()],
        "fields_of_action": [_field(f) for f in round_page.allowed_fields_of_action()],
    }


@router.get(
    "/rounds/{round_id}/proposals",
    response={200: ProposalPage, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Die Vorschläge einer Runde (seitenweise)",
)
def list_proposals(request: HttpRequest, paging: Query[PageParams], round_id: int = id_path()):
    round_page = _get_round(round_id)
    queryset = _public_proposals(round_page).order_by("number")
    count = queryset.count()
    pages = max(1, math.ceil(count / paging.per_page))
    if paging.page > pages:
        raise NotFound(_("Diese Seite gibt es nicht."))
    start = (paging.page - 1) * paging.per_page
    show_counts = ph.F_SHOW_COUNTS in round_page.features()
    items = [_proposal(request, p, show_counts) for p in queryset[start : start + paging.per_page]]
    return {
        "count": count,
        "page": paging.page,
        "pages": pages,
        "per_page": paging.per_page,
        "items": items,
    }


@router.get(
    "/rounds/{round_id}/proposals.geojson",
    response={200: ProposalCollection, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Die Vorschläge einer Runde mit Ort, als GeoJSON (WGS84)",
)
def proposals_geojson(request: HttpRequest, round_id: int = id_path()):
    round_page = _get_round(round_id)
    queryset = (
        Proposal.objects.visible()
        .filter(round=round_page, lat__isnull=False, lon__isnull=False)
        .select_related("round", "field_of_action", "district")
        .order_by("number")
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": p.pk,
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": {
                    "reference": p.reference,
                    "title": p.title,
                    "url": _url(request, p.get_absolute_url()),
                    "field_of_action": p.field_of_action.name,
                    "status": p.status,
                    "status_label": status_label(p.status),
                    "district": p.district.name if p.district else None,
                },
            }
            for p in queryset
        ],
    }


@router.get(
    "/rounds/{round_id}/results",
    response={200: ResultsOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Die Ergebnisse einer Runde (sobald veröffentlicht)",
)
def get_results(request: HttpRequest, round_id: int = id_path()):
    round_page = _get_round(round_id)
    if ph.F_SHOW_RESULTS not in round_page.features():
        raise NotFound(_("Die Ergebnisse dieser Runde sind noch nicht veröffentlicht."))
    publish_due_answers(round_page)  # as the results page does
    results = round_results(round_page)
    return {
        "round": round_page.pk,
        "title": round_page.title,
        "voting_mode": round_page.voting_mode,
        "participants_online": results.participants_online,
        "participants_offline": results.participants_offline,
        "participants_total": results.participants_total,
        "proposals": results.proposals,
        "proposals_online": results.proposals_online,
        "proposals_offline": results.proposals_offline,
        "proposals_adopted": results.proposals_adopted,
        "comments": results.comments,
        "votes_online": results.votes_online,
        "votes_offline": results.votes_offline,
        "votes_total": results.votes_total,
        "ranking": [
            {
                "rank": e.rank,
                "reference": e.proposal.reference,
                "title": e.proposal.title,
                "url": _url(request, e.proposal.get_absolute_url()),
                "field_of_action": e.proposal.field_of_action.name,
                "status": e.proposal.status,
                "status_label": e.status_label,
                "votes": _votes(e),
                "score": e.score,
                "comment_count": e.comment_count,
                "answer": e.proposal.answer
                if e.proposal.answer_published and e.proposal.answer
                else None,
                "carried_to": e.carried_to.reference if e.carried_to else None,
            }
            for e in results.ranking
        ],
        "by_field_of_action": [
            {
                "name": f.name,
                "slug": f.field.slug if f.field else None,
                "proposals": f.proposals,
                "adopted": f.adopted,
                "total_support": f.total_support,
                "total_against": f.total_against,
            }
            for f in results.by_field
        ],
        "by_status": [
            {"status": s.status, "label": s.label, "count": s.count} for s in results.by_status
        ],
    }
