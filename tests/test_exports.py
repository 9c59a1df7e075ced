"""Exports, each read back by the tool its users would use."""

from __future__ import annotations

import json
import sqlite3

import pytest

import kzrights
from kzrights._structuring import structure_document
from kzrights.exports import FORMATS, export
from kzrights.exports.schema import json_schema
from kzrights.exports.tables import tables
from kzrights.report import to_report


@pytest.fixture(scope="module")
def report() -> kzrights.Report:
    """The newest release."""
    return kzrights.load()


def test_json_export_validates_against_its_schema_and_round_trips(report, tmp_path):
    """The json export is valid against `kzrights schema` (jsonschema) and loads back to the same report."""
    import jsonschema

    (path,) = export(report, "json", tmp_path / "release.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    version = data.pop("version")
    again = to_report(
        structure_document(data, version=version, file="x"), version=version, source_text=report.source_text
    )
    assert again == report
    broken = {**data, "version": version, "paragraphs": [{**data["paragraphs"][0], "number": "one"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


@pytest.mark.parametrize("version", ["1.0.0", "1.1.0", "1.3.1"])
def test_the_export_s_schema_number_is_its_own_layout_and_says_so(tmp_path, version):
    """An export of 1.0.0 says ``"schema": 4`` where 1.0.0's report.json says 1: the schema says whose it is.

    The number is the layout of the exported document (every part, as the
    package writes it), the same for every release; `kzrights schema`
    states it (``const``) and says that it is not the release's own.
    """
    import jsonschema

    (path,) = export(kzrights.load(version), "json", tmp_path / "release.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    described = json_schema()["properties"]["schema"]
    assert data["schema"] == described["const"]
    assert (
        "layout" in described["description"]
        and "not the layout of the release's own" in (described["description"])
    )
    with pytest.raises(jsonschema.ValidationError):  # a reader given the release's own number is told
        jsonschema.validate({**data, "schema": 1}, json_schema())


def test_schema_works_for_release_100(tmp_path):
    """The schema also describes an export of the first release."""
    import jsonschema

    (path,) = export(kzrights.load("1.0.0"), "json", tmp_path / "old.json")
    jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), json_schema())


def test_jsonl_export(report, tmp_path):
    """One JSON Lines file per table, one row a line, keyed by column."""
    files = {p.name: p for p in export(report, "jsonl", tmp_path / "jsonl")}
    lines = files["recommendations.jsonl"].read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [r.id for r in report.recommendations]
    assert len(files["entities.jsonl"].read_text(encoding="utf-8").splitlines()) == len(report.entities)
    assert json.loads(files["metadata.json"].read_text(encoding="utf-8"))["version"] == report.version
    assert set(files) == {f"{t.name}.jsonl" for t in tables(report)} | {"datapackage.json", "metadata.json"}


def test_csv_export_is_a_valid_frictionless_package(report, tmp_path):
    """Frictionless validates the data package: types, primary keys and foreign keys."""
    import frictionless

    files = export(report, "csv", tmp_path / "csv")
    descriptor = tmp_path / "csv" / "datapackage.json"
    assert descriptor in files
    result = frictionless.validate(str(descriptor))
    assert result.valid, result.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    package = frictionless.Package(str(descriptor))
    rows = package.get_resource("recommendations").read_rows()
    assert [row["id"] for row in rows] == [r.id for r in report.recommendations]
    assert {r.name for r in package.resources} == {t.name for t in tables(report)}


def test_csv_foreign_keys_are_checked(report, tmp_path):
    """A broken reference in the CSV is caught by frictionless: the keys are really declared."""
    import frictionless

    export(report, "csv", tmp_path / "csv")
    path = tmp_path / "csv" / "record_entities.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("entities.", "entities.nobody-", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = frictionless.validate(str(tmp_path / "csv" / "datapackage.json"))
    assert not result.valid


def test_sqlite_export(report, tmp_path):
    """sqlite3 opens the database: keys hold, full-text queries work, Datasette metadata is there."""
    path, metadata = export(report, "sqlite", tmp_path / "kz.sqlite")
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("select count(*) from recommendations").fetchone()[0] == 15
    hits = db.execute(
        "select records.id from records_fts join records on records.rowid = records_fts.rowid "
        "where records_fts match 'kettling' order by bm25(records_fts)"
    ).fetchall()
    assert {"conclusions.p15", "recommendations.government.6"} <= {h[0] for h in hits}
    names = db.execute("select name from entities_fts where entities_fts match 'bokayev'").fetchall()
    assert names == [("Max Bokayev",)]
    meta = json.loads(metadata.read_text(encoding="utf-8"))
    assert "kz" in meta["databases"] and meta["license_url"].startswith("https://")
    assert meta["databases"]["kz"]["tables"]["recommendations"]["title"] == "Recommendations"
    db.close()


def test_export_bad_input(report, tmp_path):
    """Unknown formats, missing folders and wrong types are clear errors."""
    assert set(FORMATS) >= {"json", "jsonl", "csv", "sqlite"}
    with pytest.raises(ValueError, match="unknown format"):
        export(report, "ods", tmp_path / "x")
    with pytest.raises(FileNotFoundError):
        export(report, "json", tmp_path / "no" / "such" / "x.json")
    with pytest.raises(TypeError):
        export("report", "json", tmp_path / "x.json")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        export(report, "json", 42)  # type: ignore[arg-type]


def test_tables_rows_fit_their_fields(report):
    """Every row has one value per field, and required fields are never empty."""
    for table in tables(report):
        for row in table.rows:
            assert len(row) == len(table.fields)
            for field, value in zip(table.fields, row, strict=True):
                if field.required:
                    assert value is not None, (table.name, field.name)
