"""The tabular exports, each opened by the tool its users open it with.

Datasette (its in-process client, with the export's metadata file), DuckDB,
pandas, pyarrow, openpyxl, frictionless and sqlite3 read what ``export`` and
``to_dataframes`` write, and the tests assert on what a user sees there:
the rows a search returns, the tables and columns, the types, the text.
"""

from __future__ import annotations

import asyncio
import csv
import datetime
import json
import os
import pickle
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests.conftest import consumer, read_workbook

import kzrights
from kzrights.errors import KzrightsError, MissingDependencyError
from kzrights.exports import export
from kzrights.exports.tables import tables

TABLE_FORMATS = ("csv", "jsonl", "sqlite", "parquet", "xlsx")


@pytest.fixture(scope="module")
def report() -> kzrights.Report:
    """The newest release: the one with entities, themes, sources and the SDG layer, so no table is empty."""
    return kzrights.load()


@pytest.fixture(scope="module")
def exported(report, tmp_path_factory) -> dict[str, Path]:
    """Every tabular export of the newest release, written once for the module."""
    folder = tmp_path_factory.mktemp("tables")
    paths = {
        "csv": folder / "csv",
        "jsonl": folder / "jsonl",
        "sqlite": folder / "kz.sqlite",
        "parquet": folder / "parquet",
        "xlsx": folder / "kz.xlsx",
    }
    for format, path in paths.items():
        export(report, format, path)
    return paths


def _table_names(format: str, path: Path) -> set[str]:
    """The tables a user finds in one export, read with that format's own reader."""
    if format == "csv":
        import frictionless

        return {r.name for r in frictionless.Package(str(path / "datapackage.json")).resources}
    if format == "jsonl":
        return {p.stem for p in path.glob("*.jsonl")}
    if format == "sqlite":
        db = sqlite3.connect(path)
        try:
            rows = db.execute("select name from sqlite_master where type = 'table'").fetchall()
        finally:
            db.close()
        return {name for (name,) in rows if "_fts" not in name}  # leave out the full-text tables
    if format == "parquet":
        import pyarrow.parquet as pq

        return {p.stem for p in path.glob("*.parquet") if pq.read_schema(p) is not None}
    return set(read_workbook(path).sheetnames) - {"About"}


def test_every_table_is_in_every_table_format(report, exported):
    """The same tables, sources and relations included, in CSV, JSONL, SQLite, Parquet, XLSX and pandas."""
    names = {t.name for t in tables(report)}
    assert {"sources", "footnote_sources", "entity_relations", "report"} <= names
    for format in TABLE_FORMATS:
        assert _table_names(format, exported[format]) == names, format
    assert set(report.to_dataframes()) == names


def test_sources_and_relations_hold_the_json_data(report, exported):
    """The nine cited sources, footnote → source and entity → entity are rows, as in the JSON export."""
    import frictionless

    package = frictionless.Package(str(exported["csv"] / "datapackage.json"))
    sources = package.get_resource("sources").read_rows()
    assert len(sources) == len(report.sources) == 9
    assert {row["key"] for row in sources} == {s.key for s in report.sources}
    cites = {(r["footnote_id"], r["source_id"]) for r in package.get_resource("footnote_sources").read_rows()}
    assert cites == {(f, s.id) for s in report.sources for f in s.footnote_ids}
    related = package.get_resource("entity_relations").read_rows()
    assert {(r["entity_id"], r["related_id"]) for r in related} == {
        (e.id, other) for e in report.entities for other in e.related_ids
    }
    keys = package.get_resource("footnote_sources").schema.foreign_keys
    assert {k["reference"]["resource"] for k in keys} == {"footnotes", "sources"}


def test_label_columns_make_a_spreadsheet_readable(report, exported):
    """Beside the ids stand the addressee's label, the theme's name and the entity's name."""
    with (exported["csv"] / "recommendation_themes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    six = {r["theme_name"] for r in rows if r["recommendation_id"] == "recommendations.government.6"}
    names = {t.id: t.name for t in report.themes}
    assert six == {names[t] for t in report.recommendation("government", 6).theme_ids}
    with (exported["csv"] / "recommendations.csv").open(encoding="utf-8", newline="") as handle:
        labels = {r["addressee_label"] for r in csv.DictReader(handle)}
    assert labels == {"Government of Kazakhstan", "international community"}
    with (exported["csv"] / "record_entities.csv").open(encoding="utf-8", newline="") as handle:
        names = {r["entity_id"]: r["entity_name"] for r in csv.DictReader(handle)}
    assert names["entities.kassym-jomart-tokayev"] == "Kassym-Jomart Tokayev"


def test_jsonl_rows_are_the_csv_rows_and_frictionless_reads_them(report, exported):
    """Each JSON Lines file holds its table's rows as objects; its datapackage validates."""
    import frictionless

    result = frictionless.validate(str(exported["jsonl"] / "datapackage.json"))
    assert result.valid, result.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    lines = (exported["jsonl"] / "entities.jsonl").read_text(encoding="utf-8").splitlines()
    tokayev = next(json.loads(line) for line in lines if "tokayev" in line.split(",")[0])
    assert "Токаев" in tokayev["aliases"] and isinstance(tokayev["aliases"], list)
    recommendations = (exported["jsonl"] / "recommendations.jsonl").read_text(encoding="utf-8")
    assert [json.loads(line)["id"] for line in recommendations.splitlines()] == [
        r.id for r in report.recommendations
    ]


# --- Datasette -------------------------------------------------------------------------------


def _datasette(exported: dict[str, Path]) -> Any:
    """A Datasette instance over the SQLite export, configured by the export's metadata file."""
    app = consumer("datasette.app")
    metadata = json.loads(exported["sqlite"].with_name("kz.metadata.json").read_text(encoding="utf-8"))
    return app.Datasette([str(exported["sqlite"])], metadata=metadata)  # type: ignore[attr-defined]


def _get(exported: dict[str, Path], url: str) -> Any:
    """GET ``url`` from Datasette's in-process client: the page a user's browser would get."""

    async def fetch() -> Any:
        return await _datasette(exported).client.get(url)

    return asyncio.run(fetch())


def test_datasette_detects_the_full_text_tables(exported):
    """Datasette's own detect_fts names the FTS table of records, entities and sources."""
    utils = consumer("datasette.utils")
    db = sqlite3.connect(exported["sqlite"])
    try:
        assert utils.detect_fts(db, "records") == "records_fts"  # type: ignore[attr-defined]
        assert utils.detect_fts(db, "entities") == "entities_fts"  # type: ignore[attr-defined]
        assert utils.detect_fts(db, "sources") == "sources_fts"  # type: ignore[attr-defined]
    finally:
        db.close()


def test_datasette_search_returns_only_matching_rows_ranked(report, exported):
    """?_search=kettling returns the records that say kettling, best first, and the page has a search box."""
    response = _get(exported, "/kz/records.json?_search=kettling&_shape=objects")
    assert response.status_code == 200
    rows = response.json()["rows"]
    expected = {r.id for r in report.records() if "kettl" in r.text.lower()}
    assert {row["id"] for row in rows} == expected
    assert 0 < len(rows) < len(report.records())
    page = _get(exported, "/kz/records").text
    assert 'name="_search"' in page
    # the export's canned query ranks them: the short recommendation before the long paragraph
    ranked = _get(exported, "/kz/search_records.json?q=kettling&_shape=objects").json()["rows"]
    assert [row["id"] for row in ranked] == ["recommendations.government.6", "conclusions.p15"]
    form = _get(exported, "/kz/search_records").text
    assert 'name="q"' in form


@pytest.mark.parametrize("query", ["search_records", "search_entities"])
def test_canned_searches_open_without_a_query(exported, query):
    """A saved search opened before anything is typed shows its form and no rows, not an FTS error."""
    page = _get(exported, f"/kz/{query}")
    assert page.status_code == 200
    assert 'name="q"' in page.text
    for url in (f"/kz/{query}.json?_shape=objects", f"/kz/{query}.json?q=&_shape=objects"):
        response = _get(exported, url)
        assert response.status_code == 200, response.text
        assert response.json()["rows"] == []


@settings(max_examples=25, deadline=None)
# lone surrogates are left out of the alphabet: no URL can carry them (urlencode itself refuses them);
# NULs, which FTS5 once read as the end of the query, are drawn often
@given(q=st.text(st.one_of(st.just("\x00"), st.characters(exclude_categories=("Cs",))), max_size=12))
@example(q="\x00")
@example(q='"\x00')
@example(q='"')
@example(q="AND")
@example(q="*")
@example(q="   ")
@example(q='""')
@example(q="NEAR(")
@example(q="records_fts:x")
@example(q="\ud800")
def test_canned_search_takes_any_query(exported, q):
    """Whatever is typed into a saved search (a lone quote, AND, *), Datasette answers 200."""
    from urllib.parse import urlencode

    # a lone surrogate (which hypothesis generates) has no UTF-8 form: sent as the bytes
    # "surrogatepass" gives, it reaches Datasette as invalid UTF-8, which it must take too
    params = urlencode({"q": q, "_shape": "objects"}, errors="surrogatepass")
    for query in ("search_records", "search_entities"):
        response = _get(exported, f"/kz/{query}.json?{params}")
        assert response.status_code == 200, (q, response.text)


@pytest.mark.parametrize("query", ["search_records", "search_entities"])
def test_canned_search_with_a_nul_shows_a_page_without_error(exported, query):
    """A NUL alone is no search (no rows); a NUL inside or after words searches the words without it."""
    for url in (f"/kz/{query}?q=%00", f"/kz/{query}?q=%00%00+%00"):
        page = _get(exported, url)
        assert page.status_code == 200, page.text
        assert "unterminated string" not in page.text and 'name="q"' in page.text
        assert _get(exported, url.replace("?", ".json?") + "&_shape=objects").json()["rows"] == []
    word = "kettling" if query == "search_records" else "Tokayev"
    expected = _get(exported, f"/kz/{query}.json?q={word}&_shape=objects").json()["rows"]
    assert expected
    for typed in (f"{word[:4]}%00{word[4:]}", f"{word}%00", f"%00{word}"):
        page = _get(exported, f"/kz/{query}?q={typed}")
        assert page.status_code == 200 and "unterminated string" not in page.text
        assert expected[0]["id"] in page.text
        assert _get(exported, f"/kz/{query}.json?q={typed}&_shape=objects").json()["rows"] == expected


@pytest.mark.parametrize("alias", ["Tokaev", "Токаев", "Тоқаев", "Toqayev"])
def test_entities_are_found_by_any_alias(exported, alias):
    """Datasette's search and a plain FTS query find an entity by any alias, Cyrillic included."""
    response = _get(exported, f"/kz/entities.json?_search={alias}&_shape=objects")
    assert [row["id"] for row in response.json()["rows"]] == ["entities.kassym-jomart-tokayev"]
    db = sqlite3.connect(exported["sqlite"])
    try:
        hits = db.execute(
            "select entities.id from entities_fts join entities on entities.rowid = entities_fts.rowid "
            "where entities_fts match ? order by rank",
            [f'"{alias}"'],
        ).fetchall()
    finally:
        db.close()
    assert hits == [("entities.kassym-jomart-tokayev",)]


def test_every_alias_finds_its_entity_in_plain_sql(report, exported):
    """For every entity and each of its names, an FTS phrase query on entities_fts finds it."""
    db = sqlite3.connect(exported["sqlite"])
    try:
        for entity in report.entities:
            for name in (entity.name, *entity.aliases):
                phrase = '"' + name.replace('"', '""') + '"'
                found = db.execute(
                    "select entities.id from entities_fts join entities "
                    "on entities.rowid = entities_fts.rowid where entities_fts match ?",
                    [phrase],
                ).fetchall()
                assert (entity.id,) in found, (entity.id, name)
    finally:
        db.close()


def test_datasette_command_line_as_the_how_to_shows(report, tmp_path):
    """`kzrights export --format sqlite` then `datasette db -m db.metadata.json`, asked for a search."""
    consumer("datasette")
    run = {"capture_output": True, "encoding": "utf-8", "check": True, "cwd": tmp_path}
    subprocess.run(
        [sys.executable, "-m", "kzrights", "export", "--format", "sqlite", "--output", "kzrights.sqlite"],
        **run,
    )
    command = [sys.executable, "-m", "datasette", "kzrights.sqlite", "-m", "kzrights.metadata.json", "--get"]
    out = subprocess.run([*command, "/kzrights/entities.json?_search=Токаев&_shape=array&_col=name"], **run)
    assert json.loads(out.stdout) == [
        {"id": "entities.kassym-jomart-tokayev", "name": "Kassym-Jomart Tokayev"}
    ]
    out = subprocess.run([*command, "/kzrights/records"], **run)
    assert 'name="_search"' in out.stdout and "Text records" in out.stdout
    # with kzrights' plugin, installed with the package: the view ranks, best match first
    out = subprocess.run(
        [*command, "/kzrights/records_ranked.json?_search=kettling&_shape=array&_col=id"], **run
    )
    assert [row["id"] for row in json.loads(out.stdout)] == [
        "recommendations.government.6",
        "conclusions.p15",
    ]


def test_datasette_shows_titles_licence_source_and_facets(report, exported):
    """The table page shows the table's title, description, licence and source; facets are offered."""
    mentions = _get(exported, "/kz/record_entities").text
    assert "Entity mentions" in mentions  # the table's title, not its name
    page = _get(exported, "/kz/recommendations").text
    assert "The 15 recommendations, by addressee and number." in page
    assert "CC BY 4.0" in page and "creativecommons.org/licenses/by/4.0" in page
    assert "Foreign Policy Centre, 22 July 2021" in page
    facets = _get(exported, "/kz/recommendations.json").json()["facet_results"]
    results = facets.get("results", facets)
    counts = {f["value"]: f["count"] for f in results["addressee_label"]["results"]}
    assert counts == {"Government of Kazakhstan": 13, "international community": 2}
    # a foreign key shows the label of the row it points at: a theme's name, a source's key
    labelled = _get(exported, "/kz/recommendation_themes.json?_labels=on&_shape=objects").json()["rows"][0]
    assert labelled["theme_id"]["label"] == report.get(labelled["theme_id"]["value"]).name
    labelled = _get(exported, "/kz/footnote_sources.json?_labels=on&_shape=objects").json()["rows"]
    assert {row["source_id"]["label"] for row in labelled} == {s.key for s in report.sources}
    for table, column in [("records", "kind"), ("themes", "basis"), ("recommendation_themes", "theme_name")]:
        facets = _get(exported, f"/kz/{table}.json").json()["facet_results"]
        assert column in facets.get("results", facets), table


# --- Parquet ----------------------------------------------------------------------------------


def test_parquet_has_arrow_types(exported):
    """Integers, nullable integers, dates and lists are typed as such in the Parquet schema."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = exported["parquet"]
    assert pq.read_schema(folder / "footnotes.parquet").field("number").type == pa.int64()
    quote_start = pq.read_schema(folder / "recommendation_themes.parquet").field("quote_start")
    assert quote_start.type == pa.int64() and quote_start.nullable
    assert pq.read_schema(folder / "report.parquet").field("published").type == pa.date32()
    assert pq.read_schema(folder / "entities.parquet").field("aliases").type == pa.list_(pa.string())
    assert pq.read_schema(folder / "figures.parquet").field("value").type == pa.float64()
    assert pq.read_table(folder / "report.parquet").column("published")[0].as_py() == datetime.date(
        2021, 7, 22
    )


def test_duckdb_joins_recommendations_to_themes(report, exported):
    """DuckDB reads the Parquet files and a SQL join gives each recommendation's themes."""
    duckdb = consumer("duckdb")
    folder = exported["parquet"]
    connection = duckdb.connect()  # type: ignore[attr-defined]
    # the query of docs/how-to/open-the-data.md, run in the export's folder
    sql = """
        select r.id, t.name
        from 'kzrights-parquet/recommendations.parquet' r
        join 'kzrights-parquet/recommendation_themes.parquet' rt on rt.recommendation_id = r.id
        join 'kzrights-parquet/themes.parquet' t on t.id = rt.theme_id
        order by r.id, t.name
    """
    rows = connection.execute(sql.replace("kzrights-parquet", str(folder))).fetchall()
    themes = {t.id: t.name for t in report.themes}
    expected = sorted((r.id, themes[t]) for r in report.recommendations for t in r.theme_ids)
    assert rows == expected and len(rows) > len(report.recommendations)
    entities = folder / "entities.parquet"
    aliases = connection.execute(
        f"select len(aliases) from '{entities}' where id = 'entities.kassym-jomart-tokayev'"
    ).fetchall()
    assert aliases == [(len(report.entity("Tokayev").aliases),)]


def test_parquet_read_by_pandas_matches_the_csv_export(report, exported):
    """Pandas reads the same values from each Parquet file as from the CSV export."""
    import pandas

    for table in tables(report):
        from_parquet = pandas.read_parquet(
            exported["parquet"] / f"{table.name}.parquet", dtype_backend="numpy_nullable"
        )
        with (exported["csv"] / f"{table.name}.csv").open(encoding="utf-8", newline="") as handle:
            from_csv = list(csv.reader(handle))
        assert from_csv[0] == list(from_parquet.columns), table.name
        for csv_row, parquet_row in zip(from_csv[1:], from_parquet.itertuples(index=False), strict=True):
            assert csv_row == [_as_csv(v) for v in parquet_row], table.name


def _as_csv(value: Any) -> str:
    """A value pandas read from Parquet, written as the CSV export writes it."""
    import pandas

    if value is None or value is pandas.NA:
        return ""
    if hasattr(value, "tolist"):  # a list cell reaches pandas as a numpy array
        return json.dumps(value.tolist(), ensure_ascii=False)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# --- R -----------------------------------------------------------------------------------------


def test_r_reads_the_csv_export_as_the_how_to_shows(report, tmp_path):
    """The R lines of docs/how-to/open-the-data.md, run by Rscript: counts by addressee, Cyrillic intact."""
    import re
    import shutil

    rscript = shutil.which("Rscript")
    if rscript is None or subprocess.run([rscript, "-e", "library(readr)"], capture_output=True).returncode:
        pytest.skip("R with readr is not installed (apt-get install r-base-core r-cran-readr)")
    page = (Path(__file__).parent.parent / "docs" / "how-to" / "open-the-data.md").read_text(encoding="utf-8")
    code = re.search(r"```r\n(library\(readr\).*?)```", page, re.DOTALL)
    assert code is not None
    export(report, "csv", tmp_path / "kzrights-csv")
    out = subprocess.run(
        [rscript, "-e", code.group(1)],
        cwd=tmp_path,
        env={**os.environ, "LC_ALL": "C.UTF-8"},  # R prints Cyrillic as <U+0422> in a C locale
        capture_output=True,
        encoding="utf-8",
        check=True,
    ).stdout
    government, international = (len(report.recommendations_to(a)) for a in ("government", "international"))
    table = rf"Government of Kazakhstan\s+international community\s+{government}\s+{international}\b"
    assert re.search(table, out), out
    assert re.search(r"Kassym-Jomart Tokayev\s+Токаев", out), out


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_workbook_opens_in_openpyxl(report, exported):
    """One sheet per table with a bold frozen header; Cyrillic intact; dates are dates."""
    import openpyxl

    workbook = openpyxl.load_workbook(exported["xlsx"])
    for table in tables(report):
        sheet = workbook[table.name]
        assert sheet.freeze_panes == "A2", table.name
        assert [c.value for c in sheet[1]] == list(table.columns)
        assert all(c.font.bold for c in sheet[1])
        assert sheet.max_row == len(table.rows) + 1, table.name
    aliases = workbook["entity_aliases"]
    assert ("entities.kassym-jomart-tokayev", "Kassym-Jomart Tokayev", "Қасым-Жомарт Тоқаев") in {
        tuple(c.value for c in row) for row in aliases.iter_rows(min_row=2)
    }
    published = workbook["report"]["D2"].value
    assert workbook["report"]["D1"].value == "published"
    assert published.date() == datetime.date(2021, 7, 22)
    entities = workbook["entities"]
    column = [c.value for c in entities[1]].index("aliases") + 1
    tokayev = next(r for r in entities.iter_rows(min_row=2, values_only=True) if r[0].endswith("tokayev"))
    assert "Токаев" in tokayev[column - 1].split("; ")


# --- pandas -----------------------------------------------------------------------------------


def test_to_dataframes_dtypes(report):
    """to_dataframes gives pandas' nullable dtypes: string, Int64, Float64, datetime64, lists."""
    frames = report.to_dataframes()
    dtypes = {name: str(dtype) for name, dtype in frames["figures"].dtypes.items()}
    assert dtypes["value"] == "Float64" and dtypes["source_start"] == "Int64"
    assert dtypes["text"] == "string" and dtypes["date"] == "string"
    themes = frames["recommendation_themes"].dtypes
    assert str(themes["quote_start"]) == "Int64" and themes["quote_start"] is not None
    assert frames["recommendation_themes"]["quote_start"].isna().any()
    assert str(frames["report"]["published"].dtype) == "datetime64[ns]"
    assert frames["entities"].set_index("id").loc["entities.kassym-jomart-tokayev", "aliases"][-1] == (
        "Қасым-Жомарт Тоқаев"
    )
    assert frames["sources"].shape == (9, 9)


def test_to_dataframes_of_release_100_has_empty_tables_with_columns():
    """Release 1.0.0 has no entities or sources: those frames are empty but keep their columns and dtypes."""
    frames = kzrights.load("1.0.0").to_dataframes()
    assert frames["sources"].empty and list(frames["sources"].columns)[:2] == ["id", "key"]
    assert str(frames["entities"]["name"].dtype) == "string"


# --- missing libraries and odd text -----------------------------------------------------------


@pytest.mark.parametrize(
    ("format", "module", "extra"), [("parquet", "pyarrow", "parquet"), ("xlsx", "openpyxl", "xlsx")]
)
def test_missing_library_names_the_extra(tmp_path, format, module, extra):
    """Without its library, a format raises kzrights' MissingDependencyError naming the extra."""
    code = (
        f"import sys; sys.modules[{module!r}] = None\n"
        "import kzrights\n"
        "from kzrights.errors import MissingDependencyError\n"
        "try:\n"
        f"    kzrights.export(kzrights.load(), {format!r}, {str(tmp_path / ('out.' + format))!r})\n"
        "except MissingDependencyError as e:\n"
        "    print(type(e).__name__, isinstance(e, ImportError), e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("MissingDependencyError True ")
    assert f"pip install 'kzrights[{extra}]'" in out.stdout
    assert not (tmp_path / f"out.{format}").exists()


def test_missing_dependency_error_pickles():
    """The error survives a trip to a worker process and back, attributes and message intact."""
    error = MissingDependencyError("export(report, 'parquet', ...)", "pyarrow", "parquet")
    clone = pickle.loads(pickle.dumps(error))
    assert isinstance(clone, KzrightsError) and isinstance(clone, ImportError)
    assert (clone.package, clone.extra, str(clone)) == ("pyarrow", "parquet", str(error))


_CELL_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
    min_size=1,
    max_size=40,
)


@settings(max_examples=15)
@given(name=_CELL_TEXT)
@example(name='=HYPERLINK("http://example.invalid")')  # text a spreadsheet must not run
@example(name="Қасым-Жомарт Тоқаев")
def test_any_text_survives_every_table_format(report, tmp_path_factory, name):
    """Whatever text a cell holds (Cyrillic, quotes, '=' formulas, emoji) reads back the same everywhere."""
    import attrs
    import openpyxl
    import pyarrow.parquet as pq

    # one entity and the sections: a small report, so that each example writes four exports quickly
    entity = attrs.evolve(report.entities[0], name=name, aliases=(name,), related_ids=())
    kinds = ("paragraphs", "items", "recommendations", "footnotes", "mentions", "themes", "figures")
    empty: dict[str, Any] = dict.fromkeys(kinds, ())
    changed = attrs.evolve(report, entities=(entity,), sources=(), **empty)
    folder = tmp_path_factory.mktemp("cell")
    export(changed, "csv", folder / "csv")
    export(changed, "xlsx", folder / "kz.xlsx")
    export(changed, "parquet", folder / "parquet")
    export(changed, "sqlite", folder / "kz.sqlite")
    with (folder / "csv" / "entities.csv").open(encoding="utf-8", newline="") as handle:
        assert next(iter(csv.DictReader(handle)))["name"] == name
    sheet = openpyxl.load_workbook(folder / "kz.xlsx")["entities"]
    assert sheet["C2"].value == name and sheet["D2"].value == name  # the name, and the aliases
    assert sheet["C2"].data_type == "s"  # text, never a formula Excel would run
    assert pq.read_table(folder / "parquet" / "entities.parquet").column("name")[0].as_py() == name
    db = sqlite3.connect(folder / "kz.sqlite")
    try:
        assert db.execute("select name from entities where rowid = 1").fetchone() == (name,)
    finally:
        db.close()


def test_xlsx_refuses_text_a_cell_cannot_hold(report, tmp_path):
    """A control character (none is in any release) is a clear kzrights error, and no workbook is left."""
    import attrs

    from kzrights.errors import UnsupportedReleaseError

    entity = attrs.evolve(report.entities[0], name="bell\x07")
    changed = attrs.evolve(report, entities=(entity, *report.entities[1:]))
    with pytest.raises(UnsupportedReleaseError, match="entities table"):
        export(changed, "xlsx", tmp_path / "kz.xlsx")
    assert not (tmp_path / "kz.xlsx").exists()


# --- fields the JSON holds, in every table format ----------------------------------------


def _json_fields(report: kzrights.Report) -> list[tuple[str, str, str, Any]]:
    """(table, key column, key, column) and the value the JSON release holds, for fields added in 1.2.0."""
    figure = next(f for f in report.figures if f.date_end)
    texts = [m.text for m in report.mentions]
    # a mention resolved by evidence, whose text no other mention has: its text finds its row
    mention = next(m for m in report.mentions if m.resolved_by and texts.count(m.text) == 1)
    entity = next(e for e in report.entities if e.background)
    footnote = next(f for f in report.footnotes if f.same_source_as)
    tokayev = report.get("entities.kassym-jomart-tokayev")
    return [
        ("figures", "id", figure.id, "date_end", figure.date_end),
        ("record_entities", "text", mention.text, "form", mention.form.value),
        ("record_entities", "text", mention.text, "resolved_by", mention.resolved_by),
        ("entities", "id", entity.id, "background", entity.background),
        ("entities", "id", entity.id, "background_basis", entity.background_basis),
        ("entities", "id", tokayev.id, "forms", [form.text for form in tokayev.forms]),
        ("footnotes", "id", footnote.id, "same_source_as", list(footnote.same_source_as)),
    ]


def _cell(format: str, path: Path, table: str, key: str, value: str, column: str) -> Any:
    """One cell as a user reads it from one export, with that format's own reader; lists as lists."""
    if format == "csv":
        import frictionless

        rows = frictionless.Package(str(path / "datapackage.json")).get_resource(table).read_rows()
        cell = next(row[column] for row in rows if row[key] == value)
        return json.loads(cell) if isinstance(cell, str) and cell.startswith("[") else cell
    if format == "jsonl":
        lines = (path / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
        return next(row[column] for row in map(json.loads, lines) if row[key] == value)
    if format == "sqlite":
        db = sqlite3.connect(path)
        try:
            (cell,) = db.execute(f"select [{column}] from [{table}] where [{key}] = ?", [value]).fetchone()
        finally:
            db.close()
        return json.loads(cell) if isinstance(cell, str) and cell.startswith("[") else cell
    if format == "parquet":
        duckdb = consumer("duckdb")
        source = str(path / f"{table}.parquet")
        (cell,) = duckdb.execute(  # type: ignore[attr-defined]
            f'select "{column}" from \'{source}\' where "{key}" = ?', [value]
        ).fetchone()
        return cell
    if format == "xlsx":
        sheet = read_workbook(path)[table]
        rows = sheet.iter_rows(values_only=True)
        header = list(next(rows))
        cell = next(row[header.index(column)] for row in rows if row[header.index(key)] == value)
        return cell.split("; ") if isinstance(cell, str) and column in ("forms", "same_source_as") else cell
    frame = kzrights.load().to_dataframes()[table]
    cell = frame.loc[frame[key] == value, column].iloc[0]
    return list(cell) if isinstance(cell, (list, tuple)) or hasattr(cell, "tolist") else cell


@pytest.mark.parametrize("format", [*TABLE_FORMATS, "pandas"])
def test_every_format_holds_the_fields_the_json_holds(report, exported, format):
    """A period's end year, how a mention was matched, an entity's background and forms, in every format."""
    for table, key, value, column, expected in _json_fields(report):
        cell = _cell(format, exported.get(format, Path()), table, key, value, column)
        assert cell == expected, (format, table, column)


# --- Datasette: ranked search, with kzrights' plugin -----------------------------------------


def _rows(exported: dict[str, Path], url: str) -> list[dict[str, Any]]:
    response = _get(exported, url)
    assert response.status_code == 200, (url, response.text[:500])
    rows: list[dict[str, Any]] = response.json()["rows"]
    return rows


def test_the_plugin_is_installed_for_datasette():
    """Datasette finds kzrights' plugin through the package's entry point, as `datasette plugins` shows."""
    consumer("datasette")
    listed = subprocess.run(
        [sys.executable, "-m", "datasette", "plugins"], capture_output=True, encoding="utf-8", check=True
    )
    plugins = {plugin["name"]: plugin for plugin in json.loads(listed.stdout)}
    assert plugins["kzrights"]["hooks"] == ["filters_from_request"]


@pytest.mark.parametrize("q", ["kettling", "human rights", "Tokayev", "freedom of assembly", "EBRD"])
def test_ranked_view_orders_as_the_saved_query(exported, q):
    """records_ranked?_search= gives the rows of search_records, in the same (BM25) order."""
    from urllib.parse import quote

    saved = _rows(exported, f"/kz/search_records.json?q={quote(q)}&_shape=objects")
    ranked = _rows(exported, f"/kz/records_ranked.json?_search={quote(q)}&_shape=objects&_size=max")
    assert [row["id"] for row in ranked] == [row["id"] for row in saved]
    ranks = [row["rank"] for row in ranked]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize("q", ["Токаев", "Назарбаев", "Казахстан", "EU", "Nur Otan"])
def test_entities_ranked_view_orders_by_bm25(exported, q):
    """entities_ranked?_search= gives the entities FTS5 finds, in BM25 order, Cyrillic names included."""
    from urllib.parse import quote

    ranked = _rows(exported, f"/kz/entities_ranked.json?_search={quote(q)}&_shape=objects&_size=max")
    db = sqlite3.connect(exported["sqlite"])
    try:
        expected = db.execute(
            "select entities.id from entities_fts join entities on entities.rowid = entities_fts.rowid "
            "where entities_fts match ? order by entities_fts.rank",
            [" ".join(f'"{word}"' for word in q.split())],
        ).fetchall()
    finally:
        db.close()
    assert [row["id"] for row in ranked] == [id for (id,) in expected]
    assert ranked, q


def test_ranked_view_page_has_the_search_box(exported):
    """The page of records_ranked shows a search box holding the search, and the best match first."""
    page = _get(exported, "/kz/records_ranked?_search=kettling")
    assert page.status_code == 200
    assert 'name="_search"' in page.text and 'value="kettling"' in page.text
    assert page.text.index("recommendations.government.6") < page.text.index("conclusions.p15")
    entities = _rows(
        exported, "/kz/entities_ranked.json?_search=%D0%A2%D0%BE%D0%BA%D0%B0%D0%B5%D0%B2%D0%B0&_shape=objects"
    )
    assert [row["id"] for row in entities] == ["entities.kassym-jomart-tokayev"]  # Токаева, an inflected form


HOSTILE = ['"', "AND", "   ", "\x00", "kettling\x00", "x" * 10_000, '""', "NEAR(", "*", "OR OR", "-", "^"]
SEARCHABLE = ("records", "entities", "sources", "records_ranked", "entities_ranked")


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_searches_give_rows_or_none(exported, q):
    """A lone quote, AND, only spaces, NUL, 10,000 characters: a page of rows or of none, never an error."""
    from urllib.parse import urlencode

    for table in SEARCHABLE:
        for shape in (".json", ""):
            response = _get(exported, f"/kz/{table}{shape}?{urlencode({'_search': q})}")
            assert response.status_code == 200, (table, q[:20], response.text[:300])


@settings(max_examples=30, deadline=None)
@given(q=st.text(st.characters(exclude_categories=("Cs",)), max_size=15))
def test_any_search_on_a_kzrights_table_page_answers(exported, q):
    """Whatever is typed into a table's or a view's search box, Datasette answers with a page."""
    from urllib.parse import urlencode

    for table in ("records", "entities_ranked"):
        response = _get(exported, f"/kz/{table}.json?{urlencode({'_search': q})}")
        assert response.status_code == 200, (table, q, response.text[:300])


def test_the_plugin_leaves_other_databases_alone(tmp_path):
    """A database kzrights did not write keeps Datasette's own behaviour, even with the same table names."""
    path = tmp_path / "other.sqlite"
    db = sqlite3.connect(path)
    with db:
        db.execute("create table records (id text primary key, text text)")
        db.execute("insert into records values ('a', 'kettling')")
        db.execute('create virtual table records_fts using fts5(text, content="records")')
        db.execute("insert into records_fts(rowid, text) select rowid, text from records")
    db.close()
    app = consumer("datasette.app")

    async def fetch(url: str) -> Any:
        return await app.Datasette([str(path)]).client.get(url)  # type: ignore[attr-defined]

    assert asyncio.run(fetch("/other/records.json?_search=kettling")).status_code == 200
    # Datasette's own answer to a lone quote: the plugin does not step in where it was not asked
    assert asyncio.run(fetch("/other/records.json?_search=%22")).status_code == 400


def _names(entity: Any) -> set[str]:
    return {entity.name, *entity.aliases, *(form.text for form in entity.forms)}


def test_search_entities_puts_the_named_entity_first(report, exported):
    """For every name, alias and form of every entity, search_entities ranks that entity first.

    Datasette's SQL runs in sqlite3 with Datasette's own escape_fts; ties are
    allowed only among entities that share the name.
    """
    utils = consumer("datasette.utils")
    metadata = json.loads(exported["sqlite"].with_name("kz.metadata.json").read_text(encoding="utf-8"))
    sql = metadata["databases"]["kz"]["queries"]["search_entities"]["sql"]
    owners: dict[str, set[str]] = {}
    for entity in report.entities:
        for name in _names(entity):
            owners.setdefault(name.lower(), set()).add(entity.id)
    db = sqlite3.connect(exported["sqlite"])
    db.create_function("escape_fts", 1, utils.escape_fts)  # type: ignore[attr-defined]
    try:
        for entity in report.entities:
            for name in _names(entity):
                found = [row[0] for row in db.execute(sql, {"q": name})]
                sharing = owners[name.lower()]
                assert entity.id in set(found[: len(sharing)]), (name, found[:3])
    finally:
        db.close()


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("Kazakhstan", "entities.kazakhstan"),
        ("EU", "entities.european-union"),
        ("kettling", "entities.kettling"),
        ("Токаева", "entities.kassym-jomart-tokayev"),
    ],
)
def test_search_entities_in_datasette(exported, q, first):
    """The saved query: Kazakhstan before the report and the government; EU; kettling before the essay."""
    from urllib.parse import quote

    rows = _rows(exported, f"/kz/search_entities.json?q={quote(q)}&_shape=objects")
    assert rows[0]["id"] == first


def test_entities_fts_finds_inflected_forms(exported):
    """Токаева (genitive, "Указ Токаева") finds Tokayev in Datasette's search and in plain SQL."""
    rows = _rows(
        exported, "/kz/entities.json?_search=%D0%A2%D0%BE%D0%BA%D0%B0%D0%B5%D0%B2%D0%B0&_shape=objects"
    )
    assert [row["id"] for row in rows] == ["entities.kassym-jomart-tokayev"]
    assert [m.entity_id for m in kzrights.annotate("Указ Токаева")] == ["entities.kassym-jomart-tokayev"]
    db = sqlite3.connect(exported["sqlite"])
    try:
        hits = db.execute(
            "select entities.id from entities_fts join entities on entities.rowid = entities_fts.rowid "
            "where entities_fts match '\"Токаева\"'"
        ).fetchall()
    finally:
        db.close()
    assert hits == [("entities.kassym-jomart-tokayev",)]


@settings(max_examples=200, deadline=None)
@given(q=st.text(st.characters(exclude_categories=("Cs",)), max_size=30))
@example(q='"')
@example(q='a"b "c')
@example(q="\x00kettling")
@example(q="NEAR(a b)")
def test_fts_phrases_are_always_a_valid_fts5_query(q):
    """The plugin's quoting of any search is a query FTS5 accepts, or empty (which the plugin never sends)."""
    from kzrights.exports.datasette_plugin import fts_phrases

    query = fts_phrases(q)
    db = sqlite3.connect(":memory:")
    try:
        db.execute("create virtual table t using fts5(text, tokenize='porter unicode61 remove_diacritics 2')")
        db.execute("insert into t values ('kettling and human rights')")
        if query:
            db.execute("select rowid from t where t match ?", [query]).fetchall()
            assert "\x00" not in query
    finally:
        db.close()


# --- Datasette: the last findings of issue 12 (column search, NUL) ----------------------------

# each searchable table or view, and the columns its FTS5 table indexes (Datasette's _search_<column>=)
SEARCH_COLUMNS = {
    "records": ("text",),
    "records_ranked": ("text",),
    "entities": ("name", "aliases", "forms", "description"),
    "entities_ranked": ("name", "aliases", "forms", "description"),
    "sources": ("author", "title", "container"),
}


def _ids(exported: dict[str, Path], url: str) -> list[str]:
    return [row["id"] for row in _rows(exported, url + "&_shape=objects&_size=max")]


@pytest.mark.parametrize("table", ["records", "records_ranked"])
def test_column_search_finds_what_search_finds(exported, table):
    """?_search_text=kettling gives the rows ?_search=kettling gives, on the table and on its ranked view."""
    expected = _ids(exported, f"/kz/{table}.json?_search=kettling")
    assert expected
    assert _ids(exported, f"/kz/{table}.json?_search_text=kettling") == expected
    # quoted as words, as _search is: OR is searched as a word (every word must match), not FTS5's OR
    assert _ids(exported, f"/kz/{table}.json?_search_text=kettling+OR+zzzz") == []
    assert _ids(exported, f"/kz/{table}.json?_search_text=%22human+rights%22") == _ids(
        exported, f"/kz/{table}.json?_search=%22human+rights%22"
    )


def test_column_search_on_entities_searches_that_column(exported):
    """?_search_name=Kazakhstan finds entities by name only; ?_search_aliases=Токаев finds Tokayev."""
    named = _ids(exported, "/kz/entities.json?_search_name=Kazakhstan")
    assert "entities.kazakhstan" in named
    everywhere = _ids(exported, "/kz/entities.json?_search=Kazakhstan")
    assert set(named) < set(everywhere)  # the descriptions that say Kazakhstan are not searched
    for table in ("entities", "entities_ranked"):
        found = _ids(exported, f"/kz/{table}.json?_search_aliases=%D0%A2%D0%BE%D0%BA%D0%B0%D0%B5%D0%B2")
        assert found == ["entities.kassym-jomart-tokayev"], table


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_column_searches_give_rows_or_none(exported, q):
    """A lone quote, AND, NUL, 10,000 characters in _search_<column>: a page, never an error.

    A search with no word in it gives no row.
    """
    from urllib.parse import urlencode

    from kzrights.exports.datasette_plugin import fts_phrases

    for table, columns in SEARCH_COLUMNS.items():
        for column in columns:
            for shape in (".json", ""):
                response = _get(exported, f"/kz/{table}{shape}?{urlencode({f'_search_{column}': q})}")
                assert response.status_code == 200, (table, column, q[:20], response.text[:300])
            if not fts_phrases(q):
                assert _rows(exported, f"/kz/{table}.json?{urlencode({f'_search_{column}': q})}") == []


@settings(max_examples=30, deadline=None)
@given(
    q=st.text(st.one_of(st.sampled_from('\x00" '), st.characters(exclude_categories=("Cs",))), max_size=15),
    where=st.sampled_from(
        [(t, column) for t, columns in SEARCH_COLUMNS.items() for column in (None, *columns)]
    ),
)
@example(q='"', where=("records", "text"))
@example(q='"', where=("entities", "name"))
@example(q="   ", where=("entities_ranked", "forms"))
def test_any_search_or_column_search_answers(exported, q, where):
    """Whatever is typed in _search= or _search_<column>=, on a table or a view, Datasette answers a page."""
    from urllib.parse import urlencode

    table, column = where
    key = "_search" if column is None else f"_search_{column}"
    response = _get(exported, f"/kz/{table}.json?{urlencode({key: q})}")
    assert response.status_code == 200, (table, key, q, response.text[:300])


@pytest.mark.parametrize("key", ["_search", "_search_text"])
@pytest.mark.parametrize("table", ["records", "records_ranked"])
def test_a_nul_is_taken_out_of_a_table_search_as_in_the_saved_query(exported, table, key):
    """kett<NUL>ling finds kettling, as search_records?q= does; a NUL alone finds nothing."""
    saved = {row["id"] for row in _rows(exported, "/kz/search_records.json?q=kett%00ling&_shape=objects")}
    assert saved == {"recommendations.government.6", "conclusions.p15"}
    for typed in ("kett%00ling", "kettling%00", "%00kettling"):
        assert set(_ids(exported, f"/kz/{table}.json?{key}={typed}")) == saved, typed
    for typed in ("%00", "%00%00+%00"):
        assert _ids(exported, f"/kz/{table}.json?{key}={typed}") == []
