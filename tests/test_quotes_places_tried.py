"""A short quotation with a word changed is tried at every place its rare words vote for most (session 27).

A short quotation's leading places are tried in the order of how many of
its words each has nearby, then of their votes. The search stopped at the
first place with less than half the leading votes, though places after it
in that order might have more: "The right to freedom in association;" has
both its rare words ("freedom", "association") at item p8.i5, and so do
paragraphs 14, 16 and 18, but paragraphs 16 and 18 have "in" nearby too
and were tried first, then paragraph 14's "freedom" alone (one vote), and
the search stopped there: the quotation was paragraph 18's "the ‘right to
freedom of association’", its "The" and ";" otherwise written, not the item
it quotes. A short quotation is now tried at every leading place with
enough votes, unless a passage found already has all its words in one run
(session 21's edge rule: "The right to freedom of expression; and" stays
item p8.i6 with "and" added, not paragraph 16's "right to freedom of
expression’ and").
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.search.quotes import DifferenceKind, Verdict

REPORT = kzrights.load()


@pytest.mark.parametrize(
    ("quote", "record_id", "changed"),
    [
        ("The right to freedom in association;", "conclusions.p8.i5", ("in", "of")),
        (
            "Ensuring the rights of victims kleptocracy, human trafficking;",
            "conclusions.p8.i2",
            ("kleptocracy", "of"),
        ),
        ("Ensuring the rights of responsive, countries’ of human trafficking;", "conclusions.p8.i2", None),
    ],
)
def test_a_short_quotation_with_a_word_changed_is_the_record_it_quotes(quote, record_id, changed):
    check = REPORT.check_quote(quote)
    assert check.verdict is Verdict.ALTERED
    assert [place.record.id for place in check.locations] == [record_id]
    location = check.locations[0]
    # the record's own capital and closing mark are in the location, as the quotation has them
    assert location.record.text[location.span.start : location.span.end] == location.record.text
    if changed is not None:
        assert [
            (d.kind, d.quote_text, d.text) for d in check.differences if d.kind is DifferenceKind.CHANGED
        ] == [(DifferenceKind.CHANGED, *changed)]


@pytest.mark.parametrize(
    ("quote", "record_id", "added"),
    [
        ("The right to freedom of expression; and", "conclusions.p8.i6", "and"),
        ("The right to freedom of association; and assembly", "conclusions.p8.i5", "and assembly"),
    ],
)
def test_a_quotation_found_in_one_run_with_words_added_keeps_its_place(quote, record_id, added):
    check = REPORT.check_quote(quote)
    assert [place.record.id for place in check.locations] == [record_id]
    assert [(d.kind, d.quote_text) for d in check.differences] == [(DifferenceKind.ADDED, added)]


# the President's decree areas (paragraph 8's list): short records whose words stand again in
# paragraphs of the report, the case the search went wrong on
_ITEMS = [item for item in REPORT.items if item.id.startswith("conclusions.p8.")]
# common words of the report, and one it lacks. Before, 26 of the 617 quotations these make were
# placed at a paragraph ("The right by freedom of association;" at paragraph 18, "Ensuring the
# rights on victims of human trafficking;" at paragraph 19). "in" and "and" are left to the
# examples here and below: see the expected failures
_PUT_IN = ["on", "by", "a", "as", "for", "with", "its", "from", "at", "xylophone"]


@settings(max_examples=150, deadline=None)
@given(item=st.sampled_from(_ITEMS), data=st.data())
def test_an_item_with_one_inner_word_replaced_is_placed_in_that_item(item, data):
    """Any decree area, one of its inner words replaced by another, is still that item.

    The first and last words stay, so the quotation keeps the item's
    capital and its closing mark; the word put in is a common word of the
    report (which may stand near another record with the item's words, as
    "by" does near paragraph 18's "right to freedom of association") or one
    it lacks. Every other record with the item's words would show the
    replaced word as changed too, and lack the capital or the mark.
    """
    words = item.text.split(" ")
    at = data.draw(st.integers(1, len(words) - 2), label="word replaced")
    word = data.draw(st.sampled_from(_PUT_IN).filter(lambda w: w != words[at].lower()), label="word put in")
    quote = " ".join([*words[:at], word, *words[at + 1 :]])
    check = REPORT.check_quote(quote)
    assert check.verdict is Verdict.ALTERED, quote
    assert [place.record.id for place in check.locations] == [item.id], quote


@pytest.mark.xfail(strict=True, reason="known and left (session 27): see the docstring")
@pytest.mark.parametrize(
    ("quote", "record_id"),
    [
        ("The right and freedom of expression;", "conclusions.p8.i6"),
        ("The right to freedom and expression;", "conclusions.p8.i6"),
        ("Increasing the efficiency of interaction with in organisations; and", "conclusions.p8.i8"),
    ],
)
def test_still_misplaced_an_item_with_a_word_that_stands_in_the_passage_beside(quote, record_id):
    """Still placed elsewhere: the word put in is one the other passage has.

    "The right and freedom of expression;" is paragraph 14's "the ‘right to
    freedom of association’ and the ‘right to freedom of expression’", every
    word of the quotation there with seven of the report's left out unmarked,
    rather than item p8.i6 with "to" changed: a passage with fewer of the
    quotation's words is shown only where it shows more similarity. The
    third takes item p8.i9's "in" and "and", past the end of item p8.i8. An
    answer that becomes right makes this test fail, and the case moves up.
    """
    check = REPORT.check_quote(quote)
    assert [place.record.id for place in check.locations] == [record_id]
