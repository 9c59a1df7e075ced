"""Themes, the recommendations' theme and evidence links, and the report's figures (release 1.1.0)."""

from __future__ import annotations

import copy
import shutil

import pytest

import kzrights
from kzrights import Basis, FigureKind, UnknownIdError
from kzrights.errors import BuildError
from kzrights_build import read_seeds
from kzrights_build.seeds import load_toml

from .annotation_seeds import read
from .conftest import SEEDS


@pytest.fixture(scope="module")
def r11() -> kzrights.Report:
    """Release 1.1.0."""
    return kzrights.load("1.1.0")


def test_decree_areas_are_the_controlled_vocabulary(r11):
    """The nine decree areas are the report's own themes, each tied to its item; the rest are editorial."""
    explicit = [t for t in r11.themes if t.basis is Basis.EXPLICIT]
    assert [t.item_id for t in explicit] == [f"conclusions.p8.i{n}" for n in range(1, 10)]
    editorial = [t for t in r11.themes if t.basis is Basis.EDITORIAL]
    assert 1 <= len(editorial) <= 8
    assert all(t.item_id is None for t in editorial)
    assert r11.get("themes.freedom-of-expression").kind == "theme"


def test_every_recommendation_has_themes_and_evidence(r11):
    """Each of the 15 recommendations links to at least one theme and one paragraph of the conclusions."""
    theme_ids = {t.id for t in r11.themes}
    for rec in r11.recommendations:
        assert rec.theme_ids and set(rec.theme_ids) <= theme_ids, rec.id
        assert rec.evidence_ids, rec.id
        for pid in rec.evidence_ids:
            assert r11.get(pid).section_id == "conclusions"


def test_explicit_links_carry_the_reports_words(r11):
    """An explicit link's quote is in its record, and its span gives that quote in the source."""
    links = [link for rec in r11.recommendations for link in (*rec.theme_links, *rec.evidence_links)]
    explicit = [link for link in links if link.basis is Basis.EXPLICIT]
    editorial = [link for link in links if link.basis is Basis.EDITORIAL]
    assert explicit and editorial
    for link in explicit:
        assert link.quote in r11.get(link.record_id).text
        assert link.span.slice(r11.source_text) == link.quote
        assert link.rationale is None
    for link in editorial:
        assert link.rationale and link.span is None and link.quote is None


def test_evidence_links_quote_the_paragraph_they_point_at(r11):
    """Explicit evidence is quoted from the very paragraph it names."""
    for rec in r11.recommendations:
        for link in rec.evidence_links:
            if link.basis is Basis.EXPLICIT:
                assert link.record_id == link.target_id


def test_recommendations_on_a_theme(r11):
    """recommendations_on() lists the recommendations linked to a theme; a wrong id is an UnknownIdError."""
    ids = [r.id for r in r11.recommendations_on("themes.freedom-of-expression")]
    assert "recommendations.government.9" in ids and "recommendations.government.4" in ids
    with pytest.raises(UnknownIdError):
        r11.recommendations_on("themes.nothing")
    with pytest.raises(UnknownIdError):
        r11.recommendations_on("conclusions.p1")


def test_figures_are_typed_and_traceable(r11):
    """Each figure's words are at its span, inside its record, with a typed value."""
    assert len(r11.figures) >= 12
    for figure in r11.figures:
        assert figure.span.slice(r11.source_text) == figure.text
        record = r11.get(figure.record_id)
        assert record.span.start <= figure.span.start and figure.span.end <= record.span.end
        if figure.figure_kind is FigureKind.DATE:
            assert figure.date and figure.value is None
        else:
            assert isinstance(figure.value, float)
        assert (figure.currency is not None) == (figure.figure_kind is FigureKind.MONEY)
    ebrd = r11.get("figures.ebrd-portfolio")
    assert (ebrd.value, ebrd.currency, ebrd.text) == (2_430_000_000.0, "EUR", "€2.43bn")
    assert r11.get("figures.golden-visa-holders").qualifier == "at least"


def test_annotation_seeds_errors(seeds_and_records):
    """A quote not in its record, an unknown theme or kind, or a missing recommendation is a BuildError."""
    seeds, _ = seeds_and_records
    assert len(read(seeds_and_records).themes) == len(kzrights.load("1.1.0").themes)

    themes = copy.deepcopy(seeds.themes_data)
    themes["recommendation"][0]["evidence"][0]["quote"] = "words the report never uses"
    with pytest.raises(BuildError, match=r"is not in conclusions\.p10"):
        read(seeds_and_records, themes=themes)

    themes = copy.deepcopy(seeds.themes_data)
    themes["recommendation"][0]["themes"][0]["theme"] = "happiness"
    with pytest.raises(BuildError, match="unknown theme"):
        read(seeds_and_records, themes=themes)

    themes = copy.deepcopy(seeds.themes_data)
    themes["recommendation"].pop()
    with pytest.raises(BuildError, match=r"no links for recommendations\.international\.2"):
        read(seeds_and_records, themes=themes)

    themes = copy.deepcopy(seeds.themes_data)
    themes["recommendation"][0]["evidence"][0]["paragraph"] = "recommendations.p1"
    with pytest.raises(BuildError, match="evidence must be a paragraph of the conclusions"):
        read(seeds_and_records, themes=themes)

    figures = copy.deepcopy(seeds.figures_data)
    figures["figure"][0]["kind"] = "vibe"
    with pytest.raises(BuildError, match=r"figure\[0\]\.kind: must be one of"):
        read(seeds_and_records, figures=figures)

    figures = copy.deepcopy(seeds.figures_data)
    figures["figure"][0]["value"] = "thirty"
    with pytest.raises(BuildError, match=r"figure\[0\]\.value: must be a number"):
        read(seeds_and_records, figures=figures)


def test_entities_seed_errors(tmp_path):
    """A broken entity registry stops the build with the reason."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    path = tmp_path / "seeds" / "entities.toml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace('category = "place"', 'category = "planet"', 1), encoding="utf-8")
    with pytest.raises(BuildError, match=r"entities\.toml: entity\[\d+\]\.category: must be one of"):
        read_seeds(tmp_path / "seeds")
    path.write_text(
        original.replace('related = ["freedom-restrictions"]', 'related = ["nobody"]', 1), "utf-8"
    )
    with pytest.raises(BuildError, match="not another entity"):
        read_seeds(tmp_path / "seeds")
    path.write_text(original.replace('aliases = ["Kamidola"', 'aliases = ["Bokayev"', 1), encoding="utf-8")
    with pytest.raises(BuildError, match="names both"):
        read_seeds(tmp_path / "seeds")
    assert load_toml(SEEDS / "entities.toml")["entity"]
