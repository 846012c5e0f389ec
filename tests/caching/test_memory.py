"""NewestKept, behind the process's answer bodies and replays (their own tests are in
test_cached_answers.py and test_answer_replay.py)."""

from grids.caching.memory import NewestKept


def test_keeping_a_key_again_replaces_it_and_weighs_it_once():
    kept = NewestKept(budget=10, weigh=len)
    kept.put("a", "xxxx")
    kept.put("a", "yyyyyy")

    assert kept.get("a") == "yyyyyy"
    assert kept.weight == 6


def test_forgetting_an_entry_frees_its_weight():
    kept = NewestKept(budget=10, weigh=len)
    kept.put("a", "xxxx")
    kept.put("b", "yyyyyy")
    kept.forget("a")
    kept.put("c", "zzzz")  # fits only because "a" left

    assert [key for key in "abc" if kept.get(key)] == ["b", "c"]
    assert kept.weight == 10


def test_a_budget_given_as_a_callable_is_read_when_an_entry_is_kept():
    budget = [2]
    kept = NewestKept(budget=lambda: budget[0])
    kept.put("a", 1)
    kept.put("b", 2)
    budget[0] = 1
    kept.put("c", 3)

    assert list(kept.entries) == ["c"]
