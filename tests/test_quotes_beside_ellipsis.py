"""Tokens a writer adds right after an ellipsis count as they do right before it (tester, session 21).

"Stop …․ demonstrations" (an ellipsis, then a one-dot leader) was ``not
found`` while "Stop ․… demonstrations" was ``altered``; so were words:
"Stop … truly demonstrations" was not found, "Stop truly … demonstrations"
altered. Tokens added right after an ellipsis made, with the words it left
out, one change that started at the ellipsis, and the similarity counted
that omission as words the quotation lacks; typed before it, they were
split off and the omission counted as marked. Both sides now count alike:
an ellipsis between two matches stands for the words it leaves out, and
the writer's tokens beside it are added, on either side. Where the writer
puts only punctuation before an ellipsis, or the report has one token
there, the report's tokens are all left out, and the writer's are added.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.search.quotes import DifferenceKind, Verdict

REPORT = kzrights.load()
STOP = (
    "recommendations.government.6"  # "Stop using kettling as a policing tactic for peaceful demonstrations;"
)


@pytest.mark.parametrize("added", ["․", "．", "truly", "%"])
@pytest.mark.parametrize("after", [True, False])
def test_a_token_beside_an_ellipsis_is_added_on_either_side(added, after):
    """The tester's inputs and their mirror images: altered at the recommendation, the token added."""
    quote = f"Stop … {added} demonstrations" if after else f"Stop {added} … demonstrations"
    check = REPORT.check_quote(quote)
    assert check.verdict is Verdict.ALTERED, (quote, check.verdict, check.similarity)
    assert [loc.record.id for loc in check.locations] == [STOP]
    assert check.similarity == 0.75
    kinds = {d.quote_text: d.kind for d in check.differences}
    assert kinds["…"] is DifferenceKind.MARKED_OMISSION
    # a word typed before the ellipsis may stand for the report's first word there ("truly" for
    # "using"); punctuation never does, and after the ellipsis nothing does
    expected = (
        {DifferenceKind.ADDED}
        if after or not added.isalpha()
        else {DifferenceKind.ADDED, DifferenceKind.CHANGED}
    )
    assert kinds[added] in expected


def test_the_testers_mixed_runs_are_found_as_the_reverse_order_is():
    """An ellipsis then a dot that is no full stop ("…․", "…．"), as the reverse order ("․…", "．…")."""
    for run, reverse in (("…․", "․…"), ("…．", "．…")):
        check = REPORT.check_quote(f"Stop {run} demonstrations")
        mirrored = REPORT.check_quote(f"Stop {reverse} demonstrations")
        assert (
            (check.verdict, check.similarity)
            == (mirrored.verdict, mirrored.similarity)
            == (Verdict.ALTERED, 0.75)
        )


def test_two_dots_are_two_marks_not_an_ellipsis():
    """Fewer than three dots are no ellipsis, whatever the dot ("‥" is one character: an ellipsis).

    Documented in docs/how-to/check-a-quote.md: "Stop .. demonstrations" has
    two marks the report lacks, as "Stop ․․ demonstrations" has; of a
    quotation of two words, that is too much to be found; in a longer one
    they are added (one difference, as a run of marks is).
    """
    for dots in ("..", "․․", "．．"):
        check = REPORT.check_quote(
            f"Stop using kettling as a policing tactic for {dots} peaceful demonstrations"
        )
        assert check.verdict is Verdict.ALTERED
        assert [(d.kind, d.quote_text) for d in check.differences] == [(DifferenceKind.ADDED, dots)]
    assert REPORT.check_quote("Stop ‥ demonstrations").verdict is Verdict.EQUIVALENT


_TEXTS = [record.text for record in REPORT.records() if getattr(record, "text", None)]
# footnote 6 repeats footnote 4: a quotation of it is found at the first
_RECORDS = [
    record
    for record in REPORT.records()
    if getattr(record, "text", None)
    and 10 <= len(record.text.split()) <= 120
    and _TEXTS.count(record.text) == 1
]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(_RECORDS),
    st.data(),
    st.sampled_from(["zorblat", "quimbly", "․", "．", "%", "!"]),
)
def test_an_added_token_counts_the_same_before_or_after_an_ellipsis(record, data, added):
    """A stretch of a record with 1 to 4 words left out at an ellipsis and one token added beside it.

    Typed before the ellipsis or after it, the quotation has the same
    verdict and similarity, and is found, at that record or one with the
    same words (the stretch has four words of the report on either side).
    """
    words = record.text.split()
    cut = data.draw(st.integers(4, len(words) - 5), label="cut")
    gap = data.draw(st.integers(1, min(4, len(words) - cut - 4)), label="gap")
    before, after = " ".join(words[cut - 4 : cut]), " ".join(words[cut + gap : cut + gap + 4])
    first = REPORT.check_quote(f"{before} {added} … {after}")
    second = REPORT.check_quote(f"{before} … {added} {after}")
    assert (first.verdict, first.similarity) == (second.verdict, second.similarity)
    assert second.verdict is not Verdict.NOT_FOUND
    # at that record, or at another that has the same words (paragraph 16 repeats recommendations)
    found = " ".join(loc.record.text for loc in second.locations)
    assert record.id in {loc.record.id for loc in second.locations} or (before in found and after in found)
