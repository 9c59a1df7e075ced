"""Other ways a MentionList could pickle, against the one it uses, and where a pool worker's time goes.

Usage (from the repository root, with the benchmark extra installed)::

    python benchmarks/bench_pickle_forms.py [--documents 1000] [--rounds 40] [--pool-rounds 15]

Issue 11 asks that a list of mentions pickle within 1.5x the same fields as
plain tuples.  On ``bench_pool.py``'s news-style corpus (its ``corpus``),
interleaved (every round runs every contender once; best CPU time of the
rounds), this pickles with ``pickle.dumps`` and ``pickle.loads``:

1. the mentions as plain tuples (the baseline);
2. the shipped ``MentionList`` (its mentions' fields in one flat tuple,
   rebuilt by ``__setstate__``);
3. the fields by column (``zip(*mentions, strict=True)``, which checks every
   mention's width in C), rebuilt by ``zip`` over the columns;
4. the fields in a flat list rather than a tuple;
5. each mention as a plain tuple in the state, rebuilt with ``tuple.__new__``;
6. a ``map(tuple.__new__, …, zip(…))`` over the flat fields that pickle
   itself rebuilds from builtins, with no Python call on loading;

each for one list of every mention and for one list per document (what a
pool sends).  Every form is checked to give back equal mentions.  Then,
with ``--pool-rounds`` above 0, a warm ``Pool(2)`` (spawn) maps annotate()
over the corpus with 250 texts per task, timing annotate() inside each
worker, to tell what a worker spends on annotate() from what it spends on
the pool's messages.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import multiprocessing
import os
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import kzrights
from bench_pool import corpus
from kzrights.records import Mention, MentionList

_NEW = tuple.__new__
_ONLY = frozenset({Mention})


class Columns(list):  # type: ignore[type-arg]
    """The fields by column, each mention's width checked by ``zip(..., strict=True)``."""

    __slots__ = ()

    def __reduce_ex__(self, protocol: Any) -> Any:
        if not self or not _ONLY.issuperset(map(type, self)):
            return (Columns, (), None, iter(self))
        return (Columns, (), (tuple(zip(*self, strict=True)),))

    def __setstate__(self, state: Any) -> None:
        (columns,) = state
        self.extend(map(_NEW, itertools.repeat(Mention), zip(*columns, strict=True)))


class FlatList(list):  # type: ignore[type-arg]
    """The shipped form, with the fields in a list rather than a tuple."""

    __slots__ = ()

    def __reduce_ex__(self, protocol: Any) -> Any:
        if not self or not _ONLY.issuperset(map(type, self)) or not {8}.issuperset(map(len, self)):
            return (FlatList, (), None, iter(self))
        return (FlatList, (), list(itertools.chain.from_iterable(self)))

    def __setstate__(self, state: Any) -> None:
        row = iter(state)
        self.extend(
            map(_NEW, itertools.repeat(Mention), zip(row, row, row, row, row, row, row, row, strict=False))
        )


class Rows(list):  # type: ignore[type-arg]
    """Each mention as a plain tuple in the state."""

    __slots__ = ()

    def __reduce_ex__(self, protocol: Any) -> Any:
        if not self or not _ONLY.issuperset(map(type, self)):
            return (Rows, (), None, iter(self))
        return (Rows, (), (tuple(map(tuple, self)),))

    def __setstate__(self, state: Any) -> None:
        self.extend(map(_NEW, itertools.repeat(Mention), state[0]))


class Builtins(list):  # type: ignore[type-arg]
    """A ``map`` over the flat fields, which pickle rebuilds from builtins (``map``, ``zip``, ``iter``)."""

    __slots__ = ()

    def __reduce_ex__(self, protocol: Any) -> Any:
        fields = tuple(itertools.chain.from_iterable(self))
        row = iter(fields)
        rebuilt = map(_NEW, (Mention,) * len(self), zip(row, row, row, row, row, row, row, row, strict=False))
        return (MentionList, (rebuilt,))


def best_cpu(contenders: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Each contender's best CPU time over ``rounds`` interleaved rounds, in seconds."""
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(rounds):
        for name, call in contenders.items():
            start = time.process_time()
            call()
            best[name] = min(best[name], time.process_time() - start)
    return best


def forms(found: list[MentionList], rounds: int) -> None:
    shapes: dict[str, Callable[[list[Mention]], Any]] = {
        "plain tuples": lambda ms: [tuple(m) for m in ms],
        "MentionList (shipped: one flat tuple)": MentionList,
        "by column": Columns,
        "one flat list": FlatList,
        "a plain tuple per mention": Rows,
        "rebuilt by pickle from builtins": Builtins,
    }
    every = [m for mentions in found for m in mentions]
    columns = ["form", "one list: dumps + loads", "vs tuples", "per document: dumps + loads", "vs tuples"]
    print("| " + " | ".join([*columns, "bytes, per document"]) + " |")
    print("| --- | --- | --- | --- | --- | --- |")
    results: dict[str, tuple[float, float, int]] = {}
    for name, make in shapes.items():
        one, per = make(every), [make(mentions) for mentions in found]
        blobs = (pickle.dumps(one), pickle.dumps(per))
        assert pickle.loads(blobs[0]) == every, name
        assert pickle.loads(blobs[1]) == found, name
        timed = best_cpu(
            {
                "one dumps": functools.partial(pickle.dumps, one),
                "one loads": functools.partial(pickle.loads, blobs[0]),
                "per dumps": functools.partial(pickle.dumps, per),
                "per loads": functools.partial(pickle.loads, blobs[1]),
            },
            rounds,
        )
        results[name] = (
            timed["one dumps"] + timed["one loads"],
            timed["per dumps"] + timed["per loads"],
            len(blobs[1]),
        )
    base_one, base_per, _ = results["plain tuples"]
    for name, (one_time, per_time, size) in results.items():
        print(
            f"| {name} | {one_time * 1e3:.2f} ms | {one_time / base_one:.2f}x "
            f"| {per_time * 1e3:.2f} ms | {per_time / base_per:.2f}x | {size:,} |"
        )
    print()


_inside = 0.0


def _timed_annotate(text: str) -> MentionList:
    global _inside
    start = time.process_time()
    found = kzrights.annotate(text)
    _inside += time.process_time() - start
    return found


def _worker_times(_: object) -> tuple[int, float, float]:
    time.sleep(0.3)  # long enough that each worker takes one of these tasks
    return os.getpid(), _inside, time.process_time()


def inside_the_workers(documents: list[str], rounds: int) -> None:
    """Time annotate() inside each worker of a warm Pool(2), against the worker's whole CPU time."""

    def times(pool: Any) -> dict[int, tuple[float, float]]:
        return {pid: (inside, total) for pid, inside, total in pool.map(_worker_times, range(2), chunksize=1)}

    with multiprocessing.get_context("spawn").Pool(2) as pool:
        for _ in range(3):
            pool.map(_timed_annotate, documents, chunksize=250)
        before = times(pool)
        walls = []
        for _ in range(rounds):
            start = time.perf_counter()
            pool.map(_timed_annotate, documents, chunksize=250)
            walls.append(time.perf_counter() - start)
        after = times(pool)
    best = min(walls) * 1e3
    print(f"Pool(2).map(annotate, chunksize=250), spawn, {rounds} rounds; best wall time {best:.1f} ms:\n")
    print("| worker | annotate(), CPU a round | everything else, CPU a round |")
    print("| --- | --- | --- |")
    for number, pid in enumerate(sorted(before)):
        inside = (after[pid][0] - before[pid][0]) / rounds
        total = (after[pid][1] - before[pid][1]) / rounds
        print(f"| {number + 1} | {inside * 1e3:.1f} ms | {(total - inside) * 1e3:.1f} ms |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--pool-rounds", type=int, default=15)
    args = parser.parse_args()
    documents = corpus(args.documents, args.seed)
    found = [kzrights.annotate(text) for text in documents]
    print(
        f"Python {sys.version.split()[0]}, kzrights data release {kzrights.DATA_VERSION}; "
        f"{sum(map(len, found)):,} mentions in {len(documents):,} documents; "
        f"load average {os.getloadavg()[0]:.2f} at the start.\n"
    )
    forms(found, args.rounds)
    if args.pool_rounds:
        inside_the_workers(documents, args.pool_rounds)


if __name__ == "__main__":
    main()
