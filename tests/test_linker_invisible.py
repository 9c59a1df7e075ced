r"""A user's aliases and entities with invisible characters, and errors that keep a str subclass.

A user's alias or entity name is read as a text is: its invisible
characters (`kzrights._chars.INVISIBLE`: a soft hyphen, a zero-width space,
a byte-order mark, a joiner) mean nothing, so ``"Z\u00adZ"`` is the alias
``"ZZ"`` and links the visible "ZZ" of a text, never a span that starts or
ends on an invisible character.  And an error that keeps a caller's id
keeps it as a plain str, so that it pickles whatever str subclass the
caller used (a process pool re-raises it in the parent).
"""

from __future__ import annotations

import pickle

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import kzrights
from kzrights import Linker
from kzrights._chars import INVISIBLE, is_invisible
from kzrights.errors import InvalidRecordError, LinkerError, UnknownIdError
from kzrights.records import Alias, Entity, EntityCategory

BASE = Linker.from_release("1.3.1")
TEXTS = ("ZZ met.", "Z\u00adZ met.", "\u200bZZ met.", "Zeta Zulu met.", "Zeta\u200b Zulu met.", "zz met.")


def _spans(linker: Linker, text: str) -> list[tuple[str, int, int]]:
    return [(m.entity_id, m.start, m.end) for m in linker.annotate(text)]


def _links(linker: Linker) -> list[list[tuple[str, int, int]]]:
    return [_spans(linker, text) for text in TEXTS]


def _no_span_on_an_invisible(linker: Linker) -> None:
    for text in TEXTS:
        for mention in linker.annotate(text):
            assert not is_invisible(text[mention.start]), (text, mention)
            assert not is_invisible(text[mention.end - 1]), (text, mention)


@pytest.mark.parametrize("alias", ["\u200bZZ", "Z\u00adZ", "ZZ\u200b", "\ufeffZZ"])
def test_an_alias_with_an_invisible_character_links_the_visible_name(alias):
    """The tester's aliases: each links "ZZ" as the alias "ZZ" does, spans on visible characters."""
    linker = BASE.with_aliases({alias: "nur-otan"})
    assert _spans(linker, "ZZ met.") == [("entities.nur-otan", 0, 2)]
    assert _spans(linker, "\u200bZZ met.") == [("entities.nur-otan", 1, 3)]
    assert _links(linker) == _links(BASE.with_aliases({"ZZ": "nur-otan"}))


def test_an_alias_of_only_invisible_characters_is_refused():
    with pytest.raises(LinkerError, match="letter or digit"):
        BASE.with_aliases({"\u3164\u200b": "nur-otan"})  # a Hangul filler is a "letter" to \w


def test_an_alias_that_is_another_entity_s_once_visible_is_refused():
    """An entity's name with a soft hyphen inside, as another entity's alias: the clash is seen."""
    name = BASE.entities[0].name
    other = BASE.entities[1].id
    hidden = name[:1] + "\u00ad" + name[1:]
    with pytest.raises(LinkerError):
        BASE.with_aliases({hidden: other})


def test_without_aliases_reads_an_alias_as_with_aliases_does():
    linker = BASE.with_aliases({"ZZ": "nur-otan"}).without_aliases(["Z\u00adZ"])
    assert _spans(linker, "ZZ met.") == []


def _entity(name: str, aliases: tuple[str, ...] = (), forms: tuple[Alias, ...] = ()) -> Entity:
    return Entity(
        id="entities.zz-org",
        category=EntityCategory.ORGANISATION,
        name=name,
        aliases=aliases,
        description="A made-up organisation.",
        forms=forms,
    )


def test_an_entity_s_name_aliases_and_forms_are_read_without_invisible_characters():
    r"""The tester's entity: "Qu\u200bux Org" and "Q\u00adQ" link the visible "Quux Org" and "QQ"."""
    linker = BASE.with_entities([_entity("Qu\u200bux Org", aliases=("Q\u00adQ",))])
    assert _spans(linker, "Quux Org met") == [("entities.zz-org", 0, 8)]
    assert _spans(linker, "QQ met") == [("entities.zz-org", 0, 2)]
    assert _spans(linker, "Qu\u200bux Org met") == [("entities.zz-org", 0, 9)]
    added = linker.entities[-1]
    assert (added.name, added.aliases) == ("Quux Org", ("QQ",))
    with_form = BASE.with_entities([_entity("Quux Org", forms=(Alias("Quux Org"), Alias("Q\ufeffX")))])
    assert _spans(with_form, "QX met") == [("entities.zz-org", 0, 2)]
    assert Linker([_entity("Qu\u200bux Org")]).entities[0].name == "Quux Org"


@pytest.mark.parametrize("field", ["name", "aliases", "forms"])
def test_an_entity_form_of_only_invisible_characters_is_refused_naming_the_field(field):
    blank = "\u3164\u00ad"
    entity = {
        "name": _entity(blank),
        "aliases": _entity("Quux Org", aliases=(blank,)),
        "forms": _entity("Quux Org", forms=(Alias(blank),)),
    }[field]
    with pytest.raises(InvalidRecordError, match="letter or digit") as caught:
        BASE.with_entities([entity])
    assert caught.value.field.startswith(field)
    assert caught.value.value == blank


# a user's alias of one or two words, in letters the case rules read either way
WORDS = st.text(st.characters(codec="ascii", categories=("Lu", "Ll")), min_size=2, max_size=6)
ALIASES = st.one_of(WORDS, st.tuples(WORDS, WORDS).map(" ".join))
INVISIBLES = st.sampled_from(INVISIBLE)


@given(alias=st.sampled_from(["ZZ", "Zeta Zulu"]), where=st.integers(0, 9), char=INVISIBLES)
@example(alias="ZZ", where=0, char="\u200b")
@example(alias="ZZ", where=1, char="\u00ad")
@example(alias="Zeta Zulu", where=2, char="\u200d")
def test_an_invisible_character_anywhere_in_an_alias_changes_no_link(alias, where, char):
    where = min(where, len(alias))
    hidden = alias[:where] + char + alias[where:]
    linker = BASE.with_aliases({hidden: "nur-otan"})
    assert _links(linker) == _links(BASE.with_aliases({alias: "nur-otan"}))
    _no_span_on_an_invisible(linker)


@given(alias=ALIASES, data=st.data())
def test_invisible_characters_in_any_user_alias_change_no_link(alias, data):
    """Any alias, any invisible characters put anywhere in it: the same links, in a text that has it."""
    hidden = alias
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.integers(0, len(hidden)))
        hidden = hidden[:where] + data.draw(INVISIBLES) + hidden[where:]
    try:
        plain = BASE.with_aliases({alias: "nur-otan"})
    except LinkerError:  # the alias is another entity's: the hidden one is refused the same way
        with pytest.raises(LinkerError):
            BASE.with_aliases({hidden: "nur-otan"})
        return
    linker = BASE.with_aliases({hidden: "nur-otan"})
    for text in (f"{alias} met.", f"\u200b{alias}\u00ad met.", f"({hidden}) met."):
        assert _spans(linker, text) == _spans(plain, text)
        for mention in linker.annotate(text):
            assert not is_invisible(text[mention.start]) and not is_invisible(text[mention.end - 1])


# ── an error keeps a caller's str subclass as a plain str ─────────────────────


def _local_str(value: str) -> str:
    class Local(str):  # defined in a function: pickle cannot find it by name
        pass

    return Local(value)


def test_an_unknown_id_given_as_a_local_str_subclass_pickles():
    """The tester's ``Report.get(S("x"))``: the error crosses a process boundary, its id a plain str."""
    report = kzrights.load("1.3.1")
    for look_up in (report.get, report.entity):
        with pytest.raises(UnknownIdError) as caught:
            look_up(_local_str("entities.nobody"))
        again = pickle.loads(pickle.dumps(caught.value))
        assert type(again) is type(caught.value)
        assert type(again.id) is str and again.id == "entities.nobody"
        assert str(again) == str(caught.value)


@pytest.mark.parametrize(
    "make",
    [
        lambda s: UnknownIdError(s, ["entities.adil-soz"]),
        lambda s: LinkerError(s, "no entity has this alias"),
        lambda s: InvalidRecordError("entity", "name", s, "is wrong"),
        lambda s: kzrights.errors.AmbiguousNameError(s, ["a", "b"], "two"),
        lambda s: kzrights.errors.UnknownVersionError(s, ["1.3.1"]),
        lambda s: kzrights.errors.InvalidArgumentError(s, "bad"),
        lambda s: kzrights.errors.ExportError(s, "bad"),
        lambda s: kzrights.errors.InvalidStatusError(s, "bad"),
        lambda s: kzrights.errors.InvalidAssessmentError(s, []),
    ],
)
def test_every_error_that_keeps_a_caller_s_str_pickles_with_a_local_subclass(make):
    error = make(_local_str("entities.nobody"))
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and str(again) == str(error)
    kept = [v for v in vars(again).values() if isinstance(v, str) and v == "entities.nobody"]
    assert kept and all(type(v) is str for v in kept)
