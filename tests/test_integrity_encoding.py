"""Every JSON file of the data is read as the build writes it: UTF-8, no byte order mark, no key twice.

``json.loads`` also reads UTF-16 and UTF-32 (guessed from where the NUL
bytes fall), a UTF-8 byte order mark, and an object that gives one key twice
(keeping the last value, where other JSON readers keep the first or refuse
it).  A session 17 tester re-encoded release 1.3.1's manifest, or repeated a
key in it, made the index's hash agree, and it loaded and verified.  Now the
index, each manifest and each ``report.json`` are refused in another
encoding by both `load` and `verify`; a key given twice is refused in the
index and the manifests by both, and in ``report.json`` by `verify` (a
first load does not pay for the look: about a quarter of the parse).
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzrights import DataIntegrityError
from kzrights.releases import ReleaseStore
from kzrights_build.release import dump_json

from .conftest import DATA
from .tampering import store_changed

VERSION = "1.3.1"
_TWICE = "an object gives the key {key!r} twice (JSON readers differ on which counts)"
_FILES = ("releases.json", f"releases/{VERSION}/manifest.json", f"releases/{VERSION}/report.json")


def _errors(store: ReleaseStore) -> list[DataIntegrityError | None]:
    """What load() and then verify() raise for ``VERSION`` (None where it is taken)."""
    outcomes: list[DataIntegrityError | None] = []
    for check in (ReleaseStore.load, ReleaseStore.verify):
        try:
            check(store, VERSION)
        except DataIntegrityError as error:
            outcomes.append(error)
        else:
            outcomes.append(None)
    return outcomes


def test_the_shipped_files_are_taken() -> None:
    """Each file written back as it is: the changes below are the only fault."""
    for path in _FILES:
        assert _errors(store_changed(path, (DATA / path).read_bytes(), VERSION)) == [None, None]


@pytest.mark.parametrize("path", _FILES)
@pytest.mark.parametrize(
    ("encoding", "reason"),
    [
        ("utf-8-sig", "starts with a byte order mark"),
        ("utf-16", "holds a NUL byte: not UTF-8 JSON"),
        ("utf-16-le", "holds a NUL byte: not UTF-8 JSON"),
        ("utf-16-be", "holds a NUL byte: not UTF-8 JSON"),
        ("utf-32", "holds a NUL byte: not UTF-8 JSON"),
    ],
)
def test_a_file_in_another_encoding_is_refused(path: str, encoding: str, reason: str) -> None:
    """The same JSON in another encoding, which json.loads reads as the same value, is refused by both."""
    content = (DATA / path).read_bytes().decode("utf-8").encode(encoding)
    assert json.loads(content) == json.loads((DATA / path).read_bytes())  # only the check can tell
    for error in _errors(store_changed(path, content, VERSION)):
        assert error is not None, f"{path} in {encoding} was taken"
        assert error.file == path
        assert error.reason.startswith(reason), error.reason


def _dumped(value: Any, twice: tuple[Any, ...], key: str, earlier: Any) -> str:
    """``value`` as JSON, with the object at the path ``twice`` giving ``key`` first as ``earlier``."""
    if isinstance(value, dict):
        pairs = [(key, earlier)] if twice == () else []
        pairs += value.items()
        inner = [
            f"{json.dumps(k)}: {_dumped(v, twice[1:], key, earlier) if twice[:1] == (k,) else json.dumps(v)}"
            for k, v in pairs
        ]
        return "{" + ", ".join(inner) + "}"
    if isinstance(value, list):
        items = [
            _dumped(item, twice[1:], key, earlier) if twice[:1] == (n,) else json.dumps(item)
            for n, item in enumerate(value)
        ]
        return "[" + ", ".join(items) + "]"
    return json.dumps(value)


def _objects(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], list[str]]]:
    """Every object in ``value``: its path and its keys."""
    found: list[tuple[tuple[Any, ...], list[str]]] = []
    if isinstance(value, dict):
        found.append((path, list(value)))
        for key, item in value.items():
            found += _objects(item, (*path, key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            found += _objects(item, (*path, n))
    return found


_SMALL = {path: json.loads((DATA / path).read_bytes()) for path in _FILES[:2]}
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_key_given_twice_in_the_index_or_a_manifest_is_refused(data: Any) -> None:
    """Any object of either file, any of its keys given first with any other value: both refuse it."""
    path = data.draw(st.sampled_from(_FILES[:2]), label="file")
    where, keys = data.draw(st.sampled_from(_objects(_SMALL[path])), label="object")
    key = data.draw(st.sampled_from(keys), label="key")
    earlier = data.draw(_JSON, label="its first value")
    content = _dumped(_SMALL[path], where, key, earlier).encode("utf-8")
    assert json.loads(content) == _SMALL[path]  # json.loads keeps the last value: the file reads as shipped
    for error in _errors(store_changed(path, content, VERSION)):
        assert error is not None, f"{key!r} twice at {where} in {path} was taken"
        assert error.file == path
        assert error.reason == _TWICE.format(key=key)


@pytest.mark.parametrize(
    ("where", "key", "earlier"),
    [
        ((), "schema", 1),  # the document's own layout
        (("recommendations", 0), "text", "Something the report does not say."),
        (("entities", 3), "id", "entities.someone-else"),
    ],
)
def test_a_key_given_twice_in_report_json_fails_verify(
    where: tuple[Any, ...], key: str, earlier: Any
) -> None:
    """verify() finds a key given twice anywhere in report.json, whichever value json.loads keeps."""
    path = _FILES[2]
    document = json.loads((DATA / path).read_bytes())
    content = _dumped(document, where, key, earlier).encode("utf-8")
    assert json.loads(content) == document
    store = store_changed(path, content, VERSION)
    with pytest.raises(DataIntegrityError) as caught:
        store.verify(VERSION)
    assert caught.value.file == path
    assert (
        caught.value.reason == f"an object gives the key {key!r} twice (JSON readers differ on which counts)"
    )


def test_the_shipped_files_have_no_key_twice() -> None:
    """The build writes no object with a key twice, in any file of the data (so verify() passes)."""
    for path in sorted(DATA.rglob("*.json")):
        raw = path.read_bytes()
        if path.parent.parent.name == "derived":
            raw = raw.partition(b"\n")[2]
        json.loads(raw, object_pairs_hook=functools.partial(_unique, path=path))


def _unique(pairs: list[tuple[str, Any]], *, path: Any) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    assert len(keys) == len(set(keys)), f"{path}: {keys}"
    return dict(pairs)


def test_dump_json_is_utf8_without_a_byte_order_mark() -> None:
    """The build's writer, whose output the checks hold the files to."""
    written = dump_json({"name": "Қазақстан"})
    assert not written.startswith(b"\xef\xbb\xbf") and b"\x00" not in written
    assert json.loads(written) == {"name": "Қазақстан"}
