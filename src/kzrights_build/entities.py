"""The entity registry (``seeds/entities.toml``), its linking rules and the mentions the build computes.

The linking rules are in ``seeds/linking.toml``.

Each entity's typed forms (`Entity.forms`) are made here: the name and
the curated aliases, each with the ambiguity class ``linking.toml`` gives it
(``safe`` if none), then the Russian and Kazakh inflected forms of its
Cyrillic names, generated (`inflected_aliases`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import attrs

from kzrights._linking import ESSAY_PREFIX, Engine, is_essay
from kzrights._matcher import entity_matcher
from kzrights._names import default_forms, name_key
from kzrights._provenance import SourceMap, clean
from kzrights.errors import BuildError
from kzrights.records import (
    Alias,
    AliasForm,
    Entity,
    EntityCategory,
    Footnote,
    Item,
    LinkingRules,
    Mention,
    Paragraph,
    Recommendation,
)

from .seed_files import EntitiesFile, EntitySeed, LinkingFile, read

__all__ = [
    "ENTITIES_FILE",
    "ESSAY_PREFIX",
    "LINKING_FILE",
    "inflected_aliases",
    "link_entities",
    "read_entities",
    "read_linking",
    "sentence_span",
    "with_entity_ids",
    "with_inflected_forms",
]

ENTITIES_FILE = "entities.toml"
LINKING_FILE = "linking.toml"

Inflector = Callable[[str, EntityCategory, str], Iterable[tuple[str, str | None]]]
"""What generates inflected forms: ``(base form, category, language) -> (form, grammatical case)`` pairs."""

# the categories whose Cyrillic names are inflected (the issue: persons, places, organisations)
_INFLECTED = frozenset({EntityCategory.PERSON, EntityCategory.PLACE, EntityCategory.ORGANISATION})

TextRecord = Paragraph | Item | Recommendation | Footnote


def _entity(seed: EntitySeed, path: str) -> Entity:
    if (seed.background is None) != (seed.background_basis is None):
        # background the report does not give is only allowed with its source named
        raise BuildError(path, f"entity {seed.id!r}: background and background_basis go together")
    return Entity(
        id=f"entities.{seed.id}",
        category=seed.category,
        name=seed.name,
        aliases=seed.aliases,
        description=seed.description,
        related_ids=tuple(f"entities.{r}" for r in seed.related),
        forms=default_forms(seed.name, seed.aliases),
        background=seed.background,
        background_basis=seed.background_basis,
    )


def read_entities(data: dict[str, Any], path: str) -> tuple[Entity, ...]:
    """Turn the parsed ``entities.toml`` into entities, checking the registry is consistent.

    Raises:
        BuildError: On a malformed entry, a duplicate id, a link to an unknown
            entity, two entities that share a name or alias, background
            without its basis, or an essay whose author is not in the
            registry.
    """
    entities = tuple(_entity(seed, path) for seed in read(data, EntitiesFile, path).entity)
    ids = [e.id for e in entities]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise BuildError(path, f"duplicate entity ids: {', '.join(duplicates)}")
    known = set(ids)
    for entity in entities:
        for related in entity.related_ids:
            if related not in known or related == entity.id:
                raise BuildError(path, f"{entity.id} is related to {related}, which is not another entity")
    owners: dict[str, str] = {}
    for entity in entities:
        for form in (entity.id, entity.name, *entity.aliases):
            owner = owners.setdefault(name_key(form), entity.id)
            if owner != entity.id:
                raise BuildError(path, f"{form!r} names both {owner} and {entity.id}")
    try:
        entity_matcher(entities)
    except ValueError as exc:
        raise BuildError(path, str(exc)) from None
    _essays_by_authors(entities, path)
    return entities


def read_linking(
    data: dict[str, Any], path: str, entities: Sequence[Entity]
) -> tuple[tuple[Entity, ...], LinkingRules]:
    """Apply ``linking.toml`` to the registry: each listed form gets its class; and read the rules' evidence.

    Returns:
        The entities with their classes in ``forms``, and the `LinkingRules`.

    Raises:
        BuildError: On a malformed file, an unknown entity, or a form that is
            not a name or alias of its entity.
    """
    seed = read(data, LinkingFile, path)
    by_id = {e.id: e for e in entities}
    for entity_id in seed.context_entities:
        if f"entities.{entity_id}" not in by_id:
            raise BuildError(path, f"context_entities names {entity_id!r}, which is no entity")
    classes: dict[tuple[str, str], Any] = {}
    for entry in seed.alias:
        entity = by_id.get(f"entities.{entry.entity}")
        if entity is None:
            raise BuildError(path, f"[[alias]] names {entry.entity!r}, which is no entity")
        for text in entry.forms:
            if text not in (entity.name, *entity.aliases):
                raise BuildError(path, f"{text!r} is not a name or alias of {entity.id}")
            if classes.setdefault((entity.id, text), entry.ambiguity) != entry.ambiguity:
                raise BuildError(path, f"{text!r} of {entity.id} is given two classes")
    classed = tuple(
        attrs.evolve(
            e,
            forms=tuple(attrs.evolve(f, ambiguity=classes.get((e.id, f.text), f.ambiguity)) for f in e.forms),
        )
        for e in entities
    )
    rules = LinkingRules(
        context_entity_ids=tuple(f"entities.{i}" for i in seed.context_entities),
        context_words=seed.context_words,
        titles=seed.titles,
        blocking_names=seed.blocking_names,
        function_words=seed.function_words,
    )
    return classed, rules


def inflected_aliases(entity: Entity, inflect: Inflector) -> tuple[Alias, ...]:
    """The generated forms of an entity: the inflections of its Cyrillic names that it does not have yet.

    Each is ``form=inflected``, ``generated=True``, with its language and
    case; it keeps the ambiguity class of the form it was made from, and
    where it is also another entity's form the linker decides (see
    `kzrights.linker`).
    """
    if entity.category not in _INFLECTED:
        return ()
    have = {f.text for f in entity.forms}
    made: dict[str, Alias] = {}
    for base in entity.forms:
        if base.language is None or base.generated:
            continue
        # Russian and Kazakh alike: Kazakh writes many names in the Russian spelling
        for language in ("ru", "kk"):
            for text, case in inflect(base.text, entity.category, language):
                if text and text not in have and text not in made:
                    made[text] = Alias(
                        text,
                        AliasForm.INFLECTED,
                        base.ambiguity,
                        generated=True,
                        language=language,
                        grammatical_case=case,
                    )
    return tuple(made[text] for text in sorted(made))


def _registry_inflector(entities: Sequence[Entity]) -> Inflector:
    """The inflector of ``kzrights_build.inflect`` (issue 14, part B), over the whole registry.

    ``registry_forms`` declines every Cyrillic name and alias of each entity
    (a person's names all in one gender); its table is read back per base
    form.  A form serving several cases gets them all, joined by ", "
    ("genitive, accusative").
    """
    from .inflect import registry_forms

    table: dict[tuple[str, str], list[tuple[str, str | None]]] = {}
    for forms in registry_forms(entities).values():
        for form in forms:
            table.setdefault((form.base, form.language), []).append(
                (form.text, ", ".join(case.value for case in form.cases))
            )

    def inflector(name: str, category: EntityCategory, language: str) -> Iterable[tuple[str, str | None]]:
        return table.get((name, language), ())

    return inflector


def with_inflected_forms(entities: Sequence[Entity], inflect: Inflector | None = None) -> tuple[Entity, ...]:
    """The entities with their generated inflected forms added (`inflected_aliases`).

    Args:
        entities: The registry.
        inflect: The generator; by default ``kzrights_build.inflect``'s
            (pymorphy3 for Russian, rules for Kazakh; the ``build-data`` extra).

    Raises:
        MissingBuildDependencyError: If pymorphy3 is not installed.
    """
    inflect = inflect if inflect is not None else _registry_inflector(entities)
    return tuple(attrs.evolve(e, forms=(*e.forms, *inflected_aliases(e, inflect))) for e in entities)


# ── Essays ──
#
# The report cites its essays by their authors, never by title: "Anna
# Gussarova's essay", "the essay by Aina Shormanbayeva and Amangeldy
# Shormanbayev", "As Tatiana Chernobil writes in her essay".  No alias can
# name them (an alias "Anna Gussarova's essay" would swallow the author's own
# mention), so the build finds each essay from the word "essay" and the person
# mentions around it.  An essay entity is named "Essay by <author>[ and
# <author>]", with each author's canonical name; which entities are essays is
# the library's rule (`kzrights._linking.is_essay`), the one the linker and
# the spaCy patterns use to leave essays out, so the two can never disagree.

_ESSAY_WORD = re.compile(r"\bessay\b")
_POSSESSIVE = re.compile(r"['’]s\s+$")
_PRONOUN = re.compile(r"\b(?:her|his|their)\s+$")
_BY = re.compile(r"\s+by\s+")
_AND = re.compile(r"\s+and\s+")
_SENTENCE_END = re.compile(r"[.!?][’'”\"]?\s+(?=[A-Z‘“'\"])")


def _essays_by_authors(entities: Sequence[Entity], path: str) -> dict[frozenset[str], str]:
    """Map each essay's set of author ids to the essay's id, from the essays' names."""
    people = {e.name: e.id for e in entities if e.category is EntityCategory.PERSON}
    essays: dict[frozenset[str], str] = {}
    for entity in entities:
        if is_essay(entity):
            names = entity.name[len(ESSAY_PREFIX) :].split(" and ")
            unknown = [n for n in names if n not in people]
            if unknown:
                raise BuildError(
                    path, f"{entity.id}: its author {unknown[0]!r} is not a person of the registry"
                )
            essays[frozenset(people[n] for n in names)] = entity.id
    return essays


def _sentence_start(text: str, offset: int) -> int:
    # one character past the offset, so the look-ahead sees the capital
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, offset + 1) if m.end() <= offset]
    return starts[-1] if starts else 0


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the offsets of the sentence(s) of ``text`` that hold ``text[start:end]``.

    A sentence ends at ".", "!" or "?" (and a closing quote) followed by
    space and a capital or an opening quote; the report has no
    abbreviations that would end one early.
    """
    after = _SENTENCE_END.search(text, max(end - 1, start))
    return _sentence_start(text, start), after.start() + 1 if after else len(text)


def _essay_mentions(
    record: TextRecord, people: list[Mention], essays: dict[frozenset[str], str], where: SourceMap
) -> list[Mention]:
    """The mentions of essays in a record, each attributed from the person mentions next to it.

    Raises:
        BuildError: If an essay cannot be attributed, or its authors have no
            essay in the registry: every essay the report cites is a mention.
    """
    text = record.text
    found = []
    for match in _ESSAY_WORD.finditer(text):
        start, end = match.span()
        before = text[:start]
        authors: list[Mention] = []
        possessive = _POSSESSIVE.search(before)
        pronoun = _PRONOUN.search(before)
        by = _BY.match(text, end)
        if possessive:  # "Anna Gussarova's essay"
            authors = [m for m in people if m.end == possessive.start()]
        elif by:  # "the essay by Aina Shormanbayeva and Amangeldy Shormanbayev"
            at = by.end()
            while (author := next((m for m in people if m.start == at), None)) is not None:
                authors.append(author)
                joined = _AND.match(text, author.end)
                if joined is None:
                    break
                at = joined.end()
        elif pronoun:  # "As Tatiana Chernobil writes in her essay": the person named before, in the sentence
            sentence = _sentence_start(text, start)
            earlier = [m for m in people if sentence <= m.start and m.end <= pronoun.start()]
            authors = earlier[-1:]
            start = pronoun.start()
        if not authors:
            raise BuildError(
                "seeds", f"{record.id}: cannot tell whose essay {text[start:end]!r} at {start} is"
            )
        # "the essay by A and B and C's essay": the longest run of authors that has an essay
        for count in range(len(authors), 0, -1):
            if frozenset(m.entity_id for m in authors[:count]) in essays:
                authors = authors[:count]
                break
        essay_id = essays.get(frozenset(m.entity_id for m in authors))
        if essay_id is None:
            named = " and ".join(m.text for m in authors)
            raise BuildError(
                f"seeds/{ENTITIES_FILE}",
                f"{record.id} cites the essay of {named}, which has no entity {ESSAY_PREFIX!r}…",
            )
        cited_by = " and ".join(repr(m.text) for m in authors)
        found.append(
            Mention(
                essay_id,
                text[start:end],
                start,
                end,
                record.id,
                where.to_source(start, end),
                resolved_by=f"essay cited by its author: {cited_by}",
            )
        )
    return found


def _mentions_in(
    record: TextRecord,
    source: str,
    linker: Engine,
    named: set[str],
    essays: dict[frozenset[str], str] | None = None,
    person_ids: frozenset[str] = frozenset(),
) -> list[Mention]:
    cleaned = clean(source, record.span.start, record.span.end)
    if cleaned.text != record.text:  # pragma: no cover - parse and clean agree by construction
        raise BuildError("seeds", f"{record.id}: its text no longer matches its span")
    where = SourceMap(cleaned.offsets)
    # a web address is not a mention: "…/country/21/Kazakhstan/show" names no country
    inside_urls = [
        (start, start + len(url))
        for url in getattr(record, "urls", ())
        for start in [record.text.find(url)]
        if start >= 0
    ]
    # the report is about Kazakhstan throughout, and names people in full in earlier records
    found = linker.link(
        record.text, about_kazakhstan="the report is about Kazakhstan", named_before=frozenset(named)
    )
    named.update(m.entity_id for m in found if m.resolved_by is None)
    found = [
        Mention(
            entity_id=m.entity_id,
            text=record.text[m.start : m.end],
            start=m.start,
            end=m.end,
            record_id=record.id,
            source_span=where.to_source(m.start, m.end),
            form=m.form,
            resolved_by=m.resolved_by,
        )
        for m in found
        if not any(url_start <= m.start < url_end for url_start, url_end in inside_urls)
    ]
    if essays is not None:
        people = [m for m in found if m.entity_id in person_ids]
        found = sorted([*found, *_essay_mentions(record, people, essays, where)], key=lambda m: m.start)
    return found


def link_entities(
    records: Sequence[TextRecord],
    source: str,
    entities: Sequence[Entity],
    rules: LinkingRules | None = None,
) -> tuple[dict[str, tuple[str, ...]], tuple[Mention, ...]]:
    """Find every mention of the registry's entities in the records, by the linking rules.

    The report is about Kazakhstan throughout, so a ``context`` form needs
    no Kazakh word in its own record; a ``given-name`` surname needs its
    entity named in full earlier in the report.

    Names and aliases are found by the matcher `kzrights.annotate` uses;
    essays, which the report cites by their authors ("her essay", "Anna
    Gussarova's essay"), by the rules of `_essay_mentions`.

    Returns:
        The entity ids each record mentions (in order of first mention), and
        all mentions in reading order.
    """
    essays = _essays_by_authors(entities, f"seeds/{ENTITIES_FILE}")
    # the engine never matches an essay by its name (made of its authors' names);
    # the report's essays are found from their authors' mentions (_essay_mentions)
    linker = Engine(entities, rules)
    person_ids = frozenset(e.id for e in entities if e.category is EntityCategory.PERSON)
    named: set[str] = set()
    mentions: list[Mention] = []
    entity_ids: dict[str, tuple[str, ...]] = {}
    for record in sorted(records, key=lambda r: r.span.start):
        found = _mentions_in(record, source, linker, named, essays, person_ids)
        mentions.extend(found)
        entity_ids[record.id] = tuple(dict.fromkeys(m.entity_id for m in found))
    return entity_ids, tuple(mentions)


R = TypeVar("R", Paragraph, Item, Recommendation, Footnote)


def with_entity_ids(record: R, entity_ids: dict[str, tuple[str, ...]]) -> R:
    """Return ``record`` with its ``entity_ids`` filled in."""
    return attrs.evolve(record, entity_ids=entity_ids.get(record.id, ()))
