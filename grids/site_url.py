"""Absolute URLs of this site, from IPB_SITE_URL alone (ipbsite/settings.py).

Whatever is kept and sent to others (a cached page, a download, a command's output, a snippet
to paste) must not carry the address one request happened to use: a proxy's host, a port, a
scheme. Only the URL a post answers with names the host the student reached (docs/api.md).
"""

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """This site's address for a path from reverse() or get_absolute_url()."""
    if not path.startswith("/"):
        raise ValueError(f"expected a path from the site's root, not {path!r}")
    return settings.IPB_SITE_URL + path


def client_url_constants() -> dict[str, str]:
    """The ipythonblocks client's three URL constants, pointed at this site (CONTRACT.md, The
    URLs): what a notebook sets to post to and fetch from here instead of ipythonblocks.org."""
    placeholder = "ID"  # the client puts a grid's id where its URLs say {0}
    paths = {
        "_POST_URL": reverse("api:post"),
        "_GET_URL_PUBLIC": reverse("api:get", kwargs={"public_id": placeholder}),
        "_GET_URL_SECRET": reverse("api:get-secret", kwargs={"public_id": placeholder}),
    }
    return {
        name: absolute_url(path.replace(f"/{placeholder}", "/{0}")) for name, path in paths.items()
    }
