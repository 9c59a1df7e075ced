"""``python -m kzrights_build``: build the data release from ``seeds/``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kzrights._layout import INDEX_FILE
from kzrights.errors import BuildError, DataIntegrityError

from .derived import derived_files, write_derived
from .release import build_release, index_bytes, write_release
from .seeds import read_seeds
from .structure_gen import MODULE_PATH, generate, write_module


def _check(data_dir: Path, seeds_dir: Path, src_dir: Path) -> list[str]:
    """Return the committed files that differ from what the build makes."""
    release = build_release(read_seeds(seeds_dir))
    stale = []
    module = src_dir / MODULE_PATH  # the structure functions, generated from the record classes
    if not module.is_file() or module.read_text(encoding="utf-8") != generate():
        stale.append(str(module))
    for name, data in sorted(release.files.items()):
        path = data_dir / release.directory / name
        if not path.is_file() or path.read_bytes() != data:
            stale.append(str(path))
    index_path = data_dir / INDEX_FILE
    if not index_path.is_file() or index_path.read_bytes() != index_bytes(data_dir):
        stale.append(str(index_path))
    else:  # the derived files of the releases as committed
        for path, data in sorted(derived_files(data_dir).items()):
            if not path.is_file() or path.read_bytes() != data:
                stale.append(str(path))
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    """Run the build; return the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m kzrights_build", description=__doc__)
    parser.add_argument("--seeds", type=Path, default=Path("seeds"), help="the seeds folder (default: seeds)")
    parser.add_argument(
        "--data",
        type=Path,
        default=Path("src/kzrights/data"),
        help="the package's data folder (default: src/kzrights/data)",
    )
    parser.add_argument(
        "--src",
        type=Path,
        default=Path("src"),
        help="the folder holding the kzrights package, for its generated module (default: src)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--check", action="store_true", help="write nothing; fail if the committed release differs"
    )
    mode.add_argument("--replace", action="store_true", help="overwrite an existing, unpublished release")
    args = parser.parse_args(argv)
    try:
        if args.check:
            stale = _check(args.data, args.seeds, args.src)
            for path in stale:
                print(f"differs from the build: {path}", file=sys.stderr)
            if stale:
                print("run: python -m kzrights_build", file=sys.stderr)
                return 1
            print("the committed release matches the build")
            return 0
        release = build_release(read_seeds(args.seeds))
        changed = write_release(release, args.data, replace=args.replace)
        derived = write_derived(args.data)
        generated = write_module(args.src)
    except (BuildError, DataIntegrityError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    state = "written to" if changed else "is up to date in"
    print(f"release {release.version} {state} {args.data / release.directory}")
    for written in derived:
        print(f"derived data written: {written}")
    if generated:
        print(f"structure functions written: {args.src / MODULE_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
