"""The reach of an ellipsis is the whole quotation's: one record or two adjacent ones (session 18).

"disabilities; … The … the" was placed over three items (conclusions.p8.i3,
i4 and i5): the reach was checked between neighbouring pieces only, each
pair within two records, the whole over three, and the second ellipsis was
then reported as an unmarked omission.  A quotation with ellipses lies within
one record or two adjacent ones, however many ellipses join its pieces; a
passage over more is no place of it.
"""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.search.quotes import MAX_MARKED_OMISSION, DifferenceKind, Verdict

REPORT = kzrights.load("1.1.0")
RECORDS = REPORT.records()  # reading order: a record and the next are adjacent
ORDER = {record.id: number for number, record in enumerate(RECORDS)}


def _span_of(check: kzrights.search.quotes.QuoteCheck) -> int:
    """How many records the quotation's places run over, first to last."""
    numbers = [ORDER[place.record.id] for place in check.locations]
    return max(numbers) - min(numbers) + 1 if numbers else 0


def test_the_testers_quotation_is_never_placed_over_three_records():
    """The tester's "disabilities; … The … the": no two adjacent records hold it; not placed over three."""
    check = REPORT.check_quote("disabilities; … The … the")
    assert _span_of(check) <= 2, [place.record.id for place in check.locations]
    assert check.verdict is not Verdict.EQUIVALENT
    # and its two pieces that do lie within reach are still found there
    two = REPORT.check_quote("disabilities; … The")
    assert [place.record.id for place in two.locations] == ["conclusions.p8.i3", "conclusions.p8.i4"]


@st.composite
def pieces_within_reach(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Two to four runs of words of one record or two adjacent ones, in order, with words left out between."""
    number = draw(st.integers(0, len(RECORDS) - 2))
    text = RECORDS[number].text + " " + RECORDS[number + 1].text
    words = text.split()
    assume(len(words) >= 12)
    count = draw(st.integers(2, 4))
    cuts = sorted(
        draw(
            st.lists(
                st.integers(1, len(words) - 1), min_size=2 * count - 1, max_size=2 * count - 1, unique=True
            )
        )
    )
    bounds = [0, *cuts, len(words)]
    runs = [words[bounds[k] : bounds[k + 1]] for k in range(0, len(bounds) - 1, 2)]
    gaps = [words[bounds[k] : bounds[k + 1]] for k in range(1, len(bounds) - 1, 2)]
    assume(all(len(gap) <= MAX_MARKED_OMISSION // 2 for gap in gaps))
    assume(sum(len(run) for run in runs) >= 6)
    assume(not any("…" in w or "..." in w for w in words))
    return " … ".join(" ".join(run) for run in runs), [" ".join(run) for run in runs]


@settings(max_examples=150, deadline=None)
@given(pieces_within_reach())
def test_pieces_within_reach_are_equivalent_and_placed_within_two_records(found):
    """Runs of two adjacent records joined by ellipses: equivalent, placed within two records."""
    quote, _ = found
    check = REPORT.check_quote(quote)
    assert check.verdict is Verdict.EQUIVALENT, (quote, check.verdict, check.differences)
    assert _span_of(check) <= 2
    assert check.alterations == ()


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(RECORDS) - 3), st.integers(1, 3), st.randoms(use_true_random=False))
def test_a_quotation_over_three_records_claims_no_marked_omission_beyond_reach(number, count, rng):
    """Pieces of three records in a row, joined by ellipses: never placed over more than two records.

    Whatever it is found as, a marked omission it claims lies within the two records it is placed in.
    """
    pieces = []
    for record in RECORDS[number : number + 3]:
        words = record.text.split()
        at = rng.randrange(len(words))
        pieces.append(" ".join(words[at : at + count]))
    quote = " … ".join(pieces)
    assume(sum(c.isalnum() for c in quote) >= 2 and "..." not in quote)
    check = REPORT.check_quote(quote)
    assert _span_of(check) <= 2, (quote, [place.record.id for place in check.locations])
    placed = {place.record.id for place in check.locations}
    for d in check.differences:
        if d.kind is DifferenceKind.MARKED_OMISSION:
            assert d.record_id in placed
