"""A user's alias for an essay links it; an essay a user adds with nothing but its name is refused.

An essay ("Essay by Galiya Azhenova") is never matched by its name, which
holds its authors' names.  Before session 12, every form of an essay was left
out of the matcher, so an alias a user gave one (``with_aliases``) showed in
``entity.aliases`` and was silently never linked.
"""

from __future__ import annotations

import pickle

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kzrights import Entity, EntityCategory, Linker, LinkerError
from kzrights._linking import is_essay

BASE = Linker.from_release()
ESSAYS = sorted(e.id for e in BASE.entities if is_essay(e))
KNOWN = {f.text.casefold() for e in BASE.entities for f in e.forms}

ALIAS_TEXT = st.from_regex(r"[A-Z][a-z]{3,9}( [A-Z][a-z]{2,8})?", fullmatch=True).filter(
    lambda alias: alias.casefold() not in KNOWN
)


def linked(linker: Linker, text: str) -> list[tuple[str, str]]:
    return [(m.entity_id, m.text) for m in linker.annotate(text)]


def test_the_testers_alias_for_an_essay_links_it_and_the_longest_form_wins():
    """'Azhenova essay' is the essay, not its author; 'Azhenova' alone stays the author."""
    linker = BASE.with_aliases({"Azhenova essay": "entities.essay-galiya-azhenova"})
    assert linked(linker, "I read the Azhenova essay. Azhenova wrote it.") == [
        ("entities.essay-galiya-azhenova", "Azhenova essay"),
        ("entities.galiya-azhenova", "Azhenova"),
    ]
    # the essay is still never matched by its name: that gives its author
    assert linked(linker, "the essay by Galiya Azhenova") == [("entities.galiya-azhenova", "Galiya Azhenova")]
    # and the alias survives pickling (a process pool gets the same answers)
    clone = pickle.loads(pickle.dumps(linker))
    assert clone.annotate("the Azhenova essay") == linker.annotate("the Azhenova essay")


def test_an_essay_alias_that_is_another_entitys_form_is_refused():
    """An alias of an essay is checked against the other forms as any alias is (it was not, unmatched)."""
    with pytest.raises(LinkerError, match="names both") as raised:
        BASE.with_aliases({"Azhenova": "essay-galiya-azhenova"})
    assert "entities.galiya-azhenova" in str(raised.value)
    assert "entities.essay-galiya-azhenova" in str(raised.value)


# building a linker costs about 0.35 s: a few examples cover the seven essays
@settings(max_examples=20, deadline=None)
@given(st.sampled_from(ESSAYS), ALIAS_TEXT)
def test_any_alias_of_any_essay_links_it(essay, alias):
    """Every essay of the release links by an alias a user gives it, in the middle of a sentence."""
    linker = BASE.with_aliases({alias: essay})
    assert linked(linker, f"They said {alias} filler.") == [(essay, alias)]
    assert linked(linker.without_aliases([alias]), f"They said {alias} filler.") == []


@settings(max_examples=20, deadline=None)
@given(
    st.sampled_from(list(EntityCategory)),
    st.booleans(),
    st.from_regex(r"[A-Z][a-z]{3,8} [A-Z][a-z]{3,9}", fullmatch=True),
    ALIAS_TEXT,
)
@example(EntityCategory.PUBLICATION, True, "Jane Doe", "Doe Essay")
@example(EntityCategory.ORGANISATION, False, "Jane Doe", "Doe Group")
def test_a_user_entity_of_any_category_links_by_its_alias(category, essay_name, author, alias):
    """with_entities: an entity of any category, named as an essay or not, links by its alias."""
    name = f"Essay by {author}" if essay_name else author
    # the alias stands apart from the name (an alias inside it would be found in it, rightly)
    if name.casefold() in KNOWN or author.casefold() in KNOWN or alias.casefold() in name.casefold():
        return
    entity = Entity("entities.user-thing", category, name, (alias,), "A user's entity.")
    linker = BASE.with_entities([entity])
    assert linked(linker, f"They said {alias} filler.") == [("entities.user-thing", alias)]
    found = linked(linker, f"They said {name} filler.")
    if is_essay(entity):
        assert found == []  # never by its name, which holds its authors' names
    else:
        assert found == [("entities.user-thing", name)]


def test_a_user_essay_with_nothing_but_its_name_is_refused():
    """An essay that could never link is a clear LinkerError naming it and why, not a silent no-op."""
    essay = Entity(
        "entities.essay-jane-doe", EntityCategory.PUBLICATION, "Essay by Jane Doe", (), "A user's essay."
    )
    with pytest.raises(LinkerError, match="never linked by its name") as raised:
        BASE.with_entities([essay])
    assert raised.value.name == "entities.essay-jane-doe"
    assert "give it an alias" in raised.value.reason
    again = pickle.loads(pickle.dumps(raised.value))
    assert (again.name, again.reason) == (raised.value.name, raised.value.reason)
    # with an alias it is taken, and links by it
    with_alias = Entity(
        "entities.essay-jane-doe",
        EntityCategory.PUBLICATION,
        "Essay by Jane Doe",
        ("Doe essay",),
        "A user's essay.",
    )
    assert linked(BASE.with_entities([with_alias]), "the Doe essay") == [
        ("entities.essay-jane-doe", "Doe essay")
    ]
