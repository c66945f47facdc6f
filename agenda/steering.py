"""Domain verbs of the steering group: answer, merge, carry over, enter offline contributions.

Every verb runs in one transaction, writes the proposal's own history (``ProposalEvent``) and an
entry in Wagtail's audit log (``wagtail.log_actions``), so the admin's "Verlauf" and the
public history tell the same story.

When does an official answer become public?  ``Proposal.answer_published`` is the one source of
truth. It turns true

* at once, when the steering group ticks "sofort veröffentlichen" in the answer form;
* when the round's results become public: the round's features map contains ``show_results``
  (the result phase has begun). :func:`publish_due_answers` flips every answer still waiting;
  it runs when the results page (or the results API) is requested once the result phase has
  begun, and when the steering group presses "Antworten jetzt veröffentlichen" in the admin
  (also before the result phase). A scheduled run (cron, management command) would make the
  e-mails independent of the first visit; see the report of issue 4.

Once public, an answer stays public (an official answer does not silently disappear). The author
gets an e-mail when the answer becomes public, and another one when a public answer changes.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, Site

from agenda.counters import refresh_counters
from agenda.models import (
    OfflineSource,
    OfflineVoteTally,
    Proposal,
    ProposalEvent,
    RoundPage,
    Vote,
)
from agenda.models.proposals import COUNTER_FIELDS
from civic.cache import invalidate_pages

logger = logging.getLogger(__name__)

# Status values (see Proposal.status). Kept as plain strings so this module does not depend on
# the name of the choices class.
RECEIVED = "received"
IN_REVIEW = "in_review"
ADOPTED = "adopted"
PARTIALLY_ADOPTED = "partially_adopted"
REJECTED = "rejected"
IN_PROGRESS = "in_progress"
IMPLEMENTED = "implemented"
MERGED = "merged"
WITHDRAWN = "withdrawn"

#: Statuses the steering group sets in the answer form; "merged" and "withdrawn" come from
#: merging and withdrawing.
ANSWER_STATUSES = (
    RECEIVED,
    IN_REVIEW,
    ADOPTED,
    PARTIALLY_ADOPTED,
    REJECTED,
    IN_PROGRESS,
    IMPLEMENTED,
)
#: Statuses that mean "part of the agenda" (shown as adopted on the results page).
ADOPTED_STATUSES = (ADOPTED, PARTIALLY_ADOPTED, IN_PROGRESS, IMPLEMENTED)
#: Proposals in these statuses are out of the running (no answer, no carry-over, no ranking).
CLOSED_STATUSES = (MERGED, WITHDRAWN)

# ProposalEvent kinds written here (see ProposalEvent.Kind).
EVENT_STATUS = "status"
EVENT_ANSWERED = "answered"
EVENT_MERGED = "merged"
EVENT_MERGE_TARGET = "merged_in"
EVENT_CARRIED_OVER = "carried_over"
EVENT_CARRIED_FROM = "carried_from"
EVENT_OFFLINE_ENTERED = "entered_offline"
EVENT_PAPER_VOTES = "paper_votes"

# Wagtail log actions (registered with labels in wagtail_hooks.py).
LOG_ANSWER = "agenda.answer"
LOG_ANSWER_PUBLISH = "agenda.answer_publish"
LOG_MERGE = "agenda.merge"
LOG_MERGE_TARGET = "agenda.merge_target"
LOG_CARRY_OVER = "agenda.carry_over"
LOG_CARRIED_FROM = "agenda.carried_from"
LOG_OFFLINE_ENTRY = "agenda.offline_entry"
LOG_PAPER_VOTES = "agenda.paper_votes"


def status_label(value: str) -> str:
    """The translated label of a status value."""
    choices = dict(Proposal._meta.get_field("status").flatchoices)
    return str(choices.get(value, value))


def results_public(round_page, at=None) -> bool:
    """Whether the round's results (and with them every official answer) are public."""
    return "show_results" in round_page.features(at)


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def _event(proposal, actor, kind, *, from_status="", to_status="", note="", at=None, public=True):
    return ProposalEvent(
        proposal=proposal,
        actor=_actor(actor),
        at=at or timezone.now(),
        kind=kind,
        from_status=from_status or "",
        to_status=to_status or "",
        note=note or "",
        public=public,
    )


def _bulk_log(instances, action: str, user, data_for=None, at=None) -> None:
    """Wagtail audit-log entries for many objects with one INSERT (``log()`` writes one row
    per call, which would make bulk verbs grow with their input)."""
    instances = list(instances)
    if not instances:
        return
    content_type = ContentType.objects.get_for_model(instances[0].__class__)
    at = at or timezone.now()
    shared_uuid = uuid.uuid4()
    ModelLogEntry.objects.bulk_create(
        [
            ModelLogEntry(
                content_type=content_type,
                label=str(instance),
                action=action,
                timestamp=at,
                data=data_for(instance) if data_for else {},
                uuid=shared_uuid,
                user=_actor(user),
                object_id=str(instance.pk),
                content_changed=True,
            )
            for instance in instances
        ],
        batch_size=1000,
    )


# --------------------------------------------------------------------------------------------
# Answers


@dataclass
class AnswerResult:
    proposal: Proposal
    became_public: bool
    changed_public: bool


def answer_proposal(proposal, *, status, answer, publish_now, actor) -> AnswerResult:
    """Set the status and the official answer of a proposal.

    ``publish_now`` publishes the answer at once; otherwise it waits for the round's results
    (it is published at once anyway when the results are already public). The author is
    e-mailed when the answer becomes public, and when a public answer changes.
    """
    if status not in ANSWER_STATUSES:
        raise ValidationError(_("Dieser Status kann hier nicht gesetzt werden."), code="status")
    answer = (answer or "").strip()
    with transaction.atomic():
        locked = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("round")
            .get(pk=proposal.pk)
        )
        if locked.status in CLOSED_STATUSES:
            raise ValidationError(
                _(
                    "Zusammengeführte oder zurückgezogene Vorschläge können nicht "
                    "beantwortet werden."
                ),
                code="closed",
            )
        if (publish_now or results_public(locked.round)) and not answer:
            raise ValidationError(
                _("Bitte schreiben Sie eine Antwort, bevor Sie sie veröffentlichen."),
                code="empty_answer",
            )
        now = timezone.now()
        old_status, old_answer = locked.status, locked.answer or ""
        was_public = bool(locked.answer_published)
        changed = old_status != status or old_answer != answer
        locked.status = status
        locked.answer = answer
        if changed:
            locked.answered_at = now
            locked.answered_by = _actor(actor)
        make_public = bool(answer) and (
            was_public or publish_now or results_public(locked.round, now)
        )
        locked.answer_published = make_public
        locked.save()
        became_public = make_public and not was_public
        changed_public = was_public and make_public and changed
        if became_public or changed_public:
            # The public history shows the answer once it is public.
            _event(
                locked,
                actor,
                EVENT_ANSWERED,
                from_status=old_status,
                to_status=status,
                note=answer,
                at=now,
            ).save()
        elif changed:
            # Status changes before the answer is public stay internal (the steering group
            # may still be deliberating), except the neutral "eingegangen"/"in Prüfung".
            _event(
                locked,
                actor,
                EVENT_STATUS,
                from_status=old_status,
                to_status=status,
                at=now,
                public=status in (RECEIVED, IN_REVIEW),
            ).save()
        if changed or became_public:
            log(
                locked,
                LOG_ANSWER,
                user=_actor(actor),
                data={
                    "from_status": old_status,
                    "to_status": status,
                    "published": make_public,
                },
            )
        if became_public:
            _schedule_answer_email(locked.pk, "published")
        elif changed_public:
            _schedule_answer_email(locked.pk, "updated")
    proposal.refresh_from_db()
    return AnswerResult(proposal, became_public, changed_public)


def publish_due_answers(round_page, *, actor=None, force=False) -> int:
    """Publish every answer of the round that waits for the results.

    Runs only when the round's results are public, unless ``force`` (the steering group
    publishes the answers before the result phase). Returns the number of answers published.
    """
    if not force and not results_public(round_page):
        return 0
    waiting = (
        Proposal.objects.filter(round=round_page, answer_published=False)
        .exclude(answer="")
        .exclude(status__in=CLOSED_STATUSES)
    )
    if not waiting.exists():  # the usual case on a results page: one cheap query, no lock
        return 0
    with transaction.atomic():
        pending = list(
            Proposal.objects.select_for_update(of=("self",))
            .filter(round=round_page, answer_published=False)
            .exclude(answer="")
            .exclude(status__in=CLOSED_STATUSES)
            .select_related("round")
        )
        if not pending:
            return 0
        ids = [p.pk for p in pending]
        Proposal.objects.filter(pk__in=ids).update(answer_published=True)
        invalidate_pages()  # a bulk update sends no signals
        now = timezone.now()
        ProposalEvent.objects.bulk_create(
            [
                _event(
                    p,
                    actor,
                    EVENT_ANSWERED,
                    from_status=p.status,
                    to_status=p.status,
                    note=p.answer,
                    at=now,
                )
                for p in pending
            ],
            batch_size=1000,
        )
        _bulk_log(pending, LOG_ANSWER_PUBLISH, actor, at=now)
        transaction.on_commit(lambda: [send_answer_email.enqueue(pk, "published") for pk in ids])
    return len(ids)


def _schedule_answer_email(proposal_id: int, kind: str) -> None:
    transaction.on_commit(lambda: send_answer_email.enqueue(proposal_id, kind))


def _absolute(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    site = Site.objects.filter(is_default_site=True).first()
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or (site.root_url if site else "")
    return base.rstrip("/") + url


def _proposal_url(proposal) -> str:
    try:
        return _absolute(proposal.get_absolute_url())
    except NoReverseMatch:  # the public pages are not mounted (e.g. a stripped-down site)
        logger.warning("No public URL for proposal %s", proposal.pk)
        return ""


@task()
def send_answer_email(proposal_id: int, kind: str = "published") -> bool:
    """E-mail the author that the official answer to the proposal is public (or changed)."""
    proposal = Proposal.objects.select_related("author", "round").filter(pk=proposal_id).first()
    if proposal is None or not proposal.answer_published:
        return False
    author = proposal.author
    if author is None or not author.is_active or not author.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "proposal": proposal,
            "author_name": author.public_name if author.display_name else "",
            "status_label": status_label(proposal.status),
            "url": _proposal_url(proposal),
            "round": proposal.round,
            "kind": kind,
        }
        if kind == "updated":
            subject = _("Die Antwort auf Ihren Vorschlag %(reference)s wurde aktualisiert") % {
                "reference": proposal.reference
            }
        else:
            subject = _("Ihr Vorschlag %(reference)s hat eine Antwort") % {
                "reference": proposal.reference
            }
        text = render_to_string("agenda/emails/answer_published.txt", context)
        html = render_to_string("agenda/emails/answer_published.html", context)
    message = EmailMultiAlternatives(subject, text, to=[author.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True


# --------------------------------------------------------------------------------------------
# Merge


@dataclass
class MergeResult:
    target: Proposal
    sources: list
    votes_moved: int = 0
    votes_dropped: int = 0
    tallies_moved: int = 0
    details: dict = field(default_factory=dict)


def merge_proposals(sources: Iterable, target, *, actor) -> MergeResult:
    """Merge duplicate proposals into ``target``.

    * Votes move to the target without counting anybody twice: a person who voted for the
      target keeps the target vote; a person who voted only for sources keeps one vote, the
      most recent one (for/against rounds: the person's latest decision).
    * Paper tallies move to the target; tallies from the same offline source are summed.
    * Comments stay on the sources, whose pages say "zusammengeführt mit DA-…" and link to the
      target (``merged_into``), so every thread stays reachable.
    * Sources get the status "merged".
    """
    source_ids = sorted({s.pk for s in sources} - {target.pk})
    if not source_ids:
        raise ValidationError(
            _("Bitte wählen Sie mindestens einen anderen Vorschlag aus."), code="no_sources"
        )
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in Proposal.objects.select_for_update(of=("self",))
            .select_related("round")
            .filter(pk__in=[*source_ids, target.pk])
        }
        target_locked = locked.get(target.pk)
        if target_locked is None or len(locked) != len(source_ids) + 1:
            raise ValidationError(_("Ein Vorschlag wurde nicht gefunden."), code="missing")
        if target_locked.status in CLOSED_STATUSES:
            raise ValidationError(
                _(
                    "In einen zusammengeführten oder zurückgezogenen Vorschlag kann nichts "
                    "zusammengeführt werden."
                ),
                code="target_closed",
            )
        source_list = [locked[pk] for pk in source_ids]
        for source in source_list:
            if source.round_id != target_locked.round_id:
                raise ValidationError(
                    _("Nur Vorschläge derselben Beteiligungsrunde können zusammengeführt werden."),
                    code="other_round",
                )
            if source.status in CLOSED_STATUSES:
                raise ValidationError(
                    _("%(reference)s ist bereits zusammengeführt oder zurückgezogen.")
                    % {"reference": source.reference},
                    code="source_closed",
                )

        result = MergeResult(target=target_locked, sources=source_list)
        result.votes_moved, result.votes_dropped = _move_votes(source_ids, target_locked)
        result.tallies_moved = _move_tallies(source_ids, target_locked)
        # Votes moved by a queryset update send no signals: recount the proposals involved
        # (their rows are locked above, so no vote can slip in between).
        refresh_counters(Proposal.objects.filter(pk__in=[*source_ids, target_locked.pk]))

        now = timezone.now()
        references = ", ".join(s.reference for s in source_list)
        events = []
        for source in source_list:
            events.append(
                _event(
                    source,
                    actor,
                    EVENT_MERGED,
                    from_status=source.status,
                    to_status=MERGED,
                    note=target_locked.reference,
                    at=now,
                )
            )
        events.append(
            _event(
                target_locked,
                actor,
                EVENT_MERGE_TARGET,
                from_status=target_locked.status,
                to_status=target_locked.status,
                note=references,
                at=now,
            )
        )
        Proposal.objects.filter(pk__in=source_ids).update(
            status=MERGED, merged_into=target_locked, updated=now
        )
        invalidate_pages()  # a bulk update sends no signals
        ProposalEvent.objects.bulk_create(events)
        for source in source_list:
            log(
                source,
                LOG_MERGE,
                user=_actor(actor),
                data={"target": target_locked.pk, "target_reference": target_locked.reference},
            )
        log(
            target_locked,
            LOG_MERGE_TARGET,
            user=_actor(actor),
            data={
                "sources": source_ids,
                "references": references,
                "votes_moved": result.votes_moved,
                "votes_dropped": result.votes_dropped,
                "tallies_moved": result.tallies_moved,
            },
        )
    for source in source_list:
        source.refresh_from_db()
    target.refresh_from_db()
    result.target = target
    return result


def _move_votes(source_ids: list[int], target) -> tuple[int, int]:
    """Move the sources' votes to the target; returns (moved, dropped)."""
    target_voters = Vote.objects.filter(proposal=target).values("user_id")
    dropped, _detail = Vote.objects.filter(
        proposal_id__in=source_ids, user_id__in=target_voters
    ).delete()
    # The rest: people who voted for sources only. Keep each person's most recent vote.
    keep: dict[int, int] = {}
    drop: list[int] = []
    rows = (
        Vote.objects.filter(proposal_id__in=source_ids)
        .order_by("user_id", "-created", "-pk")
        .values_list("pk", "user_id")
    )
    for pk, user_id in rows:
        if user_id in keep:
            drop.append(pk)
        else:
            keep[user_id] = pk
    if drop:
        Vote.objects.filter(pk__in=drop).delete()
    moved = (
        Vote.objects.filter(pk__in=list(keep.values())).update(
            proposal=target, round=target.round_id
        )
        if keep
        else 0
    )
    return moved, dropped + len(drop)


def _move_tallies(source_ids: list[int], target) -> int:
    """Move paper tallies to the target, summing those of the same offline source."""
    existing = {t.source_id: t for t in OfflineVoteTally.objects.filter(proposal=target)}
    moved = 0
    for tally in OfflineVoteTally.objects.filter(proposal_id__in=source_ids).order_by("pk"):
        same = existing.get(tally.source_id)
        if same is not None:
            same.support += tally.support
            same.against += tally.against
            same.save(update_fields=["support", "against"])
            tally.delete()
        else:
            tally.proposal = target
            tally.save(update_fields=["proposal"])
            existing[tally.source_id] = tally
        moved += 1
    return moved


# --------------------------------------------------------------------------------------------
# Carry-over


# Fields a carried proposal starts afresh with in the new round.
_NOT_CARRIED = {
    "id",
    "round",
    "number",
    "status",
    "answer",
    "answer_published",
    "answered_at",
    "answered_by",
    "merged_into",
    "carried_from",
    "created",
    "updated",
    "withdrawn_at",
    "hidden",
    "hidden_reason",
    # A copy starts without votes and comments.
    *COUNTER_FIELDS,
}


@dataclass
class CarryOverResult:
    created: list
    skipped: list


def carry_over(proposals: Iterable, target_round, *, actor) -> CarryOverResult:
    """Copy proposals into the next round as new proposals that point to their earlier selves.

    The copy gets a new reference number in the target round and keeps author, offline source,
    field of action, point, district and image; it starts as "eingegangen" without votes. The
    earlier proposal keeps its votes, tally, comments and answer untouched. Merged and withdrawn
    proposals, proposals of the target round itself and proposals already carried into it are
    skipped. Everything is written with bulk inserts in one transaction: the number of queries
    does not grow with the number of proposals.
    """
    ids = sorted({p.pk for p in proposals})
    with transaction.atomic():
        # Lock the target round: numbers are allocated as max + 1, … in one go.
        target_round = RoundPage.objects.select_for_update(of=("self",)).get(pk=target_round.pk)
        already = set(
            Proposal.objects.filter(round=target_round, carried_from_id__in=ids).values_list(
                "carried_from_id", flat=True
            )
        )
        originals = list(
            Proposal.objects.filter(pk__in=ids)
            .select_related("round")
            .order_by("round_id", "number")
        )
        to_copy, skipped = [], []
        for original in originals:
            if (
                original.status in CLOSED_STATUSES
                or original.hidden
                or original.round_id == target_round.pk
                or original.pk in already
            ):
                skipped.append(original)
            else:
                to_copy.append(original)
        if not to_copy:
            return CarryOverResult(created=[], skipped=skipped)

        now = timezone.now()
        copy_fields = [f for f in Proposal._meta.concrete_fields if f.name not in _NOT_CARRIED]
        for attempt in range(5):
            # Numbers continue after the highest one of the target round. A resident who
            # submits at the same moment may take one of them: the unique constraint then
            # refuses the insert, and the copies take the numbers after it.
            start = (
                Proposal.objects.filter(round=target_round).aggregate(top=Max("number"))["top"] or 0
            )
            copies = []
            for offset, original in enumerate(to_copy, start=1):
                copy = Proposal(
                    round=target_round,
                    number=start + offset,
                    status=RECEIVED,
                    carried_from=original,
                    created=now,
                )
                for f in copy_fields:
                    setattr(copy, f.attname, getattr(original, f.attname))
                copies.append(copy)
            try:
                with transaction.atomic():
                    created = Proposal.objects.bulk_create(copies, batch_size=500)
                    invalidate_pages()  # bulk_create sends no signals
                break
            except IntegrityError:
                if attempt == 4:
                    raise
        if any(c.pk is None for c in created):
            # Databases without RETURNING: read the new primary keys back in one query.
            by_number = dict(
                Proposal.objects.filter(
                    round=target_round, number__gt=start, number__lte=start + len(created)
                ).values_list("number", "pk")
            )
            for c in created:
                c.pk = by_number[c.number]

        events = []
        for original, copy in zip(to_copy, created, strict=True):
            events.append(
                _event(
                    original,
                    actor,
                    EVENT_CARRIED_OVER,
                    from_status=original.status,
                    to_status=original.status,
                    note=f"{target_round.title}: {copy.reference}",
                    at=now,
                )
            )
            events.append(
                _event(
                    copy,
                    actor,
                    EVENT_CARRIED_FROM,
                    to_status=RECEIVED,
                    note=original.reference,
                    at=now,
                )
            )
        ProposalEvent.objects.bulk_create(events, batch_size=1000)
        copy_by_original = {o.pk: c for o, c in zip(to_copy, created, strict=True)}
        _bulk_log(
            to_copy,
            LOG_CARRY_OVER,
            actor,
            data_for=lambda o: {
                "target_round": target_round.pk,
                "new_proposal": copy_by_original[o.pk].pk,
            },
            at=now,
        )
        _bulk_log(
            created,
            LOG_CARRIED_FROM,
            actor,
            data_for=lambda c: {"carried_from": c.carried_from_id},
            at=now,
        )
    return CarryOverResult(created=created, skipped=skipped)


# --------------------------------------------------------------------------------------------
# Offline contributions


def enter_offline_proposal(
    *,
    source,
    title,
    description,
    field_of_action,
    actor,
    lat=None,
    lon=None,
    image=None,
):
    """Enter a proposal from a workshop, interview or paper form with its offline source."""
    if source is None:
        raise ValidationError(_("Bitte wählen Sie eine Quelle aus."), code="no_source")
    with transaction.atomic():
        proposal = Proposal(
            round_id=source.round_id,
            title=title,
            description=description,
            field_of_action=field_of_action,
            lat=lat,
            lon=lon,
            image=image,
            author=None,
            offline_source=source,
            entered_by=_actor(actor),
            status=RECEIVED,
        )
        proposal.full_clean(exclude=["number", "author", "entered_by", "image", "district"])
        proposal.save()  # takes the round's next number and the district of the point
        _event(proposal, actor, EVENT_OFFLINE_ENTERED, to_status=RECEIVED, note=source.name).save()
        log(proposal, LOG_OFFLINE_ENTRY, user=_actor(actor), data={"source": source.pk})
    return proposal


def record_paper_votes(proposal, source, support, against, actor):
    """Record (or correct) the counted paper votes for a proposal from one offline source.

    One tally per proposal and source: entering it again replaces the numbers (a correction),
    it does not add them up. Returns the tally.
    """
    support, against = int(support or 0), int(against or 0)
    if support < 0 or against < 0:
        raise ValidationError(_("Stimmenzahlen können nicht negativ sein."), code="negative")
    if source.round_id != proposal.round_id:
        raise ValidationError(
            _("Die Quelle gehört zu einer anderen Beteiligungsrunde."), code="other_round"
        )
    with transaction.atomic():
        locked = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
        if locked.status in CLOSED_STATUSES:
            raise ValidationError(
                _(
                    "Für zusammengeführte oder zurückgezogene Vorschläge können keine Stimmen "
                    "erfasst werden."
                ),
                code="closed",
            )
        tally = OfflineVoteTally.objects.filter(proposal=locked, source=source).first()
        before = (tally.support, tally.against) if tally else (0, 0)
        if tally is None:
            tally = OfflineVoteTally(proposal=locked, source=source)
        tally.support, tally.against = support, against
        tally.entered_by = _actor(actor)
        tally.save()
        _event(
            locked,
            actor,
            EVENT_PAPER_VOTES,
            from_status=locked.status,
            to_status=locked.status,
            note=_(
                "%(source)s: %(support)s dafür, %(against)s dagegen (vorher %(old_support)s "
                "/ %(old_against)s)"
            )
            % {
                "source": source.name,
                "support": support,
                "against": against,
                "old_support": before[0],
                "old_against": before[1],
            },
            public=False,
        ).save()
        log(
            locked,
            LOG_PAPER_VOTES,
            user=_actor(actor),
            data={"source": source.pk, "support": support, "against": against},
        )
    return tally


__all__ = [
    "ADOPTED_STATUSES",
    "ANSWER_STATUSES",
    "CLOSED_STATUSES",
    "OfflineSource",
    "answer_proposal",
    "carry_over",
    "enter_offline_proposal",
    "merge_proposals",
    "publish_due_answers",
    "record_paper_votes",
    "results_public",
    "send_answer_email",
]
