"""The curated annotations: themes, the links of each recommendation, and the report's figures.

Read from ``seeds/themes.toml`` and ``seeds/figures.toml``.  Every quote they
give must occur verbatim in the record they name; the build records its span
in the source, so that an explicit link or a figure can always be checked
against the report's own words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from kzrights._provenance import SourceMap
from kzrights.errors import BuildError
from kzrights.records import Basis, Figure, FigureKind, Item, Link, Paragraph, Recommendation, Span, Theme

from .entities import TextRecord
from .seed_files import (
    EvidenceLinkSeed,
    FigureSeed,
    FiguresFile,
    RecommendationLinksSeed,
    ThemeLinkSeed,
    ThemeSeed,
    ThemesFile,
    read,
)

__all__ = ["FIGURES_FILE", "THEMES_FILE", "Annotations", "read_annotations"]

THEMES_FILE = "themes.toml"
FIGURES_FILE = "figures.toml"


@attrs.frozen
class Annotations:
    """The curated layer, resolved against the parsed records."""

    themes: tuple[Theme, ...]
    theme_links: Mapping[str, tuple[Link, ...]]
    evidence_links: Mapping[str, tuple[Link, ...]]
    figures: tuple[Figure, ...]

    def apply(self, recommendation: Recommendation) -> Recommendation:
        """Return ``recommendation`` with its links filled in."""
        return attrs.evolve(
            recommendation,
            theme_links=self.theme_links.get(recommendation.id, ()),
            evidence_links=self.evidence_links.get(recommendation.id, ()),
        )


class _Reader:
    """Resolves quotes and ids against the records, failing with the seed file's name."""

    def __init__(self, records: Sequence[TextRecord], source: str) -> None:
        self.records = {r.id: r for r in records}
        self.source = source

    def record(self, path: str, record_id: Any, what: str) -> TextRecord:
        if not isinstance(record_id, str) or record_id not in self.records:
            raise BuildError(path, f"{what}: no record {record_id!r}")
        return self.records[record_id]

    def locate(self, path: str, record_id: Any, quote: Any, what: str) -> tuple[TextRecord, Span]:
        """Find ``quote`` (its first occurrence) in a record; return the record and the quote's span."""
        record = self.record(path, record_id, what)
        if not isinstance(quote, str) or not quote:
            raise BuildError(path, f"{what}: quote must be a non-empty string")
        start = record.text.find(quote)
        if start < 0:
            raise BuildError(path, f"{what}: {quote[:60]!r} is not in {record.id}")
        return record, SourceMap.of(self.source, record.span).to_source(start, start + len(quote))


def _themes(seeds: Sequence[ThemeSeed], reader: _Reader, path: str) -> tuple[Theme, ...]:
    themes = []
    for seed in seeds:
        what = f"theme {seed.id!r}"
        if seed.item is not None and not isinstance(reader.record(path, seed.item, what), Item):
            raise BuildError(path, f"{what}: {seed.item} is not a list item")
        themes.append(
            Theme(
                id=f"themes.{seed.id}",
                name=seed.name,
                basis=Basis.EXPLICIT if seed.item else Basis.EDITORIAL,
                description=seed.description,
                item_id=seed.item,
            )
        )
    ids = [t.id for t in themes]
    if len(set(ids)) != len(ids):
        raise BuildError(path, "theme ids must be distinct")
    return tuple(themes)


def _link(
    seed: ThemeLinkSeed | EvidenceLinkSeed, target_id: str, reader: _Reader, path: str, what: str
) -> Link:
    if seed.rationale is not None:
        if seed.quote is not None or seed.in_ is not None:
            raise BuildError(path, f"{what}: an editorial link has a rationale and no quote")
        return Link(target_id, Basis.EDITORIAL, rationale=seed.rationale)
    record, span = reader.locate(path, seed.in_, seed.quote, what)
    return Link(target_id, Basis.EXPLICIT, record_id=record.id, span=span, quote=seed.quote)


def _links(
    seeds: Sequence[RecommendationLinksSeed], themes: Sequence[Theme], reader: _Reader, path: str
) -> tuple[dict[str, tuple[Link, ...]], dict[str, tuple[Link, ...]]]:
    theme_ids = {t.id for t in themes}
    theme_links: dict[str, tuple[Link, ...]] = {}
    evidence_links: dict[str, tuple[Link, ...]] = {}
    for seed in seeds:
        what = f"recommendation {seed.id!r}"
        recommendation = reader.record(path, seed.id, what)
        if not isinstance(recommendation, Recommendation) or recommendation.id in theme_links:
            raise BuildError(path, f"{what}: not a recommendation, or listed twice")
        themed = []
        for link in seed.themes:
            target = f"themes.{link.theme}"
            if target not in theme_ids:
                raise BuildError(path, f"{what}: unknown theme {target!r}")
            themed.append(_link(link, target, reader, path, f"{what} → {target}"))
        evidence = []
        for evidence_link in seed.evidence:
            paragraph = reader.record(path, evidence_link.paragraph, what)
            if not (isinstance(paragraph, Paragraph) and paragraph.section_id == "conclusions"):
                wanted = evidence_link.paragraph
                raise BuildError(
                    path, f"{what}: evidence must be a paragraph of the conclusions, not {wanted!r}"
                )
            evidence.append(_link(evidence_link, paragraph.id, reader, path, f"{what} → {paragraph.id}"))
        if not themed or not evidence:
            raise BuildError(path, f"{what}: needs at least one theme and one evidence link")
        theme_links[recommendation.id] = tuple(themed)
        evidence_links[recommendation.id] = tuple(evidence)
    return theme_links, evidence_links


def _figures(seeds: Sequence[FigureSeed], reader: _Reader, path: str) -> tuple[Figure, ...]:
    figures = []
    for seed in seeds:
        what = f"figure {seed.id!r}"
        kind = seed.kind
        if (kind is FigureKind.DATE) != (seed.date is not None) or (kind is FigureKind.MONEY) != (
            seed.currency is not None
        ):
            raise BuildError(
                path, f"{what}: a date needs `date`, money needs `currency`, and nothing else has them"
            )
        record, span = reader.locate(path, seed.in_, seed.text, what)
        figures.append(
            Figure(
                id=f"figures.{seed.id}",
                figure_kind=kind,
                text=seed.text,
                record_id=record.id,
                span=span,
                description=seed.description,
                value=seed.value,
                unit=seed.unit,
                currency=seed.currency,
                date=seed.date,
                qualifier=seed.qualifier,
            )
        )
    ids = [f.id for f in figures]
    if len(set(ids)) != len(ids):
        raise BuildError(path, "figure ids must be distinct")
    return tuple(sorted(figures, key=lambda f: f.span.start))


def read_annotations(
    themes_data: Mapping[str, Any],
    themes_path: str,
    figures_data: Mapping[str, Any],
    figures_path: str,
    records: Sequence[TextRecord],
    source: str,
) -> Annotations:
    """Resolve the curated themes, links and figures against the parsed records.

    Raises:
        BuildError: On a malformed entry (see :mod:`.seed_files`), an unknown
            id, or a quote that is not in the record it names.
    """
    reader = _Reader(records, source)
    themes_file = read(themes_data, ThemesFile, themes_path)
    figures_file = read(figures_data, FiguresFile, figures_path)
    themes = _themes(themes_file.theme, reader, themes_path)
    theme_links, evidence_links = _links(themes_file.recommendation, themes, reader, themes_path)
    missing = [r.id for r in records if isinstance(r, Recommendation) and r.id not in theme_links]
    if missing:
        raise BuildError(themes_path, f"no links for {', '.join(missing)}")
    return Annotations(
        themes, theme_links, evidence_links, _figures(figures_file.figure, reader, figures_path)
    )
