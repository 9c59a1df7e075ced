"""What safe exports cost: ``kzrights.export`` against the bare writer, interleaved, in one run.

Usage (from the repository root, in an environment with kzrights installed)::

    python benchmarks/bench_export.py [--runs 30] [--folder DIR] [--without-fsync]

For each format, the newest data release is written over a previous export
of the same format, ``--runs`` times each way, the two ways alternating:

- ``export(report, format, path, overwrite=True)``: staged beside ``path``,
  every file and folder flushed (fsync), then swapped into place;
- the same format's writer called on ``path`` directly (the previous output
  deleted first, as a script that writes in place would): nothing flushed,
  nothing atomic, the baseline a user would otherwise have.

Both write the same bytes.  ``--without-fsync`` switches the flushing off
(inside kzrights' staging module), to show what the rest costs.  ``--folder`` picks the file system (the
default is a temporary folder); fsync costs differ a lot between disks,
so name the disk with the figures.  The machine may be shared and noisy:
compare the figures of one run with each other, not with another run's.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import kzrights
from kzrights.exports import export, writers

WRITERS: dict[str, Callable[[kzrights.Report, Path], list[Path]]] = {
    "json": writers.write_json,
    "csv": writers.write_csv,
    "sqlite": writers.write_sqlite,
}


def _direct(report: kzrights.Report, format: str, path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
    WRITERS[format](report, path)


def main() -> None:
    """Print a Markdown table of median times, safe export against the bare writer."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--without-fsync", action="store_true")
    args = parser.parse_args()
    if args.without_fsync:
        from kzrights.exports import _staging

        _staging.sync = lambda stage: None  # type: ignore[assignment]
        _staging._sync_folder = lambda folder: None  # type: ignore[assignment]
    report = kzrights.load()
    with tempfile.TemporaryDirectory(dir=args.folder) as scratch:
        rows = []
        for format in WRITERS:
            safe_path, direct_path = Path(scratch) / f"safe-{format}", Path(scratch) / f"direct-{format}"
            export(report, format, safe_path)
            _direct(report, format, direct_path)
            safe, direct = [], []
            for _ in range(args.runs):
                started = time.perf_counter()
                export(report, format, safe_path, overwrite=True)
                safe.append(time.perf_counter() - started)
                started = time.perf_counter()
                _direct(report, format, direct_path)
                direct.append(time.perf_counter() - started)
            rows.append((format, statistics.median(safe), statistics.median(direct)))
    print("| format | `export(..., overwrite=True)` | bare writer | ratio | difference |")
    print("| --- | --- | --- | --- | --- |")
    for format, safe_time, direct_time in rows:
        print(
            f"| {format} | {safe_time * 1e3:.1f} ms | {direct_time * 1e3:.1f} ms | "
            f"{safe_time / direct_time:.2f}x | {(safe_time - direct_time) * 1e3:+.1f} ms |"
        )


if __name__ == "__main__":
    main()
