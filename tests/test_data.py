"""Checks on the shipped data itself: counts, ids, order, spans and verbatim text."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest

import kzrights
from kzrights import Addressee
from kzrights_build.parse import fold

from .conftest import SEED_TEXT

SOURCE_SHA256 = "dc23b421f319308bc3f4f2b01de7dcfb2e6b57423cb3889f3eb5f0e190afd6b8"
FURNITURE = (
    "Skip to content",
    "Related Articles",
    "Join our mailing list",
    "Keep informed about events",
    "JOIN",
)


def test_seed_is_the_shared_source_byte_for_byte(report):
    """seeds/ keeps the capture unchanged, and the release ships the same bytes."""
    data = SEED_TEXT.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SOURCE_SHA256
    assert report.source_text.encode("utf-8") == data
    assert report.metadata.source_sha256 == SOURCE_SHA256


def test_metadata(report):
    """Title, author, date and publisher are read from the text, with spans that show them."""
    meta = report.metadata
    assert meta.title == "Retreating Rights – Kazakhstan: Conclusions and Recommendations"
    assert meta.authors == ("Adam Hug",)
    assert meta.published == datetime.date(2021, 7, 22)
    assert isinstance(meta.published, datetime.date)
    assert (meta.publisher, meta.series, meta.country) == (
        "Foreign Policy Centre",
        "Retreating Rights",
        "Kazakhstan",
    )
    assert meta.language.startswith("en")
    assert meta.title_span.slice(report.source_text) == meta.title
    assert meta.authors_span.slice(report.source_text) == "Adam Hug"
    assert meta.published_span.slice(report.source_text) == "July 22, 2021"
    assert meta.publisher_span.slice(report.source_text) == "Foreign Policy Centre"
    assert meta.series in meta.title and meta.country in meta.title


def test_rights_and_citation(report):
    """The rights statement says the text is the publisher's, and how to attribute and cite it."""
    rights = report.metadata.rights
    assert "Foreign Policy Centre" in rights.report_text
    assert "Adam Hug" in rights.attribution
    assert rights.code_licence == "MIT"
    assert rights.annotations_licence == "CC-BY-4.0"
    assert "Hug" in report.metadata.citation and "2021" in report.metadata.citation


def test_sections_in_reading_order(report):
    """Three sections, in order, each listing its records in reading order."""
    assert [s.id for s in report.sections] == ["conclusions", "recommendations", "footnotes"]
    starts = [s.span.start for s in report.sections]
    assert starts == sorted(starts)
    order = [r.id for r in report.records()]
    assert [i for s in report.sections for i in s.record_ids] == order
    heading = report.get("recommendations").heading_span
    assert heading is not None and heading.slice(report.source_text) == "Recommendations"


def test_twenty_eight_conclusion_paragraphs(report):
    """The conclusions have 28 body paragraphs, numbered and id'd in order."""
    paragraphs = [p for p in report.paragraphs if p.section_id == "conclusions"]
    assert len(paragraphs) == 28
    assert [p.id for p in paragraphs] == [f"conclusions.p{n}" for n in range(1, 29)]
    assert [p.number for p in paragraphs] == list(range(1, 29))
    assert paragraphs[0].text.startswith("As we approach the 30th anniversary of Kazakhstan’s independence")
    assert paragraphs[-1].text.startswith("So this publication finds that Kazakhstan is passing through")


def test_recommendation_lead_ins(report):
    """The recommendations section opens with two lead-in sentences, one per addressee."""
    lead_ins = [p for p in report.paragraphs if p.section_id == "recommendations"]
    assert [p.text for p in lead_ins] == [
        "Based on the findings of the research in this publication the Government of Kazakhstan should:",
        "To the international community:",
    ]


def test_decree_areas_are_items_of_their_paragraph(report):
    """The nine areas of the June 2021 decree are the items of the paragraph that introduces them."""
    decree = report.get("conclusions.p8")
    assert "June 2021 Decree" in decree.text
    assert decree.item_ids == tuple(f"conclusions.p8.i{n}" for n in range(1, 10))
    items = [report.get(i) for i in decree.item_ids]
    assert all(i.paragraph_id == "conclusions.p8" for i in items)
    assert [i.number for i in items] == list(range(1, 10))
    assert items[1].text == "Ensuring the rights of victims of human trafficking;"
    assert items[-1].text == (
        "Human rights in criminal justice and enforcement, and prevention of torture and ill-treatment."
    )
    assert report.items == tuple(items)
    assert all(p.item_ids == () for p in report.paragraphs if p.id != "conclusions.p8")


def test_fifteen_recommendations(report):
    """13 recommendations to the Government and 2 to the international community, numbered per addressee."""
    recs = report.recommendations
    assert len(recs) == 15
    gov = report.recommendations_to(Addressee.GOVERNMENT)
    intl = report.recommendations_to("international")
    assert [r.number for r in gov] == list(range(1, 14))
    assert [r.number for r in intl] == [1, 2]
    assert recs == gov + intl
    assert {r.lead_in_id for r in gov} == {"recommendations.p1"}
    assert {r.lead_in_id for r in intl} == {"recommendations.p2"}
    assert gov[5].id == "recommendations.government.6"
    assert gov[5].text == "Stop using kettling as a policing tactic for peaceful demonstrations;"
    assert not any(r.text.startswith(("•", " ")) for r in recs)
    assert intl[0].addressee.label == "international community"


def test_unknown_addressee_is_a_clear_error(report):
    """Asking for an addressee that does not exist names the ones that do."""
    with pytest.raises(ValueError, match="'government', 'international'"):
        report.recommendations_to("parliament")


def test_footnotes(report):
    """Footnotes 1-12 with clean URLs, Ibid. resolved and the repeated source linked."""
    notes = report.footnotes
    assert [f.number for f in notes] == list(range(1, 13))
    assert [f.id for f in notes] == [f"footnotes.{n}" for n in range(1, 13)]
    fn = {f.number: f for f in notes}
    assert fn[3].text == "Ibid."
    assert fn[3].ibid_of == "footnotes.2"
    assert all(f.ibid_of is None for f in notes if f.number != 3)
    assert fn[4].same_source_as == ("footnotes.6",)
    assert fn[6].same_source_as == ("footnotes.4",)
    assert fn[2].same_source_as == ("footnotes.3",)
    assert fn[1].urls == ("https://thediplomat.com/2016/10/nazarbayev-and-the-rise-of-the-kleptocrats/",)
    assert fn[9].urls == ()
    assert fn[12].urls[0].endswith("kazakhstan-trade-and-investment-factsheet-2021-07-07.pdf")
    for note in notes:
        for url in note.urls:
            assert url.startswith("https://")
            assert not re.search(r"[\s\u00a0]", url)
            assert url[-1] not in ".,;:)’”"
            assert url in note.text


def test_footnote_references_go_both_ways(report):
    """Markers are gone from the text; each record lists what it cites and each footnote who cites it."""
    citing = {}
    for record in report.records():
        assert not re.search(r"\[\d+\]", record.text), record.id
        for fid in getattr(record, "footnote_ids", ()):
            citing.setdefault(fid, []).append(record.id)
    assert {f.id: list(f.cited_by) for f in report.footnotes} == citing
    assert report.get("conclusions.p4").footnote_ids == ("footnotes.1",)
    assert report.get("conclusions.p8").footnote_ids == ("footnotes.2",)
    assert report.get("conclusions.p8.i9").footnote_ids == ("footnotes.3",)
    assert report.get("conclusions.p25").footnote_ids == ("footnotes.10", "footnotes.11")
    assert all(f.cited_by for f in report.footnotes)


def test_footnote_refs_point_at_markers(report):
    """Each marker's source span holds "[n]" and its offset is where it stood in the clean text."""
    for record in report.records():
        for ref in getattr(record, "footnote_refs", ()):
            number = report.get(ref.footnote_id).number
            assert ref.source_span.slice(report.source_text) == f"[{number}]"
            assert record.span.start <= ref.source_span.start < record.span.end
            assert 0 <= ref.offset <= len(record.text)
    p4 = report.get("conclusions.p4")
    assert p4.footnote_refs[0].offset == len(p4.text)


def test_every_span_reproduces_its_text(report):
    """Provenance: the source between a record's offsets is its text, up to markers and folded padding."""
    for record in report.records():
        raw = record.span.slice(report.source_text)
        assert fold(re.sub(r"\[\d+\]", "", raw)) == record.text, record.id
        assert raw == raw.strip(" \u00a0\t\n")
    for section in report.sections:
        assert section.span.slice(report.source_text)


def test_typography_and_spelling_are_the_reports(report):
    """Curly quotes, en dashes, € and the report's own typos survive; no-break padding does not."""
    text = "\n".join(r.text for r in report.records())
    for kept in ("’", "‘", "–", "€2.43bn", "tacking corruption", "have not lead", "skepticism", "sceptics"):
        assert kept in text
    assert "\u00a0" not in text
    assert "  " not in text


def test_no_page_furniture_in_records(report):
    """Navigation, mailing-list prompts and the repeated title are not records."""
    for record in report.records():
        for furniture in FURNITURE:
            assert furniture not in record.text, (record.id, furniture)
    assert not any(r.text == report.metadata.title for r in report.records())
    assert not any(r.text == "Footnotes" for r in report.records())


def test_ids_are_unique_and_readable(report):
    """Every id is unique and made of lowercase letters, digits and dots."""
    ids = report.ids()
    assert len(ids) == len(set(ids)) == 3 + len(report.records())
    assert all(re.fullmatch(r"[a-z]+(\.[a-z0-9]+)*", i) for i in ids)


def test_records_are_in_reading_order(report):
    """records() lists every text record once, ordered by position in the source."""
    records = report.records()
    assert len(records) == 30 + 9 + 15 + 12
    starts = [r.span.start for r in records]
    assert starts == sorted(starts)
    ends = [r.span.end for r in records]
    assert all(end <= start for end, start in zip(ends, starts[1:], strict=False))
    assert {r.kind for r in records} == {"paragraph", "item", "recommendation", "footnote"}


def test_load_returns_release_100(report):
    """The newest release shipped is the one load() gives without a version."""
    assert kzrights.versions()[0] == "1.0.0"
    assert kzrights.load().version == kzrights.versions()[-1]
    assert report.version == "1.0.0"
