"""The release document: one declaration of its fields, and what every reader of it sees.

`kzrights._document.ReleaseDocument` is a plain slotted class, no longer
built by attrs on every first load; its fields are declared once (in
``_Fields``).  These tests hold it to what the attrs class was: the key
order of every shipped ``report.json``, the same records and JSON, the same
field descriptions for attrs' and cattrs' introspection, the same JSON
Schema, and a frozen value that compares, hashes, copies and pickles.
"""

from __future__ import annotations

import copy
import json
import pickle
import typing
import weakref
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kzrights
from kzrights import cli
from kzrights._converter import unstructure_document
from kzrights._document import FIELDS, PARTS, ReleaseDocument, _Fields
from kzrights._structuring import structure_document
from kzrights.records import _Record

from .conftest import DATA, ROOT

VERSIONS = kzrights.versions()
HEADER = ("schema", "metadata")


def _report_json(version: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "releases" / version / "report.json").read_bytes())
    return data


def _attrs_twin() -> type:
    """The class as it was: ``attrs.frozen`` over the same declaration, with the records' shared methods."""
    defaults = {name: getattr(_Fields, name) for name in vars(_Fields) if not name.startswith("_")}
    these = {
        name: attrs.field(type=kind, **({"default": defaults[name]} if name in defaults else {}))
        for name, kind in _Fields.__annotations__.items()
    }
    return attrs.make_class(
        "ReleaseDocument", these, bases=(_Record,), slots=True, frozen=True, eq=False, repr=False
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_the_fields_are_the_key_order_of_every_shipped_release(version):
    """The declaration lists the keys of each report.json in its order, and unstructuring keeps it.

    The release hashes lock the files byte for byte, so a field moved in the
    declaration would change every release built from then on.
    """
    data = _report_json(version)
    names = [name for name, _, _ in FIELDS]
    assert names == [*HEADER, *PARTS]
    assert [name for name in names if name in data] == list(data)
    document = structure_document(data, version=version, file="report.json")
    again = json.loads(json.dumps(unstructure_document(document)))
    assert list(again) == [name for name in names if name in again]
    assert [name for name in again if name in data] == list(data)
    if version == VERSIONS[-1]:  # older releases are written in the newest layout (1.0.0 had no entities)
        assert again == data


def test_the_declaration_gives_the_fields_that_attrs_frozen_made():
    """FIELDS and the type hints give each field as the attrs class did (name, type, default).

    The class does not describe itself to attrs: attrs.Attribute is not ours to make.
    """
    twin = _attrs_twin()
    assert not attrs.has(
        ReleaseDocument
    )  # no pretended attrs description (attrs.Attribute is not ours to make)
    assert list(FIELDS) == [(field.name, field.type, field.default) for field in attrs.fields(twin)]
    assert typing.get_type_hints(ReleaseDocument) == {field.name: field.type for field in attrs.fields(twin)}


@pytest.mark.parametrize("version", VERSIONS)
def test_a_shipped_release_compares_hashes_and_prints_as_the_attrs_class_did(version):
    """Same values, same repr, same equality; copies and pickles are equal documents."""
    document = structure_document(_report_json(version), version=version, file="report.json")
    values = [getattr(document, name) for name, _, _ in FIELDS]
    twin = _attrs_twin()(*values)
    assert repr(document) == repr(twin)
    assert document._values() == twin._values()
    for again in (copy.copy(document), copy.deepcopy(document), pickle.loads(pickle.dumps(document))):
        assert type(again) is ReleaseDocument
        assert again == document
        assert hash(again) == hash(document)
    names = [name for name, _, _ in FIELDS]
    changed = ReleaseDocument(**{**dict(zip(names, values, strict=True)), "schema": 99})
    assert changed == ReleaseDocument(*[99, *values[1:]]) != document


def test_a_release_document_is_frozen():
    """Setting or deleting a field raises attrs' FrozenInstanceError, as it did; no attribute can be added."""
    document = structure_document(_report_json(VERSIONS[-1]), version=VERSIONS[-1], file="report.json")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        document.schema = 5  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        del document.entities  # type: ignore[misc]
    with pytest.raises(AttributeError):
        document.extra = 1  # type: ignore[attr-defined]
    assert not hasattr(document, "__dict__")
    assert weakref.ref(document)() is document  # as attrs' slotted classes allow
    assert not hasattr(_attrs_twin()(*_VALUES.values()), "__dict__")  # the twin is slotted too


_NEWEST = structure_document(_report_json(VERSIONS[-1]), version=VERSIONS[-1], file="report.json")
_VALUES = {name: getattr(_NEWEST, name) for name, _, _ in FIELDS}
_DEFAULTS = {name: default for name, _, default in FIELDS if default is not attrs.NOTHING}


@given(
    positional=st.integers(0, len(_VALUES)),
    left_out=st.sets(st.sampled_from(sorted(_DEFAULTS))),
    data=st.data(),
)
def test_any_mix_of_positional_and_keyword_arguments_builds_what_attrs_built(positional, left_out, data):
    """The first n values by position, the rest by name in any order, defaults left out: as attrs built it."""
    names = list(_VALUES)
    by_name = [name for name in names[positional:] if name not in left_out]
    by_name = data.draw(st.permutations(by_name))
    args = [_VALUES[name] for name in names[:positional]]
    kwargs = {name: _VALUES[name] for name in by_name}
    made = ReleaseDocument(*args, **kwargs)
    expected = _attrs_twin()(*args, **kwargs)
    assert made._values() == expected._values()
    for name in names:
        given_here = name in kwargs or names.index(name) < positional
        assert getattr(made, name) == (_VALUES[name] if given_here else _DEFAULTS[name])


@given(st.sampled_from(["missing", "unknown", "twice", "too many"]), st.sampled_from(list(_VALUES)))
def test_a_wrong_call_is_a_type_error_naming_the_argument(fault, name):
    """As with any Python function: a missing, unknown or repeated argument, or too many, is a TypeError."""
    kwargs = dict(_VALUES)
    args: list[Any] = []
    if fault == "missing":
        if name in _DEFAULTS:
            return  # leaving out a part with a default is fine (the property above)
        del kwargs[name]
    elif fault == "unknown":
        kwargs[name + "_x"] = ()
    elif fault == "twice":
        cut = list(_VALUES).index(name)
        args = list(_VALUES.values())[: cut + 1]
        kwargs = {n: _VALUES[n] for n in list(_VALUES)[cut:]}
    else:
        args, kwargs = [*_VALUES.values(), ()], {}
    with pytest.raises(TypeError) as raised:
        ReleaseDocument(*args, **kwargs)
    if fault != "too many":
        assert repr(name if fault != "unknown" else name + "_x") in str(raised.value)


def test_the_json_schema_export_is_unchanged(capsys):
    """``kzrights schema`` prints, byte for byte, what it printed before (tests/schemas/)."""
    assert cli.main(["schema"]) == 0
    printed = capsys.readouterr().out
    assert printed == (ROOT / "tests" / "schemas" / "kzrights-release.json").read_text(encoding="utf-8")


def test_its_readers_need_no_attrs_description():
    """The exact hooks, the checks, the unstructuring, the JSON Schema, ==, hash, repr and copies read FIELDS.

    The document does not describe itself to attrs, so each of its readers
    must go by its one declaration.
    """
    from kzrights._converter import _ReleaseHooks, _structure
    from kzrights.exports.schema import json_schema

    data = _report_json(VERSIONS[-1])
    document = structure_document(data, version=VERSIONS[-1], file="report.json")
    assert not attrs.has(ReleaseDocument)
    exact = _structure(
        _ReleaseHooks(fill_forms=False), data, ReleaseDocument, version="x", file="report.json"
    )
    assert exact._values()[:7] == document._values()[:7]  # the entities' forms are filled in later
    assert json.loads(json.dumps(unstructure_document(document))) == data
    assert repr(document).startswith("ReleaseDocument(schema=")
    assert hash(document) == hash(copy.copy(document))
    assert json_schema()["properties"].keys() >= set(PARTS)
    assert copy.deepcopy(document) == document
