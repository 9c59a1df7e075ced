"""The writers of `kzrights.export`: one function a format, each taking a report and a path."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .tables import Table, tables

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["datapackage", "write_csv", "write_json", "write_jsonl", "write_sqlite"]

_SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "date": "TEXT"}


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def release_document(report: Report) -> dict[str, Any]:
    """The canonical JSON of a release: its version and the records, as the release file holds them."""
    from .._converter import from_report, unstructure_document

    return {"version": report.version, **unstructure_document(from_report(report))}


def write_json(report: Report, path: Path) -> list[Path]:
    """One JSON file: the canonical release (``kzrights schema`` describes it)."""
    path.write_text(_dump(release_document(report)), encoding="utf-8")
    return [path]


def write_jsonl(report: Report, path: Path) -> list[Path]:
    """A folder of JSON Lines files, one per record kind, one record a line."""
    path.mkdir(parents=True, exist_ok=True)
    document = release_document(report)
    written = []
    kinds = ("sections", "paragraphs", "items", "recommendations", "footnotes", "entities", "mentions")
    for kind in (*kinds, "themes", "figures"):
        target = path / f"{kind}.jsonl"
        lines = [json.dumps(item, ensure_ascii=False) for item in document.get(kind, [])]
        target.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        written.append(target)
    meta = path / "metadata.json"
    meta.write_text(_dump({"version": report.version, "metadata": document["metadata"]}), encoding="utf-8")
    return [*written, meta]


def datapackage(report: Report, resources: list[tuple[Table, str]]) -> dict[str, Any]:
    """The Frictionless Data Package descriptor for the CSV export."""
    meta = report.metadata
    return {
        "profile": "tabular-data-package",
        "name": f"kzrights-{report.version.replace('.', '-')}",
        "title": meta.title,
        "description": (
            f"{meta.title} ({', '.join(meta.authors)}, {meta.publisher}, {meta.published.isoformat()}) "
            f"as tables: data release {report.version} of kzrights."
        ),
        "version": report.version,
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "title": "The kzrights curated annotations: CC BY 4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
            },
        ],
        "rights": meta.rights.report_text,
        "citation": meta.citation,
        "resources": [
            {
                "name": table.name,
                "title": table.title,
                "description": table.description,
                "path": filename,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {
                            "name": f.name,
                            "type": f.type,
                            "description": f.description,
                            "constraints": {"required": True} if f.required else {},
                        }
                        for f in table.fields
                    ],
                    "primaryKey": list(table.primary_key),
                    "foreignKeys": [
                        {
                            "fields": list(k.fields),
                            "reference": {
                                "resource": "" if k.table == table.name else k.table,
                                "fields": list(k.reference),
                            },
                        }
                        for k in table.foreign_keys
                    ],
                },
            }
            for table, filename in resources
        ],
    }


def write_csv(report: Report, path: Path) -> list[Path]:
    """A folder of CSV files, one per table, described by a Frictionless ``datapackage.json``."""
    path.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    resources = []
    for table in tables(report):
        filename = f"{table.name}.csv"
        with (path / filename).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(table.columns)
            writer.writerows(["" if v is None else v for v in row] for row in table.rows)
        written.append(path / filename)
        resources.append((table, filename))
    descriptor = path / "datapackage.json"
    descriptor.write_text(_dump(datapackage(report, resources)), encoding="utf-8")
    return [*written, descriptor]


def _sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_sqlite(report: Report, path: Path) -> list[Path]:
    """One SQLite database: the tables with their keys, FTS5 tables, and a Datasette metadata file."""
    if path.exists():
        path.unlink()
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute("PRAGMA foreign_keys = ON")
            for table in tables(report):
                columns = [
                    f"{_sql_name(f.name)} {_SQL_TYPES[f.type]}{' NOT NULL' if f.required else ''}"
                    for f in table.fields
                ]
                columns.append(f"PRIMARY KEY ({', '.join(map(_sql_name, table.primary_key))})")
                for key in table.foreign_keys:
                    own = ", ".join(map(_sql_name, key.fields))
                    theirs = ", ".join(map(_sql_name, key.reference))
                    columns.append(f"FOREIGN KEY ({own}) REFERENCES {_sql_name(key.table)} ({theirs})")
                connection.execute(f"CREATE TABLE {_sql_name(table.name)} ({', '.join(columns)})")
                marks = ", ".join("?" * len(table.fields))
                connection.executemany(f"INSERT INTO {_sql_name(table.name)} VALUES ({marks})", table.rows)
            # full-text search over the records and the entities, with the porter stemmer
            connection.execute(
                "CREATE VIRTUAL TABLE records_fts USING fts5(text, content='records', content_rowid='rowid', "
                "tokenize='porter unicode61 remove_diacritics 2')"
            )
            connection.execute("INSERT INTO records_fts(rowid, text) SELECT rowid, text FROM records")
            connection.execute(
                "CREATE VIRTUAL TABLE entities_fts USING fts5(name, description, content='entities', "
                "content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')"
            )
            connection.execute(
                "INSERT INTO entities_fts(rowid, name, description) "
                "SELECT rowid, name, description FROM entities"
            )
    finally:
        connection.close()
    metadata = path.with_name(path.stem + ".metadata.json")
    metadata.write_text(_dump(datasette_metadata(report, path.stem)), encoding="utf-8")
    return [path, metadata]


def datasette_metadata(report: Report, database: str) -> dict[str, Any]:
    """Titles, descriptions, licence and source for Datasette (``datasette db -m db.metadata.json``)."""
    meta = report.metadata
    return {
        "title": f"{meta.title} (kzrights data release {report.version})",
        "description": f"{', '.join(meta.authors)}, {meta.publisher}, {meta.published.isoformat()}. "
        f"{meta.rights.report_text}",
        "license": "CC BY 4.0 (curated annotations); the report's text remains its publisher's",
        "license_url": "https://creativecommons.org/licenses/by/4.0/",
        "source": meta.citation,
        "databases": {
            database: {
                "tables": {
                    table.name: {
                        "title": table.title,
                        "description": table.description,
                        "columns": {f.name: f.description for f in table.fields},
                    }
                    for table in tables(report)
                }
                | {
                    "records_fts": {"hidden": True},
                    "entities_fts": {"hidden": True},
                },
            }
        },
    }
