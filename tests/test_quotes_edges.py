"""Words a writer adds before or after a record's text are additions in that record (tester, session 19).

"The right to freedom of association; and assembly" quotes item p8.i5 whole
and adds "and assembly". The checker read the added words as a change of the
next item's first words ("The right", in p8.i6), because words just after
the last match stood for as many report words after it, whichever record
those were in. They stand for words of the same record only now.
"""

from __future__ import annotations

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
# words the report never has, so that they can only be added (a word it has, such as "and", may
# match the same word further on, with the words between left out: another reading, not this one)
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
    """The same quotation with a word added after it is still found where it was (it was not found)."""
    bare = REPORT.check_quote("opportunities for Reforms … appropriate.")
    added = REPORT.check_quote("opportunities for Reforms … appropriate. the")
    assert bare.verdict is Verdict.ALTERED and added.verdict is Verdict.ALTERED
    assert [loc.record.id for loc in added.locations] == [loc.record.id for loc in bare.locations]
    assert added.differences[-1].kind is DifferenceKind.ADDED and added.differences[-1].quote_text == "the"


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
