"""The passage shown leaves out no more of the report than it must (tester, session 23).

Session 22 showed the passage with the most similarity shown. But the
similarity counts the words a passage leaves out unmarked only past twice
the quotation's length, so a quotation with one word dropped went to a
passage that leaves out six: "punitive tax and burdensome reporting" (from
recommendation government.1, "inspections" dropped) went to paragraph 10 at
0.9091, leaving out "it should reduce the deliberately" and more. Passages
are now weighed by their fit, which counts every word left out unmarked.
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
    ("quote", "record_id", "omitted"),
    [
        # the tester's four: each went to a passage leaving out three to six words
        ("on insulting honour and dignity", "recommendations.government.9", "the"),
        ("punitive tax and burdensome reporting", "recommendations.government.1", "inspections"),
        ("tax inspections and reporting requirements;", "recommendations.government.1", "burdensome"),
        ("the Development and", "footnotes.7", "EU’s"),
    ],
)
def test_a_quotation_with_one_word_dropped_is_shown_where_only_that_word_is_left_out(
    quote, record_id, omitted
):
    check = REPORT.check_quote(quote)
    assert check.verdict is Verdict.ALTERED
    assert [loc.record.id for loc in check.locations] == [record_id]
    assert [(d.kind, d.text) for d in check.differences] == [(DifferenceKind.OMITTED, omitted)]


def test_an_ellipsis_that_leaves_nothing_out_beats_six_words_left_out_unmarked():
    """Found by hypothesis: "law … on public" is recommendation government.5's "law on public".

    Recommendation government.9's "laws on insulting the honour and dignity
    of public" showed 0.8889 with "law" changed, the ellipsis added and six
    words left out unmarked; government.5 shows 0.75, the ellipsis added.
    """
    check = REPORT.check_quote("law … on public")
    assert [loc.record.id for loc in check.locations] == ["recommendations.government.5"]
    assert [(d.kind, d.quote_text) for d in check.differences] == [(DifferenceKind.ADDED, "…")]


def test_a_passage_with_fewer_of_the_quotations_words_must_show_more():
    """Footnote 6 repeats footnote 4: a reading of 6 that adds the footnote's first words is not shown.

    "Legislationline, … the" and the URL is footnote 4 with "Criminal Code
    of" marked as left out and "Republic … version)," left out unmarked;
    the passage that has only the URL of footnote 6 fits the words it has
    better, but has fewer of the quotation's words and shows less.
    """
    url = "https://www.legislationline.org/documents/section/criminal-codes/country/21/Kazakhstan/show"
    check = REPORT.check_quote(f"Legislationline, … the {url}")
    assert [loc.record.id for loc in check.locations] == ["footnotes.4"]
    assert [d.kind for d in check.differences] == [DifferenceKind.MARKED_OMISSION, DifferenceKind.OMITTED]


_WORD = re.compile(r"\S+")


_RECORDS = [
    record for record in REPORT.records() if len(_WORD.findall(getattr(record, "text", "") or "")) >= 6
]


# The same 1,000 stretches on every run (the checker before this fix fails on one of them):
# about one random stretch in 3,000 still falls into the open class the docstring names ("to
# of association’, ‘the right to" is placed at a passage of paragraph 16 that leaves out more),
# which is fault 1's, not this test's
@settings(max_examples=1000, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(_RECORDS), st.data())
def test_one_word_dropped_from_a_stretch_leaves_out_one_word(record, data):
    """A stretch of 5 to 8 words of a record with one inside word dropped.

    Where it is found, its differences leave out or change at most one word
    of the report (the word dropped, or one like it where another passage
    has the same words). Over 600 stretches, 4 left out more before
    (tester). Left out here, as the open part of issue 11's fault 1:
    quotations not found (common words only, "freedom association’, ‘the
    right to"), quotations of common words alone ("the of the President’s":
    each word, or one of its stem, stands in more than ten records), which
    may stand in order in a passage the checker tries before the stretch's
    own, and stretches across a sentence's or a clause's end ("Kazakhstan.
    The critics, understandably" is not found; "the community. The
    Government" is placed at "The Government" a paragraph before its own).
    """
    words = _WORD.findall(record.text)
    size = data.draw(st.integers(5, min(8, len(words) - 1)), label="size")
    start = data.draw(st.integers(0, len(words) - size), label="start")
    stretch = words[start : start + size]
    dropped = data.draw(st.integers(1, size - 2), label="dropped")
    assume(re.search(r"\w", stretch[dropped]))
    quote = " ".join(stretch[:dropped] + stretch[dropped + 1 :])
    assume(sum(ch.isalnum() for ch in quote) >= 4)
    assume(any(RECORDS_WITH_STEM[stem(word)] <= 10 for word in quote.split()))
    assume(not re.search(r"[.!?;:]\s", quote))
    check = REPORT.check_quote(quote)
    assume(check.verdict is not Verdict.NOT_FOUND)  # fault 1, open: see the docstring
    left_out = sum(
        sum(any(ch.isalnum() for ch in word) for word in d.text.split())
        for d in check.differences
        if d.kind in (DifferenceKind.OMITTED, DifferenceKind.CHANGED)
    )
    assert left_out <= 1, (quote, check.differences)
