"""The permission matrix of the agenda, asserted cell by cell: role × phase × rule.

Each table row is a role, each column a state of the round:
``before`` (no phase begun), ``propose``, ``comment``, ``vote``, ``evaluate``, ``result``,
``ended`` (all phases over; the results stay). ✓ = allowed, · = refused.
"""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from agenda.models import ProposalStatus
from civic.roles import EDITORS, RESIDENTS, STEERING, assign_role
from tests.agenda.factories import ProposalFactory, RoundPageFactory
from tests.civic.factories import UserFactory

pytestmark = pytest.mark.django_db

PHASES = ["before", "propose", "comment", "vote", "evaluate", "result", "ended"]
ROLES = ["anonym", "unverified", "resident", "author", "editor", "steering", "admin"]

#: rule -> (object the rule is checked on, table)
MATRIX = {
    "agenda.view_proposal": (
        "proposal",
        """
        anonym      ✓ ✓ ✓ ✓ ✓ ✓ ✓
        unverified  ✓ ✓ ✓ ✓ ✓ ✓ ✓
        resident    ✓ ✓ ✓ ✓ ✓ ✓ ✓
        author      ✓ ✓ ✓ ✓ ✓ ✓ ✓
        editor      ✓ ✓ ✓ ✓ ✓ ✓ ✓
        steering    ✓ ✓ ✓ ✓ ✓ ✓ ✓
        admin       ✓ ✓ ✓ ✓ ✓ ✓ ✓
        """,
    ),
    "agenda.add_proposal": (
        "round",
        """
        anonym      · · · · · · ·
        unverified  · · · · · · ·
        resident    · ✓ · · · · ·
        author      · ✓ · · · · ·
        editor      · ✓ · · · · ·
        steering    · ✓ · · · · ·
        admin       · ✓ · · · · ·
        """,
    ),
    "agenda.change_proposal": (
        "proposal",
        """
        anonym      · · · · · · ·
        unverified  · · · · · · ·
        resident    · · · · · · ·
        author      · ✓ · · · · ·
        editor      · · · · · · ·
        steering    · · · · · · ·
        admin       · · · · · · ·
        """,
    ),
    "agenda.withdraw_proposal": (
        "proposal",
        """
        anonym      · · · · · · ·
        unverified  · · · · · · ·
        resident    · · · · · · ·
        author      · ✓ ✓ ✓ · · ·
        editor      · · · · · · ·
        steering    · · · · · · ·
        admin       · · · · · · ·
        """,
    ),
    "agenda.comment_proposal": (
        "proposal",
        """
        anonym      · · · · · · ·
        unverified  · · · · · · ·
        resident    · · ✓ · · · ·
        author      · · ✓ · · · ·
        editor      · · ✓ · · · ·
        steering    · · ✓ · · · ·
        admin       · · ✓ · · · ·
        """,
    ),
    "agenda.vote_proposal": (
        "proposal",
        """
        anonym      · · · · · · ·
        unverified  · · · · · · ·
        resident    · · · ✓ · · ·
        author      · · · ✓ · · ·
        editor      · · · ✓ · · ·
        steering    · · · ✓ · · ·
        admin       · · · ✓ · · ·
        """,
    ),
    "agenda.moderate_proposal": (
        "proposal",
        """
        anonym      · · · · · · ·
        unverified  · · · · · · ·
        resident    · · · · · · ·
        author      · · · · · · ·
        editor      ✓ ✓ ✓ ✓ ✓ ✓ ✓
        steering    · · · · · · ·
        admin       ✓ ✓ ✓ ✓ ✓ ✓ ✓
        """,
    ),
    "agenda.answer_proposal": (
        "proposal",
        """
        anonym      · · · · · · ·
        unverified  · · · · · · ·
        resident    · · · · · · ·
        author      · · · · · · ·
        editor      · · · · · · ·
        steering    · · · · ✓ ✓ ✓
        admin       · · · · ✓ ✓ ✓
        """,
    ),
    "agenda.set_status": (
        "proposal",
        """
        anonym      · · · · · · ·
        unverified  · · · · · · ·
        resident    · · · · · · ·
        author      · · · · · · ·
        editor      · · · · · · ·
        steering    · · · · ✓ ✓ ✓
        admin       · · · · ✓ ✓ ✓
        """,
    ),
    "agenda.merge_proposals": (
        "proposal",
        """
        anonym      · · · · · · ·
        unverified  · · · · · · ·
        resident    · · · · · · ·
        author      · · · · · · ·
        editor      · ✓ ✓ ✓ ✓ · ·
        steering    · ✓ ✓ ✓ ✓ · ·
        admin       · ✓ ✓ ✓ ✓ · ·
        """,
    ),
    "agenda.carry_over": (
        "round",
        """
        anonym      · · · · · · ·
        unverified  · · · · · · ·
        resident    · · · · · · ·
        author      · · · · · · ·
        editor      · · · · · · ·
        steering    · · · · ✓ ✓ ✓
        admin       · · · · ✓ ✓ ✓
        """,
    ),
    "agenda.enter_offline": (
        "round",
        """
        anonym      · · · · · · ·
        unverified  · · · · · · ·
        resident    · · · · · · ·
        author      · · · · · · ·
        editor      · ✓ ✓ ✓ ✓ · ·
        steering    · ✓ ✓ ✓ ✓ · ·
        admin       · ✓ ✓ ✓ ✓ · ·
        """,
    ),
    "agenda.view_counts": (
        "round",
        """
        anonym      · · · · · ✓ ✓
        unverified  · · · · · ✓ ✓
        resident    · · · · · ✓ ✓
        author      · · · · · ✓ ✓
        editor      ✓ ✓ ✓ ✓ ✓ ✓ ✓
        steering    ✓ ✓ ✓ ✓ ✓ ✓ ✓
        admin       ✓ ✓ ✓ ✓ ✓ ✓ ✓
        """,
    ),
    "agenda.view_results": (
        "round",
        """
        anonym      · · · · · ✓ ✓
        unverified  · · · · · ✓ ✓
        resident    · · · · · ✓ ✓
        author      · · · · · ✓ ✓
        editor      ✓ ✓ ✓ ✓ ✓ ✓ ✓
        steering    ✓ ✓ ✓ ✓ ✓ ✓ ✓
        admin       ✓ ✓ ✓ ✓ ✓ ✓ ✓
        """,
    ),
}


def parse(table: str) -> dict[tuple[str, str], bool]:
    cells = {}
    lines = [line.split() for line in table.strip().splitlines()]
    assert [line[0] for line in lines] == ROLES
    for role, *marks in lines:
        assert len(marks) == len(PHASES)
        for phase, mark in zip(PHASES, marks, strict=True):
            cells[(role, phase)] = mark == "✓"
    return cells


@pytest.fixture
def people(db):
    def in_role(role):
        user = UserFactory()
        if role:
            assign_role(user, role)
        return user

    return {
        "anonym": AnonymousUser(),
        "unverified": UserFactory(),
        "resident": in_role(RESIDENTS),
        "author": in_role(RESIDENTS),
        "editor": in_role(EDITORS),
        "steering": in_role(STEERING),
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }


@pytest.fixture
def rounds(db):
    current = {"before": None, **{p: p for p in PHASES[1:-1]}, "ended": "ended"}
    return {phase: RoundPageFactory(current=value) for phase, value in current.items()}


@pytest.mark.parametrize("rule", list(MATRIX))
def test_matrix(rule, people, rounds):
    kind, table = MATRIX[rule]
    proposals = {
        phase: ProposalFactory(round=round_, author=people["author"])
        for phase, round_ in rounds.items()
    }
    wrong = []
    for (role, phase), allowed in parse(table).items():
        obj = proposals[phase] if kind == "proposal" else rounds[phase]
        if rules.has_perm(rule, people[role], obj) is not allowed:
            wrong.append(f"{role} in {phase}: expected {'✓' if allowed else '·'}")
    assert not wrong, f"{rule}: " + "; ".join(wrong)


def test_counts_are_public_during_voting_when_the_round_says_so(people):
    round_ = RoundPageFactory(current="vote", counts_visible_during_voting=True)
    assert rules.has_perm("agenda.view_counts", people["anonym"], round_)
    assert not rules.has_perm("agenda.view_results", people["anonym"], round_)


@pytest.mark.parametrize("status", [ProposalStatus.WITHDRAWN, ProposalStatus.MERGED])
def test_closed_proposals_take_no_votes_comments_or_edits(people, status):
    for current, rule in [
        ("vote", "agenda.vote_proposal"),
        ("comment", "agenda.comment_proposal"),
        ("propose", "agenda.change_proposal"),
        ("propose", "agenda.withdraw_proposal"),
    ]:
        proposal = ProposalFactory(
            round=RoundPageFactory(current=current), author=people["author"], status=status
        )
        assert not rules.has_perm(rule, people["author"], proposal)


def test_reviewed_proposals_can_no_longer_be_changed_by_the_author(people):
    proposal = ProposalFactory(
        round=RoundPageFactory(current="propose"),
        author=people["author"],
        status=ProposalStatus.ADOPTED,
    )
    assert not rules.has_perm("agenda.change_proposal", people["author"], proposal)
    assert not rules.has_perm("agenda.withdraw_proposal", people["author"], proposal)


def test_hidden_proposals_only_for_moderators_and_steering(people):
    proposal = ProposalFactory(hidden=True)
    assert not rules.has_perm("agenda.view_proposal", people["anonym"], proposal)
    assert not rules.has_perm("agenda.view_proposal", people["resident"], proposal)
    assert rules.has_perm("agenda.view_proposal", people["editor"], proposal)
    assert rules.has_perm("agenda.view_proposal", people["steering"], proposal)


def test_inactive_users_are_refused(people):
    resident = people["resident"]
    resident.is_active = False
    resident.save()
    proposal = ProposalFactory(round=RoundPageFactory(current="vote"))
    assert not rules.has_perm("agenda.vote_proposal", resident, proposal)


def test_unpublished_round_takes_no_proposals(people):
    round_ = RoundPageFactory(current="propose", live=False)
    assert not rules.has_perm("agenda.add_proposal", people["resident"], round_)
