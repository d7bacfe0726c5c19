"""A submission racing the removal of a document never leaves a dossier without its pieces."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from applicants.models import Attachment, Dossier, DossierStatus, Membership
from applicants.services.attachments import attachment_delete
from applicants.services.dossiers import dossier_transition
from ccr_portal.workflow import TransitionRefused
from tests.conftest import require
from tests.factories import DossierFactory, UserFactory


def _race(dossier, editor):
    attachment = Attachment.objects.get(dossier=dossier)
    barrier = threading.Barrier(2)

    def run(step):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            step()
        except (ValidationError, TransitionRefused):
            pass
        finally:
            thread_connection.close()

    steps = [
        lambda: dossier_transition(
            dossier=Dossier.objects.get(pk=dossier.pk), actor=editor, action="submit"
        ),
        lambda: attachment_delete(
            attachment=Attachment.objects.select_related("dossier").get(pk=attachment.pk),
            actor=editor,
        ),
    ]
    threads = [threading.Thread(target=run, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.django_db(transaction=True)
def test_ten_races_between_submitting_and_removing_a_piece():
    require(connection.vendor == "postgresql", "la course se joue sur PostgreSQL")
    editor = UserFactory(applicant=True)
    outcomes = set()
    for _ in range(10):
        dossier = DossierFactory(complete=True)
        Membership.objects.create(structure=dossier.structure, user=editor, role="editor")
        _race(dossier, editor)
        dossier.refresh_from_db()
        has_piece = Attachment.objects.filter(dossier=dossier).exists()
        # Either submitted with its piece, or still a draft (with or without it).
        assert dossier.status == DossierStatus.DRAFT or has_piece
        outcomes.add((dossier.status, has_piece))
    assert outcomes <= {
        (DossierStatus.SUBMITTED, True),
        (DossierStatus.DRAFT, False),
    }
