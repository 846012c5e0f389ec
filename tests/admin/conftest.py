import pytest

from grids.management.commands.createteacher import create_teacher


@pytest.fixture
def teacher(db):
    return create_teacher("ms.frizzle", "a-long-class-password-42")


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client
