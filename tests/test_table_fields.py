"""Every field of every record type has a column in the tables, so no table format loses what the JSON holds.

The record classes of ``kzrights.records`` are walked generically: a new
field, or a new record class, fails here until the table layout
(``kzrights.exports.tables``) gives it a column or the lists below say,
with a reason, where else it is.
"""

from __future__ import annotations

import enum

import attrs

import kzrights
from kzrights import records
from kzrights.exports.tables import tables

# The table that holds each record class, one row per record.
TABLE_OF = {
    "Metadata": "report",
    "Rights": "report",
    "Section": "sections",
    "Paragraph": "paragraphs",
    "Item": "items",
    "Recommendation": "recommendations",
    "Footnote": "footnotes",
    "FootnoteRef": "footnote_citations",
    "Source": "sources",
    "Entity": "entities",
    "Mention": "record_entities",
    "Theme": "themes",
    "Link": "recommendation_themes",
    "Figure": "figures",
    "SdgGoal": "sdg_goals",
    "SdgTarget": "sdg_targets",
}

# Fields whose column has another name in their table (a field named `span` is source_start/source_end).
RENAMED = {
    ("Figure", "figure_kind"): "kind",  # "kind" is the class's record kind in Python, free in a table
    ("Rights", "report_text"): "rights",
    ("Link", "target_id"): "theme_id",  # and paragraph_id, sdg_target_id in the other link tables
    ("Link", "record_id"): "quote_record_id",
    ("Link", "span"): "quote_start",  # with quote_end
    ("Mention", "source_span"): "source_start",  # with source_end
    ("Recommendation", "sdg_links"): "sdg_targets",  # the codes; the links are recommendation_sdg_targets
}

# Fields that are a relation: a table of their own holds them, one row per link.
RELATION_TABLE = {
    ("Paragraph", "footnote_refs"): "footnote_citations",
    ("Item", "footnote_refs"): "footnote_citations",
    ("Recommendation", "footnote_refs"): "footnote_citations",
    ("Paragraph", "entity_ids"): "record_entities",
    ("Item", "entity_ids"): "record_entities",
    ("Recommendation", "entity_ids"): "record_entities",
    ("Footnote", "entity_ids"): "record_entities",
    ("Paragraph", "item_ids"): "items",  # items.paragraph_id
    ("Section", "record_ids"): "records",  # records.section_id
    ("Recommendation", "theme_links"): "recommendation_themes",
    ("Recommendation", "evidence_links"): "recommendation_evidence",
    ("Footnote", "urls"): "footnote_urls",
    ("Footnote", "cited_by"): "footnote_citations",
    ("Source", "footnote_ids"): "footnote_sources",
    ("Entity", "related_ids"): "entity_relations",
    ("SdgGoal", "target_ids"): "sdg_targets",  # sdg_targets.goal_id
    ("Metadata", "vocabularies"): "sdg_goals",  # its records; its licence is in each format's metadata
}

# Fields no table holds, and why.
EXCLUDED = {
    # where the source file is, and its hash: the release's integrity data, not the report's
    ("Metadata", "source_file"),
    ("Metadata", "source_sha256"),
    # where the metadata's words stand in the source: provenance the JSON export keeps
    ("Metadata", "title_span"),
    ("Metadata", "authors_span"),
    ("Metadata", "published_span"),
    ("Metadata", "publisher_span"),
    # the attribution to give and the code's licence: in each format's own licence metadata
    ("Rights", "attribution"),
    ("Rights", "code_licence"),
    # where a section's heading stands: only the recommendations have one
    ("Section", "heading_span"),
    # where a footnote marker stood in the source: the table gives its offset in the record's text
    ("FootnoteRef", "source_span"),
}

# Record classes no table holds, and why.
EXCLUDED_CLASSES = {
    "Span",  # spread over source_start and source_end wherever a record has one
    "Vocabulary",  # an outside vocabulary's source and licence: each format's metadata
    "LinkingRules",  # the linker's curated evidence, not data about the report
    # an entity's forms are listed by their text in entities.forms; how the linker types each
    # (form, ambiguity, generated, language, case) is the linker's data, in the JSON export
    "Alias",
}


def _record_classes() -> dict[str, list[str]]:
    """Every record class of ``kzrights.records`` with its fields: attrs classes and named tuples."""
    found: dict[str, list[str]] = {}
    for name in records.__all__:
        cls = getattr(records, name)
        if not isinstance(cls, type) or issubclass(cls, enum.Enum):
            continue
        if attrs.has(cls):
            found[name] = [field.name for field in attrs.fields(cls)]
        elif issubclass(cls, tuple) and hasattr(cls, "_fields"):
            found[name] = list(cls._fields)
    return found


def _missing(layout: dict[str, set[str]]) -> set[str]:
    """The fields (``Class.field``) that the table layout ``layout`` (table → columns) does not hold."""
    missing = set()
    for cls, fields in _record_classes().items():
        if cls in EXCLUDED_CLASSES:
            continue
        if cls not in TABLE_OF:
            missing.add(f"{cls} (no table)")
            continue
        columns = layout.get(TABLE_OF[cls], set())
        for field in fields:
            if (cls, field) in EXCLUDED:
                continue
            if (cls, field) in RELATION_TABLE:
                if RELATION_TABLE[cls, field] not in layout:
                    missing.add(f"{cls}.{field}")
                continue
            column = RENAMED.get((cls, field), "source_start" if field == "span" else field)
            if column not in columns:
                missing.add(f"{cls}.{field}")
    return missing


def _layout() -> dict[str, set[str]]:
    return {table.name: set(table.columns) for table in tables(kzrights.load())}


def test_every_record_field_has_a_column():
    """Each field of each record class is a column, a relation table, or excluded with a reason."""
    assert _missing(_layout()) == set()


def test_a_forgotten_field_is_reported():
    """The check fails when a column or a relation table goes missing."""
    layout = _layout()
    layout["figures"] -= {"date_end"}
    layout["entities"] -= {"forms"}
    del layout["footnote_urls"]
    assert _missing(layout) == {"Footnote.urls", "Entity.forms", "Figure.date_end"}


def test_the_lists_name_real_fields():
    """Every entry of the lists names a field that exists, so no stale entry hides a renamed field."""
    classes = _record_classes()
    for cls, field in {*RENAMED, *RELATION_TABLE, *EXCLUDED}:
        assert field in classes[cls], (cls, field)
    assert set(classes) >= EXCLUDED_CLASSES
    assert set(TABLE_OF) <= set(classes)
