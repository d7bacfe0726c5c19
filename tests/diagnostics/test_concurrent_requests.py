"""Six copies of the same request sent at once give one request and one notification."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from ccr_portal.notifications.models import Notification
from diagnostics.models import Diagnostic
from diagnostics.services.diagnostics import diagnostic_request
from tests.conftest import require
from tests.factories import MembershipFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_six_concurrent_requests_give_one():
    require(connection.vendor == "postgresql", "la course se joue sur PostgreSQL")
    editor = MembershipFactory().user
    structure = editor.memberships.get().structure
    coordinator = UserFactory(coordinator=True)
    barrier = threading.Barrier(6)
    outcomes = []

    def request():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            diagnostic_request(structure=structure, actor=editor, kind="light", note="Vite !")
            outcomes.append("created")
        except ValidationError as error:
            outcomes.append(error.message_dict["kind"][0])
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=request) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Diagnostic.objects.filter(structure=structure).count() == 1
    assert len(outcomes) == 6  # every copy answered: created, or the French refusal
    assert outcomes.count("created") == 1
    assert set(outcomes) - {"created"} == {
        "Une demande de diagnostic léger attend déjà l'examen de la coordination pour cette "
        "structure."
    }
    assert Notification.objects.filter(recipient=coordinator).count() == 1
