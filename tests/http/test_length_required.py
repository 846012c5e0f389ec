"""A body sent in chunks is refused with a 411 that says to send a length (issue 22): Django
would read it as empty, and a grid post would be answered as if its fields were missing."""

import json

import pytest

from grids.models import Grid
from ipbsite.http.length_required import ADVICE
from tests.factories import post_payload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/post", "/api/grids"])
def test_a_grid_posted_in_chunks_is_refused_with_411_in_json(client, path):
    response = client.post(
        path,
        json.dumps(post_payload()),
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
    )

    assert response.status_code == 411
    assert response.json() == {"detail": ADVICE}
    assert not Grid.objects.exists()


def test_a_form_posted_in_chunks_is_refused_with_411_in_words(client, make_grid):
    grid = make_grid()

    response = client.post(
        f"/{grid.public_id}/report",
        {"reason": "hurtful"},
        HTTP_TRANSFER_ENCODING="gzip, chunked",
    )

    assert response.status_code == 411
    assert "Content-Length" in response.content.decode()
    assert not grid.reports.exists()
