"""The agenda's part of "Meine Daten" and of the account deletion (see civic/privacy.py).

* Export: the person's proposals (all fields, the image file), votes and the rounds they voted in,
  the history entries they caused.
* Votes always stay counted, without the person (``Vote.user`` is SET_NULL): results do not
  change when someone leaves.
* Anonymise: proposals stay as they are; the author becomes the placeholder account
  ("Anonym" in public), because a proposal must keep an origin (database constraint).
* Delete: a proposal **nobody else took part in** (no votes or comments of others, no paper votes,
  no answer or decision by the steering group, not merged or carried over) is deleted with its
  image. A proposal others took part in stays, so their votes, comments and the steering group's
  answer keep their subject: its title stays, its description and image are removed, the author
  becomes the placeholder account and, if it was still open, it is withdrawn.
"""

from django.db.models import Q
from django.utils.translation import gettext, gettext_noop

from agenda.models import Proposal, ProposalEvent, ProposalStatus, RoundVoter, Vote
from civic.privacy import choice, deleted_account, iso, register_eraser, register_exporter


def export_agenda(user, export) -> dict:
    proposals = []
    queryset = (
        Proposal.objects.filter(Q(author=user) | Q(entered_by=user, author__isnull=True))
        .select_related("round", "field_of_action", "district", "image", "offline_source")
        .order_by("created", "pk")
    )
    for p in queryset:
        proposals.append(
            {
                "id": p.pk,
                "reference": p.reference,
                "round": p.round.title,
                "title": p.title,
                "description": p.description,
                "field_of_action": p.field_of_action.name,
                "lat": p.lat,
                "lon": p.lon,
                "district": p.district.name if p.district_id else None,
                "image": export.add_file("vorschlaege", p.image.file) if p.image_id else None,
                "status": choice(p, "status"),
                "answer": p.answer if p.answer_published else "",
                "created": iso(p.created),
                "updated": iso(p.updated),
                "withdrawn_at": iso(p.withdrawn_at),
                "hidden": p.hidden,
                "author": p.author_id == user.pk,
                "entered_by_you": p.entered_by_id == user.pk,
            }
        )
    votes = [
        {
            "proposal": v.proposal.reference,
            "proposal_title": v.proposal.title,
            "value": v.value,
            "cast": iso(v.created),
        }
        for v in Vote.objects.filter(user=user)
        .select_related("proposal__round")
        .order_by("created", "pk")
    ]
    rounds = [
        {
            "round": r.round.title,
            "first_vote": iso(r.first_vote_at),
            "last_vote": iso(r.last_vote_at),
        }
        for r in RoundVoter.objects.filter(user=user).select_related("round").order_by("pk")
    ]
    events = [
        {
            "proposal": e.proposal.reference,
            "kind": choice(e, "kind"),
            "at": iso(e.at),
            "note": e.note,
        }
        for e in ProposalEvent.objects.filter(actor=user)
        .select_related("proposal__round")
        .order_by("at", "pk")
    ]
    return {"proposals": proposals, "votes": votes, "rounds_voted": rounds, "history": events}


def others_took_part(proposal: Proposal, user) -> bool:
    """Whether anyone besides ``user`` has a stake in the proposal (then it is not deleted)."""
    from civic.comments import comments_for

    if proposal.answer or proposal.answered_at or proposal.merged_into_id:
        return True
    if proposal.status not in ProposalStatus.open_statuses() | {ProposalStatus.WITHDRAWN}:
        return True
    if proposal.votes.exclude(user=user).exists():
        return True
    if proposal.offline_tallies.exists() or proposal.merged_proposals.exists():
        return True
    if proposal.carried_to.exists() or proposal.carried_from_id:
        return True
    if comments_for(proposal).exclude(user=user).exists():
        return True
    return proposal.events.exclude(Q(actor=user) | Q(actor__isnull=True)).exists()


REMOVED_TEXT = gettext_noop(
    "Der Text dieses Vorschlags wurde auf Wunsch der Verfasserin oder des Verfassers gelöscht."
)


def erase_agenda(user, erasure) -> None:
    from civic.comments import comments_for

    placeholder = None
    own = Proposal.objects.filter(author=user).select_related("image")
    if erasure.delete_contributions:
        for proposal in own:
            image = proposal.image
            if not others_took_part(proposal, user):
                comments_for(proposal).delete()
                proposal.delete()
                erasure.count("proposals_deleted", 1)
            else:
                placeholder = placeholder or deleted_account()
                proposal.author = placeholder
                proposal.description = gettext(REMOVED_TEXT)
                proposal.image = None
                fields = ["author", "description", "image", "updated"]
                if proposal.status in ProposalStatus.open_statuses():
                    fields += proposal.mark_withdrawn(actor=None)
                proposal.save(update_fields=fields)
                erasure.count("proposals_emptied", 1)
            if image is not None:
                # Wagtail deletes the file and its renditions after the commit.
                image.delete()
    elif own.exists():
        placeholder = deleted_account()
        erasure.count("proposals_anonymised", own.update(author=placeholder))
    # Proposals staff entered without author or source keep their origin too.
    orphaned = Proposal.objects.filter(
        entered_by=user, author__isnull=True, offline_source__isnull=True
    )
    if orphaned.exists():
        orphaned.update(entered_by=placeholder or deleted_account())
    # Votes: kept and counted; the account link goes with the account (SET_NULL).
    erasure.count("votes_kept_anonymously", Vote.objects.filter(user=user).count())


register_exporter("agenda", export_agenda)
register_eraser("agenda", erase_agenda)
