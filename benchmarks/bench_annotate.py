"""Throughput of kzrights.annotate against flashtext, side by side in one run.

Usage (from the repository root, with the benchmark extra installed)::

    python -m pip install -e '.[bench]'
    python benchmarks/bench_annotate.py [--megabytes 1.1] [--repeat 5]

Both tools get the same aliases: every entity's name and aliases from the
newest data release, flashtext with ``case_sensitive=False`` (the closest it
has to kzrights' rules, which match names with a space in any case).  The
corpus is the report's text records, repeated to the size asked for; the
script also shows how the cost grows with the size of the text and with the
number of aliases.
"""

from __future__ import annotations

import argparse
import sys
import time

import kzrights
from kzrights._matcher import Matcher


def _corpus(chars: int) -> str:
    report = kzrights.load()
    text = "\n".join(r.text for r in report.records()) + "\n"
    return (text * (chars // len(text) + 1))[:chars]


def _best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Run the comparison and print Markdown tables."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--megabytes", type=float, default=1.1, help="size of the corpus in millions of characters"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; the best is kept")
    args = parser.parse_args()
    try:
        from flashtext import KeywordProcessor
    except ImportError:
        sys.exit("flashtext is not installed: python -m pip install -e '.[bench]'")

    report = kzrights.load()
    pairs = [(form, e.id) for e in report.entities for form in (e.name, *e.aliases)]
    processor = KeywordProcessor(case_sensitive=False)
    for form, entity_id in pairs:
        processor.add_keyword(form, entity_id)
    corpus = _corpus(int(args.megabytes * 1_000_000))
    kzrights.annotate("warm up")  # the matcher is built once per process, like flashtext's trie above

    ours = _best(lambda: kzrights.annotate(corpus), args.repeat)
    theirs = _best(lambda: processor.extract_keywords(corpus, span_info=True), args.repeat)
    found_ours = len(kzrights.annotate(corpus))
    found_theirs = len(processor.extract_keywords(corpus, span_info=True))
    mb = len(corpus) / 1e6
    print(
        f"Python {sys.version.split()[0]}; corpus: {len(corpus):,} characters; {len(pairs)} aliases; "
        f"best of {args.repeat} runs.\n"
    )
    print("| tool | time | throughput | mentions found |")
    print("| --- | --- | --- | --- |")
    print(f"| `kzrights.annotate` | {ours * 1e3:.1f} ms | {mb / ours:.1f} MB/s | {found_ours:,} |")
    print(
        f"| flashtext `extract_keywords(span_info=True)` | {theirs * 1e3:.1f} ms | {mb / theirs:.1f} MB/s "
        f"| {found_theirs:,} |"
    )
    print(f"\nkzrights.annotate has {theirs / ours:.1f}x flashtext's throughput (target: at least 4x).")
    print("(The counts differ because the rules differ: kzrights keeps single words and acronyms")
    print("case-sensitive, so it does not link 'us' or 'hug'; flashtext links every case.)\n")

    print("How the cost grows with the text (the same aliases):\n")
    print("| characters | time | µs per 1,000 characters |")
    print("| --- | --- | --- |")
    for size in (100_000, 300_000, 1_000_000, 3_000_000):
        text = _corpus(size)
        took = _best(lambda text=text: kzrights.annotate(text), args.repeat)
        print(f"| {size:,} | {took * 1e3:.1f} ms | {took / size * 1e9:.1f} |")

    print("\nHow the cost grows with the aliases (1,000,000 characters):\n")
    print("| aliases | time |")
    print("| --- | --- |")
    text = _corpus(1_000_000)
    for count in (25, 100, len(pairs)):
        matcher = Matcher(pairs[:count])
        took = _best(lambda matcher=matcher: matcher.find(text), args.repeat)
        print(f"| {count} | {took * 1e3:.1f} ms |")
    extra = [(f"Synthetic Name{n} Example", f"synthetic-{n}") for n in range(2000)]
    matcher = Matcher(pairs + extra)
    took = _best(lambda: matcher.find(text), args.repeat)
    print(f"| {len(pairs) + len(extra)} (with 2,000 synthetic multi-word names) | {took * 1e3:.1f} ms |")


if __name__ == "__main__":
    main()
