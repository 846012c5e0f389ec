import pytest
from django.db import OperationalError

from grids.models import GridQuerySet

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(GridQuerySet, "reachable", refuse)


@pytest.mark.parametrize("path", ["/get/abc123", "/api/grids/abc123", "/get/secret/abc123"])
def test_api_answers_503_json_while_the_database_is_down(client, database_down, path):
    response = client.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "cannot reach its database" in response.json()["detail"]


def test_pages_answer_a_503_page_while_the_database_is_down(client, database_down):
    response = client.get("/abc123")

    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()
