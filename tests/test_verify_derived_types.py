"""verify() compares a derived file with its recomputation type for type, not only with ``==``.

In Python ``78 == 78.0 == 78.0`` and ``1 == True``: a derived file whose numbers
were rewritten as floats, or a 1 as ``true``, with its header's sha256 made
to match, was equal to what the release gives, and passed ``kzrights.verify``.
Each test works on a copy of the package's data under tmp_path.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import DataIntegrityError
from kzrights._compat import sha256_hex
from kzrights._integrity import check_derived
from kzrights.releases import ReleaseStore

from .conftest import DATA

NEWEST = kzrights.DATA_VERSION
SEARCH = f"derived/{NEWEST}/search.json"


def _rewrite(path: Path, edit: Callable[[Any], Any]) -> None:
    """Rewrite a derived file's payload with ``edit``, its header given the new payload's sha256."""
    head, _, body = path.read_bytes().partition(b"\n")
    body = json.dumps(edit(json.loads(body)), ensure_ascii=False, separators=(",", ":")).encode()
    fields = json.loads(head)
    fields["payload_sha256"] = sha256_hex(body)
    path.write_bytes(json.dumps(fields).encode() + b"\n" + body)


def _lengths_as_floats(payload: Any) -> Any:
    return {**payload, "lengths": [float(length) for length in payload["lengths"]]}


def _a_one_as_true(payload: Any) -> Any:
    lengths = list(payload["lengths"])
    lengths[lengths.index(1)] = True
    return {**payload, "lengths": lengths}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private copy of the package's data folder, to damage."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.mark.parametrize("edit", [_lengths_as_floats, _a_one_as_true], ids=["floats", "true"])
def test_numbers_rewritten_as_another_type_fail_verify(data: Path, edit: Callable[[Any], Any]):
    """search.json with its word counts as floats, or a count of 1 as true: verify names the file."""
    _rewrite(data / "derived" / NEWEST / "search.json", edit)
    store = ReleaseStore(data)
    with pytest.raises(DataIntegrityError, match="payload differs from what the release gives") as caught:
        store.verify(NEWEST)
    assert caught.value.file == SEARCH
    assert caught.value.version == NEWEST


def test_an_untouched_copy_still_verifies(data: Path):
    """The shipped derived files pass the stricter comparison."""
    assert SEARCH in ReleaseStore(data).verify(NEWEST)


_json_scalars = st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-5, 5) | st.text(max_size=3)
JSON = st.recursive(
    _json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4),
    max_leaves=12,
)


@given(JSON)
@settings(max_examples=300)
def test_a_payload_passes_exactly_when_its_json_is_the_same(expected: Any):
    """Any JSON value passes against itself, and against a payload exactly when the two JSON texts agree."""
    text = json.dumps(expected).encode()
    check_derived(json.loads(text), expected, version="x", file="f")
    for other in (json.dumps(_retyped(expected)).encode(),):
        same = other == text
        try:
            check_derived(json.loads(other), expected, version="x", file="f")
        except DataIntegrityError:
            assert not same
        else:
            assert same


def _retyped(value: Any) -> Any:
    """The same value with each number turned into the other type (ints to floats, bools to ints)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_retyped(item) for item in value]
    if isinstance(value, dict):
        return {key: _retyped(item) for key, item in value.items()}
    return value
