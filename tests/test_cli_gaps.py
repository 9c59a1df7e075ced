"""``kzrights annotate`` streams text whose only cut points are inside long runs of whitespace.

Issue 11: millions of whitespace characters before a name were refused, because
the stream cut only where enough non-space text followed.  A run of whitespace
and invisible characters is a safe cut wherever no name can go on across it
(after a word that ends every name, or at the text's start); these tests drive
the command as users do and compare with ``kzrights.annotate`` on the whole text.
"""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights import cli


def _expected(text: str) -> str:
    lines = [f"{m.start:>7}-{m.end:<7} {m.entity_id:<40} " for m in kzrights.annotate(text)]
    return "".join(line.rstrip() + "\n" for line in lines) or "no entities\n"


def _shown(output: str) -> str:
    """The command's lines without the mention texts (those hold the runs as they are)."""
    return "".join(" ".join(line.split()[:2]) + "\n" for line in output.splitlines())


@pytest.mark.parametrize(
    "text",
    [
        " " * 3_000_000 + "Tokayev",
        " " * 5_000_000 + "Tokayev\n",
        "\u200b" * 5_000_000 + " Tokayev",
        "EBRD" + "\n" * 5_000_000 + "Bokaev",
    ],
    ids=["3M spaces", "5M spaces", "5M zero-width spaces", "name, 5M newlines, name"],
)
def test_millions_of_gap_characters_before_a_name(text):
    """The command gives the mentions (and offsets) annotate() gives the whole text, in bounded memory."""
    done = subprocess.run(
        [sys.executable, "-m", "kzrights", "annotate", "-"],
        input=text.encode(),
        capture_output=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    assert _shown(done.stdout.decode()) == _shown(_expected(text))


GAPS = st.sampled_from([" ", "\n", "\t", "\r\n", "\u200b", "\u00ad", "\u2060", "\u3000"])
# names and words after which no name goes on (a run after "Tokayev" may be spanned,
# "Tokayev's ...": it is held, not cut, and past the limit refused)
NAMES = st.sampled_from(
    ["Bokaev", "EBRD", "Maks Bokaev", "Бокаев", "said", "x.", "Kassym-Jomart Tokayev said"]
)


@st.composite
def _gappy_texts(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        # each run starts and ends in whitespace: invisible characters alone join the words around
        # them ("EBRD\u00adBokaev" is one word), so no cut inside them keeps what the whole text says
        edge = st.sampled_from(" \n")
        parts.append(draw(edge) + draw(GAPS) * draw(st.sampled_from([1, 2, 50, 3000, 20_000])) + draw(edge))
        parts.append(draw(NAMES))
    return "".join(parts)


@settings(max_examples=25, deadline=None)
@given(_gappy_texts(), st.sampled_from([1 << 10, 1 << 14]))
def test_streamed_output_is_annotate_on_the_whole_text(text, block):
    """Streamed in small blocks, texts of long whitespace and invisible runs give annotate()'s mentions.

    The blocks and the most text held while waiting for a cut are made small, so
    that runs of thousands of characters stand for the millions a user sends.
    """
    saved = sys.stdin, sys.stdout, cli._decoded.__defaults__, cli._LONGEST_RUN
    stdout = io.StringIO()
    try:
        cli._decoded.__defaults__ = (block,)
        cli._LONGEST_RUN = 4 * block
        sys.stdin, sys.stdout = io.TextIOWrapper(io.BytesIO(text.encode())), stdout
        code = cli.main(["annotate", "-"])
    finally:
        sys.stdin, sys.stdout, cli._decoded.__defaults__, cli._LONGEST_RUN = saved
    assert code == 0
    assert _shown(stdout.getvalue()) == _shown(_expected(text))
