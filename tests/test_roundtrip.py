"""(Un)structuring round-trips: hypothesis-made records, and the shipped release itself."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import kzrights
from kzrights import (
    Addressee,
    Alias,
    AliasForm,
    Ambiguity,
    Basis,
    DataIntegrityError,
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
    Section,
    Span,
    Theme,
)
from kzrights._converter import (
    ReleaseDocument,
    from_report,
    unstructure_document,
)
from kzrights._layout import SCHEMA
from kzrights._names import default_forms
from kzrights._structuring import structure_document
from kzrights.report import to_report

text = st.text(max_size=40)
ids = st.from_regex(r"[a-z]+(\.[a-z0-9]+){0,3}", fullmatch=True)
spans = st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)).map(lambda t: Span(min(t), max(t)))
refs = st.builds(FootnoteRef, footnote_id=ids, offset=st.integers(0, 10**4), source_span=spans)
small = {"max_size": 4}

paragraphs = st.builds(
    Paragraph,
    id=ids,
    section_id=ids,
    number=st.integers(1, 100),
    text=text,
    span=spans,
    footnote_refs=st.lists(refs, **small).map(tuple),
    item_ids=st.lists(ids, **small).map(tuple),
    entity_ids=st.lists(ids, **small).map(tuple),
)
items = st.builds(
    Item,
    id=ids,
    paragraph_id=ids,
    number=st.integers(1, 100),
    text=text,
    span=spans,
    footnote_refs=st.lists(refs, **small).map(tuple),
)
links = st.builds(
    Link,
    target_id=ids,
    basis=st.sampled_from(Basis),
    record_id=st.none() | ids,
    span=st.none() | spans,
    quote=st.none() | text,
    rationale=st.none() | text,
)
recommendations = st.builds(
    Recommendation,
    id=ids,
    addressee=st.sampled_from(Addressee),
    number=st.integers(1, 100),
    text=text,
    span=spans,
    lead_in_id=ids,
    footnote_refs=st.lists(refs, **small).map(tuple),
    entity_ids=st.lists(ids, **small).map(tuple),
    theme_links=st.lists(links, **small).map(tuple),
    evidence_links=st.lists(links, **small).map(tuple),
)
aliases = st.builds(
    Alias,
    text=text,
    form=st.sampled_from(AliasForm),
    ambiguity=st.sampled_from(Ambiguity),
    generated=st.booleans(),
    language=st.none() | text,
    grammatical_case=st.none() | text,
)
# a loaded entity always has its forms: stored (from release 1.2.0) or derived from its name and aliases
entities = st.builds(
    Entity,
    id=ids,
    category=st.sampled_from(EntityCategory),
    name=text,
    aliases=st.lists(text, **small).map(tuple),
    description=text,
    related_ids=st.lists(ids, **small).map(tuple),
).flatmap(
    lambda e: (
        st.just(attrs.evolve(e, forms=default_forms(e.name, e.aliases)))
        | st.lists(aliases, min_size=1, max_size=3).map(lambda forms: attrs.evolve(e, forms=tuple(forms)))
    )
)
rules = st.builds(
    LinkingRules,
    context_entity_ids=st.lists(ids, **small).map(tuple),
    context_words=st.lists(text, **small).map(tuple),
)
mentions = st.builds(
    Mention,
    entity_id=ids,
    text=text,
    start=st.integers(0, 10**6),
    end=st.integers(0, 10**6),
    record_id=st.none() | ids,
    source_span=st.none() | spans,
    form=st.none() | st.sampled_from(AliasForm),
    resolved_by=st.none() | text,
)
themes = st.builds(
    Theme, id=ids, name=text, basis=st.sampled_from(Basis), description=text, item_id=st.none() | ids
)
figures = st.builds(
    Figure,
    id=ids,
    figure_kind=st.sampled_from(FigureKind),
    text=text,
    record_id=ids,
    span=spans,
    description=text,
    value=st.none() | st.floats(allow_nan=False, allow_infinity=False),
    unit=st.none() | text,
    currency=st.none() | text,
    date=st.none() | text,
    qualifier=st.none() | text,
)
footnotes = st.builds(
    Footnote,
    id=ids,
    number=st.integers(1, 100),
    text=text,
    span=spans,
    urls=st.lists(text, **small).map(tuple),
    ibid_of=st.none() | ids,
    same_source_as=st.lists(ids, **small).map(tuple),
    cited_by=st.lists(ids, **small).map(tuple),
    entity_ids=st.lists(ids, **small).map(tuple),
)
sections = st.builds(
    Section,
    id=ids,
    title=text,
    span=spans,
    heading_span=st.none() | spans,
    record_ids=st.lists(ids, **small).map(tuple),
)
metadata = st.builds(
    Metadata,
    title=text,
    authors=st.lists(text, **small).map(tuple),
    published=st.dates(min_value=datetime.date(1900, 1, 1)),
    publisher=text,
    series=text,
    country=text,
    language=text,
    source_file=text,
    source_sha256=text,
    rights=st.builds(Rights, report_text=text, attribution=text, code_licence=text, annotations_licence=text),
    citation=text,
    title_span=spans,
    authors_span=spans,
    published_span=spans,
    publisher_span=spans,
)
documents = st.builds(
    ReleaseDocument,
    schema=st.just(SCHEMA),
    metadata=metadata,
    sections=st.lists(sections, **small).map(tuple),
    paragraphs=st.lists(paragraphs, **small).map(tuple),
    items=st.lists(items, **small).map(tuple),
    recommendations=st.lists(recommendations, **small).map(tuple),
    footnotes=st.lists(footnotes, **small).map(tuple),
    entities=st.lists(entities, **small).map(tuple),
    mentions=st.lists(mentions, **small).map(tuple),
    themes=st.lists(themes, **small).map(tuple),
    figures=st.lists(figures, **small).map(tuple),
    linking=st.lists(rules, max_size=1).map(tuple),
)


@given(documents)
def test_document_round_trip(document):
    """Unstructure, through JSON text, then structure again gives back an equal document."""
    data = json.loads(json.dumps(unstructure_document(document)))
    assert structure_document(data, version="x", file="report.json") == document


def test_shipped_release_round_trips(report):
    """The shipped report.json structures to records that unstructure to the same JSON."""
    document = from_report(report)
    data = json.loads(json.dumps(unstructure_document(document)))
    assert structure_document(data, version="1.0.0", file="report.json") == document


def test_to_report_inverts_from_report(report):
    """A report taken apart into its document and put back together is equal to the original."""
    again = to_report(from_report(report), version=report.version, source_text=report.source_text)
    assert again == report
    assert again.records() == report.records()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _paths(value, path=()):
    """Every place in a JSON value: (path to it, the value there)."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


# the newest release: the one the build writes with today's converter, so its JSON round-trips exactly
SHIPPED = json.loads(
    (
        Path(kzrights.__file__).parent / "data" / "releases" / kzrights.versions()[-1] / "report.json"
    ).read_text(encoding="utf-8")
)
SHIPPED_PATHS = [path for path, _ in _paths(SHIPPED) if path]


# fields the converter leaves out where they hold nothing, so older releases keep their own JSON
_LEFT_OUT_WHEN_EMPTY = frozenset({"form", "resolved_by", "background", "background_basis", "date_end"})


@given(st.sampled_from(SHIPPED_PATHS), json_values)
@example(path=("mentions", 59, "form"), replacement=None)
@example(path=("entities", 18, "forms"), replacement=[])  # found by hypothesis on 3.10
def test_any_change_to_the_shipped_json_structures_or_names_its_path(path, replacement):
    """Any value of report.json replaced by any JSON gives records, or a DataIntegrityError with its path."""
    document = copy.deepcopy(SHIPPED)
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = replacement
    try:
        structured = structure_document(document, version="x", file="report.json")
    except DataIntegrityError as exc:
        if path[0] != "schema":
            where = "$" + "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path[:2])
            assert where in str(exc)  # noqa: PT017 - the test is whether it raises, and what
    else:
        if replacement is None and path[-1] in _LEFT_OUT_WHEN_EMPTY:
            del node[path[-1]]  # a later layout's field: null means absent, left out
        if path[-1] == "forms" and replacement == []:
            # no forms stored: the entity gets the default ones of its name and aliases
            # (as before release 1.2.0), and those are never written out
            del node["forms"]
        assert json.loads(json.dumps(unstructure_document(structured))) == document


def test_the_converter_structures_one_record_type_too():
    """Each type a release holds has its hook; asking to structure any other type is a TypeError."""
    from kzrights._converter import structure

    assert structure([3, 9], Span, version=None, file="x") == Span(3, 9)
    link = {"target_id": "themes.x", "basis": "editorial", "record_id": None, "span": None}
    link |= {"quote": None, "rationale": "why"}
    expected = Link("themes.x", Basis.EDITORIAL, rationale="why")
    assert structure(link, Link, version=None, file="x") == expected
    with pytest.raises(TypeError, match="list is not a type a release holds"):
        structure(["1", "2"], list[str], version=None, file="x")
