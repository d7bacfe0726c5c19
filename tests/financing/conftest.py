import pytest

from tests.financing.factories import financing_world


@pytest.fixture
def world(db):
    return financing_world()
