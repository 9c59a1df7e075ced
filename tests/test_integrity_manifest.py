"""A manifest edited by hand, the index's hash recomputed: load() and verify() check all of it (session 17).

The session 17 tester edited copies of release 1.3.1's ``manifest.json`` and
recomputed its sha256 in the release index: a file entry named
``../1.3.0/report.json`` (with that file's size and hash) loaded, and
``verify()`` returned ``'releases/1.3.1/../1.3.0/report.json'`` as a file of
the release; ``report.json`` listed twice loaded, and so did ``"schema": 99``.
A manifest is now held to what the build writes: exactly its three fields, a
layout this version reads (report.json's own), and each file once, by a plain
file name of the release folder.  Each edit here is made on a real file
system, as a user's copy of the data is.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kzrights import DataIntegrityError
from kzrights.releases import ReleaseStore
from kzrights_build.release import dump_json

from .conftest import DATA
from .tampering import rehash, release_folder, verify_a_damaged_copy

VERSION = "1.3.1"
_MANIFEST_FILE = f"releases/{VERSION}/manifest.json"
_MANIFEST = json.loads((DATA / _MANIFEST_FILE).read_bytes())


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package's data folder on disk, which each edit puts back as it was."""
    target = tmp_path_factory.mktemp("manifest") / "data"
    shutil.copytree(DATA, target)
    return target


def _entry(data: Path, name: str) -> dict[str, Any]:
    """A file entry for ``name`` with the size and sha256 of the file it reaches from the release folder.

    So that only the name can be at fault: a name that reaches no file gets
    the hash of no bytes.
    """
    path = release_folder(data, VERSION) / name
    try:
        content = path.read_bytes() if "\x00" not in name and path.is_file() else b""
    except OSError:  # a name too long for the file system, say
        content = b""
    return {"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def _outcomes(data: Path, manifest: Any) -> list[DataIntegrityError | tuple[str, ...] | None]:
    """Write ``manifest`` as release 1.3.1's (the index's hash agreeing); load() and verify() it.

    Each outcome is the error raised, or None for load() and the files
    verify() returns.
    """
    path = data / _MANIFEST_FILE
    kept, index = path.read_bytes(), (data / "releases.json").read_bytes()
    try:
        path.write_bytes(dump_json(manifest))
        rehash(data, "manifest.json", VERSION)
        outcomes: list[DataIntegrityError | tuple[str, ...] | None] = []
        for check in (ReleaseStore.load, ReleaseStore.verify):
            try:
                done = check(ReleaseStore(data), VERSION)
            except DataIntegrityError as error:
                outcomes.append(error)
            else:
                outcomes.append(done if isinstance(done, tuple) else None)
        return outcomes
    finally:
        path.write_bytes(kept)
        (data / "releases.json").write_bytes(index)


def _refused(data: Path, manifest: Any, message: str) -> None:
    """load() and verify() both refuse it, naming the manifest, for a reason matching ``message``."""
    for outcome in _outcomes(data, manifest):
        assert isinstance(outcome, DataIntegrityError), f"taken: {message}"
        assert outcome.file == _MANIFEST_FILE
        assert outcome.version == VERSION
        assert re.search(message, outcome.reason), outcome.reason


def _with_files(*entries: dict[str, Any]) -> dict[str, Any]:
    manifest = copy.deepcopy(_MANIFEST)
    manifest["files"] += entries
    return manifest


def test_the_copy_loads_and_verifies(folder: Path) -> None:
    """The manifest, written back unchanged: the edits below are the only fault."""
    loaded, verified = _outcomes(folder, _MANIFEST)
    assert loaded is None
    assert isinstance(verified, tuple)
    assert verified[:3] == tuple(
        f"releases/{VERSION}/{name}" for name in ("manifest.json", "report.json", "source.txt")
    )


# The tester's edits -------------------------------------------------------------------------------


def test_a_name_out_of_the_release_folder(folder: Path) -> None:
    """F1: another release's report.json, named through '..', with its own size and hash."""
    entry = _entry(folder, "../1.3.0/report.json")
    assert entry["size"] > 0  # it reaches a file: only the name is at fault
    _refused(
        folder,
        _with_files(entry),
        r"^file #2: '\.\./1\.3\.0/report\.json' is not the name of a file in the release folder",
    )


def test_report_json_listed_twice(folder: Path) -> None:
    """F2: report.json's entry given twice, hash and all."""
    _refused(
        folder, _with_files(_MANIFEST["files"][0]), r"^file #2: 'report\.json' is listed already, as file #0$"
    )


def test_an_unknown_schema(folder: Path) -> None:
    """F3: "schema": 99."""
    _refused(
        folder, {**_MANIFEST, "schema": 99}, r"^schema 99 is not one this version reads \(\[1, 2, 3, 4\]\)$"
    )


# Every name that is not a plain file name of the release folder --------------------------------------

_PLAIN = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"), min_size=1
)
_NOT_PLAIN = st.one_of(
    # a path: up, absolute, through a folder, with either separator, or a drive
    st.builds(
        lambda before, separator, after: f"{before}{separator}{after}",
        st.sampled_from(["..", ".", "", "releases", "1.3.0", "C:", "\\\\server\\share", "/etc"]),
        st.sampled_from(["/", "\\"]),
        st.sampled_from(["report.json", "../1.3.0/report.json", "source.txt", "passwd", ""]),
    ),
    st.sampled_from(
        [
            "",
            ".",
            "..",
            "...",
            ".report.json",
            "report.json.",
            "report.json ",
            "C:report.json",
            "c:source.txt",
        ]
    ),
    st.sampled_from(["nul", "NUL.json", "con", "Con.txt", "aux.json", "prn", "com1.txt", "LPT9"]),
    # any character a plain name leaves out, anywhere in one
    st.builds(
        lambda name, char, at: name[:at] + char + name[at:],
        st.sampled_from(["report.json", "source.txt", "notes"]),
        st.characters(
            blacklist_characters="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"
        ),
        st.integers(0, 11),
    ),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(name=_NOT_PLAIN, place=st.integers(0, 2))
@example(name="../1.3.0/report.json", place=2)
@example(name="./report.json", place=0)
@example(name="report.json\x00", place=2)
def test_any_name_that_is_not_a_plain_file_name_is_refused(folder: Path, name: str, place: int) -> None:
    """A file entry with a path, a drive, a NUL, a leading dot, … anywhere in the list: refused, naming it."""
    manifest = copy.deepcopy(_MANIFEST)
    manifest["files"].insert(place, _entry(folder, name))
    _refused(folder, manifest, rf"^file #{place}: .* is not the name of a file in the release folder")


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(name=_PLAIN.filter(lambda name: name[0] != "." and name[-1] != "."))
@example(name="NOTES.txt")
@example(name="console.log")  # not the device CON
def test_a_plain_name_of_a_file_in_the_folder_is_read(folder: Path, name: str) -> None:
    """A manifest may list a file of its release beside report.json and source.txt: verify() lists it.

    (The derived files name the shipped manifest's sha256, so are not used, nor listed.)
    """
    if name.lower() in ("report.json", "source.txt", "manifest.json"):
        return
    path = release_folder(folder, VERSION) / name
    path.write_bytes(b"an extra file\n")
    try:
        outcomes = _outcomes(folder, _with_files(_entry(folder, name)))
    finally:
        path.unlink()
    assert outcomes[0] is None
    assert outcomes[1] == (
        *(f"releases/{VERSION}/{file}" for file in ("manifest.json", "report.json", "source.txt", name)),
    )


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (("source.txt",), r"^file #2: 'source\.txt' is listed already, as file #1$"),
        (("Report.json",), r"^file #2: 'Report\.json' is listed already, as file #0$"),
        (("notes.txt", "NOTES.TXT"), r"^file #3: 'NOTES\.TXT' is listed already, as file #2$"),
    ],
)
def test_a_file_listed_twice_in_any_case(folder: Path, names: tuple[str, ...], message: str) -> None:
    """A name given twice, or in two cases (one file, on a case-insensitive file system), is refused."""
    extra = release_folder(folder, VERSION) / "notes.txt"
    extra.write_bytes(b"notes\n")
    try:
        _refused(folder, _with_files(*(_entry(folder, name) for name in names)), message)
    finally:
        extra.unlink()


# The other fields ----------------------------------------------------------------------------------------


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    schema=st.one_of(
        st.integers(),
        st.booleans(),
        st.none(),
        st.floats(allow_nan=False),
        st.text(max_size=3),
        st.lists(st.integers(1, 4), max_size=2),
    )
)
@example(schema=3)  # a layout this version reads, but not report.json's
@example(schema=True)
@example(schema=4.0)
@example(schema="4")
def test_any_schema_but_report_jsons_is_refused(folder: Path, schema: Any) -> None:
    """The manifest's schema is a layout this version reads, and the one report.json has (4, for 1.3.1)."""
    if type(schema) is int and schema == 4:
        return
    message = r"^schema .* is not (one this version reads|the schema of report\.json, 4)"
    _refused(folder, {**_MANIFEST, "schema": schema}, message)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda m: m.update(note="by hand"),
            r"^must be an object with exactly the fields release, schema, files$",
        ),
        (lambda m: m.pop("schema"), r"^must be an object with exactly the fields"),
        (lambda m: m["files"][0].update(note="by hand"), r"^file #0 is not a name, a size and a sha256"),
        (lambda m: m["files"][1].update(size=True), r"^file #1 is not a name, a size and a sha256"),
        (lambda m: m["files"][1].update(size=-1), r"^file #1 is not a name, a size and a sha256"),
        (lambda m: m["files"][0].update(sha256=m["files"][0]["sha256"].upper()), r"^file #0 is not a name"),
        (lambda m: m["files"][0].update(name=["report.json"]), r"^file #0 is not a name"),
        (lambda m: m.update(files=m["files"][1:]), r"^does not list report\.json$"),
    ],
    ids=[
        "extra field",
        "no schema",
        "entry field",
        "bool size",
        "negative size",
        "upper hex",
        "name list",
        "no report",
    ],
)
def test_a_manifest_not_as_the_build_writes_it(folder: Path, edit: Any, message: str) -> None:
    """Exactly the build's fields, each file an exact name, size and sha256: anything else is refused."""
    manifest = copy.deepcopy(_MANIFEST)
    edit(manifest)
    _refused(folder, manifest, message)


def test_verify_on_the_command_line_names_the_manifest(tmp_path: Path) -> None:
    """``kzrights verify`` over a package whose manifest lists a file outside its folder: one line, exit 1."""

    def damage(data: Path) -> None:
        (data / _MANIFEST_FILE).write_bytes(dump_json(_with_files(_entry(data, "../1.3.0/report.json"))))
        rehash(data, "manifest.json", VERSION)

    done = verify_a_damaged_copy(tmp_path / "site", damage, VERSION)
    assert (done.returncode, done.stdout) == (1, ""), done.stderr
    assert done.stderr.startswith(
        f"kzrights: error: data release {VERSION}: {_MANIFEST_FILE}: "
        "file #2: '../1.3.0/report.json' is not the name of a file in the release folder"
    )
    assert done.stderr.count("\n") == 1
