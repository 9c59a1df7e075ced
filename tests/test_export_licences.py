"""Every export that states a licence states the SDG vocabulary's for the SDG goal and target tables.

The goals and targets are the UN's words as open-sdg publishes them (MIT;
``Metadata.vocabularies``), not kzrights' curation (CC BY 4.0).  A fresh
tester of issue 15 found the XLSX About sheet silent about it while
Datasette's metadata and the Data Package said it.  Each export is made
with ``kzrights export`` and read with the tool its users open it in.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.conftest import read_workbook

import kzrights

KZRIGHTS = Path(sys.executable).with_name("kzrights")
REPORT = kzrights.load("1.3.0")
(VOCABULARY,) = REPORT.metadata.vocabularies
SDG_TABLES = ("sdg_goals", "sdg_targets")


def export(format: str, path: Path, version: str = "1.3.0") -> Path:
    """``kzrights export`` as a user runs it."""
    out = subprocess.run(
        [str(KZRIGHTS), "export", "--data-version", version, "--format", format, "--output", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    return path


def test_the_xlsx_about_sheet_names_each_sheets_licence_and_source(tmp_path):
    """The About sheet lists each sheet with its licence and source: MIT and open-sdg for the SDG sheets."""
    workbook = read_workbook(export("xlsx", tmp_path / "kz.xlsx"))
    rows = [list(row) for row in workbook["About"].iter_rows(values_only=True)]
    header = next(n for n, row in enumerate(rows) if row[:2] == ["Sheet", "What it holds"])
    assert rows[header][2:4] == ["Licence", "Source"]
    listed = {row[0]: row for row in rows[header + 1 :] if row[0]}
    assert set(listed) == set(workbook.sheetnames) - {"About"}
    for name, row in listed.items():
        licence, source = row[2], row[3]
        if name in SDG_TABLES:
            assert licence == VOCABULARY.rights and "MIT" in licence
            assert VOCABULARY.repository in source and VOCABULARY.url in source
            assert "CC BY" not in licence
        else:
            assert licence.startswith("CC BY 4.0"), name
            assert source == REPORT.metadata.citation
    summary = next(row[1] for row in rows if row[0] == "Licence")
    assert f"{VOCABULARY.title}: MIT" in summary


def test_an_older_releases_workbook_names_no_vocabulary(tmp_path):
    """1.1.0 has no SDG sheets; its About sheet says CC BY alone, naming no vocabulary."""
    workbook = read_workbook(export("xlsx", tmp_path / "kz.xlsx", "1.1.0"))
    rows = [list(row) for row in workbook["About"].iter_rows(values_only=True)]
    summary = next(row[1] for row in rows if row[0] == "Licence")
    assert summary.startswith("CC BY 4.0") and "MIT" not in summary


def test_each_parquet_file_carries_its_tables_licence_and_source(tmp_path):
    """A Parquet file travels alone: its schema metadata names its licence, terms and source."""
    folder = export("parquet", tmp_path / "parquet")
    for path in sorted(folder.glob("*.parquet")):
        metadata = {k.decode(): v.decode() for k, v in pq.read_schema(path).metadata.items()}
        if path.stem in SDG_TABLES:
            assert metadata["license"] == "MIT"
            assert metadata["rights"] == VOCABULARY.rights
            assert VOCABULARY.url in metadata["source"]
        else:
            assert metadata["license"] == "CC-BY-4.0", path.stem
            assert metadata["source"] == REPORT.metadata.citation


@pytest.mark.parametrize("format", ["csv", "jsonl"])
def test_the_data_packages_sdg_resources_carry_the_vocabularys_licence(tmp_path, format):
    """CSV and JSON Lines share the Data Package: the SDG resources are MIT, sourced from open-sdg."""
    import frictionless

    folder = export(format, tmp_path / format)
    package = frictionless.Package(str(folder / "datapackage.json"))
    for resource in package.resources:
        names = [lic["name"] for lic in (resource.licenses or [])]
        if resource.name in SDG_TABLES:
            assert names == ["MIT"]
            assert [s["path"] for s in resource.sources] == [VOCABULARY.url]
        else:
            assert names == [], resource.name  # the package's own: CC BY 4.0
    assert [lic["name"] for lic in package.licenses] == ["CC-BY-4.0"]


def test_datasettes_metadata_and_the_html_page_name_the_vocabulary(tmp_path):
    """Datasette shows MIT and open-sdg on the SDG tables; the HTML page says where the targets come from."""
    export("sqlite", tmp_path / "kz.sqlite")
    tables = json.loads((tmp_path / "kz.metadata.json").read_text(encoding="utf-8"))["databases"]["kz"][
        "tables"
    ]
    for name in SDG_TABLES:
        assert tables[name]["license"] == "MIT" and tables[name]["source_url"] == VOCABULARY.url
    page = export("html", tmp_path / "kz.html").read_text(encoding="utf-8")
    assert f"Taken from {VOCABULARY.repository}" in page and "(MIT)" in page
