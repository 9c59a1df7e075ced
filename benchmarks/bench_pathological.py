"""Worst cases of every text entry point, side by side with a realistic input, in one run.

Usage (from the repository root, with kzrights installed)::

    python benchmarks/bench_pathological.py [--repeat 5] [--memory-megabytes 100]

Each look-up (``Report.search``, ``concordance``, ``locate``, ``entity``, ``check_quote``)
gets a table of hostile inputs at its documented maximum length (repeated
letters, repeated quote marks, one letter, one long word, many short words,
combining marks, invisible characters, ...), and one realistic input, the
peer each row is compared with.  The measurements are interleaved: every
round times every input once, and the best round is kept, so that drifting
load on the machine hits all rows alike.  The indexes are built before the
clock starts (the first call of each look-up builds its index once per
report; that is not what a hostile input controls).

``annotate`` has no maximum length: it must be linear, so its table gives the
time per 1,000 characters of hostile texts of a million characters next to
the report's own text, and the memory it peaks at (tracemalloc) on an ASCII
text of ``--memory-megabytes`` million characters, as a multiple of the text.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
import time
import tracemalloc
from collections.abc import Callable

import kzrights
from kzrights.report import MAX_NAME_LENGTH, MAX_QUERY_LENGTH, MAX_QUOTE_LENGTH, MAX_TERM_LENGTH
from kzrights.search.quotes import MAX_CHECK_LENGTH


def _words(report: kzrights.Report, length: int) -> str:
    """The report's own words, repeated to ``length`` characters."""
    text = " ".join(" ".join(r.text for r in report.records()).split())
    return (text * (length // len(text) + 1))[:length].strip()


def _hostile(report: kzrights.Report, n: int) -> list[tuple[str, str]]:
    """Hostile inputs of (at most) ``n`` characters, labelled."""
    return [
        ("one letter: `e`", "e"),
        ("a stopword: `the`", "the"),
        ("`y` repeated", "y" * n),
        ("`“` repeated", "“" * n),
        ('`"` repeated', '"' * n),
        ("`'` repeated", "'" * n),
        ("`-` repeated", "-" * n),
        ("one long word", ("abcdefghij" * (n // 10 + 1))[:n]),
        ("`e ` repeated (many short words)", ("e " * n)[: n - 1]),
        ("`the ` repeated", ("the " * n)[: n - 1]),
        ("the report's words", _words(report, n)),
        ("the report's words as one quoted phrase", '"' + _words(report, n - 2) + '"'),
        ("`Nur Otan ` repeated (a name)", ("Nur Otan " * n)[: n - 1]),
        ("`e` and a combining acute, repeated", "e\u0301" * (n // 2)),
        ("zero-width spaces around `e`", "\u200b" * (n // 2) + "e" + "\u200b" * (n // 2 - 1)),
        ("titlecase digraph `ǅ` repeated", "ǅ" * n),
        ("`ǅ ` repeated (one-letter words)", ("ǅ " * n)[: n - 1]),
        ("`e` and combining acutes to the end", "e" + "\u0301" * (n - 1)),
        ("one-letter words, a to z", " ".join(chr(97 + i % 26) for i in range(n // 2))[:n]),
        ("right-to-left marks", "\u200f" * n),
        ("Arabic letters with right-to-left marks", ("ب\u200f " * n)[:n]),
        ("ligature `ﬃ` repeated", "ﬃ" * n),
        # 18 characters each once normalised (NFKC): a query of them keyed as a name took 47 ms
        ("`ﷺ` repeated (U+FDFA)", "\ufdfa" * n),
        ("Kelvin signs, no space", "\u212a" * n),
    ]


def _best(functions: list[Callable[[], object]], repeat: int) -> list[float]:
    """The best time of each function over ``repeat`` interleaved rounds."""
    best = [float("inf")] * len(functions)
    for _ in range(repeat):
        for number, function in enumerate(functions):
            start = time.perf_counter()
            # a refused input is timed too: the refusal must be quick
            with contextlib.suppress(kzrights.KzrightsError):
                function()
            best[number] = min(best[number], time.perf_counter() - start)
    return best


def _table(title: str, limit: int, calls: list[tuple[str, Callable[[], object]]], repeat: int) -> None:
    print(f"\n### {title} (maximum length {limit:,} characters)\n")
    print("| input | time | vs the realistic input |")
    print("| --- | --- | --- |")
    times = _best([call for _, call in calls], repeat)
    peer = times[0]
    for (label, _), took in zip(calls, times, strict=True):
        print(f"| {label} | {took * 1e3:.2f} ms | {took / peer:.1f}x |")
    print(f"\nWorst: {max(times) * 1e3:.2f} ms.")


def _lookups(report: kzrights.Report, repeat: int) -> None:
    def search(query: str) -> Callable[[], object]:
        return lambda: report.search(query)

    def concordance(term: str) -> Callable[[], object]:
        return lambda: report.concordance(term)

    def locate(quote: str) -> Callable[[], object]:
        return lambda: report.locate(quote)

    def entity(name: str) -> Callable[[], object]:
        return lambda: report.entity(name)

    def check_quote(quote: str) -> Callable[[], object]:
        return lambda: report.check_quote(quote)

    entry_points = [
        ("`Report.search(query)`", MAX_QUERY_LENGTH, search, "what does it say about protesters?"),
        ("`Report.concordance(term)`", MAX_TERM_LENGTH, concordance, "golden visas"),
        ("`Report.locate(quote)`", MAX_QUOTE_LENGTH, locate, "a 'listening state'"),
        ("`Report.entity(name)`", MAX_NAME_LENGTH, entity, "Bokaev"),
        (
            "`Report.check_quote(quote)`",
            MAX_CHECK_LENGTH,
            check_quote,
            "Stop targeting NGOs with tax inspections",
        ),
    ]
    for title, limit, call, realistic in entry_points:
        call(realistic)()  # builds the index once, as the first call of a session does
        rows = [(f"realistic: `{realistic}`", call(realistic))]
        rows += [(label, call(text)) for label, text in _hostile(report, limit)]
        rows.append((f"{limit + 1:,} characters (refused)", call("e" * (limit + 1))))
        _table(title, limit, rows, repeat)


def _annotate(report: kzrights.Report, repeat: int) -> None:
    size = 1_000_000
    texts = [
        ("realistic: the report's text", _words(report, size)),
        ("`a` repeated (one long word)", "a" * size),
        ("`Nur ` repeated (a name's first word)", ("Nur " * size)[:size]),
        ("`Nur Otan ` repeated (a name)", ("Nur Otan " * size)[:size]),
        ("`Article 174 of the Criminal ` repeated", ("Article 174 of the Criminal " * size)[:size]),
        ("`’` repeated", "’" * size),
        ("`e` and a combining acute, repeated (NFD)", "e\u0301" * (size // 2)),
        ("the report's text in NFD", __import__("unicodedata").normalize("NFD", _words(report, size))),
        ("`İ ` repeated", "İ " * (size // 2)),
        ("the report's text with an emoji every 100 characters", _emoji(_words(report, size))),
    ]
    kzrights.annotate("warm up")
    times = _best([lambda text=text: kzrights.annotate(text) for _, text in texts], repeat)
    print("\n### `annotate(text)` (no maximum length: linear)\n")
    print("| text (1,000,000 characters) | time | µs per 1,000 characters | vs the realistic text |")
    print("| --- | --- | --- | --- |")
    for (label, text), took in zip(texts, times, strict=True):
        per = took / len(text) * 1e9
        print(f"| {label} | {took * 1e3:.1f} ms | {per:.1f} | {took / times[0]:.1f}x |")


def _emoji(text: str) -> str:
    return "".join(text[i : i + 99] + "🙂" for i in range(0, len(text), 99))


def _memory(report: kzrights.Report, megabytes: float) -> None:
    size = int(megabytes * 1_000_000)
    text = _words(report, size).encode("ascii", "replace").decode("ascii")
    kzrights.annotate("warm up")
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    found = kzrights.annotate(text)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\n### Memory of `annotate(text)` on {len(text):,} ASCII characters ({len(text) / 1e6:.0f} MB)\n")
    print("| measure | bytes | multiple of the text |")
    print("| --- | --- | --- |")
    print(f"| peak while it runs | {peak - base:,} | {(peak - base) / len(text):.2f}x |")
    kept = current - base
    print(f"| kept after (the {len(found):,} mentions) | {kept:,} | {kept / len(text):.2f}x |")


def main() -> None:
    """Run every table and print them as Markdown."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds; the best is kept")
    parser.add_argument(
        "--memory-megabytes", type=float, default=100, help="size of annotate's memory test (0: skip)"
    )
    parser.add_argument("--lookups-only", action="store_true", help="skip annotate's tables")
    args = parser.parse_args()
    report = kzrights.load()
    print(f"Python {sys.version.split()[0]}; data release {report.version}; best of {args.repeat} rounds.")
    _lookups(report, args.repeat)
    if args.lookups_only:
        return
    _annotate(report, args.repeat)
    if args.memory_megabytes:
        _memory(report, args.memory_megabytes)


if __name__ == "__main__":
    main()
