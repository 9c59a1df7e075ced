"""How release JSON becomes records, and records JSON again.

Records know nothing about JSON: this module decides how each one looks on
disk.  Structuring uses this module's own hooks (one closure per type of a
release, `_ReleaseHooks`: the exact ones, whose errors name the field path),
and needs no cattrs: importing cattrs would cost a process that only loads a
release more than the whole first load does.  The build, the exports and the CLI unstructure with a cattrs
converter, made (and cattrs imported) on first use.
``tests/test_reference_algorithms.py`` checks that the hooks structure every
shipped release as a stock cattrs converter does.

An entity stored without forms gets its default ones
(`kzrights._names.default_forms`) when it is structured.  In a release
document they come from the release's derived ``forms.json`` where that file
is trusted and fits (`forms_payload` makes it for the build; loading reads it
in `kzrights._structuring`), so loading imports neither the name keys nor
the character rules; otherwise they are derived in memory, the same.

Structuring is strict: unknown keys, missing keys and values of the wrong
JSON type are errors (cattrs' default would turn ``5`` into ``"5"``), and
every error becomes a [`DataIntegrityError`][kzrights.errors.DataIntegrityError] that names
the field path.

The first [`kzrights.load`][kzrights.releases.load] structures a release with the
generated functions of `kzrights._structure_gen` (`kzrights._structuring`)
and imports this module only where they do not take it: its exact hooks then
decide, and name the fault.  ``import kzrights`` never imports it.
"""

import enum
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ._compat import date
from ._document import FIELDS, PARTS, ReleaseDocument
from ._layout import SCHEMA
from ._locking import FIRST_USE
from .errors import DataIntegrityError
from .records import (
    Addressee,
    Alias,
    AliasForm,
    Ambiguity,
    Basis,
    Entity,
    EntityCategory,
    Figure,
    FigureKind,
    Mention,
    Span,
)

if TYPE_CHECKING:
    import cattrs

    from .report import Report

__all__ = [
    "ReleaseDocument",
    "forms_payload",
    "from_report",
    "unstructure",
    "unstructure_document",
    "unstructure_hook",
    "with_default_forms",
]


T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)


def from_report(report: "Report") -> ReleaseDocument:
    """Return the document a release file holds for ``report`` (the inverse of `report.to_report`)."""
    parts = {name: getattr(report, name) for name in PARTS}
    return ReleaseDocument(schema=SCHEMA, metadata=report.metadata, **parts)


def _strict(kind: type[T]) -> Any:
    def hook(value: Any, _: Any) -> T:
        # bool is an int in Python, never in our JSON
        if type(value) is not kind:
            raise TypeError(f"got {type(value).__name__}")
        return value

    return hook


def _structure_str_enum(cls: type[E]) -> Callable[[Any, Any], E]:
    # a release has about 1,600 enum values: each is looked up in the enum's
    # own table of values (where cls(value) looks first, after two Python
    # calls); only a value it lacks goes through cls(value), for its ValueError
    members: dict[Any, E] = cls._value2member_map_  # type: ignore[assignment]

    def hook(value: Any, _: Any) -> E:
        if type(value) is not str:
            raise TypeError(f"got {type(value).__name__}")
        member = members.get(value)
        return cls(value) if member is None else member

    return hook


_INFINITY = float("inf")


def _structure_float(value: Any, _: Any) -> float:
    if type(value) not in (int, float):
        raise TypeError(f"got {type(value).__name__}")
    # Python's JSON reader accepts NaN and Infinity, which are not JSON and measure nothing.
    # Compared with the infinities rather than by math.isfinite: NaN compares false too,
    # and the math module, a shared library in many builds, is not loaded for 12 numbers.
    if not -_INFINITY < value < _INFINITY:
        raise ValueError(f"{value!r} is not a finite number")
    return float(value)


def _structure_span(value: Any, _: Any) -> Span:
    if type(value) is not list or len(value) != 2 or type(value[0]) is not int or type(value[1]) is not int:
        raise TypeError(f"not a pair of offsets: {value!r:.60}")
    return Span(value[0], value[1])


def _structure_date(value: Any, _: Any) -> date:
    if type(value) is not str:
        raise TypeError(f"got {type(value).__name__}")
    return date.fromisoformat(value)


class _Invalid(Exception):
    """A value that does not fit its type, with the JSON path to it (innermost last)."""

    def __init__(self, expected: str, detail: str) -> None:
        super().__init__(expected, detail)
        self.expected = expected
        self.detail = detail
        self.path: list[str] = []

    def __str__(self) -> str:
        where = "$" + "".join(reversed(self.path))
        return f"expected {self.expected} @ {where} ({self.detail})"


def _type_name(cls: Any) -> str:
    origin = typing.get_origin(cls)
    if origin is typing.Union or origin is types.UnionType:  # such as str | None
        return " | ".join(_type_name(arg) for arg in typing.get_args(cls))
    return getattr(origin or cls, "__name__", repr(cls))


def _invalid(cls: Any, exc: Exception) -> _Invalid:
    if isinstance(exc, _Invalid):
        return exc
    return _Invalid(_type_name(cls), str(exc))


def _is_homogeneous_tuple(cls: Any) -> bool:
    args = typing.get_args(cls)
    return typing.get_origin(cls) is tuple and len(args) == 2 and args[1] is Ellipsis


# a field's default where the JSON must give it, and what a JSON object gives
# for a key it lacks (never a JSON value)
_REQUIRED: Any = object()

_EXACT = (str, int, bool)
"""Field types checked inline, by exact type: bool is an int in Python, never in our JSON."""


def _optional_of(kind: Any) -> Any:
    """Return ``X`` for a type ``X | None``, else None."""
    origin = typing.get_origin(kind)
    if origin is typing.Union or origin is types.UnionType:
        args = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        if len(args) == 1 and len(typing.get_args(kind)) == 2:
            return args[0]
    return None


Hook = Callable[[Any, Any], Any]


def _resolved_fields(cls: Any) -> "tuple[attrs.Attribute[Any], ...]":
    """The attrs fields of ``cls``, with string annotations resolved into types."""
    fields: tuple[attrs.Attribute[Any], ...] = attrs.fields(cls)
    if any(isinstance(field.type, str) for field in fields):  # pragma: no cover - ours are real types
        fields = attrs.fields(attrs.resolve_types(cls))
    return fields


class _ReleaseHooks:
    """The structure hooks of a release's types, each built on first use and kept.

    `get` gives the hook of a record, a tuple of them or a leaf type.  Each
    hook is a closure over its fields' hooks: cattrs would generate and
    compile a function per class instead, which costs more, once, than
    structuring the whole release does (and importing cattrs, more again).
    A type a release does not hold has no hook: asking for one is a bug, and
    raises TypeError.
    """

    def __init__(self, *, fill_forms: bool) -> None:
        # whether an entity stored without forms gets its default forms here
        # (structuring one record), or later, from the release's derived file
        # (structuring a release document: `kzrights._structuring.structure_document`)
        self._fill_forms = fill_forms
        # the leaves, matched by exact type (Span is an attrs class, stored as a pair)
        self._hooks: dict[Any, Hook] = {
            str: _strict(str),
            int: _strict(int),
            bool: _strict(bool),
            float: _structure_float,
            Span: _structure_span,
            date: _structure_date,
        }
        for enum_class in (Addressee, AliasForm, Ambiguity, Basis, EntityCategory, FigureKind):
            self._hooks[enum_class] = _structure_str_enum(enum_class)

    def get(self, kind: Any) -> Hook:
        """Return the hook that structures ``kind``."""
        hook = self._hooks.get(kind)
        if hook is None:
            if kind is Mention:  # a named tuple, stored as an object like the attrs records
                hints = Mention.__annotations__
                defaults = Mention._field_defaults
                fields = [(name, hints[name], defaults.get(name, _REQUIRED)) for name in Mention._fields]
                hook = self._fields(kind, fields, positional=True)
            elif kind is ReleaseDocument:  # a plain class: its fields are declared in _document
                fields = [(name, type_, _REQUIRED if d is attrs.NOTHING else d) for name, type_, d in FIELDS]
                hook = self._fields(kind, fields, positional=True)
            elif attrs.has(kind):
                attributes = _resolved_fields(kind)
                fields = [
                    (a.name, a.type, _REQUIRED if a.default is attrs.NOTHING else a.default)
                    for a in attributes
                ]
                # the values can be passed in order, the defaults of the keys a record lacks
                # included, unless a field is not an argument of __init__ in its place or
                # its default is made per record (attrs types Factory as a function)
                factory: Any = attrs.Factory
                positional = all(
                    a.init and not a.kw_only and not isinstance(a.default, factory) for a in attributes
                )
                hook = self._fields(kind, fields, positional=positional)
                if kind is Entity and self._fill_forms:
                    hook = _with_default_forms(hook)
            elif _is_homogeneous_tuple(kind):
                hook = self._tuple(kind)
            else:
                raise TypeError(f"{_type_name(kind)} is not a type a release holds: it has no structure hook")
            self._hooks[kind] = hook
        return hook

    def _tuple(self, cls: Any) -> Hook:
        element = typing.get_args(cls)[0]
        structure_element = self.get(element)
        exact = element if element in _EXACT else None

        def structure_tuple(value: Any, _: Any) -> tuple[Any, ...]:
            # a JSON string is iterable too: never let "abc" become ("a", "b", "c")
            if type(value) is not list:
                raise _Invalid("tuple", f"not a list but {type(value).__name__}")
            if exact is not None:
                for item in value:
                    if type(item) is not exact:
                        break
                else:
                    return tuple(value)
            result = []
            for index, item in enumerate(value):
                try:
                    result.append(structure_element(item, element))
                except Exception as exc:  # noqa: BLE001 - re-raised with its place in the list
                    invalid = _invalid(element, exc)
                    invalid.path.append(f"[{index}]")
                    raise invalid from None
            return tuple(result)

        return structure_tuple

    def _fields(self, cls: Any, fields: list[tuple[str, Any, Any]], *, positional: bool) -> Hook:
        """Return a hook that builds ``cls`` from a JSON object with exactly these fields.

        ``fields`` are (name, type, default) triples, the default `_REQUIRED`
        for a field the JSON must give.  With ``positional``, the class is
        called with every field's value in order, a default standing for a
        key the object lacks (as it does in the class's ``__init__``):
        about a fifth faster than a dict of keyword arguments.
        """
        spec: list[tuple[str, Any, Any, Any, type | None, Hook, bool]] = []
        for name, kind, default in fields:
            inner = _optional_of(kind)
            target = kind if inner is None else inner
            exact = target if target in _EXACT else None
            spec.append((name, default, kind, target, exact, self.get(target), inner is not None))
        names = frozenset(name for name, _, _ in fields)
        label = cls.__name__

        def structure_fields(value: Any, _: Any) -> Any:
            if type(value) is not dict:
                raise _Invalid(label, f"not an object but {type(value).__name__}")
            values: list[Any] = []
            given = 0  # the keys of the object that are fields: any other is unknown
            for name, default, kind, target, exact, hook, nullable in spec:
                field = value.get(name, _REQUIRED)
                if field is _REQUIRED:
                    if default is _REQUIRED:
                        missing = _Invalid(_type_name(kind), "missing")
                        missing.path.append(f".{name}")
                        raise missing
                    field = default
                else:
                    given += 1
                    if field is None and nullable:
                        pass
                    elif exact is not None:
                        if type(field) is not exact:
                            invalid = _Invalid(_type_name(kind), f"got {type(field).__name__}")
                            invalid.path.append(f".{name}")
                            raise invalid
                    else:
                        try:
                            field = hook(field, target)
                        except Exception as exc:  # noqa: BLE001 - re-raised with the field's path
                            invalid = _invalid(kind, exc)
                            invalid.path.append(f".{name}")
                            raise invalid from None
                values.append(field)
            if given != len(value):
                extra = ", ".join(sorted(repr(key) for key in value if key not in names))
                raise _Invalid(label, f"unknown fields {extra}")
            try:
                if positional:
                    return cls(*values)
                return cls(**{name: field for (name, *_), field in zip(spec, values, strict=True)})
            except (TypeError, ValueError) as exc:
                raise _Invalid(label, str(exc)) from None

        return structure_fields


def with_default_forms(entity: Entity) -> Entity:
    """The entity, with the forms its name and aliases give if it has none (stored before release 1.2.0).

    The one step the loader adds to plain structuring (the reference test
    applies it to stock cattrs' records too).
    """
    if not entity.forms:
        return attrs.evolve(entity, forms=_default_forms(entity.name, entity.aliases))
    return entity


def _default_forms(name: str, aliases: tuple[str, ...]) -> tuple[Alias, ...]:
    """`kzrights._names.default_forms`, imported on first use (with the character rules it needs)."""
    with FIRST_USE:  # kzrights' first imports run under its one first-use lock
        from ._names import default_forms

    return default_forms(name, aliases)


def forms_payload(data: dict[str, Any]) -> dict[str, Any]:
    """Return the derived forms of a release: the default forms of each entity stored without any.

    The build writes it to ``derived/<version>/forms.json`` (see
    `kzrights._layout`), so that loading a release need not derive them, nor
    import the character rules to do so.

    Args:
        data: The release's ``report.json``, as parsed JSON.

    Returns:
        ``{"entities": {entity id: [[form, language], ...]}}``, one pair per
        form in the order of `kzrights._names.default_forms`: the name, then
        each alias that is not the name.
    """
    entities = {
        entity["id"]: [
            [form.form.value, form.language]
            for form in _default_forms(entity["name"], tuple(entity["aliases"]))
        ]
        for entity in data.get("entities", ())
        if not entity.get("forms")
    }
    return {"entities": entities}


def _with_default_forms(structure_entity: Hook) -> Hook:
    """An entity stored without ``forms`` (as before release 1.2.0) gets those its name and aliases give."""

    def hook(value: Any, kind: Any) -> Entity:
        return with_default_forms(structure_entity(value, kind))

    return hook


def _has_string_annotations(cls: Any) -> bool:
    return attrs.has(cls) and any(isinstance(field.type, str) for field in attrs.fields(cls))


_LATER_OPTIONAL_FIELDS = {Entity: ("background", "background_basis"), Figure: ("date_end",)}
"""Fields added in release 1.2.0 that are left out of the JSON when they hold nothing.

A record of an older release then unstructures to the JSON it was loaded
from, and a 1.2.0 record without background or period end has none of the keys.
"""


def _make_unstructurer() -> "cattrs.BaseConverter":
    import cattrs
    from cattrs.cols import namedtuple_dict_unstructure_factory
    from cattrs.gen import make_dict_unstructure_fn, override

    converter = cattrs.BaseConverter()

    def resolved(cls: Any) -> Callable[[Any], Any]:
        # a class written with postponed annotations (the tools' results, such
        # as ReleaseDiff): its fields' types as types, so nested records unstructure too
        attrs.resolve_types(cls)
        return converter.unstructure_attrs_asdict

    converter.register_unstructure_hook_factory(_has_string_annotations, resolved)
    converter.register_unstructure_hook(Span, lambda span: [span.start, span.end])
    converter.register_unstructure_hook(date, lambda day: day.isoformat())
    # the fields a later layout added are left out where they hold what a
    # release without them means, so an older release unstructures to its own JSON
    mention = namedtuple_dict_unstructure_factory(Mention, converter)
    converter.register_unstructure_hook(Mention, lambda m: _without_defaults(mention(m), _MENTION_LATER))
    # the document's fields in their declared order, which is the key order of the release files
    document_fields = [(name, kind) for name, kind, _ in FIELDS]

    def unstructure_document(document: ReleaseDocument) -> dict[str, Any]:
        data = {name: converter.unstructure(getattr(document, name), kind) for name, kind in document_fields}
        return _without_defaults(data, {"linking": []})

    converter.register_unstructure_hook(ReleaseDocument, unstructure_document)
    # last: the generated functions take the hooks above (Span, date) for their fields
    make_hook: Any = make_dict_unstructure_fn  # its keyword arguments mix field overrides and flags
    for cls, names in _LATER_OPTIONAL_FIELDS.items():
        overrides = {name: override(omit_if_default=True) for name in names}
        converter.register_unstructure_hook(cls, make_hook(cls, converter, **overrides))
    entity_asdict = converter.get_unstructure_hook(Entity)
    converter.register_unstructure_hook(Entity, lambda e: _entity_data(entity_asdict(e), e))
    return converter


# layout 3 (release 1.2.0): each mention's form and evidence, which older releases lack
_MENTION_LATER = {"form": None, "resolved_by": None}


def _without_defaults(data: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    for key, default in defaults.items():
        # a tuple field unstructures to a list or a tuple: an empty one is the default either way
        if key in data and (data[key] == default or (default == [] and not data[key])):
            del data[key]
    return data


def _entity_data(data: dict[str, Any], entity: Entity) -> dict[str, Any]:
    """An entity's JSON: its ``forms`` only where they differ from those its name and aliases give."""
    if entity.forms == _default_forms(entity.name, entity.aliases):
        del data["forms"]
    return data


# The exact hooks (for one record, and for a release the generated functions do not take); the unstructuring
# converter (for the build, the exports and the CLI's --json) is made on first use.
_structure_hooks = _ReleaseHooks(fill_forms=True)
_document_hooks = _ReleaseHooks(fill_forms=False)
_unstructurer: "cattrs.BaseConverter | None" = None


def _get_unstructurer() -> "cattrs.BaseConverter":
    global _unstructurer
    if _unstructurer is None:
        _unstructurer = _make_unstructurer()
    return _unstructurer


def unstructure(value: Any) -> Any:
    """Return a record, a document or a collection of them as plain JSON-ready data."""
    return _get_unstructurer().unstructure(value)


def unstructure_hook(cls: type[T]) -> Callable[[T], Any]:
    """Return the function `unstructure` uses for values of ``cls``, to call it once per value in a loop."""
    hook: Callable[[T], Any] = _get_unstructurer().get_unstructure_hook(cls)
    return hook


def unstructure_document(document: ReleaseDocument) -> dict[str, Any]:
    """Return ``document`` as plain JSON-ready data."""
    data: dict[str, Any] = unstructure(document)
    return data


def structure(data: Any, cls: type[T], *, version: str | None, file: str) -> T:
    """Build a ``cls`` from JSON data, or raise `DataIntegrityError` naming the field path.

    Raises:
        DataIntegrityError: If ``data`` does not fit ``cls``.
        TypeError: If ``cls`` is not a type a release holds (a bug, not bad data).
    """
    return _structure(_structure_hooks, data, cls, version=version, file=file)


def _structure(hooks: _ReleaseHooks, data: Any, cls: type[T], *, version: str | None, file: str) -> T:
    hook = hooks.get(cls)
    try:
        result: T = hook(data, cls)
        return result
    except Exception as exc:  # noqa: BLE001 - every failure becomes one error that names the path
        reason = str(_invalid(cls, exc))
    raise DataIntegrityError(version, file, f"not a valid {cls.__name__}: {reason}")
