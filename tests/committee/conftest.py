from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests.accompaniment.factories import AccompanimentProviderFactory
from tests.committee.factories import (
    campaign_with_sites,
    committee_member,
    reviewed_dossier,
    scheduled_meeting,
)
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import UserFactory


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    """A meeting today with three dossiers in instruction and five invited members, one of
    them a RAMSESS consultant: RAMSESS diagnosed the first structure, so that member has
    a conflict on it, prefilled from the assignment. Quorum: three."""
    coordinator = UserFactory(coordinator=True, first_name="Myriam", last_name="Carbonare")
    ramsess = AccompanimentProviderFactory(
        name="RAMSESS",
        short_name="RAMSESS",
        axes=["diagnostic", "securing"],
        daily_rate=Decimal("450"),
    )
    members = [
        committee_member(first_name="Alice", last_name="Arnaud"),
        committee_member(first_name="Bruno", last_name="Bertin", organisation="Fondation MACIF"),
        committee_member(first_name="Chloé", last_name="Chabert", organisation="APEAS"),
        committee_member(first_name="Denis", last_name="Dumas", organisation="Région PACA"),
    ]
    consultant = committee_member(
        first_name="Rémi", last_name="Ramsess", organisation="RAMSESS", provider=True
    )
    ramsess.members.add(consultant)
    campaign = campaign_with_sites()
    dossiers = [
        reviewed_dossier(campaign, name)
        for name in ("Épicerie du Panier", "Atelier Vélo", "Café de la Plaine")
    ]
    DiagnosticFactory(
        structure=dossiers[0].structure,
        provider=ramsess,
        validated=True,
        full=True,
        purpose="assessment",
        dossier=dossiers[0],
    )
    outsider = committee_member(first_name="Olivier", last_name="Outsider")
    with django_capture_on_commit_callbacks(execute=True):
        meeting = scheduled_meeting(
            coordinator, campaign, [*members, consultant], dossiers=dossiers, quorum=3
        )
    items = list(meeting.agenda.select_related("dossier__structure").order_by("position"))
    return SimpleNamespace(
        coordinator=coordinator,
        ramsess=ramsess,
        members=members,
        consultant=consultant,
        outsider=outsider,
        campaign=campaign,
        dossiers=dossiers,
        meeting=meeting,
        items=items,
        mk2=campaign.sites.get(code="mk2"),
        friche=campaign.sites.get(code="friche"),
    )


def editor_of(dossier):
    return dossier.structure.memberships.get().user
