import pytest

pytestmark = pytest.mark.django_db


def test_about_points_the_client_at_the_sites_own_address(client, settings):
    settings.IPB_SITE_URL = "https://blocks.school.example"
    html = client.get("/about").content.decode()

    assert "ipb._POST_URL = 'https://blocks.school.example/post'" in html
    assert "ipb._GET_URL_PUBLIC = 'https://blocks.school.example/get/{0}'" in html
    assert "ipb._GET_URL_SECRET = 'https://blocks.school.example/get/secret/{0}'" in html


def test_about_shows_the_sites_address_whatever_host_or_prefix_a_request_names(client, settings):
    # A proxy's internal name, a port or a SCRIPT_NAME from a server must not reach a snippet
    # that students copy into notebooks.
    settings.IPB_SITE_URL = "https://blocks.school.example"
    settings.ALLOWED_HOSTS = ["internal-name"]
    html = client.get("/about", HTTP_HOST="internal-name", SCRIPT_NAME="/elsewhere").content
    html = html.decode()

    assert "ipb._POST_URL = 'https://blocks.school.example/post'" in html
    assert "internal-name" not in html
    assert "/elsewhere" not in html


def test_about_explains_secret_grids(client):
    html = client.get("/about").content.decode()

    assert "post_to_web(secret=True)" in html
    assert "never listed" in html
