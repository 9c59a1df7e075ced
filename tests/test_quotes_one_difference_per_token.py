"""Each token of a quotation is in one difference only (tester, session 21).

"interaction with non-governmental organisations; The rights" changes
"The" into the report's "and" (the end of item p8.i8) and "Human" (the
start of item p8.i9): the change was reported once per record, both with
"The" as the quotation's text, so a reader or a tool that counts the
differences saw "The" changed twice. A change that runs into a second
record now gives the quotation's tokens to the records in order, and a
record left with none has its words omitted. So too an ellipsis inside a
change ("‘increase … See" changed into "and"), which was an addition of
its own as well. Only a marked omission may name one ellipsis in two
records: it stands for the words of both.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings

import kzrights
from kzrights.search.quotes import DifferenceKind, QuoteCheck, Verdict

from .test_quotes import _generated_quotations
from .test_quotes_hostile import edited_stretches

REPORT = kzrights.load()


def _overlaps(check: QuoteCheck) -> list[tuple[str, str]]:
    """Pairs of differences (other than marked omissions) whose quotation spans share a character."""
    spans = sorted(
        (d.quote_span.start, d.quote_span.end, d.quote_text)
        for d in check.differences
        if d.kind is not DifferenceKind.MARKED_OMISSION and d.quote_span.end > d.quote_span.start
    )
    return [(a[2], b[2]) for a, b in itertools.pairwise(spans) if b[0] < a[1]]


def test_the_testers_change_across_two_items_names_the_token_once():
    check = REPORT.check_quote("interaction with non-governmental organisations; The rights")
    assert check.verdict is Verdict.ALTERED
    assert [(d.kind, d.quote_text, d.record_id, d.text) for d in check.differences] == [
        (DifferenceKind.CHANGED, "The", "conclusions.p8.i8", "and"),
        (DifferenceKind.OMITTED, "", "conclusions.p8.i9", "Human"),
    ]


def test_an_ellipsis_inside_a_change_is_not_also_an_addition():
    check = REPORT.check_quote("The to … The … human life ‘increase … See public order;")
    assert not _overlaps(check)
    changed = [d for d in check.differences if d.kind is DifferenceKind.CHANGED]
    assert [d.quote_text for d in changed] == ["increase … See"]


def test_no_token_of_the_generated_quotations_is_in_two_differences():
    """The 3,000 quotations of the differential digest (13 named a token twice before)."""
    for quote in _generated_quotations(7, 3_000):
        check = REPORT.check_quote(quote)
        assert not _overlaps(check), (quote, _overlaps(check))


@settings(max_examples=200, deadline=None)
@given(edited_stretches())
def test_no_token_is_in_two_differences(quote):
    """Edited stretches of one record or two: each difference's text is the quotation's, once."""
    check = REPORT.check_quote(quote)
    assert not _overlaps(check), _overlaps(check)
    for d in check.differences:
        assert d.quote_span.slice(quote) == d.quote_text
