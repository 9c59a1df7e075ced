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
from collections.abc import Callable
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
    Span,
    Theme,
    _Record,
)

__all__ = ["ADDRESSABLE_PARTS", "FIELDS", "PARTS", "TEXT_PARTS", "ReleaseDocument"]


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


def _attrs_description() -> "tuple[attrs.Attribute[Any], ...]":
    """The fields as ``attrs.fields()`` gives them, for code that reads a release document as an attrs class.

    Only `kzrights._integrity` does (``attrs.fields(type(document))``, on
    every load); once it reads `FIELDS` or `PARTS`, this can go.  The
    descriptions are made with attrs' public ``Attribute.evolve`` from one
    that attrs made itself (a `Span`'s offset: required, no validator),
    never with ``Attribute``'s own constructor, which attrs documents as not
    to be called: about 0.3 ms, made on first use, against about 0.6 ms for
    attrs building the class on every load.
    """
    template = attrs.fields(Span).start
    return tuple(
        [template.evolve(name=name, alias=name, type=kind, default=default) for name, kind, default in FIELDS]
    )


class _OnFirstUse:
    """A class attribute made on first use, then put on the class in its place.

    While `kzrights._integrity` reads ``attrs.fields(ReleaseDocument)`` on
    every load this saves nothing; once it does not, no process pays for it.
    """

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, instance: object, owner: type) -> Any:
        value = self._make()
        # the class's own attribute from now on (threads that race make the same value)
        setattr(owner, self._name, value)
        return value


class ReleaseDocument(_Record, _Fields):
    """The content of a release's ``report.json``.

    One per release, made by the loader.  A plain frozen class with slots,
    not an attrs class: attrs would compile an ``__init__`` and build the
    class twice (its slots added) on every first `kzrights.load`, about half
    a millisecond for this one class.  Its fields are those of `FIELDS`,
    which its readers use; ``attrs.fields()`` describes them too, for
    `kzrights._integrity`.

    Called with the fields' values, positionally in field order or by name
    (the parts after ``footnotes`` default to ``()``); a missing, unknown or
    repeated argument is a TypeError.  Setting or deleting a field raises
    ``attrs.exceptions.FrozenInstanceError``.  Equal documents have equal
    fields; it hashes, prints, copies and pickles as the attrs class did.
    """

    __slots__ = (*_NAMES, "__weakref__")  # weakly referenced, as attrs' slotted classes are
    if TYPE_CHECKING:  # as attrs' mypy plugin declares it: attrs.fields() then takes the class
        __attrs_attrs__: ClassVar[tuple[attrs.Attribute[Any], ...]]
    else:  # no annotation at run time: typing.get_type_hints() gives the fields alone
        __attrs_attrs__ = _OnFirstUse(_attrs_description)

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
