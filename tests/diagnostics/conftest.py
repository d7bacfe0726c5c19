"""The people of the diagnostics' tests: a structure and its editor, the coordination, RAMSESS."""

from decimal import Decimal

import pytest

from applicants.models import Membership
from tests.factories import MembershipFactory, ProviderFactory, UserFactory


@pytest.fixture
def editor():
    return MembershipFactory(structure__name="Épicerie Solidaire du Panier").user


@pytest.fixture
def structure(editor):
    return editor.memberships.get().structure


@pytest.fixture
def reader(structure):
    return MembershipFactory(structure=structure, role=Membership.Role.READER).user


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True, first_name="Myriam", last_name="Carbonare")


@pytest.fixture
def committee():
    return UserFactory(committee=True)


@pytest.fixture
def ramsess():
    return ProviderFactory(name="RAMSESS", short_name="RAMSESS", monthly_capacity_days=Decimal("4"))


@pytest.fixture
def consultant(ramsess):
    person = UserFactory(provider=True, first_name="Marie", last_name="Dulaurier")
    ramsess.members.add(person)
    return person
