"""The authorisation matrix's world (``tests/security/matrix_world.py``): built once per
test module, each viewer signed in once; ``matrix`` hands it to one test, in its savepoint."""

import pytest
from django.db import transaction
from django.test import Client


@pytest.fixture(scope="module")
def matrix_media(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, matrix_media):
    from django.test.utils import override_settings

    from tests.security.matrix_world import build_world

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=matrix_media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world()
            built.clients = {}
            for viewer, user in built.viewers.items():
                client = Client()
                if user is not None:
                    client.force_login(user)
                built.clients[viewer] = client
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def matrix(matrix_world, db, settings, matrix_media):
    settings.MEDIA_ROOT = matrix_media
    return matrix_world
