import pytest

pytestmark = pytest.mark.django_db


def test_about_shows_how_to_point_the_client_at_this_site(client, settings):
    settings.ALLOWED_HOSTS = ["blocks.school.example"]
    html = client.get("/about", HTTP_HOST="blocks.school.example").content.decode()

    assert "ipb._POST_URL = 'http://blocks.school.example/post'" in html
    assert "ipb._GET_URL_PUBLIC = 'http://blocks.school.example/get/{0}'" in html
    assert "ipb._GET_URL_SECRET = 'http://blocks.school.example/get/secret/{0}'" in html


def test_about_explains_secret_grids(client):
    html = client.get("/about").content.decode()

    assert "post_to_web(secret=True)" in html
    assert "never listed" in html
