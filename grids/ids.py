"""Public ids of grids: the last path segment of a grid's URL.

Public grids get a hashid of their primary key, made with the same hashids 0.8.4 algorithm
as the original ipythonblocks.org, so imported grids keep their old links. A hashid is an
encoding, not a secret: anyone can count through them. Secret ("unlisted") grids therefore get
a random token instead, long enough that nobody can guess or enumerate one.

Grids are always looked up by the stored id (Grid.public_id), never by decoding a hashid.
"""

import functools
import re
import secrets
import string
from urllib.parse import urlsplit

from hashids import Hashids, _hash, _reorder, _to_front

from grids import routes

PUBLIC_ID_MIN_LENGTH = 6
# 22 characters from 62 is about 131 bits: well past the 96 we promise for unlisted links.
SECRET_ID_LENGTH = 22
SECRET_ID_ALPHABET = string.ascii_letters + string.digits
# Longest id we ever look up; anything longer or with other characters cannot be a grid id,
# so it is refused before it reaches the database (where a NUL byte, for one, is an error).
MAX_ID_LENGTH = 64
_GRID_ID_RE = re.compile(rf"[A-Za-z0-9]{{1,{MAX_ID_LENGTH}}}")


def public_id_for(pk: int, salt: str) -> str:
    return _hashids(salt).encrypt(pk)


def key_of_public_id(public_id: str, salt: str) -> int | None:
    """The key a public id is the hashid of with this salt, or None. Only for the imports,
    which move the key sequence past imported ids (grids/transfer/loading.py)."""
    decoded = _hashids(salt).decrypt(public_id)
    return decoded[0] if len(decoded) == 1 else None


# Answered before the URLconf (ipbsite/http/health.py), so not among its words.
PATHS_BEFORE_THE_URLCONF = ("healthz", "readyz")


def names_a_route(public_id: str) -> bool:
    """Whether /<public_id> would be one of the site's own pages (/random, /about, ...), or a
    word of its routes in any case: such an id is never given to a grid, whose page would be
    out of reach (Grid.save skips its key)."""
    from grids.routes import words_of_routes

    word = public_id.lower()
    return word in words_of_routes() or word in PATHS_BEFORE_THE_URLCONF


@functools.lru_cache(maxsize=4)
def _hashids(salt: str) -> Hashids:
    # Building one shuffles the alphabet by the salt, in pure Python: once per salt is enough.
    return OneNumberHashids(salt=salt, min_length=PUBLIC_ID_MIN_LENGTH)


class OneNumberHashids(Hashids):
    """hashids 0.8.4's own ids for one number, with the costly shuffle done once per letter.

    Encoding a number picks a "lottery" letter from the number, then shuffles the alphabet by
    that letter and the salt: a pure-Python loop over the salt's length squared, a noticeable
    share of a small post and worse with a long salt (bench/RESULTS.md, "Figures the comments
    used to carry"). The shuffle depends on nothing but the letter, so it is kept for each of
    the alphabet's letters. The lottery letter itself is found without the library's whole
    shuffle (first_draw). The library also shuffles separators for a number that has none after
    it; that is skipped, and the pads of short ids are kept per alphabet (_ensure_length). Ids of
    several numbers (which the site never makes) go through the library's own code. It uses
    the library's private helpers, which is safe because requirements/base.txt pins hashids at
    0.8.4, and tests/test_ids.py holds this to the library and to the original site's ids.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._alphabet_by_lottery: dict[str, list[str]] = {}
        self._pads_by_alphabet: dict[str, tuple[str, str]] = {}

    def _encode(self, values, alphabet, salt):
        if len(values) != 1 or alphabet is not self._alphabet or salt is not self._salt:
            return super()._encode(values, alphabet, salt)
        (value,) = values
        lottery = alphabet[first_draw(f"{value}-{(value + 1) * 2}", len(alphabet))]
        shuffled = self._alphabet_by_lottery.get(lottery)
        if shuffled is None:
            shuffle_salt = f"{ord(lottery) & 12345}{salt}"
            shuffled = list(_reorder(list(_to_front(lottery, alphabet)), shuffle_salt))
            self._alphabet_by_lottery[lottery] = shuffled
        # The caller reads the alphabet, never changes it: sharing the kept list is safe.
        return lottery + _hash(value, shuffled), shuffled

    def _ensure_length(self, hashid, values, alphabet):
        """The library's padding of an id shorter than min_length, with its costly part kept.

        An id of one number whose hash has one or two letters (the first 900 grids) gets a
        guard letter on each side, then the middle of pad + id + pad, where both pads encode
        two numbers read off the alphabet: two shuffles of the alphabet each, and one more
        whose result the library drops, 430 us an id against 6 us for longer ones. The pads
        depend on nothing but the alphabet, which depends on nothing but the lottery letter,
        so they are kept for each. Anything else goes through the library's own code.
        """
        length = self._min_length
        guards = self._guards
        if len(values) != 1 or len(hashid) + 2 >= length:
            return super()._ensure_length(hashid, values, alphabet)
        guard_index = values[0] % len(guards)
        guarded = (
            guards[guard_index] + hashid + guards[(guard_index + len(hashid) + 1) % len(guards)]
        )
        pad_left, pad_right = self._pads(alphabet)
        padded = pad_left + guarded + pad_right
        excess = len(padded) - length
        if excess > 0:
            padded = padded[excess // 2 : -excess // 2]
        if len(padded) < length:  # the pads were too short for one round: the library's loop
            return super()._ensure_length(hashid, values, alphabet)
        return padded

    def _pads(self, alphabet) -> tuple[str, str]:
        key = "".join(alphabet)
        pads = self._pads_by_alphabet.get(key)
        if pads is None:
            pad = ord(alphabet[1]), ord(alphabet[0])
            pads = (
                self._encode(pad, alphabet, self._salt)[0],
                self._encode(pad, alphabet, f"{pad[0]}{pad[1]}")[0],
            )
            self._pads_by_alphabet[key] = pads
        return pads


def first_draw(salt: str, length: int) -> int:
    """The index of the letter `_head(_reorder(letters, salt))` takes from `length` letters.

    The library's _reorder works out a sort key for every character of the salt, a loop over the
    salt's length squared (most of what an id costs), and only then draws. Its first draw reads
    only the first key, which only the loop's first pass writes: the salt's first code point,
    plus the second, minus the third, plus the fourth, and so on. tests/test_ids.py holds the
    ids to the library's for every kind of number.
    """
    codes = [ord(character) for character in salt]
    key = codes[0] + sum(codes[1::2]) - sum(codes[2::2])
    return abs(key) % length


def new_secret_id() -> str:
    return "".join(secrets.choice(SECRET_ID_ALPHABET) for _ in range(SECRET_ID_LENGTH))


def is_well_formed_id(candidate: str) -> bool:
    return _GRID_ID_RE.fullmatch(candidate) is not None


class GridIdConverter:
    """URL converter for grid ids, so malformed ids never reach a view."""

    regex = _GRID_ID_RE.pattern

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# Pages and files of a grid below or beside its address: /<id>/report, /<id>.png, ...
_PAGES_OF_A_GRID = ("sent", "report", "thumbnail.png", "card.png")
_FILES_OF_A_GRID = re.compile(r"\.(png|svg|json|ipynb)\Z")


def grid_id_in(text: str) -> str:
    """The grid id in what a person pasted or typed: an id, or any of the grid's addresses
    ("https://site/secret/abc?x#y", "/abc/report", "abc.png") gives "abc"."""
    text = text.strip()
    if "/" not in text:
        return _FILES_OF_A_GRID.sub("", text)
    segments = [segment for segment in urlsplit(text).path.split("/") if segment]
    while len(segments) > 1 and segments[-1] in _PAGES_OF_A_GRID:
        segments.pop()
    return _FILES_OF_A_GRID.sub("", segments[-1]) if segments else text


def names_a_secret_grid(text: str) -> bool:
    """Whether a pasted address is a secret grid's (/secret/<id>, /get/secret/<id>, ...)."""
    return "/" + routes.SECRET_PAGE in urlsplit(text.strip()).path
