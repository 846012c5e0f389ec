import json
import random
from pathlib import Path

import pytest
from hashids import Hashids

from grids import models
from grids.ids import (
    PATHS_BEFORE_THE_URLCONF,
    OneNumberHashids,
    is_well_formed_id,
    names_a_route,
    new_secret_id,
    public_id_for,
)
from grids.models import Grid
from grids.routes import words_of_routes
from tests.factories import make_grid

# The original site's ids, carried by the repository (tests/data).
VECTORS = Path(__file__).resolve().parents[1] / "data" / "legacy_hashids_vectors.json"
LEGACY = json.loads(VECTORS.read_text())["vectors"]


@pytest.mark.parametrize("vector", LEGACY, ids=[f"{v['salt']}-{v['id']}" for v in LEGACY])
def test_public_ids_are_the_original_sites_hashids(vector):
    assert public_id_for(vector["id"], vector["salt"]) == vector["hash"]


@pytest.mark.parametrize("salt", ["", "ipythonblocks.org", "a-long-random-salt-" * 2])
def test_public_ids_are_the_hashids_librarys_own_for_every_kind_of_number(salt):
    numbers = [*range(500), *random.Random(salt).sample(range(10**15), 300)]
    library = Hashids(salt=salt, min_length=6)
    ours = OneNumberHashids(salt=salt, min_length=6)

    assert [ours.encrypt(n) for n in numbers] == [library.encrypt(n) for n in numbers]


def test_ids_of_several_numbers_are_left_to_the_library():
    library = Hashids(salt="ipythonblocks.org", min_length=6)
    ours = OneNumberHashids(salt="ipythonblocks.org", min_length=6)

    assert ours.encrypt(1, 23, 456) == library.encrypt(1, 23, 456)


def test_secret_ids_are_long_random_letters_and_digits():
    ids = {new_secret_id() for _ in range(1000)}

    assert len(ids) == 1000
    assert all(len(secret) == 22 and secret.isascii() and secret.isalnum() for secret in ids)
    # 62 symbols, 22 of them: about 131 bits, past the 96 the issue asks for.
    assert len(set("".join(ids))) == 62


@pytest.mark.parametrize("candidate", ["", "a" * 65, "abc-def", "ab/cd", "\x00", "café"])
def test_malformed_ids_are_refused_before_any_lookup(candidate):
    assert is_well_formed_id(candidate) is False


def test_an_id_may_not_be_a_word_of_the_sites_routes_or_health_checks():
    # A page a fixed path answers: each is in what a grid's id may never be.
    for path in ("random", "about", "admin", "post", "healthz", "readyz", "secret", "report"):
        assert names_a_route(path), path
    assert names_a_route("RANDOM")  # nor in another case, which the logs read alike
    assert not names_a_route("aB3xYz")


def fixed_route_words() -> list[str]:
    """Every word of the site's routes that an id could spell: hashids' letters and digits."""
    return sorted(
        word
        for word in {*words_of_routes(), *PATHS_BEFORE_THE_URLCONF}
        if word.isascii() and word.isalnum()
    )


@pytest.mark.parametrize("word", fixed_route_words())
def test_a_grid_never_gets_a_routes_word_for_its_id(db, monkeypatch, word):
    # The first key the site would use encodes to a route's word: that key is skipped.
    real = models.public_id_for
    first_key = {}

    def encoding_the_first_key_as_the_word(pk, salt):
        first_key.setdefault("pk", pk)
        return word if pk == first_key["pk"] else real(pk, salt)

    monkeypatch.setattr(models, "public_id_for", encoding_the_first_key_as_the_word)

    grid = make_grid()

    assert grid.public_id != word
    assert grid.pk != first_key["pk"]
    assert Grid.objects.get(public_id=grid.public_id).pk == grid.pk
    assert Grid.objects.count() == 1
