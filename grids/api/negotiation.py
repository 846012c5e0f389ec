"""Which renderer answers: always JSON, the one thing the API speaks.

DRF's default negotiation parses the Accept header and matches it against every renderer on
each request (a measurable share of a small post: bench/RESULTS.md), to pick the only
renderer there is; and
for an Accept it cannot match it answers 406, which the client, whatever it asked, cannot
use. This is the "ignore the client" negotiation of DRF's own documentation (content
negotiation, "Custom content negotiation").
"""

from rest_framework.negotiation import BaseContentNegotiation


class JSONOnlyNegotiation(BaseContentNegotiation):
    def select_parser(self, request, parsers):
        # grids/api/parsers.py: one parser, for whatever the body is labelled.
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
