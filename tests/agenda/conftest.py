"""Fixtures of the agenda tests: users in each role, a round in a given phase."""

import pytest

from civic.roles import EDITORS, RESIDENTS, STEERING, assign_role
from tests.agenda.factories import FieldOfActionFactory, RoundPageFactory
from tests.civic.factories import UserFactory


@pytest.fixture
def resident(db):
    user = UserFactory(display_name="Rita Resident")
    assign_role(user, RESIDENTS)
    return user


@pytest.fixture
def other_resident(db):
    user = UserFactory(display_name="Otto Anders")
    assign_role(user, RESIDENTS)
    return user


@pytest.fixture
def unverified(db):
    return UserFactory(display_name="Ulla Unbestätigt")


@pytest.fixture
def editor(db):
    user = UserFactory(display_name="Erika Redaktion")
    assign_role(user, EDITORS)
    return user


@pytest.fixture
def steering(db):
    user = UserFactory(display_name="Sven Steuerung")
    assign_role(user, STEERING)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(display_name="Admin", is_superuser=True, is_staff=True)


@pytest.fixture
def field_of_action(db):
    return FieldOfActionFactory(name="Bildung", slug="bildung")


@pytest.fixture
def voting_round(db):
    return RoundPageFactory(current="vote")
