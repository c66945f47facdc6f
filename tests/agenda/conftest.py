"""Fixtures of the agenda tests: users in each role, a round in a given phase."""

import pytest

from tests.agenda.factories import FieldOfActionFactory, RoundPageFactory


@pytest.fixture
def field_of_action(db):
    return FieldOfActionFactory(name="Bildung", slug="bildung")


@pytest.fixture
def voting_round(db):
    return RoundPageFactory(current="vote")
