"""verify() checks the content of the derived files, which load() trusts on their header alone.

A derived file (``derived/<version>/search.json``, ``forms.json``) is used by
the loader when its header matches its release.  Someone who rewrites one with
plausible wrong values and a recomputed sha256 gets past that; these tests
show that load() then uses the file, and that ``kzrights.verify()`` and
``kzrights verify`` catch it, naming the file.  Each works on a copy of the
package's data under tmp_path.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import kzrights
from kzrights import DataIntegrityError
from kzrights._compat import sha256_hex
from kzrights.releases import ReleaseStore

from .conftest import DATA

PACKAGE = Path(kzrights.__file__).parent
NEWEST = kzrights.DATA_VERSION


def _rewrite(path: Path, edit: Callable[[Any], Any], *, header: bool = True) -> None:
    """Change a derived file's payload with ``edit``; with ``header``, give it the new payload's sha256."""
    head, _, body = path.read_bytes().partition(b"\n")
    body = json.dumps(edit(json.loads(body)), ensure_ascii=False, separators=(",", ":")).encode()
    fields = json.loads(head)
    if header:
        fields["payload_sha256"] = sha256_hex(body)
    path.write_bytes(json.dumps(fields).encode() + b"\n" + body)


def _swap_postings(payload: Any) -> Any:
    """Plausible and wrong: the documents of "protest" and of "tortur" exchanged."""
    terms = dict(payload["terms"])
    terms["protest"], terms["tortur"] = terms["tortur"], terms["protest"]
    return {**payload, "terms": terms}


def _name_to_other_entity(payload: Any) -> Any:
    """Plausible and wrong: the name keys of Bokayev given to Nazarbayev."""
    names = payload["names"]
    return {
        **payload,
        "names": {
            k: "entities.nursultan-nazarbayev" if v == "entities.max-bokayev" else v for k, v in names.items()
        },
    }


def _russian_alias(payload: Any) -> Any:
    """Plausible and wrong: Galiya Azhenova's English alias marked as a Russian transliteration."""
    entities = dict(payload["entities"])
    entities["entities.galiya-azhenova"] = [["name", None], ["transliteration", "ru"]]
    return {"entities": entities}


REWRITES = {
    "search.json postings": ("search.json", _swap_postings),
    "search.json names": ("search.json", _name_to_other_entity),
    "forms.json": ("forms.json", _russian_alias),
}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private copy of the package's data folder, to damage."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_an_untouched_copy_verifies_its_derived_files_too(data):
    """verify() lists the derived files among those it checked, after the release's own."""
    checked = ReleaseStore(data).verify(NEWEST)
    assert checked[-2:] == (f"derived/{NEWEST}/forms.json", f"derived/{NEWEST}/search.json")
    assert checked == kzrights.verify(NEWEST)


@pytest.mark.parametrize("case", REWRITES)
def test_a_consistent_rewrite_is_used_by_load_and_caught_by_verify(case, data):
    """A payload rewritten with its sha256 in the header: load() uses it, verify() names the file."""
    name, edit = REWRITES[case]
    _rewrite(data / "derived" / NEWEST / name, edit)
    store = ReleaseStore(data)
    report, right = store.load(NEWEST), kzrights.load(NEWEST)
    # the fault is real: the loaded report answers from the rewritten file
    if name == "forms.json":
        assert report.get("entities.galiya-azhenova").forms != right.get("entities.galiya-azhenova").forms
    elif case.endswith("names"):  # search's entity filter reads the names
        assert [h.record.id for h in report.search("Bokaev")] != [h.record.id for h in right.search("Bokaev")]
    else:
        assert [h.record.id for h in report.search("protest")] != [
            h.record.id for h in right.search("protest")
        ]
    with pytest.raises(DataIntegrityError) as caught:
        store.verify(NEWEST)
    assert caught.value.file == f"derived/{NEWEST}/{name}"
    assert "payload differs from what the release gives" in str(caught.value)
    store.verify("1.0.0")  # the other releases are sound


def test_a_derived_file_load_does_not_use_is_not_an_error(data):
    """A payload changed without its header (so load() computes the data itself) verifies: none trusts it."""
    _rewrite(data / "derived" / NEWEST / "search.json", _swap_postings, header=False)
    checked = ReleaseStore(data).verify(NEWEST)
    assert f"derived/{NEWEST}/search.json" not in checked
    assert f"derived/{NEWEST}/forms.json" in checked


def test_a_payload_that_is_not_json_is_named(data):
    """A rewritten payload that is not even JSON, sha256 recomputed: a clear error naming the file."""
    path = data / "derived" / NEWEST / "forms.json"
    head, _, _ = path.read_bytes().partition(b"\n")
    fields = json.loads(head)
    fields["payload_sha256"] = sha256_hex(b"[[[")
    path.write_bytes(json.dumps(fields).encode() + b"\n[[[")
    with pytest.raises(DataIntegrityError, match="payload is not JSON") as caught:
        ReleaseStore(data).verify(NEWEST)
    assert caught.value.file == f"derived/{NEWEST}/forms.json"


def test_the_command_line_verify_names_the_rewritten_file(tmp_path):
    """``kzrights verify`` on an installation with a rewritten derived file: exit 1, one line naming it."""
    site = tmp_path / "site"
    shutil.copytree(PACKAGE, site / "kzrights", ignore=shutil.ignore_patterns("__pycache__"))
    _rewrite(site / "kzrights" / "data" / "derived" / NEWEST / "search.json", _swap_postings)
    code = (
        "import sys, runpy; sys.path.insert(0, sys.argv.pop(1));"
        " runpy.run_module('kzrights', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", code, str(site), "verify"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"kzrights: error: data release {NEWEST}: derived/{NEWEST}/search.json:")


def _rewritten_bytes(path: Path, body: bytes) -> None:
    """Replace a derived file's payload with ``body`` as given, its header given body's sha256."""
    head, _, _ = path.read_bytes().partition(b"\n")
    fields = json.loads(head)
    fields["payload_sha256"] = sha256_hex(body)
    path.write_bytes(json.dumps(fields).encode() + b"\n" + body)


def _with_a_key_twice(body: bytes) -> bytes:
    """The same object with its first key given twice, with the same value (so it parses to the same)."""
    payload = json.loads(body)
    key = next(iter(payload))
    first = json.dumps({key: payload[key]}, ensure_ascii=False, separators=(",", ":")).encode()
    return b"{" + first[1:-1] + b"," + body[1:]


# each reads as the same value with json.loads, which is why only verify() can tell
PAYLOADS_READ_THE_SAME: dict[str, Callable[[bytes], bytes]] = {
    "a byte order mark": lambda body: b"\xef\xbb\xbf" + body,
    "UTF-16": lambda body: body.decode("utf-8").encode("utf-16"),
    "a key given twice": _with_a_key_twice,
}


@pytest.mark.parametrize("name", ["search.json", "forms.json"])
@pytest.mark.parametrize("damage", list(PAYLOADS_READ_THE_SAME))
def test_a_payload_not_written_as_the_build_writes_json_fails_verify(data, name, damage):
    """verify()'s docstring: every JSON file is UTF-8 without a byte order mark, no key given twice.

    A derived payload rewritten so, its sha256 recomputed, still reads as
    the same value (the tools' answers do not change), but it is not what
    the build writes: verify names the file, as it does for report.json.
    """
    path = data / "derived" / NEWEST / name
    body = path.read_bytes().partition(b"\n")[2]
    damaged = PAYLOADS_READ_THE_SAME[damage](body)
    assert json.loads(damaged) == json.loads(body)  # the same value, read as json.loads reads it
    _rewritten_bytes(path, damaged)
    with pytest.raises(DataIntegrityError, match="payload is not JSON as the build writes it") as caught:
        ReleaseStore(data).verify(NEWEST)
    assert caught.value.file == f"derived/{NEWEST}/{name}"
    assert caught.value.version == NEWEST
    # and the tools still answer as from the shipped file (the runtime reads what it is given)
    assert ReleaseStore(data).load(NEWEST).search("protest")


def _header_with_a_key_twice(path: Path, key: str, first: Any) -> None:
    """Give the header ``key`` twice: ``first``, then its right value (which json.loads keeps)."""
    head, _, body = path.read_bytes().partition(b"\n")
    fields = json.loads(head)
    rest = json.dumps(fields).encode()
    path.write_bytes(b"{" + json.dumps({key: first}).encode()[1:-1] + b", " + rest[1:] + b"\n" + body)


@pytest.mark.parametrize("name", ["search.json", "forms.json"])
@pytest.mark.parametrize("key", ["format", "release", "payload_sha256"])
def test_a_header_giving_a_key_twice_fails_verify(data, name, key):
    """The header is held to the rules the payload is: a key given twice is named by verify().

    The runtime reads the header with json.loads, which keeps the last of
    the two values, so the file is used; another JSON reader keeps the
    first ({"format": 2, "format": 1, ...} is format 2 to it). verify()
    says so rather than calling the release sound.
    """
    path = data / "derived" / NEWEST / name
    wrong = {"format": 99, "release": "0.0.0", "payload_sha256": "0" * 64}[key]
    _header_with_a_key_twice(path, key, wrong)
    # the runtime trusts it (json.loads keeps the second, right value)...
    store = ReleaseStore(data)
    assert store.derived(store._index()[NEWEST], name, 1) is not None
    # ...so verify names it
    expected = f"header is not JSON as the build writes it: an object gives the key '{key}' twice"
    with pytest.raises(DataIntegrityError, match=expected) as caught:
        ReleaseStore(data).verify(NEWEST)
    assert caught.value.file == f"derived/{NEWEST}/{name}"
