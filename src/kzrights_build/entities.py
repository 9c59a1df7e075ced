"""The entity registry (``seeds/entities.toml``) and the mentions the build computes from it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import attrs

from kzrights._matcher import Matcher, entity_matcher
from kzrights._names import name_key
from kzrights._provenance import SourceMap, clean
from kzrights.errors import BuildError
from kzrights.records import Entity, Footnote, Item, Mention, Paragraph, Recommendation

from .seed_files import EntitiesFile, EntitySeed, read

__all__ = ["ENTITIES_FILE", "link_entities", "read_entities", "with_entity_ids"]

ENTITIES_FILE = "entities.toml"

TextRecord = Paragraph | Item | Recommendation | Footnote


def _entity(seed: EntitySeed) -> Entity:
    return Entity(
        id=f"entities.{seed.id}",
        category=seed.category,
        name=seed.name,
        aliases=seed.aliases,
        description=seed.description,
        related_ids=tuple(f"entities.{r}" for r in seed.related),
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


def _mentions_in(record: TextRecord, source: str, matcher: Matcher) -> list[Mention]:
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
    return [
        Mention(
            entity_id=entity_id,
            text=record.text[start:end],
            start=start,
            end=end,
            record_id=record.id,
            source_span=where.to_source(start, end),
        )
        for entity_id, _, start, end, _, _ in matcher.find(record.text)
        if not any(url_start <= start < url_end for url_start, url_end in inside_urls)
    ]


def link_entities(
    records: Sequence[TextRecord], source: str, entities: Sequence[Entity]
) -> tuple[dict[str, tuple[str, ...]], tuple[Mention, ...]]:
    """Find every mention of the registry's entities in the records.

    Returns:
        The entity ids each record mentions (in order of first mention), and
        all mentions in reading order.
    """
    matcher = entity_matcher(entities)
    mentions: list[Mention] = []
    entity_ids: dict[str, tuple[str, ...]] = {}
    for record in sorted(records, key=lambda r: r.span.start):
        found = _mentions_in(record, source, matcher)
        mentions.extend(found)
        entity_ids[record.id] = tuple(dict.fromkeys(m.entity_id for m in found))
    return entity_ids, tuple(mentions)


R = TypeVar("R", Paragraph, Item, Recommendation, Footnote)


def with_entity_ids(record: R, entity_ids: dict[str, tuple[str, ...]]) -> R:
    """Return ``record`` with its ``entity_ids`` filled in."""
    return attrs.evolve(record, entity_ids=entity_ids.get(record.id, ()))
