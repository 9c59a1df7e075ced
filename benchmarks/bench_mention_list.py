"""What keeping list operations' results a MentionList costs, and what it saves, against plain lists.

Usage (from the repository root, with the benchmark extra installed)::

    python benchmarks/bench_mention_list.py [--documents 1000] [--rounds 9]

Since issue 11 a slice, ``+``, ``*`` and ``copy()`` of a ``MentionList`` are
``MentionList``s, which takes a ``__getitem__`` written in Python: indexing
one mention (``mentions[i]``) goes through it.  On the same news-style corpus
as ``bench_pool.py`` (its ``corpus``), interleaved, best CPU time of the
rounds:

1. pickling annotate()'s results, one MentionList per document, against the
   same fields as plain tuples (the figure ``bench_pool.py`` prints: the
   pickling code did not change, so neither should it);
2. the first five mentions of each document (``mentions[:5]``), pickled: a
   MentionList now, a plain list of Mention before;
3. reading every mention by index (``mentions[i]``), a MentionList against
   a plain list of the same mentions: the price of the override.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import kzrights
from bench_pool import corpus, interleaved


def main() -> None:
    """Print the three comparisons as Markdown tables."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=1000, help="how many documents (default 1000)")
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds; the best is kept")
    parser.add_argument("--seed", type=int, default=2021, help="seed of the generated corpus")
    args = parser.parse_args()
    found = [kzrights.annotate(text) for text in corpus(args.documents, args.seed)]
    assert all(type(m) is kzrights.records.MentionList for m in found)
    tuples = [[tuple(m) for m in mentions] for mentions in found]
    firsts = [mentions[:5] for mentions in found]
    assert all(type(m) is kzrights.records.MentionList for m in firsts)
    plain_firsts = [list(mentions)[:5] for mentions in firsts]
    plain = [list(mentions) for mentions in found]

    def round_trip(value: object) -> object:
        return pickle.loads(pickle.dumps(value))

    def read_all(lists: list[list[kzrights.Mention]]) -> int:
        total = 0
        for mentions in lists:
            for i in range(len(mentions)):
                total += mentions[i].end
        return total

    contenders = {
        "pickling: a MentionList per document": lambda: round_trip(found),
        "pickling: the same fields as plain tuples": lambda: round_trip(tuples),
        "pickling mentions[:5]: MentionList (now)": lambda: round_trip(firsts),
        "pickling mentions[:5]: plain list of Mention (before)": lambda: round_trip(plain_firsts),
        "mentions[i] for every i: MentionList": lambda: read_all(found),
        "mentions[i] for every i: plain list": lambda: read_all(plain),
    }
    best = interleaved(contenders, args.rounds)
    total = sum(len(m) for m in found)
    print(
        f"{total:,} mentions in {args.documents:,} documents; CPU time (dumps + loads, or the loop), "
        f"best of {args.rounds}, Python {sys.version.split()[0]}\n"
    )
    print("| what | CPU time | ratio |")
    print("| --- | --- | --- |")
    names = list(contenders)
    for first, second in zip(names[::2], names[1::2], strict=True):
        ratio = best[first] / best[second]
        print(f"| {first} | {best[first] * 1e3:.1f} ms | {ratio:.2f}x |")
        print(f"| {second} | {best[second] * 1e3:.1f} ms | 1.00x |")


if __name__ == "__main__":
    main()
