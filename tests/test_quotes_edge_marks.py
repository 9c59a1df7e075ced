"""A found quotation's location takes in the punctuation it shares with the report at its edges.

An exact quotation's location ends where the quotation does, its final
mark included ("The right to freedom of association;" is item p8.i5 up to
its ";").  One with a word left out stopped before the mark, though the
quotation has it and the report has it right there: "The right freedom of
association;" was shown as "The right [-to-] freedom of association", and a
quotation across paragraphs 1 and 2 took in paragraph 1's full stop but not
paragraph 2's.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.search.quotes import Verdict, word_diff

REPORT = kzrights.load()


def test_the_case_in_the_docstring():
    exact = REPORT.check_quote("The right to freedom of association;")
    altered = REPORT.check_quote("The right freedom of association;")
    assert altered.verdict is Verdict.ALTERED
    assert [(p.record.id, p.span.end) for p in altered.locations] == [
        (p.record.id, p.span.end) for p in exact.locations
    ]
    assert altered.locations[0].text == "The right to freedom of association;"
    assert word_diff(altered) == "The right [-to-] freedom of association;"


def test_a_mark_the_report_has_not_there_is_left_out():
    """A full stop where the report goes on ("… of the regime."): the location ends at the last word."""
    check = REPORT.check_quote("the kleptocratic nature of the regime.")
    assert check.verdict is Verdict.ALTERED
    assert check.locations[0].text == "the kleptocratic nature of the current"


# runs of four to eight of the report's words and the mark after them, the run once in the report
_TEXTS = [record.text for record in REPORT.records()]
_ENDED = [
    (record.id, match.group(1), match.group(2))
    for record in REPORT.records()
    if "http" not in record.text
    for match in re.finditer(r"(?<![\w’'-])((?:[A-Za-z]{3,} ){3,7}[A-Za-z]{3,})([.;,:])", record.text)
    if sum(text.count(match.group(1)) for text in _TEXTS) == 1
]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_ENDED), st.integers(1, 6))
def test_a_word_left_out_keeps_the_final_mark_in_the_location(ended, dropped):
    """Any such run with an inner word left out: found where the run is, its location to the same mark."""
    record_id, words, mark = ended
    split = words.split(" ")
    at = min(dropped, len(split) - 2)
    quote = " ".join(split[:at] + split[at + 1 :]) + mark
    exact = REPORT.check_quote(words + mark)
    check = REPORT.check_quote(quote)
    assert exact.verdict is Verdict.EXACT and exact.locations[0].record.id == record_id
    if check.verdict is Verdict.NOT_FOUND or check.locations[0].record.id != record_id:
        return  # a word left out of four may fit another passage as well
    assert check.locations[-1].span.end == exact.locations[-1].span.end, (quote, check.locations)
    assert check.locations[-1].text.endswith(mark), quote
    assert word_diff(check).endswith(mark), quote
