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
"""

import typing
from typing import TYPE_CHECKING, Any, ClassVar

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

__all__ = ["ADDRESSABLE_PARTS", "PARTS", "TEXT_PARTS", "ReleaseDocument"]


class _Fields:
    """The fields of a release document, in the key order of its JSON: the one declaration of them.

    Each field is written once, here, with its type and, for a part that
    older releases lack, its default.  `ReleaseDocument` takes its slots,
    its ``__init__`` arguments and its attrs field descriptions from this
    class; `PARTS` and the lists below are derived from them.  (The defaults
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


def _attribute(name: str, kind: Any) -> "attrs.Attribute[Any]":
    """The field ``name`` of `_Fields` described as ``attrs.frozen`` describes a field.

    ``tests/test_release_document.py`` compares the result with attrs' own,
    slot by slot, on the installed attrs.
    """
    field: attrs.Attribute[Any] = attrs.Attribute(  # type: ignore[call-arg]  # not in attrs' stub
        name=name,
        default=_Fields.__dict__.get(name, attrs.NOTHING),
        validator=None,
        repr=True,
        cmp=None,
        hash=None,
        init=True,
        inherited=False,
        type=kind,
    )
    # the name __init__ takes it by: set as attrs sets a default one, which an
    # argument would mark as chosen by hand (attrs 26.1's alias_is_default)
    object.__setattr__(field, "alias", name)
    return field


_ATTRIBUTES: "tuple[attrs.Attribute[Any], ...]" = tuple(
    [_attribute(name, kind) for name, kind in _Fields.__annotations__.items()]
)
_NAMES: tuple[str, ...] = tuple([field.name for field in _ATTRIBUTES])
_REQUIRED: Any = attrs.NOTHING


class ReleaseDocument(_Record, _Fields):
    """The content of a release's ``report.json``.

    One per release, made by the loader.  A plain frozen class with slots,
    not an attrs class: attrs would compile an ``__init__`` and build the
    class twice (its slots added) on every first `kzrights.load`, about half
    a millisecond for this one class.  It
    describes its fields as attrs does (``__attrs_attrs__``, made from
    `_Fields`), so ``attrs.fields``, ``attrs.evolve``, cattrs' unstructuring,
    the JSON Schema and the records' shared ``==``, hash and ``repr`` read it
    as they read an attrs class.

    Called with the fields' values, positionally in field order or by name
    (the parts after ``footnotes`` default to ``()``); a missing, unknown or
    repeated argument is a TypeError.  Setting or deleting a field raises
    ``attrs.exceptions.FrozenInstanceError``.
    """

    __slots__ = (*_NAMES, "__weakref__")  # weakly referenced, as attrs' slotted classes are
    if TYPE_CHECKING:  # as attrs' mypy plugin declares it: attrs.fields() then takes the class
        __attrs_attrs__: ClassVar[tuple[attrs.Attribute[Any], ...]]
    else:  # no annotation at run time: typing.get_type_hints() gives the fields alone
        __attrs_attrs__ = _ATTRIBUTES

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

    def __setattr__(self, name: str, value: Any) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __delattr__(self, name: str) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __reduce__(self) -> tuple[type["ReleaseDocument"], tuple[Any, ...]]:
        # pickle and copy make it again through __init__: the default would set
        # its slots through __setattr__, which a frozen class refuses
        return (ReleaseDocument, tuple([getattr(self, name) for name in _NAMES]))


# each field's name, default and slot, which __init__ fills as the generated
# structure functions do (kzrights._structure_gen: ReleaseDocument.__dict__[name].__set__)
_SETTERS: dict[str, tuple[str, Any, Any]] = {
    field.name: (field.name, field.default, ReleaseDocument.__dict__[field.name].__set__)
    for field in _ATTRIBUTES
}

_HEADER = ("schema", "metadata")
"""The fields of a release document that are not parts."""

# the class each part holds: ``Paragraph`` for ``tuple[Paragraph, ...]`` (no
# postponed annotations in this module, so the declaration holds the types themselves)
_PART_TYPES: dict[str, type] = {
    field.name: typing.get_args(field.type)[0] for field in _ATTRIBUTES if field.name not in _HEADER
}

PARTS: tuple[str, ...] = tuple(_PART_TYPES)
"""Every part of a release, in the order of its JSON: ``("sections", "paragraphs", …, "sdg_targets")``."""

TEXT_PARTS: tuple[str, ...] = tuple(name for name in PARTS if _PART_TYPES[name] in typing.get_args(Record))
"""The parts that hold text records (paragraphs, items, recommendations, footnotes): ``records()``."""

ADDRESSABLE_PARTS: tuple[str, ...] = tuple(
    name for name in PARTS if attrs.has(_PART_TYPES[name]) and "id" in attrs.fields_dict(_PART_TYPES[name])
)
"""The parts whose members have an id that ``Report.get`` resolves: all but the mentions."""
