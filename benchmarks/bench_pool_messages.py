"""Where a process pool's time goes beyond annotate() itself: two processes at once, and the messages.

Usage (from the repository root, with the benchmark extra installed)::

    python -m pip install -e '.[bench]'
    python benchmarks/bench_pool_messages.py [--documents 1000] [--rounds 25]

The corpus is `bench_pool.py`'s news-style text (same seed, same documents).
Two measurements, each interleaved round by round, the best round kept:

1. **Two processes at once.** Each of two forked processes runs annotate()
   over its own half of the corpus, both starting together; against one
   process running a half alone.  The same for `bench_pool.busy_loop`, a
   pure-Python loop with almost nothing in memory.  This tells whether
   annotate() itself slows down when another process runs it beside it
   (sharing caches and memory bandwidth), apart from any message.
2. **What the results cost in the pool.** ``Pool(2).map`` (spawn, warm,
   ``chunksize`` two chunks per worker, as the docs advise) over the same
   documents, with workers that return (a) annotate()'s MentionList, (b) the
   same fields in one plain tuple per document, (c) only the number of
   mentions.  The documents sent are the same in all three; only the
   results differ.  Each worker also notes when each of its calls starts
   and ends, which gives, per run: when a worker's first chunk starts, the
   time a worker spends between two of its chunks (sending a chunk's
   results, receiving the next chunk's documents), and the time from the
   last call's end to ``map`` returning (the last results sent and read).
   The parent's reading of each chunk's results is timed too.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import pickle
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any, ClassVar

import kzrights
from bench_pool import busy_loop, corpus, steps_like

_CALLS: list[tuple[float, float]] = []
_BARRIER: Any = None


def _start_worker(barrier: Any) -> None:
    """Pool initializer: warm the linker, keep the barrier `collect` meets."""
    global _BARRIER
    _BARRIER = barrier
    kzrights.annotate("warm up")


def _timed(text: str) -> kzrights.records.MentionList:
    start = time.perf_counter()
    mentions = kzrights.annotate(text)
    _CALLS.append((start, time.perf_counter()))
    return mentions


def as_mention_list(text: str) -> kzrights.records.MentionList:
    """annotate()'s own result."""
    return _timed(text)


def as_flat_tuple(text: str) -> tuple[Any, ...]:
    """The same fields, one plain tuple per document (no Python code runs to pickle or read it)."""
    return tuple(itertools.chain.from_iterable(_timed(text)))


def as_count(text: str) -> int:
    """Only how many mentions: a result of a few bytes."""
    return len(_timed(text))


def collect(_: int) -> list[tuple[float, float]]:
    """This worker's call times since the last collect (each of the two workers takes one task)."""
    _BARRIER.wait(timeout=60)
    calls = list(_CALLS)
    _CALLS.clear()
    return calls


def _pair_worker(function: Callable[[], object], barrier: Any, times: Any, rounds: int) -> None:
    for _ in range(rounds):
        barrier.wait(timeout=60)
        start = time.perf_counter()
        function()
        times.put(time.perf_counter() - start)


def two_at_once(documents: list[str], rounds: int) -> None:
    """Print the best time of one process alone and of each of two at once, for annotate() and busy_loop."""
    if "fork" not in multiprocessing.get_all_start_methods():
        print("Two processes at once: not measured (this platform cannot fork).\n")
        return
    context = multiprocessing.get_context("fork")
    half = documents[: len(documents) // 2]
    kzrights.annotate("warm up")
    start = time.process_time()
    for text in half:
        kzrights.annotate(text)
    steps = steps_like((time.process_time() - start) / len(half))
    work: dict[str, Callable[[], object]] = {
        "annotate() over half the documents": lambda: [kzrights.annotate(text) for text in half],
        "busy_loop of the same CPU time": lambda: [busy_loop(steps) for _ in half],
    }
    print(f"One process alone, and each of two at once (fork; best of {rounds}):\n")
    print("| work | alone | each of two at once | slowdown |")
    print("| --- | --- | --- | --- |")
    for name, function in work.items():
        alone = float("inf")
        for _ in range(rounds):
            start = time.perf_counter()
            function()
            alone = min(alone, time.perf_counter() - start)
        barrier, times = context.Barrier(2), context.Queue()
        workers = [
            context.Process(target=_pair_worker, args=(function, barrier, times, rounds)) for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        both = min(times.get(timeout=600) for _ in range(2 * rounds))
        for worker in workers:
            worker.join()
        print(f"| {name} | {alone * 1e3:.1f} ms | {both * 1e3:.1f} ms | {both / alone:.2f}x |")
    print()


class _TimedReads:
    """Stands in for multiprocessing's pickler in the parent, to time how long it reads each message."""

    real: Any = None
    reads: ClassVar[list[tuple[float, int]]] = []

    @classmethod
    def dumps(cls, obj: object, protocol: int | None = None) -> Any:
        return cls.real.dumps(obj, protocol)

    @classmethod
    def loads(cls, data: bytes, /, **keywords: Any) -> Any:
        start = time.perf_counter()
        value = cls.real.loads(data, **keywords)
        cls.reads.append((time.perf_counter() - start, len(data)))
        return value


def _median(values: list[float], scale: float, unit: str, digits: int = 1) -> str:
    """The median of ``values`` times ``scale``, with its unit; "-" if no round measured it."""
    if not values:
        return "-"  # no worker had two chunks, say
    return f"{statistics.median(values) * scale:.{digits}f} {unit}"


def messages(documents: list[str], rounds: int, chunksize: int) -> None:
    """Print the pool's time for each kind of result, and where it goes, per worker."""
    import multiprocessing.connection

    context = multiprocessing.get_context("spawn")
    kzrights.annotate("warm up")
    contenders: dict[str, Callable[[str], object]] = {
        "MentionList (annotate()'s own)": as_mention_list,
        "one plain tuple of the same fields": as_flat_tuple,
        "only the number of mentions": as_count,
    }
    best = dict.fromkeys(["serial loop", *contenders], float("inf"))
    spans: dict[str, dict[str, list[float]]] = {
        name: {"first": [], "between": [], "after": [], "read": [], "bytes": []} for name in contenders
    }
    _TimedReads.real = multiprocessing.connection._ForkingPickler  # type: ignore[attr-defined]
    multiprocessing.connection._ForkingPickler = _TimedReads  # type: ignore[attr-defined]
    try:
        with context.Pool(2, initializer=_start_worker, initargs=(context.Barrier(2),)) as pool:
            pool.map(collect, range(2), chunksize=1)  # both workers are up and warm
            for _ in range(rounds):
                start = time.perf_counter()
                [kzrights.annotate(text) for text in documents]
                best["serial loop"] = min(best["serial loop"], time.perf_counter() - start)
                for name, function in contenders.items():
                    _TimedReads.reads.clear()
                    start = time.perf_counter()
                    pool.map(function, documents, chunksize=chunksize)
                    end = time.perf_counter()
                    best[name] = min(best[name], end - start)
                    reads = list(_TimedReads.reads)  # this map's results, read as they came
                    last = 0.0
                    for calls in pool.map(collect, range(2), chunksize=1):
                        if not calls:
                            continue  # few documents: the other worker took every chunk
                        chunks = [calls[at : at + chunksize] for at in range(0, len(calls), chunksize)]
                        spans[name]["first"].append(chunks[0][0][0] - start)
                        spans[name]["between"] += [b[0][0] - a[-1][1] for a, b in itertools.pairwise(chunks)]
                        last = max(last, chunks[-1][-1][1])
                    spans[name]["after"].append(end - last)
                    spans[name]["read"] += [seconds for seconds, _ in reads]
                    spans[name]["bytes"] += [size for _, size in reads]
    finally:
        multiprocessing.connection._ForkingPickler = _TimedReads.real  # type: ignore[attr-defined]
    print(
        f"Pool(2).map over {len(documents):,} documents, chunksize={chunksize}, spawn, warm; "
        f"best of {rounds} for the times, median over all rounds for the parts:\n"
    )
    print(
        "| what the workers send back | time | speed-up | a chunk's results | parent reads them in "
        "| first chunk starts | between a worker's chunks | last call to map's return |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    print(f"| (serial loop) | {best['serial loop'] * 1e3:.1f} ms | 1.00x | | | | | |")
    for name in contenders:
        part = spans[name]
        print(
            f"| {name} | {best[name] * 1e3:.1f} ms | {best['serial loop'] / best[name]:.2f}x "
            f"| {_median(part['bytes'], 1 / 1024, 'KiB')} | {_median(part['read'], 1e3, 'ms', 2)} "
            f"| {_median(part['first'], 1e3, 'ms')} | {_median(part['between'], 1e3, 'ms')} "
            f"| {_median(part['after'], 1e3, 'ms')} |"
        )
    print()


def main() -> None:
    """Generate the corpus, run both measurements and print Markdown tables."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=1000, help="how many documents (default 1000)")
    parser.add_argument("--rounds", type=int, default=25, help="interleaved rounds; the best is kept")
    parser.add_argument("--seed", type=int, default=2021, help="seed of the generated corpus")
    args = parser.parse_args()
    if not 4 <= args.documents <= 100_000 or not 1 <= args.rounds <= 1000:
        sys.exit("--documents must be 4 to 100,000 and --rounds 1 to 1,000")
    documents = corpus(args.documents, args.seed)
    found = [kzrights.annotate(text) for text in documents]
    chunk = pickle.dumps(found[: args.documents // 4])
    print(
        f"Python {sys.version.split()[0]}, kzrights data release {kzrights.load().version}, "
        f"{os.cpu_count()} CPUs; {len(documents):,} documents, {sum(map(len, found)):,} mentions, "
        f"{len({m.text for ms in found for m in ms}):,} distinct surfaces; a quarter's results "
        f"pickle to {len(chunk) / 1024:.0f} KiB; load average {os.getloadavg()[0]:.2f}.\n"
    )
    two_at_once(documents, args.rounds)
    messages(documents, args.rounds, max(1, args.documents // 4))
    print(f"Load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
