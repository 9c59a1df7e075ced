"""The way back from NFC or visible text to the offsets given: this tree against another, in one run.

Usage (from the repository root, with the benchmark extra installed)::

    python benchmarks/bench_way_back.py --before OLD_TREE/src [--rounds 7]

``OLD_TREE/src`` is the ``src`` folder of another checkout (``git worktree add
/tmp/old <commit>``): its ``kzrights/_chars.py`` is loaded beside today's, and
only `kzrights._chars.nfc` and `kzrights._chars.visible` differ between the
two sides.  For each text, interleaved (every round runs every contender
once; the best CPU time is kept):

- ``nfc()`` (or ``visible()``) alone, today's and the other tree's;
- ``annotate()`` with today's rewrite and with the other tree's put in its
  place (the matcher looks both up in ``kzrights._chars`` on each call);

``annotate()`` of the same news in NFC is timed in the same rounds, as the
peer; then the memory each ``nfc()``/``visible()`` keeps and peaks at
(tracemalloc), and what today's ``annotate()`` peaks at on five million
characters of text that is not ASCII.  The texts: the news-style corpus of ``bench_pool.py`` (English
and Russian) in NFD, where "й" and "ё" and any accented Latin letter are
decomposed; the same with a zero-width space after every tenth word; and the
hostile ones of ``bench_pathological.py``: a million characters of ``e`` and a
combining acute, and of ``a`` and a zero-width space.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tracemalloc
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import kzrights
from _before import module_from_file
from bench_pool import corpus, interleaved
from kzrights import _chars


def texts(documents: int, seed: int) -> dict[str, tuple[str, str]]:
    """Each text by name, with the rewrite it exercises (``"nfc"`` or ``"visible"``)."""
    news = "\n\n".join(corpus(documents, seed))
    nfd = unicodedata.normalize("NFD", news)
    words = nfd.split(" ")
    spaced = " ".join(w + "\u200b" if i % 10 == 9 else w for i, w in enumerate(words))
    return {
        f"news in NFD ({len(nfd):,} characters)": (nfd, "nfc"),
        "news in NFD, a zero-width space every tenth word": (spaced, "visible"),
        "`e` and a combining acute, 1,000,000 characters": ("e\u0301" * 500_000, "nfc"),
        "`a` and a zero-width space, 1,000,000 characters": ("a\u200b" * 500_000, "visible"),
    }


def memory(function: Callable[[str], object], text: str) -> tuple[int, int]:
    """The bytes ``function(text)`` keeps (with its result) and peaks at."""
    gc.collect()
    tracemalloc.start()
    try:
        result = function(text)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return kept, peak


def main() -> None:
    """Print one table of CPU time and one of memory, today's tree against ``--before``."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", required=True, help="the src folder of the tree to compare with")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds; the best is kept")
    parser.add_argument("--documents", type=int, default=400, help="news-style documents (default 400)")
    parser.add_argument("--seed", type=int, default=2021, help="seed of the generated corpus")
    args = parser.parse_args()
    before = module_from_file("kzrights._chars_before", Path(args.before, "kzrights", "_chars.py"))
    now = {"nfc": _chars.nfc, "visible": _chars.visible}
    then = {"nfc": before.nfc, "visible": before.visible}

    def annotate_with(rewrites: dict[str, Callable[[str], object]], text: str) -> object:
        saved = _chars.nfc, _chars.visible
        _chars.nfc, _chars.visible = rewrites["nfc"], rewrites["visible"]  # type: ignore[assignment]
        try:
            return kzrights.annotate(text)
        finally:
            _chars.nfc, _chars.visible = saved

    cases = texts(args.documents, args.seed)
    news_nfc = unicodedata.normalize("NFC", next(iter(cases.values()))[0])
    for text, way in cases.values():
        # the same text, the same way back, the same mentions either side
        assert now[way](text)[0] == then[way](text)[0]
        assert annotate_with(now, text) == annotate_with(then, text)
    contenders: dict[str, Callable[[], object]] = {}
    for name, (text, way) in cases.items():
        contenders[f"{name}: {way}(), today"] = lambda t=text, w=way: now[w](t)
        contenders[f"{name}: {way}(), before"] = lambda t=text, w=way: then[w](t)
        contenders[f"{name}: annotate(), today"] = lambda t=text: annotate_with(now, t)
        contenders[f"{name}: annotate(), before"] = lambda t=text: annotate_with(then, t)
    contenders["the news in NFC: annotate()"] = lambda: kzrights.annotate(news_nfc)
    best = interleaved(contenders, args.rounds)
    print(f"CPU time, best of {args.rounds} interleaved rounds, Python {sys.version.split()[0]}:\n")
    print("| text | call | today | before | today / before |")
    print("| --- | --- | --- | --- | --- |")
    for name, (_, way) in cases.items():
        for call in (f"{way}()", "annotate()"):
            today, earlier = best[f"{name}: {call}, today"], best[f"{name}: {call}, before"]
            ratio = today / earlier
            print(f"| {name} | `{call}` | {today * 1e3:.1f} ms | {earlier * 1e3:.1f} ms | {ratio:.2f}x |")
    peer = best["the news in NFC: annotate()"]
    print(f"\nThe peer: annotate() of the same news in NFC took {peer * 1e3:.1f} ms.")
    print("\nMemory of the rewrite alone (tracemalloc): what it keeps with its result, and its peak:\n")
    print("| text | call | kept today | kept before | peak today | peak before |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, (text, way) in cases.items():
        kept_now, peak_now = memory(now[way], text)
        kept_then, peak_then = memory(then[way], text)
        print(
            f"| {name} | `{way}()` | {kept_now / 1e6:.1f} MB | {kept_then / 1e6:.1f} MB "
            f"| {peak_now / 1e6:.1f} MB | {peak_then / 1e6:.1f} MB |"
        )
    annotate_peaks(5_000_000)


def annotate_peaks(size: int) -> None:
    """Print annotate()'s peak (tracemalloc) as a multiple of the text's own size, on texts not ASCII."""
    sentences = {
        "English, ASCII (the peer)": "The police detained protesters in the capital. ",
        "Russian": "Полиция задержала протестующих в столице. ",
        "French in NFD": unicodedata.normalize("NFD", "Les cafés étaient fermés à cause des grèves. "),
        "English with soft hyphens": "The po\u00adlice de\u00adtained pro\u00adtesters. ",
        "NFD with zero-width spaces": unicodedata.normalize("NFD", "caf\u00ade résumé ne\u200bws. "),
    }
    print(f"\nannotate()'s peak on {size:,} characters without a name (tracemalloc, beyond the text):\n")
    print("| text | the text | peak | peak / the text |")
    print("| --- | --- | --- | --- |")
    for name, sentence in sentences.items():
        text = (sentence * (size // len(sentence) + 1))[:size]
        kzrights.annotate(sentence)
        _, peak = memory(kzrights.annotate, text)
        own = sys.getsizeof(text)
        print(f"| {name} | {own / 1e6:.1f} MB | {peak / 1e6:.1f} MB | {peak / own:.1f}x |")


if __name__ == "__main__":
    main()
