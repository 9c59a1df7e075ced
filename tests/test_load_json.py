"""The loader reads JSON as ``json.loads`` does, without importing ``json`` (issue 13).

``kzrights._compat.json_loads`` parses a release's files with CPython's C
scanner, the one ``json.loads`` runs, and hands anything it does not take to
``json.loads`` itself.  These tests hold it to ``json.loads`` on any input:
the same value, or the same error.
"""

from __future__ import annotations

import codecs
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import kzrights
from kzrights import DataIntegrityError, _compat
from kzrights._compat import json_loads
from kzrights.releases import ReleaseStore

from .conftest import DATA

_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and the infinities included: Python's reader takes them
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


def _outcome(parse: Any, data: bytes) -> tuple[str, str]:
    """What parsing ``data`` gives: the value's repr (NaN is not equal to itself), or the error."""
    try:
        value = parse(data)
    except (ValueError, RecursionError) as exc:
        return type(exc).__name__, str(exc)
    return "value", repr(value)


def _same_as_json(data: bytes) -> None:
    assert _outcome(json_loads, data) == _outcome(json.loads, data)


def _json_loads_unique(data: bytes, *, unique_keys: bool = False) -> Any:
    """``json.loads``, refusing a key given twice as ``json_loads(..., unique_keys=True)`` is to."""
    return json.loads(data, object_pairs_hook=_compat._unique_object if unique_keys else None)


def _unique_outcome(parse: Any, data: bytes) -> tuple[str, str]:
    try:
        value = parse(data, unique_keys=True)
    except _compat.DuplicateKeyError as exc:
        return "twice", exc.key
    except (ValueError, RecursionError) as exc:
        return type(exc).__name__, str(exc)
    return "value", repr(value)


_PAIRS = st.recursive(
    st.none() | st.integers() | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3).map(json.dumps)
        | st.lists(st.tuples(st.sampled_from(["a", "b", "\u00e9", "é"]), inner), max_size=4).map(
            lambda pairs: "{" + ", ".join(f'"{key}": {value}' for key, value in pairs) + "}"
        )
    ),
    max_leaves=8,
).map(lambda value: value if isinstance(value, str) else json.dumps(value))


@given(_PAIRS, st.booleans())
def test_unique_keys_refuses_a_key_given_twice_at_any_depth(text, scanner):
    r"""With unique_keys, any document reads as json.loads with a duplicate-refusing hook, scanner or not.

    The keys are drawn from a few, some written as escapes ("\u00e9" is "é"),
    so that objects often give one key twice, and not always in the same spelling.
    """
    data = text.encode("utf-8")
    with pytest.MonkeyPatch.context() as patch:
        if not scanner:
            patch.setattr(_compat, "_scan_unique", False)
        ours = _unique_outcome(json_loads, data)
    assert ours == _unique_outcome(_json_loads_unique, data)
    assert _outcome(json_loads, data) == _outcome(json.loads, data)  # without it, json.loads' own reading
    if ours[0] == "value":
        assert repr(json.loads(data)) == ours[1]


@given(_VALUES, st.sampled_from([None, 0, 1, 2]), st.sampled_from(["", " ", "\n", "\t\r\n "]))
def test_any_json_document_reads_as_json_loads_reads_it(value, indent, padding):
    """Any document json.dumps writes, padded with whitespace, gives json.loads' value."""
    text = padding + json.dumps(value, indent=indent) + padding
    _same_as_json(text.encode("utf-8"))


@given(_VALUES, st.sampled_from(["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"]))
def test_other_encodings_read_as_json_loads_reads_them(value, encoding):
    """UTF-16, UTF-32 and a UTF-8 byte order mark: json.loads detects them, and so the same value."""
    _same_as_json(json.dumps(value).encode(encoding))


@given(_VALUES, st.binary(max_size=6), st.integers(min_value=0))
@example(["a"], b"x", 3)  # trailing data after the value
@example({"a": 1}, b",", 7)  # a trailing comma before the brace
@example({"a": 1}, b"\xff", 1)  # not UTF-8
@example({"a": 1}, b"\x00", 1)  # a NUL second byte: json.loads reads UTF-16
@example({"a": 1}, b"\xed\xa0\x80", 2)  # a lone surrogate in a key: json.loads decodes with surrogatepass
def test_any_damaged_document_fails_as_json_loads_fails(value, junk, where):
    """Bytes inserted anywhere in a document: the same value, or the same error, as json.loads."""
    data = json.dumps(value).encode("utf-8")
    where %= len(data) + 1
    _same_as_json(data[:where] + junk + data[where:])


@given(st.binary(max_size=40))
@example(b"")
@example(b"{")
@example(b"[NaN, Infinity, -Infinity]")
@example(codecs.BOM_UTF8 + b"{}")
def test_any_bytes_read_as_json_loads_reads_them(data):
    """Any bytes at all: the same value, or the same error, as json.loads."""
    _same_as_json(data)


@pytest.mark.parametrize("depth", [10, 100_000])
def test_nesting_too_deep_for_the_interpreter_fails_as_json_loads_fails(depth):
    """A document nested deeper than the recursion limit raises RecursionError, as with json.loads."""
    _same_as_json(b"[" * depth + b"]" * depth)


def test_the_constants_python_accepts_are_read_as_floats():
    """NaN and the infinities give floats, as json.loads gives them (the converter then refuses them)."""
    nan, infinity, minus = json_loads(b"[NaN, Infinity, -Infinity]")
    assert math.isnan(nan) and infinity == math.inf and minus == -math.inf


def _json_parts(path: Path) -> list[bytes]:
    """The JSON documents of a data file: a derived file is a header line, then its payload."""
    data = path.read_bytes()
    return data.split(b"\n", 1) if "derived" in path.parts else [data]


@pytest.mark.parametrize("path", sorted(p.relative_to(DATA) for p in DATA.rglob("*.json")), ids=str)
def test_every_shipped_json_file_reads_as_json_loads_reads_it(path):
    """Every JSON file of the package's data folder gives json.loads' value (a derived file: each line)."""
    for part in _json_parts(DATA / path):
        assert json_loads(part) == json.loads(part)


def test_without_the_c_scanner_it_is_json_loads(monkeypatch):
    """An interpreter without CPython's C scanner reads through json.loads."""
    monkeypatch.setattr(_compat, "_scan", False)
    assert json_loads(b'{"a": [1]}') == {"a": [1]}


@pytest.mark.parametrize("scanner", ["missing", "changed"])
def test_a_c_scanner_that_is_absent_or_changed_leaves_json_loads(monkeypatch, scanner):
    """``_json`` is private to CPython: if it is gone or wants another context, json.loads reads."""
    import types

    fake = types.ModuleType("_json")
    if scanner == "changed":

        def make_scanner(context: Any) -> Any:
            raise AttributeError("'_DecoderSettings' object has no attribute 'array_hook'")

        fake.make_scanner = make_scanner  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "_json", fake)
    monkeypatch.setattr(_compat, "_scan", None)
    assert json_loads(b'{"a": [1, 2.5, "\\u00e9"]}') == {"a": [1, 2.5, "\u00e9"]}
    assert _compat._scan is False
    with pytest.raises(json.JSONDecodeError):
        json_loads(b'{"a": ')


_INDEXES = st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]).flatmap(
    lambda encoding: st.builds(
        lambda text, junk, where: text.encode(encoding)[:where] + junk + text.encode(encoding)[where:],
        st.just((DATA / "releases.json").read_text(encoding="utf-8")),
        st.sampled_from([b"", b" ", b"\n", b"x", b",", b"\x00", b"\xff"]),
        st.integers(0, 2000),
    )
)


@given(_INDEXES)
def test_a_store_reads_any_index_as_it_did_with_json_loads(tmp_path_factory, index):
    """What a user sees of a release index (its versions, or the error) is what json.loads gave."""
    folder = tmp_path_factory.mktemp("data")
    (folder / "releases.json").write_bytes(index)
    seen = []
    for parse in (json_loads, _json_loads_unique):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("kzrights.releases.json_loads", parse)
            try:
                seen.append(ReleaseStore(folder).versions())
            except DataIntegrityError as exc:
                seen.append(str(exc))
    assert seen[0] == seen[1]


def test_the_first_load_imports_no_json():
    """Loading and verifying every shipped release reads its JSON without importing the json package.

    The child forgets any json module imported before kzrights (CI's coverage
    hook imports json at start-up in every process) and refuses to import it
    again until the releases are read, so an import by kzrights fails loudly.
    """
    code = (
        "import sys\n"
        "def is_json(name): return name == 'json' or name.startswith('json.')\n"
        "saved = {m: sys.modules.pop(m) for m in list(sys.modules) if is_json(m)}\n"
        "class Refuse:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if is_json(name): raise ImportError('kzrights imported ' + name)\n"
        "sys.meta_path.insert(0, Refuse())\n"
        "import kzrights\n"
        "for version in kzrights.versions(): kzrights.load(version); kzrights.verify(version)\n"
        "imported = sorted(m for m in sys.modules if is_json(m))\n"
        "sys.meta_path.pop(0); sys.modules.update(saved)\n"
        "print(imported)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"
    assert kzrights.load().version == kzrights.versions()[-1]


def test_an_index_in_utf_16_is_refused_though_json_loads_reads_it(tmp_path):
    """An index in UTF-16 is not what the build writes: refused, where json.loads would read it.

    (Until session 18 it listed the same releases; tests/test_integrity_encoding.py
    holds every data file to UTF-8.)
    """
    index = (DATA / "releases.json").read_text("utf-8").encode("utf-16")
    assert json.loads(index) == json.loads((DATA / "releases.json").read_bytes())
    (tmp_path / "releases.json").write_bytes(index)
    with pytest.raises(DataIntegrityError, match=r"releases\.json: holds a NUL byte: not UTF-8 JSON"):
        ReleaseStore(tmp_path).versions()


def test_the_shipped_index_is_read_by_the_c_scanner(monkeypatch):
    """The shipped files take the fast path: json.loads is not called for them."""

    def refuse(data: bytes) -> Any:
        raise AssertionError("json.loads called")

    monkeypatch.setattr(json, "loads", refuse)
    for path in DATA.rglob("*.json"):
        for part in _json_parts(path):
            json_loads(part)
