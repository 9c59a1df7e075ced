"""What a release's ``report.json`` holds, and the one list of its parts.

A release is its schema number, its metadata and its *parts*: the tuples of
sections, paragraphs, items, recommendations, footnotes, entities, mentions,
themes, figures, sources, SDG goals and SDG targets.  The parts are named
once, by the fields of
`ReleaseDocument`; everything that goes through them (loading, the
[`Report`][kzrights.report.Report]'s index and `repr`, `records()`, `diff`, `kzrights info`,
the notebook summary) reads `PARTS` and the lists derived from it, so a part
added to the release document reaches every one of them.

The field order of `ReleaseDocument` is the key order of the release JSON,
which the release hashes lock (``tests/releases.lock.json``): new parts go at
the end, with a default of ``()`` for the releases that do not have them.

This module needs attrs and the record classes only (no cattrs), so the
`Report` can import it.  It has no postponed annotations: the loader and
the JSON Schema read the field types as types.

It also says, once, what the ids of a release are made of where the build
does not make them of numbers (`SLUG`, `SECTION_KINDS`, `SDG_GOAL_CODE`,
`SDG_TARGET_CODE`): the builder checks its seeds with them, and
`kzrights._integrity` checks every release with them.
"""

import re
import typing

import attrs

from .records import (
    Entity,
    Figure,
    Footnote,
    Item,
    LinkingRules,
    Mention,
    Metadata,
    Paragraph,
    Recommendation,
    Record,
    SdgGoal,
    SdgTarget,
    Section,
    Source,
    Theme,
    _Record,
)

__all__ = [
    "ADDRESSABLE_PARTS",
    "PARTS",
    "SDG_GOAL_CODE",
    "SDG_TARGET_CODE",
    "SECTION_KINDS",
    "SLUG",
    "TEXT_PARTS",
    "ReleaseDocument",
]

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""The key of an id the curators choose: an entity's, theme's or figure's after its prefix, a source's key.

Lower-case ASCII letters and digits, in words joined by single hyphens
(``max-bokayev``, ``bhutia-2020``): never empty, no dot, space or capital.
Match it with ``fullmatch``.
"""

SECTION_KINDS: dict[str, tuple[type, ...]] = {
    "conclusions": (Paragraph, Item),
    "recommendations": (Paragraph, Recommendation),
    "footnotes": (Footnote,),
}
"""The sections of every release, by id, in the order of the text, with the kinds of record each lists."""

SDG_GOAL_CODE = re.compile(r"[1-9][0-9]?")
"""The UN's number of an SDG goal, as its reference file writes it (``"16"``)."""

SDG_TARGET_CODE = re.compile(r"([1-9][0-9]?)\.([1-9][0-9]?|[a-z])")
"""The UN's code of an SDG target (``"16.10"``, ``"5.c"``): its goal's number, a dot, a number or a letter."""


@attrs.frozen(eq=False, repr=False)
class ReleaseDocument(_Record):
    """The content of a release's ``report.json``."""

    schema: int
    metadata: Metadata
    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...]
    items: tuple[Item, ...]
    recommendations: tuple[Recommendation, ...]
    footnotes: tuple[Footnote, ...]
    entities: tuple[Entity, ...] = ()
    mentions: tuple[Mention, ...] = ()
    themes: tuple[Theme, ...] = ()
    figures: tuple[Figure, ...] = ()
    sources: tuple[Source, ...] = ()
    linking: tuple[LinkingRules, ...] = ()
    sdg_goals: tuple[SdgGoal, ...] = ()
    sdg_targets: tuple[SdgTarget, ...] = ()


_HEADER = ("schema", "metadata")
"""The fields of a release document that are not parts."""

# the class each part holds: ``Paragraph`` for ``tuple[Paragraph, ...]`` (no
# postponed annotations in this module, so attrs keeps the types themselves)
_PART_TYPES: dict[str, type] = {
    field.name: typing.get_args(field.type)[0]
    for field in attrs.fields(ReleaseDocument)
    if field.name not in _HEADER
}

PARTS: tuple[str, ...] = tuple(
    field.name for field in attrs.fields(ReleaseDocument) if field.name not in _HEADER
)
"""Every part of a release, in the order of its JSON: ``("sections", "paragraphs", …, "sdg_targets")``."""

TEXT_PARTS: tuple[str, ...] = tuple(name for name in PARTS if _PART_TYPES[name] in typing.get_args(Record))
"""The parts that hold text records (paragraphs, items, recommendations, footnotes): ``records()``."""

ADDRESSABLE_PARTS: tuple[str, ...] = tuple(
    name for name in PARTS if attrs.has(_PART_TYPES[name]) and "id" in attrs.fields_dict(_PART_TYPES[name])
)
"""The parts whose members have an id that ``Report.get`` resolves: all but the mentions."""
