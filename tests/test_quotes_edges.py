"""Words a writer adds before or after a record's text are additions in that record (tester, session 19).

"The right to freedom of association; and assembly" quotes item p8.i5 whole
and adds "and assembly". The checker read the added words as a change of the
next item's first words ("The right", in p8.i6), because words just after
the last match stood for as many report words after it, whichever record
those were in. They stand for words of the same record only now.
"""

from __future__ import annotations

import collections
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.search.quotes import DifferenceKind, Verdict

REPORT = kzrights.load()
# records quoted whole: some text, not so long that a quotation of it is refused, and no other
# record's (footnote 6 repeats footnote 4: a quotation of both is found at the first)
_TEXTS = [record.text for record in REPORT.records() if getattr(record, "text", None)]
RECORDS = [
    record
    for record in REPORT.records()
    if getattr(record, "text", None)
    and len(record.text.split()) >= 4
    and len(record.text) < 600
    and _TEXTS.count(record.text) == 1
]
# words the report never has, so that they can only be added (common words the report has are
# tried below, by test_a_common_word_at_an_items_edge_is_added_not_found_in_the_next_record)
INVENTED = ["zorblat", "quimbly frastic", "vellumore", "ohne", "zorblat quimbly frastic"]


@pytest.mark.parametrize(
    ("quote", "added"),
    [
        ("The right to freedom of association; and assembly", "and assembly"),
        ("Also The right to freedom of association;", "Also"),
    ],
)
def test_the_testers_words_added_at_an_items_edge_are_added_in_that_item(quote, added):
    check = REPORT.check_quote(quote)
    assert check.verdict is Verdict.ALTERED
    assert [loc.record.id for loc in check.locations] == ["conclusions.p8.i5"]
    assert [(d.kind, d.quote_text, d.record_id) for d in check.differences] == [
        (DifferenceKind.ADDED, added, "conclusions.p8.i5")
    ]


def test_an_added_last_word_does_not_turn_a_found_quotation_into_not_found():
    """The same quotation with a word added after it is still found (it was not found).

    Where: "the" is also the report's, after recommendation government.3's
    "opportunities for constitutional reform that would enhance", which the
    quotation matches as well, "appropriate." then added after the ellipsis;
    that reading leaves out fewer words unmarked, so it comes first, as it
    does for the same words with "appropriate." typed before the ellipsis
    (tests/test_quotes_beside_ellipsis.py).
    """
    bare = REPORT.check_quote("opportunities for Reforms … appropriate.")
    added = REPORT.check_quote("opportunities for Reforms … appropriate. the")
    assert bare.verdict is Verdict.ALTERED and added.verdict is Verdict.ALTERED
    mirrored = REPORT.check_quote("opportunities for Reforms appropriate. … the")
    assert [loc.record.id for loc in added.locations] == [loc.record.id for loc in mirrored.locations]
    assert added.similarity == mirrored.similarity


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(RECORDS), st.sampled_from(INVENTED), st.booleans())
def test_invented_words_before_or_after_a_whole_record_are_added_in_that_record(record, words, before):
    """A record quoted whole, with words the report never has before or after it: one addition, in it."""
    # enough of the record for "altered" (at least three words of four the report's): with more
    # added, the quotation is rightly not found
    assume(len(record.text.split()) >= 4 * len(words.split()))
    quote = f"{words} {record.text}" if before else f"{record.text} {words}"
    check = REPORT.check_quote(quote)
    assert check.verdict is Verdict.ALTERED, (quote, check.verdict)
    assert {loc.record.id for loc in check.locations} == {record.id}
    assert [(d.kind, d.quote_text, d.record_id) for d in check.differences] == [
        (DifferenceKind.ADDED, words, record.id)
    ]


# The report's common words: more than 40 places each (the checker's threshold), found by counting
_WORD = re.compile(r"[^\W_]+(?:[’'][^\W_]+)*")
_WORDS = collections.Counter(word.casefold() for text in _TEXTS for word in re.findall(r"\w+", text))
COMMON = sorted(word for word, count in _WORDS.items() if count > 40 and len(word) > 1)


@pytest.mark.parametrize(
    ("quote", "record_id", "added"),
    [
        # the report's next "and" stands four words into the next item ("The human right to life and")
        ("The right to freedom of expression; and", "conclusions.p8.i6", "and"),
        ("The human right to life and public order; and", "conclusions.p8.i7", "and"),
        ("Ensuring the rights of victims of human trafficking; of", "conclusions.p8.i2", "of"),
        ("and Human rights of citizens with disabilities;", "conclusions.p8.i3", "and"),
        # as many words left out as matched: "the" was the second word of the next paragraph
        ("Over the last 30 years Kazakhstan’s ruling elite", None, None),
    ],
)
def test_a_common_word_at_an_items_edge_is_added_not_found_in_the_next_record(quote, record_id, added):
    """Session 20's note: "and" after an item matched the next item's "and", with four words left out."""
    if record_id is None:  # the paragraph that ends before "Over the last 30 years": with "the" after it
        first = REPORT.check_quote(quote).location.record
        before = REPORT.records()[[r.id for r in REPORT.records()].index(first.id) - 1]
        quote, record_id, added = f"{before.text} the", before.id, "the"
    check = REPORT.check_quote(quote)
    assert check.verdict is Verdict.ALTERED
    assert [loc.record.id for loc in check.locations] == [record_id]
    assert [(d.kind, d.quote_text, d.record_id) for d in check.differences] == [
        (DifferenceKind.ADDED, added, record_id)
    ]


@pytest.mark.parametrize(
    ("quote", "ids", "omitted"),
    [
        # the next item's first word: the quotation runs on into it, nothing left out
        ("Human rights of citizens with disabilities; the", ["conclusions.p8.i3", "conclusions.p8.i4"], []),
        # rarer words of the next item: the writer left out the words between, unmarked
        (
            "The right to freedom of expression; public order",
            ["conclusions.p8.i6", "conclusions.p8.i7"],
            ["The human right to life and"],
        ),
    ],
)
def test_words_that_run_on_into_the_next_record_are_still_found_there(quote, ids, omitted):
    check = REPORT.check_quote(quote)
    assert [loc.record.id for loc in check.locations] == ids
    assert [d.text for d in check.differences if d.kind is DifferenceKind.OMITTED] == omitted


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(RECORDS), st.sampled_from(COMMON), st.booleans())
def test_a_common_word_before_or_after_a_whole_record_leaves_out_no_word_of_another(record, word, before):
    """A record quoted whole with one common word beside it: found there, nothing of another record left out.

    The word is added in the record, or it is the neighbouring record's own
    word right beside it (the quotation runs on). Another passage may quote
    the record's words and be chosen instead (conclusions.p19 quotes the
    decree's areas): then the record is not among the locations, and this
    says nothing of it.
    """
    quote = f"{word} {record.text}" if before else f"{record.text} {word}"
    check = REPORT.check_quote(quote)
    assert check.verdict is not Verdict.NOT_FOUND, quote
    ids = [loc.record.id for loc in check.locations]
    if record.id not in ids:
        return
    omitted = [d for d in check.differences if d.kind is DifferenceKind.OMITTED]
    elsewhere = [d for d in omitted if d.record_id != record.id]
    assert elsewhere == [], quote
    if len(ids) > 1:  # run on into the neighbour: the word is its first or last
        other = check.locations[0] if before else check.locations[-1]
        assert len(ids) == 2 and other.text.casefold().strip("‘’“”'\"") == word, (quote, ids, other.text)


@pytest.mark.parametrize(
    ("quote", "record_id", "added"),
    [
        # paragraph 16 quotes "the right to freedom of association" after "and labour activists.
        # The current approach clearly breaches": eight words left out, unmarked, for an "and"
        ("and The right to freedom of association;", "conclusions.p8.i5", "and"),
        # paragraph 19 quotes the decree's areas, with words between them
        ("the Ensuring the rights of victims of human trafficking;", "conclusions.p8.i2", "the"),
        ("to The elimination of discrimination against women;", "conclusions.p8.i4", "to"),
    ],
)
def test_a_common_word_before_an_item_is_added_there_not_found_in_a_passage_that_quotes_it(
    quote, record_id, added
):
    """Tester, session 21: a common word before a whole item sent it to a paragraph that quotes the item.

    The paragraph has the item's words and, several words before them, the
    common word: matched there, the quotation leaves out those words,
    unmarked, which a writer who adds one word does not. Within one record,
    an edge match of common words that leaves out at least four words (three
    for each of its own) is let go, as one in another record is.
    """
    check = REPORT.check_quote(quote)
    assert check.verdict is Verdict.ALTERED
    assert [loc.record.id for loc in check.locations] == [record_id]
    assert [(d.kind, d.quote_text, d.record_id) for d in check.differences] == [
        (DifferenceKind.ADDED, added, record_id)
    ]


def test_a_word_after_a_paragraph_in_another_form_of_the_next_ones_is_added():
    """Tester, session 21: paragraph 13 and "urgently" matched the "urgent" thirteen words into paragraph 14.

    Its similarity, shown, was 0.9858, below the 0.9926 of the paragraph with
    the word added. A word the report has in another form only is the
    writer's, not the report's after words the quotation does not mark as
    left out: it is added, in paragraph 13.
    """
    paragraph = REPORT.get("conclusions.p13")
    check = REPORT.check_quote(f"{paragraph.text} urgently")
    assert check.verdict is Verdict.ALTERED
    assert [loc.record.id for loc in check.locations] == ["conclusions.p13"]
    assert [(d.kind, d.quote_text) for d in check.differences] == [(DifferenceKind.ADDED, "urgently")]
    words = len(paragraph.text.split())
    assert check.similarity == round(words / (words + 1), 4)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(RECORDS), st.sampled_from(COMMON), st.booleans())
def test_a_record_with_a_common_word_beside_it_shows_at_least_the_records_similarity(record, word, before):
    """A record quoted whole with a common word beside it is found as similar as the record makes it.

    The record with the word added shows the share of the quotation's
    words it has. Another passage may have the words too, some of the
    report's left out between them unmarked (paragraph 10 has "to stop
    targeting NGOs with punitive tax inspections and it should reduce the
    deliberately burdensome reporting requirements"): it is shown only if
    it shows at least that similarity, never a passage that scores more
    and shows less (tester, session 21).
    """
    quote = f"{word} {record.text}" if before else f"{record.text} {word}"
    check = REPORT.check_quote(quote)
    at_record = REPORT.check_quote(record.text)
    assert check.verdict is not Verdict.NOT_FOUND, quote
    ids = [loc.record.id for loc in check.locations]
    if at_record.location is None or at_record.location.record.id != record.id:
        return  # the record's text alone is found elsewhere: nothing to compare with
    added = _WORD.findall(quote)
    own = round((len(added) - 1) / len(added), 4)
    assert record.id in ids or check.similarity >= own, (quote, ids, check.similarity, own)


def test_the_passage_shown_is_the_one_that_shows_the_most_similarity():
    """Paragraph 10 has every word, with "it should reduce the deliberately" and "created" left out.

    By the formula it scores 1 (it has every word of the quotation, in
    order), but it shows 0.7692, the share of the quotation's tokens left
    as they are; recommendation government.1 with "in" added shows 0.9167,
    and is the one shown.
    """
    check = REPORT.check_quote(
        "Stop targeting NGOs with punitive tax inspections and burdensome reporting requirements; in"
    )
    assert [loc.record.id for loc in check.locations] == ["recommendations.government.1"]
    assert check.similarity == 0.9167
    assert [(d.kind, d.quote_text) for d in check.differences] == [(DifferenceKind.ADDED, "in")]


GOVERNMENT_7 = "recommendations.government.7"


@pytest.mark.parametrize(
    ("quote", "record_id"),
    [
        # found by hypothesis in CI: paragraph 16 repeats recommendation government.7's names,
        # with "Amin Eleusinov and" where the recommendation has "Amin Eleusinov, and"
        ("activists including Max Bokayev, zorblat … Larisa Kharkova, Amin Eleusinov,", GOVERNMENT_7),
        ("activists including Max Bokayev, … zorblat Larisa Kharkova, Amin Eleusinov,", GOVERNMENT_7),
        ("activists including Max Bokayev, … zorblat Larisa Kharkova, Amin Eleusinov", "conclusions.p16"),
    ],
)
def test_of_passages_alike_the_one_with_the_quotations_edge_punctuation_is_shown(quote, record_id):
    """Two passages alike in their words: the one whose report has the quotation's closing comma.

    With no punctuation at the edge, the first in the report is shown, as before.
    """
    check = REPORT.check_quote(quote)
    assert (check.verdict, check.similarity) == (Verdict.ALTERED, 0.9)
    assert [loc.record.id for loc in check.locations] == [record_id]
