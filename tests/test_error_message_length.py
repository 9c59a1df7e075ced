"""Error messages quote at most about 80 characters of a huge argument (issue 11, G4).

Every public call that takes a string names the bad value in its error; a
100,000-character value used to be quoted whole, so a log line or a
notebook cell filled with it.  The message must stay a readable line.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import KzrightsError
from kzrights.errors import _quoted, _shortened
from kzrights.linker import Linker

REPORT = kzrights.load()
OLD = kzrights.load("1.0.0")

CALLS: dict[str, Callable[[str], Any]] = {
    "get": REPORT.get,
    "related": REPORT.related,
    "source_of": REPORT.source_of,
    "recommendations_on": REPORT.recommendations_on,
    "recommendations_for_sdg": REPORT.recommendations_for_sdg,
    "recommendations_for_sdg (1.0.0)": OLD.recommendations_for_sdg,
    "mentions_of": REPORT.mentions_of,
    "recommendations_to": REPORT.recommendations_to,
    "recommendation": lambda value: REPORT.recommendation(value, 1),
    "entity": REPORT.entity,
    "search(section=)": lambda value: REPORT.search("a b", section=value),
    "search(kinds=)": lambda value: REPORT.search("a b", kinds=[value]),
    "search(kinds=str)": lambda value: REPORT.search("a b", kinds=value),
    "export(format)": lambda value: kzrights.export(REPORT, value, "/nonexistent/kzrights-out"),
    "load": kzrights.load,
    "verify": kzrights.verify,
    "Linker.with_aliases": lambda value: Linker(REPORT).with_aliases({"Some Name": value}),
}

# a huge value made of any short text repeated: quotes of both kinds, spaces, newlines, escapes
HUGE = st.builds(
    lambda piece, size: (piece * (size // len(piece) + 1))[:size],
    st.text(st.sampled_from("x'\" \n\\é\u2019д\x00"), min_size=1, max_size=6)
    | st.text(min_size=1, max_size=6),
    st.integers(5_000, 100_000),
)


@pytest.mark.parametrize("call", CALLS)
def test_a_100k_argument_gives_a_short_message(call):
    """The tester's input: 100,000 x's, quoted by at most about 80 of them."""
    with pytest.raises(KzrightsError) as caught:
        CALLS[call]("x" * 100_000)
    message = str(caught.value)
    assert len(message) < 300, (call, len(message))
    assert "x" * 90 not in message  # quoted by its start at most (or not at all: "too long")
    assert "\n" not in message


@settings(max_examples=150, deadline=None)
@given(call=st.sampled_from(sorted(CALLS)), value=HUGE)
def test_any_huge_argument_gives_a_short_message(call, value):
    """Any huge string to any public call that takes one: a kzrights error of under ~300 characters."""
    error: KzrightsError | None = None
    try:
        CALLS[call](value)
    except KzrightsError as raised:
        error = raised
    if error is not None:
        assert len(str(error)) < 300, (call, len(str(error)))
        assert len(str(pickle.loads(pickle.dumps(error)))) < 300
    # (a value that names something, or that a call accepts, raises nothing: nothing to quote)


@given(st.text(max_size=200) | HUGE)
def test_quoted_is_the_repr_of_a_short_value_and_a_short_repr_of_a_long_one(value):
    """A value of up to 80 characters is quoted whole, as repr gives it; a longer one by its start."""
    shown = _quoted(value)
    if len(value) <= 80:
        assert shown == repr(value)
    else:
        assert len(shown) <= 80 + 3
        assert shown.endswith(("...'", '..."'))
        assert shown[:-4] in repr(value)


@given(st.text(max_size=50), HUGE, st.text(max_size=50))
def test_shortened_bounds_any_message(head, middle, tail):
    """Whatever a message holds, _shortened gives one line of at most its limit."""
    message = _shortened(head + middle + tail)
    assert len(message) <= 300
    assert "\n" not in message and "\r" not in message


@pytest.mark.parametrize(
    "name",
    ["x" * 100_000, "d/" * 50_000 + "out.json", "é" * 300 + "/out.json", "out\n" * 30_000],
    ids=["long-name", "deep", "long-folder", "control-characters"],
)
def test_a_huge_export_path_is_cut_in_the_message(tmp_path, name):
    """``export(..., "x" * 100_000)`` quoted the whole path: 100,037 characters of message."""
    with pytest.raises(kzrights.errors.ExportError) as caught:
        kzrights.export(REPORT, "json", tmp_path / name)
    message = str(caught.value)
    assert len(message) < 300 and "\n" not in message, len(message)
    assert name[:90] not in message and caught.value.path.endswith(name)  # the path itself is kept whole
    assert str(pickle.loads(pickle.dumps(caught.value))) == message
