"""A release whose files do not match its manifest, or do not parse, gives a DataIntegrityError."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import DataIntegrityError, _integrity
from kzrights._converter import from_report
from kzrights._document import FIELDS, ReleaseDocument
from kzrights._integrity import TARGETS, reference_fields
from kzrights._provenance import PAD, fold
from kzrights.records import (
    Alias,
    Entity,
    Figure,
    Footnote,
    FootnoteRef,
    Item,
    Link,
    LinkingRules,
    Mention,
    Metadata,
    Paragraph,
    Recommendation,
    Rights,
    Section,
    Source,
    Theme,
)
from kzrights.releases import ReleaseStore
from kzrights_build.release import dump_json

from .conftest import DATA, ROOT
from .tampering import rehash, release_folder, set_at, store_with


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private copy of the package's data folder, to damage."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def test_the_copy_loads(data):
    """The undamaged copy loads and verifies: the faults below are the only cause of failure."""
    store = ReleaseStore(data)
    store.verify("1.0.0")
    assert store.load("1.0.0").version == "1.0.0"


def test_flipped_byte(data):
    """One changed byte in a file is caught, and the error names that file."""
    path = release_folder(data) / "source.txt"
    content = bytearray(path.read_bytes())
    content[500] ^= 0x01
    path.write_bytes(bytes(content))
    with pytest.raises(DataIntegrityError, match=r"source\.txt: sha256 differs") as info:
        ReleaseStore(data).load("1.0.0")
    assert info.value.file == "releases/1.0.0/source.txt"
    assert info.value.version == "1.0.0"


def test_truncated_file(data):
    """A truncated file is caught by its size."""
    path = release_folder(data) / "report.json"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(DataIntegrityError, match=r"report\.json: is 1000 bytes"):
        ReleaseStore(data).load("1.0.0")


def test_missing_manifest(data):
    """A release without its manifest cannot be loaded."""
    (release_folder(data) / "manifest.json").unlink()
    with pytest.raises(DataIntegrityError, match=r"manifest\.json: cannot be read"):
        ReleaseStore(data).load("1.0.0")


def test_manifest_naming_a_missing_file(data):
    """A manifest that lists a file that is not there is caught."""
    (release_folder(data) / "source.txt").unlink()
    with pytest.raises(DataIntegrityError, match=r"source\.txt: cannot be read"):
        ReleaseStore(data).verify("1.0.0")


def test_changed_manifest(data):
    """A manifest edited without updating the index is caught."""
    path = release_folder(data) / "manifest.json"
    path.write_bytes(path.read_bytes().replace(b'"release"', b'"release" ', 1))
    with pytest.raises(DataIntegrityError, match="differs from the release index"):
        ReleaseStore(data).load("1.0.0")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.__setitem__("paragraphs", "oops"), r"expected tuple @ \$\.paragraphs"),
        (lambda d: d["metadata"].__setitem__("title", 5), r"\$\.metadata\.title"),
        (lambda d: d["metadata"].__setitem__("published", "22 July"), "published"),
        (lambda d: d["footnotes"][0].__setitem__("surprise", 1), "surprise"),
        (lambda d: d["footnotes"][2].pop("number"), r"\$\.footnotes\[2\]\.number"),
        (lambda d: d["recommendations"][0].__setitem__("addressee", "parliament"), "addressee"),
        (lambda d: d["items"][0].__setitem__("span", [5]), "span"),
        (lambda d: d["items"][0].__setitem__("span", [9, 2]), r"expected Span @ \$\.items\[0\]\.span"),
        (lambda d: d.__setitem__("schema", 99), "schema 99"),
        (lambda d: d.__setitem__("schema", [1]), r"schema \[1\]"),
        (lambda d: d.__setitem__("schema", True), "schema True"),
    ],
)
def test_wrong_shape_json(data, edit, message):
    """A well-hashed report.json of the wrong shape is a DataIntegrityError with the field path."""
    path = release_folder(data) / "report.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    edit(document)
    path.write_bytes(dump_json(document))
    rehash(data, "report.json")
    with pytest.raises(DataIntegrityError, match=message) as info:
        ReleaseStore(data).load("1.0.0")
    assert info.value.__cause__ is None or isinstance(info.value.__cause__, DataIntegrityError)


def test_not_json(data):
    """A report.json that is not JSON at all is a DataIntegrityError, not a JSONDecodeError."""
    (release_folder(data) / "report.json").write_bytes(b"\xff{not json")
    rehash(data, "report.json")
    with pytest.raises(DataIntegrityError, match="not valid JSON"):
        ReleaseStore(data).load("1.0.0")


def test_broken_index(data):
    """A release index of the wrong shape is a DataIntegrityError too."""
    (data / "releases.json").write_text('{"releases": [{"version": 1}]}', encoding="utf-8")
    with pytest.raises(DataIntegrityError, match="the release index"):
        ReleaseStore(data).versions()


def test_error_is_not_cached(data):
    """A failed load is not remembered: once the file is mended, the release loads."""
    path = release_folder(data) / "source.txt"
    good = path.read_bytes()
    path.write_bytes(good[:-1])
    store = ReleaseStore(data)
    with pytest.raises(DataIntegrityError):
        store.load("1.0.0")
    path.write_bytes(good)
    assert store.load("1.0.0").version == "1.0.0"


_LOAD_AND_CHECK = """
import sys
import kzrights
from kzrights_build.__main__ import main

assert kzrights.__file__.startswith(sys.argv[1]), kzrights.__file__
for version in kzrights.versions():
    kzrights.load(version)
    kzrights.verify(version)
sys.exit(main(["--check"]))
"""


def test_a_clone_with_autocrlf_loads_and_builds(tmp_path):
    """A clone made with core.autocrlf=true (Git for Windows' default) loads, verifies and builds.

    The clone holds the committed files only: .gitattributes keeps the release
    files and the seeds byte for byte, which the hashes and the build check need.
    """
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    if subprocess.run([git, "-C", str(ROOT), "rev-parse", "--git-dir"], capture_output=True).returncode:
        pytest.skip(f"{ROOT} is not a git checkout (an sdist, say): nothing to clone")
    clone = tmp_path / "clone"
    subprocess.run(
        [git, "clone", "--quiet", "-c", "core.autocrlf=true", str(ROOT), str(clone)],
        check=True,
        capture_output=True,
    )
    # the conversion is on: a text file that .gitattributes leaves alone gets CRLF
    assert b"\r\n" in (clone / "pyproject.toml").read_bytes()
    environment = {**os.environ, "PYTHONPATH": str(clone / "src")}
    out = subprocess.run(
        [sys.executable, "-c", _LOAD_AND_CHECK, str(clone / "src")],
        cwd=clone,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "the committed release matches the build" in out.stdout


# Releases whose hashes agree but whose records do not hold together ---------------------------------

_V11 = DATA / "releases" / "1.1.0"
_DOCUMENT = json.loads((_V11 / "report.json").read_bytes())


def _store_with(document: dict | bytes) -> ReleaseStore:
    """A store over the shipped data with release 1.1.0's report.json replaced, every hash made to agree."""
    return store_with(document, "1.1.0")


def _tampered(edit) -> dict:
    document = copy.deepcopy(_DOCUMENT)
    edit(document)
    return document


def test_the_memory_copy_loads():
    """The untampered copy in memory loads and verifies: the edits below are the only cause of failure."""
    store = _store_with(copy.deepcopy(_DOCUMENT))
    assert store.load("1.1.0") == kzrights.load("1.1.0")
    store.verify("1.1.0")


_set = set_at

_P4, _P8 = 3, 7  # conclusions.p4 cites footnote 1; conclusions.p8 introduces the decree's items

TAMPERED = [
    # references that lead nowhere, or to the wrong kind of record
    (
        _set("paragraphs", _P4, "footnote_refs", 0, "footnote_id", "footnotes.99"),
        r"\$\.paragraphs\[3\]\.footnote_refs\[0\]\.footnote_id: 'footnotes\.99' is not the id",
    ),
    (_set("footnotes", 2, "ibid_of", "footnotes.13"), r"\$\.footnotes\[2\]\.ibid_of: 'footnotes\.13'"),
    (_set("footnotes", 1, "same_source_as", ["footnotes.0"]), r"\$\.footnotes\[1\]\.same_source_as\[0\]"),
    (
        _set("footnotes", 0, "cited_by", ["entities.adam-hug"]),
        r"cited_by\[0\]: 'entities\.adam-hug' is an entity, not a paragraph or item or recommendation",
    ),
    (
        _set("recommendations", 0, "lead_in_id", "footnotes.1"),
        r"lead_in_id: 'footnotes\.1' is a footnote, not a paragraph",
    ),
    (
        _set("recommendations", 0, "theme_links", 0, "target_id", "conclusions.p10"),
        r"theme_links\[0\]\.target_id: 'conclusions\.p10' is a paragraph, not a theme",
    ),
    (
        _set("recommendations", 0, "evidence_links", 0, "target_id", "themes.un-mechanisms"),
        r"evidence_links\[0\]\.target_id: .* is a theme, not a paragraph",
    ),
    (
        _set("recommendations", 0, "evidence_links", 0, "record_id", "conclusions.p99"),
        r"evidence_links\[0\]\.record_id",
    ),
    (
        _set("mentions", 0, "entity_id", "entities.nobody"),
        r"\$\.mentions\[0\]\.entity_id: 'entities\.nobody'",
    ),
    (_set("mentions", 5, "record_id", "conclusions.p0"), r"\$\.mentions\[5\]\.record_id"),
    (_set("themes", 0, "item_id", "conclusions.p8.i10"), r"\$\.themes\[0\]\.item_id"),
    (
        _set("sections", 0, "record_ids", lambda ids: [*ids, "conclusions.p29"]),
        r"\$\.sections\[0\]\.record_ids\[\d+\]",
    ),
    (
        _set("entities", 0, "related_ids", ["entities.adam-hug", "conclusions.p1"]),
        r"related_ids\[1\]: 'conclusions\.p1' is a paragraph, not an entity",
    ),
    (_set("sources", 0, "footnote_ids", ["footnotes.0"]), r"\$\.sources\[0\]\.footnote_ids\[0\]"),
    (_set("figures", 0, "record_id", "conclusions.p0"), r"\$\.figures\[0\]\.record_id"),
    (_set("paragraphs", 0, "section_id", "introduction"), r"\$\.paragraphs\[0\]\.section_id"),
    (_set("items", 0, "paragraph_id", "conclusions.p88"), r"\$\.items\[0\]\.paragraph_id"),
    (_set("paragraphs", 1, "entity_ids", ["entities.nobody"]), r"\$\.paragraphs\[1\]\.entity_ids\[0\]"),
    # ids given twice
    (
        _set("footnotes", 1, "id", "footnotes.1"),
        r"\$\.footnotes\[1\]\.id: 'footnotes\.1' is the id of another record too",
    ),
    # relations that disagree from their two ends
    # (an item moved to another paragraph: its id, made of its paragraph's, no longer agrees)
    (
        _set("items", 0, "paragraph_id", "conclusions.p9"),
        r"\$\.items\[0\]\.id: 'conclusions\.p8\.i1' does not agree with its fields",
    ),
    (_set("paragraphs", _P8, "item_ids", lambda ids: ids[1:]), r"\$\.items\[0\]\.paragraph_id"),
    (_set("footnotes", 0, "cited_by", []), r"\$\.footnotes\[0\]\.cited_by"),
    (_set("paragraphs", _P4, "footnote_refs", []), r"\$\.paragraphs\[3\]\.footnote_refs: do not match"),
    # spans outside the source, or over other words than the record's
    (
        _set("paragraphs", 0, "span", [0, 10**6]),
        r"\$\.paragraphs\[0\]\.span: \[0, 1000000\] ends past the end",
    ),
    (_set("footnotes", 11, "span", lambda s: [s[0], s[1] + 10**5]), r"\$\.footnotes\[11\]\.span"),
    (_set("metadata", "title_span", [30_000, 30_010]), r"\$\.metadata\.title_span"),
    (_set("sections", 1, "heading_span", [27_000, 28_000]), r"\$\.sections\[1\]\.heading_span"),
    (_set("mentions", 0, "source_span", [10**5, 10**5 + 10]), r"\$\.mentions\[0\]\.source_span"),
    (
        _set("paragraphs", 0, "span", lambda s: [s[0] + 1, s[1]]),
        r"\$\.paragraphs\[0\]\.text: is not the source",
    ),
    (_set("items", 2, "text", lambda text: text.upper()), r"\$\.items\[2\]\.text"),
    (
        _set("paragraphs", _P4, "footnote_refs", 0, "source_span", lambda s: [s[0] - 1, s[1] - 1]),
        r"footnote_refs: do not match",
    ),
    (_set("paragraphs", _P4, "footnote_refs", 0, "offset", 10**4), r"footnote_refs: offsets \[10000\]"),
    (_set("mentions", 0, "start", 40), r"\$\.mentions\[0\]\.text: is not the text of conclusions\.p1"),
    (_set("mentions", 0, "end", 10**4), r"\$\.mentions\[0\]: \[39, 10000\] is not inside"),
    (
        _set("mentions", 0, "source_span", lambda s: [s[0] + 1, s[1] + 1]),
        r"\$\.mentions\[0\]\.text: is not the source",
    ),
    (
        _set("mentions", 0, "source_span", [0, 10]),
        r"\$\.mentions\[0\]\.source_span: \[0, 10\] is not inside conclusions\.p1",
    ),
    (_set("mentions", 0, "source_span", None), r"\$\.mentions\[0\]: a mention in the report gives"),
    (_set("recommendations", 0, "theme_links", 0, "quote", "increase"), r"theme_links\[0\]\.quote"),
    (_set("recommendations", 0, "theme_links", 0, "span", None), r"theme_links\[0\]: an explicit link gives"),
    (_set("figures", 0, "text", "40th anniversary"), r"\$\.figures\[0\]\.text"),
    (_set("figures", 0, "span", [0, 16]), r"\$\.figures\[0\]\.span: \[0, 16\] is not inside conclusions\.p1"),
    (_set("metadata", "publisher", "Foreign Policy Center"), r"\$\.metadata\.publisher"),
    # JSON readers accept NaN and Infinity; a figure's value must be a finite number
    (_set("figures", 0, "value", float("nan")), r"\$\.figures\[0\]\.value .*not a finite number"),
    (_set("figures", 4, "value", float("-inf")), r"\$\.figures\[4\]\.value .*not a finite number"),
    (_set("metadata", "authors", ["Adam Hug", "Jane Doe"]), r"\$\.metadata\.authors\[1\]"),
]


@pytest.mark.parametrize(("edit", "message"), TAMPERED)
def test_tampered_release_with_consistent_hashes(edit, message):
    """Hashes agree, the records do not hold together: load() and verify() refuse it, naming the field."""
    store = _store_with(_tampered(edit))
    with pytest.raises(DataIntegrityError, match=message) as info:
        store.load("1.1.0")
    assert info.value.file == "releases/1.1.0/report.json"
    with pytest.raises(DataIntegrityError, match=message):
        store.verify("1.1.0")


# Every reference field is found and checked ---------------------------------------------------------

_RECORD_CLASSES = [
    Section, Paragraph, Item, Recommendation, Footnote, FootnoteRef, Link,
    Entity, Mention, Theme, Figure, Source, Metadata, Rights, Alias, LinkingRules,
]  # fmt: skip
# string fields that are not ids of other records: a new string field must be put here or be a reference
_PLAIN_STRINGS = {
    "id", "text", "title", "quote", "rationale", "name", "description", "publisher", "series",
    "country", "language", "source_file", "source_sha256", "citation", "aliases", "authors",
    "urls", "key", "type", "author", "container", "date_text", "issued", "url", "unit",
    "currency", "date", "qualifier", "report_text", "attribution", "code_licence",
    "annotations_licence", "resolved_by", "grammatical_case", "context_words", "titles",
    "blocking_names", "function_words", "background", "background_basis", "date_end",
}  # fmt: skip


def _string_fields(cls) -> set[str]:
    hints = typing.get_type_hints(cls)
    wanted = (str, str | None, tuple[str, ...])
    names = cls._fields if cls is Mention else [field.name for field in attrs.fields(cls)]
    return {name for name in names if hints[name] in wanted}


@pytest.mark.parametrize("cls", _RECORD_CLASSES, ids=lambda cls: cls.__name__)
def test_every_string_field_is_a_reference_or_plain_text(cls):
    """Each field holding strings is either checked as a reference, with the kinds it may name, or plain text.

    A field added to a record holding ids of other records is found by its
    name (``*_id``, ``*_ids``); one named otherwise makes this test fail
    until it is listed as a reference or as plain text.
    """
    references = set(reference_fields(cls))
    assert references | (_string_fields(cls) & _PLAIN_STRINGS) == _string_fields(cls)
    assert not references & _PLAIN_STRINGS
    for name in references:
        assert name in TARGETS or any(key.endswith(f".{name}") for key in TARGETS), name


def test_every_reference_of_the_release_is_checked():
    """The references found from the record classes cover every field the 1.1.0 release fills with ids."""
    found = {(type(record).__name__, name) for record, name, _ in _references(kzrights.load("1.1.0"))}
    assert {
        ("Paragraph", "section_id"), ("Paragraph", "item_ids"), ("Paragraph", "entity_ids"),
        ("Item", "paragraph_id"), ("Recommendation", "lead_in_id"), ("FootnoteRef", "footnote_id"),
        ("Footnote", "ibid_of"), ("Footnote", "same_source_as"), ("Footnote", "cited_by"),
        ("Link", "target_id"), ("Link", "record_id"), ("Mention", "entity_id"), ("Mention", "record_id"),
        ("Theme", "item_id"), ("Figure", "record_id"), ("Section", "record_ids"),
        ("Entity", "related_ids"), ("Source", "footnote_ids"),
    } <= found  # fmt: skip


def _references(value, trail=()):
    """Yield (record, field name, JSON path) for every reference field holding ids, anywhere in ``value``."""
    if isinstance(value, (tuple, list)) and not isinstance(value, Mention):
        for position, item in enumerate(value):
            yield from _references(item, (*trail, position))
        return
    if isinstance(value, ReleaseDocument):  # not an attrs class: its fields are declared in FIELDS
        names = [name for name, _, _ in FIELDS]
    elif isinstance(value, Mention):
        names = list(value._fields)
    elif attrs.has(type(value)):
        names = [field.name for field in attrs.fields(type(value))]
    else:
        return
    references = set(reference_fields(type(value)))
    for name in names:
        field = getattr(value, name)
        if name in references and field:
            yield value, name, (*trail, name)
        elif not isinstance(field, str):
            yield from _references(field, (*trail, name))


_PATHS = [path for _, _, path in _references(from_report(kzrights.load("1.1.0")))]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(_PATHS), stranger=st.text(min_size=1, max_size=30), data=st.data())
def test_any_reference_to_an_id_that_is_not_there(path, stranger, data):
    """Any reference anywhere in the release, set to an id the release lacks, fails load() and verify()."""
    document = copy.deepcopy(_DOCUMENT)
    *to_field, name = path
    target = document
    for step in to_field:
        target = target[step]
    assume(stranger not in kzrights.load("1.1.0"))
    if isinstance(target[name], list):
        target[name][data.draw(st.integers(0, len(target[name]) - 1))] = stranger
    else:
        target[name] = stranger
    store = _store_with(document)
    expected = re.escape(repr(stranger))
    if any(ord(char) < 32 and char not in "\t\n\r" for char in stranger):
        # a control character no string of a release holds: refused before any reference is read
        expected = r": holds U\+00[01][0-9A-F], a control character"
    with pytest.raises(DataIntegrityError, match=expected):
        store.load("1.1.0")
    with pytest.raises(DataIntegrityError):
        store.verify("1.1.0")


_REPORT_BYTES = (_V11 / "report.json").read_bytes()
_VERIFY_ONLY = (
    # the registry's forms
    r"\$\.entities(: |\[\d+\]\.\w+.* and \$\.entities\[\d+\].*: .* is a form of both )"
    r"|\$\.entities\[\d+\]\.forms\[\d+\]\.text: .* is given more than once"
    r"|\$\.sources\[\d+\]\.\w+: .* is not words of "
    r"|\$\.\w+\[\d+\]\.footnote_refs\[\d+\]\.offset: "
)
"""What verify() checks that load() leaves out (docs/versioning.md, "What verify() adds")."""


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(position=st.integers(0, len(_REPORT_BYTES) - 1), value=st.integers(0, 255))
def test_verify_passes_exactly_when_load_does(position, value):
    """Any byte of report.json changed, hashes agreeing: load() and verify() agree, and raise nothing else.

    Where they may differ is what verify() adds to load()'s checks
    (docs/versioning.md): a release load() takes and verify() refuses must
    be refused for one of those, never for anything load() checks too.
    """
    changed = bytearray(_REPORT_BYTES)
    changed[position] = value
    store = _store_with(bytes(changed))
    try:
        report = store.load("1.1.0")
    except DataIntegrityError:
        with pytest.raises(DataIntegrityError):
            store.verify("1.1.0")
        return
    refused = None
    try:
        store.verify("1.1.0")
    except DataIntegrityError as error:
        refused = error.reason
    if refused is not None:
        assert re.match(_VERIFY_ONLY, refused), refused
        return
    for record in report.records():  # what the release says holds: each record's source is its text
        assert record.span.end <= len(report.source_text)


@given(st.text(alphabet=st.sampled_from(list("ab [1]\t\u00a0\n’")), max_size=40) | st.text(max_size=40))
def test_the_checks_fold_padding_as_the_build_does(text):
    """The checks' fast fold of padding gives what the build's fold gives, for any text."""
    assert _integrity._fold(text) == fold(text)
    assert _integrity._PAD == PAD


@pytest.mark.parametrize(
    ("release", "message"),
    [
        ({"version": " .0.0"}, r"' \.0\.0' is not MAJOR\.MINOR\.PATCH"),
        ({"version": "1.0.0\u00b2"}, "is not MAJOR.MINOR.PATCH"),
        ({"directory": "releases/1.1.0"}, r"1\.0\.0 must be listed once, in releases/1\.0\.0"),
        ({"version": "1.1.0", "directory": "releases/1.1.0"}, r"1\.1\.0 must be listed once"),
    ],
)
def test_damaged_index_entry(data, release, message):
    """The release index, which no hash covers, is held to what the build writes: damage is caught."""
    index = json.loads((data / "releases.json").read_bytes())
    index["releases"][0].update(release)
    (data / "releases.json").write_bytes(dump_json(index))
    with pytest.raises(DataIntegrityError, match=message) as info:
        ReleaseStore(data).load("1.0.0")
    assert info.value.file == "releases.json"


class _IndexOverride:
    """The shipped data folder, but with ``releases.json`` replaced by the given bytes."""

    def __init__(self, index: bytes, path: Path = DATA) -> None:
        self._index, self._path = index, path

    def joinpath(self, *children: str) -> typing.Any:
        if children == ("releases.json",) and self._path == DATA:
            return _IndexOverride(self._index, self._path / "releases.json")
        return self._path.joinpath(*children)

    def read_bytes(self) -> bytes:
        return self._index


_SHIPPED_INDEX = json.loads((DATA / "releases.json").read_bytes())["releases"]


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (
            lambda rs: rs[::-1],
            r"release #1: 1\.3\.0 is listed after 1\.3\.1 \(the index lists oldest first\)",
        ),
        (lambda rs: [*rs[:-2], rs[-1], rs[-2]], r"release #4: 1\.3\.0 is listed after 1\.3\.1"),
        (lambda rs: [rs[1], rs[0], *rs[2:]], r"release #1: 1\.0\.0 is listed after 1\.1\.0"),
    ],
)
def test_an_index_out_of_order_is_refused(data, order, message):
    """G1: releases.json listed newest-first no longer makes 1.0.0 "the newest": it is refused."""
    index = json.loads((data / "releases.json").read_bytes())
    index["releases"] = order(index["releases"])
    (data / "releases.json").write_bytes(dump_json(index))
    store = ReleaseStore(data)
    for call in (
        lambda: store.load(),
        lambda: store.resolve(None),
        store.versions,
        lambda: store.verify("1.0.0"),
    ):
        with pytest.raises(DataIntegrityError, match=message) as info:
            call()
        assert info.value.file == "releases.json"


def test_an_index_out_of_order_is_refused_by_the_package(tmp_path):
    """G1 as the tester met it: a newest-first index fails on first use, never gives 1.0.0."""
    package = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "kzrights", package / "kzrights")
    index_path = package / "kzrights" / "data" / "releases.json"
    index = json.loads(index_path.read_bytes())
    index["releases"].reverse()
    index_path.write_bytes(dump_json(index))
    script = (
        "import kzrights\ntry:\n    print(kzrights.DATA_VERSION)\n"
        "except kzrights.DataIntegrityError as e:\n    print(e.file)"
    )
    env = {**os.environ, "PYTHONPATH": str(package)}
    run = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert run.stdout.strip() == "releases.json", run.stderr
    cli = [sys.executable, "-m", "kzrights", "info"]
    run = subprocess.run(cli, env=env, capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode != 0
    assert "1.0.0" not in run.stdout
    assert "releases.json" in run.stderr
    assert "Traceback" not in run.stderr


@settings(max_examples=60)
@given(
    st.permutations(range(len(_SHIPPED_INDEX))),
    st.lists(
        st.sampled_from(["1.0.0", "1.3.1", "01.0.0", "1.3.01", "2.0.0", "10.0.0", "9.9.9", "1.3"]), max_size=2
    ),
)
def test_the_newest_release_never_depends_on_the_index_order(order, extra):
    """Any order, duplicate or odd version: the index is refused, or ascending with the highest last.

    The releases added point at 1.0.0's folder: only the index's own checks are exercised.
    """
    releases = [_SHIPPED_INDEX[i] for i in order]
    for version in extra:
        releases.append({**_SHIPPED_INDEX[0], "version": version, "directory": f"releases/{version}"})
    store = ReleaseStore(_IndexOverride(dump_json({"releases": releases})))  # type: ignore[arg-type]
    try:
        versions = store.versions()
    except DataIntegrityError as error:
        refused = error
    else:
        refused = None
    if refused is not None:
        assert refused.file == "releases.json"
        return
    keys = [tuple(int(part) for part in v.split(".")) for v in versions]
    assert keys == sorted(set(keys))
    assert [str(int(p)) for v in versions for p in v.split(".")] == [
        p for v in versions for p in v.split(".")
    ]
    assert store.resolve(None) == max(versions, key=lambda v: tuple(int(p) for p in v.split(".")))
