"""Hypothesis strategies for grid posts: valid ones as the client sends them, and valid ones
broken in a few places with arbitrary JSON (tests/fuzz, tests/api/test_post_validation.py)."""

from hypothesis import strategies as st

# Lone surrogates and NUL are valid JSON escapes ("\ud800", "\u0000") that PostgreSQL refuses.
characters = (
    st.characters(exclude_categories=())
    | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
    | st.just("\x00")
)
text = st.text(characters, max_size=20) | st.sampled_from(
    ["a\x00b", "\udfff x", "1.9.1\n", "BlockGrid\x00", "final\ud800", ""]
)
numbers = (
    st.integers()
    | st.integers(min_value=-(10**4000), max_value=10**4000)
    | st.floats()
    | st.sampled_from([0, -1, 1, 255, 256, 20.0, 20.5, 1e308, -0.0, 2**63])
)
json_values = st.recursive(
    st.none() | st.booleans() | numbers | text,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(text, children, max_size=5),
    max_leaves=30,
)


@st.composite
def valid_posts(draw) -> dict:
    width, height = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    block = st.tuples(
        st.integers(0, 255), st.integers(0, 255), st.integers(0, 255), st.integers(1, 100)
    ).map(list)
    return {
        "python_version": [3, draw(st.integers(0, 20)), draw(st.integers(0, 20)), "final", 0],
        "ipb_version": draw(st.sampled_from(["1.9.1", "1.10.dev0", "2.0rc1"])),
        "ipb_class": draw(st.sampled_from(["BlockGrid", "ImageGrid"])),
        "code_cells": draw(st.none() | st.lists(st.text(max_size=30), min_size=1, max_size=3)),
        "secret": draw(st.booleans()),
        "grid_data": {
            "lines_on": draw(st.booleans()),
            "width": width,
            "height": height,
            "blocks": draw(
                st.lists(
                    st.lists(block, min_size=width, max_size=width),
                    min_size=height,
                    max_size=height,
                )
            ),
        },
    }


def json_paths(value, path=()):
    """Every place inside a JSON value, as a tuple of keys and indexes."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, child in items:
        yield (*path, key)
        yield from json_paths(child, (*path, key))


@st.composite
def broken_posts(draw) -> dict:
    """A valid post with a few places replaced, removed, or given extra keys."""
    post = draw(valid_posts())
    for _ in range(draw(st.integers(1, 3))):
        paths = list(json_paths(post))
        *parents, key = draw(st.sampled_from(paths))
        container = post
        for parent in parents:
            container = container[parent]
        action = draw(st.sampled_from(["replace", "remove", "add key"]))
        if action == "replace":
            container[key] = draw(json_values)
        elif action == "remove":
            del container[key]
        elif isinstance(container, dict):
            container[draw(text)] = draw(json_values)
    return post
