"""Turns a request body into Python data. Nothing else in the site cares about content types.

The ipythonblocks client posts `requests.post(url, data=json.dumps(req))`: a JSON body with no
Content-Type header at all (CONTRACT.md, Posting). Django REST framework picks a parser by media
type and answers 415 when none matches, which would break every student, so our one parser
matches every media type and reads the body as JSON whatever it is labelled.
"""

import gc
import json
import re
import threading
from contextlib import contextmanager

import orjson
from django.conf import settings
from django.db import connection, transaction
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

# A body too large for the fast parser may parse into several times its size, and storing the
# grid it holds costs more again: as much as a worker should spend on one request, and two at
# once spent twice that (bench/RESULTS.md, issue 22). One such post runs at a time per process.
_a_large_post_runs = threading.Lock()

# A string once its escapes are gone (refuse_more_values_than_a_grid_has).
_JSON_STRING = re.compile(rb'"[^"]*"')


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
        if stream is None:
            raise ParseError("The request body is empty; expected a JSON object.")
        limit = settings.IPB_MAX_BODY_BYTES
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise RequestBodyTooLarge(f"The request body is larger than {limit} bytes.")
        if len(body) <= FAST_PARSE_MAX_BYTES:
            try:
                with collector_paused():  # a list per block: ipbsite/collector.py says why
                    return orjson.loads(body)
            except orjson.JSONDecodeError:
                return parsed_json(utf8_text(body))  # which says what is wrong as it always has
        refuse_more_values_than_a_grid_has(body)
        text = utf8_text(body)
        del body  # the parse needs only the text: one copy of the body less at its peak
        return parsed_json(text)


@contextmanager
def one_large_post_at_a_time(request):
    """Run the block, for a body too large for the fast parser, once no other such post runs in
    this process; the process's other threads go on answering everything else meanwhile.

    Around the whole post, parse, checks and store, since storing the largest grid costs more
    than parsing it; so the lock is here, for the view, and not in the parser: grids/api/views.py
    is the one place a body is read, so a large body is only ever parsed inside this block. Entered
    before request.data is first read: a post waiting for its turn has not read its body, which
    stays in its socket meanwhile. Its size is the Content-Length sent, which Django never reads
    past; a missing or invalid one reads as no body, and a body sent in chunks, which has none,
    is refused before (ipbsite/http/length_required.py).
    """
    try:
        large = int(request.META.get("CONTENT_LENGTH") or 0) > FAST_PARSE_MAX_BYTES
    except ValueError:
        large = False
    if not large:
        yield
        return
    with _a_large_post_runs:
        yield
        # Only once stored: a body refused, which raises here, sent nothing to the database.
        let_go_of_what_the_database_connection_kept()
        # DRF's serializers and fields sit in reference cycles, made while the grid's lists were
        # alive and among them: until the collector runs they keep that memory from going back,
        # and a worker's size crept up post after post (with one heap, ipbsite/memory.py: 31-32
        # MB above idle after sixteen rounds of two largest grids, 16-18 with this collection;
        # bench/RESULTS.md, issue 22). A large post is rare; a collection takes milliseconds.
        gc.collect()


def let_go_of_what_the_database_connection_kept() -> None:
    """Close the thread's database connection after it stored a large grid, before the next
    large post's turn.

    A connection kept between requests (CONN_MAX_AGE) keeps what it needed for the largest
    statement it sent, the grid's blocks: libpq's output buffer, most likely. Closed, a worker
    kept 9-11 MB after the largest grid instead of 17-18, and two such posts at once stayed
    within their bound (bench/RESULTS.md, issue 22). Large posts are rare; the thread's next
    request pays for a new connection, about 9 ms. Only outside a transaction: ATOMIC_REQUESTS
    is off, and a test's own transaction (pytest-django's) must stay open.
    """
    if transaction.get_autocommit():
        connection.close()


def utf8_text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ParseError("The request body is not UTF-8 text.") from None


def parsed_json(text: str):
    try:
        with collector_paused():  # a list per block: ipbsite/collector.py says why
            return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ParseError("The JSON is nested too deeply.") from None
    except ValueError as error:  # json.JSONDecodeError is a ValueError
        raise ParseError(f"The request body is not valid JSON: {error}") from None


def refuse_more_values_than_a_grid_has(body: bytes) -> None:
    """Refuse, before parsing, a body with more values, lists or strings than any grid post
    holds.

    Parsing makes a Python object of every JSON value, and the smallest cost far more than their
    text: `[],` is 3 bytes and becomes a 56-byte list, `1.5,` is 4 and becomes a 24-byte float
    and a pointer to it. A body of nothing but such values parsed into many times its size
    (tests/api/test_post_memory.py, bench/RESULTS.md: issue 22).
    A post holds four numbers and a list per block, a list per row, and a few strings: keys,
    versions, code cells. Counting commas, brackets and quotes outside strings, at memory
    speed, bounds what parsing can cost without bounding what code cells may say. Only bodies
    too large for the fast parser are counted: smaller ones cannot cost much however they are
    made, and the count would be a measurable share of a mid-sized post.
    """
    # Escapes gone, every quote left opens or closes a string, and strings hold no quotes.
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    # Keys, versions and code cells, with room for keys a later client may add.
    max_strings = settings.IPB_MAX_CODE_CELLS + 1_000
    strings = unescaped.count(b'"') // 2
    if strings > max_strings:
        raise ParseError(
            f"The body holds {strings} strings; a grid post holds at most {max_strings}."
        )
    outside_strings = _JSON_STRING.sub(b"", unescaped)
    del unescaped
    # A list per block and per row: a grid one block wide has as many rows as blocks.
    max_lists = 2 * settings.IPB_MAX_BLOCKS + 1_000
    lists = outside_strings.count(b"[") + outside_strings.count(b"{")
    if lists > max_lists:
        raise ParseError(
            f"The body holds {lists} lists and objects; a grid post holds at most {max_lists}."
        )
    # Commas part the values of a list or an object: four numbers a block and one between
    # blocks and between rows, and room for the keys, versions and code cells around them.
    max_values = 4 * settings.IPB_MAX_BLOCKS + 1_000
    values = outside_strings.count(b",") + 1
    if values > max_values:
        raise ParseError(
            f"The body holds {values} values outside strings; a grid post holds at most "
            f"{max_values}."
        )


def release_parsed_body(request) -> None:
    """Let go of a request's parsed body now, not when the request ends.

    DRF keeps request.data on its Request until the response has gone out. For a grid, that is
    a list per block (12,500 for the starry night), still alive while the middleware, the
    request log and Django's end-of-request signal make the small objects that outlive the
    request. Those land among the lists in Python's small-object arenas, and each such arena
    then stays with the process, and a worker's memory grows with every big post; letting go
    here keeps it flat (bench/RESULTS.md). Only
    for a view that has read all it needs: request.data, and the list or dict it was, are empty
    afterwards. DRF has no public way to drop it, so this sets what its Request.data reads.
    """
    parsed = request._full_data
    request._full_data = request._data = {}
    # The serializer keeps the same list or dict as its initial_data, and DRF's serializers sit
    # in reference cycles with their fields: it goes only when the collector next runs, which an
    # idle worker may not do for a long time. Emptied, it holds nothing while it waits.
    if type(parsed) in (dict, list):
        parsed.clear()
