"""The derived search data (derived/<version>/search.json): faster, and never a different answer.

The build computes each release's search forms and name keys into a file
beside the frozen release folders; the loader uses it only while it matches
its release.  These tests search a copy of the package's data folder with
the file as shipped, absent, stale (made from another release, by another
format) and tampered with, and hold every answer to the one the index built
in memory gives.
"""

from __future__ import annotations

import json
import shutil
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import DataIntegrityError
from kzrights._compat import sha256_hex
from kzrights._layout import DERIVED_FOLDER, FORMS_FILE, SEARCH_FILE
from kzrights.releases import ReleaseStore
from kzrights.search import _derived
from kzrights.search._text import word_list
from kzrights_build.derived import derived_files

from .conftest import nested_payload

if sys.version_info >= (3, 11):
    import tomllib
else:  # the test extra installs tomli on 3.10
    import tomli as tomllib

DATA = Path(kzrights.__file__).with_name("data")
VERSIONS = kzrights.versions()
QUERIES = [
    q["q"]
    for q in tomllib.loads(Path(__file__).with_name("search_queries.toml").read_text(encoding="utf-8"))[
        "query"
    ]
]
# queries that reach every path of a search: names, phrases, filters' words, odd letters
MORE = ['"golden visas"', "Bokaev", "NUR OTAN protest", "Tokayev's decree", "ǅ", "the", "kettling kettling"]


def _copy(tmp_path: Path) -> Path:
    """A copy of the package's data folder (releases, index and derived files)."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


Answer = tuple[str, float, str, tuple[tuple[int, int], ...]]


def _answers(report: kzrights.Report, query: str) -> list[Answer]:
    """What a user sees of a search: each hit's record, score, snippet and highlights."""
    return [(h.record.id, h.score, h.snippet, h.highlights) for h in report.search(query, limit=50)]


def _in_memory(version: str, tmp_path: Path) -> kzrights.Report:
    folder = _copy(tmp_path / "memory")
    shutil.rmtree(folder / DERIVED_FOLDER)
    return ReleaseStore(folder).load(version)


def _rewrite(path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    """Change a derived file's payload with ``edit`` and give the header the new payload's sha256."""
    header, _, body = path.read_bytes().partition(b"\n")
    payload = edit(json.loads(body))
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    fields = json.loads(header)
    fields["payload_sha256"] = sha256_hex(body)
    path.write_bytes(json.dumps(fields).encode() + b"\n" + body)


def test_the_shipped_derived_files_are_what_the_build_makes_now():
    """Every release has its derived search file, and it is what the code derives today.

    A change to normalise, name_key or the documents' text that forgets to
    rebuild the files (python -m kzrights_build) fails here.
    """
    files = derived_files(DATA)
    expected = [(version, name) for version in VERSIONS for name in (FORMS_FILE, SEARCH_FILE)]
    assert sorted((path.parent.name, path.name) for path in files) == sorted(expected)
    for path, data in files.items():
        assert path.read_bytes() == data, path


@pytest.mark.parametrize("version", VERSIONS)
def test_a_loaded_release_searches_with_its_derived_data_as_it_would_without(version, tmp_path):
    """Present: the shipped file is used, and every query of the set answers as the in-memory index does."""
    report = kzrights.load(version)
    assert _derived.read(report) is not None
    memory = _in_memory(version, tmp_path)
    assert _derived.read(memory) is None
    assert memory == report
    for query in [*QUERIES, *MORE]:
        assert _answers(report, query) == _answers(memory, query), query


@pytest.mark.parametrize("version", VERSIONS)
def test_entity_look_ups_are_the_same_with_the_derived_name_keys(version, tmp_path):
    """Report.entity finds the same entity for every id, name and alias, spelt as written or lowered."""
    report = kzrights.load(version)
    memory = _in_memory(version, tmp_path)
    assert report._name_index() == memory._name_index()
    for entity in report.entities:
        for name in (entity.id, entity.name, *entity.aliases):
            for spelling in (name, name.lower(), name.upper()):
                assert _look_up(report, spelling) == _look_up(memory, spelling)


def _look_up(report: kzrights.Report, name: str) -> str:
    """What Report.entity answers: the entity's id, or the error a user reads."""
    try:
        with warnings.catch_warnings():
            # a bare id ("nur-otan") still finds its entity, deprecated (tests/test_entity_ids.py)
            warnings.simplefilter("ignore", DeprecationWarning)
            return report.entity(name).id
    except kzrights.KzrightsError as exc:
        return f"{type(exc).__name__}: {exc}"


NEWEST = kzrights.load()
WORDS = sorted({w for r in (*NEWEST.records(), *NEWEST.entities) for w in word_list(_derived.doc_text(r))})


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(WORDS) | st.text(min_size=1, max_size=8) | st.sampled_from(['"', "“", "”", "'s"]),
        min_size=1,
        max_size=8,
    ).map(" ".join)
)
def test_any_query_answers_the_same_with_and_without_the_derived_data(query):
    """Any run of the release's words, stray text and quote marks: the same hits, scores and snippets."""
    if not query.strip():
        query = "protest"
    assert _answers(NEWEST, query) == _answers(_MEMORY, query)


def _memory_newest() -> kzrights.Report:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="kzrights-memory-"))
    return _in_memory(NEWEST.version, folder)


_MEMORY = _memory_newest()


def _store_with(tmp_path: Path, change) -> kzrights.Report:  # type: ignore[no-untyped-def]
    """The newest release from a copy of the data folder whose derived search file ``change`` alters."""
    folder = _copy(tmp_path)
    change(folder / DERIVED_FOLDER / NEWEST.version / SEARCH_FILE, folder)
    return ReleaseStore(folder).load(NEWEST.version)


def _drop_term(payload):  # type: ignore[no-untyped-def]
    del payload["terms"]["protest"]
    return payload


def _tamper_payload(path: Path, _: Path) -> None:
    """The payload changed (a term's postings gone), the header left as it was."""
    header, _, body = path.read_bytes().partition(b"\n")
    payload = _drop_term(json.loads(body))
    path.write_bytes(header + b"\n" + json.dumps(payload, separators=(",", ":")).encode())


def _other_release(path: Path, folder: Path) -> None:
    """Stale: the derived file of another release in this release's place."""
    other = [v for v in VERSIONS if v != NEWEST.version][-1]
    shutil.copyfile(folder / DERIVED_FOLDER / other / SEARCH_FILE, path)


def _header(**fields):  # type: ignore[no-untyped-def]
    def change(path: Path, _: Path) -> None:
        header, _, body = path.read_bytes().partition(b"\n")
        path.write_bytes(json.dumps({**json.loads(header), **fields}).encode() + b"\n" + body)

    return change


def _not_json(path: Path, _: Path) -> None:
    path.write_bytes(b"{not json\n" + path.read_bytes().partition(b"\n")[2])


def _a_folder(path: Path, _: Path) -> None:
    path.unlink()
    path.mkdir()


UNTRUSTED = {
    "absent": lambda path, _: path.unlink(),
    "a folder in its place": _a_folder,
    "payload changed, header not": _tamper_payload,
    "another release's file": _other_release,
    "another format": _header(format=_derived.FORMAT + 1),
    "another manifest": _header(manifest_sha256="0" * 64),
    "another version named": _header(release="9.9.9"),
    "header not JSON": _not_json,
    "empty": lambda path, _: path.write_bytes(b""),
    "documents of another order (sha256 recomputed)": lambda path, _: _rewrite(
        path, lambda p: {**p, "documents": p["documents"][::-1]}
    ),
    "a name of no entity (sha256 recomputed)": lambda path, _: _rewrite(
        path, lambda p: {**p, "names": {**p["names"], "somebody": "conclusions.p1"}}
    ),
    "nested too deeply to read (sha256 recomputed)": nested_payload(b"[", b"]"),
    "an object nested too deeply (sha256 recomputed)": nested_payload(b'{"a":', b"}", b"0"),
    "lengths missing (sha256 recomputed)": lambda path, _: _rewrite(path, lambda p: {**p, "lengths": None}),
}


@pytest.mark.parametrize("case", UNTRUSTED)
def test_a_derived_file_that_does_not_fit_is_not_used(case, tmp_path):
    """Absent, stale or tampered: the index is built in memory, and every answer is the right one."""
    report = _store_with(tmp_path, UNTRUSTED[case])
    assert _derived.read(report) is None
    for query in ("protesters", "what does it say about protesters?", "Bokaev", *QUERIES[:10]):
        assert _answers(report, query) == _answers(_MEMORY, query), query
    assert report.entity("Bokaev") == NEWEST.entity("Bokaev")


@pytest.mark.parametrize("postings", ["10000 1", "3 100000", "-1 0", "3", "3 1|3 2", "three 1", "", "3 1|"])
def test_postings_changed_with_a_recomputed_sha256_are_a_clear_error(postings, tmp_path):
    """A payload rewritten with its header's sha256 too, postings malformed or outside the index: an error."""

    def change(path: Path, _: Path) -> None:
        _rewrite(path, lambda p: {**p, "terms": {**p["terms"], "protest": postings}})

    report = _store_with(tmp_path, change)
    with pytest.raises(DataIntegrityError, match="malformed postings of the term 'protest'") as caught:
        report.search("protesters")
    assert f"derived/{NEWEST.version}/search.json" in str(caught.value)
    assert report.search("kettling")  # the other terms still answer


@pytest.mark.parametrize("case", [case for case in UNTRUSTED if "nested" in case])
def test_a_derived_file_nested_too_deeply_fails_verify_with_a_clear_error(case, tmp_path):
    """G2: search() falls back to the index built in memory (above); verify() names the file."""
    folder = _copy(tmp_path)
    UNTRUSTED[case](folder / DERIVED_FOLDER / NEWEST.version / SEARCH_FILE, folder)
    with pytest.raises(DataIntegrityError, match="payload is not JSON") as caught:
        ReleaseStore(folder).verify(NEWEST.version)
    assert caught.value.file == f"{DERIVED_FOLDER}/{NEWEST.version}/{SEARCH_FILE}"
