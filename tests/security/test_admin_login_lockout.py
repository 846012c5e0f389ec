"""Password guessing on the admin login is cut off (django-axes, counting in the database):
after IPB_LOGIN_FAILURE_LIMIT (5) wrong passwords for one user name from one address, even the
right password is refused for IPB_LOGIN_COOLOFF_MINUTES (15)."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a-long-class-password-42"


@pytest.fixture
def teachers(db, settings):
    # A fast hasher: each login checks a password, and the real one takes a third of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make = get_user_model().objects.create_user
    return [make(name, password=PASSWORD, is_staff=True) for name in ("frizzle", "keating")]


def log_in(client, username, password, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_sixth_login_is_refused_even_with_the_right_password(client, teachers):
    failures = [log_in(client, "frizzle", "guess").status_code for _ in range(5)]
    # The form again four times; the fifth failure is already answered with the lockout.
    assert failures == [200, 200, 200, 200, 429]

    refused = log_in(client, "frizzle", PASSWORD)

    assert refused.status_code == 429
    assert "too many login attempts" in refused.content.decode()
    assert is_logged_in(client) is False


def test_lockout_leaves_other_teachers_and_addresses_alone(client, teachers):
    for _ in range(6):
        log_in(client, "frizzle", "guess")

    assert log_in(client, "frizzle", PASSWORD, address="198.51.100.9").status_code == 302
    client.logout()
    assert log_in(client, "keating", PASSWORD).status_code == 302
    assert is_logged_in(client) is True


def test_four_wrong_passwords_then_the_right_one_logs_in(client, teachers):
    for _ in range(4):
        log_in(client, "frizzle", "guess")

    assert log_in(client, "frizzle", PASSWORD).status_code == 302
    assert is_logged_in(client) is True
