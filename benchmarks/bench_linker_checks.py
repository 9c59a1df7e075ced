"""What checking a user's records costs a `Linker`: its construction with and without the checks, in one run.

Usage (from the repository root, in an environment where kzrights is installed)::

    python benchmarks/bench_linker_checks.py [--runs 30] [--version 1.3.1]

``Linker(entities, rules)`` checks every field of every entity, of each of
its forms and of the rules (`kzrights.linker._checked_entity`) before it
builds the matcher.  This measures, interleaved in one process, the median
of ``--runs`` constructions from the release's whole registry:

1. ``Linker(report.entities, rules)``, the public constructor, checks and all;
2. ``Linker._of(report.entities, rules)``, the same linker built without the
   checks (what ``Linker.from_release`` does for the release's own records,
   which were integrity-checked as they loaded; before the checks, the
   constructor did only this and an ``isinstance`` test per entity);
3. the checks alone (`_entities` and `_checked_rules`) on the same records.

CPU time (``time.process_time``) is reported beside wall-clock time: the
machine may be shared, and CPU time moves less with its load.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable

import kzrights
from kzrights import Linker
from kzrights.linker import _checked_rules, _entities


def _timed(call: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--version", default=None)
    args = parser.parse_args()
    report = kzrights.load(args.version)
    entities, rules = report.entities, report.linking[0] if report.linking else None
    forms = sum(len(e.forms) for e in entities)
    calls: dict[str, Callable[[], object]] = {
        "Linker(entities, rules), checked": lambda: Linker(entities, rules),
        "Linker._of(entities, rules), unchecked": lambda: Linker._of(entities, rules),
        "the checks alone": lambda: (_entities(entities), rules and _checked_rules(rules)),
    }
    for call in calls.values():  # warm-up: imports, the regex cache
        call()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in calls}
    for _ in range(args.runs):
        for name, call in calls.items():
            times[name].append(_timed(call))
    print(
        f"release {report.version}: {len(entities)} entities, {forms} forms; "
        f"Python {platform.python_version()}; load average {os.getloadavg()[0]:.2f}; "
        f"medians of {args.runs} interleaved runs"
    )
    print(f"{'':42} {'wall':>10} {'CPU':>10}")
    for name, pairs in times.items():
        wall = statistics.median(p[0] for p in pairs) * 1000
        cpu = statistics.median(p[1] for p in pairs) * 1000
        print(f"{name:42} {wall:>8.2f}ms {cpu:>8.2f}ms")


if __name__ == "__main__":
    main()
