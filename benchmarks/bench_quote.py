"""Latency of Report.check_quote, side by side with rapidfuzz's partial_ratio and Report.search, in one run.

Usage (from the repository root, with ``pip install -e '.[bench]'``)::

    python benchmarks/bench_quote.py [--repeat 3] [--clock cpu] [--before SRC]

The peer is what a writer would otherwise script: rapidfuzz's
``fuzz.partial_ratio(quote, record.text)`` over every text record of the
newest release, keeping the best (the closest passage, without a verdict or
a diff).  ``Report.search`` on the same text is the other yardstick.

The quotations are realistic: 60-word stretches of each long paragraph,
as they stand, retyped (straight quotes, unspaced dashes, capitals), altered
(a word dropped and one changed), and 60-word paraphrases built from the
report's vocabulary; then short quotations (a stretch of 3 to 6 words with a rarer word
added, and report words at random, `short_quotations`); then the worst
cases at the longest quotation taken
(`kzrights.search.quotes.MAX_CHECK_LENGTH`, 4,000 characters), hostile ones
included (one-letter words, combining marks, numbers), each also given
to ``Report.search`` (whose own limit is 10,000).  Every
measurement is interleaved: for each quotation and repetition the three
are timed one after the other, in a rotating order, so drifting load on
the machine hits all of them.  Medians are printed, with the load average.
``--clock cpu`` times CPU time rather than wall-clock time (steadier on a
shared machine).  ``--before SRC`` adds the quotation checker of another
source tree (``SRC/kzrights/search/quotes.py``, loaded beside today's, on
today's text rules and locator) to the same rounds, so that a change to the
checker is measured against what it replaced.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable

import kzrights
from _before import quotes_before
from kzrights.search.quotes import MAX_CHECK_LENGTH, _passages

try:
    from rapidfuzz import fuzz
except ImportError:  # pragma: no cover - the benchmark's own dependency
    sys.exit("bench_quote.py needs rapidfuzz: pip install -e '.[bench]'")


def quotations(report: kzrights.Report) -> dict[str, list[str]]:
    """60-word quotations of each kind, from the report's long paragraphs."""
    rng = random.Random(16)
    long_ones = [p for p in report.paragraphs if len(p.text.split()) >= 90]
    vocabulary = sorted({w for r in report.records() for w in r.text.split()})
    kinds: dict[str, list[str]] = {"exact": [], "retyped": [], "altered": [], "paraphrase": []}
    for paragraph in long_ones:
        words = paragraph.text.split()
        start = rng.randrange(0, len(words) - 60)
        quote = " ".join(words[start : start + 60])
        kinds["exact"].append(quote)
        retyped = quote.replace("’", "'").replace("‘", '"').replace(" – ", "—")
        kinds["retyped"].append(retyped[:1].upper() + retyped[1:].upper()[:20] + retyped[21:])
        altered = words[start : start + 60]
        del altered[20]
        altered[40] = "notably"
        kinds["altered"].append(" ".join(altered))
        kinds["paraphrase"].append(" ".join(rng.choice(vocabulary) for _ in range(60)))
    return kinds


def longest_passages_cut(report: kzrights.Report, cuts: int = 4) -> str:
    """The longest two adjacent passages, with ``cuts`` words cut mid-sentence, each marked ". …".

    The report has no full stop at any of those places, so every reading of
    each full stop beside its ellipsis is altered: the most readings a
    quotation of that length is given (`_READING_TOKENS`).
    """
    records = report.records()
    passage_of = _passages(records)
    texts: dict[int, list[str]] = {}
    for record, passage in zip(records, passage_of, strict=True):
        texts.setdefault(passage, []).append(record.text)
    pairs = [" ".join(texts[p] + texts[p + 1]) for p in texts if p + 1 in texts]
    words = max(pairs, key=len).split()
    step = len(words) // (cuts + 1)
    for at in range(step * cuts, 0, -step):
        words[at : at + 3] = [". …"]
    return " ".join(words)


def worst_cases(report: kzrights.Report) -> dict[str, str]:
    """Quotations at the length limit: the report's own text, repetitions, shuffled words, floods."""
    rng = random.Random(16)
    text = " ".join(r.text for r in report.records())
    words = text.split()
    n = MAX_CHECK_LENGTH
    return {
        "the report's text": text[:n],
        "the same, one word in ten dropped": " ".join(w for i, w in enumerate(words) if i % 10)[:n],
        '"the the the ..."': ("the " * n)[:n],
        "the report's words shuffled": " ".join(rng.sample(words, len(words)))[:n],
        "report words with an ellipsis between each": " … ".join(rng.choice(words) for _ in range(n))[:n],
        "one-letter words, a to z": " ".join(chr(97 + i % 26) for i in range(n // 2))[:n],
        '"a a a ..."': ("a " * n)[:n],
        "`ex` and combining acutes to the end": "ex" + "\u0301" * (n - 2),
        "`e` + combining acute, as words": ("e\u0301 " * n)[:n],
        "numbers 0 1 2 ...": " ".join(str(i) for i in range(n))[:n],
        '", the" repeated': (", the" * n)[:n],
        '"the … the … ..." (one common word, ellipses)': ("the … " * n)[:n],
        "report words with a full stop and an ellipsis between each": (
            ". … ".join(rng.choice(words) for _ in range(n))[:n]
        ),
        "the longest two passages, four words cut mid-sentence as '. …'": longest_passages_cut(report),
    }


CLOCK = time.perf_counter


def timed(run: Callable[[], object]) -> float:
    start = CLOCK()
    run()
    return CLOCK() - start


def checker_from(source: str, report: kzrights.Report) -> Callable[[str], object]:
    """The ``check`` of the QuoteChecker in ``source``/kzrights/search/quotes.py, loaded beside today's."""
    checker = quotes_before(source).QuoteChecker(report, report._locator())
    return checker.check  # type: ignore[no-any-return]


BEFORE: Callable[[str], object] | None = None


def measure(report: kzrights.Report, quote: str, repeat: int) -> dict[str, float]:
    """Median seconds of check_quote, the rapidfuzz peer and search, interleaved."""
    records = report.records()

    def peer() -> tuple[float, str]:
        return max((fuzz.partial_ratio(quote, r.text), r.id) for r in records)

    runs: dict[str, Callable[[], object]] = {
        "check_quote": lambda: report.check_quote(quote),
        "partial_ratio": peer,
        "search": lambda: report.search(quote),
    }
    if BEFORE is not None:
        before = BEFORE
        runs["before"] = lambda: before(quote)
    times: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for round_number in range(repeat):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(timed(runs[name]))
    return {name: statistics.median(values) for name, values in times.items()}


def short_quotations(report: kzrights.Report, count: int = 40) -> dict[str, list[str]]:
    """Quotations of 3 to 8 words, seeded: what a writer checks a sentence's quoted phrase with.

    "a stretch with a rarer word added": 3 to 6 words of a record as they
    stand, with a word of the report that stands in three records or fewer
    put before, inside or after them (the retry of session 23 is for these);
    "report words at random": 3 to 8 words of the report in no order,
    nearly all not found.
    """
    rng = random.Random(23)
    texts = [record.text for record in report.records() if len(record.text.split()) >= 8]
    in_records: dict[str, int] = {}
    for text in texts:
        for word in {w for w in text.split() if w.isalpha()}:
            in_records[word] = in_records.get(word, 0) + 1
    rarer = sorted(word for word, records in in_records.items() if records <= 3)
    vocabulary = sorted(in_records)
    added: list[str] = []
    while len(added) < count:
        words = rng.choice(texts).split()
        size = rng.randint(3, 6)
        start = rng.randint(0, len(words) - size)
        stretch = words[start : start + size]
        stretch.insert(rng.choice([0, size // 2, size]), rng.choice(rarer))
        added.append(" ".join(stretch))
    scattered = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(3, 8))) for _ in range(count)]
    return {"a stretch with a rarer word added": added, "report words at random": scattered}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def print_medians(report: kzrights.Report, title: str, kinds: dict[str, list[str]], repeat: int) -> None:
    """One table: for each kind of quotation, the median of each tool's median time."""
    print(
        f"| {title} | n | check_quote | partial_ratio over every record | ratio | search() |" + extra_head()
    )
    print("| --- | --- | --- | --- | --- | --- |" + (" --- |" if BEFORE else ""))
    for kind, quotes in kinds.items():
        figures = [measure(report, quote, repeat) for quote in quotes]
        ours = statistics.median(f["check_quote"] for f in figures)
        theirs = statistics.median(f["partial_ratio"] for f in figures)
        search = statistics.median(f["search"] for f in figures)
        before = f" {ms(statistics.median(f['before'] for f in figures))} |" if BEFORE else ""
        row = f"| {kind} | {len(quotes)} | {ms(ours)} | {ms(theirs)} | {ours / theirs:.3f}x | {ms(search)} |"
        print(row + before)
    print()


def extra_head() -> str:
    """The heading of the column for ``--before``, if it is given."""
    return " check_quote before |" if BEFORE else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timings per 60-word quotation and tool")
    parser.add_argument("--worst-repeat", type=int, default=3, help="timings per longest quotation and tool")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall", help="what is timed")
    parser.add_argument("--before", metavar="SRC", help="a source tree whose quotation checker to add")
    options = parser.parse_args()
    global CLOCK, BEFORE
    CLOCK = time.process_time if options.clock == "cpu" else time.perf_counter
    report = kzrights.load()
    if options.before:
        BEFORE = checker_from(options.before, report)
        BEFORE("warm up")
    report.check_quote("warm up")  # the indexes are built once per report; not what is measured
    report.search("warm up")
    print(
        f"kzrights {kzrights.__version__}, data release {report.version}, Python {sys.version.split()[0]}, "
        f"rapidfuzz {__import__('rapidfuzz').__version__}, load average {os.getloadavg()[0]:.2f} at start,"
        f" {options.clock} time"
    )
    print()
    extra = extra_head()
    print_medians(report, "60-word quotations", quotations(report), options.repeat)
    print_medians(report, "short quotations", short_quotations(report), options.repeat)
    longest = f"| longest quotations ({MAX_CHECK_LENGTH:,} characters) | check_quote | search() |"
    print(longest + " partial_ratio over every record |" + extra)
    print("| --- | --- | --- | --- |" + (" --- |" if BEFORE else ""))
    for name, quote in worst_cases(report).items():
        worst = measure(report, quote, options.worst_repeat)
        before = f" {ms(worst['before'])} |" if BEFORE else ""
        ours, search, peer = (ms(worst[tool]) for tool in ("check_quote", "search", "partial_ratio"))
        row = f"| {name} | {ours} | {search} | {peer} |"
        print(row + before)
    print()
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
