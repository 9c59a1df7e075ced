"""The report as relational tables: the one layout every tabular export shares.

CSV (with its Frictionless descriptor), JSON Lines, SQLite, Parquet, XLSX and
[`kzrights.Report.to_dataframes`][kzrights.report.Report.to_dataframes] all write the tables this module
returns,
so a table has the same name, columns and rows in each of them.

Each `Table` has typed fields, a primary key and foreign keys, and its
rows are plain tuples of str, int, float, `datetime.date`, tuples of
str (an ``array`` field) or None, ready for any writer.  Relations become link
tables (a record's entities, a recommendation's themes, a footnote's sources,
an entity's related entities, a recommendation's SDG targets), so a join never has to unpack a cell; where a
person reads a table, a label column (an addressee's label, a theme's or an
entity's name) stands beside the id so a spreadsheet reads without joins.
Every value comes from the release's records: nothing here is computed
beyond reading order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["TABLE_NAMES", "Field", "ForeignKey", "Table", "tables"]

Row = tuple[Any, ...]


@attrs.frozen
class Field:
    """A column: its name, its Frictionless type and what it holds."""

    name: str
    type: str  # "string", "integer", "number", "date" or "array" (a tuple of strings)
    description: str
    required: bool = True


@attrs.frozen
class ForeignKey:
    """Columns of a table that refer to the primary key of another."""

    fields: tuple[str, ...]
    table: str
    reference: tuple[str, ...]


@attrs.frozen
class Table:
    """One table of the export."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    rows: tuple[Row, ...] = attrs.field(repr=False)
    foreign_keys: tuple[ForeignKey, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """The field names, in order."""
        return tuple(f.name for f in self.fields)


def _f(name: str, kind: str, description: str, required: bool = True) -> Field:
    return Field(name, kind, description, required)


_ID = _f("id", "string", "Stable id of the record")
_TEXT = _f("text", "string", "Verbatim text, footnote markers removed")
_START = _f("source_start", "integer", "Start offset of the record in the source text")
_END = _f("source_end", "integer", "End offset (exclusive) in the source text")


def _key(fields: str, table: str, reference: str = "id") -> ForeignKey:
    return ForeignKey(tuple(fields.split(",")), table, tuple(reference.split(",")))


@attrs.frozen
class _Declared:
    """One table of the layout: what it is, and how its rows come from a report."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    rows: Callable[[Report], Iterable[Row]]
    foreign_keys: tuple[ForeignKey, ...] = ()

    def of(self, report: Report) -> Table:
        rows = tuple(self.rows(report))
        return Table(
            self.name, self.title, self.description, self.fields, self.primary_key, rows, self.foreign_keys
        )


# ── the tables, in an order where every foreign key points back ───────────────


def _report_rows(report: Report) -> Iterator[Row]:
    meta = report.metadata
    yield (
        report.version,
        meta.title,
        tuple(meta.authors),
        meta.published,
        meta.publisher,
        meta.series,
        meta.country,
        meta.language,
        meta.citation,
        meta.rights.report_text,
        meta.rights.annotations_licence,
    )


_REPORT = _Declared(
    "report",
    "The report",
    "The report this release holds, and how to cite and reuse it: one row.",
    (
        _f("version", "string", "The kzrights data release"),
        _f("title", "string", "The report's title"),
        _f("authors", "array", "Its authors"),
        _f("published", "date", "Its date of publication"),
        _f("publisher", "string", "Its publisher"),
        _f("series", "string", "The series it belongs to"),
        _f("country", "string", "The country it is about"),
        _f("language", "string", "Its language (BCP 47)"),
        _f("citation", "string", "How to cite it"),
        _f("rights", "string", "The status of the report's own text"),
        _f("annotations_licence", "string", "The licence of kzrights' curated annotations (SPDX id)"),
    ),
    ("version",),
    _report_rows,
)

_SECTIONS = _Declared(
    "sections",
    "Sections",
    "The conclusions, the recommendations and the footnotes.",
    (_ID, _f("title", "string", "Display title"), _START, _END),
    ("id",),
    lambda report: ((s.id, s.title, s.span.start, s.span.end) for s in report.sections),
)


def _record_rows(report: Report) -> Iterator[Row]:
    section_of = {id: section.id for section in report.sections for id in section.record_ids}
    for order, record in enumerate(report.records(), start=1):
        yield (
            record.id,
            record.kind,
            section_of.get(record.id),
            order,
            record.text,
            record.span.start,
            record.span.end,
        )


_RECORDS = _Declared(
    "records",
    "Text records",
    "Every text record (paragraph, item, recommendation, footnote) in reading order.",
    (
        _ID,
        _f("kind", "string", "paragraph, item, recommendation or footnote"),
        _f("section_id", "string", "The section it belongs to"),
        _f("position", "integer", "Reading order, from 1"),
        _TEXT,
        _START,
        _END,
    ),
    ("id",),
    _record_rows,
    (_key("section_id", "sections"),),
)

_PARAGRAPHS = _Declared(
    "paragraphs",
    "Paragraphs",
    "Paragraphs of the conclusions and the lead-ins of the recommendations.",
    (
        _ID,
        _f("section_id", "string", "The section"),
        _f("number", "integer", "Position within the section"),
        _TEXT,
        _START,
        _END,
    ),
    ("id",),
    lambda report: (
        (p.id, p.section_id, p.number, p.text, p.span.start, p.span.end) for p in report.paragraphs
    ),
    (_key("id", "records"), _key("section_id", "sections")),
)

_ITEMS = _Declared(
    "items",
    "List items",
    "The nine areas of the President's June 2021 decree, items of paragraph conclusions.p8.",
    (
        _ID,
        _f("paragraph_id", "string", "The paragraph that introduces the list"),
        _f("number", "integer", "Position in the list"),
        _TEXT,
        _START,
        _END,
    ),
    ("id",),
    lambda report: ((i.id, i.paragraph_id, i.number, i.text, i.span.start, i.span.end) for i in report.items),
    (_key("id", "records"), _key("paragraph_id", "paragraphs")),
)


def _sdg_code(target_id: str) -> str:
    """The UN's number of an SDG goal or target: ``"16.10"`` for ``"sdg.16.10"``."""
    return target_id.removeprefix("sdg.")


_RECOMMENDATIONS = _Declared(
    "recommendations",
    "Recommendations",
    "The 15 recommendations, by addressee and number.",
    (
        _ID,
        _f("addressee", "string", "government or international"),
        _f("addressee_label", "string", "The addressee as the report names it"),
        _f("number", "integer", "Position among those to the same addressee"),
        _f("lead_in_id", "string", "The paragraph that introduces it"),
        _TEXT,
        _START,
        _END,
        _f("sdg_targets", "array", "The SDG targets it serves, as the UN numbers them (from 1.3.0)"),
    ),
    ("id",),
    lambda report: (
        (
            r.id,
            r.addressee.value,
            r.addressee.label,
            r.number,
            r.lead_in_id,
            r.text,
            r.span.start,
            r.span.end,
            tuple(_sdg_code(target) for target in r.sdg_target_ids),
        )
        for r in report.recommendations
    ),
    (_key("id", "records"), _key("lead_in_id", "paragraphs")),
)

_FOOTNOTES = _Declared(
    "footnotes",
    "Footnotes",
    "The footnotes, by number.",
    (
        _ID,
        _f("number", "integer", "The footnote's number"),
        _TEXT,
        _f("ibid_of", "string", "The footnote an 'Ibid.' repeats", required=False),
        _START,
        _END,
        _f(
            "same_source_as",
            "array",
            "The other footnotes that cite the same source (directly or through 'Ibid.')",
        ),
    ),
    ("id",),
    lambda report: (
        (f.id, f.number, f.text, f.ibid_of, f.span.start, f.span.end, tuple(f.same_source_as))
        for f in report.footnotes
    ),
    (_key("id", "records"), _key("ibid_of", "footnotes")),
)

_FOOTNOTE_URLS = _Declared(
    "footnote_urls",
    "Footnote URLs",
    "The web addresses each footnote gives.",
    (
        _f("footnote_id", "string", "The footnote"),
        _f("position", "integer", "Order within the footnote"),
        _f("url", "string", "The address"),
    ),
    ("footnote_id", "position"),
    lambda report: ((f.id, n, url) for f in report.footnotes for n, url in enumerate(f.urls, start=1)),
    (_key("footnote_id", "footnotes"),),
)

_FOOTNOTE_CITATIONS = _Declared(
    "footnote_citations",
    "Footnote citations",
    "Which record cites which footnote, with the marker's offset in the record's text.",
    (
        _f("record_id", "string", "The citing record"),
        _f("footnote_id", "string", "The footnote cited"),
        _f("offset", "integer", "Where the marker stood in the record's text"),
    ),
    ("record_id", "footnote_id", "offset"),
    lambda report: (
        (r.id, ref.footnote_id, ref.offset)
        for r in report.records()
        for ref in getattr(r, "footnote_refs", ())
    ),
    (_key("record_id", "records"), _key("footnote_id", "footnotes")),
)

_SOURCES = _Declared(
    "sources",
    "Sources",
    "The distinct works the footnotes cite, in the footnotes' own words (from release 1.1.0).",
    (
        _ID,
        _f("key", "string", "Citation key for reference managers"),
        _f("type", "string", "article, webpage, legislation or report"),
        _f("author", "string", "The author, person or body, as the footnote names it"),
        _f("title", "string", "Its title, if the footnote gives one", required=False),
        _f("container", "string", "Where it was published, if the footnote says", required=False),
        _f("date_text", "string", "The date as the footnote writes it", required=False),
        _f("issued", "string", "That date as ISO 8601 (a year or a month)", required=False),
        _f("url", "string", "Its web address", required=False),
    ),
    ("id",),
    lambda report: (
        (s.id, s.key, s.type, s.author, s.title, s.container, s.date_text, s.issued, s.url)
        for s in report.sources
    ),
)


def _footnote_source_rows(report: Report) -> list[Row]:
    numbers = {f.id: f.number for f in report.footnotes}
    rows = ((f, numbers[f], s.id, s.key) for s in report.sources for f in s.footnote_ids)
    return sorted(rows, key=lambda row: (row[1], row[2]))  # by footnote number, then source


_FOOTNOTE_SOURCES = _Declared(
    "footnote_sources",
    "Footnote sources",
    "Which footnote cites which source (an 'Ibid.' footnote cites the source it repeats).",
    (
        _f("footnote_id", "string", "The footnote"),
        _f("footnote_number", "integer", "Its number"),
        _f("source_id", "string", "The source it cites"),
        _f("source_key", "string", "The source's citation key"),
    ),
    ("footnote_id", "source_id"),
    _footnote_source_rows,
    (_key("footnote_id", "footnotes"), _key("source_id", "sources")),
)

_ENTITIES = _Declared(
    "entities",
    "Entities",
    "People, organisations, laws, places, publications and policy tools the report names (curated).",
    (
        _ID,
        _f("category", "string", "person, organisation, office, legal-instrument, place, …"),
        _f("name", "string", "Canonical name"),
        _f("aliases", "array", "Other ways to write it: short forms, transliterations, Cyrillic"),
        _f("description", "string", "What the report says of it"),
        _f(
            "forms",
            "array",
            "Every form the linker knows it by: the name, the aliases and, from 1.2.0, "
            "the Russian and Kazakh inflected forms the build generated",
        ),
        _f(
            "background",
            "string",
            "Editorial background the report does not give (from 1.2.0)",
            required=False,
        ),
        _f("background_basis", "string", "Where that background comes from (from 1.2.0)", required=False),
    ),
    ("id",),
    lambda report: (
        (
            e.id,
            e.category.value,
            e.name,
            tuple(dict.fromkeys(e.aliases)),
            e.description,
            tuple(dict.fromkeys(form.text for form in e.forms)),
            e.background,
            e.background_basis,
        )
        for e in report.entities
    ),
)

_ENTITY_ALIASES = _Declared(
    "entity_aliases",
    "Entity aliases",
    "Other ways to write each entity's name.",
    (
        _f("entity_id", "string", "The entity"),
        _f("entity_name", "string", "Its canonical name"),
        _f("alias", "string", "The alias"),
    ),
    ("entity_id", "alias"),
    lambda report: ((e.id, e.name, a) for e in report.entities for a in dict.fromkeys(e.aliases)),
    (_key("entity_id", "entities"),),
)


def _relation_rows(report: Report) -> Iterator[Row]:
    names = {e.id: e.name for e in report.entities}
    return (
        (e.id, e.name, other, names[other]) for e in report.entities for other in dict.fromkeys(e.related_ids)
    )


_ENTITY_RELATIONS = _Declared(
    "entity_relations",
    "Related entities",
    "Which entity the curators link to which (editorial), with both names.",
    (
        _f("entity_id", "string", "The entity"),
        _f("entity_name", "string", "Its canonical name"),
        _f("related_id", "string", "An entity linked to it"),
        _f("related_name", "string", "That entity's canonical name"),
    ),
    ("entity_id", "related_id"),
    _relation_rows,
    (_key("entity_id", "entities"), _key("related_id", "entities")),
)


def _mention_rows(report: Report) -> Iterator[Row]:
    names = {e.id: e.name for e in report.entities}
    for m in report.mentions:
        source = m.source_span
        yield (
            m.record_id,
            m.entity_id,
            names[m.entity_id],
            m.start,
            m.end,
            m.text,
            source.start if source else None,
            source.end if source else None,
            m.form.value if m.form is not None else None,
            m.resolved_by,
        )


_RECORD_ENTITIES = _Declared(
    "record_entities",
    "Entity mentions",
    "Each mention of an entity in a record, with its offsets in the record's text and in the source.",
    (
        _f("record_id", "string", "The record"),
        _f("entity_id", "string", "The entity"),
        _f("entity_name", "string", "Its canonical name"),
        _f("start", "integer", "Start offset in the record's text"),
        _f("end", "integer", "End offset"),
        _f("text", "string", "The mention as it stands"),
        _START,
        _END,
        _f(
            "form",
            "string",
            "The kind of form matched: name, alias, acronym, transliteration or inflected (from 1.2.0)",
            required=False,
        ),
        _f(
            "resolved_by",
            "string",
            "For a form that is not safe, the evidence that resolved it (from 1.2.0)",
            required=False,
        ),
    ),
    ("record_id", "start"),
    _mention_rows,
    (_key("record_id", "records"), _key("entity_id", "entities")),
)

_THEMES = _Declared(
    "themes",
    "Themes",
    "The nine areas of the President's decree (basis explicit) and editorial themes.",
    (
        _ID,
        _f("name", "string", "Short name"),
        _f("basis", "string", "explicit or editorial"),
        _f("item_id", "string", "The decree item that states it", required=False),
        _f("description", "string", "What it covers"),
    ),
    ("id",),
    lambda report: ((t.id, t.name, t.basis.value, t.item_id, t.description) for t in report.themes),
    (_key("item_id", "items"),),
)

# the columns every link table ends with: how the link is made
_LINK_FIELDS = (
    _f("basis", "string", "explicit (the report's words) or editorial (a curator's judgement)"),
    _f("quote_record_id", "string", "For an explicit link, the record whose words make it", required=False),
    _f("quote", "string", "For an explicit link, those words", required=False),
    _f("quote_start", "integer", "Their start offset in the source", required=False),
    _f("quote_end", "integer", "Their end offset in the source", required=False),
    _f("rationale", "string", "For an editorial link, why", required=False),
)


def _link_rows(report: Report, attribute: str, labels: dict[str, str] | None = None) -> Iterator[Row]:
    """One row per link of each recommendation (its ``theme_links`` or ``evidence_links``)."""
    for r in report.recommendations:
        for link in getattr(r, attribute):
            yield (
                r.id,
                link.target_id,
                *((labels[link.target_id],) if labels is not None else ()),
                link.basis.value,
                link.record_id,
                link.quote,
                link.span.start if link.span else None,
                link.span.end if link.span else None,
                link.rationale,
            )


_RECOMMENDATION_THEMES = _Declared(
    "recommendation_themes",
    "Recommendation themes",
    "The themes each recommendation takes up, and the basis of each link.",
    (
        _f("recommendation_id", "string", "The recommendation"),
        _f("theme_id", "string", "The theme"),
        _f("theme_name", "string", "The theme's short name"),
        *_LINK_FIELDS,
    ),
    ("recommendation_id", "theme_id"),
    lambda report: _link_rows(report, "theme_links", {t.id: t.name for t in report.themes}),
    (
        _key("recommendation_id", "recommendations"),
        _key("theme_id", "themes"),
        _key("quote_record_id", "records"),
    ),
)

_RECOMMENDATION_EVIDENCE = _Declared(
    "recommendation_evidence",
    "Recommendation evidence",
    "The paragraphs of the conclusions that argue for each recommendation, and the basis of each link.",
    (
        _f("recommendation_id", "string", "The recommendation"),
        _f("paragraph_id", "string", "The paragraph of evidence"),
        *_LINK_FIELDS,
    ),
    ("recommendation_id", "paragraph_id"),
    lambda report: _link_rows(report, "evidence_links"),
    (
        _key("recommendation_id", "recommendations"),
        _key("paragraph_id", "paragraphs"),
        _key("quote_record_id", "records"),
    ),
)

_FIGURES = _Declared(
    "figures",
    "Figures",
    "The report's numbers, typed.",
    (
        _ID,
        _f("kind", "string", "money, count, threshold, duration or date"),
        _f("text", "string", "The words as the report has them"),
        _f("record_id", "string", "The record"),
        _f("value", "number", "The number", required=False),
        _f("unit", "string", "What is counted", required=False),
        _f("currency", "string", "ISO 4217 code", required=False),
        _f("date", "string", "ISO 8601 year, month or day; for a period, its start", required=False),
        _f("date_end", "string", "For a period, its end, ISO 8601 like date (from 1.2.0)", required=False),
        _f("qualifier", "string", "at least, less than, up to", required=False),
        _f("description", "string", "What the number is"),
        _START,
        _END,
    ),
    ("id",),
    lambda report: (
        (
            f.id,
            f.figure_kind.value,
            f.text,
            f.record_id,
            f.value,
            f.unit,
            f.currency,
            f.date,
            f.date_end,
            f.qualifier,
            f.description,
            f.span.start,
            f.span.end,
        )
        for f in report.figures
    ),
    (_key("record_id", "records"),),
)

_SDG_GOALS = _Declared(
    "sdg_goals",
    "SDG goals",
    "The 17 Sustainable Development Goals, in the UN's words (A/RES/70/1; from release 1.3.0).",
    (
        _ID,
        _f("number", "integer", "The goal's number, 1 to 17"),
        _f("title", "string", "The goal as the resolution words it"),
        _f("short", "string", "Open SDG's short label (not the resolution's words)"),
    ),
    ("id",),
    lambda report: ((g.id, g.number, g.title, g.short) for g in report.sdg_goals),
)

_SDG_TARGETS = _Declared(
    "sdg_targets",
    "SDG targets",
    "The 169 targets of the Sustainable Development Goals, in the UN's words (from release 1.3.0).",
    (
        _ID,
        _f("code", "string", "The target's number, e.g. 16.10 or 5.c: the key other SDG datasets use"),
        _f("goal_id", "string", "The goal it belongs to"),
        _f("goal_number", "integer", "That goal's number"),
        _f("text", "string", "The target as the resolution words it"),
    ),
    ("id",),
    lambda report: ((t.id, t.code, t.goal_id, int(t.code.split(".")[0]), t.text) for t in report.sdg_targets),
    (_key("goal_id", "sdg_goals"),),
)


def _sdg_link_rows(report: Report) -> Iterator[Row]:
    """One row per SDG link of each recommendation, with the target's code and goal beside its id."""
    goal_of = {t.id: t.goal_id for t in report.sdg_targets}
    for row in _link_rows(report, "sdg_links"):
        recommendation_id, target_id, *how = row
        yield (recommendation_id, target_id, _sdg_code(target_id), goal_of[target_id], *how)


_RECOMMENDATION_SDG_TARGETS = _Declared(
    "recommendation_sdg_targets",
    "Recommendation SDG targets",
    "The SDG targets each recommendation serves, and the basis of each link (from release 1.3.0).",
    (
        _f("recommendation_id", "string", "The recommendation"),
        _f("sdg_target_id", "string", "The SDG target, e.g. sdg.16.10"),
        _f(
            "sdg_target_code",
            "string",
            "Its number as the UN writes it, e.g. 16.10: join other SDG data on it",
        ),
        _f("sdg_goal_id", "string", "The goal the target belongs to, e.g. sdg.16"),
        *_LINK_FIELDS,
    ),
    ("recommendation_id", "sdg_target_id"),
    _sdg_link_rows,
    (
        _key("recommendation_id", "recommendations"),
        _key("sdg_target_id", "sdg_targets"),
        _key("sdg_goal_id", "sdg_goals"),
        _key("quote_record_id", "records"),
    ),
)

_TABLES = (
    _REPORT,
    _SECTIONS,
    _RECORDS,
    _PARAGRAPHS,
    _ITEMS,
    _RECOMMENDATIONS,
    _FOOTNOTES,
    _FOOTNOTE_URLS,
    _FOOTNOTE_CITATIONS,
    _SOURCES,
    _FOOTNOTE_SOURCES,
    _ENTITIES,
    _ENTITY_ALIASES,
    _ENTITY_RELATIONS,
    _RECORD_ENTITIES,
    _THEMES,
    _RECOMMENDATION_THEMES,
    _RECOMMENDATION_EVIDENCE,
    _FIGURES,
    _SDG_GOALS,
    _SDG_TARGETS,
    _RECOMMENDATION_SDG_TARGETS,
)
"""Every table, in an order where every foreign key points back."""

TABLE_NAMES: tuple[str, ...] = tuple(table.name for table in _TABLES)
"""The name of every table (`tables` gives each release all of them, some maybe empty)."""


def tables(report: Report) -> tuple[Table, ...]:
    """Return the report's tables, in an order where every foreign key points back.

    Args:
        report: A release from [`kzrights.load`][kzrights.releases.load].

    Returns:
        One `Table` per declaration of this module (22), each with its
        fields, keys and rows; a release without a layer (1.0.0 has no
        entities) has those tables empty, not missing.
    """
    return tuple(table.of(report) for table in _TABLES)
