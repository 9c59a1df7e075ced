"""CPU time of check_quote's difflib-equivalent alignment (`quotes._longest_first`) against another tree's.

Usage (from the repository root)::

    python benchmarks/bench_longest_first.py --before SRC [--rounds 7]

``SRC/kzrights/search/quotes.py`` is loaded beside today's, and both align
the same pairs, interleaved round by round (the order alternating): 200
stretches of 300 tokens of the newest release's paragraphs, each against
its first 60 tokens shuffled (many short runs: the gaps a paraphrase
leaves) and against its first 80 with about one token in five dropped (a
quotation with words left out).  The two must give the same runs; the
median CPU time of a round is printed for each, with the load average.
This isolates the function; ``bench_quote.py --before`` shows what it
costs a whole check.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence

import kzrights
from _before import quotes_before
from kzrights.search import quotes

Align = Callable[[Sequence[str], Sequence[str]], list[tuple[int, int, int]]]


def aligner_from(source: str) -> Align:
    """The ``_longest_first`` of ``source``/kzrights/search/quotes.py, loaded beside today's."""
    return quotes_before(source)._longest_first  # type: ignore[no-any-return]


def pairs() -> list[tuple[list[str], list[str]]]:
    """The quotation and window token lists aligned, from the newest release's paragraphs."""
    text = " ".join(p.text for p in kzrights.load().paragraphs)
    keys = [token.lower() for token in re.findall(r"\w+|[^\w\s]", text)]
    rng = random.Random(1)
    found = []
    for _ in range(200):
        start = rng.randrange(len(keys) - 300)
        window = keys[start : start + 300]
        shuffled = window[:60]
        rng.shuffle(shuffled)
        found.append((shuffled, window))
        found.append(([k for k in window[:80] if rng.random() > 0.2], window))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="SRC", required=True, help="a source tree to compare with")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds per tree")
    args = parser.parse_args()
    aligners: dict[str, Align] = {"today": quotes._longest_first, "before": aligner_from(args.before)}
    cases = pairs()
    for a, b in cases:
        assert aligners["today"](a, b) == aligners["before"](a, b), (a, b)
    times: dict[str, list[float]] = {name: [] for name in aligners}
    print(f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f} at start, cpu time")
    for round_ in range(args.rounds):
        order = list(aligners) if round_ % 2 == 0 else list(aligners)[::-1]
        for name in order:
            align = aligners[name]
            start = time.process_time()
            for a, b in cases:
                align(a, b)
            times[name].append(time.process_time() - start)
    for name, measured in times.items():
        print(f"{name}: {statistics.median(measured) * 1000:.1f} ms per round of {len(cases)} alignments")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
