"""Inline <style> elements that a Content-Security-Policy without 'unsafe-inline' allows.

A grid's per-grid CSS (grids/rendering/html.py) is written inline. Each such element's SHA-256
is recorded on the request, and InlineStyleCSPMiddleware adds it to the response's style-src:
the browser then applies exactly the text the server wrote, and no injected <style>.

A hash rather than a nonce: the page stays the same bytes on every request, so its ETag holds
and a cached copy revalidates with a 304, and the policy a 304 carries still matches the copy
the browser kept (a fresh nonce would not, and the grid would lose its sizes).
"""

import base64
import functools
import hashlib

from csp.constants import HEADER
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
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


@functools.lru_cache(maxsize=4096)
def policy_allowing(style_hashes: tuple[str, ...]) -> str:
    """The site's policy (settings.CONTENT_SECURITY_POLICY) plus these style hashes.

    django-csp rebuilds the header from the settings on every response, about a fifth of a
    cached grid page's whole cost (bench/RESULTS.md); the answer depends only on the settings
    and the hashes, so it is built once per process for each. lru_cache is thread-safe and
    bounded: one entry per grid page recently served.
    """
    update = {"style-src": list(style_hashes)} if style_hashes else None
    return build_policy(update=update)


def forget_policies(setting, **kwargs):
    """Connected to setting_changed (SiteConfig.ready()): tests change the policy."""
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        policy_allowing.cache_clear()


class InlineStyleCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, plus the hashes of the inline styles this response carries."""

    def process_response(self, request, response):
        # The common case, built once (policy_allowing); anything django-csp's own machinery
        # is asked for (a nonce, a per-view policy, a report-only policy, debug pages) goes
        # through it unchanged.
        plain = not (
            settings.DEBUG
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or getattr(request, "_csp_nonce", None)
            or any(
                hasattr(response, attribute)
                for attribute in ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")
            )
        )
        if not plain:
            return super().process_response(request, response)
        if HEADER not in response:
            hashes = tuple(getattr(request, "csp_style_hashes", ()))
            response[HEADER] = policy_allowing(hashes)
        return response

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        hashes = getattr(request, "csp_style_hashes", [])
        if hashes:
            update = dict(parts.update or {})
            update["style-src"] = [*update.get("style-src", []), *hashes]
            parts.update = update
        return parts
