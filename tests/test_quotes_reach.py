"""The reach of an ellipsis is the whole quotation's: one passage or two adjacent ones (sessions 18, 19).

"disabilities; … The … the" was placed over three items (conclusions.p8.i3,
i4 and i5) while each pair of neighbouring pieces was checked for reach
alone, and the second ellipsis was reported as an unmarked omission; the
fix (session 18) held the whole quotation to one record or two adjacent
ones.  That was too narrow: the report's lists are short records (the items
of a paragraph, the recommendations under a lead-in), and a quotation of a
list with an item skipped needs three of them, so it was "not found".  The
reach unit is the *passage*: a paragraph with its list items, a lead-in
with the recommendations under it, or a footnote.  A quotation with
ellipses lies within one passage or two adjacent ones, the whole of it.
"""

from __future__ import annotations

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.search.quotes import MAX_MARKED_OMISSION, DifferenceKind, QuoteCheck, Verdict

REPORT = kzrights.load("1.1.0")
RECORDS = REPORT.records()  # reading order: a record and the next are adjacent
ORDER = {record.id: number for number, record in enumerate(RECORDS)}


def _passage_key(record: kzrights.records.Record) -> str:
    """The paragraph a list item belongs to, the lead-in of a recommendation, or the record itself."""
    return getattr(record, "paragraph_id", None) or getattr(record, "lead_in_id", None) or record.id


PASSAGES: list[list[kzrights.records.Record]] = []
for _record in RECORDS:
    if PASSAGES and _passage_key(PASSAGES[-1][-1]) == _passage_key(_record):
        PASSAGES[-1].append(_record)
    else:
        PASSAGES.append([_record])
PASSAGE_OF = {record.id: number for number, passage in enumerate(PASSAGES) for record in passage}


def _passages_spanned(check: QuoteCheck) -> int:
    """How many passages the quotation's places run over, first to last."""
    numbers = [PASSAGE_OF[place.record.id] for place in check.locations]
    return max(numbers) - min(numbers) + 1 if numbers else 0


def _ids(check: QuoteCheck) -> list[str]:
    return [place.record.id for place in check.locations]


def test_the_passages_are_paragraphs_with_their_items_lead_ins_with_their_recommendations():
    """Paragraph 8 of the conclusions and its nine items are one passage, as is each lead-in's list."""
    by_first = {passage[0].id: [record.id for record in passage] for passage in PASSAGES}
    assert by_first["conclusions.p8"] == ["conclusions.p8"] + [f"conclusions.p8.i{n}" for n in range(1, 10)]
    assert by_first["recommendations.p1"] == ["recommendations.p1"] + [
        f"recommendations.government.{n}" for n in range(1, 14)
    ]
    assert by_first["footnotes.3"] == ["footnotes.3"]


def test_a_list_with_an_item_skipped_is_equivalent():
    """The tester's four quotations of a list with an item left out: equivalent, one place per record."""
    cases = {
        "Human rights of citizens with disabilities; … The right to freedom of association;": [
            "conclusions.p8.i3",
            "conclusions.p8.i4",
            "conclusions.p8.i5",
        ],
        "the Government of Kazakhstan should … Make it easier for parties to register and protect "
        "political activists from state harassment": [
            "recommendations.p1",
            "recommendations.government.1",
            "recommendations.government.2",
        ],
        "further steps to address: … The right to freedom of association;": [
            f"conclusions.p8{item}" for item in ("", ".i1", ".i2", ".i3", ".i4", ".i5")
        ],
        "The right to freedom of association; … The human right to life and public order;": [
            "conclusions.p8.i5",
            "conclusions.p8.i6",
            "conclusions.p8.i7",
        ],
    }
    for quote, ids in cases.items():
        check = REPORT.check_quote(quote)
        assert check.verdict is Verdict.EQUIVALENT, (quote, check.verdict, check.differences)
        assert _ids(check) == ids
        assert {d.kind for d in check.differences} == {DifferenceKind.MARKED_OMISSION}
        assert check.alterations == ()


def test_the_testers_earlier_quotation_is_placed_within_its_passage():
    """The tester's "disabilities; … The … the" lies within paragraph 8's list: placed there."""
    check = REPORT.check_quote("disabilities; … The … the")
    assert _passages_spanned(check) == 1, _ids(check)
    assert check.verdict is Verdict.EQUIVALENT
    # "disabilities; The" follow on; the ellipsis is true at the next "The" but one, item 5
    two = REPORT.check_quote("disabilities; … The")
    assert _ids(two) == ["conclusions.p8.i3", "conclusions.p8.i4", "conclusions.p8.i5"]
    assert two.verdict is Verdict.EQUIVALENT


@st.composite
def pieces_within_reach(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Two to four runs of words of one passage or two adjacent ones, in order, words left out between."""
    number = draw(st.integers(0, len(PASSAGES) - 2))
    chosen = PASSAGES[number] + (PASSAGES[number + 1] if draw(st.booleans()) else [])
    words = " ".join(record.text for record in chosen).split()
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
@example(
    (
        "Human rights of citizens with disabilities; … The right to freedom of association;",
        ["Human rights of citizens with disabilities;", "The right to freedom of association;"],
    )
)
def test_pieces_within_reach_are_equivalent_and_placed_within_two_passages(found):
    """Runs of two adjacent passages joined by ellipses: equivalent, placed within two passages."""
    quote, _ = found
    check = REPORT.check_quote(quote)
    assert check.verdict is Verdict.EQUIVALENT, (quote, check.verdict, check.differences)
    assert _passages_spanned(check) <= 2
    assert check.alterations == ()


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(PASSAGES) - 1), st.integers(1, 4), st.randoms(use_true_random=False))
def test_words_in_order_within_reach_are_never_not_found(number, count, rng):
    """Runs of one passage in order, joined by ellipses whether or not words were left out: found."""
    words = " ".join(record.text for record in PASSAGES[number]).split()
    assume(len(words) >= 8)
    cuts = sorted(rng.sample(range(1, len(words)), min(count, len(words) - 1)))
    runs, at = [], 0
    for cut in [*cuts, len(words)]:
        # a run, then none to a few words left out (none: the writer's ellipsis leaves nothing out)
        runs.append(" ".join(words[at:cut]))
        at = min(cut + rng.randrange(4), cut if cut == len(words) else len(words) - 1)
        if at >= len(words):
            break
    quote = " … ".join(run for run in runs if run)
    assume("..." not in quote and len(quote) <= 4_000)
    assert REPORT.check_quote(quote).verdict is not Verdict.NOT_FOUND, quote


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(PASSAGES) - 3), st.integers(1, 3), st.randoms(use_true_random=False))
def test_a_quotation_over_three_passages_claims_no_marked_omission_beyond_reach(number, count, rng):
    """Pieces of three passages in a row, joined by ellipses: never placed over more than two passages.

    Whatever it is found as, a marked omission it claims lies within the records it is placed in.
    """
    pieces = []
    for passage in PASSAGES[number : number + 3]:
        words = rng.choice(passage).text.split()
        at = rng.randrange(len(words))
        pieces.append(" ".join(words[at : at + count]))
    quote = " … ".join(pieces)
    assume(sum(c.isalnum() for c in quote) >= 2 and "..." not in quote)
    check = REPORT.check_quote(quote)
    placed = {place.record.id for place in check.locations}
    if any(d.kind is DifferenceKind.MARKED_OMISSION for d in check.differences):
        assert _passages_spanned(check) <= 2, (quote, _ids(check))
    for d in check.differences:
        if d.kind is DifferenceKind.MARKED_OMISSION:
            assert d.record_id in placed
