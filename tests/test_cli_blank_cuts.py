"""Where ``kzrights annotate`` cuts a stream in runs of whitespace and invisible characters: found by regex.

Session 8 replaced the character-by-character walks over blank runs
(``_space_cut``, ``_settled``'s count of the tail, ``_is_gap``) with regular
expressions over the run.  The cut points, and so the offsets the command
prints, must be those of the walks: the walks are kept here, verbatim, as the
reference, and compared on generated texts of words, names split across runs,
spaces, tabs, CRLF, no-break spaces, zero-width spaces and soft hyphens.
"""

from __future__ import annotations

import functools
import io
import sys
from bisect import bisect_left
from collections.abc import Sequence

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import cli
from kzrights._chars import is_invisible
from kzrights.records import Mention

# ── the reference: the walks as they were before session 8 ──────────────────────


def _is_gap(char: str) -> bool:
    return char.isspace() or is_invisible(char)


def reference_space_cut(text: str, end: int, continuing: frozenset[str]) -> int:
    cut = end
    while cut > 0:
        while cut > 0 and not _is_gap(text[cut - 1]):
            cut -= 1
        run_end = cut
        while cut > 0 and _is_gap(text[cut - 1]):
            cut -= 1
        if run_end == 0:
            return 0
        start = cut
        while start > 0 and not _is_gap(text[start - 1]):
            start -= 1
        word = cli._word_key(text[start:cut])
        if word and any(
            word == w or (word.endswith(w) and not word[-len(w) - 1].isalnum()) for w in continuing
        ):
            continue
        last_space = next((i for i in range(run_end - 1, cut - 1, -1) if text[i].isspace()), None)
        if last_space:
            return last_space
        if cut == 0 and run_end - 1 > 0:
            return run_end - 1
    return 0


def reference_settled(text, mentions: Sequence[Mention], longest, separators, continuing) -> int:
    position, seen = len(text), 0
    while position > 0 and seen <= longest:
        position -= 1
        seen += not text[position].isspace()
    if seen <= longest:
        return reference_space_cut(text, len(text), continuing) if continuing is not None else 0
    starts = [m.start for m in mentions]
    cut = position
    while cut > 0:
        while cut > 0 and not text[cut - 1].isspace():
            cut -= 1
        if cut == 0:
            break
        last = bisect_left(starts, cut) - 1
        if last < 0 or mentions[last].end <= cut:
            return cut
        cut = mentions[last].start
    if separators is not None:
        found = separators.match(text, 0, position)
        if found is not None:
            return found.start(1)
    return reference_space_cut(text, len(text), continuing) if continuing is not None else 0


# ── generated texts ──────────────────────────────────────────────────────────────


@functools.cache
def registry() -> tuple[object, int, object, frozenset[str]]:
    """The newest release's linker, longest name, separators and continuing words, as the command has them."""
    engine = kzrights.Linker.from_release()._engine
    return engine, cli._longest_name(None), cli._separators(None), cli._continuing_words(None)


GAPS = st.sampled_from([" ", "\t", "\r\n", "\n", "\u00a0", "\u200b", "\u00ad", "\u2060", "\u3000"])
WORDS = st.sampled_from(
    [
        "said",
        "x.",
        "EBRD",
        "Bokaev",
        "Maks",  # a given name: a name may go on across the run after it
        "Kassym-Jomart",
        "President",
        "Tokayev",
        "Бокаев",
        "Toka\u00adyev",
        "Nur",
        "Otan",
        "a",
        "—",
        "Kazakhstan’s",
    ]
)


@st.composite
def blank_texts(draw: st.DrawFn) -> str:
    """Words and names, split across runs of every kind of blank, some long, some at either end."""
    parts = []
    if draw(st.booleans()):
        parts.append("".join(draw(st.lists(GAPS, min_size=1, max_size=4))) * draw(st.integers(1, 40)))
    for _ in range(draw(st.integers(0, 8))):
        parts.append(draw(WORDS))
        run = "".join(draw(st.lists(GAPS, min_size=1, max_size=4)))
        parts.append(run * draw(st.sampled_from([1, 2, 3, 30, 400])))
    if draw(st.booleans()):
        parts.append(draw(WORDS))
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(text=blank_texts(), end=st.integers(0, 10_000))
@example(text="Maks \u200b\u200b Bokaev said \u00ad\r\n", end=10_000)
@example(text="\u200b", end=1)
@example(text=" \u200bEBRD", end=10_000)  # the run's only whitespace is the text's first character
@example(text=" " * 50 + "EBRD", end=10_000)
def test_the_space_cut_is_the_walks(text, end):
    """The cut in a blank run that no name spans is the one the character walk found, at any end."""
    continuing = registry()[3]
    end = min(end, len(text))
    assert cli._space_cut(text, end, continuing) == reference_space_cut(text, end, continuing)


@settings(max_examples=300, deadline=None)
@given(text=blank_texts(), longest=st.sampled_from([0, 1, 3, 20, None]))
@example(text="EBRD" + "\n" * 3000 + "Bokaev", longest=None)
def test_the_settled_cut_is_the_walks(text, longest):
    """Where a streamed text is cut, given what annotate finds in it, is where the walks cut it."""
    engine, release_longest, separators, continuing = registry()
    longest = release_longest if longest is None else longest
    mentions = engine.link(text)
    for seps, words in ((separators, continuing), (None, continuing), (None, None)):
        got = cli._settled(text, mentions, longest, seps, words)
        assert got == reference_settled(text, mentions, longest, seps, words)


def test_the_gap_class_is_whitespace_and_the_invisible_set():
    """A character is in the runs the regex finds exactly when the walk called it a gap."""
    gap = cli._gap_run()
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert (gap.fullmatch(char) is not None) == _is_gap(char), f"U+{code:04X}"


@pytest.mark.parametrize("block", [1 << 8, 1 << 12])
def test_the_command_prints_the_offsets_annotate_gives(block):
    """``kzrights annotate -`` on a text of long blank runs prints annotate()'s offsets, block by block."""
    text = (
        "\u200b\u00ad " * 500
        + "Maks \r\n\u00a0 Bokaev said"
        + " \t" * 3000
        + "EBRD\r\n"
        + "\u2060" * 2000
        + " Kassym-Jomart \u00ad Tokayev"
    )
    saved = sys.stdin, sys.stdout, cli._decoded.__defaults__, cli._LONGEST_RUN
    stdout = io.StringIO()
    try:
        cli._decoded.__defaults__ = (block,)
        cli._LONGEST_RUN = 64 * block
        sys.stdin, sys.stdout = io.TextIOWrapper(io.BytesIO(text.encode()), newline=""), stdout
        code = cli.main(["annotate", "-"])
    finally:
        sys.stdin, sys.stdout, cli._decoded.__defaults__, cli._LONGEST_RUN = saved
    assert code == 0
    printed = [line.split()[:2] for line in stdout.getvalue().splitlines()]
    expected = [[f"{m.start}-{m.end}", m.entity_id] for m in kzrights.annotate(text)]
    assert printed == expected and len(expected) >= 3
