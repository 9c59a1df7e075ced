"""What a release's ``report.json`` holds, and the one list of its parts.

A release is its schema number, its metadata and its *parts*: the tuples of
sections, paragraphs, items, recommendations, footnotes, entities, mentions,
themes, figures, sources, SDG goals and SDG targets.  The fields are
declared once, by `_Fields`, and the parts are the fields of
`ReleaseDocument` after its header; everything that goes through them (loading, the
[`Report`][kzrights.report.Report]'s index and `repr`, `records()`, `diff`, `kzrights info`,
the notebook summary) reads `PARTS` and the lists derived from it, so a part
added to the release document reaches every one of them.

The field order of `ReleaseDocument` is the key order of the release JSON,
which the release hashes lock (``tests/releases.lock.json``): new parts go at
the end, with a default of ``()`` for the releases that do not have them.

This module needs attrs and the record classes only (no cattrs), so the
`Report` can import it; it makes no attrs class, which the first
`kzrights.load` would pay for.  It has no postponed annotations: the loader
and the JSON Schema read the field types as types.

It also says, once, what the ids of a release are made of where the build
does not make them of numbers alone (`all_slugs`, `SECTION_KINDS`,
`is_sdg_target_code`): the builder checks its seeds with them, and
`kzrights._integrity` checks every release with them.
"""

import typing
from collections.abc import Sequence
from typing import Any

import attrs

from .records import (
    Addressee,
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
    "FIELDS",
    "PARTS",
    "SDG_TARGET_ENDS",
    "SECTION_KINDS",
    "TEXT_PARTS",
    "ReleaseDocument",
    "addressee_named",
    "all_slugs",
    "is_curated_id",
    "is_sdg_goal_code",
    "is_sdg_target_code",
    "is_slug",
    "slug_lines",
]


def all_slugs(keys: Sequence[str]) -> bool:
    """Whether every one of ``keys`` is a slug.

    A slug is the key of an id the curators choose: an entity's, theme's
    or figure's after its prefix, a source's key.  It is lower-case ASCII
    letters and digits, in words joined by single hyphens (``max-bokayev``,
    ``bhutia-2020``): never empty, no dot, space, underscore or capital.

    >>> all_slugs(["max-bokayev", "bhutia-2020"]), all_slugs(["Max"]), all_slugs(["a--b"]), all_slugs([""])
    (True, False, False, False)
    """
    if not keys:
        return True
    joined = "\n".join(keys)
    return joined.count("\n") == len(keys) - 1 and slug_lines(f"\n{joined}\n")


def slug_lines(framed: str) -> bool:
    """Whether each line of ``framed`` is a slug: keys joined by newlines, a newline before and after.

    The caller makes sure that no key holds a newline of its own (counting
    them).  All the keys are checked at once, with bytes methods: no regular
    expression, whose compiling alone would cost a first ``load()`` more than
    the check; a release's hundred and fifty keys take a few microseconds.
    """
    if not framed.isascii():
        return False
    data = framed.encode("ascii")
    # an empty key, or a hyphen that does not join two words
    if b"\n\n" in data or b"\n-" in data or b"-\n" in data or b"--" in data:
        return False
    bare = data.translate(None, b"-\n")
    return bare.isalnum() and bare == bare.lower()


def is_slug(key: str) -> bool:
    """Whether ``key`` is a slug (`all_slugs`)."""
    return all_slugs((key,))


def is_curated_id(record_id: str, prefix: str) -> bool:
    """Whether ``record_id`` is ``prefix`` and a slug: the id of an entity, theme, figure or source.

    A user's own entity for a `Linker` follows the rule of a release's.

    >>> is_curated_id("entities.adil-soz", "entities."), is_curated_id("entities.a b", "entities.")
    (True, False)
    """
    return record_id.startswith(prefix) and is_slug(record_id[len(prefix) :])


SECTION_KINDS: dict[str, tuple[type, ...]] = {
    "conclusions": (Paragraph, Item),
    "recommendations": (Paragraph, Recommendation),
    "footnotes": (Footnote,),
}
"""The sections of every release, by id, in the order of the text, with the kinds of record each lists."""


def addressee_named(lead_in: str) -> Addressee | None:
    """The addressee a recommendations lead-in's text names, as the build reads it; None if it names none.

    The first `Addressee` whose label (``"Government of Kazakhstan"``,
    ``"international community"``) the text holds, whatever the case.
    """
    text = lead_in.casefold()
    return next((addressee for addressee in Addressee if addressee.label.casefold() in text), None)


_SDG_GOAL_CODES = frozenset(str(number) for number in range(1, 18))
"""The numbers of the UN's 17 Sustainable Development Goals."""
SDG_TARGET_ENDS = frozenset(str(number) for number in range(1, 100)) | frozenset("abcdefghijklmnopqrstuvwxyz")
"""What follows the dot of an SDG target's code: a number from 1 to 99 or a lower-case letter."""


def is_sdg_goal_code(code: str) -> bool:
    """Whether ``code`` is the number of one of the UN's 17 SDG goals, written as the UN does (``"16"``)."""
    return code in _SDG_GOAL_CODES


def is_sdg_target_code(code: str) -> bool:
    """Whether ``code`` has the form of an SDG target's code: a goal (1 to 17), a dot, `SDG_TARGET_ENDS`.

    The form only: a code of that form that the UN does not define (``"16.99"``) passes.

    >>> is_sdg_target_code("16.10"), is_sdg_target_code("5.c"), is_sdg_target_code("1.1.x")
    (True, True, False)
    """
    goal, _, end = code.partition(".")
    return goal in _SDG_GOAL_CODES and end in SDG_TARGET_ENDS


class _Fields:
    """The fields of a release document, in the key order of its JSON: the one declaration of them.

    Each field is written once, here, with its type and, for a part that
    older releases lack, its default.  `FIELDS` lists them, and
    `ReleaseDocument` takes its slots and its ``__init__`` arguments from
    them; `PARTS` and the lists below are derived from them.  (The defaults
    stay on this class: a class cannot hold both a slot and a value of one name.)
    """

    __slots__ = ()

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


FIELDS: tuple[tuple[str, Any, Any], ...] = tuple(
    [
        (name, kind, _Fields.__dict__.get(name, attrs.NOTHING))
        for name, kind in _Fields.__annotations__.items()
    ]
)
"""Each field of a release document as (name, type, default), in the key order of its JSON.

The default is ``attrs.NOTHING`` for a field every release has.  The
loader's exact hooks, the unstructuring converter, the JSON Schema and the
builder read the fields here.
"""

_NAMES: tuple[str, ...] = tuple([name for name, _, _ in FIELDS])
_REQUIRED: Any = attrs.NOTHING


class ReleaseDocument(_Record, _Fields):
    """The content of a release's ``report.json``.

    One per release, made by the loader.  A plain frozen class with slots,
    not an attrs class: attrs would compile an ``__init__`` and build the
    class twice (its slots added) on every first `kzrights.load`, about half
    a millisecond for this one class.  Its fields are those of `FIELDS`,
    which its readers (the loader's hooks and checks, the unstructuring
    converter, the JSON Schema, the builder) use; it does not describe
    itself to attrs (``attrs.has(ReleaseDocument)`` is false).

    Called with the fields' values, positionally in field order or by name
    (the parts after ``footnotes`` default to ``()``); a missing, unknown or
    repeated argument is a TypeError.  Setting or deleting a field raises
    ``attrs.exceptions.FrozenInstanceError``.  Equal documents have equal
    fields; it hashes, prints, copies and pickles as the attrs class did.
    """

    __slots__ = (*_NAMES, "__weakref__")  # weakly referenced, as attrs' slotted classes are

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(_NAMES):
            raise TypeError(f"ReleaseDocument() takes {len(_NAMES)} arguments, {len(args)} given")
        values = dict(zip(_NAMES, args, strict=False))  # the first ones, by position
        for name, value in kwargs.items():
            if name not in _SETTERS:
                raise TypeError(f"ReleaseDocument() got an unexpected keyword argument {name!r}")
            if name in values:
                raise TypeError(f"ReleaseDocument() got multiple values for argument {name!r}")
            values[name] = value
        for name, default, setter in _SETTERS.values():
            value = values.get(name, default)
            if value is _REQUIRED:
                raise TypeError(f"ReleaseDocument() missing required argument {name!r}")
            setter(self, value)

    def _values(self) -> tuple[Any, ...]:
        # what the records' shared ==, != and hash compare: every field
        return tuple([getattr(self, name) for name in _NAMES])

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _NAMES)
        return f"ReleaseDocument({fields})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __delattr__(self, name: str) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __reduce__(self) -> tuple[type["ReleaseDocument"], tuple[Any, ...]]:
        # pickle and copy make it again through __init__: the default would set
        # its slots through __setattr__, which a frozen class refuses
        return (ReleaseDocument, self._values())


# each field's name, default and slot, which __init__ fills as the generated
# structure functions do (kzrights._structure_gen: ReleaseDocument.__dict__[name].__set__)
_SETTERS: dict[str, tuple[str, Any, Any]] = {
    name: (name, default, ReleaseDocument.__dict__[name].__set__) for name, _, default in FIELDS
}

_HEADER = ("schema", "metadata")
"""The fields of a release document that are not parts."""

# the class each part holds: ``Paragraph`` for ``tuple[Paragraph, ...]`` (no
# postponed annotations in this module, so the declaration holds the types themselves)
_PART_TYPES: dict[str, type] = {
    name: typing.get_args(kind)[0] for name, kind, _ in FIELDS if name not in _HEADER
}

PARTS: tuple[str, ...] = tuple(_PART_TYPES)
"""Every part of a release, in the order of its JSON: ``("sections", "paragraphs", …, "sdg_targets")``."""

TEXT_PARTS: tuple[str, ...] = tuple(name for name in PARTS if _PART_TYPES[name] in typing.get_args(Record))
"""The parts that hold text records (paragraphs, items, recommendations, footnotes): ``records()``."""

ADDRESSABLE_PARTS: tuple[str, ...] = tuple(
    name for name in PARTS if attrs.has(_PART_TYPES[name]) and "id" in attrs.fields_dict(_PART_TYPES[name])
)
"""The parts whose members have an id that ``Report.get`` resolves: all but the mentions."""
