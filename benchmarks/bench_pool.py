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
   at least 1.7x on an idle 2-core machine), and the alternatives the docs
   weigh: ``imap``, ``concurrent.futures.ProcessPoolExecutor.map``, and
   workers that read each document from its file, given its path.  The pool
   is started and warmed up (each worker loads the release and builds its
   matcher) before timing, as in a long-running job; its start-up is
   reported on its own.  Each contender's CPU time is counted too, per
   worker and per thread of the parent (Linux), so that a run on a shared
   machine still shows where the time goes.

Beside them, the machine's own ceiling, in the same rounds: a pure-Python
loop with a tiny working set (`busy_loop`), sized to take what annotate()
takes per document, run serially and with ``Pool(2).map`` at the same chunk
size.  Two virtual CPUs may share one physical core and its caches: this
shows how far any CPU-bound job can go on the machine at hand, so that a
shortfall of annotate() can be told from one of the machine.

The last lines print the two figures issue 11 asks for, and the machine's ceiling.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import functools
import multiprocessing
import os
import pickle
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import kzrights


def plain_list_annotate(text: str) -> list[kzrights.Mention]:
    """annotate() as it was: the same mentions, in a plain list that pickles mention by mention."""
    return list(kzrights.annotate(text))


def busy_loop(steps: int) -> int:
    """A CPU-bound task with a working set of a few objects: the machine's ceiling for a pool."""
    total = 0
    for step in range(steps):
        total += step * step % 7
    return total


def steps_like(seconds: float) -> int:
    """How many `busy_loop` steps take about ``seconds`` of CPU here (measured, best of 5)."""
    steps = 10_000
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        busy_loop(steps)
        best = min(best, time.process_time() - start)
    return max(1, round(steps * seconds / best))


def annotate_file(path: str) -> kzrights.records.MentionList:
    """annotate() of a document a worker reads itself, given its path (UTF-8)."""
    return kzrights.annotate(Path(path).read_text(encoding="utf-8"))


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


def pickling(documents: list[str], rounds: int) -> tuple[float, float, float, float]:
    """Print the cost of pickling annotate()'s results against plain tuples of the same fields.

    Returns the CPU time (dumps and loads, seconds) of the per-document
    MentionLists and of the same fields as plain tuples, then of one
    MentionList of every mention and of one list of plain tuples.
    """
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
    dumps = interleaved(
        {name: functools.partial(pickle.dumps, value) for name, value in shapes.items()}, rounds
    )
    loads = interleaved({name: functools.partial(pickle.loads, blob) for name, blob in blobs.items()}, rounds)
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
    first, _, tuples, one, _, one_tuples = list(shapes)
    return (
        dumps[first] + loads[first],
        dumps[tuples] + loads[tuples],
        dumps[one] + loads[one],
        dumps[one_tuples] + loads[one_tuples],
    )


def _cpu_seconds(pids: list[int]) -> list[float]:
    """CPU time each (single-threaded) worker has used so far, in ns from /proc (Linux); empty elsewhere."""
    try:
        return [int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9 for pid in pids]
    except (OSError, ValueError, IndexError):
        return []


def _thread_seconds() -> dict[str, float]:
    """CPU time each thread of this process has used so far, by thread name (Linux); empty elsewhere."""
    names = {thread.native_id: thread.name for thread in threading.enumerate()}
    try:
        return {
            # "Thread-3 (_handle_results)" -> "_handle_results"
            names.get(int(tid), tid).rpartition("(")[2].rstrip(")"): int(
                Path(f"/proc/self/task/{tid}/schedstat").read_text().split()[0]
            )
            / 1e9
            for tid in os.listdir("/proc/self/task")
        }
    except (OSError, ValueError, IndexError):
        return {}


def pool(
    documents: list[str], rounds: int, start_method: str, chunk_sizes: list[int], target_chunk: int
) -> tuple[float, float, float, float]:
    """Print the time of a warm Pool(2) over annotate(), per chunk size and way, against a serial loop.

    Besides the wall-clock time, each contender's CPU time is counted: each
    worker's, and each thread's of the parent (the main thread, and the
    pool's three: the one that feeds tasks, the one that reads results, and
    the one that watches the workers).  On a machine shared with other
    work, ``max(busiest worker, all CPU / 2)`` estimates the wall-clock time
    the pool would take with two idle cores.

    Returns the speed-up of ``Pool(2).map`` with ``chunksize=target_chunk``
    over the serial loop three ways (best time against best time, the median
    of the rounds' paired speed-ups, and the idle-core estimate), and the
    wall-clock speed-up of the same pool over `busy_loop` (the machine's
    ceiling).
    """
    context = multiprocessing.get_context(start_method)
    ceiling_serial = "serial loop of busy_loop (the machine's ceiling)"
    ceiling_pool = f"Pool(2).map of busy_loop, chunksize={target_chunk} (the machine's ceiling)"
    kzrights.annotate("warm up")  # the serial loop gets a warm matcher too
    start = time.process_time()
    serial = [kzrights.annotate(text) for text in documents]
    tasks = [steps_like((time.process_time() - start) / len(documents))] * len(documents)
    folder = tempfile.TemporaryDirectory(prefix="bench_pool_")
    paths = []
    for number, text in enumerate(documents):
        path = Path(folder.name, f"{number:05}.txt")
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    start = time.perf_counter()
    with (
        context.Pool(2, initializer=kzrights.annotate, initargs=("warm up",)) as workers,
        concurrent.futures.ProcessPoolExecutor(
            2, mp_context=context, initializer=kzrights.annotate, initargs=("warm up",)
        ) as executor,
        folder,
    ):
        workers.map(abs, range(4), chunksize=1)  # both workers are up and warm
        list(executor.map(abs, range(4)))
        started = time.perf_counter() - start
        pool_pids = [process.pid for process in workers._pool]  # type: ignore[attr-defined]
        executor_pids = list(executor._processes)
        contenders: dict[str, tuple[list[int], Callable[[], object]]] = {
            "serial loop": ([], lambda: [kzrights.annotate(text) for text in documents])
        }
        for size in chunk_sizes:
            contenders[f"Pool(2).map, chunksize={size}"] = (
                pool_pids,
                functools.partial(workers.map, kzrights.annotate, documents, chunksize=size),
            )
        contenders[f"Pool(2).map, chunksize={target_chunk}, plain lists of Mention"] = (
            pool_pids,
            lambda: workers.map(plain_list_annotate, documents, chunksize=target_chunk),
        )
        contenders[f"Pool(2).imap, chunksize={target_chunk}"] = (
            pool_pids,
            lambda: list(workers.imap(kzrights.annotate, documents, chunksize=target_chunk)),
        )
        contenders[f"Pool(2).map over file paths, chunksize={target_chunk}"] = (
            pool_pids,
            lambda: workers.map(annotate_file, paths, chunksize=target_chunk),
        )
        contenders[f"ProcessPoolExecutor(2).map, chunksize={target_chunk}"] = (
            executor_pids,
            lambda: list(executor.map(kzrights.annotate, documents, chunksize=target_chunk)),
        )
        contenders[ceiling_serial] = ([], lambda: [busy_loop(steps) for steps in tasks])
        contenders[ceiling_pool] = (pool_pids, lambda: workers.map(busy_loop, tasks, chunksize=target_chunk))
        assert workers.map(kzrights.annotate, documents, chunksize=target_chunk) == serial
        assert list(executor.map(kzrights.annotate, documents, chunksize=target_chunk)) == serial
        best = dict.fromkeys(contenders, float("inf"))
        walls: dict[str, list[float]] = {name: [] for name in contenders}
        cpu = {name: [0.0, 0.0] for name in contenders}
        threads: dict[str, dict[str, float]] = {name: {} for name in contenders}
        for _ in range(rounds):
            for name, (pids, function) in contenders.items():
                before, threads_before = _cpu_seconds(pids), _thread_seconds()
                start = time.perf_counter()
                function()
                walls[name].append(time.perf_counter() - start)
                best[name] = min(best[name], walls[name][-1])
                after, threads_after = _cpu_seconds(pids), _thread_seconds()
                used = [b - a for a, b in zip(before, after, strict=True)] or [0.0, 0.0]
                cpu[name] = [t + u for t, u in zip(cpu[name], used, strict=True)]
                for thread, seconds in threads_after.items():
                    spent = seconds - threads_before.get(thread, 0.0)
                    threads[name][thread] = threads[name].get(thread, 0.0) + spent
    characters = sum(map(len, documents))
    print(
        f"annotate() over {len(documents):,} documents ({characters:,} characters), "
        f"'{start_method}' start method, best of {rounds} (CPU: mean per run); "
        f"starting and warming the pool took {started:.2f} s. The rounds' speed-ups pair each run "
        "with its own round's serial loop (run just before it), which a passing load on a shared "
        "machine disturbs less than it does a best time:\n"
    )
    print(
        "| how | time | speed-up | rounds' speed-ups: median (quartiles) "
        "| CPU: parent + workers | speed-up with 2 idle cores (estimate) | parent's CPU by thread |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    paired = {}
    estimates = {}
    for name, seconds in best.items():
        # each ceiling row is measured against its own serial loop
        baseline = ceiling_serial if name in (ceiling_serial, ceiling_pool) else "serial loop"
        baseline_cpu = sum(threads[baseline].values()) / rounds
        by_thread = {thread: t / rounds for thread, t in threads[name].items() if t / rounds >= 0.0005}
        busiest = sorted(by_thread.items(), key=lambda item: -item[1])
        parent, each = sum(threads[name].values()) / rounds, [w / rounds for w in cpu[name]]
        # a serial loop runs in the parent alone: one core, whatever the machine
        idle = parent if name == baseline else max(*each, (parent + sum(each)) / 2)
        estimates[name] = baseline_cpu / idle
        ratios = [b / w for b, w in zip(walls[baseline], walls[name], strict=True)]
        paired[name] = statistics.median(ratios)
        low, _, high = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else (ratios * 3)
        print(
            f"| {name} | {seconds * 1e3:.1f} ms | {best[baseline] / seconds:.2f}x "
            f"| {paired[name]:.2f}x ({low:.2f}-{high:.2f}) "
            f"| {parent * 1e3:.0f} + {' + '.join(f'{w * 1e3:.0f}' for w in each)} ms "
            f"| {baseline_cpu / idle:.2f}x "
            f"| {', '.join(f'{thread} {t * 1e3:.1f}' for thread, t in busiest)} |"
        )
    print()
    target = f"Pool(2).map, chunksize={target_chunk}"
    return (
        best["serial loop"] / best[target],
        paired[target],
        estimates[target],
        best[ceiling_serial] / best[ceiling_pool],
    )


def main() -> None:
    """Generate the corpus, run both measurements and print Markdown tables and issue 11's figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=1000, help="how many documents (default 1000)")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds; the best is kept")
    parser.add_argument("--seed", type=int, default=2021, help="seed of the generated corpus")
    parser.add_argument("--start-method", default="spawn", choices=multiprocessing.get_all_start_methods())
    parser.add_argument(
        "--chunk-sizes", default="1,8,32,125,250,500", help="comma-separated chunk sizes to try"
    )
    args = parser.parse_args()
    load_before = os.getloadavg()
    documents = corpus(args.documents, args.seed)
    words = sum(len(d.split()) for d in documents)
    print(
        f"Python {sys.version.split()[0]}, kzrights data release {kzrights.load().version}, "
        f"{os.cpu_count()} CPUs; {len(documents):,} documents, {words / len(documents):.0f} words each "
        f"on average; load average {load_before[0]:.2f} at the start.\n"
    )
    mention_lists, tuples, one_list, one_tuples = pickling(documents, args.rounds)
    # the docs advise two chunks per worker
    target_chunk = max(1, len(documents) // (2 * 2))
    sizes = sorted({int(s) for s in args.chunk_sizes.split(",")} | {target_chunk})
    wall, median, estimate, ceiling = pool(documents, args.rounds, args.start_method, sizes, target_chunk)
    print("Issue 11's figures:\n")
    print(
        f"- pickling annotate()'s results, one MentionList per document, against the same fields as "
        f"plain tuples: {mention_lists * 1e3:.1f} ms vs {tuples * 1e3:.1f} ms, "
        f"{mention_lists / tuples:.2f}x; one MentionList of every mention (the issue's shape) against one "
        f"list of plain tuples: {one_list * 1e3:.1f} ms vs {one_tuples * 1e3:.1f} ms, "
        f"{one_list / one_tuples:.2f}x (target: at most 1.5x)"
    )
    print(
        f"- Pool(2).map(kzrights.annotate, documents, chunksize={target_chunk}) against a serial loop: "
        f"{wall:.2f}x by the wall clock (best times), {median:.2f}x the median of the rounds' paired "
        f"speed-ups, {estimate:.2f}x estimated for two idle cores from CPU times "
        "(target: at least 1.7x on an idle 2-core machine)"
    )
    print(
        f"- the machine's ceiling, the same pool over busy_loop, a CPU-bound task of the same size: "
        f"{ceiling:.2f}x by the wall clock"
    )
    print(f"- load average {load_before[0]:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
