"""Predicates of the agenda (django-rules). The object is a round (RoundPage) or a proposal;
phase predicates read the round's features map (``agenda/phases.py``). All return False for None.
"""

import rules

from agenda import phases as ph


def round_of(obj):
    """The round of a round or proposal (None for anything else)."""
    if obj is None:
        return None
    from agenda.models import Proposal, RoundPage

    if isinstance(obj, Proposal):
        return obj.round
    if isinstance(obj, RoundPage):
        return obj
    specific = getattr(obj, "specific", None)
    return specific if isinstance(specific, RoundPage) else None


def phase_allows(feature: str):
    """A predicate: the object's round allows ``feature`` now."""

    def check(user, obj=None) -> bool:
        round_ = round_of(obj)
        return bool(round_ is not None and round_.allows(feature))

    check.__name__ = f"phase_allows_{feature}"
    return rules.predicate(check, name=f"phase_allows_{feature}")


@rules.predicate
def is_author(user, proposal) -> bool:
    return bool(
        user is not None
        and proposal is not None
        and getattr(user, "is_authenticated", False)
        and getattr(proposal, "author_id", None) is not None
        and proposal.author_id == user.pk
    )


@rules.predicate
def is_open_proposal(user, proposal) -> bool:
    """The proposal takes part in its round: not withdrawn, merged or hidden."""
    return bool(proposal is not None and getattr(proposal, "is_open", False))


@rules.predicate
def is_editable_status(user, proposal) -> bool:
    """Nobody has looked at it yet: authors may still change or withdraw it."""
    from agenda.models import ProposalStatus

    return bool(
        proposal is not None
        and not getattr(proposal, "hidden", True)
        and getattr(proposal, "status", None) in ProposalStatus.open_statuses()
    )


@rules.predicate
def is_public_proposal(user, proposal) -> bool:
    """Its detail page is public: the round page is live and editors have not hidden it."""
    return bool(proposal is not None and not proposal.hidden and proposal.round.live)


@rules.predicate
def is_live_round(user, round_obj) -> bool:
    round_ = round_of(round_obj)
    return bool(round_ is not None and round_.live)


can_propose = phase_allows(ph.F_PROPOSE)
can_edit = phase_allows(ph.F_EDIT)
can_withdraw = phase_allows(ph.F_WITHDRAW)
can_comment_now = phase_allows(ph.F_COMMENT)
can_vote_now = phase_allows(ph.F_VOTE)
can_answer_now = phase_allows(ph.F_ANSWER)
shows_counts = phase_allows(ph.F_SHOW_COUNTS)
shows_results = phase_allows(ph.F_SHOW_RESULTS)
can_carry_over_now = phase_allows(ph.F_CARRY_OVER)
can_merge_now = phase_allows(ph.F_MERGE)
can_enter_offline_now = phase_allows(ph.F_ENTER_OFFLINE)
