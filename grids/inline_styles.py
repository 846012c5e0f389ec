"""Inline <style> elements that a Content-Security-Policy without 'unsafe-inline' allows.

A grid's per-grid CSS (grids/rendering/html.py) is written inline. Each such element's SHA-256
is recorded on the request, and InlineStyleCSPMiddleware adds it to the response's style-src:
the browser then applies exactly the text the server wrote, and no injected <style>.

A hash rather than a nonce: the page stays the same bytes on every request, so its ETag holds
and a cached copy revalidates with a 304, and the policy a 304 carries still matches the copy
the browser kept (a fresh nonce would not, and the grid would lose its sizes).
"""

import base64
import hashlib

from csp.middleware import CSPMiddleware, PolicyParts
from django.utils.safestring import SafeString, mark_safe


def allow_inline_style(request, css: str) -> SafeString:
    """Record `css` as allowed for this response and return its <style> element."""
    if "</" in css:
        # It would end the element early; the renderer never writes it, so refuse loudly.
        raise ValueError("inline CSS must not contain '</'")
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode("ascii")
    if not hasattr(request, "csp_style_hashes"):
        request.csp_style_hashes = []
    request.csp_style_hashes.append(f"'sha256-{digest}'")
    # The renderer's own output (ints and a checked id), so nothing here needs escaping.
    return mark_safe(f"<style>{css}</style>")


class InlineStyleCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, plus the hashes of the inline styles this response carries."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        hashes = getattr(request, "csp_style_hashes", [])
        if hashes:
            update = dict(parts.update or {})
            update["style-src"] = [*update.get("style-src", []), *hashes]
            parts.update = update
        return parts
