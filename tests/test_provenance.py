"""A record's text and the source agree both ways: quotations, mentions and exported quotes.

Every tool that maps offsets of a record's text into the source text (or
back) goes through one map per record; these tests check what users see of
it: the ``source_span`` of a located quotation, and the words of an explicit
link in the W3C annotation export.
"""

from __future__ import annotations

import json
import threading

from hypothesis import given
from hypothesis import strategies as st

import kzrights
from kzrights._converter import from_report, to_report
from kzrights._provenance import clean

REPORT = kzrights.load("1.1.0")
RECORDS = REPORT.records()


@st.composite
def stretches(draw: st.DrawFn) -> tuple[kzrights.Record, int, int]:
    """A record and a stretch of its text that starts and ends with a visible character."""
    record = draw(st.sampled_from(RECORDS))
    text = record.text
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, min(len(text), start + 200)))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        start, end = 0, len(text)
    return record, start, end


@given(stretches())
def test_a_located_quotation_is_its_source_span_cleaned(stretch):
    """Whatever users quote from a record, its source_span holds those words, markers removed."""
    record, start, end = stretch
    quote = record.text[start:end]
    places = [
        p
        for p in REPORT.locate_all(quote)
        if p.record is record and (p.span.start, p.span.end) == (start, end)
    ]
    assert len(places) == 1
    where = places[0]
    assert clean(REPORT.source_text, where.source_span.start, where.source_span.end).text == quote
    assert record.span.start <= where.source_span.start < where.source_span.end <= record.span.end


def test_a_quotation_across_a_footnote_marker_spans_the_marker():
    """The words either side of a marker are one quotation whose source span holds the marker."""
    record, ref = next(
        (r, ref)
        for r in RECORDS
        for ref in getattr(r, "footnote_refs", ())
        if 12 <= ref.offset <= len(r.text) - 12
    )
    start, end = max(0, ref.offset - 12), min(len(record.text), ref.offset + 12)
    quote = record.text[start:end].strip()
    where = next(p for p in REPORT.locate_all(quote) if p.record is record)
    source = where.source_span.slice(REPORT.source_text)
    assert f"[{ref.footnote_id.split('.')[1]}]" in source
    assert source != quote


def test_the_export_quotes_each_explicit_link_in_its_own_words(tmp_path):
    """In the annotations export, the describing body of an explicit link selects exactly the link's quote."""
    path = tmp_path / "annotations.jsonld"
    kzrights.export(REPORT, "annotations", path)
    exported = json.loads(path.read_text(encoding="utf-8"))
    checked = 0
    for annotation in exported["first"]["items"]:
        if annotation["motivation"] not in ("classifying", "linking"):
            continue
        recommendation = REPORT.get(annotation["target"]["source"].rsplit(":", 1)[1])
        target, *rest = annotation["body"]
        links = {
            link.target_id: link for link in (*recommendation.theme_links, *recommendation.evidence_links)
        }
        link = links[target["source"].rsplit(":", 1)[1]]
        for body in rest:
            if body.get("purpose") == "describing":
                quote, position = body["selector"]
                assert quote["exact"] == link.quote, (recommendation.id, link.target_id)
                quoted = REPORT.get(link.record_id).text[position["start"] : position["end"]]
                assert quoted == link.quote
                checked += 1
    assert checked == sum(
        1 for r in REPORT.recommendations for link in (*r.theme_links, *r.evidence_links) if link.quote
    )


def test_threads_locating_at_once_on_a_fresh_report_agree():
    """Sixteen threads quoting at once from a report nobody has queried get the same answers."""
    fresh = to_report(from_report(REPORT), version=REPORT.version, source_text=REPORT.source_text)
    quotes = [r.text[:40].strip() for r in RECORDS[:16]]
    expected = [REPORT.locate(q) for q in quotes]
    results: list[object] = [None] * len(quotes)
    barrier = threading.Barrier(len(quotes))

    def run(i: int) -> None:
        barrier.wait()
        results[i] = fresh.locate(quotes[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(quotes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [(w.record.id, w.span, w.source_span) for w in results] == [
        (w.record.id, w.span, w.source_span) for w in expected
    ]
