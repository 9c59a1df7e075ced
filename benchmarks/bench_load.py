"""Import and load costs of kzrights, side by side with their baselines, in one run.

Usage (from the repository root, in an environment where kzrights is installed)::

    python benchmarks/bench_load.py [--runs 40] [--clock cpu]

It measures, each in fresh interpreter processes (the median of ``--runs``):

1. ``import kzrights`` against ``import attrs`` (target: at most 1.3x), with
   a breakdown of what ``import kzrights`` adds to ``import attrs``;
2. the first ``kzrights.load()`` in a process that has imported kzrights
   (what it imports included), against ``json.loads`` of the release's JSON files
   (target: at most 5x), with a breakdown of where its time goes;
3. a cached ``kzrights.load()`` (target: under 5 µs);
4. ``python -c "import kzrights; kzrights.load()"`` against
   ``python -c "import attrs, cattrs"``, whole processes (target: at most 1.25x),
   and how long each takes to exit (tearing down what it holds).

Every process runs with bytecode caching on (``PYTHONDONTWRITEBYTECODE``
unset), after a warm-up run: that is how a package installed by pip runs,
since pip compiles the ``.pyc`` files of kzrights, attrs and cattrs alike.

With ``--tree SRC`` (given more than once), it compares source trees instead
(such as ``git archive`` copies of the ``src`` folder of earlier commits,
each put first on ``PYTHONPATH``): ``import kzrights``, the whole process and the first
``load()`` of each tree, interleaved in one run, against the same baselines::

    python benchmarks/bench_load.py --runs 30 --tree /tmp/before/src --tree src

The machine this runs on may be shared and noisy: compare the figures of one
run with each other, not with another run's.
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
from collections.abc import Callable

_IN_PROCESS_IMPORT = """
import time
t = time.perf_counter()
import {module}
print(time.perf_counter() - t)
"""

# json is imported after the timed load(): importing it is part of load()'s cost
_FIRST_LOAD = """
import time
import kzrights
t = time.perf_counter()
kzrights.load()
load = time.perf_counter() - t
import json
from kzrights.releases import _package_data
data = _package_data()
blobs = [data.joinpath("releases.json").read_bytes()]
for name in ("manifest.json", "report.json"):
    blobs.append(data.joinpath("releases", kzrights.load().version, name).read_bytes())
# no collection pending when the baseline starts: the collector's debt from the
# load (its objects, allocated with the collector paused) is the load's, and
# otherwise falls into the baseline or not by a few allocations either way
import gc
gc.collect()
t = time.perf_counter()
for blob in blobs:
    json.loads(blob)
parse = time.perf_counter() - t
print(json.dumps([load, parse]))
"""

# -X importtime's own figures: the import of each module, what it imports included
_IMPORT_STEPS = {
    "kzrights._compat": "import kzrights._compat (the date class, from _datetime before Python 3.12)",
    "kzrights.errors": "import kzrights.errors",
    "kzrights.records": "import kzrights.records (19 attrs classes, 6 enums, a named tuple)",
    "kzrights.releases": "import kzrights.releases",
    "kzrights": "import kzrights, all of the above included",
}


def _import_breakdown(runs: int) -> dict[str, float]:
    marks: dict[str, list[float]] = {}
    for _ in range(runs):
        err = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import attrs; import kzrights"],
            check=True,
            capture_output=True,
            text=True,
            env=_ENV,
        ).stderr
        for line in err.splitlines():
            _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
            if name in _IMPORT_STEPS:
                marks.setdefault(_IMPORT_STEPS[name], []).append(int(cumulative) / 1e6)
    return {label: statistics.median(marks[label]) for label in _IMPORT_STEPS.values() if label in marks}


_LOAD_BREAKDOWN = """
import time
import kzrights
from kzrights import releases
marks = {}
t = time.perf_counter()
import kzrights.report
marks["import kzrights.report (the Report class)"] = time.perf_counter() - t
t = time.perf_counter()
import kzrights._structuring
marks["import kzrights._structuring (no converter, no cattrs)"] = time.perf_counter() - t
store = releases.ReleaseStore(releases._package_data())
from kzrights import _compat
t = time.perf_counter()
entry = store._index()[store.resolve(None)]
marks["read the release index (and import the C scanner, _json)"] = time.perf_counter() - t
t = time.perf_counter()
contents = store._checked_files(entry)
marks["read and hash the release files (and import the builtin sha256)"] = time.perf_counter() - t
t = time.perf_counter()
data = _compat.json_loads(contents["report.json"][0])
marks["parse report.json (json.loads' C scanner, without importing json)"] = time.perf_counter() - t
from kzrights._layout import FORMS_FILE
forms = lambda: store.derived(entry, FORMS_FILE, kzrights._structuring.FORMS_FORMAT)
t = time.perf_counter()
import kzrights._structure_gen
marks["import kzrights._structure_gen (the generated structure functions)"] = time.perf_counter() - t
references = []
t = time.perf_counter()
document = kzrights._structuring.structure_document(
    data, version=None, file="report.json", derived_forms=forms, references=references
)
marks["structure, first time (references collected; the derived forms read)"] = time.perf_counter() - t
t = time.perf_counter()
kzrights._structuring.structure_document(data, version=None, file="report.json", derived_forms=forms)
marks["structure, again"] = time.perf_counter() - t
source = contents["source.txt"][0].decode("utf-8")
t = time.perf_counter()
from kzrights._integrity import check_release
marks["import kzrights._integrity"] = time.perf_counter() - t
t = time.perf_counter()
check_release(document, source, version=entry.version, file="report.json", collected=references[0])
marks["check ids, references and spans (kzrights._integrity, with the references collected)"] = (
    time.perf_counter() - t
)
t = time.perf_counter()
kzrights.report.to_report(document, version=entry.version, source_text=source)
marks["the Report"] = time.perf_counter() - t
import json
print(json.dumps(marks))
"""

# The structure step again, with the collector paused as load() pauses it: the
# breakdown above runs its steps with the collector on, and most of what its first
# structuring costs over the second is a collection of everything imported so far
# (which load() does not run then; the process pays it later, at the latest when it exits)
_STRUCTURE_PAUSED = """
import gc, time
import kzrights
from kzrights import releases, _compat
import kzrights.report, kzrights._structuring, kzrights._structure_gen
from kzrights._layout import FORMS_FILE
store = releases.ReleaseStore(releases._package_data())
entry = store._index()[store.resolve(None)]
data = _compat.json_loads(store._checked_files(entry)["report.json"][0])
forms = lambda: store.derived(entry, FORMS_FILE, kzrights._structuring.FORMS_FORMAT)
marks = {}
gc.disable()
kept = []
for label in ("first time", "again"):
    t = time.perf_counter()
    kept.append(kzrights._structuring.structure_document(
        data, version=None, file="report.json", derived_forms=forms, references=[]
    ))
    marks[f"structure, {label}, the collector paused as load() pauses it"] = time.perf_counter() - t
import json
print(json.dumps(marks))
"""

_LOAD_IMPORTS = """
import time
import kzrights
t = time.perf_counter()
import kzrights.report, kzrights._structuring, kzrights._integrity
print(time.perf_counter() - t)
"""

_CACHED = """
import timeit, kzrights
kzrights.load()
n = 200_000
print(min(timeit.repeat("load()", globals={"load": kzrights.load}, number=n, repeat=5)) / n)
"""


# run as an installed package runs: with its bytecode cached
_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


# what the processes time themselves with: wall-clock by default, CPU time with --clock cpu
# (steadier on a shared machine: other jobs' load inflates wall-clock times, not CPU times)
_CPU = False


def _run(code: str, env: dict[str, str] | None = None) -> str:
    if _CPU:
        code = code.replace("time.perf_counter()", "time.process_time()")
    return subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env or _ENV
    ).stdout


def _import_time(module: str, env: dict[str, str] | None = None) -> float:
    return float(_run(_IN_PROCESS_IMPORT.format(module=module), env))


def _exit_time(code: str) -> float:
    """How long the interpreter takes to exit once ``code`` has run."""
    out = _run(code + "\nimport time\nprint(time.time())")
    return time.time() - float(out.split()[-1])


def _process_time(code: str, env: dict[str, str] | None = None) -> float:
    """A whole process, timed from outside: wall-clock, or its CPU time with --clock cpu."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env or _ENV)
    wall = time.perf_counter() - start
    if not _CPU:
        return wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


class _Pairs:
    """Runs of a measurement, each paired with a run of its baseline."""

    def __init__(self, pairs: list[tuple[float, float]]) -> None:
        self.pairs = pairs

    @classmethod
    def interleaved(cls, runs: int, measure: Callable[[], float], baseline: Callable[[], float]) -> _Pairs:
        """Alternate the two, so that drifting machine load hits both alike."""
        pairs = []
        for _ in range(runs):
            base = baseline()
            pairs.append((measure(), base))
        return cls(pairs)

    def row(self, label: str, target: str, digits: int) -> str:
        """A Markdown table row: both medians, and the median of the pairs' ratios."""
        value = statistics.median(v for v, _ in self.pairs)
        base = statistics.median(b for _, b in self.pairs)
        ratio = statistics.median(v / b for v, b in self.pairs)
        figures = f"{value * 1e3:.{digits}f} ms | {base * 1e3:.{digits}f} ms | {ratio:.2f}x"
        return f"| {label} | {figures} | {target} |"


def _breakdown(code: str, runs: int) -> dict[str, float]:
    marks: dict[str, list[float]] = {}
    for _ in range(runs):
        for key, value in json.loads(_run(code)).items():
            marks.setdefault(key, []).append(value)
    return {key: statistics.median(values) for key, values in marks.items()}


def _with_tree(tree: str) -> dict[str, str]:
    """The environment of a process that imports kzrights from the source tree ``tree``."""
    return {**_ENV, "PYTHONPATH": os.pathsep.join(filter(None, [tree, _ENV.get("PYTHONPATH")]))}


def _compare_trees(trees: list[str], runs: int) -> None:
    """Print `import kzrights`, the whole process and the first load() of each tree, interleaved."""
    envs = [_with_tree(tree) for tree in trees]
    for env in envs:  # warm-up: writes any missing .pyc
        _run("import kzrights, cattrs, kzrights._converter; kzrights.load()", env)
    imports: list[list[tuple[float, float]]] = [[] for _ in trees]
    process: list[list[tuple[float, float]]] = [[] for _ in trees]
    first: list[list[tuple[float, float]]] = [[] for _ in trees]
    # what the first load imports, after import kzrights (the rest of the load is the data's)
    modules: list[list[float]] = [[] for _ in trees]
    for _ in range(runs):
        for index, env in enumerate(envs):
            modules[index].append(float(_run(_LOAD_IMPORTS, env)))
            base = _import_time("attrs")
            imports[index].append((_import_time("kzrights", env), base))
            base = _process_time("import attrs, cattrs")
            process[index].append((_process_time("import kzrights; kzrights.load()", env), base))
            first[index].append(tuple(json.loads(_run(_FIRST_LOAD, env))))
    load = os.getloadavg()
    clock = "cpu" if _CPU else "wall"
    print(
        f"Python {sys.version.split()[0]}, {clock} clock, median of {runs} fresh processes per figure,"
        f" the trees interleaved; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end.\n"
    )
    print("| tree | measurement | kzrights | baseline | ratio | target |")
    print("| --- | --- | --- | --- | --- | --- |")
    for tree, pairs in zip(trees, imports, strict=True):
        print(f"| `{tree}` " + _Pairs(pairs).row("`import kzrights` vs `import attrs`", "at most 1.3x", 1))
    for tree, pairs in zip(trees, process, strict=True):
        print(
            f"| `{tree}` " + _Pairs(pairs).row("whole process vs `import attrs, cattrs`", "at most 1.25x", 1)
        )
    for tree, pairs in zip(trees, first, strict=True):
        print(f"| `{tree}` " + _Pairs(pairs).row("first `load()` vs `json.loads`", "at most 5x", 2))
    print(
        "\nWhat the first `load()` imports (kzrights.report, ._structuring, ._integrity and what"
        " they import), after `import kzrights`:\n"
    )
    print("| tree | time |\n| --- | --- |")
    for tree, times in zip(trees, modules, strict=True):
        print(f"| `{tree}` | {statistics.median(times) * 1e3:.2f} ms |")


def main() -> None:
    """Run every measurement and print a Markdown report."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=40, help="processes per measurement (default: 40)")
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="time in wall-clock or in CPU time (the exit is timed in wall-clock either way)",
    )
    parser.add_argument(
        "--tree",
        action="append",
        default=[],
        help="compare this source tree (a folder holding the kzrights package) with the others given",
    )
    args = parser.parse_args()
    runs = args.runs
    global _CPU
    _CPU = args.clock == "cpu"
    if args.tree:
        _compare_trees(args.tree, runs)
        return

    _run("import kzrights, cattrs, kzrights._converter; kzrights.load()")  # warm-up: writes any missing .pyc
    imports = _Pairs.interleaved(runs, lambda: _import_time("kzrights"), lambda: _import_time("attrs"))
    first_load = _Pairs([tuple(json.loads(_run(_FIRST_LOAD))) for _ in range(runs)])
    import_breakdown = _import_breakdown(runs)
    load_breakdown = _breakdown(_LOAD_BREAKDOWN, runs)
    load_breakdown.update(_breakdown(_STRUCTURE_PAUSED, runs))
    cached = float(_run(_CACHED))
    processes = _Pairs.interleaved(
        runs,
        lambda: _process_time("import kzrights; kzrights.load()"),
        lambda: _process_time("import attrs, cattrs"),
    )

    exits = _Pairs.interleaved(
        runs,
        lambda: _exit_time("import kzrights; kzrights.load()"),
        lambda: _exit_time("import attrs, cattrs"),
    )

    load = os.getloadavg()
    print(
        f"Python {sys.version.split()[0]}, {args.clock} clock, median of {runs} fresh processes per figure;"
        f" load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end;"
    )
    print("each ratio is the median of the ratios of interleaved pairs of runs.\n")
    print("| measurement | kzrights | baseline | ratio | target |")
    print("| --- | --- | --- | --- | --- |")
    print(imports.row("`import kzrights` vs `import attrs`", "at most 1.3x", 1))
    print(first_load.row("first `load()` vs `json.loads` of the release JSON", "at most 5x", 2))
    print(f"| cached `load()` | {cached * 1e6:.2f} µs | | | under 5 µs |")
    label = '`python -c "import kzrights; kzrights.load()"` vs `python -c "import attrs, cattrs"`'
    print(processes.row(label, "at most 1.25x", 1))
    print(exits.row("of which the interpreter's exit", "", 1))
    for title, breakdown in (
        (
            "What `import kzrights` adds to `import attrs` (as `-X importtime` reports it, its own"
            " overhead included; each figure includes what the module imports):",
            import_breakdown,
        ),
        (
            "Where the first `load()` goes (each step timed on its own, in the same kind of process):",
            load_breakdown,
        ),
    ):
        print(f"\n{title}\n")
        print("| step | time |")
        print("| --- | --- |")
        for key, value in breakdown.items():
            print(f"| {key} | {value * 1e3:.2f} ms |")


if __name__ == "__main__":
    main()
