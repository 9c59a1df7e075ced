"""Exports never destroy or fake data: atomic, never replacing unasked, one-line errors, escaped HTML.

Each test drives ``kzrights.export`` or ``kzrights export`` the way a user
would, and looks at what is left on disk afterwards.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.conftest import (
    one_line_error,
    out_name,
    run_kzrights,
    run_kzrights_with_file_size_limit,
    unmeasured_environment,
)

import kzrights
from kzrights.errors import ExportError, KzrightsError, OutputExistsError, OutputFolderMissingError
from kzrights.exports import FOLDER_FORMATS, FORMATS, export
from kzrights.exports.documents import render_html

MARKER = ".kzrights-export.json"


@pytest.fixture(scope="module")
def old() -> kzrights.Report:
    """The first release: what a previous export held."""
    return kzrights.load("1.0.0")


@pytest.fixture(scope="module")
def new() -> kzrights.Report:
    """The newest release: what the next export writes."""
    return kzrights.load()


def state(path: Path) -> Any:
    """All that is at ``path``, links not followed: None, a link's target, a file's bytes, or a folder's."""
    if not os.path.lexists(path):
        return None
    if path.is_symlink():
        return ("link", os.readlink(path))
    if path.is_dir():
        return ("folder", {p.name: state(p) for p in sorted(path.iterdir())})
    return ("file", path.read_bytes())


def outputs(report: kzrights.Report, format: str, path: Path) -> dict[str, Any]:
    """The state of each path an export of ``format`` writes at ``path`` (the database and its sidecar)."""
    names = [path.name, path.stem + ".metadata.json"] if format == "sqlite" else [path.name]
    return {name: state(path.parent / name) for name in names}


_references: dict[tuple[str, str], dict[str, Any]] = {}


def reference(report: kzrights.Report, format: str) -> dict[str, Any]:
    """What a clean export of ``report`` in ``format`` to a fresh ``out`` (`out_name`) holds, by name."""
    key = (report.version, format)
    if key not in _references:
        with tempfile.TemporaryDirectory() as folder:
            export(report, format, Path(folder) / out_name(format))
            _references[key] = outputs(report, format, Path(folder) / out_name(format))
    return _references[key]


run = functools.partial(run_kzrights, text=True, timeout=120)
"""The command line, in its own process, its output as str (killed after 120 s)."""


# ── replacing, and refusing to ────────────────────────────────────────────────


@pytest.mark.parametrize("format", FORMATS)
def test_an_existing_output_is_replaced_only_when_asked(format, old, new, tmp_path):
    """Every format: exporting again raises OutputExistsError, changing nothing; overwrite=True replaces."""
    target = tmp_path / out_name(format)
    export(old, format, target)
    before = state(tmp_path)
    with pytest.raises(OutputExistsError) as caught:
        export(new, format, target)
    assert isinstance(caught.value, FileExistsError) and isinstance(caught.value, KzrightsError)
    assert "overwrite=True" in str(caught.value)
    assert state(tmp_path) == before
    written = export(new, format, target, overwrite=True)
    assert outputs(new, format, target) == reference(new, format)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left
    assert all(p.exists() for p in written)


def _previous_export(format: str) -> Callable[[Path, kzrights.Report], None]:
    return lambda path, old: export(old, format, path) and None


def _user_file(path: Path, _: kzrights.Report) -> None:
    path.write_text("a researcher's own notes\n", encoding="utf-8")


def _user_folder(path: Path, _: kzrights.Report) -> None:
    path.mkdir()
    (path / "notes.txt").write_text("a researcher's own notes\n", encoding="utf-8")


def _empty_folder(path: Path, _: kzrights.Report) -> None:
    path.mkdir()


def _ours_plus_notes(format: str) -> Callable[[Path, kzrights.Report], None]:
    def make(path: Path, old: kzrights.Report) -> None:
        export(old, format, path)
        (path / "notes.txt").write_text("added by hand\n", encoding="utf-8")

    return make


def _link_to(kind: str) -> Callable[[Path, kzrights.Report], None]:
    def make(path: Path, _: kzrights.Report) -> None:
        outside = path.parent.parent / "outside"
        if kind == "file":
            outside.write_text("outside the named place\n", encoding="utf-8")
        elif kind == "folder":
            outside.mkdir()
            (outside / "keep.txt").write_text("outside the named place\n", encoding="utf-8")
        path.symlink_to(outside)

    return make


# What is at the destination, and what may happen to it: "ok" (written), "exists"
# (OutputExistsError: replaced only with overwrite=True), "refused" (ExportError even then).
DESTINATIONS: dict[str, tuple[Callable[[str], Callable[[Path, kzrights.Report], None] | None], str, str]] = {
    # name: (how to make it for a format, outcome for a file format, outcome for a folder format)
    "nothing": (lambda f: None, "ok", "ok"),
    "a file of the user's": (lambda f: _user_file, "exists", "refused"),
    "an empty folder": (lambda f: _empty_folder, "refused", "ok"),
    "a folder of the user's": (lambda f: _user_folder, "refused", "refused"),
    "a previous export": (_previous_export, "exists", "exists"),
    "a previous export of another format": (
        lambda f: _previous_export("jsonl" if f == "csv" else "csv"),
        "refused",
        "refused",
    ),
    "a previous export with the user's notes added": (
        lambda f: _ours_plus_notes(f) if f in FOLDER_FORMATS else None,
        "n/a",
        "refused",
    ),
    "a link to a file outside": (lambda f: _link_to("file"), "exists", "refused"),
    "a link to a folder outside": (lambda f: _link_to("folder"), "exists", "refused"),
    "a dangling link": (lambda f: _link_to("nothing"), "exists", "refused"),
}


@pytest.mark.parametrize("overwrite", [False, True], ids=["default", "overwrite"])
@pytest.mark.parametrize(
    ("destination", "format"),
    [
        (destination, format)
        for destination, (_, file_rule, _) in DESTINATIONS.items()
        for format in ("json", "sqlite", "csv")
        if format in FOLDER_FORMATS or file_rule != "n/a"
    ],
)
def test_what_an_export_does_to_an_existing_path(destination, format, overwrite, old, new, tmp_path):
    """The rules in the docs, case by case: written, OutputExistsError, or ExportError with nothing touched.

    Links are never followed (what they point to is never changed), a folder
    export replaces only a previous export of its own format holding nothing
    else, and a refused export leaves every byte where it was.
    """
    how, file_rule, folder_rule = DESTINATIONS[destination]
    rule = folder_rule if format in FOLDER_FORMATS else file_rule
    make = how(format)
    place = tmp_path / "place"
    place.mkdir()
    target = place / "out"
    if make is not None:
        make(target, old)
    before, outside = state(place), state(tmp_path / "outside")
    expected = "ok" if rule == "exists" and overwrite else rule
    if expected == "ok":
        export(new, format, target, overwrite=overwrite)
        assert outputs(new, format, target) == reference(new, format)
        assert sorted(p.name for p in place.iterdir()) == sorted(reference(new, format))
    else:
        error = OutputExistsError if expected == "exists" else ExportError
        with pytest.raises(error) as caught:
            export(new, format, target, overwrite=overwrite)
        if expected == "refused":
            assert not isinstance(caught.value, OutputExistsError)
        assert "\n" not in str(caught.value)
        assert state(place) == before
    assert state(tmp_path / "outside") == outside


def _listed_in_the_marker(folder: Path, name: str) -> None:
    """Add ``name`` to a previous export's marker, as a hand (or a tool) might."""
    marker = folder / MARKER
    data = json.loads(marker.read_text(encoding="utf-8"))
    data["files"].append(name)
    marker.write_text(json.dumps(data), encoding="utf-8")


def _user_subfolder(folder: Path, outside: Path) -> list[str]:
    (folder / "sub").mkdir()
    (folder / "sub" / "inner.txt").write_text("mine\n", encoding="utf-8")
    return ["sub"]


def _user_subfolder_listed_file_by_file(folder: Path, outside: Path) -> list[str]:
    return [*_user_subfolder(folder, outside), "sub/inner.txt"]


def _user_notes(folder: Path, outside: Path) -> list[str]:
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    return ["notes.txt"]


def _user_folder_under_a_table_name(folder: Path, outside: Path) -> list[str]:
    table = next(p.name for p in sorted(folder.iterdir()) if p.name != MARKER and p.is_file())
    (folder / table).unlink()
    (folder / table).mkdir()
    (folder / table / "inner.txt").write_text("mine\n", encoding="utf-8")
    return [f"{table}/inner.txt"]


def _link_under_a_table_name(folder: Path, outside: Path) -> list[str]:
    table = next(p.name for p in sorted(folder.iterdir()) if p.name != MARKER and p.is_file())
    (folder / table).unlink()
    (folder / table).symlink_to(outside)
    return []


def _link_to_a_user_folder(folder: Path, outside: Path) -> list[str]:
    (folder / "data").symlink_to(outside)
    return ["data"]


@pytest.mark.parametrize(
    "add",
    [
        _user_subfolder,
        _user_subfolder_listed_file_by_file,
        _user_notes,
        _user_folder_under_a_table_name,
        _link_under_a_table_name,
        _link_to_a_user_folder,
    ],
)
@pytest.mark.parametrize("format", sorted(FOLDER_FORMATS))
def test_a_marker_is_trusted_only_for_files_the_format_writes(format, add, old, new, tmp_path):
    """A name added to ``.kzrights-export.json`` never gets the user's files deleted by ``--force``.

    Only names the format itself writes, as regular files in the folder, are
    its own; a folder of the user's, a file the format never writes, or a
    link listed in the marker makes the folder one kzrights did not write
    (issue 11, tester finding 9: ``sub`` was deleted recursively).
    """
    pytest.importorskip("pyarrow")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("outside\n", encoding="utf-8")
    target = tmp_path / "out"
    export(old, format, target)
    for name in add(target, outside):
        _listed_in_the_marker(target, name)
    before = state(tmp_path)
    with pytest.raises(ExportError) as caught:
        export(new, format, target, overwrite=True)
    assert "did not write" in str(caught.value) and not isinstance(caught.value, OutputExistsError)
    assert state(tmp_path) == before
    line = one_line_error(run("export", "--format", format, "--output", str(target), "--force"))
    assert "did not write" in line
    assert state(tmp_path) == before


def test_every_name_a_folder_export_writes_is_its_own(tmp_path):
    """Each file a folder export writes, for every shipped release, is one its format claims as its own."""
    from kzrights.exports._staging import own_names

    pytest.importorskip("pyarrow")
    for version in kzrights.versions():
        for format in sorted(FOLDER_FORMATS):
            target = tmp_path / f"{format}-{version}"
            export(kzrights.load(version), format, target)
            written = {p.name for p in target.iterdir()} - {MARKER}
            assert written and written <= own_names(format), (format, version, written - own_names(format))


def test_sqlite_sidecar_follows_the_same_rules(old, new, tmp_path):
    """The Datasette metadata file is an output too: a stray one, or a folder in its place, stops it."""
    (tmp_path / "kz.metadata.json").write_text("{}\n", encoding="utf-8")
    with pytest.raises(OutputExistsError, match=r"kz\.metadata\.json"):
        export(new, "sqlite", tmp_path / "kz.sqlite")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kz.metadata.json"]
    (tmp_path / "kz.metadata.json").unlink()
    (tmp_path / "kz.metadata.json").mkdir()
    with pytest.raises(ExportError, match="is a file"):
        export(new, "sqlite", tmp_path / "kz.sqlite", overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kz.metadata.json"]
    (tmp_path / "kz.metadata.json").rmdir()
    export(old, "sqlite", tmp_path / "kz.sqlite")
    export(new, "sqlite", tmp_path / "kz.sqlite", overwrite=True)
    assert outputs(new, "sqlite", tmp_path / "kz.sqlite") == {
        "kz.sqlite": reference(new, "sqlite")["out"],
        "kz.metadata.json": (
            "file",
            reference(new, "sqlite")["out.metadata.json"][1].replace(b'"out"', b'"kz"'),
        ),
    }


@settings(max_examples=40, deadline=None)
@given(
    stem=st.text(st.characters(codec="utf-8", exclude_characters="/\0"), min_size=1, max_size=20),
    ending=st.sampled_from([".metadata.json", ".METADATA.JSON", ".Metadata.json"]),
    overwrite=st.booleans(),
)
def test_a_database_is_never_named_as_a_sidecar(stem, ending, overwrite):
    """``export(r, "sqlite", "NAME.metadata.json")`` is refused, with or without overwrite, before writing.

    It wrote a database where ``NAME.sqlite``'s sidecar goes (over it, with
    --force) and named its own sidecar ``NAME.metadata.metadata.json``.
    """
    report = kzrights.load("1.0.0")
    assume(stem.strip() and stem not in (".", ".."))
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "kept").write_text("mine\n", encoding="utf-8")
        path = os.path.join(folder, stem + ending)
        with pytest.raises(ExportError) as caught:
            export(report, "sqlite", path, overwrite=overwrite)
        assert os.listdir(folder) == ["kept"]
    if "sidecar" in caught.value.reason:  # else refused as a name first (a blank last name, say)
        assert type(caught.value) is ExportError and caught.value.path == path
        shown = stem + ".sqlite" if (stem + ".sqlite").isprintable() else repr(stem + ".sqlite")
        assert f"the sidecar of {shown}: name the database e.g. {shown}" in caught.value.reason
        assert "\n" not in str(caught.value)


@pytest.mark.parametrize("database", ["kz.sqlite", "kz.db", "kz"])
@pytest.mark.parametrize("format", ["json", "markdown", "annotations", "csl-json"])
def test_another_exports_sidecar_is_never_replaced(database, format, old, new, tmp_path):
    """An export over ``kz.metadata.json`` beside the database it describes is refused, overwrite or not.

    A ``NAME.metadata.json`` with no SQLite database of that name beside it
    is an ordinary file, replaced with overwrite as any other.
    """
    export(old, "sqlite", tmp_path / database)
    before = state(tmp_path)
    for overwrite in (False, True):
        with pytest.raises(ExportError) as caught:
            export(new, format, tmp_path / "kz.metadata.json", overwrite=overwrite)
        assert type(caught.value) is ExportError and caught.value.errno == errno.EEXIST
        assert str(caught.value) == (
            f"cannot export to {tmp_path / 'kz.metadata.json'}: it is the Datasette sidecar of "
            f"the SQLite export {database} beside it, which another export never replaces"
        )
        assert state(tmp_path) == before
    (tmp_path / database).unlink()
    (tmp_path / database).write_text("not a database\n", encoding="utf-8")
    assert export(new, format, tmp_path / "kz.metadata.json", overwrite=True) == [
        tmp_path / "kz.metadata.json"
    ]


def test_a_sidecar_that_lands_while_an_export_is_written_is_not_replaced(old, new, tmp_path, monkeypatch):
    """A SQLite export lands beside ``kz.metadata.json`` while another export to that name is written.

    The sidecar rule was checked only when an export started, so the second
    export, started first, replaced the new database's sidecar (the session
    13 tester: 4 of 24 tries).  It is checked again before anything moves.
    """
    from kzrights.exports import _staging

    real_sync = _staging.sync
    landed: dict[str, Any] = {}

    def sync(stage: Path) -> None:  # the CSL-JSON export is written: the database lands now
        if not landed:
            landed["started"] = True
            export(old, "sqlite", tmp_path / "kz.sqlite")
            landed["state"] = {name: state(tmp_path / name) for name in ("kz.sqlite", "kz.metadata.json")}
        real_sync(stage)

    monkeypatch.setattr(_staging, "sync", sync)
    with pytest.raises(ExportError, match=r"sidecar of the SQLite export kz\.sqlite beside it") as caught:
        export(new, "csl-json", tmp_path / "kz.metadata.json", overwrite=True)
    assert caught.value.errno == errno.EEXIST
    # the database and its own sidecar, as they landed, and nothing else (no staging folder)
    assert {p.name: state(p) for p in tmp_path.iterdir()} == landed["state"]
    assert b"kzrights data release 1.0.0" in landed["state"]["kz.metadata.json"][1]


@pytest.mark.parametrize("other", ["kz.db", "kz", "kz.metadata"])
def test_a_database_whose_sidecar_is_another_database_s_is_refused(other, old, new, tmp_path):
    """``kz.db`` beside ``kz.sqlite`` and its sidecar: refused, overwrite or not, through the API and the CLI.

    The tester's commands (session 13): the second export replaced
    ``kz.sqlite``'s ``kz.metadata.json`` with ``--force``, so the database
    said one release and its sidecar another.  ``kz.sqlite`` itself is
    still exported again over itself.
    """
    export(old, "sqlite", tmp_path / "kz.sqlite")
    before = state(tmp_path)
    for overwrite in (False, True):
        with pytest.raises(ExportError) as caught:
            export(new, "sqlite", tmp_path / other, overwrite=overwrite)
        assert caught.value.errno == errno.EEXIST, caught.value
        assert str(caught.value) == (
            f"cannot export to {tmp_path / other}: its Datasette sidecar kz.metadata.json is that of the"
            " SQLite export kz.sqlite beside it, which another export never replaces:"
            " give the database a name of its own"
        )
        assert state(tmp_path) == before
    out = run("export", "--format", "sqlite", "--output", other, "--force", cwd=tmp_path)
    line = one_line_error(out)
    assert "is that of the SQLite export kz.sqlite beside it" in line, line
    assert state(tmp_path) == before
    assert tmp_path / "kz.sqlite" in export(new, "sqlite", tmp_path / "kz.sqlite", overwrite=True)


def test_cli_refuses_an_output_that_is_a_sidecar(old, tmp_path):
    """``kzrights export --output kz.metadata.json --force`` beside ``kz.sqlite``: one line, no change."""
    export(old, "sqlite", tmp_path / "kz.sqlite")
    before = state(tmp_path)
    for format, words in [("sqlite", "would pass for the sidecar of kz.sqlite"), ("json", "sidecar of the")]:
        out = run("export", "--format", format, "--output", "kz.metadata.json", "--force", cwd=tmp_path)
        line = one_line_error(out)
        assert out.returncode == 1 and "kz.metadata.json" in line and words in line, line
        assert state(tmp_path) == before


def test_a_folder_export_marks_itself_and_lists_what_it_wrote(new, tmp_path):
    """The marker names the format and every file, so a later export knows what it may delete."""
    written = export(new, "csv", tmp_path / "csv")
    marker = json.loads((tmp_path / "csv" / MARKER).read_text(encoding="utf-8"))
    assert marker["format"] == "csv" and marker["data_version"] == new.version
    assert sorted(marker["files"]) == sorted(p.name for p in written)
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted([MARKER, *marker["files"]])


# ── bad paths ─────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("", "empty"),
        (".", "must end in a file or folder name"),
        ("..", "must end in a file or folder name"),
        ("/", "must end in a file or folder name"),
        ("a\0b.json", "NUL"),
        ("x\ud800.json", "cannot encode"),
        ("no/such/folder/x.json", "does not exist"),
    ],
)
def test_paths_that_name_no_output_are_export_errors(path, words, new, tmp_path, monkeypatch):
    """An empty path is an error, not the current folder; so are names the file system cannot take."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ExportError, match=words) as caught:
        export(new, "json", path)
    assert "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_also_a_file_not_found_error(new, tmp_path):
    """Callers that caught FileNotFoundError before still do."""
    with pytest.raises(OutputFolderMissingError) as caught:
        export(new, "json", tmp_path / "no" / "x.json")
    assert isinstance(caught.value, FileNotFoundError) and caught.value.errno == errno.ENOENT
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(ExportError, match="is not a folder") as not_a_folder:
        export(new, "json", tmp_path / "file" / "x.json")
    assert not_a_folder.value.errno == errno.ENOTDIR


_ODD_NAMES = ["", ".", "..", "/", "a/b", "\0", "x" * 300, "-", " ", "\n", "caf\udce9", "\ud800", "*?<>|"]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.one_of(st.sampled_from(_ODD_NAMES), st.text(st.characters(exclude_categories=()), max_size=40))
)
def test_any_name_gives_the_export_or_an_export_error(name, new):
    """Whatever the name, the export is written whole under it, or an ExportError leaves nothing behind."""
    if ".." in name.split("/"):
        name = name.replace("..", "up")  # a path that leaves the test's folder is the user's choice, not ours
    expected = reference(new, "json")["out"]  # json: a format that takes any name
    with tempfile.TemporaryDirectory() as folder:
        try:
            (path,) = export(new, "json", folder + "/" + name)
        except ExportError as error:
            message = str(error)
            path = None
        if path is None:
            assert "\n" not in message
            assert os.listdir(folder) == []
        else:
            assert os.listdir(folder) == [path.name]
            assert state(path) == expected


# ── failures of the file system ───────────────────────────────────────────────


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs: a real full disk (needs root; skipped where mounting is not allowed)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


@pytest.mark.parametrize("format", ["json", "sqlite", "csv"])
def test_a_full_disk_leaves_the_previous_output(format, small_disk, new):
    """On a full disk the previous output stays, nothing else is left, and the error says why in one line."""
    target = _previous_output(small_disk, format, "out")
    before = state(small_disk)
    with pytest.raises(ExportError) as caught:
        export(new, format, target, overwrite=True)
    assert caught.value.errno == errno.ENOSPC, caught.value
    assert "\n" not in str(caught.value) and "no space" in str(caught.value).replace("full", "no space")
    assert state(small_disk) == before
    out = run("export", "--format", format, "--output", str(target), "--force")
    assert "full" in one_line_error(out) or "no space" in one_line_error(out)
    assert state(small_disk) == before


def _previous_output(folder: Path, format: str, name: str | None = None) -> Path:
    """A small previous output of ``format`` at ``folder/name`` (`out_name` by default; folders marked)."""
    target = folder / (name or out_name(format))
    if format in FOLDER_FORMATS:
        target.mkdir()
        (target / "records.csv").write_text("id\n", encoding="utf-8")
        (target / MARKER).write_text(
            json.dumps({"format": format, "files": ["records.csv"]}), encoding="utf-8"
        )
    else:
        target.write_text("the previous export\n", encoding="utf-8")
    return target


@pytest.mark.parametrize("format", FORMATS)
def test_the_file_size_limit_is_a_one_line_error_in_every_format(format, tmp_path):
    """``(ulimit -f 1; kzrights export --force ...)``: exit 1, one line, the previous output intact.

    The XLSX export failed inside lxml (``SerialisationError: IO_EFBIG``), an
    "internal error" with exit 70 and an "Exception ignored" traceback; every
    writer's library is driven here to the same kind of failure.
    """
    pytest.importorskip("openpyxl")
    pytest.importorskip("pyarrow")
    target = _previous_output(tmp_path, format)
    before = state(tmp_path)
    out = run_kzrights_with_file_size_limit(
        1024, "export", "--format", format, "--output", str(target), "--force", text=True
    )
    line = one_line_error(out)
    assert out.returncode == 1 and str(target) in line, line
    if format not in FOLDER_FORMATS:  # the fake previous folder passes only as a csv export
        assert "too large" in line.lower(), line  # SQLite said only "disk I/O error"
    assert state(tmp_path) == before


def test_the_file_size_limit_is_named_by_the_sqlite_export(old, tmp_path):
    """A database that outgrows ``ulimit -f`` says "file too large" and the limit, not "disk I/O error".

    SQLite keeps no errno: the staged database stopped at exactly the limit
    is what tells this apart from another I/O error (also on Python 3.10,
    which has no ``sqlite_errorcode``).  The previous database and its
    sidecar stay as they were.
    """
    target = tmp_path / "kz.sqlite"
    export(old, "sqlite", target)
    before = state(tmp_path)
    out = run_kzrights_with_file_size_limit(
        200_000, "export", "--format", "sqlite", "--output", str(target), "--force", text=True
    )
    line = one_line_error(out)
    assert out.returncode == 1, line
    assert line == (
        f"kzrights: error: cannot export to {target}: SQLite: file too large "
        "(the database reached the limit on a file's size, 200,000 bytes: ulimit -f)"
    )
    assert state(tmp_path) == before


def test_the_file_size_limit_is_an_export_error_from_the_library(tmp_path):
    """``export(report, "xlsx", ...)`` under the limit raises ExportError (an OSError, errno EFBIG)."""
    pytest.importorskip("openpyxl")
    target = _previous_output(tmp_path, "xlsx")
    code = textwrap.dedent(
        f"""
        import errno, gc, resource, sys
        import kzrights
        from kzrights.errors import ExportError
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))
        try:
            kzrights.export(kzrights.load(), "xlsx", {str(target)!r}, overwrite=True)
        except ExportError as error:
            assert isinstance(error, OSError) and error.errno == errno.EFBIG, (error, error.errno)
            print(error)
        gc.collect()
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=unmeasured_environment(),
    )
    assert out.returncode == 0 and out.stderr == "", out.stderr
    assert out.stdout.startswith(f"cannot export to {target}: ") and "too large" in out.stdout
    assert target.read_text(encoding="utf-8") == "the previous export\n"


def test_a_full_temporary_folder_is_a_one_line_error_for_workbooks(small_disk, tmp_path):
    """A full TMPDIR (openpyxl writes each sheet there first) fails the export and the template in a line."""
    pytest.importorskip("openpyxl")
    (small_disk / "filler").write_bytes(b"x" * 60_000)
    env = {**os.environ, "TMPDIR": str(small_disk)}
    for args in (
        ["export", "--format", "xlsx", "--output", "out.xlsx", "--force"],
        ["followup", "template", "--output", "out.xlsx", "--force"],
    ):
        (tmp_path / "out.xlsx").write_text("the previous output\n", encoding="utf-8")
        out = subprocess.run(
            [sys.executable, "-m", "kzrights", *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            env=env,
        )
        line = one_line_error(out)
        assert out.returncode == 1 and "no space left" in line.lower(), line
        assert (tmp_path / "out.xlsx").read_text(encoding="utf-8") == "the previous output\n"
        assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]  # no temporary file left


def test_the_followup_template_under_the_file_size_limit_is_one_line(tmp_path):
    """``(ulimit -f 4; kzrights followup template --output t.xlsx --force)``: one line, exit 1, file kept."""
    pytest.importorskip("openpyxl")
    target = tmp_path / "t.xlsx"
    target.write_text("the previous tracker\n", encoding="utf-8")
    out = run_kzrights_with_file_size_limit(
        4096, "followup", "template", "--output", str(target), "--force", text=True
    )
    assert out.returncode == 1 and "too large" in one_line_error(out), out.stderr
    assert target.read_text(encoding="utf-8") == "the previous tracker\n"


def test_a_write_that_fails_midway_leaves_the_previous_output(new, tmp_path, monkeypatch):
    """Where no small disk can be mounted: a write failing with ENOSPC halfway also leaves the old file."""
    target = tmp_path / "out.json"
    target.write_text("the previous export\n", encoding="utf-8")
    real = Path.write_text

    def half_then_full(self: Path, data: str, *args: Any, **kwargs: Any) -> int:
        real(self, data[: len(data) // 2], *args, **kwargs)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "write_text", half_then_full)
    with pytest.raises(ExportError) as caught:
        export(new, "json", target, overwrite=True)
    monkeypatch.undo()
    assert caught.value.errno == errno.ENOSPC and "no space left" in str(caught.value).lower()
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
    assert target.read_text(encoding="utf-8") == "the previous export\n"


def test_a_read_only_folder_is_a_one_line_error(small_disk, new):
    """A read-only folder: ExportError (EROFS) from the library, one line from the command line."""
    target = _previous_output(small_disk, "json", "out")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    before = state(small_disk)
    with pytest.raises(ExportError, match="read-only") as caught:
        export(new, "json", target, overwrite=True)
    assert caught.value.errno == errno.EROFS
    assert "read-only" in one_line_error(
        run("export", "--format", "csv", "--output", str(small_disk / "csv"))
    )
    assert state(small_disk) == before


# ── killed at any moment ──────────────────────────────────────────────────────

# Runs in its own single-threaded process (forking pytest's own could deadlock). For each
# kill point it copies the previous output into a fresh folder and forks; the child exports
# the newest release over it with overwrite=True and sends itself SIGKILL just before one
# step of moving the output into place (each check, rename, sync and delete that the staging
# module calls: a dry run lists them), or at a random moment within an export's usual time.
_KILLER = textwrap.dedent(
    """
    import json, os, random, shutil, signal, sys, time
    from pathlib import Path
    import kzrights
    from kzrights.exports import _staging

    format, root, previous = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    report = kzrights.load()
    placing = _staging.place
    random.seed(11)
    here = _staging.__file__
    # calls that change what is on disk: a kill just before and just after each of them
    # reaches every state the disk can be left in (fsencode comes just before renameat2)
    changes = {"rename", "replace", "unlink", "remove", "rmdir", "rmtree", "fsencode", "mkdir", "open",
               "write_text", "write_bytes", "link", "symlink", "move", "copy", "copy2", "copytree"}

    def killed_at(limit):
        seen = []
        def hook(frame, event, arg):
            # each call the staging module makes out of itself: to the OS, pathlib, shutil, json
            if event == "c_call" and frame.f_code.co_filename == here:
                name = getattr(arg, "__name__", "")
            elif event == "call" and frame.f_code.co_filename != here == frame.f_back.f_code.co_filename:
                name = frame.f_code.co_name
            else:
                return
            seen.append(name)
            if len(seen) == limit:
                os.kill(os.getpid(), signal.SIGKILL)
        def place(*args, **kwargs):
            sys.setprofile(hook)
            try:
                return placing(*args, **kwargs)
            finally:
                sys.setprofile(None)
                (root / "steps.json").write_text(json.dumps(seen))
        return place

    def slowly(before=None):
        # every write waits a little, so that a kill often lands while a file is half written;
        # with ``before``, the process is killed as it is about to make its before-th write
        done = [0]
        def hook(frame, event, arg):
            if event == "c_call" and getattr(arg, "__name__", "") in writes:
                done[0] += 1
                if done[0] == before:
                    os.kill(os.getpid(), signal.SIGKILL)
                time.sleep(0.002)
        return hook, done

    def export(folder, limit=None, delay=None, slow=False, before=None):
        pid = os.fork()
        if pid == 0:
            if limit is not None:
                _staging.place = killed_at(limit)
            if delay is not None:
                signal.signal(signal.SIGALRM, lambda *_: os.kill(os.getpid(), signal.SIGKILL))
                signal.setitimer(signal.ITIMER_REAL, delay)
            if slow:
                hook, done = slowly(before)
                sys.setprofile(hook)
            kzrights.export(report, format, folder / "out", overwrite=True)
            sys.setprofile(None)
            if slow:
                (root / "writes").write_text(str(done[0]))
            os._exit(0)
        status = os.waitpid(pid, 0)[1]
        return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL

    def fresh(name):
        folder = root / name
        shutil.copytree(previous, folder, symlinks=True)
        return folder

    writes = {"write", "writerow", "writerows", "execute", "executemany", "close"}
    export(fresh("dry-run"), limit=0)
    started = time.monotonic()
    export(fresh("dry-run-slowly"), slow=True)
    took = time.monotonic() - started
    names = json.loads((root / "steps.json").read_text()) if (root / "steps.json").exists() else []
    killed = {}
    for n, name in enumerate(names, start=1):
        if name in changes or (n > 1 and names[n - 2] in changes) or n == len(names):
            folder = fresh(f"step-{n}-{name.strip('<>_')}")
            killed[str(folder)] = export(folder, limit=n)
    total = int((root / "writes").read_text())
    for n in sorted({1, (total + 1) // 2, total}):
        folder = fresh(f"write-{n}")
        killed[str(folder)] = export(folder, slow=True, before=n)
    for i in range(4):
        folder = fresh(f"moment-{i}")
        killed[str(folder)] = export(folder, delay=random.uniform(0.0001, took), slow=True)
    print(json.dumps(killed))
    """
)


def _kill_sweep(format: str, old: kzrights.Report, tmp_path: Path) -> list[tuple[Path, bool]]:
    """Export the newest release over a previous output, killed at each step of placing and at random."""
    previous = tmp_path / "previous"
    previous.mkdir()
    export(old, format, previous / "out")
    root = tmp_path / "runs"
    root.mkdir()
    out = subprocess.run(
        [sys.executable, "-c", _KILLER, format, str(root), str(previous)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    return [(Path(folder), killed) for folder, killed in json.loads(out.stdout).items()]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL (POSIX)")
@pytest.mark.parametrize("format", ["json", "sqlite", "csv"])
def test_killed_at_any_moment_the_output_is_the_previous_or_the_new(format, old, new, tmp_path):
    """SIGKILL before every step of moving the export into place, and at random moments while writing.

    After each kill the destination holds the previous output or the new
    one, whole; for SQLite each of the two files is one or the other, and a
    new database always comes with its new sidecar.  The next export then
    replaces it as usual.
    """
    runs = _kill_sweep(format, old, tmp_path)
    assert sum(killed for _, killed in runs) >= len(runs) // 2, "most runs must really be killed"
    previous, fresh = reference(old, format), reference(new, format)
    seen = set()
    for folder, _ in runs:
        left = outputs(new, format, folder / "out")
        for name, value in left.items():
            assert value in (previous[name], fresh[name]), (folder.name, name)
        if format == "sqlite" and left["out"] == fresh["out"]:
            assert left["out.metadata.json"] == fresh["out.metadata.json"], folder.name
        seen.add("new" if left == fresh else "previous" if left == previous else "mixed")
        stray = {p.name for p in folder.iterdir()} - set(left)
        assert all(name.startswith(".kzrights-tmp-") for name in stray), stray
    assert {"previous", "new"} <= seen
    last = runs[-1][0]
    export(new, format, last / "out", overwrite=True)
    assert outputs(new, format, last / "out") == fresh


_AT_THE_SAME_MOMENT = textwrap.dedent(
    """
    import os, sys, time
    from kzrights.cli import main
    from kzrights.exports import _staging

    version, barrier, output = sys.argv[1:]
    real_place = _staging.place

    def place(*args, **options):  # both exports are written: move them into place together
        open(os.path.join(barrier, version), "w").close()
        deadline = time.monotonic() + 60
        while len(os.listdir(barrier)) < 2 and time.monotonic() < deadline:
            pass
        return real_place(*args, **options)

    _staging.place = place
    sys.exit(main(["--data-version", version, "export", "--format", "sqlite", "--output", output, "--force"]))
    """
)


def test_two_forced_exports_to_a_new_path_at_once_both_succeed(old, new, tmp_path):
    """Two ``kzrights export --force`` to a path that is free, finishing at the same moment, both exit 0.

    One of them found the path taken by the other between its look and its
    move, and failed "file exists" although --force was given.  Now the
    second replaces the first.  The database and the sidecar left are each
    whole, each one of the two exports' (the two move in unordered, so the
    database may be one's and the sidecar the other's, as the how-to says).
    """
    whole = {}
    for report in (old, new):
        folder = tmp_path / report.version
        folder.mkdir()
        export(report, "sqlite", folder / "kz.sqlite")
        whole[report.version] = state(folder)
    for attempt in range(3):
        folder, barrier = tmp_path / f"at-once-{attempt}", tmp_path / f"barrier-{attempt}"
        folder.mkdir()
        barrier.mkdir()
        children = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _AT_THE_SAME_MOMENT,
                    report.version,
                    str(barrier),
                    str(folder / "kz.sqlite"),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for report in (old, new)
        ]
        results = [(child.communicate(timeout=120), child.returncode) for child in children]
        for (stdout, stderr), code in results:
            assert (code, stderr) == (0, ""), stderr
            assert stdout.startswith(f"wrote {folder / 'kz.sqlite'}\n"), stdout
        left = state(folder)
        assert left[0] == "folder" and set(left[1]) == {"kz.sqlite", "kz.metadata.json"}, left
        for name, value in left[1].items():
            assert value in (whole[old.version][1][name], whole[new.version][1][name]), name


def test_cli_replaces_an_output_only_with_force(tmp_path):
    """`kzrights export` refuses an existing output in one line naming --force; --force replaces it."""
    target = tmp_path / "r.json"
    assert run("export", "--format", "json", "--output", str(target)).returncode == 0
    before = target.read_bytes()
    line = one_line_error(
        run("--data-version", "1.0.0", "export", "--format", "json", "--output", str(target))
    )
    assert "--force" in line and "overwrite=True" not in line
    assert target.read_bytes() == before
    out = run("--data-version", "1.0.0", "export", "--format", "json", "--output", str(target), "--force")
    assert out.returncode == 0 and out.stdout == f"wrote {target}\n"
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "1.0.0"


@pytest.mark.parametrize(
    ("format", "output", "words"),
    [
        ("json", "a-folder", "is a folder"),
        ("csv", "a-file", "is a file"),
        ("csv", "a-folder", "not a kzrights csv export"),
        ("json", "no/such/folder/r.json", "does not exist"),
        ("json", "a-file/r.json", "is not a folder"),
        ("json", "", "empty"),
        ("json", "x" * 300, "too long"),
    ],
)
def test_cli_failures_are_one_line(format, output, words, tmp_path):
    """Every failure is `kzrights: error: ...` on one line, a non-zero exit, and nothing changed on disk."""
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-folder" / "notes.txt").write_text("mine\n", encoding="utf-8")
    (tmp_path / "a-file").write_text("mine\n", encoding="utf-8")
    before = state(tmp_path)
    line = one_line_error(run("export", "--format", format, "--output", output, "--force", cwd=tmp_path))
    assert words in line.lower()
    assert state(tmp_path) == before


def test_cli_writes_a_name_that_is_not_utf8(tmp_path):
    """A file name in another encoding (bytes on the command line) is written as given, and printed safely."""
    # a strict UTF-8 terminal (as with an en_US.UTF-8 locale): printing the name as is would raise
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    name = os.fsencode(tmp_path) + b"/caf\xe9.bib"
    out = subprocess.run(
        [sys.executable, "-m", "kzrights", "export", "--format", "bibtex", "--output", name],
        capture_output=True,
        timeout=120,
        env=env,
    )
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")
    assert os.listdir(os.fsencode(tmp_path)) == [b"caf\xe9.bib"]
    printed = out.stdout.decode("utf-8")
    assert printed.startswith("wrote ") and len(printed.splitlines()) == 1


# ── the errors ────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("error", [ExportError, OutputExistsError, OutputFolderMissingError])
def test_export_errors_pickle_with_their_attributes(error):
    """They cross process boundaries (multiprocessing, Dask) whole: class, path, reason, errno and message."""
    raised = error("out/kz.sqlite", "a file is there", errno.EEXIST)
    again = pickle.loads(pickle.dumps(raised))
    assert type(again) is error
    assert (again.path, again.reason, again.errno, str(again)) == (
        "out/kz.sqlite",
        "a file is there",
        errno.EEXIST,
        str(raised),
    )
    assert isinstance(again, KzrightsError) and isinstance(again, OSError)
    assert pickle.loads(pickle.dumps(ExportError("", "the output path is empty"))).errno is None


# ── the HTML export escapes what it inserts ───────────────────────────────────

_PWN = 'document.body.setAttribute("data-" + "pwned", "yes")'  # leaves a mark only if it runs
HOSTILE = {
    "paragraph": f'conclusions.p1"><script>{_PWN}</script><b class="',
    "footnote": "footnotes.2' onmouseover='alert(1)",
    "entity": 'entities.kazakhstan" onclick="alert(2)',
    "name": f"</span><script>{_PWN}</script>",
    "title": f"</title><script>{_PWN}</script>",
    "language": 'en" onload="alert(3)',
    "text": f' <img src=x onerror="alert(4)"> & <script>{_PWN}</script>',
    "javascript": "javascript:alert(5)",
    "quoted-url": 'https://example.org/?q="><script>alert(6)</script>',
}


def crafted(report: kzrights.Report, renames: dict[str, str], edit: Callable[[dict[str, Any]], None]) -> Any:
    """A release built as a hostile data file would build it: ids renamed everywhere, then edited."""
    from kzrights._converter import from_report, unstructure_document
    from kzrights._structuring import structure_document
    from kzrights.report import to_report

    def rename(value: Any) -> Any:
        if isinstance(value, str):
            return renames.get(value, value)
        if isinstance(value, (list, tuple)):
            return [rename(v) for v in value]
        if isinstance(value, dict):
            return {k: rename(v) for k, v in value.items()}
        return value

    data = json.loads(json.dumps(rename(unstructure_document(from_report(report)))))
    edit(data)
    document = structure_document(data, version=report.version, file="crafted.json")
    return to_report(document, version=report.version, source_text=report.source_text)


class _Page(HTMLParser):
    """A parsed page: its tags, attributes, ids, links and text, as a browser's parser sees them."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attributes.append((name, value or ""))
            if name == "id":
                self.ids.add(value or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.attributes if key == name]


def _hostile(report: kzrights.Report) -> Any:
    def edit(data: dict[str, Any]) -> None:
        data["metadata"]["title"] = HOSTILE["title"]
        data["metadata"]["language"] = HOSTILE["language"]
        for entity in data["entities"]:
            if entity["id"] == HOSTILE["entity"]:
                entity["name"] = HOSTILE["name"]
        for paragraph in data["paragraphs"]:
            if paragraph["id"] == HOSTILE["paragraph"]:
                paragraph["text"] += HOSTILE["text"]
        for footnote in data["footnotes"]:
            if footnote["id"] == HOSTILE["footnote"]:
                footnote["text"] += f" {HOSTILE['javascript']} {HOSTILE['quoted-url']}"
                footnote["urls"] += [HOSTILE["javascript"], HOSTILE["quoted-url"]]

    renames = {
        "conclusions.p1": HOSTILE["paragraph"],
        "footnotes.2": HOSTILE["footnote"],
        "entities.kazakhstan": HOSTILE["entity"],
    }
    return crafted(report, renames, edit)


def test_html_export_escapes_every_value_and_links_only_web_addresses(new, tmp_path):
    """Hostile ids, names, texts and addresses come out as data: no script, handler or javascript: link."""
    (path,) = export(_hostile(new), "html", tmp_path / "page.html")
    page = _Page(path.read_text(encoding="utf-8"))
    assert not {"script", "img", "b"} & set(page.tags)
    assert {name for name, _ in page.attributes} <= {
        "lang", "charset", "id", "class", "title", "href", "value", "data-entity",
    }  # fmt: skip
    for href in page.values("href"):
        assert href[1:] in page.ids if href.startswith("#") else urlsplit(href).scheme in ("http", "https")
    # every hostile value is on the page exactly as the data holds it, as an id, an attribute or text
    assert {HOSTILE["paragraph"], HOSTILE["footnote"]} <= page.ids
    assert HOSTILE["entity"] in page.values("data-entity") and HOSTILE["name"] in page.values("title")
    assert page.values("lang") == [HOSTILE["language"]]
    text = "".join(page.text)
    assert HOSTILE["title"] in text and HOSTILE["text"] in text and HOSTILE["javascript"] in text
    assert HOSTILE["quoted-url"] in page.values("href")
    assert HOSTILE["javascript"] not in page.values("href")


def test_markdown_anchors_escape_their_ids(new, tmp_path):
    """Rendered by Python-Markdown, the Markdown export's anchors keep hostile ids as ids, not as markup.

    (The values themselves are escaped as text: the next test.)
    """
    import markdown

    (path,) = export(_hostile(new), "markdown", tmp_path / "report.md")
    page = _Page(markdown.markdown(path.read_text(encoding="utf-8"), extensions=["footnotes"]))
    assert HOSTILE["paragraph"] in page.ids  # unescaped, the id would end at its quote and a script begin


def test_markdown_export_inserts_values_as_text_not_html(new, tmp_path):
    """Values with HTML in them (a tampered citation, title, text, footnote) render as text, never as markup.

    Markdown viewers render inline HTML, so ``<`` (and ``&`` where it would
    start a character reference) is escaped in every value the export
    inserts (issue 11, tester finding 8: ``<b onmouseover=alert(4)>`` came
    out verbatim).
    """
    import markdown

    citation = "<b onmouseover=alert(4)>Hug, A.</b> &amp; &#60;i&#62;"

    def edit(data: dict[str, Any]) -> None:
        data["metadata"]["citation"] = citation

    (path,) = export(crafted(_hostile(new), {}, edit), "markdown", tmp_path / "report.md")
    page = _Page(markdown.markdown(path.read_text(encoding="utf-8"), extensions=["footnotes"]))
    assert not {"script", "img", "b", "i"} & set(page.tags), set(page.tags)
    assert not {name for name, _ in page.attributes} - {"id", "href", "class", "title", "rev", "role"}
    text = "".join(page.text)
    for value in (HOSTILE["title"], HOSTILE["text"], citation):
        assert value in text, value


@pytest.mark.parametrize("version", kzrights.versions())
def test_markdown_escaping_leaves_every_shipped_release_as_it_was(version, tmp_path):
    """No shipped release has a value the escaping changes: its Markdown is byte for byte what it was."""
    (path,) = export(kzrights.load(version), "markdown", tmp_path / "report.md")
    data = path.read_text(encoding="utf-8")
    assert "&lt;" not in data and "&amp;" not in data


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    id=st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\0"), min_size=1),
    tail=st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\0")),
)
def test_any_id_and_text_come_out_of_the_html_as_they_went_in(id, tail, new):
    """Whatever a record's id and text, the parsed page holds them verbatim, and adds no element.

    (Carriage returns and NULs are left out: parsers rewrite those by design.)
    """
    assume(id not in {r.id for r in new.records()} | {s.id for s in new.sections})

    def edit(data: dict[str, Any]) -> None:
        for paragraph in data["paragraphs"]:
            if paragraph["id"] == id:
                paragraph["text"] += tail

    plain = _Page(render_html(new))
    page = _Page(render_html(crafted(new, {"conclusions.p2": id}, edit)))
    assert id in page.ids
    assert tail in "".join(page.text)
    assert page.tags == plain.tags


def test_hostile_html_runs_nothing_in_chromium(new, tmp_path):
    """Chromium loads the hostile page: no script ran (the page's DOM has no mark) and the text is there."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("KZRIGHTS_REQUIRE_CONSUMERS") == "1":
            pytest.fail("Chromium is not installed")
        pytest.skip("Chromium is not installed (.ci/run installs it)")
    (path,) = export(_hostile(new), "html", tmp_path / "page.html")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}"]  # fmt: skip
    dom = subprocess.run(
        [chromium, *flags, "--dump-dom", path.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    page = _Page(dom)
    assert "Raise systemic problems and individual cases of abuse" in "".join(page.text)
    assert "data-pwned" not in {name for name, _ in page.attributes}
    assert "script" not in page.tags and HOSTILE["paragraph"] in page.ids


def test_odd_names_in_a_folder_still_give_one_line(new, tmp_path):
    """A marker naming a format over two lines, or a stray file with a line break in its name: one line."""
    target = tmp_path / "csv"
    target.mkdir()
    (target / MARKER).write_text(json.dumps({"format": "csv\nx", "files": []}), encoding="utf-8")
    with pytest.raises(ExportError) as caught:
        export(new, "csv", target, overwrite=True)
    assert "\n" not in str(caught.value) and "'csv\\nx'" in str(caught.value)
    (target / MARKER).write_text(json.dumps({"format": "csv", "files": []}), encoding="utf-8")
    (target / "two\nlines.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(ExportError, match="did not write") as caught:
        export(new, "csv", target, overwrite=True)
    assert "\n" not in str(caught.value)


def test_a_folder_that_cannot_be_read_is_an_export_error(new, tmp_path, monkeypatch):
    """Looking into a previous export that cannot be read gives an ExportError, not a bare PermissionError."""
    export(new, "csv", tmp_path / "csv")

    def refuse(path: Any) -> Any:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(os, "scandir", refuse)
    with pytest.raises(ExportError, match="permission denied") as caught:
        export(new, "csv", tmp_path / "csv", overwrite=True)
    assert caught.value.errno == errno.EACCES and "\n" not in str(caught.value)


# ── races, and systems without renameat2 ──────────────────────────────────────


def test_files_added_to_a_previous_export_while_exporting_are_kept(old, new, tmp_path, monkeypatch):
    """A note saved into the old folder while exporting stops the export, or at the last moment is kept."""
    from kzrights.exports import _staging, writers

    target = tmp_path / "csv"
    export(old, "csv", target)
    write_csv = writers.write_csv

    def meanwhile(report: kzrights.Report, path: Path) -> list[Path]:
        (target / "notes.txt").write_text("saved while exporting\n", encoding="utf-8")
        return write_csv(report, path)

    monkeypatch.setattr(writers, "write_csv", meanwhile)
    with pytest.raises(ExportError, match="did not write"):
        export(new, "csv", target, overwrite=True)
    assert (target / "notes.txt").read_text(encoding="utf-8") == "saved while exporting\n"
    assert outputs(old, "csv", target)["csv"][1].keys() == {*reference(old, "csv")["out"][1], "notes.txt"}
    monkeypatch.undo()
    (target / "notes.txt").unlink()

    # between the last check and the swap: the new export goes in, the old folder is kept whole
    swap = _staging._swap

    def at_the_last_moment(source: Path, destination: Path, *, folder: bool) -> bool:
        (destination / "notes.txt").write_text("saved at the last moment\n", encoding="utf-8")
        return swap(source, destination, folder=folder)

    monkeypatch.setattr(_staging, "_swap", at_the_last_moment)
    with pytest.raises(ExportError, match=r"kept as csv\.previous-") as caught:
        export(new, "csv", target, overwrite=True)
    assert "\n" not in str(caught.value)
    assert outputs(new, "csv", target) == {"csv": reference(new, "csv")["out"]}
    (kept,) = tmp_path.glob("csv.previous-*")
    assert (kept / "notes.txt").read_text(encoding="utf-8") == "saved at the last moment\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("format", ["json", "sqlite", "csv"])
def test_without_renameat2_the_same_rules_hold(format, old, new, tmp_path, monkeypatch):
    """Where the system has no renameat2, exports still refuse, replace and clean up the same way."""
    from kzrights.exports import _staging

    monkeypatch.setattr(_staging, "_renameat2", lambda: None)
    target = tmp_path / "out"
    export(old, format, target)
    before = state(tmp_path)
    with pytest.raises(OutputExistsError):
        export(new, format, target)
    assert state(tmp_path) == before
    export(new, format, target, overwrite=True)
    assert outputs(new, format, target) == reference(new, format)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(reference(new, format))


# ── what is not a file, a folder or a link ────────────────────────────────────


def _fifo(path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("this system has no FIFOs (mkfifo)")
    os.mkfifo(path)


def _null_device(path: Path) -> None:
    """A character device like /dev/null (1, 3), made in the test's own folder: /dev is never touched."""
    import stat

    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (OSError, AttributeError) as error:
        pytest.skip(f"cannot make a device node here (needs root): {error}")


SPECIAL = {"a FIFO": _fifo, "a device": _null_device}


@pytest.mark.parametrize("force", [False, True], ids=["default", "force"])
@pytest.mark.parametrize("format", ["json", "sqlite", "xlsx", "csv"])
@pytest.mark.parametrize("kind", SPECIAL)
def test_a_device_or_fifo_is_never_replaced(kind, format, force, tmp_path):
    """`kzrights export --force` over a device or a FIFO refuses in one line naming it, and leaves it there.

    Without --force the line says what is there (not "a file"), and does not
    suggest --force, which would not help.
    """
    import stat

    name = out_name(format)
    SPECIAL[kind](tmp_path / name)
    before = os.lstat(tmp_path / name)
    flags = ["--force"] if force else []
    done = run("export", "--format", format, "--output", str(tmp_path / name), *flags)
    line = one_line_error(done)
    assert f"it is {kind}" in line and "--force" not in line, line
    after = os.lstat(tmp_path / name)
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode) and after.st_ino == before.st_ino
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize("overwrite", [False, True], ids=["default", "overwrite"])
@pytest.mark.parametrize("kind", SPECIAL)
def test_a_device_or_fifo_as_the_sqlite_sidecar_is_refused(kind, overwrite, new, tmp_path):
    """The Datasette sidecar's place holding a FIFO or device: ExportError (not OutputExistsError), kept."""
    import stat

    SPECIAL[kind](tmp_path / "kz.metadata.json")
    with pytest.raises(ExportError, match=f"it is {kind}") as caught:
        export(new, "sqlite", tmp_path / "kz.sqlite", overwrite=overwrite)
    assert not isinstance(caught.value, OutputExistsError) and caught.value.errno == errno.EEXIST
    assert "\n" not in str(caught.value)
    left = os.lstat(tmp_path / "kz.metadata.json")
    assert not stat.S_ISREG(left.st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kz.metadata.json"]


def test_a_fifo_put_in_place_at_the_last_moment_is_put_back(new, tmp_path, monkeypatch):
    """A FIFO made at the destination between the last check and the swap is swapped back, not deleted."""
    import stat

    from kzrights.exports import _staging

    if _staging._renameat2() is None:
        pytest.skip("needs renameat2 (Linux)")
    target = tmp_path / "out.json"
    target.write_text("the previous export\n", encoding="utf-8")
    swap = _staging._swap

    def at_the_last_moment(source: Path, destination: Path, *, folder: bool) -> bool:
        destination.unlink()
        _fifo(destination)
        return swap(source, destination, folder=folder)

    monkeypatch.setattr(_staging, "_swap", at_the_last_moment)
    with pytest.raises(ExportError, match="it is a FIFO") as caught:
        export(new, "json", target, overwrite=True)
    assert "\n" not in str(caught.value)
    assert stat.S_ISFIFO(os.lstat(target).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


# ── a folder's marker that is not what it claims ──────────────────────────────


def _marker_fifo(marker: Path) -> None:
    _fifo(marker)


def _marker_deep(marker: Path) -> None:
    marker.write_text("[" * 100_000, encoding="utf-8")


def _marker_huge(marker: Path) -> None:
    files = [f"t{i}.csv" for i in range(200_000)]  # valid JSON, but far beyond any export's list
    marker.write_text(json.dumps({"format": "csv", "files": files}), encoding="utf-8")


def _marker_folder(marker: Path) -> None:
    marker.mkdir()


def _marker_not_utf8(marker: Path) -> None:
    marker.write_bytes(b'{"format": "csv\xff", "files": []}')


def _marker_link(marker: Path) -> None:
    outside = marker.parent.parent / "outside.json"
    outside.write_text(json.dumps({"format": "csv", "files": []}), encoding="utf-8")
    marker.symlink_to(outside)


MARKERS = {
    "a FIFO": _marker_fifo,
    "nested 100000 deep": _marker_deep,
    "over the size cap": _marker_huge,
    "a folder": _marker_folder,
    "not UTF-8": _marker_not_utf8,
    "a link to a valid marker": _marker_link,
}


@pytest.mark.parametrize("kind", MARKERS)
def test_a_marker_that_is_not_a_small_json_file_means_not_ours(kind, tmp_path):
    """`kzrights export --force` into a folder with an odd marker: one line, in bounded time, nothing changed.

    The folder is then not a kzrights export: a FIFO is never opened (it
    would block for ever), a deep or huge marker is not parsed into a crash.
    """
    target = tmp_path / "bm3"
    target.mkdir()
    MARKERS[kind](target / MARKER)
    before = state(tmp_path) if kind != "a FIFO" else sorted(os.listdir(target))
    try:
        out = run("export", "--format", "csv", "--output", str(target), "--force", timeout=60)
    except subprocess.TimeoutExpired:  # pragma: no cover - the bug this test guards against
        pytest.fail("the export hung on the marker")
    line = one_line_error(out)
    assert "not a kzrights csv export" in line, line
    assert "internal error" not in line
    after = state(tmp_path) if kind != "a FIFO" else sorted(os.listdir(target))
    assert after == before


def test_a_deep_marker_is_an_export_error_in_python(new, tmp_path):
    """From Python too: an ExportError saying the folder is not a kzrights export, not a RecursionError."""
    target = tmp_path / "csv"
    target.mkdir()
    (target / MARKER).write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(ExportError, match="not a kzrights csv export") as caught:
        export(new, "csv", target, overwrite=True)
    assert caught.value.errno == errno.ENOTEMPTY
    assert (target / MARKER).read_text(encoding="utf-8") == "[" * 100_000


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    content=st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(str.encode),
        st.integers(1, 100_000).map(lambda depth: b'{"format": ' + b"[" * depth),
        st.fixed_dictionaries(
            {"format": st.sampled_from(["csv", "jsonl", "CSV", ""]), "files": st.lists(st.text(max_size=8))},
            optional={"data_version": st.text(max_size=8)},
        ).map(lambda d: json.dumps(d).encode()),
    )
)
def test_any_marker_bytes_give_the_export_or_an_export_error(content, new):
    """Whatever bytes the marker holds, the export goes in, or an ExportError leaves the folder as it was."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "out"
        target.mkdir()
        (target / MARKER).write_bytes(content)
        before = state(Path(folder))
        try:
            export(new, "csv", target, overwrite=True)
        except ExportError as error:
            message: str | None = str(error)
        else:
            message = None
        if message is None:
            assert outputs(new, "csv", target) == reference(new, "csv")
        else:
            assert "\n" not in message
            assert state(Path(folder)) == before


def test_a_fifo_inside_a_previous_export_is_never_deleted(old, new, tmp_path):
    """A FIFO in a previous folder export, even one its marker lists, stops the export and stays."""
    import stat

    target = tmp_path / "csv"
    export(old, "csv", target)
    _fifo(target / "pipe")
    marker = json.loads((target / MARKER).read_text(encoding="utf-8"))
    marker["files"].append("pipe")
    (target / MARKER).write_text(json.dumps(marker), encoding="utf-8")
    with pytest.raises(ExportError, match="pipe"):
        export(new, "csv", target, overwrite=True)
    assert stat.S_ISFIFO(os.lstat(target / "pipe").st_mode)


# ── a path that names a folder, for a file format ─────────────────────────────


@pytest.mark.parametrize("tail", ["/", "//", "/.", "/./"])
@pytest.mark.parametrize("format", ["json", "sqlite", "html"])
def test_a_trailing_slash_names_a_folder_not_a_file(format, tail, new, tmp_path, monkeypatch):
    """`export(r, "json", "x/")` is an ExportError: the user named a folder, and no file `x` appears."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ExportError, match="names a folder") as caught:
        export(new, format, "x" + tail)
    assert not isinstance(caught.value, OutputExistsError) and caught.value.errno == errno.EISDIR
    assert "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []
    line = one_line_error(run("export", "--format", format, "--output", "x" + tail, "--force", cwd=tmp_path))
    assert "names a folder" in line
    assert list(tmp_path.iterdir()) == []


def test_a_trailing_slash_is_fine_for_a_folder_format(new, tmp_path):
    """A folder format may be named with a trailing slash: the folder is written there."""
    written = export(new, "csv", str(tmp_path / "out") + "/")
    assert outputs(new, "csv", tmp_path / "out") == reference(new, "csv")
    assert all(p.parent == tmp_path / "out" for p in written)


def test_ctrl_c_while_an_export_moves_into_place_is_held_until_it_is_complete(tmp_path, monkeypatch):
    """A SIGINT in the middle of the final moves leaves the whole export in place, then interrupts."""
    import signal

    from kzrights.exports import _staging

    moved = []
    real_take = _staging._take

    def take_and_interrupt(source, destination):
        real_take(source, destination)
        moved.append(destination.name)
        if len(moved) == 1:  # after the first of the moves (a sidecar), before the main file
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(_staging, "_take", take_and_interrupt)
    target = tmp_path / "report.sqlite"
    with pytest.raises(KeyboardInterrupt) as raised:
        kzrights.export(kzrights.load(), "sqlite", target)
    assert len(moved) == 2  # the sidecar and then the main file both moved
    assert sorted(raised.value.written) == sorted(tmp_path / name for name in moved)
    with contextlib.closing(sqlite3.connect(target)) as db:
        assert db.execute("select count(*) from recommendations").fetchone()[0] == 15
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(_staging.STAGING_PREFIX)]


_INTERRUPT_DURING_PLACE = """
import os, signal, sys
from kzrights.exports import _staging
real = _staging._sync_folder
def sync_and_interrupt(folder):
    real(folder)
    if folder.name == "out":
        os.kill(os.getpid(), signal.SIGINT)
_staging._sync_folder = sync_and_interrupt
from kzrights.cli import main
sys.exit(main(["export", "--format", "csv", "--output", sys.argv[1]]))
"""


def test_the_cli_says_an_interrupted_export_is_complete(tmp_path):
    """Ctrl-C at the very end of ``kzrights export``: 130, the files listed, and one line saying so."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "tables"
    done = subprocess.run(
        [sys.executable, "-c", _INTERRUPT_DURING_PLACE, str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr == "kzrights: interrupted, after the export was complete\n"
    listed = [line.removeprefix("wrote ") for line in done.stdout.splitlines()]
    assert listed and all(Path(p).is_file() for p in listed)
    assert (target / "recommendations.csv").is_file()


def _unprivileged() -> list[str]:
    """A command prefix that runs as a user without root's powers (``[]`` if this is one); else skip.

    Permissions are what is tested, and root passes every permission check.
    """
    if not hasattr(os, "geteuid"):
        pytest.skip("no users on this platform")
    if os.geteuid() != 0:
        return []
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-c", "import kzrights"], capture_output=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        pytest.skip("no setpriv to run as another user")
    if done.returncode != 0:
        pytest.skip(f"the user nobody cannot run this Python: {done.stderr.decode(errors='replace')[-200:]}")
    return prefix


@pytest.mark.parametrize("format", ["csv", "json"])
def test_a_read_only_previous_export_is_kept_and_nothing_is_left(format):
    """A tester's (session 18): ``chmod 555`` on a previous csv export, then ``--force``, as a plain user.

    The export failed with "permission denied" (a folder that cannot write
    cannot be moved to another parent) and left its staging folder holding
    a whole export with the old folder's mode, 555, which ``rm -rf`` could
    not delete.  Now the error says the previous export is read-only, and
    no staging folder is left; the previous export is as it was.
    """
    prefix = _unprivileged()
    place = Path(tempfile.mkdtemp(prefix="kz-read-only-"))
    try:
        os.chmod(place, 0o777)  # the other user writes here; the folder is the test's
        target = place / out_name(format)
        command = [
            *prefix,
            sys.executable,
            "-m",
            "kzrights",
            "export",
            "--format",
            format,
            "--output",
            str(target),
        ]
        first = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert first.returncode == 0, first.stderr
        os.chmod(target, 0o555)  # the other user's own previous export, made read-only by its owner
        before = state(place)
        again = subprocess.run([*command, "--force"], capture_output=True, text=True, timeout=120)
        assert state(place) == before  # nothing left beside it, the previous export unchanged
        if format == "csv":  # a folder: cannot be moved out of the way
            assert again.returncode == 1
            assert again.stderr == (
                f"kzrights: error: cannot export to {target}: the previous export there is a read-only "
                "folder (dr-xr-xr-x), which cannot be moved out of the way; make it writable "
                "(chmod u+w) to replace it\n"
            )
        else:  # a file: its folder's permission decides, and the folder is writable
            assert again.returncode == 0, again.stderr
    finally:
        subprocess.run(["chmod", "-R", "u+rwX", str(place)], check=False)
        shutil.rmtree(place, ignore_errors=True)
