import json
import random
from pathlib import Path

import pytest
from hashids import Hashids

from grids.ids import OneNumberHashids, is_well_formed_id, new_secret_id, public_id_for

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
