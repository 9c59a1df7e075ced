"""Where ``import kzrights.records`` spends its time, and what attrs' options would save, in one run.

Usage (from the repository root, in an environment where kzrights is installed)::

    python benchmarks/bench_records_import.py [--runs 15] [--clock cpu]

It measures three things:

1. every top-level statement of ``kzrights/records.py`` run once in a fresh
   interpreter (the median of ``--runs`` processes), grouped by what it
   creates: attrs record classes, enums, the ``Mention`` named tuple, and the
   rest (imports, functions, constants).  The statements are compiled
   before the clock starts, as the ``.pyc`` file pip writes spares an
   installed package; the package's ``__init__`` is not run;
2. the part of ``import kzrights`` that attrs' class builder spends in each
   of its steps (collecting the fields, compiling the generated methods,
   re-creating each class with ``__slots__``), by wrapping those private
   functions of attrs (a step whose function a later attrs renames is left
   out, not guessed);
3. the cost of building one record class of the shape of ``Paragraph``
   (eight fields, three defaults, a shared slotted base) with attrs'
   options that skip generating something, against the options kzrights
   uses, interleaved in one process in turning order, with the garbage
   collector run between rounds rather than during them (the median of
   40 x ``--runs`` builds);
   the public ``Report``'s shape against the same with its four private
   fields made slots of a plain base class rather than attrs fields;
   and a ``str`` enum of eight members against a plain one.

``--clock cpu`` measures the process's CPU time, steadier than wall-clock
time on a shared machine.  Compare the figures of one run with each other,
not with another run's.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}

# each statement of records.py, timed alone; a stand-in package lets "from ._compat
# import date" work without running kzrights/__init__ (which imports records itself)
_STATEMENTS = """
import ast, enum, itertools, json, sys, time, types, typing
import attrs
clock = time.process_time if sys.argv[2] == "cpu" else time.perf_counter
path = sys.argv[1]
tree = ast.parse(open(path, encoding="utf-8").read())
codes = []
for node in tree.body:
    code = compile(ast.Module(body=[node], type_ignores=[]), path, "exec", dont_inherit=True)
    codes.append((type(node).__name__, getattr(node, "name", ""), code))
package = types.ModuleType("kzrights")
package.__path__ = [path.rsplit("/", 1)[0]]
sys.modules["kzrights"] = package
namespace = {"__name__": "kzrights.records", "__package__": "kzrights"}
out = []
for kind, name, code in codes:
    t = clock()
    exec(code, namespace)
    spent = clock() - t
    value = namespace.get(name)
    if kind == "ClassDef" and attrs.has(value):
        group = "attrs record classes"
    elif kind == "ClassDef" and isinstance(value, enum.EnumMeta):
        group = "enums"
    elif kind == "ClassDef" and issubclass(value, tuple):
        group = "the Mention named tuple"
    else:
        group = "the rest (imports, functions, constants, plain classes)"
    out.append([group, name, spent])
print(json.dumps(out))
"""

# attrs' class builder, step by step, during import kzrights (after import attrs)
_ATTRS_STEPS = """
import json, sys, time
import attrs
import attr._make as make
clock = time.process_time if sys.argv[1] == "cpu" else time.perf_counter
spent = {}
def wrap(owner, name, label):
    original = getattr(owner, name, None)
    if original is None:
        return
    def timed(*args, **kwargs):
        t = clock()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + clock() - t
    setattr(owner, name, timed)
wrap(make, "_transform_attrs", "collect the fields (Attribute objects, the fields' tuple class)")
wrap(make, "_compile_and_eval", "compile and run the generated __init__")
wrap(make._ClassBuilder, "_create_slots_class", "re-create the class with __slots__")
wrap(make._ClassBuilder, "build_class", "build the class (the two steps above included)")
t = clock()
import kzrights
spent["import kzrights (after import attrs)"] = clock() - t
print(json.dumps(spent))
"""

_SHAPES = """
import enum
from typing import ClassVar
import attrs

class _Base:
    __slots__ = ()

def record(decorator=attrs.frozen, **options):
    @decorator(eq=False, repr=False, **options)
    class Paragraph(_Base):
        kind: ClassVar[str] = "paragraph"
        id: str
        section_id: str
        number: int
        text: str
        span: int
        footnote_refs: tuple = ()
        item_ids: tuple = ()
        entity_ids: tuple = ()
    return Paragraph

class _ReportState(_Base):
    __slots__ = ("_records", "_index", "_names", "_caches")

def report(private_as_slots=False):
    # the public Report's shape: 16 data fields, 8 of them with a default, and four
    # private ones that __attrs_post_init__ sets (attrs fields, or slots of a base)
    namespace = {"attrs": attrs, "ClassVar": ClassVar}
    fields = ["version: str", "metadata: object", "source_text: str = attrs.field(eq=False)"]
    required = ("sections", "paragraphs", "items", "recommendations", "footnotes")
    fields += [f"{name}: tuple" for name in required]
    fields += [f"{name}: tuple = ()" for name in (
        "entities", "mentions", "themes", "figures", "sources", "linking", "sdg_goals", "sdg_targets"
    )]
    if not private_as_slots:
        private = ("records", "index", "names")
        fields += [f"_{name}: object = attrs.field(init=False, eq=False)" for name in private]
        fields += ["_caches: dict = attrs.field(init=False, eq=False, factory=dict)"]
    body = "\\n    ".join(["PARTS: ClassVar[tuple] = ()", *fields, "def __attrs_post_init__(self): pass"])
    base = "_ReportState" if private_as_slots else "_Base"
    namespace[base] = _ReportState if private_as_slots else _Base
    exec(f"@attrs.frozen(repr=False, eq=False)\\nclass Report({base}):\\n    {body}\\n", namespace)
    return namespace["Report"]

def str_enum():
    class Category(str, enum.Enum):
        A = "a"; B = "b"; C = "c"; D = "d"; E = "e"; F = "f"; G = "g"; H = "h"
    return Category

def plain_enum():
    class Category(enum.Enum):
        A = "a"; B = "b"; C = "c"; D = "d"; E = "e"; F = "f"; G = "g"; H = "h"
    return Category
"""

_VARIANTS: dict[str, str] = {
    "attrs.frozen(eq=False, repr=False), as kzrights": "record()",
    "the same again (a control: any difference is noise)": "record()",
    "... getstate_setstate=False": "record(getstate_setstate=False)",
    "... match_args=False": "record(match_args=False)",
    "... weakref_slot=False": "record(weakref_slot=False)",
    "... all three of these": "record(getstate_setstate=False, match_args=False, weakref_slot=False)",
    "... auto_detect=False": "record(auto_detect=False)",
    "attrs.define (mutable) instead of attrs.frozen": "record(attrs.define)",
    "the Report's shape, as kzrights": "report()",
    "the Report's shape, its four private fields slots of a plain base": "report(private_as_slots=True)",
    "a str enum of 8 members, as kzrights": "str_enum()",
    "a plain enum of 8 members": "plain_enum()",
}


def _child(code: str, *args: str) -> object:
    command = [sys.executable, "-c", code, *args]
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True, env=_ENV).stdout)


def _records_path() -> str:
    out = subprocess.run(
        [sys.executable, "-c", "import kzrights.records as r; print(r.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        env=_ENV,
    ).stdout
    return out.strip()


def _statements(runs: int, clock: str) -> None:
    path = _records_path()
    _child(_STATEMENTS, path, clock)  # warm-up: writes the .pyc files of what it imports
    totals: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    slowest: dict[str, list[float]] = {}
    for _ in range(runs):
        rows = _child(_STATEMENTS, path, clock)
        assert isinstance(rows, list)
        run: dict[str, float] = {}
        counts.clear()
        for group, name, spent in rows:
            run[group] = run.get(group, 0.0) + spent
            counts[group] = counts.get(group, 0) + 1
            slowest.setdefault(f"{group}: {name}", []).append(spent)
        for group, spent in run.items():
            totals.setdefault(group, []).append(spent)
        totals.setdefault("all of records.py", []).append(sum(run.values()))
    print(f"1. records.py statement by statement ({path}), median of {runs} fresh processes:\n")
    print("| what | statements | time |\n| --- | --- | --- |")
    for group, spent in totals.items():
        print(f"| {group} | {counts.get(group, '')} | {statistics.median(spent) * 1e3:.2f} ms |")
    classes = sorted(
        ((statistics.median(v), k) for k, v in slowest.items() if k.startswith("attrs")), reverse=True
    )
    each = ", ".join(f"{k.split(': ')[1]} {m * 1e3:.2f}" for m, k in classes)
    print(f"\nEach attrs class (ms): {each}\n")


def _attrs_steps(runs: int, clock: str) -> None:
    _child(_ATTRS_STEPS, clock)
    marks: dict[str, list[float]] = {}
    for _ in range(runs):
        spent = _child(_ATTRS_STEPS, clock)
        assert isinstance(spent, dict)
        for label, value in spent.items():
            marks.setdefault(label, []).append(value)
    print(f"2. attrs' class builder during import kzrights, median of {runs} fresh processes:\n")
    print("| step | time |\n| --- | --- |")
    for label, values in marks.items():
        print(f"| {label} | {statistics.median(values) * 1e3:.2f} ms |")
    steps = [label for label in marks if label.startswith(("collect", "build"))]
    if len(steps) == 2:
        runs_of = zip(marks[steps[0]], marks[steps[1]], strict=True)
        spent = statistics.median(a + b for a, b in runs_of)
        print(f"| attrs' class builder in all (collect the fields, then build) | {spent * 1e3:.2f} ms |")
    print()


def _kind(label: str) -> str:
    """Which reference a variant is held to: a record class, the Report, or an enum."""
    return "enum" if "enum" in label else "Report" if "Report" in label else "record"


def _options(runs: int, clock: str) -> None:
    timer: Callable[[], float] = time.process_time if clock == "cpu" else time.perf_counter
    namespace: dict[str, object] = {}
    exec(_SHAPES, namespace)
    builders = {label: eval(f"lambda: {call}", namespace) for label, call in _VARIANTS.items()}
    spent: dict[str, list[float]] = {label: [] for label in builders}
    # The collector is paused while timing: the thousands of classes built would
    # otherwise make it walk them all now and then, landing on whichever build
    # happened to be running.  It runs between rounds instead, and the order
    # of the builds turns each round, so that the first build after it (which
    # finds the interpreter's free lists emptied) is each variant in turn.
    groups = [
        [(label, build) for label, build in builders.items() if _kind(label) == "record"],
        [(label, build) for label, build in builders.items() if _kind(label) == "Report"],
        [(label, build) for label, build in builders.items() if _kind(label) == "enum"],
    ]
    gc.disable()
    try:
        for order in groups:  # the record classes, the Reports, the enums: each follows its own kind
            for round in range(40 * runs):
                gc.collect()
                turn = round % len(order)
                for label, build in order[turn:] + order[:turn]:
                    t = timer()
                    build()
                    spent[label].append(timer() - t)
    finally:
        gc.enable()
    reference = statistics.median(spent["attrs.frozen(eq=False, repr=False), as kzrights"])
    references = {
        "record": reference,
        "Report": statistics.median(spent["the Report's shape, as kzrights"]),
        "enum": statistics.median(spent["a str enum of 8 members, as kzrights"]),
    }
    print(f"3. one class, built {40 * runs} times, interleaved (median):\n")
    print("| class | time | against kzrights' |\n| --- | --- | --- |")
    for label, values in spent.items():
        median = statistics.median(values)
        base = references[_kind(label)]
        print(f"| {label} | {median * 1e6:.0f} µs | {(median / base - 1) * 100:+.1f}% |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="fresh processes per measurement (default: 15)")
    parser.add_argument(
        "--clock", choices=("cpu", "wall"), default="wall", help="CPU time or wall-clock time (default: wall)"
    )
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"CPython {sys.version.split()[0]}, {args.clock} time; load average {load[0]:.1f} at the start.\n")
    _statements(args.runs, args.clock)
    _attrs_steps(args.runs, args.clock)
    _options(args.runs, args.clock)
    print(f"\nLoad average {os.getloadavg()[0]:.1f} at the end.")


if __name__ == "__main__":
    main()
