"""Who is told: the audience selectors, written once, and the one rule for a consultant."""

import pytest

from applicants import people
from applicants.models import Membership
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import DossierFactory, MembershipFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ramsess():
    provider = ProviderFactory(name="RAMSESS")
    marie, paul = UserFactory(provider=True), UserFactory(provider=True)
    # A member of the organisation without the provider role (say, its accountant), and a
    # consultant who left: neither counts.
    accountant = UserFactory()
    gone = UserFactory(provider=True, is_active=False)
    provider.members.add(marie, paul, accountant, gone)
    return provider, marie, paul, accountant, gone


def test_a_consultant_is_an_active_member_holding_the_provider_role(ramsess):
    provider, marie, paul, _accountant, _gone = ramsess
    assert list(provider.consultants()) == [marie, paul]


def test_the_named_consultant_is_told_else_every_consultant_of_the_provider(ramsess):
    provider, marie, paul, accountant, _gone = ramsess
    unnamed = DiagnosticFactory(assigned=True, provider=provider)
    assert people.provider_consultants(unnamed) == [marie, paul]
    named = DiagnosticFactory(assigned=True, provider=provider, consultant=paul)
    assert people.provider_consultants(named) == [paul]
    # Naming someone who is not a consultant falls back on the consultants.
    odd = DiagnosticFactory(assigned=True, provider=provider, consultant=accountant)
    assert people.provider_consultants(odd) == [marie, paul]
    assert people.provider_consultants(DiagnosticFactory()) == []


def test_the_permission_layer_follows_the_same_rule(ramsess):
    provider, marie, _paul, accountant, gone = ramsess
    diagnostic = DiagnosticFactory(in_progress=True, provider=provider)
    assert marie.has_perm("diagnostics.fill_grid", diagnostic)
    assert not accountant.has_perm("diagnostics.fill_grid", diagnostic)
    assert not gone.has_perm("diagnostics.fill_grid", diagnostic)
    outsider = UserFactory(provider=True)
    assert not outsider.has_perm("diagnostics.fill_grid", diagnostic)


def test_structure_members_and_editors_are_active_people_of_the_structure():
    editor = MembershipFactory().user
    structure = editor.memberships.get().structure
    reader = UserFactory(applicant=True)
    Membership.objects.create(structure=structure, user=reader, role=Membership.Role.READER)
    left = UserFactory(applicant=True, is_active=False)
    Membership.objects.create(structure=structure, user=left, role=Membership.Role.EDITOR)
    MembershipFactory()  # another structure's editor
    dossier = DossierFactory(structure=structure)
    assert people.structure_members(dossier) == [editor, reader]
    assert people.structure_members(structure) == [editor, reader]
    assert people.structure_editors(dossier) == [editor]


def test_the_instructor_alone_else_every_coordinator():
    first, second = UserFactory(coordinator=True), UserFactory(coordinator=True)
    UserFactory(coordinator=True, is_active=False)
    dossier = DossierFactory()
    assert people.instructors(dossier) == [first, second]
    dossier.instructor = second
    dossier.save()
    assert people.instructors(dossier) == [second]
    # Objects of a dossier's structure (a diagnostic ordered on it) follow its instructor.
    diagnostic = DiagnosticFactory(structure=dossier.structure, dossier=dossier)
    assert people.instructors(diagnostic) == [second]
    second.is_active = False
    second.save()
    assert people.instructors(dossier) == [first]
