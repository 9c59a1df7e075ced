"""kzrights.annotate in a process pool, against a serial loop, and what its results cost to pickle.

Usage (from the repository root, with the benchmark extra installed)::

    python -m pip install -e '.[bench]'
    python benchmarks/bench_pool.py [--documents 1000] [--rounds 7] [--start-method spawn]

The corpus is news-style text, generated deterministically (``--seed``): a
few hundred words per document, sentences from Faker's English and Russian
providers mixed with people's names, companies and places that are not in the
registry, and names of the release's entities (canonical names and aliases,
Latin and Cyrillic) where a news story would have them.

Two measurements, each interleaved (every round runs every contender once,
and the best round of each is kept):

1. pickling the mentions annotate() finds in the corpus, one list per
   document as a pool sends them back, against the same fields as plain
   tuples (target: within 1.5x), and against plain lists of Mention, which is
   what annotate() returned before it returned a MentionList;
2. ``Pool(2).map(kzrights.annotate, documents, chunksize=...)`` for several
   chunk sizes, against ``[kzrights.annotate(d) for d in documents]`` (target:
   at least 1.7x on an idle 2-core machine).  The pool is started and warmed
   up (each worker loads the release and builds its matcher) before timing,
   as in a long-running job; its start-up is reported on its own.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import pickle
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import kzrights


def plain_list_annotate(text: str) -> list[kzrights.Mention]:
    """annotate() as it was: the same mentions, in a plain list that pickles mention by mention."""
    return list(kzrights.annotate(text))


def corpus(documents: int, seed: int) -> list[str]:
    """Return ``documents`` news-style texts of 200 to 500 words, the same for the same seed."""
    try:
        from faker import Faker
    except ImportError:
        sys.exit("faker is not installed: python -m pip install -e '.[bench]'")
    Faker.seed(seed)
    fake = Faker(["en_US", "ru_RU"])
    english, russian = fake["en_US"], fake["ru_RU"]
    rng = random.Random(seed)
    report = kzrights.load()
    latin = [form for e in report.entities for form in (e.name, *e.aliases) if form.isascii()]
    cyrillic = [form for e in report.entities for form in e.aliases if not form.isascii()]
    texts = []
    for _ in range(documents):
        words: list[str] = []
        target = rng.randint(200, 500)
        while len(words) < target:
            # about 3 sentences in 10 in Russian; half the names quoted are the registry's
            faker, registry = (russian, cyrillic) if rng.random() < 0.3 else (english, latin)
            sentence = faker.sentence(nb_words=rng.randint(6, 16))
            if rng.random() < 0.5:
                name = rng.choice(registry)
            else:
                name = rng.choice([faker.name(), faker.city(), faker.company()])
            if rng.random() < 0.5:
                sentence = f"{sentence[:-1]}, {rng.choice(['said', 'told', 'wrote to'])} {name}."
            words.extend(sentence.split())
        texts.append(" ".join(words[:target]) + ".")
    return texts


def interleaved(contenders: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Run every contender once per round, in turn; return each one's best CPU time in seconds.

    Pickling runs on one thread and waits for nothing, so its CPU time is its
    cost, and is less disturbed than the wall clock by other work on a shared
    machine.
    """
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(rounds):
        for name, function in contenders.items():
            start = time.process_time()
            function()
            best[name] = min(best[name], time.process_time() - start)
    return best


def pickling(documents: list[str], rounds: int) -> None:
    """Print the cost of pickling annotate()'s results against plain tuples of the same fields."""
    found = [kzrights.annotate(text) for text in documents]
    shapes = {
        "annotate()'s results (a MentionList per document)": found,
        "the same, as plain lists of Mention": [list(mentions) for mentions in found],
        "the same fields as plain tuples": [[tuple(m) for m in mentions] for mentions in found],
    }
    # one flat list too, as the issue measured (about 40,000 mentions)
    flat = kzrights.records.MentionList(m for mentions in found for m in mentions)
    shapes["one MentionList of every mention"] = flat
    shapes["one plain list of Mention"] = list(flat)
    shapes["one list of plain tuples"] = [tuple(m) for m in flat]
    blobs = {name: pickle.dumps(value) for name, value in shapes.items()}
    for name, value in shapes.items():
        assert pickle.loads(blobs[name]) == value
    dumps = interleaved({name: lambda v=value: pickle.dumps(v) for name, value in shapes.items()}, rounds)
    loads = interleaved({name: lambda b=blob: pickle.loads(b) for name, blob in blobs.items()}, rounds)
    total = sum(len(m) for m in found)
    print(
        f"Pickling the {total:,} mentions found in {len(documents):,} documents "
        f"(CPU time, best of {rounds}):\n"
    )
    print("| what | dumps | loads | both | vs plain tuples | bytes |")
    print("| --- | --- | --- | --- | --- | --- |")
    for group in (list(shapes)[:3], list(shapes)[3:]):
        baseline = dumps[group[-1]] + loads[group[-1]]
        for name in group:
            both = dumps[name] + loads[name]
            print(
                f"| {name} | {dumps[name] * 1e3:.1f} ms | {loads[name] * 1e3:.1f} ms | {both * 1e3:.1f} ms "
                f"| {both / baseline:.2f}x | {len(blobs[name]):,} |"
            )
    print()


def _cpu_seconds(pids: list[int]) -> list[float]:
    """CPU time (user + system) each process has used so far, from /proc (Linux); empty elsewhere."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        stats = [Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split() for pid in pids]
    except (OSError, ValueError, AttributeError):
        return []
    return [(int(fields[11]) + int(fields[12])) / ticks for fields in stats]


def pool(documents: list[str], rounds: int, start_method: str, chunk_sizes: list[int]) -> None:
    """Print the time of a warm Pool(2) over annotate(), per chunk size, against a serial loop.

    Besides the wall-clock time, each contender's CPU time is counted (the
    parent's, and each worker's from /proc): on a machine shared with other
    work, ``max(busiest worker, all CPU / 2)`` estimates the wall-clock time
    the pool would take with two idle cores.
    """
    context = multiprocessing.get_context(start_method)
    kzrights.annotate("warm up")  # the serial loop gets a warm matcher too
    serial = [kzrights.annotate(text) for text in documents]
    start = time.perf_counter()
    with context.Pool(2, initializer=kzrights.annotate, initargs=("warm up",)) as workers:
        workers.map(abs, range(4), chunksize=1)  # both workers are up and warm
        started = time.perf_counter() - start
        pids = [process.pid for process in workers._pool]  # type: ignore[attr-defined]
        contenders: dict[str, Callable[[], object]] = {
            "serial loop": lambda: [kzrights.annotate(text) for text in documents]
        }
        for size in chunk_sizes:
            contenders[f"Pool(2), chunksize={size}"] = lambda s=size: workers.map(
                kzrights.annotate, documents, chunksize=s
            )
        largest = max(chunk_sizes)
        contenders[f"Pool(2), chunksize={largest}, plain lists of Mention"] = lambda: workers.map(
            plain_list_annotate, documents, chunksize=largest
        )
        assert workers.map(kzrights.annotate, documents, chunksize=largest) == serial
        best = dict.fromkeys(contenders, float("inf"))
        cpu: dict[str, tuple[float, list[float]]] = {name: (0.0, [0.0, 0.0]) for name in contenders}
        for _ in range(rounds):
            for name, function in contenders.items():
                before, parent = _cpu_seconds(pids), time.process_time()
                start = time.perf_counter()
                function()
                best[name] = min(best[name], time.perf_counter() - start)
                spent, after = time.process_time() - parent, _cpu_seconds(pids)
                used = [b - a for a, b in zip(before, after, strict=True)] or [0.0, 0.0]
                total = cpu[name]
                cpu[name] = (total[0] + spent, [t + u for t, u in zip(total[1], used, strict=True)])
    characters = sum(map(len, documents))
    print(
        f"annotate() over {len(documents):,} documents ({characters:,} characters), "
        f"'{start_method}' pool, best of {rounds} (CPU: mean per run); "
        f"starting and warming the pool took {started:.2f} s:\n"
    )
    serial_cpu = cpu["serial loop"][0] / rounds
    print("| how | time | speed-up | CPU: parent + workers | speed-up with 2 idle cores (estimate) |")
    print("| --- | --- | --- | --- | --- |")
    for name, seconds in best.items():
        parent, each = cpu[name][0] / rounds, [w / rounds for w in cpu[name][1]]
        # the serial loop runs in the parent alone: one core, whatever the machine
        idle = parent if name == "serial loop" else max(*each, (parent + sum(each)) / 2)
        print(
            f"| {name} | {seconds * 1e3:.1f} ms | {best['serial loop'] / seconds:.2f}x "
            f"| {parent * 1e3:.0f} + {' + '.join(f'{w * 1e3:.0f}' for w in each)} ms "
            f"| {serial_cpu / idle:.2f}x |"
        )
    print()


def main() -> None:
    """Generate the corpus, run both measurements and print Markdown tables."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=1000, help="how many documents (default 1000)")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds; the best is kept")
    parser.add_argument("--seed", type=int, default=2021, help="seed of the generated corpus")
    parser.add_argument("--start-method", default="spawn", choices=multiprocessing.get_all_start_methods())
    parser.add_argument("--chunk-sizes", default="1,8,32,125,250", help="comma-separated chunk sizes to try")
    args = parser.parse_args()
    documents = corpus(args.documents, args.seed)
    words = sum(len(d.split()) for d in documents)
    print(
        f"Python {sys.version.split()[0]}, kzrights data release {kzrights.load().version}, "
        f"{os.cpu_count()} CPUs; {len(documents):,} documents, {words / len(documents):.0f} words each "
        "on average.\n"
    )
    pickling(documents, args.rounds)
    pool(documents, args.rounds, args.start_method, [int(s) for s in args.chunk_sizes.split(",")])


if __name__ == "__main__":
    main()
