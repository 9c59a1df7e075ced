"""The writers of `kzrights.export`: one function a format, each taking a report and a path.

The tabular writers (``jsonl``, ``csv``, ``sqlite``) write the tables of
`kzrights.exports.tables`; each turns a cell into what its format holds: an ``array``
cell becomes a JSON array (in a CSV cell, a JSON Lines value or an SQLite
``TEXT``), a ``date`` an ISO 8601 string.
"""

from __future__ import annotations

import csv
import datetime
import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .tables import Table, tables

if TYPE_CHECKING:
    from ..records import Vocabulary
    from ..report import Report

__all__ = [
    "datapackage",
    "datasette_metadata",
    "write_csv",
    "write_json",
    "write_jsonl",
    "write_sqlite",
]

_SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "date": "TEXT", "array": "TEXT"}


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


def _json_value(value: Any) -> Any:
    """A cell as JSON holds it: an array as a list, a date as ISO 8601, the rest as is."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _text_value(value: Any) -> Any:
    """A cell as a text format (CSV, SQLite TEXT) holds it: an array as a JSON array."""
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def write_jsonl(report: Report, path: Path) -> list[Path]:
    """A folder of JSON Lines files, one per table, one row a line, with a Frictionless descriptor.

    Each line is an object keyed by the table's column names; an ``array``
    column holds a JSON array, a missing value ``null``.  ``datapackage.json``
    declares every table's fields and keys, as for the CSV export, and
    ``metadata.json`` holds the release's version and bibliographic metadata.
    """
    path.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    resources = []
    for table in tables(report):
        target = path / f"{table.name}.jsonl"
        lines = (
            json.dumps(dict(zip(table.columns, map(_json_value, row), strict=True)), ensure_ascii=False)
            + "\n"
            for row in table.rows
        )
        target.write_text("".join(lines), encoding="utf-8")
        written.append(target)
        resources.append((table, target.name))
    descriptor = path / "datapackage.json"
    descriptor.write_text(_dump(datapackage(report, resources, "jsonl")), encoding="utf-8")
    meta = path / "metadata.json"
    metadata = release_document(report)["metadata"]
    meta.write_text(_dump({"version": report.version, "metadata": metadata}), encoding="utf-8")
    return [*written, descriptor, meta]


_MEDIA_TYPES = {"csv": "text/csv", "jsonl": "application/jsonl"}


def _vocabulary_of(report: Report, table_name: str) -> Vocabulary | None:
    """The outside vocabulary whose texts a table holds (the SDG goals and targets), or None.

    Such a table is not kzrights' curation: its licence and source are the
    vocabulary's (``Metadata.vocabularies``), not CC BY and the report.
    """
    prefix = table_name.removesuffix("_goals").removesuffix("_targets")
    if prefix == table_name:
        return None
    return next((v for v in report.metadata.vocabularies if v.id == prefix), None)


def _resource_rights(report: Report, table_name: str) -> dict[str, Any]:
    vocabulary = _vocabulary_of(report, table_name)
    if vocabulary is None:
        return {}  # the package's licence and rights
    where = f"{vocabulary.repository} at {vocabulary.commit[:12]}"
    licence = {"name": vocabulary.licence, "path": _spdx(vocabulary.licence), "title": vocabulary.rights}
    return {"licenses": [licence], "sources": [{"title": where, "path": vocabulary.url}]}


def _spdx(licence: str) -> str:
    return f"https://spdx.org/licenses/{licence}.html"


def datapackage(report: Report, resources: list[tuple[Table, str]], format: str = "csv") -> dict[str, Any]:
    """The Frictionless Data Package descriptor of the CSV (or JSON Lines) export.

    Args:
        report: The release exported.
        resources: Each table with the name of the file that holds it.
        format: ``"csv"`` or ``"jsonl"``, the files' format.

    Returns:
        The descriptor as a JSON-ready dict: one tabular resource per table,
        with its fields' types and descriptions, primary key and foreign keys.
    """
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
                **_resource_rights(report, table.name),
                "path": filename,
                "profile": "tabular-data-resource",
                "format": format,
                "mediatype": _MEDIA_TYPES[format],
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
            writer.writerows(["" if v is None else _text_value(v) for v in row] for row in table.rows)
        written.append(path / filename)
        resources.append((table, filename))
    descriptor = path / "datapackage.json"
    descriptor.write_text(_dump(datapackage(report, resources)), encoding="utf-8")
    return [*written, descriptor]


def _sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# The full-text tables of the SQLite export: the table each indexes, and the columns.
# Entities are indexed by their aliases and forms too, so "Tokaev", "Токаев" or the
# inflected "Токаева" (a form the build generated, from release 1.2.0) finds Tokayev.
_FTS_COLUMNS = {
    "records": ("text",),
    "entities": ("name", "aliases", "forms", "description"),
    "sources": ("author", "title", "container"),
}

# The columns Datasette offers as facets, for the tables where users filter by them;
# {"array": column} facets by the values of a JSON array cell (a recommendation's SDG targets).
_FACETS: dict[str, tuple[str | dict[str, str], ...]] = {
    "records": ("kind", "section_id"),
    "recommendations": ("addressee_label", {"array": "sdg_targets"}),
    "recommendation_themes": ("theme_name", "basis"),
    "recommendation_evidence": ("basis",),
    "themes": ("basis",),
    "entities": ("category",),
    "record_entities": ("entity_name",),
    "figures": ("kind", "currency"),
    "sources": ("type",),
    "recommendation_sdg_targets": ("sdg_target_code", "sdg_goal_id", "basis"),
    "sdg_targets": ("goal_id",),
}

# The column Datasette shows beside a foreign key that points at the table.
_LABELS = {
    "sections": "title",
    "entities": "name",
    "themes": "name",
    "sources": "key",
    "sdg_goals": "short",
    "sdg_targets": "code",
}


def _fts_table(table: str) -> str:
    return f"{table}_fts"


# The views that put a table's rows beside its FTS5 table's hidden column and rank:
# SQLite flattens the join, so a MATCH on the view's `fts` column reaches the FTS5
# cursor and `rank` (BM25) is computed, and Datasette can sort the view by it.  The
# table's rowid is a column named rowid: Datasette's ?_search_<column>= asks for
# `rowid in (select rowid from <fts> ...)`, and a view's own rowid is NULL.
_RANKED_VIEWS = {"records": "records_ranked", "entities": "entities_ranked"}


def _ranked_view(table: str) -> str:
    fts = _sql_name(_fts_table(table))
    return (
        f"CREATE VIEW {_sql_name(_RANKED_VIEWS[table])} AS SELECT {_sql_name(table)}.*, "
        f"{fts}.{fts} AS fts, {fts}.rank AS rank, {_sql_name(table)}.rowid AS rowid "
        f"FROM {fts} JOIN {_sql_name(table)} ON {_sql_name(table)}.rowid = {fts}.rowid"
    )


def _named_exactly(table: str, columns: tuple[str, ...], arrays: tuple[str, ...]) -> str:
    """An SQL test: ``:q`` (trimmed, ASCII case folded) is one of the row's names, exactly."""
    said = "lower(trim(:q))"
    tests = [f"lower({table}.{c}) = {said}" for c in columns] + [
        f"exists (select 1 from json_each({table}.{a}) where lower(value) = {said})" for a in arrays
    ]
    return "(" + " or ".join(tests) + ")"


def _ranked_search(table: str, shown: str, exact: str | None = None) -> dict[str, Any]:
    """A Datasette canned query: the rows of ``table`` that match ``:q``, best match first.

    Datasette's own ``?_search=`` keeps the table's order; FTS5's ``rank``
    (BM25) orders these.  ``escape_fts`` is Datasette's SQL function that
    quotes each word, as its search box does, so ``AND``, ``*`` or a lone
    ``"`` are searched as text.  A query with no word in it (the page opened
    before anything is typed, or only quotes and spaces) escapes to ``''``,
    which FTS5 rejects; it becomes the empty phrase ``""``, which matches no
    row.  NUL characters are taken out of the query first (`_WITHOUT_NUL`).
    """
    fts = _fts_table(table)
    first = "" if exact is None else f"{exact} desc, "
    return {
        "title": f"Search the {table}, best match first",
        "description": f"Rows of {table} whose words match the query, ranked by BM25; "
        "words are stemmed (kettling finds kettle)."
        + (
            ""
            if exact is None
            else " A row the query names exactly (a name, an alias or a form) comes first."
        ),
        "sql": f"select {shown} from {fts} join {table} on {table}.rowid = {fts}.rowid "
        f"where {fts} match coalesce(nullif(escape_fts({_WITHOUT_NUL}), ''), '\"\"') "
        f"order by {first}{fts}.rank",
    }


# :q without its NUL characters.  FTS5 reads a query as a C string, so a NUL
# ends it: the phrase escape_fts quotes, '"kett<NUL>ling"', reads as '"kett'
# and fails with "unterminated string", which Datasette shows as an error
# page (HTTP 400).  SQLite's replace() cannot remove a NUL (it takes a pattern
# that starts with one for an empty pattern), and substr() of a text stops at
# one, so the NULs are cut out of the query's bytes, one per step of a
# recursive query: "kett<NUL>ling" searches kettling, a lone NUL nothing.
_WITHOUT_NUL = (
    "(with recursive cleaned(b) as (select cast(:q as blob) union all "
    "select cast(substr(b, 1, instr(b, x'00') - 1) || substr(b, instr(b, x'00') + 1) as blob) "
    "from cleaned where instr(b, x'00')) select cast(b as text) from cleaned where not instr(b, x'00'))"
)


def write_sqlite(report: Report, path: Path) -> list[Path]:
    """One SQLite database: the tables with their keys, FTS5 tables, and a Datasette metadata file.

    The full-text tables (``records_fts``, ``entities_fts``, ``sources_fts``)
    are FTS5 external-content tables declared the way Datasette detects them
    (``content="records"``), with the porter stemmer over ``unicode61``.
    The views ``records_ranked`` and ``entities_ranked`` hold each row beside
    its FTS5 table's hidden column (``fts``) and ``rank``: SQLite flattens
    them, so ``where fts match 'kettling' order by rank`` is a BM25 ranking.
    ``<name>.metadata.json`` beside the database gives Datasette the titles,
    descriptions, licence, source and facets (``datasette db.sqlite -m
    db.metadata.json``), and asks kzrights' Datasette plugin
    (`kzrights.exports.datasette_plugin`) for ranked, safe ``?_search=``.
    """
    if path.exists():
        path.unlink()
    connection = sqlite3.connect(path)
    try:
        # The database is a fresh staged file that a failure discards whole, so it needs no rollback
        # journal; without one, a write the system refused leaves the file as far as it got, which
        # is how the staging layer tells the file-size limit (ulimit -f) from other I/O errors.
        connection.execute("PRAGMA journal_mode = OFF")
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
                connection.executemany(
                    f"INSERT INTO {_sql_name(table.name)} VALUES ({marks})",
                    ([_text_value(v) for v in row] for row in table.rows),
                )
            for name, indexed in _FTS_COLUMNS.items():
                fts, listed = _sql_name(_fts_table(name)), ", ".join(map(_sql_name, indexed))
                # Datasette finds an FTS table by the text content="<table>" (double quotes) in its SQL
                connection.execute(
                    f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, content={_sql_name(name)}, "
                    "content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')"
                )
                connection.execute(
                    f"INSERT INTO {fts}(rowid, {listed}) SELECT rowid, {listed} FROM {_sql_name(name)}"
                )
            for name in _RANKED_VIEWS:
                connection.execute(_ranked_view(name))
    finally:
        connection.close()
    metadata = path.with_name(path.stem + ".metadata.json")
    metadata.write_text(_dump(datasette_metadata(report, path.stem)), encoding="utf-8")
    return [path, metadata]


def _vocabulary_about(vocabulary: Vocabulary) -> dict[str, str]:
    return {
        "license": vocabulary.licence,
        "license_url": _spdx(vocabulary.licence),
        "source": f"{vocabulary.repository} at {vocabulary.commit[:12]}",
        "source_url": vocabulary.url,
    }


def datasette_metadata(report: Report, database: str) -> dict[str, Any]:
    """Datasette's metadata for the SQLite export (``datasette db.sqlite -m db.metadata.json``).

    Args:
        report: The release exported.
        database: The database's name in Datasette: the file's name without
            its suffix.

    Returns:
        A JSON-ready dict: the title, description, licence and source of the
        instance and of every table, each table's column descriptions, its
        facets and label column, the full-text tables hidden, the ranked
        views sorted by ``rank``, the saved queries ``search_records`` and
        ``search_entities``, and the settings of kzrights' Datasette plugin
        (``"plugins": {"kzrights": ...}``) on the searchable tables and views.
    """
    meta = report.metadata
    about = {
        "license": "CC BY 4.0 (curated annotations); the report's text remains its publisher's",
        "license_url": "https://creativecommons.org/licenses/by/4.0/",
        "source": meta.citation,
    }
    described: dict[str, Any] = {}
    for table in tables(report):
        vocabulary = _vocabulary_of(report, table.name)
        entry: dict[str, Any] = {
            "title": table.title,
            "description": table.description,
            **(about if vocabulary is None else _vocabulary_about(vocabulary)),
            "columns": {f.name: f.description for f in table.fields},
        }
        if table.name in _FACETS:
            entry["facets"] = list(_FACETS[table.name])
        if table.name in _LABELS:
            entry["label_column"] = _LABELS[table.name]
        described[table.name] = entry
    for name in _FTS_COLUMNS:
        described[_fts_table(name)] = {"hidden": True}
        # kzrights' Datasette plugin (kzrights.exports.datasette_plugin) makes ?_search= safe here
        described[name]["plugins"] = {"kzrights": {"safe_search": True}}
    for name, view in _RANKED_VIEWS.items():
        described[view] = {
            "title": f"{described[name]['title']}, best match first",
            "description": f"{described[name]['description']} Searched with ?_search=, the best match "
            "(BM25) comes first; needs kzrights' Datasette plugin (pip install 'kzrights[datasette]').",
            **about,
            "columns": {
                **described[name]["columns"],
                "fts": "The full-text index (hidden column of the FTS5 table)",
                "rank": "The match's BM25 rank: lower is better",
                "rowid": "The row's rowid in its table and in the FTS5 table",
            },
            "fts_table": _fts_table(name),
            "fts_pk": "rowid",
            "sort": "rank",
            "plugins": {"kzrights": {"safe_search": True, "rank_column": "fts"}},
        }
    return {
        "title": f"{meta.title} (kzrights data release {report.version})",
        "description": f"{', '.join(meta.authors)}, {meta.publisher}, {meta.published.isoformat()}. "
        f"{meta.rights.report_text}",
        **about,
        "databases": {
            database: {
                "tables": described,
                "queries": {
                    "search_records": _ranked_search("records", "records.id, records.kind, records.text"),
                    "search_entities": _ranked_search(
                        "entities",
                        "entities.id, entities.category, entities.name, entities.aliases",
                        # the entity the query names comes first: "Kazakhstan" before the
                        # report and the government, whose names contain the word
                        _named_exactly("entities", ("name",), ("aliases", "forms")),
                    ),
                },
            }
        },
    }
