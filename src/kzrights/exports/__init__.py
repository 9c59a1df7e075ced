"""Exports: the report in the formats people already work with.

[`export`][kzrights.exports.export] writes a report as ``json`` (the canonical release), ``jsonl``
(one file per table), ``csv`` (one file per table, with
a Frictionless ``datapackage.json``) or ``sqlite`` (the same tables with keys,
FTS5 full-text tables and a Datasette metadata file); ``markdown`` and
``html`` render the report back as a document (an anchor per record id,
footnotes linked both ways, entities marked); ``annotations`` writes entity
mentions and theme and evidence links as W3C Web Annotations; ``bibtex``
and ``csl-json`` cite the report and every source its footnotes cite.  The tables come
from `.tables`, so every tabular format has the same layout.  [`record_iri`][kzrights.exports.iri.record_iri]
names a record of a release by a stable IRI (`.iri`), as the annotations do.
[`to_dataframes`][kzrights.exports.frames.to_dataframes] gives the same tables as pandas
DataFrames (`.frames`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..report import Report

from .._locking import FIRST_USE, first_use
from ..errors import ArgumentTypeError, InvalidArgumentError
from .frames import to_dataframes
from .iri import IRI_PREFIX, RecordIri, parse_record_iri, record_iri

__all__ = [
    "FOLDER_FORMATS",
    "FORMATS",
    "IRI_PREFIX",
    "SUFFIXES",
    "RecordIri",
    "export",
    "parse_record_iri",
    "record_iri",
    "to_dataframes",
]

FORMATS = (
    "json",
    "jsonl",
    "csv",
    "sqlite",
    "markdown",
    "html",
    "annotations",
    "bibtex",
    "csl-json",
    "parquet",
    "xlsx",
)
"""The formats [`export`][kzrights.exports.export] writes."""


FOLDER_FORMATS = frozenset({"jsonl", "csv", "parquet"})
"""The formats whose export is a folder of files; the others write one file (and maybe a sidecar).

A writer that makes a folder for a format not named here is still handled
as a folder export; naming it here only lets [`export`][kzrights.exports.export] check the
destination before it writes.
"""


SUFFIXES: dict[str, tuple[str, ...]] = {
    "bibtex": (".bib",),
    "html": (".html", ".htm"),
    "xlsx": (".xlsx",),
}
"""The endings (in any case) a one-file export's name must have, by format, where its readers go by the name.

openpyxl refuses a workbook not named ``.xlsx`` and Excel will not open it;
BibTeX and biber find ``\bibliography{kz}`` only as ``kz.bib``, and
``pybtex-format`` picks its reader by the ending; a browser shows a page not
named ``.html`` as its source text.  The other formats' readers go by the
content (any JSON reader, ``sqlite3`` and Datasette, Markdown tools): any
name will do.
"""


def export(report: Report, format: str, path: str | Path, *, overwrite: bool = False) -> list[Path]:
    """Write ``report`` in ``format`` at ``path``; return the files written.

    An export never leaves a half-written output, and never replaces
    anything silently.  It is written beside ``path`` in a staging folder
    (``.kzrights-tmp-XXXXXXXX``) and moved into place only when complete:
    killed at any moment, the process leaves ``path`` either as it was or
    holding the whole new export; a full disk or any other failure leaves
    it as it was.  What happens to an existing ``path``:

    - nothing there, or an empty folder for a folder format: it is written;
    - a file (or a symbolic link, which is replaced, not followed) for a
      file format: [`OutputExistsError`][kzrights.errors.OutputExistsError] unless
      ``overwrite`` is true, then it is replaced in one step;
    - a folder written by an earlier kzrights export of the same format
      (it holds a ``.kzrights-export.json`` marker listing its files):
      ``OutputExistsError`` unless ``overwrite`` is true, then the new folder
      is swapped in and the old one deleted;
    - anything else (a folder for a file format, a file for a folder format,
      a non-empty folder that is not such an export, or one that holds files
      the export did not write; a device, a FIFO or a socket, for any
      format): [`ExportError`][kzrights.errors.ExportError], even
      with ``overwrite``.

    A ``path`` given as a string ending in ``/`` (or ``/.``) names a
    folder, so for a file format it is an ``ExportError`` too.  So is a
    name the format's readers would not open (a workbook not named
    ``.xlsx``, a page not named ``.html``, a ``.bib`` file not so named: see
    [`SUFFIXES`][kzrights.exports.SUFFIXES]), and a file named ``-``, which
    every command-line tool reads as standard input or output (``kzrights
    export --output -`` writes the text formats to standard output).

    The SQLite export's sidecar ``NAME.metadata.json`` (for Datasette)
    follows the same rules, and is moved into place just before the
    database.  That name being the sidecar's, a ``sqlite`` export named
    ``*.metadata.json``, and an export of any format over a
    ``NAME.metadata.json`` that is the sidecar of a SQLite database beside
    it (``NAME.sqlite``, ``NAME.db``, ...), are ``ExportError``, even with
    ``overwrite``.

    Args:
        report: The release to export (from [`kzrights.load`][kzrights.releases.load]).
        format: One of [`FORMATS`][kzrights.exports.FORMATS].
        path: A folder for the formats in [`FOLDER_FORMATS`][kzrights.exports.FOLDER_FORMATS], a file for
            the others; its parent folder must exist.  An empty string is an
            error, not the current folder, and so is a path (or a last
            name) that is only whitespace.
        overwrite: Replace a previous output at ``path`` (see above).

    Returns:
        The paths written, beside or under ``path`` (a folder export's
        marker file is not listed).

    Raises:
        ArgumentTypeError: If ``report`` is not a Report, ``path`` not a
            path, or ``overwrite`` not a bool (a ``TypeError``).
        InvalidArgumentError: If ``format`` is not one of [`FORMATS`][kzrights.exports.FORMATS]
            (a ``ValueError``).
        OutputFolderMissingError: If the parent folder of ``path`` does not
            exist (also a ``FileNotFoundError``).
        OutputExistsError: If an output exists and ``overwrite`` is false
            (also a ``FileExistsError``).
        ExportError: For any other reason the export cannot be written: an
            empty, blank or unencodable path, a name without the format's ending
            ([`SUFFIXES`][kzrights.exports.SUFFIXES]) or named ``-``, a
            path that is or would pass for a SQLite export's sidecar, a
            read-only folder, a full disk, the wrong kind of thing at ``path``.  It is an ``OSError`` whose
            ``errno`` says which, when the system gave one.
        KeyboardInterrupt: Ctrl-C.  While the finished export is moved into
            place, Ctrl-C is held until the moves are done and the staging
            folder is removed (so it never leaves half an export in place);
            the ``KeyboardInterrupt`` raised then, or by a Ctrl-C later in
            the call, has an attribute ``written`` with the paths above,
            since the export is complete.
    """
    _import_writers()
    from ..report import Report
    from . import _staging, citations, documents, workbooks, writers

    if not isinstance(report, Report):
        raise ArgumentTypeError("report", "a kzrights.Report", report)
    if not isinstance(path, (str, Path)):
        raise ArgumentTypeError("path", "a str or a pathlib.Path", path)
    if overwrite is not True and overwrite is not False:  # "no" would be true: never a guess
        raise ArgumentTypeError("overwrite", "True or False", overwrite)
    if format not in FORMATS:
        raise InvalidArgumentError(
            "format", f"unknown format {format!r}; formats are {', '.join(FORMATS)}", FORMATS
        )
    folder = format in FOLDER_FORMATS
    target = _staging.check_name(path, None if folder else format)
    _check_suffix(target, format, os.fspath(path))
    if not folder:
        _staging.check_sidecars(target, format, os.fspath(path))
    _staging.check_destination(target, format, folder=folder, overwrite=overwrite)
    write = {
        "json": writers.write_json,
        "jsonl": writers.write_jsonl,
        "csv": writers.write_csv,
        "sqlite": writers.write_sqlite,
        "markdown": documents.write_markdown,
        "html": documents.write_html,
        "annotations": documents.write_annotations,
        "bibtex": citations.write_bibtex,
        "csl-json": citations.write_csl_json,
        "parquet": workbooks.write_parquet,
        "xlsx": workbooks.write_xlsx,
    }[format]
    if format in _EXPORTED:
        return _write(report, format, write, target, folder=folder, overwrite=overwrite)
    # a format's first export imports what its writer needs (cattrs, sqlite3, csv, ctypes,
    # pyarrow, openpyxl and what they import as they write): under the first-use lock,
    # so that a fork() in another thread waits for it (see kzrights._locking)
    with FIRST_USE:
        result = _write(report, format, write, target, folder=folder, overwrite=overwrite)
        _EXPORTED.add(format)
    return result


_EXPORTED: set[str] = set()
"""The formats exported once in this process: their imports are done."""


@first_use
def _import_writers() -> None:
    """Import every format's writer and what they import, once per process, under the first-use lock."""
    from .. import _converter, report  # noqa: F401
    from . import _staging, citations, documents, schema, workbooks, writers  # noqa: F401


def _write(
    report: Report,
    format: str,
    write: Callable[[Report, Path], list[Path]],
    target: Path,
    *,
    folder: bool,
    overwrite: bool,
) -> list[Path]:
    """Write one export beside ``target`` and move it into place (see `export`)."""
    from . import _staging

    # an existing folder (empty, a mount point) is written into, staged in it (see _staging.writes_into)
    inside = folder and _staging.writes_into(target)
    placed = False
    try:
        with _staging.staged(target, inside=inside) as stage:
            written = write(report, stage / target.name)
            if folder != (stage / target.name).is_dir():
                folder = not folder
                inside = False
                _staging.check_destination(target, format, folder=folder, overwrite=overwrite)
            if folder:
                _staging.mark(stage / target.name, format, report.version)
            _staging.sync(stage)
            result = [target.parent / p.relative_to(stage) for p in written]
            with _staging.uninterrupted():
                _staging.place(stage, target, format, folder=folder, overwrite=overwrite, inside=inside)
                placed = True
                _staging.remove(stage)  # still held: a Ctrl-C now finds the export complete
    except KeyboardInterrupt as interrupt:
        # held until the export was complete, or one that came after: the export is in place.
        # Not one that came as the hold began: raised from its start, it left nothing moved
        if placed:
            interrupt.written = result  # type: ignore[attr-defined]
        raise
    return result


def _check_suffix(target: Path, format: str, raw: str) -> None:
    """Refuse a name its readers would not open: ``-``, or one without the format's ending."""
    from ..errors import ExportError

    if target.name == "-":
        raise ExportError(
            raw,
            "a file named '-' would be taken for standard input or output by every tool; "
            "name the file (the command line writes the text formats to standard output with --output -)",
        )
    endings = SUFFIXES.get(format)
    if endings and not target.name.lower().endswith(endings):
        why = {
            "xlsx": "Excel and openpyxl open a workbook only by that name",
            "bibtex": "BibTeX, biber and pybtex-format find a .bib file only by that name",
            "html": "a browser shows a page named otherwise as its source text",
        }[format]
        raise ExportError(
            raw,
            f"the {format} export's name must end in {' or '.join(endings)} ({why}): "
            f"e.g. {target.name}{endings[0]}",
        )
