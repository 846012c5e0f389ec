"""Turns a request body into Python data. Nothing else in the site cares about content types.

The ipythonblocks client posts `requests.post(url, data=json.dumps(req))`: a JSON body with no
Content-Type header at all (CONTRACT.md, Posting). Django REST framework picks a parser by media
type and answers 415 when none matches, which would break every student, so our one parser
matches every media type and reads the body as JSON whatever it is labelled.
"""

import json

import orjson
from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser

from ipbsite.collector import collector_paused

# Bodies up to this size are parsed by orjson, several times faster than the json module for a
# small post (bench/RESULTS.md). Larger ones go to the json module,
# which holds less memory: orjson builds a document of its own before the Python objects, and a
# post at the body limit (8 MiB) peaked at 15 copies of its body against 6
# (tests/api/test_post_memory.py); under this size 15 copies are at most 4 MiB. Every body
# orjson takes, the json module takes too and reads alike, but for a number too large for 64
# bits, which orjson makes a float: no grid's field accepts it either way, and the error reads
# the same. Whatever orjson refuses is parsed again by the json module, so a broken body is
# answered in the same words at any size: lone surrogates, which orjson refuses and the json
# module reads, still reach the serializer, which names the field.
FAST_PARSE_MAX_BYTES = 256 * 1024


class RequestBodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "body_too_large"


def _reject_constant(name: str):
    # json accepts NaN and Infinity by default; they are not JSON and no grid holds them.
    raise ValueError(f"{name} is not valid JSON")


class ClientJSONParser(BaseParser):
    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.IPB_MAX_BODY_BYTES
        if stream is None:
            raise ParseError("The request body is empty; expected a JSON object.")
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise RequestBodyTooLarge(f"The request body is larger than {limit} bytes.")
        refuse_more_lists_or_strings_than_a_grid_has(body)
        if len(body) <= FAST_PARSE_MAX_BYTES:
            try:
                with collector_paused():  # a list per block: ipbsite/collector.py says why
                    return orjson.loads(body)
            except orjson.JSONDecodeError:
                pass  # the json module, below, says what is wrong as it always has
        try:
            text = body.decode("utf-8")
            with collector_paused():  # a list per block: ipbsite/collector.py says why
                return json.loads(text, parse_constant=_reject_constant)
        except UnicodeDecodeError:
            raise ParseError("The request body is not UTF-8 text.") from None
        except RecursionError:
            raise ParseError("The JSON is nested too deeply.") from None
        except ValueError as error:  # json.JSONDecodeError is a ValueError
            raise ParseError(f"The request body is not valid JSON: {error}") from None


def refuse_more_lists_or_strings_than_a_grid_has(body: bytes) -> None:
    """Refuse, before parsing, a body with more lists or strings than any grid post holds.

    Parsing makes a Python object of every JSON value, and some cost far more than their text:
    `[],` is 3 bytes and becomes a 56-byte list. 8 MiB of them parsed into 181 MiB, 22.6 times
    the body, and short strings into 12.8 times (tests/api/test_post_memory.py). A post holds a
    list per block and per row, and a few strings: keys, versions, code cells. Counting brackets
    and quotes, which bytes.count does at memory speed, bounds what parsing can cost. Those
    inside code cells count too (escaped quotes do not), so the bounds leave room for far more
    than a notebook's code holds.
    """
    # A list per block and per row: a grid one block wide has as many rows as blocks.
    max_lists = 2 * settings.IPB_MAX_BLOCKS + 1_000
    lists = body.count(b"[") + body.count(b"{")
    if lists > max_lists:
        raise ParseError(
            f"The body holds {lists} lists and objects; a grid post holds at most {max_lists}."
        )
    # Keys, versions and code cells, with room for keys a later client may add.
    max_strings = settings.IPB_MAX_CODE_CELLS + 1_000
    strings = (body.count(b'"') - body.count(b'\\"')) // 2
    if strings > max_strings:
        raise ParseError(
            f"The body holds {strings} strings; a grid post holds at most {max_strings}."
        )


def release_parsed_body(request) -> None:
    """Let go of a request's parsed body now, not when the request ends.

    DRF keeps request.data on its Request until the response has gone out. For a grid, that is
    a list per block (12,500 for the starry night), still alive while the middleware, the
    request log and Django's end-of-request signal make the small objects that outlive the
    request. Those land among the lists in Python's small-object arenas, and each such arena
    then stays with the process, and a worker's memory grows with every big post; letting go
    here keeps it flat (bench/RESULTS.md). Only
    for a view that has read all it needs: request.data is empty afterwards. DRF has no public
    way to drop it, so this sets what its Request.data reads.
    """
    request._full_data = request._data = {}
