"""A user's alias longer than a name can be is refused by kzrights, never by the interpreter.

The tester of session 8 found ``Linker.with_aliases({"x" * 500: ...})`` raising
``RecursionError`` from the regular expression the scan compiles.
"""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights._matcher import MAX_ALIAS_LENGTH
from kzrights.errors import LinkerError

LINKER = kzrights.Linker.from_release()


@pytest.mark.parametrize("alias", ["x" * 500, "Nur Otan " + "b" * 300 + " c" * 100, "щ" * 10_000])
def test_an_alias_too_long_is_a_linker_error(alias):
    with pytest.raises(LinkerError, match=f"at most {MAX_ALIAS_LENGTH}") as raised:
        LINKER.with_aliases({alias: "entities.nur-otan"}).annotate("Nur Otan")
    assert len(str(raised.value)) < 300  # the message quotes the alias cut short
    again = pickle.loads(pickle.dumps(raised.value))
    assert (type(again), str(again)) == (LinkerError, str(raised.value))


# Building a linker is what costs (about 0.35 s, whatever its aliases' lengths): each
# example builds one with several aliases, each looked for in a text of its own, so ten
# linkers check as many lengths as thirty did one by one.
@settings(max_examples=10)
@given(
    st.lists(
        st.sampled_from(["x", "щ", "Ä", "ß", "Nur Otan "]).flatmap(
            lambda piece: st.integers(1, MAX_ALIAS_LENGTH // len(piece)).map(lambda n: (piece * n).strip())
        ),
        min_size=1,
        max_size=6,
        unique_by=str.casefold,
    )
)
def test_an_alias_of_the_longest_allowed_length_links(aliases):
    """Up to the limit, in any script (a Cyrillic letter transliterated to four Latin ones included)."""
    linker = LINKER.with_aliases(dict.fromkeys(aliases, "entities.nur-otan"))
    for alias in aliases:
        text = f"Said {alias} today."
        # the alias itself, not the release's own "Nur Otan" in it
        assert ("entities.nur-otan", alias) in [(m.entity_id, m.text) for m in linker.annotate(text)]
