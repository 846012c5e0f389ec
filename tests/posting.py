"""Posting to the site as the ipythonblocks client does."""

import json


def post_json(client, body, content_type="", path="/post"):
    """POST like the ipythonblocks client: a JSON text body, by default with no content type."""
    if not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    return client.generic("POST", path, body, content_type=content_type)
