import pytest

from grids.management.commands.createteacher import create_teacher
from tests.factories import make_class

PASSWORD = "a-long-class-password-42"


@pytest.fixture
def class_teacher(db):
    """A teacher of her own classes only (createteacher --own-classes)."""
    return create_teacher("ms.frizzle", PASSWORD, own_classes=True)


@pytest.fixture
def other_class_teacher(db):
    return create_teacher("mr.ratburn", PASSWORD, own_classes=True)


@pytest.fixture
def site_moderator(db):
    return create_teacher("ms.moderator", PASSWORD)


@pytest.fixture
def her_class(class_teacher):
    return make_class(name="7B Computing", teachers=[class_teacher], public=True)


@pytest.fixture
def other_class(other_class_teacher):
    return make_class(name="8C Art", teachers=[other_class_teacher])
