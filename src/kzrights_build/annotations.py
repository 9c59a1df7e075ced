"""The curated annotations: themes, the links of each recommendation, and the report's figures.

Read from ``seeds/themes.toml`` and ``seeds/figures.toml``.  Every quote they
give must occur verbatim in the record they name; the build records its span
in the source, so that an explicit link or a figure can always be checked
against the report's own words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from kzrights._provenance import SourceMap
from kzrights.errors import BuildError
from kzrights.records import Basis, Figure, FigureKind, Item, Link, Paragraph, Recommendation, Span, Theme

from .entities import TextRecord, sentence_span
from .seed_files import (
    EvidenceLinkSeed,
    FigureSeed,
    FiguresFile,
    RecommendationLinksSeed,
    SetAsideSeed,
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


_QUOTED = re.compile(r"‘([^’]+)’")
_WORD = re.compile(r"\w+")


def _words(text: str) -> str:
    """``text`` as lowercase words and single spaces, without a leading "the"."""
    words = _WORD.findall(text.casefold())
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def _check_grounded(
    recommendation: Recommendation,
    links: Sequence[Link],
    evidence: Sequence[Link],
    reader: _Reader,
    path: str,
) -> None:
    """An explicit theme link quotes the recommendation, its lead-in, or where the report argues for it.

    "Where the report argues for it" is a sentence of one of its evidence
    paragraphs that holds one of its explicit evidence quotes: the same
    paragraph may argue something else in another sentence (conclusions.p19
    ties the Istanbul Convention to victims of human trafficking; the
    recommendation it argues for names neither).
    """
    argued: dict[str, list[tuple[int, int]]] = {}
    for link in evidence:
        if link.quote is not None and link.record_id is not None:
            start = reader.records[link.record_id].text.find(link.quote)
            argued.setdefault(link.record_id, []).append((start, start + len(link.quote)))
    for link in links:
        if link.quote is None or link.record_id in (recommendation.id, recommendation.lead_in_id):
            continue
        text = reader.records[str(link.record_id)].text
        start = text.find(link.quote)
        first, last = sentence_span(text, start, start + len(link.quote))
        if not any(a < last and first < b for a, b in argued.get(str(link.record_id), ())):
            raise BuildError(
                path,
                f"recommendation {recommendation.id!r} → {link.target_id}: an explicit link quotes the "
                "recommendation, its lead-in, or a sentence of an evidence paragraph that holds one of "
                f"its evidence quotes; {link.quote[:60]!r} in {link.record_id} is in none (make the link "
                "editorial, with a rationale, or drop it)",
            )


def _check_decree_areas(
    recommendation: Recommendation,
    links: Sequence[Link],
    evidence: Sequence[Link],
    set_aside: Sequence[SetAsideSeed],
    themes: Sequence[Theme],
    reader: _Reader,
    path: str,
) -> None:
    """Every decree area an evidence paragraph quotes is linked, or set aside with a reason.

    The report quotes the decree's areas when it ties an argument to them
    ("to fulfil the ‘right to freedom of association’"); a recommendation
    that rests on that paragraph without the link is missing one.
    """
    areas = {t.id: _words(reader.records[t.item_id].text) for t in themes if t.item_id is not None}
    quoted: set[str] = set()
    for paragraph_id in dict.fromkeys(link.target_id for link in evidence):
        for match in _QUOTED.finditer(reader.records[paragraph_id].text):
            words = _words(match.group(1))
            if words.count(" ") >= 1:  # two words at least: ‘kettling’ names no area
                quoted.update(theme_id for theme_id, area in areas.items() if words in area)
    linked = {link.target_id for link in links}
    aside = {f"themes.{seed.theme}" for seed in set_aside}
    for theme_id in sorted(aside - quoted):
        raise BuildError(
            path,
            f"recommendation {recommendation.id!r}: {theme_id} is set aside, "
            "but no evidence paragraph quotes it",
        )
    for theme_id in sorted(quoted - linked - aside):
        raise BuildError(
            path,
            f"recommendation {recommendation.id!r}: its evidence quotes the decree area {theme_id}, "
            "which it does not link; link it, or set it aside with a rationale",
        )


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
        for links, kind in ((themed, "theme"), (evidence, "evidence paragraph")):
            targets = [link.target_id for link in links]
            twice = sorted({t for t in targets if targets.count(t) > 1})
            if twice:
                # one link per target: the exports key a link by (recommendation, target)
                raise BuildError(path, f"{what}: links to the {kind} {twice[0]} more than once")
        _check_grounded(recommendation, themed, evidence, reader, path)
        _check_decree_areas(recommendation, themed, evidence, seed.set_aside, themes, reader, path)
        theme_links[recommendation.id] = tuple(themed)
        evidence_links[recommendation.id] = tuple(evidence)
    return theme_links, evidence_links


_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_PERIOD = re.compile(r"\d{4}\s*[-–—]\s*\d{2,4}\b")


def _check_figure(seed: FigureSeed, record: TextRecord, path: str, what: str) -> None:
    """A figure's date, period and unit say no more than its words in the report.

    - a date is ISO 8601, and its year is in the figure's text;
    - a period ("2015-16") is a date with ``date_end``, after ``date``, whose
      year (or its last two digits) is in the text; only a date has one;
    - every word of the unit stands in the sentence that holds the number:
      "200" with the unit "members" fails where the report never says members.
    """
    if seed.date_end is not None and seed.kind is not FigureKind.DATE:
        raise BuildError(path, f"{what}: only a date has date_end")
    for value in (seed.date, seed.date_end):
        if value is not None and not _ISO_DATE.fullmatch(value):
            raise BuildError(path, f"{what}: {value!r} is not an ISO 8601 year, month or day")
    if seed.date is not None and seed.date[:4] not in seed.text:
        raise BuildError(path, f"{what}: the year of {seed.date!r} is not in {seed.text!r}")
    if seed.kind is FigureKind.DATE and _PERIOD.search(seed.text) and seed.date_end is None:
        raise BuildError(path, f"{what}: {seed.text!r} is a period: give its end in date_end")
    if seed.date_end is not None:
        if seed.date is not None and seed.date_end <= seed.date:
            raise BuildError(path, f"{what}: date_end {seed.date_end!r} is not after date {seed.date!r}")
        if seed.date_end[:4] not in seed.text and seed.date_end[2:4] not in seed.text:
            raise BuildError(path, f"{what}: the year of date_end {seed.date_end!r} is not in {seed.text!r}")
    if seed.unit is not None:
        start = record.text.find(seed.text)
        first, last = sentence_span(record.text, start, start + len(seed.text))
        sentence = set(_WORD.findall(record.text[first:last].casefold()))
        missing = [word for word in _WORD.findall(seed.unit.casefold()) if word not in sentence]
        if missing:
            raise BuildError(
                path,
                f"{what}: the unit {seed.unit!r} says {missing[0]!r}, which the sentence that holds "
                f"{seed.text!r} in {record.id} does not (leave the unit out where the report gives none)",
            )


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
        _check_figure(seed, record, path, what)
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
                date_end=seed.date_end,
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
        BuildError: On a malformed entry (see `kzrights_build.seed_files`),
            an unknown id, a quote that is not in the record it names, an
            explicit theme link that does not quote where the report argues
            for the recommendation, a decree area an evidence paragraph
            quotes but the recommendation neither links nor sets aside, a
            period without its end, or a unit the report does not say
            near the number.
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
