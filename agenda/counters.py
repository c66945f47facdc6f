"""The denormalised counters on :class:`~agenda.models.Proposal` (issue 7).

``votes_for``/``votes_against`` (online votes), ``paper_for``/``paper_against`` (paper tallies),
``support_total`` (= votes_for + paper_for), ``score`` (= support_total − votes_against −
paper_against) and ``comment_count`` (public, not removed comments). The proposal list and the
ranking sort on them through indexes instead of counting millions of votes per request.

How they stay right:

* **Votes**: the receivers below run on every ``Vote`` save and delete, inside the transaction of
  the write (``agenda.services.cast_vote``/``retract_vote``, the admin, tests). They add or
  subtract one with ``UPDATE … SET votes_for = votes_for + 1``: PostgreSQL applies the increment
  to the newest row version while holding the row lock, so concurrent votes by different people
  never lose one another.
* **Paper tallies**: every save/delete recomputes the proposal's two sums from its tallies.
* **Comments**: every save/delete of a comment on a proposal, and ``civic.comments.comment_removed``
  (removal is a queryset update without ``post_save``), locks the proposal row and recounts its
  public comments. Because the count is taken after the lock, a comment committed by a concurrent
  request is always included.
* **Bulk paths** (queryset ``update``/``bulk_create``: merge, generators) call
  :func:`refresh_counters` for the proposals they touched.
* Deleting an account sets ``Vote.user`` to NULL: the vote stays and so does the count.

:func:`refresh_counters` recomputes everything from the rows (also the command
``refresh_proposal_counters``, for repairs after raw SQL or imports).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Count, F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_comments_xtd.models import XtdComment

from agenda.models import OfflineVoteTally, Proposal, Vote
from agenda.models.proposals import COUNTER_FIELDS
from civic.comments import comment_removed

# --------------------------------------------------------------------------------------------
# Writing


def bump_votes(proposal_id: int | None, value: int | None, delta: int) -> None:
    """Add ``delta`` (±1) to the online counters of ``value`` (+1 support, -1 against)."""
    if proposal_id is None or value not in (1, -1) or not delta:
        return
    if value == 1:
        changes = {
            "votes_for": F("votes_for") + delta,
            "support_total": F("support_total") + delta,
            "score": F("score") + delta,
        }
    else:
        changes = {"votes_against": F("votes_against") + delta, "score": F("score") - delta}
    Proposal.objects.filter(pk=proposal_id).update(**changes)


def _int(subquery_qs, expression) -> Coalesce:
    return Coalesce(
        Subquery(
            subquery_qs.order_by().values("proposal").annotate(n=expression).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def refresh_paper(proposal_ids) -> None:
    """Recompute the paper counters (and the totals) of these proposals from their tallies."""
    ids = [pk for pk in set(proposal_ids) if pk is not None]
    if not ids:
        return
    tallies = OfflineVoteTally.objects.filter(proposal=OuterRef("pk"))
    Proposal.objects.filter(pk__in=ids).update(
        paper_for=_int(tallies, Sum("support")),
        paper_against=_int(tallies, Sum("against")),
    )
    _refresh_totals(Proposal.objects.filter(pk__in=ids))


def _refresh_totals(queryset) -> None:
    queryset.update(
        support_total=F("votes_for") + F("paper_for"),
        score=F("votes_for") + F("paper_for") - F("votes_against") - F("paper_against"),
    )


def _public_comment_counts():
    content_type = ContentType.objects.get_for_model(Proposal)
    # ``content_type_id + 0``: see civic.comments.comment_count_subquery (SQLite's planner).
    return XtdComment.norel_objects.alias(content_type_plus=F("content_type_id") + 0).filter(
        content_type_plus=content_type.pk, is_public=True, is_removed=False
    )


def recount_comments(proposal_id: int) -> None:
    """Lock the proposal row, then count its public comments and store the number."""
    with transaction.atomic():
        locked = list(
            Proposal.objects.select_for_update().filter(pk=proposal_id).values_list("pk", flat=True)
        )
        if not locked:
            return
        count = _public_comment_counts().filter(object_pk=str(proposal_id)).count()
        Proposal.objects.filter(pk=proposal_id).update(comment_count=count)


def refresh_counters(queryset=None) -> int:
    """Recompute every counter of the proposals in ``queryset`` (default: all) from the rows.

    Three UPDATE statements with correlated subqueries, whatever the number of proposals.
    Returns the number of proposals updated.
    """
    if queryset is None:
        queryset = Proposal.objects.all()
    target = Proposal.objects.filter(pk__in=queryset.order_by().values("pk"))
    with transaction.atomic():
        updated = target.update(**_counted_from_rows())
        _refresh_totals(target)
    return updated


COUNTERS = COUNTER_FIELDS


def _counted_from_rows() -> dict:
    """The stored counters (but the totals) as correlated subqueries over the rows."""
    votes = Vote.objects.filter(proposal=OuterRef("pk"))
    tallies = OfflineVoteTally.objects.filter(proposal=OuterRef("pk"))
    comments = (
        _public_comment_counts()
        .filter(object_pk=Cast(OuterRef("pk"), output_field=CharField()))
        .order_by()
        .values("object_pk")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return {
        "votes_for": _int(votes.filter(value=1), Count("pk")),
        "votes_against": _int(votes.filter(value=-1), Count("pk")),
        "paper_for": _int(tallies, Sum("support")),
        "paper_against": _int(tallies, Sum("against")),
        "comment_count": Coalesce(Subquery(comments, output_field=IntegerField()), Value(0)),
    }


def annotate_recounted(queryset):
    """Add ``recounted_<counter>`` for every counter, counted from the rows (correlated
    subqueries: slow at scale, for checks and repairs only)."""
    return queryset.annotate(
        **{f"recounted_{name}": expr for name, expr in _counted_from_rows().items()}
    ).annotate(
        recounted_support_total=F("recounted_votes_for") + F("recounted_paper_for"),
        recounted_score=F("recounted_votes_for")
        + F("recounted_paper_for")
        - F("recounted_votes_against")
        - F("recounted_paper_against"),
    )


def counter_mismatches(queryset=None) -> list[dict]:
    """Proposals whose stored counters differ from the rows: ``[{pk, field, stored, actual}]``
    (for the repair command's ``--check`` and the tests)."""
    if queryset is None:
        queryset = Proposal.objects.all()
    names = [f"recounted_{n}" for n in COUNTERS]
    rows = annotate_recounted(queryset.order_by("pk")).values("pk", *COUNTERS, *names)
    problems = []
    for row in rows:
        for name in COUNTERS:
            actual = row[f"recounted_{name}"]
            if row[name] != actual:
                problems.append(
                    {"pk": row["pk"], "field": name, "stored": row[name], "actual": actual}
                )
    return problems


# --------------------------------------------------------------------------------------------
# Receivers (connected on import; agenda/apps.py imports this module in ready())


@receiver(post_save, sender=Vote, dispatch_uid="agenda_counters_vote_saved")
def _vote_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    new = (instance.proposal_id, instance.value)
    old = None if created else getattr(instance, "_counted", None)
    if old != new:
        if old is not None:
            bump_votes(*old, -1)
        bump_votes(*new, +1)
    instance._counted = new


@receiver(post_delete, sender=Vote, dispatch_uid="agenda_counters_vote_deleted")
def _vote_deleted(sender, instance, **kwargs):
    old = getattr(instance, "_counted", None) or (instance.proposal_id, instance.value)
    bump_votes(*old, -1)
    instance._counted = None


@receiver(post_save, sender=OfflineVoteTally, dispatch_uid="agenda_counters_tally_saved")
def _tally_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    refresh_paper([instance.proposal_id, getattr(instance, "_counted_proposal_id", None)])
    instance._counted_proposal_id = instance.proposal_id


@receiver(post_delete, sender=OfflineVoteTally, dispatch_uid="agenda_counters_tally_deleted")
def _tally_deleted(sender, instance, **kwargs):
    refresh_paper([instance.proposal_id, getattr(instance, "_counted_proposal_id", None)])


def _proposal_of(comment) -> int | None:
    if comment.content_type_id != ContentType.objects.get_for_model(Proposal).pk:
        return None
    try:
        return int(comment.object_pk)
    except (TypeError, ValueError):
        return None


@receiver(post_save, sender=XtdComment, dispatch_uid="agenda_counters_comment_saved")
def _comment_saved(sender, instance, raw=False, **kwargs):
    if not raw and (proposal_id := _proposal_of(instance)) is not None:
        recount_comments(proposal_id)


@receiver(post_delete, sender=XtdComment, dispatch_uid="agenda_counters_comment_deleted")
def _comment_deleted(sender, instance, **kwargs):
    if (proposal_id := _proposal_of(instance)) is not None:
        recount_comments(proposal_id)


@receiver(comment_removed, dispatch_uid="agenda_counters_comment_removed")
def _comment_removed(sender, comment, **kwargs):
    if (proposal_id := _proposal_of(comment)) is not None:
        recount_comments(proposal_id)
