"""What each phase of a participation round allows: the declared features map.

A round has dated phases; each phase has one or more *kinds* (propose, comment, vote, evaluate,
result), so kinds can be combined ("Ideensammlung und Diskussion"). The features of a round at a
moment are the union of the features of the kinds of the phase active then. Every permission check
(``agenda/rules.py``) reads the features through :meth:`agenda.models.RoundPage.features`; no view
decides by phase names on its own.
"""

from django.utils.translation import gettext_lazy as _

# -- phase kinds ---------------------------------------------------------------------------------

PROPOSE = "propose"
COMMENT = "comment"
VOTE = "vote"
EVALUATE = "evaluate"
RESULT = "result"

PHASE_KINDS = [
    (PROPOSE, _("Ideensammlung")),
    (COMMENT, _("Diskussion")),
    (VOTE, _("Abstimmung")),
    (EVALUATE, _("Auswertung")),
    (RESULT, _("Ergebnis")),
]
KIND_ORDER = [kind for kind, _label in PHASE_KINDS]
KIND_LABELS = dict(PHASE_KINDS)

# -- features ------------------------------------------------------------------------------------

F_PROPOSE = "propose"  # submit a new proposal
F_EDIT = "edit_proposal"  # authors change their proposals
F_WITHDRAW = "withdraw_proposal"  # authors withdraw their proposals
F_COMMENT = "comment"
F_VOTE = "vote"
F_ANSWER = "answer"  # the steering group sets a status and answers
F_SHOW_COUNTS = "show_counts"  # vote counts are public
F_SHOW_RESULTS = "show_results"  # the results page is public
F_CARRY_OVER = "carry_over"  # proposals may be carried into the next round
F_MERGE = "merge"  # duplicates may be merged (votes move)
F_ENTER_OFFLINE = "enter_offline"  # staff enter workshop proposals and paper votes

ALL_FEATURES = frozenset(
    {
        F_PROPOSE,
        F_EDIT,
        F_WITHDRAW,
        F_COMMENT,
        F_VOTE,
        F_ANSWER,
        F_SHOW_COUNTS,
        F_SHOW_RESULTS,
        F_CARRY_OVER,
        F_MERGE,
        F_ENTER_OFFLINE,
    }
)

# A pseudo-feature: becomes ``show_counts`` when the round shows counts during voting.
COUNTS_IF_VISIBLE = "show_counts_if_visible_during_voting"

#: The features map: which features each kind of phase allows.
PHASE_FEATURES: dict[str, frozenset[str]] = {
    PROPOSE: frozenset({F_PROPOSE, F_EDIT, F_WITHDRAW, F_MERGE, F_ENTER_OFFLINE}),
    COMMENT: frozenset({F_COMMENT, F_WITHDRAW, F_MERGE, F_ENTER_OFFLINE}),
    VOTE: frozenset({F_VOTE, F_WITHDRAW, F_MERGE, F_ENTER_OFFLINE, COUNTS_IF_VISIBLE}),
    EVALUATE: frozenset({F_ANSWER, F_CARRY_OVER, F_MERGE, F_ENTER_OFFLINE, COUNTS_IF_VISIBLE}),
    RESULT: frozenset({F_ANSWER, F_CARRY_OVER, F_SHOW_COUNTS, F_SHOW_RESULTS}),
}

#: What stays true once every phase of a round is over. Results never disappear, and the steering
#: group keeps reporting what happened since (implementation status) and may carry proposals over.
AFTER_RESULT_FEATURES = PHASE_FEATURES[RESULT]


def features_for_kinds(kinds, *, counts_visible_during_voting: bool = False) -> frozenset[str]:
    """The union of the features of ``kinds``, with the round's counts setting applied."""
    features: set[str] = set()
    for kind in kinds or ():
        features |= PHASE_FEATURES.get(kind, frozenset())
    if COUNTS_IF_VISIBLE in features:
        features.discard(COUNTS_IF_VISIBLE)
        if counts_visible_during_voting:
            features.add(F_SHOW_COUNTS)
    return frozenset(features)


def sorted_kinds(kinds) -> list[str]:
    """Kinds in their natural order (propose before comment before vote ...)."""
    return sorted(set(kinds or ()), key=KIND_ORDER.index)


def kinds_label(kinds) -> str:
    """A human label for a combination of kinds, e.g. "Ideensammlung und Diskussion"."""
    labels = [str(KIND_LABELS[k]) for k in sorted_kinds(kinds) if k in KIND_LABELS]
    if not labels:
        return ""
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " " + str(_("und")) + " " + labels[-1]
