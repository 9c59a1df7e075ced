"""Exports: the report in the formats people already work with.

[`export`][kzrights.exports.export] writes a report as ``json`` (the canonical release), ``jsonl``
(one file per record kind), ``csv`` (one table per record kind and link, with
a Frictionless ``datapackage.json``) or ``sqlite`` (the same tables with keys,
FTS5 full-text tables and a Datasette metadata file); ``markdown`` and
``html`` render the report back as a document (an anchor per record id,
footnotes linked both ways, entities marked); ``annotations`` writes entity
mentions and theme and evidence links as W3C Web Annotations; ``bibtex``
and ``csl-json`` cite the report and every source its footnotes cite.  The tables come
from `.tables`, so every tabular format has the same layout.  [`record_iri`][kzrights.exports.iri.record_iri]
names a record of a release by a stable IRI (`.iri`), as the annotations do.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..report import Report

from .iri import IRI_PREFIX, RecordIri, parse_record_iri, record_iri

__all__ = ["FORMATS", "IRI_PREFIX", "RecordIri", "export", "parse_record_iri", "record_iri"]

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


def export(report: Report, format: str, path: str | Path) -> list[Path]:
    """Write ``report`` in ``format`` at ``path``; return the files written.

    Args:
        report: The release to export (from [`kzrights.load`][kzrights.releases.load]).
        format: One of [`FORMATS`][kzrights.exports.FORMATS].
        path: A folder for ``jsonl`` and ``csv``, a file for the others;
            its parent folder must exist.

    Raises:
        TypeError: If ``report`` is not a Report or ``path`` not a path.
        ValueError: If ``format`` is not one of [`FORMATS`][kzrights.exports.FORMATS].
        FileNotFoundError: If the parent folder of ``path`` does not exist.
    """
    from ..report import Report
    from . import citations, documents, workbooks, writers

    if not isinstance(report, Report):
        raise TypeError(f"report must be a kzrights.Report, not {type(report).__name__}")
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or a pathlib.Path, not {type(path).__name__}")
    target = Path(path)
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; formats are {', '.join(FORMATS)}")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"the folder {target.parent} does not exist")
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
    return write(report, target)
