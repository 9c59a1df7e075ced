"""Hostile inputs at the length limit, in CPU time, against another source tree, interleaved in one run.

Usage (from the repository root, with kzrights installed)::

    git archive <commit> src | tar -x -C /tmp/before
    python benchmarks/bench_hostile_cpu.py --before /tmp/before/src [--rounds 5]

``bench_pathological.py`` gives every look-up's table in wall-clock time,
which a shared machine inflates several times over.  This script times the
inputs that issues 11 and 16 name (titlecase digraphs, floods of combining
marks, of one-letter words, of direction marks, and the longest quotations)
in CPU time, in fresh processes that alternate between this tree and the
``--before`` tree (whose ``kzrights`` package comes first on ``PYTHONPATH``),
so that drifting load hits both alike.  Each process times every input
``--repeat`` times after a warm-up (the indexes are built before the clock
starts) and keeps the best; the table gives the best over the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

_CODE = r"""
import json, random, sys, time
import kzrights
report = kzrights.load()
report.search("warm up"); report.check_quote("warm up"); report.locate("warm up")
n = 10_000
q = 4_000  # check_quote's limit (MAX_CHECK_LENGTH): longer quotations are refused at once
words = " ".join(r.text for r in report.records()).split()
text = " ".join(words)
cases = [
    ("search", "titlecase digraph `ǅ` repeated", "ǅ" * n),
    ("search", "`ǅ ` repeated (one-letter words)", ("ǅ " * n)[: n - 1]),
    ("search", "one-letter words, a to z", " ".join(chr(97 + i % 26) for i in range(n // 2))[:n]),
    ("search", "`e` and a combining acute, repeated", "e\u0301" * (n // 2)),
    ("search", "Arabic letters with right-to-left marks", ("ب\u200f " * n)[:n]),
    ("search", "ligature `ﬃ` repeated", "ﬃ" * n),
    ("search", "the report's words", text[:n]),
    ("check_quote", "the report's text", text[:q]),
    ("check_quote", "the same, one word in ten dropped",
     " ".join(w for i, w in enumerate(words) if i % 10)[:q]),
    ("check_quote", '"the the the ..."', ("the " * n)[:q]),
    ("check_quote", "the report's words shuffled", " ".join(random.Random(16).sample(words, len(words)))[:q]),
    ("check_quote", "report words with an ellipsis between each",
     " … ".join(random.Random(16).choice(words) for _ in range(3000))[:q]),
    # every piece follows on from the one before: each ellipsis leaves nothing out (session 17)
    ("check_quote", "the report's words in order, an ellipsis between each", " … ".join(words)[:q]),
    ("check_quote", "`e` and combining acutes to the end", "e" + "\u0301" * (q - 1)),
    ("check_quote", "one-letter words, a to z", " ".join(chr(97 + i % 26) for i in range(q // 2))[:q]),
]
best = []
for tool, label, value in cases:
    call = getattr(report, tool)
    times = []
    for _ in range(int(sys.argv[1])):
        start = time.process_time()
        try:
            call(value)
        except kzrights.KzrightsError:  # refused (a quotation of one letter): the refusal is timed
            pass
        times.append(time.process_time() - start)
    best.append([tool, label, min(times)])
print(json.dumps(best))
"""

_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def _run(repeat: int, before: str | None) -> list[list[object]]:
    env = {**_ENV, "PYTHONPATH": before} if before else _ENV
    out = subprocess.run(
        [sys.executable, "-c", _CODE, str(repeat)], check=True, capture_output=True, text=True, env=env
    ).stdout
    result: list[list[object]] = json.loads(out)
    return result


def main() -> None:
    """Alternate the two trees' processes and print a Markdown table of the best CPU times."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", required=True, metavar="SRC", help="the source tree to compare with")
    parser.add_argument("--rounds", type=int, default=5, help="pairs of processes (default: 5)")
    parser.add_argument("--repeat", type=int, default=5, help="timings per input in each process")
    args = parser.parse_args()
    after: dict[str, float] = {}
    before: dict[str, float] = {}
    for round_number in range(args.rounds):
        order = [(after, None), (before, args.before)]
        for times, tree in order if round_number % 2 == 0 else order[::-1]:
            for tool, label, took in _run(args.repeat, tree):
                key = f"`{tool}` | {label}"
                times[key] = min(times.get(key, float("inf")), float(str(took)))
    load = os.getloadavg()
    print(
        f"Python {sys.version.split()[0]}; {args.rounds} pairs of processes; best CPU time;"
        f" load average {load[0]:.1f} at the end.\n"
    )
    print("| look-up | input (10,000 characters; 4,000 to check_quote) | before | after | after / before |")
    print("| --- | --- | --- | --- | --- |")
    for key, took in after.items():
        print(f"| {key} | {before[key] * 1e3:.2f} ms | {took * 1e3:.2f} ms | {took / before[key]:.2f}x |")


if __name__ == "__main__":
    main()
