"""The data audit of release 1.2.0: each correction as a user sees it, and the build checks that keep them.

The first half reads the shipped releases the way a user does, through
`kzrights.load` and `kzrights.diff`: every correction of the audit shows in
``diff("1.1.0", "1.2.0")`` and in the records of 1.2.0, while 1.1.0 still says
what it said.  The second half feeds the build seeds that hold each kind of
mistake the audit found, and checks that the build refuses them.
"""

from __future__ import annotations

import copy
import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.errors import BuildError
from kzrights.records import Paragraph, Span
from kzrights_build.entities import link_entities, read_entities, sentence_span
from kzrights_build.seeds import load_toml

from .annotation_seeds import read
from .conftest import SEEDS

# ── what a user sees ──


@pytest.fixture(scope="module")
def change() -> kzrights.ReleaseDiff:
    """What changed from 1.1.0 to 1.2.0."""
    return kzrights.diff("1.1.0", "1.2.0")


@pytest.fixture(scope="module")
def r11() -> kzrights.Report:
    return kzrights.load("1.1.0")


@pytest.fixture(scope="module")
def r12() -> kzrights.Report:
    return kzrights.load("1.2.0")


def _changed(change: kzrights.ReleaseDiff, record_id: str) -> set[str]:
    fields = {c.id: set(c.fields) for c in change.changed}
    assert record_id in fields, f"diff does not list {record_id}"
    return fields[record_id]


def test_the_audit_removes_no_id(change):
    """The audit corrects; it removes nothing, so every id of 1.1.0 is still there."""
    assert change.removed == ()
    assert change.old == "1.1.0" and change.new == "1.2.0"


@pytest.mark.parametrize(
    ("entity_id", "whose"),
    [
        ("entities.president-of-kazakhstan", "Shormanbayevs' essay"),
        ("entities.parliament", "Shormanbayevs' essay"),
        ("entities.ministry-of-digital-development", "Anna Gussarova argues in her essay"),
        ("entities.information-security-committee", "Anna Gussarova argues in her essay"),
        ("entities.russia", "in her essay Anna Gussarova warns"),
        ("entities.china", "in her essay Anna Gussarova warns"),
        ("entities.kettling", "Tatiana Chernobil writes in her essay"),
        ("entities.administrative-code", "Galiya Azhenova's essay"),
    ],
)
def test_an_essay_authors_view_says_whose_it_is(change, r11, r12, entity_id, whose):
    """A description that gave an essay author's view as the report's now names the author."""
    assert "description" in _changed(change, entity_id)
    assert whose in r12.get(entity_id).description
    assert whose not in r11.get(entity_id).description


@pytest.mark.parametrize(
    ("entity_id", "outside_fact"),
    [("entities.mazhilis", "Lower house of Parliament"), ("entities.akims", "Local heads of administration")],
)
def test_outside_facts_are_background_with_a_basis(change, r11, r12, entity_id, outside_fact):
    """A fact the report does not give leaves the description for `background`, with its source."""
    assert {"description", "background", "background_basis"} <= _changed(change, entity_id)
    old, new = r11.get(entity_id), r12.get(entity_id)
    assert old.description.startswith(outside_fact) and old.background is None
    assert outside_fact.casefold() not in new.description.casefold()
    assert new.background and new.background_basis.startswith("Constitution of the Republic of Kazakhstan")


def test_only_the_audited_entities_have_background(r12):
    """Background stays the exception: each has its basis, and descriptions elsewhere restate the report."""
    with_background = {e.id for e in r12.entities if e.background is not None}
    assert with_background == {"entities.mazhilis", "entities.akims"}
    assert all((e.background is None) == (e.background_basis is None) for e in r12.entities)


def test_wrong_and_missing_theme_links_are_corrected(change, r11, r12):
    """government.12 loses human trafficking (not its subject); government.5 gains association, expression."""
    assert "theme_links" in _changed(change, "recommendations.government.12")
    assert "themes.human-trafficking" in r11.recommendation("government", 12).theme_ids
    assert "themes.human-trafficking" not in r12.recommendation("government", 12).theme_ids
    assert "themes.womens-rights" in r12.recommendation("government", 12).theme_ids

    assert "theme_links" in _changed(change, "recommendations.government.5")
    wanted = {"themes.freedom-of-association", "themes.freedom-of-expression"}
    assert not wanted & set(r11.recommendation("government", 5).theme_ids)
    links = {link.target_id: link for link in r12.recommendation("government", 5).theme_links}
    assert wanted <= set(links)
    for theme_id in wanted:
        link = links[theme_id]
        assert link.basis is kzrights.Basis.EXPLICIT and link.record_id == "conclusions.p14"
        assert r12.source_text[link.span.start : link.span.end] == link.quote


def test_explicit_links_quote_where_the_report_argues(r12):
    """Each explicit theme link of 1.2.0 quotes the recommendation, or a sentence holding evidence."""
    for recommendation in r12.recommendations:
        argued = {}
        for link in recommendation.evidence_links:
            if link.quote:
                text = r12.get(link.record_id).text
                start = text.index(link.quote)
                argued.setdefault(link.record_id, []).append((start, start + len(link.quote)))
        for link in recommendation.theme_links:
            if link.basis is not kzrights.Basis.EXPLICIT:
                continue
            if link.record_id in (recommendation.id, recommendation.lead_in_id):
                continue
            text = r12.get(link.record_id).text
            start = text.index(link.quote)
            first, last = sentence_span(text, start, start + len(link.quote))
            held = [(a, b) for a, b in argued[link.record_id] if a < last and first < b]
            assert held, (recommendation.id, link.target_id)


def test_a_period_has_a_start_and_an_end(change, r11, r12):
    """The "2015-16" stored as the year 2015 is now a period from 2015 to 2016."""
    assert "date_end" in _changed(change, "figures.reporting-requirements-period")
    old, new = (
        r11.get("figures.reporting-requirements-period"),
        r12.get("figures.reporting-requirements-period"),
    )
    assert (old.text, old.date, old.date_end) == ("2015-16", "2015", None)
    assert (new.text, new.date, new.date_end) == ("2015-16", "2015", "2016")
    assert all(f.date_end is None for f in r12.figures if f.id != new.id)


def test_no_unit_the_report_does_not_say(change, r11, r12):
    """The registration threshold "200" loses the unit "members", which its sentence never says."""
    assert "unit" in _changed(change, "figures.suggested-registration-threshold")
    assert r11.get("figures.suggested-registration-threshold").unit == "members"
    figure = r12.get("figures.suggested-registration-threshold")
    assert (figure.text, figure.value, figure.unit) == ("200", 200.0, None)
    assert r12.get("figures.party-registration-members").unit == "members"  # "20,000 members" says it


@pytest.mark.parametrize(
    ("essay_id", "record_id", "text", "authors"),
    [
        ("entities.essay-colleen-wood", "conclusions.p5", "her essay", ["entities.colleen-wood"]),
        ("entities.essay-tatiana-chernobil", "conclusions.p15", "her essay", ["entities.tatiana-chernobil"]),
        ("entities.essay-galiya-azhenova", "conclusions.p17", "essay", ["entities.galiya-azhenova"]),
        ("entities.essay-mihra-rittmann", "conclusions.p18", "essay", ["entities.mihra-rittmann"]),
        ("entities.essay-anna-gussarova", "conclusions.p20", "essay", ["entities.anna-gussarova"]),
        (
            "entities.essay-shormanbayevs",
            "conclusions.p21",
            "essay",
            ["entities.aina-shormanbayeva", "entities.amangeldy-shormanbayev"],
        ),
    ],
)
def test_the_essays_the_report_cites_are_mentions(change, r11, r12, essay_id, record_id, text, authors):
    """Each essay the report cites is a mention in 1.2.0, and its authors keep their own mentions."""
    assert "entity_ids" in _changed(change, record_id)
    # 1.1.0 missed the essay, or (the Shormanbayevs') swallowed its authors' mentions
    old_ids = set(r11.get(record_id).entity_ids)
    assert essay_id not in old_ids or not set(authors) <= old_ids
    assert essay_id in r12.get(record_id).entity_ids
    mentions = [m for m in r12.mentions_of(essay_id) if m.record_id == record_id]
    assert mentions and mentions[0].text == text
    assert r12.source_text[mentions[0].source_span.start : mentions[0].source_span.end] == text
    in_record = [m for m in r12.mentions if m.record_id == record_id]
    assert set(authors) <= {m.entity_id for m in in_record}
    # no two mentions overlap: the essay's never covers its authors'
    ends = [(m.start, m.end) for m in in_record]
    assert all(end <= start for (_, end), (start, _) in itertools.pairwise(ends))


def test_kamidolas_essay_is_cited_twice(r12):
    """Both "Aigerim Kamidola's essay" and, later in the paragraph, "As Kamidola argues in her essay"."""
    texts = [m.text for m in r12.mentions_of("entities.essay-aigerim-kamidola")]
    assert texts == ["essay", "her essay"]
    assert (
        len(r12.mentions) - len(kzrights.load("1.1.0").mentions) == 9
    )  # 8 essays, 2 authors, 1 swallowing gone


def test_the_guessed_transliteration_is_gone(change, r11, r12):
    """The Cyrillic "Адам Хаг", a form of Adam Hug that no source uses, is no alias in 1.2.0."""
    assert "aliases" in _changed(change, "entities.adam-hug")
    assert "Адам Хаг" in r11.get("entities.adam-hug").aliases
    assert "Адам Хаг" not in r12.get("entities.adam-hug").aliases


# ── what the build refuses ──


def _recommendation(themes, number):
    return next(r for r in themes["recommendation"] if r["id"] == f"recommendations.government.{number}")


def _figure(figures, figure_id):
    return next(f for f in figures["figure"] if f["id"] == figure_id)


def test_the_seeds_pass_every_check(seeds_and_records):
    """The audited seeds build: the checks below fail on the mistakes, not on the data."""
    assert read(seeds_and_records).figures


def test_an_explicit_link_the_recommendation_never_argues_is_refused(seeds_and_records):
    """1.1.0's explicit link from government.12 to human trafficking, quoting the Istanbul Convention."""
    themes = copy.deepcopy(seeds_and_records[0].themes_data)
    recommendation = _recommendation(themes, 12)
    recommendation["themes"].append(
        {
            "theme": "human-trafficking",
            "in": "conclusions.p19",
            "quote": "‘ensuring the rights of victims of human trafficking’",
        }
    )
    recommendation.pop("set_aside")
    with pytest.raises(
        BuildError, match=r"government\.12' → themes\.human-trafficking: an explicit link quotes"
    ):
        read(seeds_and_records, themes=themes)


def test_a_quoted_decree_area_left_unlinked_is_refused(seeds_and_records):
    """1.1.0's government.5 without freedom of association, which its evidence paragraph quotes."""
    themes = copy.deepcopy(seeds_and_records[0].themes_data)
    recommendation = _recommendation(themes, 5)
    recommendation["themes"] = [t for t in recommendation["themes"] if t["theme"] != "freedom-of-association"]
    with pytest.raises(BuildError, match=r"quotes the decree area themes\.freedom-of-association"):
        read(seeds_and_records, themes=themes)


def test_setting_aside_a_theme_needs_a_reason_that_holds(seeds_and_records):
    """A set-aside area no evidence paragraph quotes is stale; one without a rationale is malformed."""
    themes = copy.deepcopy(seeds_and_records[0].themes_data)
    _recommendation(themes, 12)["set_aside"][0]["theme"] = "disability-rights"
    with pytest.raises(
        BuildError, match=r"themes\.disability-rights is set aside, but no evidence paragraph"
    ):
        read(seeds_and_records, themes=themes)
    themes = copy.deepcopy(seeds_and_records[0].themes_data)
    del _recommendation(themes, 12)["set_aside"][0]["rationale"]
    with pytest.raises(BuildError, match=r"set_aside\[0\]\.rationale: missing field"):
        read(seeds_and_records, themes=themes)


def test_a_period_without_its_end_is_refused(seeds_and_records):
    """1.1.0's "2015-16" stored as the year 2015."""
    figures = copy.deepcopy(seeds_and_records[0].figures_data)
    del _figure(figures, "reporting-requirements-period")["date_end"]
    with pytest.raises(BuildError, match=r"'2015-16' is a period: give its end in date_end"):
        read(seeds_and_records, figures=figures)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date_end": "2014"}, r"date_end '2014' is not after date '2015'"),
        ({"date_end": "2017"}, r"the year of date_end '2017' is not in '2015-16'"),
        ({"date_end": "16"}, r"'16' is not an ISO 8601"),
        ({"date": "2014"}, r"the year of '2014' is not in '2015-16'"),
    ],
)
def test_a_period_must_be_the_reports(seeds_and_records, changes, message):
    """Start and end are ISO 8601, in order, and both in the report's words."""
    figures = copy.deepcopy(seeds_and_records[0].figures_data)
    _figure(figures, "reporting-requirements-period").update(changes)
    with pytest.raises(BuildError, match=message):
        read(seeds_and_records, figures=figures)


def test_only_a_date_has_an_end(seeds_and_records):
    """A count with ``date_end`` is a slip."""
    figures = copy.deepcopy(seeds_and_records[0].figures_data)
    _figure(figures, "world-bank-projects")["date_end"] = "2021"
    with pytest.raises(BuildError, match="only a date has date_end"):
        read(seeds_and_records, figures=figures)


def test_a_unit_the_report_does_not_say_is_refused(seeds_and_records):
    """1.1.0's unit "members" for the "200" of party registration; and "years" for the 30th anniversary."""
    figures = copy.deepcopy(seeds_and_records[0].figures_data)
    _figure(figures, "suggested-registration-threshold")["unit"] = "members"
    with pytest.raises(
        BuildError, match=r"the unit 'members' says 'members', which the sentence that holds '200'"
    ):
        read(seeds_and_records, figures=figures)
    figures = copy.deepcopy(seeds_and_records[0].figures_data)
    _figure(figures, "independence-anniversary")["unit"] = "years of independence"
    with pytest.raises(BuildError, match=r"says 'years'"):
        read(seeds_and_records, figures=figures)


def _entities_data():
    return load_toml(SEEDS / "entities.toml")


def test_background_needs_its_basis():
    """Background without the source it comes from, or a basis without background, stops the build."""
    data = _entities_data()
    mazhilis = next(e for e in data["entity"] if e["id"] == "mazhilis")
    del mazhilis["background_basis"]
    with pytest.raises(BuildError, match="entity 'mazhilis': background and background_basis go together"):
        read_entities(data, "entities.toml")
    data = _entities_data()
    next(e for e in data["entity"] if e["id"] == "kazakhstan")["background_basis"] = "common knowledge"
    with pytest.raises(BuildError, match="entity 'kazakhstan': background and background_basis go together"):
        read_entities(data, "entities.toml")


def test_an_essay_without_its_entity_is_refused(seeds_and_records):
    """An essay the report cites ("Anna Gussarova's essay") must have an entity, or the build names it."""
    seeds, records = seeds_and_records
    data = _entities_data()
    data["entity"] = [e for e in data["entity"] if e["id"] != "essay-anna-gussarova"]
    entities = read_entities(data, "entities.toml")
    with pytest.raises(
        BuildError, match=r"conclusions\.p20 cites the essay of Anna Gussarova, which has no entity"
    ):
        link_entities(records, seeds.source_text, entities)


def test_an_essays_author_must_be_in_the_registry():
    """An essay named after someone the registry does not hold is a slip."""
    data = _entities_data()
    essay = next(e for e in data["entity"] if e["id"] == "essay-anna-gussarova")
    essay["name"] = "Essay by Anna Gusarova-Smith"
    with pytest.raises(BuildError, match=r"its author 'Anna Gusarova-Smith' is not a person"):
        read_entities(data, "entities.toml")


# ── essays in any text: the rules never crash, never overlap, never leave one out ──

_ENTITIES = read_entities(_entities_data(), "entities.toml")
_PIECES = [
    "essay",
    "her essay",
    "their essay",
    "essays",
    "Anna Gussarova",
    "Anna Gussarova’s essay",
    "Gussarova's essay",
    "the essay by Aina Shormanbayeva and Amangeldy Shormanbayev",
    "essay by Tatiana Chernobil",
    "As Kamidola argues in her essay",
    "Kazakhstan",
    "writes",
    "in",
    "and",
    "by",
    ".",
    "Tokayev",
]


def _paragraph(text: str) -> Paragraph:
    return Paragraph(
        id="conclusions.p1", section_id="conclusions", number=1, text=text, span=Span(0, len(text))
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12))
def test_essay_mentions_in_any_text(pieces):
    """Whatever the words around "essay", the build either names each essay or refuses with a BuildError.

    When it names them, the mentions are in order, never overlap, each
    covers one "essay" of the text, and every singular "essay" is covered.
    """
    text = " ".join(pieces).replace(" .", ".")
    try:
        _, mentions = link_entities([_paragraph(text)], text, _ENTITIES)
    except BuildError as exc:
        message = str(exc)
        assert "essay" in message
        return
    spans = [(m.start, m.end) for m in mentions]
    assert spans == sorted(spans)
    assert all(end <= start for (_, end), (start, _) in itertools.pairwise(spans))
    essays = [m for m in mentions if m.entity_id.startswith("entities.essay-")]
    words = [match.start() for match in re.finditer(r"\bessay\b", text)]
    assert sorted(m.end - len("essay") for m in essays) == words
    assert all(m.text.endswith("essay") and text[m.start : m.end] == m.text for m in essays)


@given(st.text(alphabet="ab .?!’‘Ab", max_size=40), st.data())
def test_a_sentence_holds_what_it_is_asked_about(text, data):
    """`sentence_span` always returns a stretch of the text that holds the words asked about."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    first, last = sentence_span(text, start, end)
    assert 0 <= first <= start and end <= last <= len(text)


_CITATIONS = {
    "Anna Gussarova’s essay": ("entities.essay-anna-gussarova", {"entities.anna-gussarova"}),
    "Mihra Rittmann's essay": ("entities.essay-mihra-rittmann", {"entities.mihra-rittmann"}),
    "the essay by Aina Shormanbayeva and Amangeldy Shormanbayev": (
        "entities.essay-shormanbayevs",
        {"entities.aina-shormanbayeva", "entities.amangeldy-shormanbayev"},
    ),
    "As Tatiana Chernobil writes in her essay": (
        "entities.essay-tatiana-chernobil",
        {"entities.tatiana-chernobil"},
    ),
}
_FILLER = ["Kazakhstan", "writes", "in", "and", "Tokayev", ".", "the"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([*_CITATIONS, *_FILLER]), max_size=10))
def test_every_essay_cited_by_its_authors_is_found(pieces):
    """Each well-formed citation of an essay, among other words, is the essay's mention and its authors'."""
    text = " ".join(pieces)
    _, mentions = link_entities([_paragraph(text)], text, _ENTITIES)
    cited = [_CITATIONS[p] for p in pieces if p in _CITATIONS]
    assert [m.entity_id for m in mentions if m.entity_id.startswith("entities.essay-")] == [
        e for e, _ in cited
    ]
    named = [m.entity_id for m in mentions]
    for _, authors in cited:
        assert authors <= set(named)


def test_a_paragraph_is_evidence_once_per_recommendation(seeds_and_records):
    """Two evidence links to one paragraph are refused: the exports key a link by both ids."""
    themes = copy.deepcopy(seeds_and_records[0].themes_data)
    _recommendation(themes, 7)["evidence"].append(
        {"paragraph": "conclusions.p16", "in": "conclusions.p16", "quote": "freedom restrictions"}
    )
    with pytest.raises(BuildError, match=r"links to the evidence paragraph conclusions\.p16 more than once"):
        read(seeds_and_records, themes=themes)
