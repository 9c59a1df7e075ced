"""What the first-use guards cost a call once the first use is done, tree against tree, in one run.

Usage (from the repository root)::

    python benchmarks/bench_first_use_guard.py --tree /tmp/before/src --tree src [--rounds 5]

Each tool now starts by calling its module's ``first_use`` guard (one test of
a flag once its imports are done; see ``kzrights._locking``).  For each source
tree (such as a ``git archive`` copy of an earlier commit's ``src``, put first
on ``PYTHONPATH``) a fresh interpreter makes the first use of each tool, then
times in CPU time many calls of the cheapest calls where a guard shows most:
``annotate`` on a two-word text and ``Report.concordance``.  The trees take
turns, ``--rounds`` times, and each figure is the best of five loops in each
process; the table gives the median over the rounds.  Compare the trees of
one run with each other, not with another run's: the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

_CALLS = """
import json, time
import kzrights

report = kzrights.load()
kzrights.annotate("x")
report.concordance("x")  # the first uses: the guards' imports are done


def cpu(call, n):
    start = time.process_time()
    for _ in range(n):
        call()
    return (time.process_time() - start) / n * 1e6


def short():
    return kzrights.annotate("President Tokayev")


print(json.dumps({
    "annotate('President Tokayev')": min(cpu(short, 20000) for _ in range(5)),
    "report.concordance('protest')": min(cpu(lambda: report.concordance("protest"), 2000) for _ in range(5)),
}))
"""


def _run(tree: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": tree}
    out = subprocess.run([sys.executable, "-c", _CALLS], env=env, capture_output=True, text=True, check=True)
    figures: dict[str, float] = json.loads(out.stdout)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", required=True, help="a source tree to put on PYTHONPATH")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    results: dict[str, list[dict[str, float]]] = {tree: [] for tree in args.tree}
    for _ in range(args.rounds):
        for tree in args.tree:
            results[tree].append(_run(tree))
    print(
        f"Python {sys.version.split()[0]}, CPU time per call, median of {args.rounds} rounds "
        f"(the trees interleaved); load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end.\n"
    )
    print("| tree | call | µs per call |\n| --- | --- | --- |")
    for tree, rounds in results.items():
        for call in rounds[0]:
            print(f"| `{tree}` | `{call}` | {statistics.median(r[call] for r in rounds):.2f} |")


if __name__ == "__main__":
    main()
