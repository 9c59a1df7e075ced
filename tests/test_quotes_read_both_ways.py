"""A short quotation with a word added is read from both ends (tester, session 23).

The words of a quotation are matched to a passage's longest run first, and
of runs as long to the first: "of gdpr Kazakhstan and the" matched
paragraph 14's "Kazakhstan and the", then an "of" ten words before it
rather than the one just before, and was placed in paragraph 20; "Human
zorblat rights of citizens with disabilities", item p8.i3 with a word
added, was not found. A short quotation that is not all there is now also
read from its end, and that reading is kept where it fits better and well
enough to be found on its fit ("and and and" read from the end has the
three "and"s of "and enforcement, and prevention of torture and", fit 0.43,
and stays not found).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.search.quotes import DifferenceKind, Verdict

from .report_words import RECORDS_WITH_STEM, stem

REPORT = kzrights.load()


@pytest.mark.parametrize(
    ("quote", "record_id", "added"),
    [
        ("of gdpr Kazakhstan and the", "conclusions.p14", "gdpr"),  # was paragraph 20, four differences
        ("the zorblat population has so", "conclusions.p4", "zorblat"),  # was "bulk of the" changed
        ("While zorblat the bulk of the population", "conclusions.p4", "zorblat"),  # was across p3 and p4
        ("Human zorblat rights of citizens with disabilities", "conclusions.p8.i3", "zorblat"),  # not found
        ("right to coming life", "conclusions.p8.i7", "coming"),  # not found
        ("The right to freedom of zorblat expression;", "conclusions.p8.i6", "zorblat"),  # across i5, i6
        ("The zorblat right to freedom of association", "conclusions.p8.i5", "zorblat"),  # paragraph 16
        ("‘The reforming mechanisms of interaction with the UN", "conclusions.p8.i1", "reforming"),  # changed
    ],
)
def test_the_testers_quotations_with_a_word_added_are_that_word_added(quote, record_id, added):
    check = REPORT.check_quote(quote)
    assert check.verdict is Verdict.ALTERED
    assert [loc.record.id for loc in check.locations] == [record_id]
    assert [(d.kind, d.quote_text) for d in check.differences] == [(DifferenceKind.ADDED, added)]


def test_three_common_words_spread_over_an_item_stay_not_found():
    assert REPORT.check_quote("and and and").verdict is Verdict.NOT_FOUND


_RECORDS = [record for record in REPORT.records() if len((getattr(record, "text", "") or "").split()) >= 8]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


# the same stretches on every run; a stretch of common words alone ("of zorblat the Government
# of") may still be placed where they stand further apart (issue 11's fault 1, open)
@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(_RECORDS), st.data())
def test_a_made_up_word_after_a_stretchs_first_word_is_that_word_added(record, data):
    """4 to 7 words of a record, "zorblat" typed after the first: "zorblat" added, nothing else.

    Found at that record, or at one with the same words (punctuation
    aside). Of 500 such stretches, 63 were answered otherwise before.
    """
    words = record.text.split()
    size = data.draw(st.integers(4, 7), label="size")
    start = data.draw(st.integers(0, len(words) - size), label="start")
    stretch = words[start : start + size]
    assume(all(re.search(r"\w", word) for word in stretch))
    assume(any(RECORDS_WITH_STEM[stem(word)] <= 10 for word in stretch))
    # a web address makes the quotation too long (in tokens) to be read from both ends: "the
    # zorblat Republic of Kazakhstan, May 2020, https://…" is "in the" changed (open)
    assume("://" not in " ".join(stretch))
    check = REPORT.check_quote(" ".join([stretch[0], "zorblat", *stretch[1:]]))
    assert check.verdict is Verdict.ALTERED
    assert [(d.kind, d.quote_text) for d in check.differences] == [(DifferenceKind.ADDED, "zorblat")]
    wanted = " ".join(_words(" ".join(stretch)))
    assert any(
        loc.record.id == record.id or wanted in " ".join(_words(loc.record.text)) for loc in check.locations
    )
