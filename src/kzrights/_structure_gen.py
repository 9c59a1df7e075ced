"""The structure functions of a release document, one per record class (generated: do not edit).

Written by ``python -m kzrights_build`` from the record classes
(``kzrights_build/structure_gen.py`` says how and why); a test fails when this
file differs from what the generator writes.  `structure_release_document`
returns the release document that the exact hooks of `kzrights._converter`
would build from the same JSON, or raises on anything they would not take,
or would take differently: the loader then structures the JSON again with
the exact hooks, for their error.
"""

from typing import Any

from ._compat import date
from ._document import ReleaseDocument
from .records import (
    Addressee,
    Alias,
    AliasForm,
    Ambiguity,
    Basis,
    Entity,
    EntityCategory,
    Figure,
    FigureKind,
    Footnote,
    FootnoteRef,
    Item,
    Link,
    LinkingRules,
    Mention,
    Metadata,
    Paragraph,
    Recommendation,
    Rights,
    SdgGoal,
    SdgTarget,
    Section,
    Source,
    Span,
    Theme,
    Vocabulary,
)

__all__ = ["REFERENCE_KINDS", "structure_release_document"]


class _Unfit(Exception):
    """JSON the generated functions do not take: the exact hooks decide what it is."""


_MISSING: Any = object()
_INFINITY = float("inf")
# a Mention is a named tuple: built as its own __new__ builds it, without the Python call
_new_tuple: Any = tuple.__new__
_new = object.__new__

_ADDRESSEE: dict[Any, Addressee] = Addressee._value2member_map_  # type: ignore[assignment]
_ALIASFORM: dict[Any, AliasForm] = AliasForm._value2member_map_  # type: ignore[assignment]
_AMBIGUITY: dict[Any, Ambiguity] = Ambiguity._value2member_map_  # type: ignore[assignment]
_BASIS: dict[Any, Basis] = Basis._value2member_map_  # type: ignore[assignment]
_ENTITYCATEGORY: dict[Any, EntityCategory] = EntityCategory._value2member_map_  # type: ignore[assignment]
_FIGUREKIND: dict[Any, FigureKind] = FigureKind._value2member_map_  # type: ignore[assignment]
# the slots of the records, each filled as the class's __init__ fills it
_alias_ambiguity = Alias.__dict__["ambiguity"].__set__
_alias_form = Alias.__dict__["form"].__set__
_alias_generated = Alias.__dict__["generated"].__set__
_alias_grammatical_case = Alias.__dict__["grammatical_case"].__set__
_alias_language = Alias.__dict__["language"].__set__
_alias_text = Alias.__dict__["text"].__set__
_entity_aliases = Entity.__dict__["aliases"].__set__
_entity_background = Entity.__dict__["background"].__set__
_entity_background_basis = Entity.__dict__["background_basis"].__set__
_entity_category = Entity.__dict__["category"].__set__
_entity_description = Entity.__dict__["description"].__set__
_entity_forms = Entity.__dict__["forms"].__set__
_entity_id = Entity.__dict__["id"].__set__
_entity_name = Entity.__dict__["name"].__set__
_entity_related_ids = Entity.__dict__["related_ids"].__set__
_figure_currency = Figure.__dict__["currency"].__set__
_figure_date = Figure.__dict__["date"].__set__
_figure_date_end = Figure.__dict__["date_end"].__set__
_figure_description = Figure.__dict__["description"].__set__
_figure_figure_kind = Figure.__dict__["figure_kind"].__set__
_figure_id = Figure.__dict__["id"].__set__
_figure_qualifier = Figure.__dict__["qualifier"].__set__
_figure_record_id = Figure.__dict__["record_id"].__set__
_figure_span = Figure.__dict__["span"].__set__
_figure_text = Figure.__dict__["text"].__set__
_figure_unit = Figure.__dict__["unit"].__set__
_figure_value = Figure.__dict__["value"].__set__
_footnote_cited_by = Footnote.__dict__["cited_by"].__set__
_footnote_entity_ids = Footnote.__dict__["entity_ids"].__set__
_footnote_ibid_of = Footnote.__dict__["ibid_of"].__set__
_footnote_id = Footnote.__dict__["id"].__set__
_footnote_number = Footnote.__dict__["number"].__set__
_footnote_same_source_as = Footnote.__dict__["same_source_as"].__set__
_footnote_span = Footnote.__dict__["span"].__set__
_footnote_text = Footnote.__dict__["text"].__set__
_footnote_urls = Footnote.__dict__["urls"].__set__
_footnoteref_footnote_id = FootnoteRef.__dict__["footnote_id"].__set__
_footnoteref_offset = FootnoteRef.__dict__["offset"].__set__
_footnoteref_source_span = FootnoteRef.__dict__["source_span"].__set__
_item_entity_ids = Item.__dict__["entity_ids"].__set__
_item_footnote_refs = Item.__dict__["footnote_refs"].__set__
_item_id = Item.__dict__["id"].__set__
_item_number = Item.__dict__["number"].__set__
_item_paragraph_id = Item.__dict__["paragraph_id"].__set__
_item_span = Item.__dict__["span"].__set__
_item_text = Item.__dict__["text"].__set__
_link_basis = Link.__dict__["basis"].__set__
_link_quote = Link.__dict__["quote"].__set__
_link_rationale = Link.__dict__["rationale"].__set__
_link_record_id = Link.__dict__["record_id"].__set__
_link_span = Link.__dict__["span"].__set__
_link_target_id = Link.__dict__["target_id"].__set__
_linkingrules_blocking_names = LinkingRules.__dict__["blocking_names"].__set__
_linkingrules_context_entity_ids = LinkingRules.__dict__["context_entity_ids"].__set__
_linkingrules_context_words = LinkingRules.__dict__["context_words"].__set__
_linkingrules_function_words = LinkingRules.__dict__["function_words"].__set__
_linkingrules_titles = LinkingRules.__dict__["titles"].__set__
_metadata_authors = Metadata.__dict__["authors"].__set__
_metadata_authors_span = Metadata.__dict__["authors_span"].__set__
_metadata_citation = Metadata.__dict__["citation"].__set__
_metadata_country = Metadata.__dict__["country"].__set__
_metadata_language = Metadata.__dict__["language"].__set__
_metadata_published = Metadata.__dict__["published"].__set__
_metadata_published_span = Metadata.__dict__["published_span"].__set__
_metadata_publisher = Metadata.__dict__["publisher"].__set__
_metadata_publisher_span = Metadata.__dict__["publisher_span"].__set__
_metadata_rights = Metadata.__dict__["rights"].__set__
_metadata_series = Metadata.__dict__["series"].__set__
_metadata_source_file = Metadata.__dict__["source_file"].__set__
_metadata_source_sha256 = Metadata.__dict__["source_sha256"].__set__
_metadata_title = Metadata.__dict__["title"].__set__
_metadata_title_span = Metadata.__dict__["title_span"].__set__
_metadata_vocabularies = Metadata.__dict__["vocabularies"].__set__
_paragraph_entity_ids = Paragraph.__dict__["entity_ids"].__set__
_paragraph_footnote_refs = Paragraph.__dict__["footnote_refs"].__set__
_paragraph_id = Paragraph.__dict__["id"].__set__
_paragraph_item_ids = Paragraph.__dict__["item_ids"].__set__
_paragraph_number = Paragraph.__dict__["number"].__set__
_paragraph_section_id = Paragraph.__dict__["section_id"].__set__
_paragraph_span = Paragraph.__dict__["span"].__set__
_paragraph_text = Paragraph.__dict__["text"].__set__
_recommendation_addressee = Recommendation.__dict__["addressee"].__set__
_recommendation_entity_ids = Recommendation.__dict__["entity_ids"].__set__
_recommendation_evidence_links = Recommendation.__dict__["evidence_links"].__set__
_recommendation_footnote_refs = Recommendation.__dict__["footnote_refs"].__set__
_recommendation_id = Recommendation.__dict__["id"].__set__
_recommendation_lead_in_id = Recommendation.__dict__["lead_in_id"].__set__
_recommendation_number = Recommendation.__dict__["number"].__set__
_recommendation_sdg_links = Recommendation.__dict__["sdg_links"].__set__
_recommendation_span = Recommendation.__dict__["span"].__set__
_recommendation_text = Recommendation.__dict__["text"].__set__
_recommendation_theme_links = Recommendation.__dict__["theme_links"].__set__
_releasedocument_entities = ReleaseDocument.__dict__["entities"].__set__
_releasedocument_figures = ReleaseDocument.__dict__["figures"].__set__
_releasedocument_footnotes = ReleaseDocument.__dict__["footnotes"].__set__
_releasedocument_items = ReleaseDocument.__dict__["items"].__set__
_releasedocument_linking = ReleaseDocument.__dict__["linking"].__set__
_releasedocument_mentions = ReleaseDocument.__dict__["mentions"].__set__
_releasedocument_metadata = ReleaseDocument.__dict__["metadata"].__set__
_releasedocument_paragraphs = ReleaseDocument.__dict__["paragraphs"].__set__
_releasedocument_recommendations = ReleaseDocument.__dict__["recommendations"].__set__
_releasedocument_schema = ReleaseDocument.__dict__["schema"].__set__
_releasedocument_sdg_goals = ReleaseDocument.__dict__["sdg_goals"].__set__
_releasedocument_sdg_targets = ReleaseDocument.__dict__["sdg_targets"].__set__
_releasedocument_sections = ReleaseDocument.__dict__["sections"].__set__
_releasedocument_sources = ReleaseDocument.__dict__["sources"].__set__
_releasedocument_themes = ReleaseDocument.__dict__["themes"].__set__
_rights_annotations_licence = Rights.__dict__["annotations_licence"].__set__
_rights_attribution = Rights.__dict__["attribution"].__set__
_rights_code_licence = Rights.__dict__["code_licence"].__set__
_rights_report_text = Rights.__dict__["report_text"].__set__
_sdggoal_id = SdgGoal.__dict__["id"].__set__
_sdggoal_number = SdgGoal.__dict__["number"].__set__
_sdggoal_short = SdgGoal.__dict__["short"].__set__
_sdggoal_target_ids = SdgGoal.__dict__["target_ids"].__set__
_sdggoal_title = SdgGoal.__dict__["title"].__set__
_sdgtarget_code = SdgTarget.__dict__["code"].__set__
_sdgtarget_goal_id = SdgTarget.__dict__["goal_id"].__set__
_sdgtarget_id = SdgTarget.__dict__["id"].__set__
_sdgtarget_text = SdgTarget.__dict__["text"].__set__
_section_heading_span = Section.__dict__["heading_span"].__set__
_section_id = Section.__dict__["id"].__set__
_section_record_ids = Section.__dict__["record_ids"].__set__
_section_span = Section.__dict__["span"].__set__
_section_title = Section.__dict__["title"].__set__
_span_end = Span.__dict__["end"].__set__
_span_start = Span.__dict__["start"].__set__
_theme_basis = Theme.__dict__["basis"].__set__
_theme_description = Theme.__dict__["description"].__set__
_theme_id = Theme.__dict__["id"].__set__
_theme_item_id = Theme.__dict__["item_id"].__set__
_theme_name = Theme.__dict__["name"].__set__
_vocabulary_commit = Vocabulary.__dict__["commit"].__set__
_vocabulary_file = Vocabulary.__dict__["file"].__set__
_vocabulary_id = Vocabulary.__dict__["id"].__set__
_vocabulary_licence = Vocabulary.__dict__["licence"].__set__
_vocabulary_paths = Vocabulary.__dict__["paths"].__set__
_vocabulary_repository = Vocabulary.__dict__["repository"].__set__
_vocabulary_rights = Vocabulary.__dict__["rights"].__set__
_vocabulary_sha256 = Vocabulary.__dict__["sha256"].__set__
_vocabulary_title = Vocabulary.__dict__["title"].__set__
_vocabulary_url = Vocabulary.__dict__["url"].__set__

REFERENCE_KINDS: tuple[tuple[type, ...] | None, ...] = (
    (Paragraph, Item, Recommendation, Footnote),
    (Section,),
    (Footnote,),
    (Item,),
    (Entity,),
    (Paragraph,),
    (Theme,),
    (SdgTarget,),
    (SdgGoal,),
)
"""The kinds of record the references of each list that `structure_release_document` collects may name.

Lists 1, 2, ... of what it returns: None for a reference that may name a record of any kind.
"""


def _alias(value: Any, refs: list[list[Any]]) -> Alias:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 6:
        f0 = value["text"]
        f1 = value["form"]
        f2 = value["ambiguity"]
        f3 = value["generated"]
        f4 = value["language"]
        f5 = value["grammatical_case"]
    else:
        f0 = value["text"]
        f1 = value.get("form", _MISSING)
        f2 = value.get("ambiguity", _MISSING)
        f3 = value.get("generated", _MISSING)
        f4 = value.get("language", _MISSING)
        f5 = value.get("grammatical_case", _MISSING)
        if len(value) != 6 - (f1, f2, f3, f4, f5).count(_MISSING):
            raise _Unfit
    if type(f0) is not str:
        raise _Unfit
    if f1 is _MISSING:
        f1 = AliasForm.ALIAS
    else:
        if type(f1) is not str:
            raise _Unfit
        f1 = _ALIASFORM[f1]
    if f2 is _MISSING:
        f2 = Ambiguity.SAFE
    else:
        if type(f2) is not str:
            raise _Unfit
        f2 = _AMBIGUITY[f2]
    if f3 is _MISSING:
        f3 = False
    else:
        if type(f3) is not bool:
            raise _Unfit
    if f4 is _MISSING:
        f4 = None
    else:
        if f4 is not None and type(f4) is not str:
            raise _Unfit
    if f5 is _MISSING:
        f5 = None
    else:
        if f5 is not None and type(f5) is not str:
            raise _Unfit
    record = _new(Alias)
    _alias_text(record, f0)
    _alias_form(record, f1)
    _alias_ambiguity(record, f2)
    _alias_generated(record, f3)
    _alias_language(record, f4)
    _alias_grammatical_case(record, f5)
    return record


def _entity(value: Any, refs: list[list[Any]]) -> Entity:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 9:
        f0 = value["id"]
        f1 = value["category"]
        f2 = value["name"]
        f3 = value["aliases"]
        f4 = value["description"]
        f5 = value["related_ids"]
        f6 = value["forms"]
        f7 = value["background"]
        f8 = value["background_basis"]
    else:
        f0 = value["id"]
        f1 = value["category"]
        f2 = value["name"]
        f3 = value["aliases"]
        f4 = value["description"]
        f5 = value.get("related_ids", _MISSING)
        f6 = value.get("forms", _MISSING)
        f7 = value.get("background", _MISSING)
        f8 = value.get("background_basis", _MISSING)
        if len(value) != 9 - (f5, f6, f7, f8).count(_MISSING):
            raise _Unfit
    if type(f0) is not str:
        raise _Unfit
    if type(f1) is not str:
        raise _Unfit
    f1 = _ENTITYCATEGORY[f1]
    if type(f2) is not str:
        raise _Unfit
    if type(f3) is not list:
        raise _Unfit
    for item in f3:
        if type(item) is not str:
            raise _Unfit
    f3 = tuple(f3)
    if type(f4) is not str:
        raise _Unfit
    if f5 is _MISSING:
        f5 = ()
    else:
        if type(f5) is not list:
            raise _Unfit
        for item in f5:
            if type(item) is not str:
                raise _Unfit
        f5 = tuple(f5)
        refs[5].extend(f5)
    if f6 is _MISSING:
        f6 = ()
    else:
        if type(f6) is not list:
            raise _Unfit
        f6 = tuple([_alias(item, refs) for item in f6])
    if f7 is _MISSING:
        f7 = None
    else:
        if f7 is not None and type(f7) is not str:
            raise _Unfit
    if f8 is _MISSING:
        f8 = None
    else:
        if f8 is not None and type(f8) is not str:
            raise _Unfit
    record = _new(Entity)
    _entity_id(record, f0)
    _entity_category(record, f1)
    _entity_name(record, f2)
    _entity_aliases(record, f3)
    _entity_description(record, f4)
    _entity_related_ids(record, f5)
    _entity_forms(record, f6)
    _entity_background(record, f7)
    _entity_background_basis(record, f8)
    return record


def _figure(value: Any, refs: list[list[Any]]) -> Figure:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 12:
        f0 = value["id"]
        f1 = value["figure_kind"]
        f2 = value["text"]
        f3 = value["record_id"]
        f4 = value["span"]
        f5 = value["description"]
        f6 = value["value"]
        f7 = value["unit"]
        f8 = value["currency"]
        f9 = value["date"]
        f10 = value["qualifier"]
        f11 = value["date_end"]
    else:
        f0 = value["id"]
        f1 = value["figure_kind"]
        f2 = value["text"]
        f3 = value["record_id"]
        f4 = value["span"]
        f5 = value["description"]
        f6 = value.get("value", _MISSING)
        f7 = value.get("unit", _MISSING)
        f8 = value.get("currency", _MISSING)
        f9 = value.get("date", _MISSING)
        f10 = value.get("qualifier", _MISSING)
        f11 = value.get("date_end", _MISSING)
        if len(value) != 12 - (f6, f7, f8, f9, f10, f11).count(_MISSING):
            raise _Unfit
    if type(f0) is not str:
        raise _Unfit
    if type(f1) is not str:
        raise _Unfit
    f1 = _FIGUREKIND[f1]
    if type(f2) is not str:
        raise _Unfit
    if type(f3) is not str:
        raise _Unfit
    refs[1].append(f3)
    if type(f4) is not list or len(f4) != 2:
        raise _Unfit
    start, end = f4
    if type(start) is not int or type(end) is not int or not 0 <= start <= end:
        raise _Unfit
    f4 = _new(Span)
    _span_start(f4, start)
    _span_end(f4, end)
    refs[0].append(end)
    if type(f5) is not str:
        raise _Unfit
    if f6 is _MISSING:
        f6 = None
    else:
        if f6 is not None:
            if type(f6) is not float and type(f6) is not int:
                raise _Unfit
            if not -_INFINITY < f6 < _INFINITY:
                raise _Unfit
            f6 = float(f6)
    if f7 is _MISSING:
        f7 = None
    else:
        if f7 is not None and type(f7) is not str:
            raise _Unfit
    if f8 is _MISSING:
        f8 = None
    else:
        if f8 is not None and type(f8) is not str:
            raise _Unfit
    if f9 is _MISSING:
        f9 = None
    else:
        if f9 is not None and type(f9) is not str:
            raise _Unfit
    if f10 is _MISSING:
        f10 = None
    else:
        if f10 is not None and type(f10) is not str:
            raise _Unfit
    if f11 is _MISSING:
        f11 = None
    else:
        if f11 is not None and type(f11) is not str:
            raise _Unfit
    record = _new(Figure)
    _figure_id(record, f0)
    _figure_figure_kind(record, f1)
    _figure_text(record, f2)
    _figure_record_id(record, f3)
    _figure_span(record, f4)
    _figure_description(record, f5)
    _figure_value(record, f6)
    _figure_unit(record, f7)
    _figure_currency(record, f8)
    _figure_date(record, f9)
    _figure_qualifier(record, f10)
    _figure_date_end(record, f11)
    return record


def _footnote(value: Any, refs: list[list[Any]]) -> Footnote:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 9:
        f0 = value["id"]
        f1 = value["number"]
        f2 = value["text"]
        f3 = value["span"]
        f4 = value["urls"]
        f5 = value["ibid_of"]
        f6 = value["same_source_as"]
        f7 = value["cited_by"]
        f8 = value["entity_ids"]
    else:
        f0 = value["id"]
        f1 = value["number"]
        f2 = value["text"]
        f3 = value["span"]
        f4 = value.get("urls", _MISSING)
        f5 = value.get("ibid_of", _MISSING)
        f6 = value.get("same_source_as", _MISSING)
        f7 = value.get("cited_by", _MISSING)
        f8 = value.get("entity_ids", _MISSING)
        if len(value) != 9 - (f4, f5, f6, f7, f8).count(_MISSING):
            raise _Unfit
    if type(f0) is not str:
        raise _Unfit
    if type(f1) is not int:
        raise _Unfit
    if type(f2) is not str:
        raise _Unfit
    if type(f3) is not list or len(f3) != 2:
        raise _Unfit
    start, end = f3
    if type(start) is not int or type(end) is not int or not 0 <= start <= end:
        raise _Unfit
    f3 = _new(Span)
    _span_start(f3, start)
    _span_end(f3, end)
    refs[0].append(end)
    if f4 is _MISSING:
        f4 = ()
    else:
        if type(f4) is not list:
            raise _Unfit
        for item in f4:
            if type(item) is not str:
                raise _Unfit
        f4 = tuple(f4)
    if f5 is _MISSING:
        f5 = None
    else:
        if f5 is not None:
            if type(f5) is not str:
                raise _Unfit
            refs[3].append(f5)
    if f6 is _MISSING:
        f6 = ()
    else:
        if type(f6) is not list:
            raise _Unfit
        for item in f6:
            if type(item) is not str:
                raise _Unfit
        f6 = tuple(f6)
        refs[3].extend(f6)
    if f7 is _MISSING:
        f7 = ()
    else:
        if type(f7) is not list:
            raise _Unfit
        for item in f7:
            if type(item) is not str:
                raise _Unfit
        f7 = tuple(f7)
        refs[1].extend(f7)
    if f8 is _MISSING:
        f8 = ()
    else:
        if type(f8) is not list:
            raise _Unfit
        for item in f8:
            if type(item) is not str:
                raise _Unfit
        f8 = tuple(f8)
        refs[5].extend(f8)
    record = _new(Footnote)
    _footnote_id(record, f0)
    _footnote_number(record, f1)
    _footnote_text(record, f2)
    _footnote_span(record, f3)
    _footnote_urls(record, f4)
    _footnote_ibid_of(record, f5)
    _footnote_same_source_as(record, f6)
    _footnote_cited_by(record, f7)
    _footnote_entity_ids(record, f8)
    return record


def _footnoteref(value: Any, refs: list[list[Any]]) -> FootnoteRef:
    if type(value) is not dict:
        raise _Unfit
    if len(value) != 3:
        raise _Unfit
    f0 = value["footnote_id"]
    f1 = value["offset"]
    f2 = value["source_span"]
    if type(f0) is not str:
        raise _Unfit
    refs[3].append(f0)
    if type(f1) is not int:
        raise _Unfit
    if type(f2) is not list or len(f2) != 2:
        raise _Unfit
    start, end = f2
    if type(start) is not int or type(end) is not int or not 0 <= start <= end:
        raise _Unfit
    f2 = _new(Span)
    _span_start(f2, start)
    _span_end(f2, end)
    refs[0].append(end)
    record = _new(FootnoteRef)
    _footnoteref_footnote_id(record, f0)
    _footnoteref_offset(record, f1)
    _footnoteref_source_span(record, f2)
    return record


def _item(value: Any, refs: list[list[Any]]) -> Item:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 7:
        f0 = value["id"]
        f1 = value["paragraph_id"]
        f2 = value["number"]
        f3 = value["text"]
        f4 = value["span"]
        f5 = value["footnote_refs"]
        f6 = value["entity_ids"]
    else:
        f0 = value["id"]
        f1 = value["paragraph_id"]
        f2 = value["number"]
        f3 = value["text"]
        f4 = value["span"]
        f5 = value.get("footnote_refs", _MISSING)
        f6 = value.get("entity_ids", _MISSING)
        if len(value) != 7 - (f5, f6).count(_MISSING):
            raise _Unfit
    if type(f0) is not str:
        raise _Unfit
    if type(f1) is not str:
        raise _Unfit
    refs[6].append(f1)
    if type(f2) is not int:
        raise _Unfit
    if type(f3) is not str:
        raise _Unfit
    if type(f4) is not list or len(f4) != 2:
        raise _Unfit
    start, end = f4
    if type(start) is not int or type(end) is not int or not 0 <= start <= end:
        raise _Unfit
    f4 = _new(Span)
    _span_start(f4, start)
    _span_end(f4, end)
    refs[0].append(end)
    if f5 is _MISSING:
        f5 = ()
    else:
        if type(f5) is not list:
            raise _Unfit
        f5 = tuple([_footnoteref(item, refs) for item in f5])
    if f6 is _MISSING:
        f6 = ()
    else:
        if type(f6) is not list:
            raise _Unfit
        for item in f6:
            if type(item) is not str:
                raise _Unfit
        f6 = tuple(f6)
        refs[5].extend(f6)
    record = _new(Item)
    _item_id(record, f0)
    _item_paragraph_id(record, f1)
    _item_number(record, f2)
    _item_text(record, f3)
    _item_span(record, f4)
    _item_footnote_refs(record, f5)
    _item_entity_ids(record, f6)
    return record


def _link_in_evidence_links(value: Any, refs: list[list[Any]]) -> Link:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 6:
        f0 = value["target_id"]
        f1 = value["basis"]
        f2 = value["record_id"]
        f3 = value["span"]
        f4 = value["quote"]
        f5 = value["rationale"]
    else:
        f0 = value["target_id"]
        f1 = value["basis"]
        f2 = value.get("record_id", _MISSING)
        f3 = value.get("span", _MISSING)
        f4 = value.get("quote", _MISSING)
        f5 = value.get("rationale", _MISSING)
        if len(value) != 6 - (f2, f3, f4, f5).count(_MISSING):
            raise _Unfit
    if type(f0) is not str:
        raise _Unfit
    refs[6].append(f0)
    if type(f1) is not str:
        raise _Unfit
    f1 = _BASIS[f1]
    if f2 is _MISSING:
        f2 = None
    else:
        if f2 is not None:
            if type(f2) is not str:
                raise _Unfit
            refs[1].append(f2)
    if f3 is _MISSING:
        f3 = None
    else:
        if f3 is not None:
            if type(f3) is not list or len(f3) != 2:
                raise _Unfit
            start, end = f3
            if type(start) is not int or type(end) is not int or not 0 <= start <= end:
                raise _Unfit
            f3 = _new(Span)
            _span_start(f3, start)
            _span_end(f3, end)
            refs[0].append(end)
    if f4 is _MISSING:
        f4 = None
    else:
        if f4 is not None and type(f4) is not str:
            raise _Unfit
    if f5 is _MISSING:
        f5 = None
    else:
        if f5 is not None and type(f5) is not str:
            raise _Unfit
    record = _new(Link)
    _link_target_id(record, f0)
    _link_basis(record, f1)
    _link_record_id(record, f2)
    _link_span(record, f3)
    _link_quote(record, f4)
    _link_rationale(record, f5)
    return record


def _link_in_sdg_links(value: Any, refs: list[list[Any]]) -> Link:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 6:
        f0 = value["target_id"]
        f1 = value["basis"]
        f2 = value["record_id"]
        f3 = value["span"]
        f4 = value["quote"]
        f5 = value["rationale"]
    else:
        f0 = value["target_id"]
        f1 = value["basis"]
        f2 = value.get("record_id", _MISSING)
        f3 = value.get("span", _MISSING)
        f4 = value.get("quote", _MISSING)
        f5 = value.get("rationale", _MISSING)
        if len(value) != 6 - (f2, f3, f4, f5).count(_MISSING):
            raise _Unfit
    if type(f0) is not str:
        raise _Unfit
    refs[8].append(f0)
    if type(f1) is not str:
        raise _Unfit
    f1 = _BASIS[f1]
    if f2 is _MISSING:
        f2 = None
    else:
        if f2 is not None:
            if type(f2) is not str:
                raise _Unfit
            refs[1].append(f2)
    if f3 is _MISSING:
        f3 = None
    else:
        if f3 is not None:
            if type(f3) is not list or len(f3) != 2:
                raise _Unfit
            start, end = f3
            if type(start) is not int or type(end) is not int or not 0 <= start <= end:
                raise _Unfit
            f3 = _new(Span)
            _span_start(f3, start)
            _span_end(f3, end)
            refs[0].append(end)
    if f4 is _MISSING:
        f4 = None
    else:
        if f4 is not None and type(f4) is not str:
            raise _Unfit
    if f5 is _MISSING:
        f5 = None
    else:
        if f5 is not None and type(f5) is not str:
            raise _Unfit
    record = _new(Link)
    _link_target_id(record, f0)
    _link_basis(record, f1)
    _link_record_id(record, f2)
    _link_span(record, f3)
    _link_quote(record, f4)
    _link_rationale(record, f5)
    return record


def _link_in_theme_links(value: Any, refs: list[list[Any]]) -> Link:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 6:
        f0 = value["target_id"]
        f1 = value["basis"]
        f2 = value["record_id"]
        f3 = value["span"]
        f4 = value["quote"]
        f5 = value["rationale"]
    else:
        f0 = value["target_id"]
        f1 = value["basis"]
        f2 = value.get("record_id", _MISSING)
        f3 = value.get("span", _MISSING)
        f4 = value.get("quote", _MISSING)
        f5 = value.get("rationale", _MISSING)
        if len(value) != 6 - (f2, f3, f4, f5).count(_MISSING):
            raise _Unfit
    if type(f0) is not str:
        raise _Unfit
    refs[7].append(f0)
    if type(f1) is not str:
        raise _Unfit
    f1 = _BASIS[f1]
    if f2 is _MISSING:
        f2 = None
    else:
        if f2 is not None:
            if type(f2) is not str:
                raise _Unfit
            refs[1].append(f2)
    if f3 is _MISSING:
        f3 = None
    else:
        if f3 is not None:
            if type(f3) is not list or len(f3) != 2:
                raise _Unfit
            start, end = f3
            if type(start) is not int or type(end) is not int or not 0 <= start <= end:
                raise _Unfit
            f3 = _new(Span)
            _span_start(f3, start)
            _span_end(f3, end)
            refs[0].append(end)
    if f4 is _MISSING:
        f4 = None
    else:
        if f4 is not None and type(f4) is not str:
            raise _Unfit
    if f5 is _MISSING:
        f5 = None
    else:
        if f5 is not None and type(f5) is not str:
            raise _Unfit
    record = _new(Link)
    _link_target_id(record, f0)
    _link_basis(record, f1)
    _link_record_id(record, f2)
    _link_span(record, f3)
    _link_quote(record, f4)
    _link_rationale(record, f5)
    return record


def _linkingrules(value: Any, refs: list[list[Any]]) -> LinkingRules:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 5:
        f0 = value["context_entity_ids"]
        f1 = value["context_words"]
        f2 = value["titles"]
        f3 = value["blocking_names"]
        f4 = value["function_words"]
    else:
        f0 = value.get("context_entity_ids", _MISSING)
        f1 = value.get("context_words", _MISSING)
        f2 = value.get("titles", _MISSING)
        f3 = value.get("blocking_names", _MISSING)
        f4 = value.get("function_words", _MISSING)
        if len(value) != 5 - (f0, f1, f2, f3, f4).count(_MISSING):
            raise _Unfit
    if f0 is _MISSING:
        f0 = ()
    else:
        if type(f0) is not list:
            raise _Unfit
        for item in f0:
            if type(item) is not str:
                raise _Unfit
        f0 = tuple(f0)
        refs[5].extend(f0)
    if f1 is _MISSING:
        f1 = ()
    else:
        if type(f1) is not list:
            raise _Unfit
        for item in f1:
            if type(item) is not str:
                raise _Unfit
        f1 = tuple(f1)
    if f2 is _MISSING:
        f2 = ()
    else:
        if type(f2) is not list:
            raise _Unfit
        for item in f2:
            if type(item) is not str:
                raise _Unfit
        f2 = tuple(f2)
    if f3 is _MISSING:
        f3 = ()
    else:
        if type(f3) is not list:
            raise _Unfit
        for item in f3:
            if type(item) is not str:
                raise _Unfit
        f3 = tuple(f3)
    if f4 is _MISSING:
        f4 = ()
    else:
        if type(f4) is not list:
            raise _Unfit
        for item in f4:
            if type(item) is not str:
                raise _Unfit
        f4 = tuple(f4)
    record = _new(LinkingRules)
    _linkingrules_context_entity_ids(record, f0)
    _linkingrules_context_words(record, f1)
    _linkingrules_titles(record, f2)
    _linkingrules_blocking_names(record, f3)
    _linkingrules_function_words(record, f4)
    return record


def _mention(value: Any, refs: list[list[Any]]) -> Any:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 8:
        f0 = value["entity_id"]
        f1 = value["text"]
        f2 = value["start"]
        f3 = value["end"]
        f4 = value["record_id"]
        f5 = value["source_span"]
        f6 = value["form"]
        f7 = value["resolved_by"]
    else:
        f0 = value["entity_id"]
        f1 = value["text"]
        f2 = value["start"]
        f3 = value["end"]
        f4 = value.get("record_id", _MISSING)
        f5 = value.get("source_span", _MISSING)
        f6 = value.get("form", _MISSING)
        f7 = value.get("resolved_by", _MISSING)
        if len(value) != 8 - (f4, f5, f6, f7).count(_MISSING):
            raise _Unfit
    if type(f0) is not str:
        raise _Unfit
    refs[5].append(f0)
    if type(f1) is not str:
        raise _Unfit
    if type(f2) is not int:
        raise _Unfit
    if type(f3) is not int:
        raise _Unfit
    if f4 is _MISSING:
        f4 = None
    else:
        if f4 is not None:
            if type(f4) is not str:
                raise _Unfit
            refs[1].append(f4)
    if f5 is _MISSING:
        f5 = None
    else:
        if f5 is not None:
            if type(f5) is not list or len(f5) != 2:
                raise _Unfit
            start, end = f5
            if type(start) is not int or type(end) is not int or not 0 <= start <= end:
                raise _Unfit
            f5 = _new(Span)
            _span_start(f5, start)
            _span_end(f5, end)
            refs[0].append(end)
    if f6 is _MISSING:
        f6 = None
    else:
        if f6 is not None:
            if type(f6) is not str:
                raise _Unfit
            f6 = _ALIASFORM[f6]
    if f7 is _MISSING:
        f7 = None
    else:
        if f7 is not None and type(f7) is not str:
            raise _Unfit
    return _new_tuple(Mention, (f0, f1, f2, f3, f4, f5, f6, f7))


def _metadata(value: Any, refs: list[list[Any]]) -> Metadata:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 16:
        f0 = value["title"]
        f1 = value["authors"]
        f2 = value["published"]
        f3 = value["publisher"]
        f4 = value["series"]
        f5 = value["country"]
        f6 = value["language"]
        f7 = value["source_file"]
        f8 = value["source_sha256"]
        f9 = value["rights"]
        f10 = value["citation"]
        f11 = value["title_span"]
        f12 = value["authors_span"]
        f13 = value["published_span"]
        f14 = value["publisher_span"]
        f15 = value["vocabularies"]
    else:
        f0 = value["title"]
        f1 = value["authors"]
        f2 = value["published"]
        f3 = value["publisher"]
        f4 = value["series"]
        f5 = value["country"]
        f6 = value["language"]
        f7 = value["source_file"]
        f8 = value["source_sha256"]
        f9 = value["rights"]
        f10 = value["citation"]
        f11 = value["title_span"]
        f12 = value["authors_span"]
        f13 = value["published_span"]
        f14 = value["publisher_span"]
        f15 = value.get("vocabularies", _MISSING)
        if len(value) != 16 - (f15,).count(_MISSING):
            raise _Unfit
    if type(f0) is not str:
        raise _Unfit
    if type(f1) is not list:
        raise _Unfit
    for item in f1:
        if type(item) is not str:
            raise _Unfit
    f1 = tuple(f1)
    if type(f2) is not str:
        raise _Unfit
    f2 = date.fromisoformat(f2)
    if type(f3) is not str:
        raise _Unfit
    if type(f4) is not str:
        raise _Unfit
    if type(f5) is not str:
        raise _Unfit
    if type(f6) is not str:
        raise _Unfit
    if type(f7) is not str:
        raise _Unfit
    if type(f8) is not str:
        raise _Unfit
    f9 = _rights(f9, refs)
    if type(f10) is not str:
        raise _Unfit
    if type(f11) is not list or len(f11) != 2:
        raise _Unfit
    start, end = f11
    if type(start) is not int or type(end) is not int or not 0 <= start <= end:
        raise _Unfit
    f11 = _new(Span)
    _span_start(f11, start)
    _span_end(f11, end)
    refs[0].append(end)
    if type(f12) is not list or len(f12) != 2:
        raise _Unfit
    start, end = f12
    if type(start) is not int or type(end) is not int or not 0 <= start <= end:
        raise _Unfit
    f12 = _new(Span)
    _span_start(f12, start)
    _span_end(f12, end)
    refs[0].append(end)
    if type(f13) is not list or len(f13) != 2:
        raise _Unfit
    start, end = f13
    if type(start) is not int or type(end) is not int or not 0 <= start <= end:
        raise _Unfit
    f13 = _new(Span)
    _span_start(f13, start)
    _span_end(f13, end)
    refs[0].append(end)
    if type(f14) is not list or len(f14) != 2:
        raise _Unfit
    start, end = f14
    if type(start) is not int or type(end) is not int or not 0 <= start <= end:
        raise _Unfit
    f14 = _new(Span)
    _span_start(f14, start)
    _span_end(f14, end)
    refs[0].append(end)
    if f15 is _MISSING:
        f15 = ()
    else:
        if type(f15) is not list:
            raise _Unfit
        f15 = tuple([_vocabulary(item, refs) for item in f15])
    record = _new(Metadata)
    _metadata_title(record, f0)
    _metadata_authors(record, f1)
    _metadata_published(record, f2)
    _metadata_publisher(record, f3)
    _metadata_series(record, f4)
    _metadata_country(record, f5)
    _metadata_language(record, f6)
    _metadata_source_file(record, f7)
    _metadata_source_sha256(record, f8)
    _metadata_rights(record, f9)
    _metadata_citation(record, f10)
    _metadata_title_span(record, f11)
    _metadata_authors_span(record, f12)
    _metadata_published_span(record, f13)
    _metadata_publisher_span(record, f14)
    _metadata_vocabularies(record, f15)
    return record


def _paragraph(value: Any, refs: list[list[Any]]) -> Paragraph:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 8:
        f0 = value["id"]
        f1 = value["section_id"]
        f2 = value["number"]
        f3 = value["text"]
        f4 = value["span"]
        f5 = value["footnote_refs"]
        f6 = value["item_ids"]
        f7 = value["entity_ids"]
    else:
        f0 = value["id"]
        f1 = value["section_id"]
        f2 = value["number"]
        f3 = value["text"]
        f4 = value["span"]
        f5 = value.get("footnote_refs", _MISSING)
        f6 = value.get("item_ids", _MISSING)
        f7 = value.get("entity_ids", _MISSING)
        if len(value) != 8 - (f5, f6, f7).count(_MISSING):
            raise _Unfit
    if type(f0) is not str:
        raise _Unfit
    if type(f1) is not str:
        raise _Unfit
    refs[2].append(f1)
    if type(f2) is not int:
        raise _Unfit
    if type(f3) is not str:
        raise _Unfit
    if type(f4) is not list or len(f4) != 2:
        raise _Unfit
    start, end = f4
    if type(start) is not int or type(end) is not int or not 0 <= start <= end:
        raise _Unfit
    f4 = _new(Span)
    _span_start(f4, start)
    _span_end(f4, end)
    refs[0].append(end)
    if f5 is _MISSING:
        f5 = ()
    else:
        if type(f5) is not list:
            raise _Unfit
        f5 = tuple([_footnoteref(item, refs) for item in f5])
    if f6 is _MISSING:
        f6 = ()
    else:
        if type(f6) is not list:
            raise _Unfit
        for item in f6:
            if type(item) is not str:
                raise _Unfit
        f6 = tuple(f6)
        refs[4].extend(f6)
    if f7 is _MISSING:
        f7 = ()
    else:
        if type(f7) is not list:
            raise _Unfit
        for item in f7:
            if type(item) is not str:
                raise _Unfit
        f7 = tuple(f7)
        refs[5].extend(f7)
    record = _new(Paragraph)
    _paragraph_id(record, f0)
    _paragraph_section_id(record, f1)
    _paragraph_number(record, f2)
    _paragraph_text(record, f3)
    _paragraph_span(record, f4)
    _paragraph_footnote_refs(record, f5)
    _paragraph_item_ids(record, f6)
    _paragraph_entity_ids(record, f7)
    return record


def _recommendation(value: Any, refs: list[list[Any]]) -> Recommendation:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 11:
        f0 = value["id"]
        f1 = value["addressee"]
        f2 = value["number"]
        f3 = value["text"]
        f4 = value["span"]
        f5 = value["lead_in_id"]
        f6 = value["footnote_refs"]
        f7 = value["entity_ids"]
        f8 = value["theme_links"]
        f9 = value["evidence_links"]
        f10 = value["sdg_links"]
    else:
        f0 = value["id"]
        f1 = value["addressee"]
        f2 = value["number"]
        f3 = value["text"]
        f4 = value["span"]
        f5 = value["lead_in_id"]
        f6 = value.get("footnote_refs", _MISSING)
        f7 = value.get("entity_ids", _MISSING)
        f8 = value.get("theme_links", _MISSING)
        f9 = value.get("evidence_links", _MISSING)
        f10 = value.get("sdg_links", _MISSING)
        if len(value) != 11 - (f6, f7, f8, f9, f10).count(_MISSING):
            raise _Unfit
    if type(f0) is not str:
        raise _Unfit
    if type(f1) is not str:
        raise _Unfit
    f1 = _ADDRESSEE[f1]
    if type(f2) is not int:
        raise _Unfit
    if type(f3) is not str:
        raise _Unfit
    if type(f4) is not list or len(f4) != 2:
        raise _Unfit
    start, end = f4
    if type(start) is not int or type(end) is not int or not 0 <= start <= end:
        raise _Unfit
    f4 = _new(Span)
    _span_start(f4, start)
    _span_end(f4, end)
    refs[0].append(end)
    if type(f5) is not str:
        raise _Unfit
    refs[6].append(f5)
    if f6 is _MISSING:
        f6 = ()
    else:
        if type(f6) is not list:
            raise _Unfit
        f6 = tuple([_footnoteref(item, refs) for item in f6])
    if f7 is _MISSING:
        f7 = ()
    else:
        if type(f7) is not list:
            raise _Unfit
        for item in f7:
            if type(item) is not str:
                raise _Unfit
        f7 = tuple(f7)
        refs[5].extend(f7)
    if f8 is _MISSING:
        f8 = ()
    else:
        if type(f8) is not list:
            raise _Unfit
        f8 = tuple([_link_in_theme_links(item, refs) for item in f8])
    if f9 is _MISSING:
        f9 = ()
    else:
        if type(f9) is not list:
            raise _Unfit
        f9 = tuple([_link_in_evidence_links(item, refs) for item in f9])
    if f10 is _MISSING:
        f10 = ()
    else:
        if type(f10) is not list:
            raise _Unfit
        f10 = tuple([_link_in_sdg_links(item, refs) for item in f10])
    record = _new(Recommendation)
    _recommendation_id(record, f0)
    _recommendation_addressee(record, f1)
    _recommendation_number(record, f2)
    _recommendation_text(record, f3)
    _recommendation_span(record, f4)
    _recommendation_lead_in_id(record, f5)
    _recommendation_footnote_refs(record, f6)
    _recommendation_entity_ids(record, f7)
    _recommendation_theme_links(record, f8)
    _recommendation_evidence_links(record, f9)
    _recommendation_sdg_links(record, f10)
    return record


def _releasedocument(value: Any, refs: list[list[Any]]) -> ReleaseDocument:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 15:
        f0 = value["schema"]
        f1 = value["metadata"]
        f2 = value["sections"]
        f3 = value["paragraphs"]
        f4 = value["items"]
        f5 = value["recommendations"]
        f6 = value["footnotes"]
        f7 = value["entities"]
        f8 = value["mentions"]
        f9 = value["themes"]
        f10 = value["figures"]
        f11 = value["sources"]
        f12 = value["linking"]
        f13 = value["sdg_goals"]
        f14 = value["sdg_targets"]
    else:
        f0 = value["schema"]
        f1 = value["metadata"]
        f2 = value["sections"]
        f3 = value["paragraphs"]
        f4 = value["items"]
        f5 = value["recommendations"]
        f6 = value["footnotes"]
        f7 = value.get("entities", _MISSING)
        f8 = value.get("mentions", _MISSING)
        f9 = value.get("themes", _MISSING)
        f10 = value.get("figures", _MISSING)
        f11 = value.get("sources", _MISSING)
        f12 = value.get("linking", _MISSING)
        f13 = value.get("sdg_goals", _MISSING)
        f14 = value.get("sdg_targets", _MISSING)
        if len(value) != 15 - (f7, f8, f9, f10, f11, f12, f13, f14).count(_MISSING):
            raise _Unfit
    if type(f0) is not int:
        raise _Unfit
    f1 = _metadata(f1, refs)
    if type(f2) is not list:
        raise _Unfit
    f2 = tuple([_section(item, refs) for item in f2])
    if type(f3) is not list:
        raise _Unfit
    f3 = tuple([_paragraph(item, refs) for item in f3])
    if type(f4) is not list:
        raise _Unfit
    f4 = tuple([_item(item, refs) for item in f4])
    if type(f5) is not list:
        raise _Unfit
    f5 = tuple([_recommendation(item, refs) for item in f5])
    if type(f6) is not list:
        raise _Unfit
    f6 = tuple([_footnote(item, refs) for item in f6])
    if f7 is _MISSING:
        f7 = ()
    else:
        if type(f7) is not list:
            raise _Unfit
        f7 = tuple([_entity(item, refs) for item in f7])
    if f8 is _MISSING:
        f8 = ()
    else:
        if type(f8) is not list:
            raise _Unfit
        f8 = tuple([_mention(item, refs) for item in f8])
    if f9 is _MISSING:
        f9 = ()
    else:
        if type(f9) is not list:
            raise _Unfit
        f9 = tuple([_theme(item, refs) for item in f9])
    if f10 is _MISSING:
        f10 = ()
    else:
        if type(f10) is not list:
            raise _Unfit
        f10 = tuple([_figure(item, refs) for item in f10])
    if f11 is _MISSING:
        f11 = ()
    else:
        if type(f11) is not list:
            raise _Unfit
        f11 = tuple([_source(item, refs) for item in f11])
    if f12 is _MISSING:
        f12 = ()
    else:
        if type(f12) is not list:
            raise _Unfit
        f12 = tuple([_linkingrules(item, refs) for item in f12])
    if f13 is _MISSING:
        f13 = ()
    else:
        if type(f13) is not list:
            raise _Unfit
        f13 = tuple([_sdggoal(item, refs) for item in f13])
    if f14 is _MISSING:
        f14 = ()
    else:
        if type(f14) is not list:
            raise _Unfit
        f14 = tuple([_sdgtarget(item, refs) for item in f14])
    record = _new(ReleaseDocument)
    _releasedocument_schema(record, f0)
    _releasedocument_metadata(record, f1)
    _releasedocument_sections(record, f2)
    _releasedocument_paragraphs(record, f3)
    _releasedocument_items(record, f4)
    _releasedocument_recommendations(record, f5)
    _releasedocument_footnotes(record, f6)
    _releasedocument_entities(record, f7)
    _releasedocument_mentions(record, f8)
    _releasedocument_themes(record, f9)
    _releasedocument_figures(record, f10)
    _releasedocument_sources(record, f11)
    _releasedocument_linking(record, f12)
    _releasedocument_sdg_goals(record, f13)
    _releasedocument_sdg_targets(record, f14)
    return record


def _rights(value: Any, refs: list[list[Any]]) -> Rights:
    if type(value) is not dict:
        raise _Unfit
    if len(value) != 4:
        raise _Unfit
    f0 = value["report_text"]
    f1 = value["attribution"]
    f2 = value["code_licence"]
    f3 = value["annotations_licence"]
    if type(f0) is not str:
        raise _Unfit
    if type(f1) is not str:
        raise _Unfit
    if type(f2) is not str:
        raise _Unfit
    if type(f3) is not str:
        raise _Unfit
    record = _new(Rights)
    _rights_report_text(record, f0)
    _rights_attribution(record, f1)
    _rights_code_licence(record, f2)
    _rights_annotations_licence(record, f3)
    return record


def _sdggoal(value: Any, refs: list[list[Any]]) -> SdgGoal:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 5:
        f0 = value["id"]
        f1 = value["number"]
        f2 = value["title"]
        f3 = value["short"]
        f4 = value["target_ids"]
    else:
        f0 = value["id"]
        f1 = value["number"]
        f2 = value["title"]
        f3 = value["short"]
        f4 = value.get("target_ids", _MISSING)
        if len(value) != 5 - (f4,).count(_MISSING):
            raise _Unfit
    if type(f0) is not str:
        raise _Unfit
    if type(f1) is not int:
        raise _Unfit
    if type(f2) is not str:
        raise _Unfit
    if type(f3) is not str:
        raise _Unfit
    if f4 is _MISSING:
        f4 = ()
    else:
        if type(f4) is not list:
            raise _Unfit
        for item in f4:
            if type(item) is not str:
                raise _Unfit
        f4 = tuple(f4)
        refs[8].extend(f4)
    record = _new(SdgGoal)
    _sdggoal_id(record, f0)
    _sdggoal_number(record, f1)
    _sdggoal_title(record, f2)
    _sdggoal_short(record, f3)
    _sdggoal_target_ids(record, f4)
    return record


def _sdgtarget(value: Any, refs: list[list[Any]]) -> SdgTarget:
    if type(value) is not dict:
        raise _Unfit
    if len(value) != 4:
        raise _Unfit
    f0 = value["id"]
    f1 = value["code"]
    f2 = value["goal_id"]
    f3 = value["text"]
    if type(f0) is not str:
        raise _Unfit
    if type(f1) is not str:
        raise _Unfit
    if type(f2) is not str:
        raise _Unfit
    refs[9].append(f2)
    if type(f3) is not str:
        raise _Unfit
    record = _new(SdgTarget)
    _sdgtarget_id(record, f0)
    _sdgtarget_code(record, f1)
    _sdgtarget_goal_id(record, f2)
    _sdgtarget_text(record, f3)
    return record


def _section(value: Any, refs: list[list[Any]]) -> Section:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 5:
        f0 = value["id"]
        f1 = value["title"]
        f2 = value["span"]
        f3 = value["heading_span"]
        f4 = value["record_ids"]
    else:
        f0 = value["id"]
        f1 = value["title"]
        f2 = value["span"]
        f3 = value.get("heading_span", _MISSING)
        f4 = value.get("record_ids", _MISSING)
        if len(value) != 5 - (f3, f4).count(_MISSING):
            raise _Unfit
    if type(f0) is not str:
        raise _Unfit
    if type(f1) is not str:
        raise _Unfit
    if type(f2) is not list or len(f2) != 2:
        raise _Unfit
    start, end = f2
    if type(start) is not int or type(end) is not int or not 0 <= start <= end:
        raise _Unfit
    f2 = _new(Span)
    _span_start(f2, start)
    _span_end(f2, end)
    refs[0].append(end)
    if f3 is _MISSING:
        f3 = None
    else:
        if f3 is not None:
            if type(f3) is not list or len(f3) != 2:
                raise _Unfit
            start, end = f3
            if type(start) is not int or type(end) is not int or not 0 <= start <= end:
                raise _Unfit
            f3 = _new(Span)
            _span_start(f3, start)
            _span_end(f3, end)
            refs[0].append(end)
    if f4 is _MISSING:
        f4 = ()
    else:
        if type(f4) is not list:
            raise _Unfit
        for item in f4:
            if type(item) is not str:
                raise _Unfit
        f4 = tuple(f4)
        refs[1].extend(f4)
    record = _new(Section)
    _section_id(record, f0)
    _section_title(record, f1)
    _section_span(record, f2)
    _section_heading_span(record, f3)
    _section_record_ids(record, f4)
    return record


def _source(value: Any, refs: list[list[Any]]) -> Source:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 10:
        f0 = value["id"]
        f1 = value["key"]
        f2 = value["type"]
        f3 = value["footnote_ids"]
        f4 = value["author"]
        f5 = value["title"]
        f6 = value["container"]
        f7 = value["date_text"]
        f8 = value["issued"]
        f9 = value["url"]
    else:
        f0 = value["id"]
        f1 = value["key"]
        f2 = value["type"]
        f3 = value["footnote_ids"]
        f4 = value["author"]
        f5 = value.get("title", _MISSING)
        f6 = value.get("container", _MISSING)
        f7 = value.get("date_text", _MISSING)
        f8 = value.get("issued", _MISSING)
        f9 = value.get("url", _MISSING)
        if len(value) != 10 - (f5, f6, f7, f8, f9).count(_MISSING):
            raise _Unfit
    if type(f0) is not str:
        raise _Unfit
    if type(f1) is not str:
        raise _Unfit
    if type(f2) is not str:
        raise _Unfit
    if type(f3) is not list:
        raise _Unfit
    for item in f3:
        if type(item) is not str:
            raise _Unfit
    f3 = tuple(f3)
    refs[3].extend(f3)
    if type(f4) is not str:
        raise _Unfit
    if f5 is _MISSING:
        f5 = None
    else:
        if f5 is not None and type(f5) is not str:
            raise _Unfit
    if f6 is _MISSING:
        f6 = None
    else:
        if f6 is not None and type(f6) is not str:
            raise _Unfit
    if f7 is _MISSING:
        f7 = None
    else:
        if f7 is not None and type(f7) is not str:
            raise _Unfit
    if f8 is _MISSING:
        f8 = None
    else:
        if f8 is not None and type(f8) is not str:
            raise _Unfit
    if f9 is _MISSING:
        f9 = None
    else:
        if f9 is not None and type(f9) is not str:
            raise _Unfit
    return Source(f0, f1, f2, f3, f4, f5, f6, f7, f8, f9)


def _theme(value: Any, refs: list[list[Any]]) -> Theme:
    if type(value) is not dict:
        raise _Unfit
    if len(value) == 5:
        f0 = value["id"]
        f1 = value["name"]
        f2 = value["basis"]
        f3 = value["description"]
        f4 = value["item_id"]
    else:
        f0 = value["id"]
        f1 = value["name"]
        f2 = value["basis"]
        f3 = value["description"]
        f4 = value.get("item_id", _MISSING)
        if len(value) != 5 - (f4,).count(_MISSING):
            raise _Unfit
    if type(f0) is not str:
        raise _Unfit
    if type(f1) is not str:
        raise _Unfit
    if type(f2) is not str:
        raise _Unfit
    f2 = _BASIS[f2]
    if type(f3) is not str:
        raise _Unfit
    if f4 is _MISSING:
        f4 = None
    else:
        if f4 is not None:
            if type(f4) is not str:
                raise _Unfit
            refs[4].append(f4)
    record = _new(Theme)
    _theme_id(record, f0)
    _theme_name(record, f1)
    _theme_basis(record, f2)
    _theme_description(record, f3)
    _theme_item_id(record, f4)
    return record


def _vocabulary(value: Any, refs: list[list[Any]]) -> Vocabulary:
    if type(value) is not dict:
        raise _Unfit
    if len(value) != 10:
        raise _Unfit
    f0 = value["id"]
    f1 = value["title"]
    f2 = value["file"]
    f3 = value["sha256"]
    f4 = value["repository"]
    f5 = value["url"]
    f6 = value["commit"]
    f7 = value["paths"]
    f8 = value["licence"]
    f9 = value["rights"]
    if type(f0) is not str:
        raise _Unfit
    if type(f1) is not str:
        raise _Unfit
    if type(f2) is not str:
        raise _Unfit
    if type(f3) is not str:
        raise _Unfit
    if type(f4) is not str:
        raise _Unfit
    if type(f5) is not str:
        raise _Unfit
    if type(f6) is not str:
        raise _Unfit
    if type(f7) is not list:
        raise _Unfit
    for item in f7:
        if type(item) is not str:
            raise _Unfit
    f7 = tuple(f7)
    if type(f8) is not str:
        raise _Unfit
    if type(f9) is not str:
        raise _Unfit
    record = _new(Vocabulary)
    _vocabulary_id(record, f0)
    _vocabulary_title(record, f1)
    _vocabulary_file(record, f2)
    _vocabulary_sha256(record, f3)
    _vocabulary_repository(record, f4)
    _vocabulary_url(record, f5)
    _vocabulary_commit(record, f6)
    _vocabulary_paths(record, f7)
    _vocabulary_licence(record, f8)
    _vocabulary_rights(record, f9)
    return record


def structure_release_document(value: Any) -> tuple[ReleaseDocument, list[list[Any]]]:
    """Return the release document the exact hooks build from ``value``, and what it refers to; or raise.

    What it refers to is what `kzrights._integrity.check_release` checks of
    it, collected as it is read: list 0 holds the end of every span, list
    ``n`` the references that may name records of the kinds
    ``REFERENCE_KINDS[n - 1]`` (None left out).
    """
    refs: list[list[Any]] = [[] for _ in range(10)]
    return _releasedocument(value, refs), refs
