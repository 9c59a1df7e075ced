"""The one cattrs converter that turns release JSON into records and back.

Records know nothing about JSON: this module decides how each one looks on
disk.  The converter is strict: unknown keys, missing keys and values of the
wrong JSON type are errors (cattrs' default would turn ``5`` into ``"5"``),
and every error is translated into a :class:`~kzrights.errors.DataIntegrityError`
that names the field path, so nothing escapes as a traceback from cattrs.

This module is imported on the first :func:`kzrights.load`, never by
``import kzrights``.
"""

from __future__ import annotations

import datetime
import enum
import sys
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.cols import namedtuple_dict_structure_factory, namedtuple_dict_unstructure_factory
from cattrs.errors import IterableValidationError, IterableValidationNote

from .errors import DataIntegrityError
from .records import (
    Addressee,
    Basis,
    Entity,
    EntityCategory,
    Figure,
    FigureKind,
    Footnote,
    Item,
    Mention,
    Metadata,
    Paragraph,
    Recommendation,
    Section,
    Source,
    Span,
    Theme,
)
from .report import Report

__all__ = [
    "READABLE_SCHEMAS",
    "SCHEMA",
    "ReleaseDocument",
    "from_report",
    "structure_document",
    "to_report",
    "unstructure_document",
]

SCHEMA = 2
"""The version of the release JSON layout that this code writes."""
READABLE_SCHEMAS = frozenset({1, 2})
"""The layouts it reads: 1 (release 1.0.0), 2 (adds entities, mentions, themes, links and figures)."""

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)


@attrs.frozen
class ReleaseDocument:
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


def to_report(document: ReleaseDocument, *, version: str, source_text: str) -> Report:
    """Return the :class:`Report` that ``document`` holds, as release ``version``."""
    return Report(
        version=version,
        metadata=document.metadata,
        source_text=source_text,
        sections=document.sections,
        paragraphs=document.paragraphs,
        items=document.items,
        recommendations=document.recommendations,
        footnotes=document.footnotes,
        entities=document.entities,
        mentions=document.mentions,
        themes=document.themes,
        figures=document.figures,
        sources=document.sources,
    )


def from_report(report: Report) -> ReleaseDocument:
    """Return the document a release file holds for ``report`` (the inverse of :func:`to_report`)."""
    return ReleaseDocument(
        schema=SCHEMA,
        metadata=report.metadata,
        sections=report.sections,
        paragraphs=report.paragraphs,
        items=report.items,
        recommendations=report.recommendations,
        footnotes=report.footnotes,
        entities=report.entities,
        mentions=report.mentions,
        themes=report.themes,
        figures=report.figures,
        sources=report.sources,
    )


def _strict(kind: type[T]) -> Any:
    name = kind.__name__

    def hook(value: Any, _: Any) -> T:
        # bool is an int in Python, never in our JSON
        if type(value) is not kind:
            raise TypeError(f"expected {name}, got {type(value).__name__}")
        return value

    return hook


def _structure_str_enum(cls: type[E]) -> Callable[[Any, Any], E]:
    def hook(value: Any, _: Any) -> E:
        if type(value) is not str:
            raise TypeError(f"expected a {cls.__name__} string, got {type(value).__name__}")
        return cls(value)

    return hook


def _structure_float(value: Any, _: Any) -> float:
    if type(value) not in (int, float):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return float(value)


def _structure_span(value: Any, _: Any) -> Span:
    if type(value) is not list or len(value) != 2 or type(value[0]) is not int or type(value[1]) is not int:
        raise TypeError(f"expected a span [start, end], got {value!r:.60}")
    return Span(value[0], value[1])


def _structure_date(value: Any, _: Any) -> datetime.date:
    if type(value) is not str:
        raise TypeError(f"expected an ISO date string, got {type(value).__name__}")
    return datetime.date.fromisoformat(value)


def _is_homogeneous_tuple(cls: Any) -> bool:
    args = typing.get_args(cls)
    return typing.get_origin(cls) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_hook_factory(cls: Any, converter: cattrs.Converter) -> Any:
    element = typing.get_args(cls)[0]
    structure_element = converter.get_structure_hook(element)

    def hook(value: Any, _: Any) -> tuple[Any, ...]:
        # a JSON string is iterable too: never let "abc" become ("a", "b", "c")
        if type(value) is not list:
            raise TypeError(f"expected a list, got {type(value).__name__}")
        result = []
        errors = []
        for index, item in enumerate(value):
            try:
                result.append(structure_element(item, element))
            except Exception as exc:  # noqa: BLE001 - collected, then re-raised as a group
                note = IterableValidationNote(f"Structuring {cls} @ index {index}", index, element)
                if sys.version_info >= (3, 11):
                    exc.add_note(note)
                else:  # pragma: no cover - Python 3.10 keeps notes the exceptiongroup way
                    exc.__notes__ = [*getattr(exc, "__notes__", ()), note]  # type: ignore[attr-defined]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {cls!r}", errors, cls)
        return tuple(result)

    return hook


def _make_converter(*, detailed: bool = True) -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=detailed)
    for kind in (str, int, bool):
        converter.register_structure_hook(kind, _strict(kind))
    # str enums would match the strict str hook: give each its own
    converter.register_structure_hook(float, _structure_float)
    for enum_class in (Addressee, Basis, EntityCategory, FigureKind):
        converter.register_structure_hook(enum_class, _structure_str_enum(enum_class))
    converter.register_structure_hook(Span, _structure_span)
    converter.register_unstructure_hook(Span, lambda span: [span.start, span.end])
    converter.register_structure_hook(datetime.date, _structure_date)
    converter.register_unstructure_hook(datetime.date, lambda day: day.isoformat())
    converter.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_hook_factory)
    # Mention is a named tuple: stored as an object, like the attrs records
    converter.register_structure_hook_factory(
        lambda cls: cls is Mention,
        lambda cls, conv: namedtuple_dict_structure_factory(cls, conv, "from_converter", True),
    )
    converter.register_unstructure_hook_factory(
        lambda cls: cls is Mention, lambda cls, conv: namedtuple_dict_unstructure_factory(cls, conv)
    )
    return converter


# Loading takes the fast converter, whose generated code skips per-field error
# bookkeeping (half the one-time code generation cost).  Only when that fails
# does the detailed converter run again, to say which field path is wrong.
_converter = _make_converter(detailed=False)
_detailed: cattrs.Converter | None = None


def unstructure_document(document: ReleaseDocument) -> dict[str, Any]:
    """Return ``document`` as plain JSON-ready data."""
    data: dict[str, Any] = _converter.unstructure(document)
    return data


def _explain(data: Any, cls: type[Any]) -> str:
    """Structure ``data`` again, with field paths, and say what is wrong."""
    global _detailed
    if _detailed is None:
        _detailed = _make_converter(detailed=True)
    try:
        _detailed.structure(data, cls)
    except cattrs.BaseValidationError as exc:
        messages = cattrs.transform_error(exc, path="$")
        reason = "; ".join(messages[:3])
        if len(messages) > 3:
            reason += f"; and {len(messages) - 3} more"
        return reason
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return "rejected by the fast converter only"  # pragma: no cover - the two converters agree


def structure(data: Any, cls: type[T], *, version: str | None, file: str) -> T:
    """Build a ``cls`` from JSON data, or raise :class:`DataIntegrityError` naming the field path."""
    try:
        return _converter.structure(data, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError, AttributeError):
        reason = _explain(data, cls)
    raise DataIntegrityError(version, file, f"not a valid {cls.__name__}: {reason}")


def structure_document(data: Any, *, version: str | None, file: str) -> ReleaseDocument:
    """Build a :class:`ReleaseDocument` from JSON data, checking its schema."""
    if not isinstance(data, dict):
        raise DataIntegrityError(version, file, "expected a JSON object at the top level")
    if data.get("schema") not in READABLE_SCHEMAS:
        raise DataIntegrityError(
            version,
            file,
            f"schema {data.get('schema')!r} is not one this version reads ({sorted(READABLE_SCHEMAS)})",
        )
    return structure(data, ReleaseDocument, version=version, file=file)
