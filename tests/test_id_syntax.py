"""The syntax of a release's curated keys and SDG codes, defined once in ``kzrights._document``.

The loader checks a whole part's keys at once with string methods (a
regular expression's compiling alone would cost the first ``load()`` more
than the check); these properties hold those methods to the plain regular
expressions the data dictionary describes, on any text.
"""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

import kzrights
from kzrights._document import all_slugs, is_sdg_goal_code, is_sdg_target_code, is_slug

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
GOAL = re.compile(r"1[0-7]|[1-9]")  # the UN's 17 goals
TARGET = re.compile(r"(1[0-7]|[1-9])\.([1-9][0-9]?|[a-z])")

# keys near the boundary: slugs, and slugs with one character of the alphabet that breaks them
_ALPHABET = "ab09-.\n AZ_é\u0130\u212a"
_keys = st.from_regex(SLUG, fullmatch=True) | st.text(alphabet=_ALPHABET, max_size=8) | st.text(max_size=8)


@given(keys=st.lists(_keys, max_size=6))
@example(keys=["a\nb"])  # two slugs on two lines, as one key
@example(keys=["a", ""])
@example(keys=["-a"])
@example(keys=["a-"])
@example(keys=["a--b"])
@example(keys=["\u212a"])  # the Kelvin sign: lower() makes it an ASCII k
@example(keys=["\u0130"])
@example(keys=["²"])  # a digit to isdigit(), not to isalnum() in ASCII
def test_all_slugs_is_the_regular_expression_on_every_key(keys: list[str]) -> None:
    """``all_slugs(keys)`` is True exactly when the data dictionary's slug pattern matches every key."""
    expected = all(SLUG.fullmatch(key) for key in keys)
    assert all_slugs(keys) is expected
    assert [is_slug(key) for key in keys] == [SLUG.fullmatch(key) is not None for key in keys]


@given(code=st.from_regex(TARGET, fullmatch=True) | st.text(alphabet="0129.ac\n", max_size=7) | st.text())
@example(code="16.10")
@example(code="1.1.x")
@example(code="1.01")
@example(code="01.1")
@example(code=".1")
@example(code="18.1")  # no goal 18
@example(code="17.19")
def test_sdg_codes_are_the_regular_expressions(code: str) -> None:
    """A target's code and a goal's number follow the builder's former patterns exactly."""
    assert is_sdg_target_code(code) is (TARGET.fullmatch(code) is not None)
    assert is_sdg_goal_code(code) is (GOAL.fullmatch(code) is not None)


def test_every_shipped_key_and_code_has_the_syntax() -> None:
    """The shipped releases' curated keys are slugs and their SDG codes the UN's: the checks refuse none."""
    for version in kzrights.versions():
        report = kzrights.load(version)
        keys = [
            record.id.partition(".")[2]
            for part in ("entities", "themes", "figures")
            for record in getattr(report, part)
        ]
        keys += [source.key for source in report.sources]
        assert all_slugs(keys), version
        assert all(is_sdg_target_code(target.code) for target in report.sdg_targets), version
