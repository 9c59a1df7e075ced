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

from kzrights.errors import BuildError
from kzrights.records import Basis, Figure, FigureKind, Item, Link, Paragraph, Recommendation, Span, Theme

from .entities import TextRecord
from .parse import clean

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
        offsets = clean(self.source, record.span.start, record.span.end).offsets
        end = start + len(quote)
        return record, Span(offsets[start], offsets[end - 1] + 1)


def _strings(table: Mapping[str, Any], keys: Sequence[str], path: str, what: str) -> None:
    for key in keys:
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise BuildError(path, f"{what}: {key} must be a non-empty string")


def _themes(data: Mapping[str, Any], reader: _Reader, path: str) -> tuple[Theme, ...]:
    themes = []
    for raw in data.get("theme", []):
        what = f"theme {raw.get('id')!r}"
        if not isinstance(raw, dict) or not set(raw) <= {"id", "name", "description", "item"}:
            raise BuildError(path, f"{what}: fields are id, name, description and, for a decree area, item")
        _strings(raw, ("id", "name", "description"), path, what)
        item_id = raw.get("item")
        if item_id is not None and not isinstance(reader.record(path, item_id, what), Item):
            raise BuildError(path, f"{what}: {item_id} is not a list item")
        themes.append(
            Theme(
                id=f"themes.{raw['id']}",
                name=raw["name"],
                basis=Basis.EXPLICIT if item_id else Basis.EDITORIAL,
                description=raw["description"],
                item_id=item_id,
            )
        )
    ids = [t.id for t in themes]
    if not themes or len(set(ids)) != len(ids):
        raise BuildError(path, "expected [[theme]] tables with distinct ids")
    return tuple(themes)


def _link(raw: Any, target_id: str, reader: _Reader, path: str, what: str) -> Link:
    if not isinstance(raw, dict):
        raise BuildError(path, f"{what}: a link must be a table")
    if "rationale" in raw:
        if "quote" in raw or "in" in raw:
            raise BuildError(path, f"{what}: an editorial link has a rationale and no quote")
        _strings(raw, ("rationale",), path, what)
        return Link(target_id, Basis.EDITORIAL, rationale=raw["rationale"])
    record, span = reader.locate(path, raw.get("in"), raw.get("quote"), what)
    return Link(target_id, Basis.EXPLICIT, record_id=record.id, span=span, quote=raw["quote"])


def _links(
    data: Mapping[str, Any], themes: Sequence[Theme], reader: _Reader, path: str
) -> tuple[dict[str, tuple[Link, ...]], dict[str, tuple[Link, ...]]]:
    theme_ids = {t.id for t in themes}
    theme_links: dict[str, tuple[Link, ...]] = {}
    evidence_links: dict[str, tuple[Link, ...]] = {}
    for raw in data.get("recommendation", []):
        rec_id = raw.get("id") if isinstance(raw, dict) else None
        what = f"recommendation {rec_id!r}"
        recommendation = reader.record(path, rec_id, what)
        if not isinstance(recommendation, Recommendation) or recommendation.id in theme_links:
            raise BuildError(path, f"{what}: not a recommendation, or listed twice")
        themed = []
        for link in raw.get("themes", []):
            target = f"themes.{link.get('theme')}" if isinstance(link, dict) else ""
            if target not in theme_ids:
                raise BuildError(path, f"{what}: unknown theme {target!r}")
            themed.append(_link(link, target, reader, path, f"{what} → {target}"))
        evidence = []
        for link in raw.get("evidence", []):
            wanted = link.get("paragraph") if isinstance(link, dict) else None
            paragraph = reader.record(path, wanted, what)
            if not (isinstance(paragraph, Paragraph) and paragraph.section_id == "conclusions"):
                raise BuildError(
                    path, f"{what}: evidence must be a paragraph of the conclusions, not {wanted!r}"
                )
            evidence.append(_link(link, paragraph.id, reader, path, f"{what} → {paragraph.id}"))
        if not themed or not evidence:
            raise BuildError(path, f"{what}: needs at least one theme and one evidence link")
        theme_links[recommendation.id] = tuple(themed)
        evidence_links[recommendation.id] = tuple(evidence)
    return theme_links, evidence_links


_FIGURE_FIELDS = {"id", "kind", "in", "text", "description", "value", "unit", "currency", "date", "qualifier"}


def _figures(data: Mapping[str, Any], reader: _Reader, path: str) -> tuple[Figure, ...]:
    figures = []
    for raw in data.get("figure", []):
        what = f"figure {raw.get('id')!r}"
        if not isinstance(raw, dict) or not set(raw) <= _FIGURE_FIELDS:
            raise BuildError(path, f"{what}: unknown fields {sorted(set(raw) - _FIGURE_FIELDS)}")
        _strings(raw, ("id", "kind", "text", "description"), path, what)
        try:
            kind = FigureKind(raw["kind"])
        except ValueError:
            raise BuildError(path, f"{what}: kind must be one of {[k.value for k in FigureKind]}") from None
        value = raw.get("value")
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise BuildError(path, f"{what}: value must be a number")
        if (kind is FigureKind.DATE) != ("date" in raw) or (kind is FigureKind.MONEY) != ("currency" in raw):
            raise BuildError(
                path, f"{what}: a date needs `date`, money needs `currency`, and nothing else has them"
            )
        record, span = reader.locate(path, raw["in"], raw["text"], what)
        figures.append(
            Figure(
                id=f"figures.{raw['id']}",
                figure_kind=kind,
                text=raw["text"],
                record_id=record.id,
                span=span,
                description=raw["description"],
                value=None if value is None else float(value),
                unit=raw.get("unit"),
                currency=raw.get("currency"),
                date=raw.get("date"),
                qualifier=raw.get("qualifier"),
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
        BuildError: On a malformed entry, an unknown id, or a quote that is not
            in the record it names.
    """
    reader = _Reader(records, source)
    themes = _themes(themes_data, reader, themes_path)
    theme_links, evidence_links = _links(themes_data, themes, reader, themes_path)
    missing = [r.id for r in records if isinstance(r, Recommendation) and r.id not in theme_links]
    if missing:
        raise BuildError(themes_path, f"no links for {', '.join(missing)}")
    return Annotations(themes, theme_links, evidence_links, _figures(figures_data, reader, figures_path))
