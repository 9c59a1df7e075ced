"""The JSON Schema of the ``json`` export, derived from the record classes themselves."""

from __future__ import annotations

import datetime
import enum
import types
import typing
from typing import Any, Union

import attrs

from .._document import FIELDS, ReleaseDocument
from .._layout import SCHEMA
from ..records import Mention, Span

__all__ = ["json_schema"]


def _type_schema(kind: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if kind is str:
        return {"type": "string"}
    if kind is bool:
        return {"type": "boolean"}
    if kind is int:
        return {"type": "integer"}
    if kind is float:
        return {"type": "number"}
    if kind is datetime.date:
        return {"type": "string", "format": "date"}
    if kind is Span:
        return {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2}
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return {"type": "string", "enum": [member.value for member in kind]}
    if origin in (Union, types.UnionType):
        return {"anyOf": [_type_schema(arg, definitions) for arg in args]}
    if kind is type(None):
        return {"type": "null"}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(args[0], definitions)}
    if kind is Mention:
        return _named(kind, definitions, {name: kind.__annotations__[name] for name in kind._fields})
    if kind is ReleaseDocument:  # a plain class: its fields are declared in _document
        return _named(kind, definitions, {name: field_type for name, field_type, _ in FIELDS})
    if attrs.has(kind):
        return _named(kind, definitions, {f.name: f.type for f in attrs.fields(kind)})
    raise TypeError(f"no JSON Schema for {kind!r}")  # pragma: no cover - every record type is covered


def _named(kind: type, definitions: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    name = kind.__name__
    if name not in definitions:
        definitions[name] = {}  # placeholder against recursion
        hints = typing.get_type_hints(kind)
        defaults = {}
        if kind is ReleaseDocument:
            defaults = {name: default is not attrs.NOTHING for name, _, default in FIELDS}
        elif attrs.has(kind):
            defaults = {f.name: f.default is not attrs.NOTHING for f in attrs.fields(kind)}
        else:
            defaults = {f: f in getattr(kind, "_field_defaults", {}) for f in fields}
        definitions[name] = {
            "type": "object",
            "description": (kind.__doc__ or "").strip().split("\n")[0],
            "properties": {f: _type_schema(hints[f], definitions) for f in fields},
            "required": [f for f in fields if not defaults.get(f)],
            "additionalProperties": False,
        }
    return {"$ref": f"#/$defs/{name}"}


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of ``kzrights export --format json``.

    The export's ``schema`` is the version of its own layout, the one this
    package writes (`kzrights._layout.SCHEMA`), for every release: an
    export of release 1.0.0 holds every part (those 1.0.0 lacks as empty
    lists) and says ``"schema": 4``, where 1.0.0's own ``report.json`` is
    in layout 1.  The schema's ``const`` says so.
    """
    definitions: dict[str, Any] = {}
    document = _type_schema(ReleaseDocument, definitions)
    root = dict(definitions.pop("ReleaseDocument"))
    root["properties"] = {"version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"}, **root["properties"]}
    root["required"] = ["version", *root["required"]]
    root["description"] = (
        "A kzrights data release as the json export writes it: every part of the release, "
        "in the layout that `schema` names."
    )
    root["properties"]["version"]["description"] = "The data release, e.g. 1.3.1."
    root["properties"]["schema"] = {
        "const": SCHEMA,
        "description": (
            f"The version of this document's layout: {SCHEMA}, the layout this version of kzrights "
            "writes, for every release (the parts a release lacks are empty lists). It is not the "
            "layout of the release's own report.json, which may be older (1 for release 1.0.0)."
        ),
    }
    del document
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://kzrights.invalid/schema/release.json",
        "title": "A kzrights data release",
        **root,
        "$defs": definitions,
    }
