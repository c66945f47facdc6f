"""Models of the Agile Digitale Agenda, split by concern and re-exported here:

* ``rounds``: fields of action, the agenda page, rounds (pages) and their dated phases;
* ``proposals``: offline sources and proposals (with their queryset);
* ``votes``: votes, the per-round voter rows, offline tallies, and the proposals' history.
"""

from agenda.models.proposals import (
    OfflineSource,
    Proposal,
    ProposalQuerySet,
    ProposalStatus,
)
from agenda.models.rounds import (
    AgendaPage,
    FieldOfAction,
    PhaseKindsField,
    RoundPage,
    RoundPageForm,
    RoundPhase,
    VotingMode,
    _current_year,
    _validate_colour,
    phase_errors,
)
from agenda.models.votes import OfflineVoteTally, ProposalEvent, RoundVoter, Vote

__all__ = [
    "AgendaPage",
    "FieldOfAction",
    "OfflineSource",
    "OfflineVoteTally",
    "PhaseKindsField",
    "Proposal",
    "ProposalEvent",
    "ProposalQuerySet",
    "ProposalStatus",
    "RoundPage",
    "RoundPageForm",
    "RoundPhase",
    "RoundVoter",
    "Vote",
    "VotingMode",
    "_current_year",
    "_validate_colour",
    "phase_errors",
]
