"""The entity layer of release 1.1.0: the registry, its mentions in the report, and look-up by name."""

from __future__ import annotations

import contextlib
import re
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kzrights
from kzrights import EntityCategory, UnknownIdError


@pytest.fixture(scope="module")
def r11() -> kzrights.Report:
    """Release 1.1.0, the first with entities."""
    return kzrights.load("1.1.0")


def test_registry_is_large_and_covers_every_category(r11):
    """Well over 60 entities, of every kind the report names."""
    assert len(r11.entities) > 60
    assert {e.category for e in r11.entities} == set(EntityCategory)
    ids = [e.id for e in r11.entities]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"entities\.[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    assert all(e.description and e.name for e in r11.entities)


def test_related_ids_resolve(r11):
    """Every link between entities points at another entity."""
    for entity in r11.entities:
        for related in entity.related_ids:
            assert r11.get(related).kind == "entity"
            assert related != entity.id


def test_every_entity_is_named_in_the_source(r11):
    """The registry holds what the report names: each entity is found in the source text.

    Two exceptions: essays, which the report never titles, are tied to their authors; and a name
    that only stands inside a longer one (Uzbekistan in "UK-Uzbekistan PCA") is tied to that one.
    """
    found = {m.entity_id for m in kzrights.annotate(r11.source_text, version="1.1.0")}
    for entity in r11.entities:
        if entity.id.startswith("entities.essay-"):
            assert any(rel in found for rel in entity.related_ids), entity.id
        elif entity.id not in found:
            container = [r for r in entity.related_ids if r in found and entity.name in r11.get(r).name]
            assert container, entity.id


def test_mentions_point_at_their_text(r11):
    """Each mention's offsets give its text in the record, and its source span gives it in the source."""
    assert len(r11.mentions) > 150
    for mention in r11.mentions:
        record = r11.get(mention.record_id)
        assert record.text[mention.start : mention.end] == mention.text
        source = mention.source_span.slice(r11.source_text)
        assert re.sub(r"\s+", " ", source) == mention.text
        assert record.span.start <= mention.source_span.start < mention.source_span.end <= record.span.end
    order = [(r11.get(m.record_id).span.start, m.start) for m in r11.mentions]
    assert order == sorted(order)


def test_records_know_their_entities(r11):
    """A record's entity_ids are the entities of its mentions, in order of first mention."""
    by_record: dict[str, list[str]] = {}
    for mention in r11.mentions:
        ids = by_record.setdefault(mention.record_id, [])
        if mention.entity_id not in ids:
            ids.append(mention.entity_id)
    for record in r11.records():
        assert list(record.entity_ids) == by_record.get(record.id, [])
    rec7 = r11.get("recommendations.government.7")
    activists = [
        "max-bokayev",
        "alnur-ilyashev",
        "asya-tulesova",
        "larisa-kharkova",
        "amin-eleusinov",
        "erlan-baltabay",
    ]
    assert [f"entities.{a}" for a in activists] == [
        e for e in rec7.entity_ids if e != "entities.freedom-restrictions"
    ]


def test_known_mentions(r11):
    """Spot checks: longest match, the comma in "Oyan, Qazaqstan", and the decree's areas."""
    texts = {(m.record_id, m.text): m.entity_id for m in r11.mentions}
    assert texts[("recommendations.government.4", "Article 174 of the Criminal Code")] == (
        "entities.criminal-code-article-174"
    )
    assert texts[("conclusions.p13", "Oyan, Qazaqstan")] == "entities.oyan-qazaqstan"
    assert ("conclusions.p13", "Oyan") not in texts
    assert texts[("conclusions.p8.i1", "UN Human Rights Council")] == "entities.un-human-rights-council"
    assert texts[("conclusions.p1", "Nazarbayev")] == "entities.nursultan-nazarbayev"


def test_get_resolves_entities(r11):
    """Report.get() finds entities by id too."""
    assert r11.get("entities.ilo").name == "International Labour Organization"


@pytest.mark.parametrize(
    ("name", "entity_id"),
    [
        ("Bokaev", "entities.max-bokayev"),
        ("BOKAYEV", "entities.max-bokayev"),
        ("Бокаев", "entities.max-bokayev"),
        ("entities.max-bokayev", "entities.max-bokayev"),  # a bare id is deprecated: test_entity_ids.py
        ("Nazarbaev", "entities.nursultan-nazarbayev"),
        ("Назарбаева", "entities.dariga-nazarbayeva"),
        ("Qasym-Jomart Toqaev", "entities.kassym-jomart-tokayev"),
        ("president tokayev", "entities.kassym-jomart-tokayev"),
        ("Larisa Harkova", "entities.larisa-kharkova"),
        ("Oyan Qazaqstan", "entities.oyan-qazaqstan"),
        ("oyan, qazaqstan", "entities.oyan-qazaqstan"),
        ("Köshe", "entities.koshe"),
        ("entities.ilo", "entities.ilo"),
        ("Nur Otan", "entities.nur-otan"),
        ("Нұр Отан", "entities.nur-otan"),
        ("Women's March", "entities.womens-march"),
    ],
)
def test_entity_lookup_is_tolerant(r11, name, entity_id):
    """entity() takes ids, names and aliases in any case, with or without diacritics, Latin or Cyrillic."""
    assert r11.entity(name).id == entity_id


def test_unknown_entity_names_the_closest(r11):
    """An unknown name raises UnknownIdError with suggestions."""
    with pytest.raises(UnknownIdError) as info:
        r11.entity("Tokayeff")
    assert any("Tokayev" in s or "Tokaev" in s for s in info.value.suggestions)
    with pytest.raises(TypeError):
        r11.entity(None)  # type: ignore[arg-type]


@given(st.text(max_size=60))
def test_entity_lookup_never_crashes(name):
    """Any string either names an entity or raises UnknownIdError."""
    report = kzrights.load("1.1.0")
    with contextlib.suppress(UnknownIdError):
        assert report.entity(name).kind == "entity"


def test_mentions_of(r11):
    """mentions_of() lists an entity's mentions, whatever name it is asked by."""
    mentions = r11.mentions_of("Tokaev")
    assert len(mentions) >= 8
    assert {m.entity_id for m in mentions} == {"entities.kassym-jomart-tokayev"}


def test_release_100_has_no_entities():
    """Release 1.0.0 is unchanged: no entity layer, and annotate says so when pinned to it."""
    old = kzrights.load("1.0.0")
    assert old.entities == () and old.mentions == ()
    assert all(r.entity_ids == () for r in old.records())
    with pytest.raises(kzrights.UnsupportedReleaseError, match=r"1\.0\.0 has no entity registry"):
        kzrights.annotate("Tokayev", version="1.0.0")


def test_text_records_are_the_same_in_both_releases(r11):
    """Release 1.1.0 adds annotations; the text records themselves are those of 1.0.0."""
    import attrs

    old = kzrights.load("1.0.0")

    def strip(record):
        record = attrs.evolve(record, entity_ids=())
        if record.kind == "recommendation":
            record = attrs.evolve(record, theme_links=(), evidence_links=())
        return record

    assert [strip(r) for r in r11.records()] == list(old.records())
    assert r11.metadata == old.metadata


def test_no_mention_inside_a_web_address(r11):
    """A footnote's URL is not a mention: "…/country/21/Kazakhstan/show" names no country."""
    for footnote in r11.footnotes:
        for url in footnote.urls:
            start = footnote.text.find(url)
            end = start + len(url)
            inside = [m for m in r11.mentions if m.record_id == footnote.id and start <= m.start < end]
            assert inside == [], (footnote.id, [m.text for m in inside])


# names as users type them: every registry form, with its case, punctuation and spaces damaged
_NEWEST = kzrights.load()
_FORMS = sorted({form.text for e in _NEWEST.entities for form in e.forms})
_DAMAGE = st.sampled_from([" ", "  ", "\n", "\t", ",", ", ", ".", "-", "\u200b", "\u00ad", "'", ""])


@st.composite
def _damaged_names(draw: st.DrawFn) -> str:
    """A registry form, each gap between its words replaced by a random one, in a random case."""
    words = draw(st.sampled_from(_FORMS)).split(" ")
    name = words[0] + "".join(draw(_DAMAGE) + word for word in words[1:])
    case = draw(st.sampled_from([str, str.lower, str.upper, str.title, str.swapcase]))
    edges = st.sampled_from(["", " ", "\n", "\u200f"])
    return draw(edges) + case(name) + draw(edges)


@given(_damaged_names(), st.booleans())
def test_entity_answers_what_annotate_links_whole(name, unambiguous_only):
    """entity(s) raises a kzrights error, or gives the entity annotate(s) links as one mention covering s."""
    try:
        with warnings.catch_warnings():
            # a bare id ("nur-otan", a damaged "NUR OTAN") is deprecated; it is let through below
            warnings.simplefilter("ignore", DeprecationWarning)
            found = _NEWEST.entity(name, unambiguous_only=unambiguous_only)
    except (kzrights.UnknownIdError, kzrights.AmbiguousNameError):
        return
    if f"entities.{name}" == found.id:  # an id without its prefix, not a name
        return
    core = name.strip().strip("\u200f").strip()
    start = name.index(core)
    mentions = kzrights.annotate(name, unambiguous_only=unambiguous_only)
    assert [(m.start, m.end, m.entity_id) for m in mentions] == [(start, start + len(core), found.id)]


@pytest.mark.parametrize(
    ("name", "linked"),
    [
        ("Maks, Bokaev", "Bokaev"),
        ("Kassym-Jomart\nTokaev", "Tokaev"),
        ("Amangeldy Shormanbayeva", "Shormanbayeva"),
    ],
)
def test_entity_refuses_what_annotate_links_only_in_part(name, linked):
    """The tester's names (issue 14): annotate links only part of each, so entity() raises."""
    assert [m.text for m in kzrights.annotate(name)] == [linked]
    with pytest.raises(UnknownIdError):
        _NEWEST.entity(name)
