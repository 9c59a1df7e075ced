"""The entity registry (``seeds/entities.toml``), its linking rules and the mentions the build computes.

The linking rules are in ``seeds/linking.toml``.

Each entity's typed forms (`Entity.forms`) are made here: the name and
the curated aliases, each with the ambiguity class ``linking.toml`` gives it
(``safe`` if none), then the Russian and Kazakh inflected forms of its
Cyrillic names, generated (`inflected_aliases`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import attrs

from kzrights._linking import Engine
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
    "LINKING_FILE",
    "inflected_aliases",
    "link_entities",
    "read_entities",
    "read_linking",
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


def _entity(seed: EntitySeed) -> Entity:
    return Entity(
        id=f"entities.{seed.id}",
        category=seed.category,
        name=seed.name,
        aliases=seed.aliases,
        description=seed.description,
        related_ids=tuple(f"entities.{r}" for r in seed.related),
        forms=default_forms(seed.name, seed.aliases),
    )


def read_entities(data: dict[str, Any], path: str) -> tuple[Entity, ...]:
    """Turn the parsed ``entities.toml`` into entities, checking the registry is consistent.

    Raises:
        BuildError: On a malformed entry, a duplicate id, a link to an unknown
            entity, or two entities that share a name or alias.
    """
    entities = tuple(_entity(seed) for seed in read(data, EntitiesFile, path).entity)
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


def _mentions_in(record: TextRecord, source: str, linker: Engine, named: set[str]) -> list[Mention]:
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
    return [
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

    Returns:
        The entity ids each record mentions (in order of first mention), and
        all mentions in reading order.
    """
    # The run-time linker never matches an essay by its name.  This build still
    # does, so that release 1.2.0 stays as shipped; the data audit's build
    # (branch i14-audit) leaves essays out of its matcher and links them by
    # their authors: the integrator drops this flag when merging it.
    linker = Engine(entities, rules, essays_by_name=True)
    named: set[str] = set()
    mentions: list[Mention] = []
    entity_ids: dict[str, tuple[str, ...]] = {}
    for record in sorted(records, key=lambda r: r.span.start):
        found = _mentions_in(record, source, linker, named)
        mentions.extend(found)
        entity_ids[record.id] = tuple(dict.fromkeys(m.entity_id for m in found))
    return entity_ids, tuple(mentions)


R = TypeVar("R", Paragraph, Item, Recommendation, Footnote)


def with_entity_ids(record: R, entity_ids: dict[str, tuple[str, ...]]) -> R:
    """Return ``record`` with its ``entity_ids`` filled in."""
    return attrs.evolve(record, entity_ids=entity_ids.get(record.id, ()))
