"""Two versions of the entity matcher side by side: the cost of making one, and its speed on mixed news.

Usage (from the repository root, with the benchmark extra installed)::

    git show ebd1b93:src/kzrights/_matcher.py > /tmp/old_matcher.py
    python benchmarks/bench_matcher_versions.py /tmp/old_matcher.py [--megabytes 10] [--rounds 5]

The file given is another version of ``src/kzrights/_matcher.py`` (from git,
as above), loaded as a module beside the installed one.  Both make a matcher
from the newest release's registry (what `Linker.from_release` and every
`Linker.with_aliases` pay), then scan the same documents:
`bench_linking_throughput`'s generated English and Russian news (never the
report repeated), about 1 MB at a time.  Each round times the two one after
the other, in alternating order, so that a change in the machine's load hits
both; medians are reported with CPU time and the load average.  Before
timing, every document is checked to give the same mentions from both.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import bench_linking_throughput as corpus
import kzrights
from _before import module_from_file
from kzrights import _matcher


def _timed(call: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("other", type=Path, help="another version of src/kzrights/_matcher.py")
    parser.add_argument("--megabytes", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    versions = {"other": module_from_file("kzrights._matcher_other", args.other), "this": _matcher}
    entities = kzrights.load().entities
    texts = list(corpus.chunks(corpus.documents(args.megabytes)))
    matchers = {name: module.entity_matcher(entities) for name, module in versions.items()}
    for text in texts:
        if matchers["other"].find(text) != matchers["this"].find(text):
            raise SystemExit("the two versions find different mentions: compare them before timing them")
    making: dict[str, list[tuple[float, float]]] = {name: [] for name in versions}
    scanning: dict[str, list[tuple[float, float]]] = {name: [] for name in versions}
    for round_ in range(args.rounds):
        order = list(versions) if round_ % 2 == 0 else list(reversed(versions))
        for name in order:
            re.purge()  # as a new alias would: the regexes are new, none in re's cache
            making[name].append(_timed(lambda m=versions[name]: m.entity_matcher(entities)))
            find = matchers[name].find
            scanning[name].append(_timed(lambda f=find: [f(text) for text in texts]))
    print(
        f"Python {platform.python_version()}; load average {os.getloadavg()[0]:.2f}; "
        f"{len(entities)} entities; {sum(map(len, texts)) / 1e6:.1f} M characters; {args.rounds} rounds"
    )
    for name in versions:
        make_wall = statistics.median(w for w, _ in making[name])
        make_cpu = statistics.median(c for _, c in making[name])
        scan_wall = statistics.median(w for w, _ in scanning[name])
        scan_cpu = statistics.median(c for _, c in scanning[name])
        print(
            f"{name:>5}: making a matcher {make_wall * 1000:7.1f} ms (CPU {make_cpu * 1000:7.1f} ms); "
            f"scanning {scan_wall:6.3f} s (CPU {scan_cpu:6.3f} s)"
        )


if __name__ == "__main__":
    main()
