"""Import and load costs of kzrights, side by side with their baselines, in one run.

Usage (from the repository root, in an environment where kzrights is installed)::

    python benchmarks/bench_load.py [--runs 40]

It measures, each in fresh interpreter processes (the median of ``--runs``):

1. ``import kzrights`` against ``import attrs`` (target: at most 1.3x), with
   a breakdown of what ``import kzrights`` adds to ``import attrs``;
2. the first ``kzrights.load()`` in a process that has already imported
   kzrights and cattrs, against ``json.loads`` of the release's JSON files
   (target: at most 5x), with a breakdown of where its time goes;
3. a cached ``kzrights.load()`` (target: under 5 µs);
4. ``python -c "import kzrights; kzrights.load()"`` against
   ``python -c "import attrs, cattrs"``, whole processes (target: at most 1.3x).

Every process runs with bytecode caching on (``PYTHONDONTWRITEBYTECODE``
unset), after a warm-up run: that is how a package installed by pip runs,
since pip compiles the ``.pyc`` files of kzrights, attrs and cattrs alike.

The machine this runs on may be shared and noisy: compare the figures of one
run with each other, not with another run's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

_IN_PROCESS_IMPORT = """
import time
t = time.perf_counter()
import {module}
print(time.perf_counter() - t)
"""

_FIRST_LOAD = """
import json, time
import kzrights, cattrs
from kzrights.releases import _package_data
t = time.perf_counter()
kzrights.load()
load = time.perf_counter() - t
data = _package_data()
blobs = [data.joinpath("releases.json").read_bytes()]
for name in ("manifest.json", "report.json"):
    blobs.append(data.joinpath("releases", kzrights.load().version, name).read_bytes())
t = time.perf_counter()
for blob in blobs:
    json.loads(blob)
parse = time.perf_counter() - t
print(json.dumps([load, parse]))
"""

_IMPORT_BREAKDOWN = """
import json as _json, sys, time
import attrs
marks = {}
def step(label, module):
    t = time.perf_counter()
    __import__(module)
    marks[label] = time.perf_counter() - t
step("import datetime (for Metadata.published)", "datetime")
step("import kzrights.errors", "kzrights.errors")
step("import kzrights.records (attrs creates 15 record classes)", "kzrights.records")
step("import kzrights.report (the Report class)", "kzrights.report")
step("import kzrights.releases (the builtin sha256)", "kzrights.releases")
step("the rest of import kzrights", "kzrights")
print(_json.dumps(marks))
"""

_LOAD_BREAKDOWN = """
import json, time
import kzrights, cattrs
from kzrights import releases
marks = {}
t = time.perf_counter()
import kzrights._converter
marks["import kzrights._converter (the converter, its hooks registered)"] = time.perf_counter() - t
store = releases.ReleaseStore(releases._package_data())
t = time.perf_counter()
entry = store._index()[store.resolve(None)]
marks["read the release index"] = time.perf_counter() - t
t = time.perf_counter()
contents = store._checked_files(entry)
marks["read and hash the release files"] = time.perf_counter() - t
t = time.perf_counter()
data = json.loads(contents["report.json"][0])
marks["json.loads(report.json)"] = time.perf_counter() - t
t = time.perf_counter()
document = kzrights._converter.structure_document(data, version=None, file="report.json")
marks["structure, first time (cattrs builds its hooks)"] = time.perf_counter() - t
t = time.perf_counter()
kzrights._converter.structure_document(data, version=None, file="report.json")
marks["structure, hooks built"] = time.perf_counter() - t
source = contents["source.txt"][0].decode("utf-8")
t = time.perf_counter()
kzrights._converter.to_report(document, version=entry.version, source_text=source)
marks["the Report"] = time.perf_counter() - t
print(json.dumps(marks))
"""

_CACHED = """
import timeit, kzrights
kzrights.load()
n = 200_000
print(min(timeit.repeat("load()", globals={"load": kzrights.load}, number=n, repeat=5)) / n)
"""


# run as an installed package runs: with its bytecode cached
_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def _run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=_ENV
    ).stdout


def _median_import(module: str, runs: int) -> float:
    return statistics.median(float(_run(_IN_PROCESS_IMPORT.format(module=module))) for _ in range(runs))


def _median_process(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=_ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _breakdown(code: str, runs: int) -> dict[str, float]:
    marks: dict[str, list[float]] = {}
    for _ in range(runs):
        for key, value in json.loads(_run(code)).items():
            marks.setdefault(key, []).append(value)
    return {key: statistics.median(values) for key, values in marks.items()}


def main() -> None:
    """Run every measurement and print a Markdown report."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=40, help="processes per measurement (default: 40)")
    runs = parser.parse_args().runs
    ms = 1e3

    _run("import kzrights, cattrs, kzrights._converter")  # warm-up: writes any missing .pyc
    # interleave the pairs so that drifting machine load hits both alike
    attrs_import = _median_import("attrs", runs)
    kz_import = _median_import("kzrights", runs)
    pairs = [json.loads(_run(_FIRST_LOAD)) for _ in range(runs)]
    load = statistics.median(p[0] for p in pairs)
    parse = statistics.median(p[1] for p in pairs)
    import_breakdown = _breakdown(_IMPORT_BREAKDOWN, runs)
    load_breakdown = _breakdown(_LOAD_BREAKDOWN, runs)
    cached = float(_run(_CACHED))
    base_process = _median_process("import attrs, cattrs", runs)
    kz_process = _median_process("import kzrights; kzrights.load()", runs)

    print(f"Python {sys.version.split()[0]}, median of {runs} fresh processes per figure.\n")
    print("| measurement | kzrights | baseline | ratio | target |")
    print("| --- | --- | --- | --- | --- |")
    print(
        f"| `import kzrights` vs `import attrs` | {kz_import * ms:.1f} ms | {attrs_import * ms:.1f} ms "
        f"| {kz_import / attrs_import:.2f}x | at most 1.3x |"
    )
    print(
        f"| first `load()` vs `json.loads` of the release JSON | {load * ms:.2f} ms | {parse * ms:.2f} ms "
        f"| {load / parse:.1f}x | at most 5x |"
    )
    print(f"| cached `load()` | {cached * 1e6:.2f} µs | | | under 5 µs |")
    print(
        f'| `python -c "import kzrights; kzrights.load()"` vs `python -c "import attrs, cattrs"` '
        f"| {kz_process * ms:.1f} ms | {base_process * ms:.1f} ms "
        f"| {kz_process / base_process:.2f}x | at most 1.3x |"
    )
    for title, breakdown in (
        ("What `import kzrights` adds to `import attrs`", import_breakdown),
        ("Where the first `load()` goes", load_breakdown),
    ):
        print(f"\n{title} (each step timed on its own, in the same kind of process):\n")
        print("| step | time |")
        print("| --- | --- |")
        for key, value in breakdown.items():
            print(f"| {key} | {value * ms:.2f} ms |")


if __name__ == "__main__":
    main()
