"""Every part of a release file (sections, paragraphs, …, sources) reaches every tool that lists parts.

The parts are read here from the shipped ``report.json`` files themselves, so
a part that the release has and a tool forgets fails these tests.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest

import kzrights

from .conftest import DATA

VERSIONS = kzrights.versions()
TEXT_PARTS = ("paragraphs", "items", "recommendations", "footnotes")


def _parts(version: str) -> dict[str, list[dict[str, Any]]]:
    """The parts of a shipped release, as its report.json has them (header fields left out)."""
    data = json.loads((DATA / "releases" / version / "report.json").read_text(encoding="utf-8"))
    return {name: value for name, value in data.items() if name not in ("schema", "metadata")}


def _ids(version: str) -> list[str]:
    return [member["id"] for members in _parts(version).values() for member in members if "id" in member]


@pytest.mark.parametrize("version", VERSIONS)
def test_the_report_holds_every_part_of_its_release_file(version):
    """Each part the file has is an attribute of the Report with as many members, none dropped."""
    report = kzrights.load(version)
    for name, members in _parts(version).items():
        assert len(getattr(report, name)) == len(members), name


@pytest.mark.parametrize("version", VERSIONS)
def test_get_resolves_every_member_with_an_id_and_nothing_else(version):
    """ids() is exactly the ids of the file's parts, and get() returns each of them."""
    report = kzrights.load(version)
    expected = _ids(version)
    assert sorted(report.ids()) == sorted(expected)
    for id in expected:
        assert report.get(id).id == id


@pytest.mark.parametrize("version", VERSIONS)
def test_ids_list_sections_then_records_in_reading_order(version):
    """The order of ids() is the documented one: sections, text records by position, then the rest."""
    report = kzrights.load(version)
    parts = _parts(version)
    records = sorted(
        (member for name in TEXT_PARTS for member in parts[name]), key=lambda member: member["span"][0]
    )
    sections = [s["id"] for s in parts["sections"]]
    rest = [
        m["id"]
        for name, ms in parts.items()
        if name not in ("sections", *TEXT_PARTS)
        for m in ms
        if "id" in m
    ]
    assert list(report.ids()) == [*sections, *(r["id"] for r in records), *rest]
    assert [r.id for r in report.records()] == [r["id"] for r in records]


@pytest.mark.parametrize("version", VERSIONS)
def test_repr_counts_every_part_the_release_has(version):
    """repr(report) names the count of every non-empty part with ids (all but the sections)."""
    shown = repr(kzrights.load(version))
    for name, members in _parts(version).items():
        if name != "sections" and members and "id" in members[0]:
            assert f" {len(members)} {name}" in shown, name


@pytest.mark.parametrize("version", VERSIONS)
def test_the_notebook_summary_counts_every_part(version):
    """The HTML Jupyter shows for a Report has a row with each part's count."""
    page = kzrights.load(version)._repr_html_()
    rows = dict(re.findall(r"<th[^>]*>([^<]*)</th><td[^>]*>([^<]*)</td>", page))
    for name, members in _parts(version).items():
        assert rows.get(name) == str(len(members)), name


def test_diff_adds_the_ids_of_every_part():
    """diff() between the two releases sees every id that only the newer one has, of every part."""
    old, new = VERSIONS[0], VERSIONS[-1]
    change = kzrights.diff(old, new)
    before = set(_ids(old))
    assert sorted(change.added) == sorted(i for i in _ids(new) if i not in before)
    assert {i.split(".")[0] for i in change.added} >= {"entities", "themes", "figures", "sources"}


@pytest.mark.parametrize("version", VERSIONS)
def test_the_json_export_keeps_the_key_order_of_the_release_file(version, tmp_path):
    """The json export lists the parts in the order the shipped file does (the hashes lock that order)."""
    path = tmp_path / "release.json"
    kzrights.export(kzrights.load(version), "json", path)
    exported = list(json.loads(path.read_text(encoding="utf-8")))
    shipped = json.loads((DATA / "releases" / version / "report.json").read_text(encoding="utf-8"))
    # a schema-1 release has no later parts; the export writes them empty, after the others
    assert exported[: len(shipped) + 1] == ["version", *shipped]


@pytest.mark.parametrize("version", VERSIONS)
def test_kzrights_info_counts_every_part(version):
    """`kzrights info` counts each part of the release file, in the file's order, as JSON and as text."""
    parts = _parts(version)
    command = [sys.executable, "-m", "kzrights", "info", "--data-version", version]
    data = json.loads(subprocess.run([*command, "--json"], capture_output=True, text=True, check=True).stdout)
    counts = data["counts"]
    assert list(counts)[: len(parts)] == list(parts)
    assert {name: counts[name] for name in parts} == {name: len(members) for name, members in parts.items()}
    # a schema-1 release has none of the later parts: counted as 0
    assert all(counts[name] == 0 for name in counts if name not in parts)
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    for name, members in parts.items():
        assert re.search(rf"^  {name} +{len(members)}$", text, re.MULTILINE), name
