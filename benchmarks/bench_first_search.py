"""The first search in a fresh process, side by side with SQLite FTS5 building its index, in one run.

Usage (from the repository root, in an environment where kzrights is installed)::

    python benchmarks/bench_first_search.py [--runs 40] [--query protesters] [--before SRC]

What a user of ``kzrights search`` (or of a notebook's first ``report.search``)
waits for is the first search in a new process: kzrights builds its BM25 index
of the report then.  Its peer is SQLite FTS5 doing the same from nothing:
creating an in-memory FTS5 table (porter tokenizer over unicode61, diacritics
removed), inserting the same documents (the text records of the newest
release and its entities, as `bench_search.py` indexes them), and answering
one query ranked by ``bm25()`` with ``snippet()``s, ``import sqlite3``
included.

Each run is a pair of fresh interpreter processes, one per engine, run one
after the other (which goes first alternates), so that drifting load on a
shared machine hits both alike.  Each process times its engine's part alone
(after ``import kzrights`` and ``load()``, which both need to have the
records), in wall-clock time (``time.perf_counter``) and in CPU time
(``time.process_time``, less sensitive to other jobs on the machine); the
whole process is timed too, from outside, in wall-clock time and in CPU time
(``resource.getrusage(RUSAGE_CHILDREN)``).  ``--before SRC`` adds a third
process to each round: kzrights from another source tree (``SRC`` holds its
``kzrights`` package, e.g. ``git archive <commit> src | tar -x -C /tmp/old``
then ``--before /tmp/old/src``), so that a change is measured against what it
replaced in the same run.  A last table says where
kzrights' first search goes, step by step (the release's derived search data,
``derived/<version>/search.json``, is what the build computed for it; without
it the index would normalise the release's words itself).  Every process runs with bytecode
caching on, after a warm-up run, as an installed package runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

_COMMON = """
import json, sys, time
import kzrights
report = kzrights.load()
query = sys.argv[1]
"""

_KZRIGHTS = (
    _COMMON
    + """
wall, cpu = time.perf_counter(), time.process_time()
hits = report.search(query)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps([wall, cpu, [hit.record.id for hit in hits]]))
"""
)

_FTS5 = (
    _COMMON
    + """
from kzrights.search.index import _doc_text
documents = [(d.id, _doc_text(d)) for d in (*report.records(), *report.entities)]
wall, cpu = time.perf_counter(), time.process_time()
import sqlite3
db = sqlite3.connect(":memory:")
db.execute(
    "create virtual table docs using fts5("
    "id unindexed, body, tokenize='porter unicode61 remove_diacritics 2')"
)
db.executemany("insert into docs(id, body) values (?, ?)", documents)
words = " OR ".join('"' + w + '"' for w in query.lower().split())
rows = db.execute(
    "select id, snippet(docs, 1, '[', ']', '…', 24) from docs"
    " where docs match ? order by bm25(docs) limit 10",
    (words,),
).fetchall()
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps([wall, cpu, [row[0] for row in rows]]))
"""
)

# where kzrights' first search goes: each step timed alone, in CPU time, in a fresh process
_STEPS = (
    _COMMON
    + """
marks = {}
def step(label, run):
    cpu = time.process_time()
    run()
    marks[label] = time.process_time() - cpu
step("import kzrights.search (index, text rules, name keys)", lambda: __import__("kzrights.search"))
from kzrights.search import _derived  # imported by the first step
from kzrights.search.index import SearchIndex
step("read and check the release's derived search data (terms, name keys)", lambda: _derived.read(report))
built = []
step("the index (documents, entity postings, themes)", lambda: built.append(SearchIndex(report)))
step("the query, its snippets included", lambda: built[0].search(query))
print(json.dumps(marks))
"""
)

# run as an installed package runs: with its bytecode cached
_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def _run(
    code: str, query: str, env: dict[str, str] | None = None
) -> tuple[float, float, float, float, list[str]]:
    """One fresh process: (its part's wall, its part's CPU, whole wall, whole CPU, ids found)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code, query], check=True, capture_output=True, text=True, env=env or _ENV
    ).stdout
    whole = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    whole_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    wall, cpu, ids = json.loads(out)
    return wall, cpu, whole, whole_cpu, ids


def _row(label: str, ours: list[float], theirs: list[float], target: str) -> str:
    """Both medians, and the median of the ratios of the pairs."""
    ratio = statistics.median(a / b for a, b in zip(ours, theirs, strict=True))
    return (
        f"| {label} | {statistics.median(ours) * 1e3:.1f} ms | {statistics.median(theirs) * 1e3:.1f} ms"
        f" | {ratio:.2f}x | {target} |"
    )


def main() -> None:
    """Run the pairs and print a Markdown table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=40, help="pairs of processes (default: 40)")
    parser.add_argument("--query", default="protesters", help="the one query (default: protesters)")
    parser.add_argument("--before", metavar="SRC", help="a source tree of kzrights to compare with")
    args = parser.parse_args()

    old_env = {**_ENV, "PYTHONPATH": args.before} if args.before else None
    _run(_KZRIGHTS, args.query)  # warm-up: writes any missing .pyc
    _run(_FTS5, args.query)
    if old_env:
        _run(_KZRIGHTS, args.query, old_env)
    ours: list[tuple[float, float, float, float, list[str]]] = []
    theirs: list[tuple[float, float, float, float, list[str]]] = []
    olds: list[tuple[float, float, float, float, list[str]]] = []
    contenders = [(ours, _KZRIGHTS, None), (theirs, _FTS5, None)]
    if old_env:
        contenders.append((olds, _KZRIGHTS, old_env))
    for run in range(args.runs):
        shift = run % len(contenders)  # which goes first rotates from round to round
        for results, code, env in contenders[shift:] + contenders[:shift]:
            results.append(_run(code, args.query, env))

    load = os.getloadavg()
    print(
        f"Python {sys.version.split()[0]}; {args.runs} pairs of fresh processes, interleaved;"
        f" query {args.query!r}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}.\n"
        "Medians; each ratio is the median of the pairs' ratios.\n"
    )
    print("| measurement | kzrights | SQLite FTS5 | ratio | target |")
    print("| --- | --- | --- | --- | --- |")
    labels = (
        ("first search / index built and one query, wall-clock", "at most 2x"),
        ("first search / index built and one query, CPU time", "at most 2x"),
        ("whole process (import, load, search), wall-clock", ""),
        ("whole process (import, load, search), CPU time", ""),
    )
    for i, (label, target) in enumerate(labels):
        print(_row(label, [run[i] for run in ours], [run[i] for run in theirs], target))
    if olds:
        print(f"\nThe same rounds, kzrights from {args.before} (before):\n")
        print("| measurement | kzrights before | SQLite FTS5 | ratio | after / before |")
        print("| --- | --- | --- | --- | --- |")
        for i, (label, _) in enumerate(labels):
            after_before = statistics.median(a[i] / b[i] for a, b in zip(ours, olds, strict=True))
            print(_row(label, [run[i] for run in olds], [run[i] for run in theirs], f"{after_before:.2f}x"))
    print(f"\nTop hits: kzrights {ours[0][4][:3]}, FTS5 {theirs[0][4][:3]}.")
    steps: dict[str, list[float]] = {}
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", _STEPS, args.query], check=True, capture_output=True, text=True, env=_ENV
        ).stdout
        for label, value in json.loads(out).items():
            steps.setdefault(label, []).append(value)
    print("\nWhere kzrights' first search goes (CPU time, each step alone, medians):\n")
    print("| step | CPU time |")
    print("| --- | --- |")
    for label, values in steps.items():
        print(f"| {label} | {statistics.median(values) * 1e3:.1f} ms |")


if __name__ == "__main__":
    main()
