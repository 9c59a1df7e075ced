"""What the release checks cost: the first load() and verify() with and without them, in one run.

Usage (from the repository root, in an environment where kzrights is installed)::

    python benchmarks/bench_integrity.py [--runs 40]

``load()`` and ``verify()`` check a release's ids, references and spans
(:mod:`kzrights._integrity`) after its hashes and shape.  This measures, in
fresh interpreter processes that alternate with their baseline (the same
code with ``check_release`` replaced by a function that does nothing), the
median of ``--runs``:

1. the first ``kzrights.load()`` of each shipped release, in a process that
   has already imported kzrights and cattrs;
2. ``kzrights.verify()`` of each release, after it was loaded (the converter
   is imported, as when a user verifies the release they work with).

Every process runs with bytecode caching on (``PYTHONDONTWRITEBYTECODE``
unset), after a warm-up run, as a package installed by pip runs.  In the
baseline, ``kzrights._integrity`` is a stand-in module whose
``check_release`` does nothing, so the baseline pays neither the checks nor
their import.  Times are wall-clock: the machine may be shared and noisy, so
compare the figures of one run with each other, not with another run's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

_MEASURE = """
import sys, time, types
import kzrights, cattrs
if sys.argv[1] == "off":
    stand_in = types.ModuleType("kzrights._integrity")
    stand_in.check_release = lambda *args, **kwargs: None
    sys.modules["kzrights._integrity"] = stand_in
version = sys.argv[2]
t = time.perf_counter()
kzrights.load(version)
load = time.perf_counter() - t
t = time.perf_counter()
kzrights.verify(version)
print(load, time.perf_counter() - t)
"""


_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def _measure(mode: str, version: str) -> tuple[float, float]:
    command = [sys.executable, "-c", _MEASURE, mode, version]
    out = subprocess.run(command, capture_output=True, text=True, check=True, env=_ENV).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    """Print a Markdown table of the first load() and verify(), with and without the checks."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=40, help="processes per measurement (default: 40)")
    runs = parser.parse_args().runs
    import kzrights

    columns = ["first `load()` with checks", "without", "ratio", "`verify()` with checks", "without", "ratio"]
    print("| release | " + " | ".join(columns) + " |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for version in kzrights.versions():
        _measure("on", version), _measure("off", version)  # warm-up: bytecode caches, disk caches
        on: list[tuple[float, float]] = []
        off: list[tuple[float, float]] = []
        for _ in range(runs):  # interleaved, so that drifting load on the machine hits both sides
            on.append(_measure("on", version))
            off.append(_measure("off", version))
        cells = []
        for column in (0, 1):
            with_checks = statistics.median(pair[column] for pair in on) * 1000
            without = statistics.median(pair[column] for pair in off) * 1000
            cells += [f"{with_checks:.2f} ms", f"{without:.2f} ms", f"{with_checks / without:.2f}x"]
        print(f"| {version} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
