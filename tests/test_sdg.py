"""The SDG layer of release 1.3.0: goals and targets as records, each recommendation's links to them.

The goals' and targets' words are checked against the reference file itself
(``seeds/reference/sdg_targets.json``), never a retyped copy; the links are
checked as a user meets them: through ``Report``, the build that refuses bad
seeds, the table exports opened in Datasette, DuckDB and pandas (joined to a
UHRI-shaped CSV), the HTML page and the W3C annotations expanded by pyld.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import json
import pickle
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from tests.conftest import SEEDS, consumer

import kzrights
from kzrights import Basis, SdgGoal, SdgTarget, UnknownSdgTargetError
from kzrights.errors import BuildError, KzrightsError
from kzrights_build import build_release, read_seeds

REFERENCE = SEEDS / "reference" / "sdg_targets.json"


@pytest.fixture(scope="module")
def report() -> kzrights.Report:
    """Release 1.3.0, the first with the SDG layer."""
    return kzrights.load("1.3.0")


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    """The reference file as the build reads it."""
    data: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return data


# --- the records -----------------------------------------------------------------------------


def test_every_goal_and_target_is_the_reference_text(report, reference):
    """17 goals and 169 targets, each word for word the reference file's, in its order."""
    assert [(g.id, g.title, g.short) for g in report.sdg_goals] == [
        (f"sdg.{g['id']}", g["title"], g["short"]) for g in reference["goals"]
    ]
    assert [(t.id, t.goal_id, t.text) for t in report.sdg_targets] == [
        (f"sdg.{t['id']}", f"sdg.{t['goal']}", t["text"]) for t in reference["targets"]
    ]
    assert (len(report.sdg_goals), len(report.sdg_targets)) == (17, 169)
    per_goal = [len(g.target_ids) for g in report.sdg_goals]
    assert per_goal == [int(n) for n in reference["counts"]["targets_per_goal"].values()]


def test_get_resolves_goals_and_targets(report):
    """`Report.get` returns the typed record for ``sdg.16`` and ``sdg.16.10``."""
    target = report.get("sdg.16.10")
    assert isinstance(target, SdgTarget) and target.code == "16.10" and target.goal_id == "sdg.16"
    assert target.text.startswith("Ensure public access to information and protect fundamental freedoms")
    goal = report.get("sdg.16")
    assert isinstance(goal, SdgGoal) and goal.number == 16 and "sdg.16.10" in goal.target_ids
    with pytest.raises(ValueError, match="not one stretch of the source"):
        report.source_of("sdg.16.10")


def test_metadata_names_the_vocabulary_source_and_licence(report):
    """The release names the targets' source, its commit, its licence and the file's hash."""
    (vocabulary,) = report.metadata.vocabularies
    assert vocabulary.id == "sdg" and vocabulary.licence == "MIT"
    assert vocabulary.repository == "open-sdg/sdg-translations"
    assert vocabulary.sha256 == hashlib.sha256(REFERENCE.read_bytes()).hexdigest()
    assert "A/RES/70/1" in vocabulary.rights
    assert kzrights.load("1.1.0").metadata.vocabularies == ()


def test_every_recommendation_has_sdg_links_with_a_basis(report):
    """Each of the 15 has one to a handful of links; explicit ones quote it or its lead-in, at their span."""
    for rec in report.recommendations:
        assert 1 <= len(rec.sdg_links) <= 4, rec.id
        for link in rec.sdg_links:
            assert isinstance(report.get(link.target_id), SdgTarget)
            if link.basis is Basis.EXPLICIT:
                assert link.record_id in (rec.id, rec.lead_in_id) and link.rationale is None
                assert link.span is not None and link.quote
                assert report.source_text[link.span.start : link.span.end] == link.quote
            else:
                assert link.rationale and link.quote is None and link.span is None


def test_earlier_releases_have_no_sdg_layer():
    """1.0.0 and 1.1.0 load as before: no goals, no targets, no links."""
    for version in ("1.0.0", "1.1.0"):
        old = kzrights.load(version)
        assert old.sdg_targets == () and all(r.sdg_links == () for r in old.recommendations)
        with pytest.raises(UnknownSdgTargetError, match=r"came with 1\.3\.0"):
            old.recommendations_for_sdg("16.10")


# --- recommendations_for_sdg ------------------------------------------------------------------

_SPACE = st.text(alphabet=" \t\n", max_size=3)


@given(st.data())
@example(data=None)
def test_recommendations_for_sdg_reads_every_form(report, data):
    """'16.10', 'sdg.16.10', ' 16.10 ' and 'SDG.16.10' give the recommendations linked to that target."""
    if data is None:
        code, left, right, prefix = "16.10", " ", " ", "sdg."
    else:
        code = data.draw(st.sampled_from([t.code for t in report.sdg_targets]))
        left, right = data.draw(_SPACE), data.draw(_SPACE)
        prefix = data.draw(st.sampled_from(["", "sdg.", "SDG."]))
    expected = tuple(r for r in report.recommendations if f"sdg.{code}" in r.sdg_target_ids)
    assert report.recommendations_for_sdg(f"{left}{prefix}{code}{right}") == expected
    assert report.recommendations_for_sdg(code.upper()) == expected


def test_recommendations_for_sdg_of_a_goal(report):
    """A goal gives the recommendations linked to any of its targets, in reading order."""
    assert [r.id for r in report.recommendations_for_sdg("5")] == ["recommendations.government.12"]
    sixteen = report.recommendations_for_sdg("sdg.16")
    assert [r.id for r in sixteen] == [
        r.id for r in report.recommendations if any(t.startswith("sdg.16.") for t in r.sdg_target_ids)
    ]
    assert len(report.recommendations_for_sdg("16.10")) == 10
    assert report.recommendations_for_sdg("1.1") == ()  # a target nothing serves


@given(st.text(max_size=40))
@example("16.100")
@example("sdg.sdg.16.10")
@example("16-10")
@example("")
def test_recommendations_for_sdg_refuses_anything_else(report, text):
    """Input that is no goal or target raises UnknownSdgTargetError naming the forms it takes; it pickles."""
    code = text.strip().lower().removeprefix("sdg.")
    if f"sdg.{code}" in report:
        return
    with pytest.raises(UnknownSdgTargetError) as info:
        report.recommendations_for_sdg(text)
    assert "'16.10' or 'sdg.16.10'" in str(info.value) and isinstance(
        info.value, (KzrightsError, LookupError)
    )
    again = pickle.loads(pickle.dumps(info.value))
    assert str(again) == str(info.value) and again.forms == info.value.forms


def test_recommendations_for_sdg_wants_a_string(report):
    """A number is a TypeError, not a silent empty answer."""
    with pytest.raises(TypeError, match="must be a str"):
        report.recommendations_for_sdg(16.10)  # type: ignore[arg-type]


# --- the build --------------------------------------------------------------------------------


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A copy of seeds/ to break."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return tmp_path / "seeds"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


_LINK_12 = 'target = "5.2"\nquote = "new laws on domestic violence and sexual harassment"'


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (
            'target = "5.42"\nquote = "new laws on domestic violence and sexual harassment"',
            "unknown SDG target '5.42'",
        ),
        (
            'target = "sdg.5.2"\nquote = "new laws on domestic violence and sexual harassment"',
            "unknown SDG target",
        ),
        (
            'target = "5.2"\nquote = "Stop using kettling"',
            "'Stop using kettling' is not in recommendations.government.12",
        ),
        (
            'target = "5.2"\nin = "conclusions.p8"\nquote = "treaty bodies"',
            "quotes the recommendation or its lead-in, not 'conclusions.p8'",
        ),
        ('target = "5.2"', "give a quote \\(explicit\\) or a rationale \\(editorial\\)"),
        ('target = "5.2"\nrationale = "  "', "rationale must not be blank"),
        (
            'target = "5.2"\nrationale = "why"\nquote = "domestic violence"',
            "recommendations.government.12' → sdg.5.2: has both a quote \\(an explicit link\\) "
            "and a rationale \\(an editorial link\\)",
        ),
        (
            'target = "5.2"\nrationale = "why"\nin = "recommendations.p1"',
            "an editorial link quotes nothing, so it takes no 'in'",
        ),
        (
            'target = "5.2"\nrationale = """Ending violence against women\nis the target."""',
            "recommendations.government.12' → sdg.5.2: the rationale runs over more than one line",
        ),
        (
            'target = "5.2"\nrationale = "Ending violence against women.\\r"',
            "the rationale runs over more than one line",
        ),
    ],
)
def test_the_build_refuses_a_bad_link(seeds, new, message):
    """Unknown target; a quote from neither the recommendation nor its lead-in; no rationale."""
    _replace(seeds / "sdg_links.toml", _LINK_12, new)
    with pytest.raises(BuildError, match=message) as info:
        build_release(read_seeds(seeds))
    assert "sdg_links.toml" in str(info.value)


def test_the_build_accepts_a_quote_from_the_lead_in(seeds):
    """An explicit link may quote the lead-in, named with ``in``; its span is the lead-in's words."""
    _replace(
        seeds / "sdg_links.toml",
        _LINK_12,
        'target = "5.2"\nin = "recommendations.p1"\nquote = "the Government of Kazakhstan should"',
    )
    built = build_release(read_seeds(seeds))
    data = json.loads(built.files["report.json"])
    (rec,) = (r for r in data["recommendations"] if r["id"] == "recommendations.government.12")
    assert rec["sdg_links"][0]["record_id"] == "recommendations.p1"


def test_the_build_refuses_a_retyped_reference_file(seeds):
    """Changing one character of the reference file stops the build: its sha256 is pinned."""
    _replace(seeds / "reference" / "sdg_targets.json", "Ensure public access", "Ensure public acess")
    with pytest.raises(BuildError, match=r"sha256 is .*never edit it"):
        build_release(read_seeds(seeds))


def test_the_build_wants_links_for_every_recommendation(seeds):
    """A recommendation left without SDG links is named."""
    _replace(
        seeds / "sdg_links.toml",
        '[[recommendation]]\nid = "recommendations.government.9"\n',
        '[[recommendation]]\nid = "recommendations.government.10"\n',
    )
    with pytest.raises(BuildError, match="listed twice"):
        build_release(read_seeds(seeds))


# --- the exports, opened by their consumers ----------------------------------------------------


_EXPORT = (sys.executable, "-m", "kzrights", "--data-version", "1.3.0", "export")


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    """The SQLite, Parquet, CSV, HTML and annotation exports of 1.3.0, made by the CLI as users do."""
    folder = tmp_path_factory.mktemp("sdg")
    paths = {
        "sqlite": folder / "kz.sqlite",
        "parquet": folder / "parquet",
        "csv": folder / "csv",
        "html": folder / "kz.html",
        "annotations": folder / "kz.jsonld",
    }
    for format, path in paths.items():
        subprocess.run(
            [*_EXPORT, "--format", format, "--output", str(path)],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return paths


def test_datasette_offers_facets_on_the_sdg_targets(report, exported):
    """Datasette's page of the link table offers facets by target and goal, with the right counts."""
    app = consumer("datasette.app")
    metadata = json.loads(exported["sqlite"].with_name("kz.metadata.json").read_text(encoding="utf-8"))
    datasette = app.Datasette([str(exported["sqlite"])], metadata=metadata)  # type: ignore[attr-defined]

    async def fetch(url: str) -> Any:
        return await datasette.client.get(url)

    response = asyncio.run(fetch("/kz/recommendation_sdg_targets.json"))
    assert response.status_code == 200
    facets = response.json()["facet_results"]
    results = facets.get("results", facets)
    counts = {f["value"]: f["count"] for f in results["sdg_target_code"]["results"]}
    expected: dict[str, int] = {}
    for rec in report.recommendations:
        for target in rec.sdg_target_ids:
            expected[target.removeprefix("sdg.")] = expected.get(target.removeprefix("sdg."), 0) + 1
    assert counts == expected and counts["16.10"] == 10
    goals = {f["value"]: f["count"] for f in results["sdg_goal_id"]["results"]}
    assert set(goals) == {"sdg.5", "sdg.8", "sdg.16"}
    # the recommendations table facets by the values of its sdg_targets arrays
    facets = asyncio.run(fetch("/kz/recommendations.json")).json()["facet_results"]
    results = facets.get("results", facets)
    assert {f["value"]: f["count"] for f in results["sdg_targets"]["results"]} == expected
    page = asyncio.run(fetch("/kz/recommendation_sdg_targets?sdg_target_code=16.5")).text
    assert "recommendations.international.2" in page and "recommendations.government.8" not in page


def _uhri_csv(path: Path) -> Path:
    """A small file shaped like an OHCHR Universal Human Rights Index export, keyed by SDG target."""
    rows = [
        ("UHRI-0001", "Guarantee the right to freedom of peaceful assembly", "16.10", "CCPR"),
        ("UHRI-0002", "Adopt a comprehensive law on domestic violence", "5.2", "CEDAW"),
        ("UHRI-0003", "Strengthen measures against corruption", "16.5", "UPR"),
        ("UHRI-0004", "Ensure access to safe drinking water", "6.1", "CESCR"),
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Annotation ID", "Recommendation", "SDG Target", "Mechanism"])
        writer.writerows(rows)
    return path


def test_duckdb_joins_recommendations_to_uhri_by_sdg_target(report, exported, tmp_path):
    """DuckDB joins the Parquet export to a UHRI-shaped CSV: recommendations paired by SDG target."""
    duckdb = consumer("duckdb")
    uhri = _uhri_csv(tmp_path / "uhri.csv")
    folder = exported["parquet"]
    rows = (
        duckdb.connect()  # type: ignore[attr-defined]
        .execute(
            f"""
        select link.recommendation_id, u."Annotation ID", link.basis
        from '{folder / "recommendation_sdg_targets.parquet"}' link
        join read_csv('{uhri}', all_varchar = true) u on u."SDG Target" = link.sdg_target_code
        order by 1, 2
        """
        )
        .fetchall()
    )
    by_uhri: dict[str, set[str]] = {}
    for recommendation, uhri_id, _ in rows:
        by_uhri.setdefault(uhri_id, set()).add(recommendation)
    assert by_uhri["UHRI-0002"] == {"recommendations.government.12"}
    assert by_uhri["UHRI-0003"] == {"recommendations.international.2"}
    assert by_uhri["UHRI-0001"] == {r.id for r in report.recommendations_for_sdg("16.10")}
    assert "UHRI-0004" not in by_uhri  # no recommendation serves 6.1


def test_pandas_joins_recommendations_to_uhri_by_sdg_target(report, tmp_path):
    """`to_dataframes` and pandas: the same join, with the recommendation's text beside the UHRI's."""
    import pandas as pd

    uhri = pd.read_csv(_uhri_csv(tmp_path / "uhri.csv"), dtype=str)
    frames = report.to_dataframes()
    joined = (
        frames["recommendation_sdg_targets"]
        .merge(uhri, left_on="sdg_target_code", right_on="SDG Target")
        .merge(frames["recommendations"], left_on="recommendation_id", right_on="id")
    )
    domestic = joined[joined["Annotation ID"] == "UHRI-0002"]
    assert list(domestic["text"]) == [report.recommendation("government", 12).text]
    assert list(domestic["basis"]) == ["explicit"]
    # the recommendations table carries the targets too, as a list per row
    row = frames["recommendations"].set_index("id").loc["recommendations.international.2"]
    assert list(row["sdg_targets"]) == ["16.5", "16.4"]


def test_csv_package_declares_the_sdg_keys(exported):
    """The CSV's Frictionless package validates, and the link table's foreign keys reach the targets."""
    import frictionless

    package = frictionless.Package(str(exported["csv"] / "datapackage.json"))
    report = frictionless.validate(str(exported["csv"] / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    keys = package.get_resource("recommendation_sdg_targets").schema.foreign_keys
    assert {k["reference"]["resource"] for k in keys} >= {"recommendations", "sdg_targets", "sdg_goals"}
    targets = package.get_resource("sdg_targets").read_rows()
    assert len(targets) == 169


class _Anchors(HTMLParser):
    """The text under each element with an id, and every link to an SDG target with its title."""

    _VOID = frozenset({"br", "meta", "hr", "img", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.text: dict[str, str] = {}
        self.links: list[tuple[str, str]] = []
        self._open: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        href = found.get("href") or ""
        if tag == "a" and href.startswith("#sdg."):
            self.links.append((href, found.get("title") or ""))
        if tag not in self._VOID:
            self._open.append(found.get("id"))
            if found.get("id"):
                self.text.setdefault(found["id"] or "", "")

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._VOID and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for id in self._open:
            if id:
                self.text[id] += data


def test_html_shows_each_recommendations_targets_linked_to_their_text(report, exported):
    """Each recommendation's targets link to the targets' UN wording, the basis in the link's title."""
    page = exported["html"].read_text(encoding="utf-8")
    parser = _Anchors()
    parser.feed(page)
    assert parser.text["recommendations.international.2"].endswith("SDG targets: 16.516.4")
    linked = {t for r in report.recommendations for t in r.sdg_target_ids}
    assert {href for href, _ in parser.links} == {f"#{t}" for t in linked}
    assert parser.text["sdg.16.5"] == "16.5"  # the <dt>; its <dd> holds the UN's words
    assert report.get("sdg.16.5").text in page
    titles = dict(parser.links)
    assert titles["#sdg.16.5"] == "explicit: quoting “tacking corruption and kleptocracy”"
    assert any(title.startswith("editorial: ") for _, title in parser.links)
    assert "open-sdg/sdg-translations" in page and "(MIT)" in page


def test_pyld_reads_the_sdg_links_as_classifying_annotations(report, exported):
    """Each SDG link is a W3C annotation, motivated by classifying, whose body is the target's IRI."""
    from pyld import jsonld
    from tests.test_annotations_consumers import AS, OA, offline_loader, value

    data = json.loads(exported["annotations"].read_text(encoding="utf-8"))
    (collection,) = jsonld.expand(data, {"documentLoader": offline_loader})
    (page,) = collection[AS + "first"]
    (items,) = page[AS + "items"]
    found = set()
    for annotation in items["@list"]:
        for body in annotation[OA + "hasBody"]:
            source = body.get(OA + "hasSource")
            if source and source[0]["@id"].startswith("urn:kzrights:1.3.0:sdg."):
                assert value(annotation, "motivatedBy") == OA + "classifying"
                assert value(body, "hasPurpose") == OA + "classifying"
                target = annotation[OA + "hasTarget"][0][OA + "hasSource"][0]["@id"]
                basis = annotation["urn:kzrights:vocab:basis"][0]["@value"]
                found.add((target.rsplit(":", 1)[1], source[0]["@id"].rsplit(":", 1)[1], basis))
    expected = {
        (r.id, link.target_id, link.basis.value) for r in report.recommendations for link in r.sdg_links
    }
    assert found == expected


def test_the_sdg_tables_carry_the_vocabularys_licence_and_source_not_the_reports(tmp_path):
    """Datasette's metadata and the Data Package say the UN's words come from open-sdg (MIT), not CC BY.

    The link table is kzrights' own curation and keeps CC BY (a fresh tester's finding).
    """
    import frictionless

    report = kzrights.load("1.3.0")
    (vocabulary,) = report.metadata.vocabularies
    kzrights.export(report, "sqlite", tmp_path / "kz.sqlite")
    metadata = json.loads((tmp_path / "kz.metadata.json").read_text(encoding="utf-8"))
    tables = metadata["databases"]["kz"]["tables"]
    for name in ("sdg_goals", "sdg_targets"):
        assert tables[name]["license"] == "MIT"
        assert tables[name]["source_url"] == vocabulary.url
    assert tables["recommendation_sdg_targets"]["license"].startswith("CC BY 4.0")
    kzrights.export(report, "csv", tmp_path / "csv")
    package = frictionless.Package(str(tmp_path / "csv" / "datapackage.json"))
    licences = {r.name: [lic["name"] for lic in (r.licenses or [])] for r in package.resources}
    assert licences["sdg_targets"] == licences["sdg_goals"] == ["MIT"]
    assert licences["recommendation_sdg_targets"] == []  # the package's own CC BY 4.0


@pytest.mark.parametrize("version", ["1.0.0", "1.1.0", "1.2.0"])
@pytest.mark.parametrize("given", ["16.10", "sdg.16.10", "16"])
def test_a_release_without_sdg_links_says_only_that(version, given):
    """Before 1.3.0 a well-formed code is not told to take the form it has; the error says what is missing."""
    with pytest.raises(UnknownSdgTargetError) as info:
        kzrights.load(version).recommendations_for_sdg(given)
    message = str(info.value)
    assert message == (
        f"release {version} has no SDG goals or targets, so none is {given!r}: they came with 1.3.0"
    )
    assert str(pickle.loads(pickle.dumps(info.value))) == message
