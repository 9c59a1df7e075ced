"""annotate() in one process alone and in two processes at once, with no pool between them.

Usage (from the repository root, with the benchmark extra installed)::

    python benchmarks/bench_two_processes.py [--documents 1000] [--rounds 15] [--trials 3]

A pool of two workers can be at most as fast as two processes that each
annotate half the corpus on their own, at the same time.  This measures
that bound on the machine at hand: each child process loads the release,
warms up, waits until every child is ready, then annotates its half of
``bench_pool.py``'s news corpus ``--rounds`` times, timing each round in
CPU time.  One child alone, then two at once, ``--trials`` times in turn.
Beside them, `bench_pool.busy_loop` (a CPU-bound loop with a working set
of a few objects), sized like annotate(), the same way.

Where two at once take more CPU time each than one alone, the two cores
slow each other (shared caches, memory bandwidth, or a host that gives the
virtual machine less than two whole cores): no pool can then reach twice
the speed of a serial loop, and the pool's own overhead comes on top.
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def child(corpus: str, half: int, rounds: int, work: str) -> None:
    """Annotate (or busy-loop) one half of the corpus ``rounds`` times once told to; print CPU times."""
    import kzrights
    from bench_pool import busy_loop, steps_like

    documents = pickle.loads(Path(corpus).read_bytes())[half::2]
    kzrights.annotate("warm up")  # the matcher is built on first use: not part of a document's time
    start = time.process_time()
    for text in documents:
        kzrights.annotate(text)
    if work == "busy_loop":
        steps = steps_like((time.process_time() - start) / len(documents))

        def task() -> None:
            for _ in documents:
                busy_loop(steps)

    else:

        def task() -> None:
            for text in documents:
                kzrights.annotate(text)

    task()  # warm
    print("ready", flush=True)
    sys.stdin.readline()  # every child starts at once
    times = []
    for _ in range(rounds):
        start = time.process_time()
        task()
        times.append(time.process_time() - start)
    print(json.dumps(times), flush=True)


def run(corpus: str, halves: list[int], rounds: int, work: str) -> list[list[float]]:
    """Start a child for each of ``halves``, let them go together, and return each one's CPU times."""
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--child", corpus, str(half), str(rounds), work],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for half in halves
    ]
    for process in children:
        assert process.stdout is not None
        assert process.stdout.readline() == "ready\n"
    for process in children:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    return [json.loads(process.communicate()[0]) for process in children]


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        corpus, half, rounds, work = sys.argv[2:6]
        child(corpus, int(half), int(rounds), work)
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    from bench_pool import corpus

    with tempfile.TemporaryDirectory(prefix="bench_two_") as folder:
        path = str(Path(folder) / "corpus.pickle")
        Path(path).write_bytes(pickle.dumps(corpus(args.documents, args.seed)))
        print(
            f"Half of {args.documents:,} documents per process, CPU time per round in ms, "
            f"{args.rounds} rounds (best; median), each half alone then both at once; "
            f"Python {sys.version.split()[0]}:\n"
        )
        print(
            "| work | trial | alone: first half | alone: second half | together: first | together: second "
            "| slower together (medians) |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for work in ("annotate", "busy_loop"):
            for trial in range(1, args.trials + 1):
                alone = run(path, [0], args.rounds, work) + run(path, [1], args.rounds, work)
                together = run(path, [0, 1], args.rounds, work)
                runs = (*alone, *together)
                cells = [f"{min(t) * 1e3:.1f}; {statistics.median(t) * 1e3:.1f}" for t in runs]
                ratios = [
                    statistics.median(t) / statistics.median(a) for a, t in zip(alone, together, strict=True)
                ]
                print(f"| {work} | {trial} | {' | '.join(cells)} | {statistics.mean(ratios) - 1:+.0%} |")


if __name__ == "__main__":
    main()
