"""The memcached backend (ipbsite/memcached.py): keys go to the same servers as
pymemcache's own rendezvous hashing sends them, without hashing when there is one server."""

from pymemcache.client.rendezvous import RendezvousHash

from ipbsite.memcached import OneServerShortcutHash, PersistentPyMemcacheCache

KEYS = [f":1:grid:abc{n}:page:v1" for n in range(500)]


def test_several_servers_share_the_keys_exactly_as_pymemcache_spreads_them():
    servers = ["10.0.0.1:11211", "10.0.0.2:11211", "10.0.0.3:11211"]
    ours, theirs = OneServerShortcutHash(list(servers)), RendezvousHash(list(servers))

    assert [ours.get_node(key) for key in KEYS] == [theirs.get_node(key) for key in KEYS]
    assert len({ours.get_node(key) for key in KEYS}) == 3


def test_one_server_takes_every_key_without_hashing_it(monkeypatch):
    hasher = OneServerShortcutHash(["10.0.0.1:11211"])
    monkeypatch.setattr(hasher, "hash_function", lambda key: 1 / 0)

    assert {hasher.get_node(key) for key in KEYS} == {"10.0.0.1:11211"}


def test_when_all_but_one_server_are_marked_dead_the_last_takes_every_key():
    hasher = OneServerShortcutHash(["10.0.0.1:11211", "10.0.0.2:11211"])
    hasher.remove_node("10.0.0.1:11211")

    assert {hasher.get_node(key) for key in KEYS} == {"10.0.0.2:11211"}


def test_the_sites_memcached_backend_uses_it():
    backend = PersistentPyMemcacheCache(["127.0.0.1:11211"], {"OPTIONS": {}})

    assert backend._options["hasher"] is OneServerShortcutHash
