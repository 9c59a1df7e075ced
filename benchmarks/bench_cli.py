"""Peak memory and time of ``kzrights annotate FILE`` (streaming) against reading the file whole.

Usage (from the repository root, with kzrights installed)::

    python benchmarks/bench_cli.py [--megabytes 100] [--repeat 1] [--corpus report|blank|hug] [--before SRC]

The corpus is the report's text records, with CRLF line ends, repeated to the
size asked for: a realistic density of names (about one every 135 bytes),
some of them across line breaks.  The peer is what ``kzrights annotate`` did
before it streamed, and what a user would write: read the whole file, call
``kzrights.annotate`` on it, print the mentions (as text, or as one JSON
array with ``json.dumps(..., indent=2)``).  Each measurement runs in a fresh
process whose peak resident memory is read from ``getrusage`` by a parent of
its own; the two sides alternate, run after run, so that drifting load on the
machine hits both.  Output goes to the null device.

``--corpus blank`` is the case of the stream's cut points in long blank runs
(a scraped page padded with whitespace, a log of empty lines): the names of
the registry's entities in turn, each as "NAME said" and followed by a run of
3 million whitespace characters (spaces, tabs, CRLF, no-break and ideographic
spaces), so that nearly all of the text is blank, most blocks the command
reads are blank throughout, and the only cuts are in the runs (no punctuation
to cut at, as after "EBRD" in "EBRD", a million newlines, "Bokaev").  An
invisible character is no whitespace: in a run mixed with them the cut is
found at once, near the run's end.  ``--corpus hug`` is the densest text in
forms that need evidence (issue 11's finding 1): "Adam Hug wrote. " and then
"Hug " to the size asked for, one mention every four characters, each linked
on the evidence of the one before; the command holds such mentions back.
``--before SRC`` adds a third side: the
streaming command of another kzrights source tree (a ``src`` folder, e.g. one
written by ``git archive`` of an earlier commit), run in the same interleaved
loop.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import kzrights

# What the command line did before it streamed (kzrights 0.1.0): the whole file in memory.
WHOLE = """
import json, sys, kzrights
text = open(sys.argv[1], encoding="utf-8", newline="").read()
mentions = kzrights.annotate(text)
if sys.argv[2:] == ["--json"]:
    print(json.dumps([{k: v for k, v in m._asdict().items() if v is not None} for m in mentions],
                     ensure_ascii=False, indent=2))
else:
    print("\\n".join(f"{m.start:>7}-{m.end:<7} {m.entity_id:<40} {m.text}" for m in mentions))
"""

# A parent of its own for each measurement, so that the peak is that command's alone.
MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(done.returncode, seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
"""


# the blank runs of the "blank" corpus: whitespace of every kind, mixed
BLANK_RUN = ("  \t \r\n\u00a0\u3000 \n" * 300_000)[:3_000_000]


def _corpus(path: Path, size: int, kind: str = "report") -> tuple[int, int]:
    """Write the corpus; return its size in bytes and in characters."""
    report = kzrights.load()
    if kind == "hug":
        text = "Adam Hug wrote. " + "Hug " * ((size - 16) // 4)
        path.write_text(text, encoding="utf-8")
        return path.stat().st_size, len(text)
    if kind == "blank":
        characters = 0
        with path.open("w", encoding="utf-8", newline="") as file:
            for entity in itertools.cycle(report.entities):
                if file.tell() >= size:
                    break
                characters += file.write(f"{entity.name} said{BLANK_RUN}")
        return path.stat().st_size, characters
    text = "\r\n".join(r.text for r in report.records()) + "\r\n"
    data = text.encode("utf-8")
    copies = size // len(data) + 1
    with path.open("wb") as file:
        for _ in range(copies):
            file.write(data)
    return path.stat().st_size, copies * len(text)


def _measure(command: list[str], src: str | None = None) -> tuple[float, float, float]:
    """Return (seconds, peak MB, CPU seconds) of one run of ``command`` (kzrights from ``src``, if given)."""
    env = None if src is None else {**os.environ, "PYTHONPATH": src}
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True, env=env
    )
    code, seconds, peak_kib, cpu = out.stdout.split()
    if code != "0":
        sys.exit(f"{command} failed with status {code}")
    return float(seconds), int(peak_kib) / 1024, float(cpu)


def main() -> None:
    """Run the comparison and print a Markdown table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--megabytes", type=float, default=100, help="size of the file in MB (10^6 bytes)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the median is kept")
    parser.add_argument("--corpus", choices=["report", "blank", "hug"], default="report", help="see above")
    parser.add_argument("--before", metavar="SRC", help="also time the streaming of this kzrights src folder")
    parser.add_argument("--no-whole", action="store_true", help="leave out the whole-file side")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.txt"
        size, characters = _corpus(path, int(args.megabytes * 1_000_000), args.corpus)
        streams = [sys.executable, "-m", "kzrights", "annotate", str(path)]
        whole = [sys.executable, "-c", WHOLE, str(path)]
        sides: dict[tuple[str, str], tuple[list[str], str | None]] = {}
        for output, flag in (("text", []), ("--json", ["--json"])):
            sides[output, "kzrights annotate (streams)"] = ([*streams, *flag], None)
            if args.before:
                sides[output, "kzrights annotate (streams), --before"] = ([*streams, *flag], args.before)
            if not args.no_whole:
                sides[output, "whole file, annotate(), print"] = ([*whole, *flag], None)
        results: dict[tuple[str, str], list[tuple[float, float, float]]] = {key: [] for key in sides}
        for _ in range(args.repeat):
            for key, (command, src) in sides.items():  # interleaved: each side runs back to back
                results[key].append(_measure(command, src))
    print(
        f"File of {size / 1e6:.1f} MB, {characters / 1e6:.1f} million characters ({args.corpus} corpus), "
        f"{args.repeat} run(s) each, median; Python {sys.version.split()[0]}\n"
    )
    print(f"load average at the end: {' / '.join(f'{n:.2f}' for n in os.getloadavg())}\n")
    print("| output | command | peak memory | time | CPU time |")
    print("| --- | --- | --- | --- | --- |")
    for (output, side), runs in results.items():
        seconds = statistics.median(r[0] for r in runs)
        peak = statistics.median(r[1] for r in runs)
        cpu = statistics.median(r[2] for r in runs)
        print(f"| {output} | {side} | {peak:,.0f} MB | {seconds:.1f} s | {cpu:.1f} s |")


if __name__ == "__main__":
    main()
