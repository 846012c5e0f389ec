"""The Python students paste into a notebook to use this site, built from IPB_SITE_URL.

The ipythonblocks client talks to ipythonblocks.org unless its three URL constants are set
(CONTRACT.md, The URLs), so on any other site every snippet sets them first: pasted as shown,
it works on the site that showed it.
"""

from urllib.parse import urlsplit

from django.conf import settings

from grids.models import Grid
from grids.site_url import client_url_constants

# Where the client points unless told otherwise.
THE_CLIENTS_OWN_HOSTS = {"ipythonblocks.org", "www.ipythonblocks.org"}


def client_setup_lines() -> list[str]:
    """The lines that point the client at this site; none on ipythonblocks.org itself."""
    if urlsplit(settings.IPB_SITE_URL).hostname in THE_CLIENTS_OWN_HOSTS:
        return []
    constants = client_url_constants()
    return ["import ipythonblocks.ipythonblocks as ipb"] + [
        f"ipb.{name} = '{url}'" for name, url in constants.items()
    ]


def remix_snippet(grid: Grid) -> str:
    """The code that pulls this grid into a student's own notebook."""
    secret = ", secret=True" if grid.secret else ""
    return "\n".join(
        [
            *client_setup_lines(),
            f"from ipythonblocks import {grid.ipb_class}",
            f"grid = {grid.ipb_class}.from_web('{grid.public_id}'{secret})",
            "grid",
        ]
    )
