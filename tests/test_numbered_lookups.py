"""``footnote(n)`` and ``recommendation(addressee, n)`` of a number no record has (issue 11).

``footnote(0)`` suggested ``footnotes.10`` (an id that merely looks like
``footnotes.0``), and a number of over 4,300 digits raised a bare
``ValueError`` from ``str(int)``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kzrights
from kzrights import UnknownIdError

REPORTS = [kzrights.load(version) for version in kzrights.versions()]


@pytest.mark.parametrize(
    ("number", "suggested"), [(0, "footnotes.1"), (-3, "footnotes.1"), (999, "footnotes.12")]
)
def test_a_missing_footnote_suggests_the_nearest_one(number, suggested):
    """The tester's footnote(0): the suggestion is the nearest footnote, not footnotes.10."""
    with pytest.raises(UnknownIdError) as caught:
        kzrights.load("1.0.0").footnote(number)
    assert caught.value.suggestions == (suggested,)
    assert str(caught.value) == f"unknown id 'footnotes.{number}'; did you mean '{suggested}'?"


@given(report=st.sampled_from(REPORTS), number=st.integers() | st.integers(10**4400, 10**4500))
def test_any_missing_number_gives_an_unknown_id_error_naming_a_real_neighbour(report, number):
    """Any int that numbers no footnote or recommendation: an UnknownIdError, suggesting the nearest one."""
    calls = [("footnotes", [f.number for f in report.footnotes], report.footnote)]
    for addressee in ("government", "international"):
        numbers = [r.number for r in report.recommendations_to(addressee)]
        calls.append(
            (f"recommendations.{addressee}", numbers, lambda n, a=addressee: report.recommendation(a, n))
        )
    for prefix, numbers, call in calls:
        if number in numbers:
            assert call(number).number == number
            continue
        with pytest.raises(UnknownIdError) as caught:
            call(number)
        nearest = min(numbers, key=lambda n: (abs(n - number), n))
        assert caught.value.suggestions in ((f"{prefix}.{nearest}",), ())
        if abs(number) < 10**6:
            assert caught.value.suggestions == (f"{prefix}.{nearest}",)
        assert len(str(caught.value)) < 300
