"""An addition belongs to the record of the words it follows or comes before (session 18, tester 3).

A word added after the last word of a record ("… enforcement urgently",
where recommendation government.11 ends "enforcement;") was placed at the
start of the next record, government.12, outside the quotation's only
`Location`: `word_diff`, which shows each location's differences, lost it.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.search.quotes import DifferenceKind, Verdict, word_diff

REPORT = kzrights.load("1.1.0")
RECORDS = [
    record
    for record in REPORT.records()
    if len(record.text.split()) >= 8 and "…" not in record.text and "..." not in record.text
]


def _inside(check, difference) -> bool:
    return any(
        place.record.id == difference.record_id
        and place.span.start <= difference.span.start <= difference.span.end <= place.span.end
        for place in check.locations
    )


def test_the_testers_quotation():
    """The added "urgently" after government.11's last word is government.11's, shown by word_diff."""
    check = REPORT.check_quote("Improve data protection and privacy regulation and enforcement urgently")
    assert check.verdict is Verdict.ALTERED
    added = [d for d in check.differences if d.kind is DifferenceKind.ADDED]
    assert [(d.quote_text, d.record_id) for d in added] == [("urgently", "recommendations.government.11")]
    assert _inside(check, added[0])
    assert "{+urgently+}" in word_diff(check)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(RECORDS), st.integers(5, 9), st.booleans())
def test_a_word_added_at_either_end_of_a_record_is_that_records(record, count, at_end):
    """A made-up word before a record's first words or after its last: a difference inside a location."""
    words = record.text.split()
    piece = " ".join(words[-count:] if at_end else words[:count])
    quote = f"{piece} zyxwvut" if at_end else f"zyxwvut {piece}"
    check = REPORT.check_quote(quote)
    if check.verdict is Verdict.NOT_FOUND:
        return
    added = [d for d in check.differences if "zyxwvut" in d.quote_text]
    assert added, (quote, check.differences)
    assert all(_inside(check, d) for d in added), (quote, added, check.locations)
    assert "zyxwvut+}" in word_diff(check)
