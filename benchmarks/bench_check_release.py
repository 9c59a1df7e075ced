"""What `check_release` costs the first load(), source tree against source tree, in one run.

Usage (from the repository root)::

    python benchmarks/bench_check_release.py --tree /tmp/before/src --tree src [--rounds 5]

A whole first ``load()`` varies by more than a millisecond from process to
process on a shared machine, more than the checks cost; this measures the
checks alone.  For each tree (put first on ``sys.path`` of a fresh process)
it structures release 1.3.1's ``report.json`` with the generated structure
functions, as ``load()`` does, and times
`kzrights._integrity.check_release` on it with the references collected
meanwhile: the best of 25 repeats of 100 calls, in CPU time (the process's
own, not the machine's).  The trees alternate, ``--rounds`` times; the
figures are the median per tree.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

_MEASURE = """
import json, sys, time, timeit
sys.path.insert(0, sys.argv[1])
import kzrights
from kzrights import _integrity
from kzrights._structure_gen import REFERENCE_KINDS, structure_release_document
data = json.loads(open(sys.argv[1] + "/kzrights/data/releases/1.3.1/report.json", "rb").read())
source = kzrights.load("1.3.1").source_text
document, collected = structure_release_document(data)
def run():
    _integrity.check_release(document, source, version="1.3.1", file="report.json",
                             collected=(REFERENCE_KINDS, collected))
print(min(timeit.Timer(run, timer=time.process_time).repeat(number=100, repeat=25)) / 100)
"""


def main() -> None:
    """Print a Markdown table: the median CPU time of one `check_release` call, per tree."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tree", action="append", required=True, help="a source tree (given once per tree)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of one process per tree (default: 5)")
    options = parser.parse_args()
    found: dict[str, list[float]] = {tree: [] for tree in options.tree}
    for _ in range(options.rounds):
        for tree in options.tree:
            out = subprocess.run(
                [sys.executable, "-c", _MEASURE, tree], capture_output=True, text=True, check=True, env={}
            )
            found[tree].append(float(out.stdout))
    print(f"Python {sys.version.split()[0]}, CPU time, median of {options.rounds} processes per tree.\n")
    print("| tree | `check_release` on release 1.3.1 |\n| --- | --- |")
    for tree, times in found.items():
        print(f"| `{tree}` | {statistics.median(times) * 1000:.3f} ms |")


if __name__ == "__main__":
    main()
