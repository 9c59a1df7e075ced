"""The public API: load, versions, get, immutability, caching, threads and errors."""

from __future__ import annotations

import operator
import os
import subprocess
import sys
import threading

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kzrights
from kzrights import DataIntegrityError, KzrightsError, UnknownIdError, UnknownVersionError


def test_load_is_cached_per_version(report):
    """Every load of the same release returns the very same object."""
    assert kzrights.load("1.0.0") is report
    assert kzrights.load() is kzrights.load(kzrights.versions()[-1])


def test_versions_are_a_tuple_oldest_first():
    """versions() is an immutable, ordered tuple of strings."""
    shipped = kzrights.versions()
    assert isinstance(shipped, tuple)
    assert shipped == tuple(sorted(shipped, key=lambda v: tuple(int(x) for x in v.split("."))))
    assert "1.0.0" in shipped


def test_get_finds_every_record_and_section(report):
    """get() resolves each text record and section by its id."""
    for record in report.records():
        assert report.get(record.id) is record
    for section in report.sections:
        assert report.get(section.id) is section
    assert "footnotes.12" in report
    assert "footnotes.13" not in report
    assert 12 not in report


def test_unknown_id_names_the_closest(report):
    """An unknown id raises UnknownIdError, a LookupError that suggests the nearest ids."""
    with pytest.raises(UnknownIdError) as info:
        report.get("recommendations.goverment.6")
    err = info.value
    assert isinstance(err, LookupError) and isinstance(err, KzrightsError)
    assert not isinstance(err, KeyError)
    assert err.id == "recommendations.goverment.6"
    assert err.suggestions[0] == "recommendations.government.6"
    assert "recommendations.government.6" in str(err)


def test_get_rejects_non_strings(report):
    """get() with something other than a str is a TypeError, not a failed look-up."""
    with pytest.raises(TypeError, match="id must be a str"):
        report.get(3)  # type: ignore[arg-type]


@given(st.text(max_size=200))
def test_get_with_any_string_finds_or_raises_unknown_id(text):
    """Any string either is an id or raises UnknownIdError; nothing else escapes."""
    report = kzrights.load("1.0.0")
    if text in report:
        assert report.get(text).id == text
    else:
        with pytest.raises(UnknownIdError):
            report.get(text)


def test_unknown_version_lists_the_shipped_ones():
    """An unknown version raises UnknownVersionError naming every shipped release."""
    with pytest.raises(UnknownVersionError) as info:
        kzrights.load("9.9.9")
    assert isinstance(info.value, LookupError)
    assert info.value.available == kzrights.versions()
    assert "1.0.0" in str(info.value)


@pytest.mark.parametrize(
    "bad", ["../1.0.0", "/etc/passwd", "", " 1.0.0", "1.0.0\x00", "1" * 5000, "1.0", "v1.0.0"]
)
def test_hostile_versions_are_unknown(bad):
    """Version strings are looked up, never joined into a path."""
    with pytest.raises(UnknownVersionError):
        kzrights.load(bad)


@pytest.mark.parametrize("bad", [1, 1.0, b"1.0.0", ["1.0.0"], {"v": 1}])
def test_non_string_versions_are_type_errors(bad):
    """A version that is not a str (or None) is a TypeError."""
    with pytest.raises(TypeError, match="version must be a str"):
        kzrights.load(bad)


def test_records_are_frozen(report):
    """No caller can change the shared, cached records."""
    rec = report.recommendations[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        rec.text = "changed"  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        report.version = "2.0.0"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        report.metadata.__dict__  # noqa: B018 - slotted records have no __dict__ to write into
    assert kzrights.load("1.0.0").recommendations[0].text.startswith("Stop targeting")


@pytest.mark.parametrize("version", ["1.0.0", "1.1.0"])
def test_records_compare_and_hash_by_value(version):
    """Records equal field by field are equal and hash alike; a changed field or another class is not."""
    report = kzrights.load(version)
    every = [*report.records(), *report.sections, report.metadata, report.metadata.rights]
    every += [*report.entities, *report.themes, *report.figures, *report.sources]
    every += [link for rec in report.recommendations for link in (*rec.theme_links, *rec.evidence_links)]
    every += [ref for rec in report.records() for ref in getattr(rec, "footnote_refs", ())]
    for record in every:
        twin = attrs.evolve(record)
        assert twin is not record
        assert twin == record
        assert not operator.ne(twin, record)
        assert hash(twin) == hash(record)
        first = attrs.fields(type(record))[0]
        changed = attrs.evolve(record, **{first.name: _different(getattr(record, first.name))})
        assert changed != record
        assert not operator.eq(changed, record)
    assert len(set(every + [attrs.evolve(record) for record in every])) == len(set(every))
    paragraph = report.paragraphs[0]
    assert paragraph != attrs.astuple(paragraph, recurse=False)
    assert paragraph != report.items[0]


def _different(value):
    return value + 1 if isinstance(value, int) else value + "?"


def test_record_repr_names_every_field(report):
    """A record's repr is its class and fields, and evaluates back to an equal record."""
    namespace = dict(vars(kzrights))
    for record in (report.paragraphs[3].span, report.paragraphs[3].footnote_refs[0], report.metadata.rights):
        assert eval(repr(record), namespace) == record
    text = repr(report.recommendations[0])
    assert text.startswith("Recommendation(id='recommendations.government.1', addressee=<Addressee.")
    for field in attrs.fields(kzrights.Recommendation):
        assert f"{field.name}=" in text


def test_collections_are_tuples(report):
    """Every collection a release holds is a tuple, all the way down."""

    def walk(value):
        if attrs.has(type(value)):
            for field in attrs.fields(type(value)):
                yield from walk(getattr(value, field.name))
        elif isinstance(value, (list, dict, set)):
            yield value
        elif isinstance(value, tuple):
            for item in value:
                yield from walk(item)

    mutable = [
        v
        for name in ("metadata", "sections", "paragraphs", "items", "recommendations", "footnotes")
        for v in walk(getattr(report, name))
    ]
    assert mutable == []
    with pytest.raises(TypeError):
        report._index["x"] = None  # type: ignore[index]


def test_sixteen_threads_get_one_report():
    """On a cold start, 16 threads loading at once all get the same Report."""
    code = """
import threading, kzrights
barrier = threading.Barrier(16)
results = []
def work():
    barrier.wait()
    results.append(kzrights.load())
threads = [threading.Thread(target=work) for _ in range(16)]
for t in threads: t.start()
for t in threads: t.join()
assert len(results) == 16 and len({id(r) for r in results}) == 1, results
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_threads_share_the_cache_in_process(report):
    """Threads in a warm process get the cached object."""
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(kzrights.load("1.0.0"))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r is report for r in seen) and len(seen) == 8


# CI measures coverage on one Python with a start-up hook in every process, which itself
# imports json, hashlib and datetime: what `import kzrights` imports is checked on the others.
_COVERAGE_HOOK = pytest.mark.skipif(
    "COVERAGE_PROCESS_START" in os.environ, reason="coverage's start-up hook imports these modules itself"
)


@_COVERAGE_HOOK
def test_import_is_cheap():
    """Import kzrights defines the record classes but reads no data and imports no cattrs.

    Nor json, hashlib or importlib.resources: the first load() reads its JSON with
    json's C scanner alone (tests/test_load_json.py), and never needs the other two.
    """
    code = (
        "import sys, kzrights; from kzrights import releases;"
        "heavy = ('cattrs', 'json', 'hashlib', 'importlib.resources', 'kzrights._converter');"
        "loaded = [m for m in heavy if m in sys.modules];"
        "print(loaded, releases._store, releases._fast, 'attrs' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] None {} True"


@_COVERAGE_HOOK
def test_load_imports_no_cattrs():
    """The first load() structures with kzrights' own hooks: cattrs is imported only to unstructure.

    A script that only loads a release and reads its records never pays for
    cattrs; the CLI's --json, the exports and the build still use it.
    """
    code = (
        "import sys, kzrights; report = kzrights.load(); report.get('footnotes.4');"
        "before = 'cattrs' in sys.modules;"
        "from kzrights._converter import unstructure; unstructure(report.footnotes[0]);"
        "print(before, 'cattrs' in sys.modules)"
    )
    # not -I: the child imports the kzrights this test runs against, wherever PYTHONPATH puts it
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False True"


def test_version_is_the_installed_distribution():
    """kzrights.__version__ is the package version, distinct from the data version."""
    from importlib.metadata import version

    assert kzrights.__version__ == version("kzrights")


def test_errors_share_one_base():
    """Every kzrights error derives from KzrightsError and the builtin a caller expects."""
    assert issubclass(UnknownIdError, LookupError)
    assert issubclass(UnknownVersionError, LookupError)
    assert issubclass(DataIntegrityError, ValueError)
    for cls in (UnknownIdError, UnknownVersionError, DataIntegrityError, kzrights.errors.BuildError):
        assert issubclass(cls, KzrightsError)


def test_unknown_attribute_is_an_attribute_error():
    """A misspelt name on the package says so."""
    with pytest.raises(AttributeError, match="no attribute 'lod'"):
        kzrights.lod  # noqa: B018


def test_repr_is_compact(report):
    """The Report's repr summarises it instead of dumping the source text."""
    assert repr(report) == "<Report 1.0.0: 30 paragraphs, 9 items, 15 recommendations, 12 footnotes>"


def test_source_of_gives_the_raw_source(report):
    """source_of() returns the source stretch, markers and all."""
    assert report.source_of("conclusions.p4").endswith("current system.[1]")


def test_works_from_a_zip_file(tmp_path):
    """The package reads its data through its loader, so it loads (and verifies) from a zip archive too."""
    import zipfile
    from pathlib import Path

    package = Path(kzrights.__file__).parent
    archive = tmp_path / "kzrights.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in package.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, Path("kzrights") / path.relative_to(package))
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import kzrights;"
        "r = kzrights.load(); kzrights.verify();"
        "assert kzrights.__file__.startswith(sys.argv[1]), kzrights.__file__;"
        "print(len(r.recommendations))"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-c", code, str(archive)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "15"


def test_typed_accessors(report):
    """recommendation() and footnote() return typed records, with clear errors for bad input."""
    assert report.recommendation("government", 13).id == "recommendations.government.13"
    assert report.recommendation(kzrights.Addressee.INTERNATIONAL, 2).number == 2
    assert report.footnote(12).id == "footnotes.12"
    with pytest.raises(UnknownIdError, match=r"recommendations\.international\.3"):
        report.recommendation("international", 3)
    with pytest.raises(UnknownIdError):
        report.footnote(13)
    with pytest.raises(ValueError, match="unknown addressee"):
        report.recommendation("nobody", 1)
    for bad in ("1", 1.0, True):
        with pytest.raises(TypeError):
            report.footnote(bad)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            report.recommendation("government", bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "end", "message"), [(-1, 4, "span start=-1: must be >= 0"), (5, 2, "before its start 5")]
)
def test_span_rejects_impossible_offsets(start, end, message):
    """A span cannot start before the text or end before it starts: an InvalidRecordError (a ValueError)."""
    with pytest.raises(kzrights.errors.InvalidRecordError, match=message):
        kzrights.Span(start, end)
    assert len(kzrights.Span(3, 3)) == 0


def test_spans_order_by_start_then_end():
    """Spans sort as (start, end) pairs and refuse to compare with anything else."""
    spans = [kzrights.Span(4, 9), kzrights.Span(1, 8), kzrights.Span(4, 5), kzrights.Span(1, 8)]
    assert sorted(spans) == [
        kzrights.Span(1, 8),
        kzrights.Span(1, 8),
        kzrights.Span(4, 5),
        kzrights.Span(4, 9),
    ]
    assert kzrights.Span(1, 2) <= kzrights.Span(1, 2) < kzrights.Span(1, 3)
    assert kzrights.Span(2, 0 + 2) >= kzrights.Span(1, 9) > kzrights.Span(1, 8)
    for other in ((1, 2), 1, None):
        with pytest.raises(TypeError):
            kzrights.Span(1, 2) < other  # noqa: B015 - the comparison is the test


def test_reports_compare_by_their_data_not_their_caches(report):
    """A report equals another made from the same data, whatever either has cached."""
    from kzrights._converter import from_report
    from kzrights.report import to_report

    again = to_report(from_report(report), version=report.version, source_text=report.source_text)
    report.search("civil society")  # fills the search cache of one of them only
    assert again == report
    assert not operator.ne(again, report)
    assert hash(again) == hash(report)
    other = to_report(from_report(report), version="9.9.9", source_text=report.source_text)
    assert other != report
    assert report != kzrights.load("1.1.0")


def test_compat_choices_give_the_obvious_objects():
    """kzrights._compat's date is datetime.date, and its sha256 is hashlib's."""
    import datetime
    import hashlib

    from kzrights._compat import date, sha256_hex

    assert date is datetime.date
    assert attrs.fields(kzrights.Metadata).published.type is datetime.date
    for data in (b"", b"kzrights", bytes(range(256)) * 1000):
        assert sha256_hex(data) == hashlib.sha256(data).hexdigest()


@_COVERAGE_HOOK
@pytest.mark.skipif(sys.version_info >= (3, 12), reason="datetime imports cheaply from 3.12 on")
def test_import_does_not_run_datetimes_pure_python_module():
    """Before 3.12, import kzrights takes the date class from _datetime, not the slow datetime module."""
    code = "import sys, kzrights; print('datetime' in sys.modules)"
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
