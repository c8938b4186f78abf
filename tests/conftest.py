import pytest

from nerve import backend as K


@pytest.fixture(autouse=True)
def _fresh_session():
    """Every test starts with default names and an unset learning phase."""
    K.clear_session()
    yield
    K.clear_session()
