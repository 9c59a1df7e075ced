"""Damage a copy of the package's data so that only the check under test can catch it.

The one set of tamper helpers for the integrity tests (tests/test_integrity*.py,
tests/test_hostile_packages.py): each changes a release file and then makes
every hash agree with the change (the file's size and sha256 in its manifest,
the manifest's sha256 in the release index), so that the load fails, if it
does, for the damage itself and not for a hash.  Release 1.0.0 is the one
damaged unless told otherwise.  `store_with` holds the damaged copy in
memory; `set_at` is the edit most tests make.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import kzrights
from kzrights.releases import ReleaseStore
from kzrights_build.release import dump_json

from .conftest import DATA

__all__ = [
    "MemoryFolder",
    "agreeing_hashes",
    "rehash",
    "release_folder",
    "set_at",
    "store_changed",
    "store_with",
    "verify_a_damaged_copy",
]

VERSION = "1.0.0"


def release_folder(data: Path, version: str = VERSION) -> Path:
    """The folder of release ``version`` in the data folder ``data``."""
    return data / "releases" / version


def agreeing_hashes(files: Mapping[str, bytes], name: str, version: str = VERSION) -> dict[str, bytes]:
    """Return ``files`` with the hashes made to agree with release ``version``'s file ``name``.

    Args:
        files: The data folder's files, by path relative to it ("releases.json",
            "releases/1.0.0/report.json", ...).
        name: The release file that was changed ("report.json"); for
            "manifest.json" only the index is made to agree.
        version: The release it belongs to.

    Returns:
        A copy of ``files`` with the manifest and the release index rewritten.
    """
    changed = dict(files)
    manifest_path = f"releases/{version}/manifest.json"
    if name != "manifest.json":
        content = changed[f"releases/{version}/{name}"]
        manifest = json.loads(changed[manifest_path])
        for entry in manifest["files"]:
            if entry["name"] == name:
                entry["size"], entry["sha256"] = len(content), hashlib.sha256(content).hexdigest()
        changed[manifest_path] = dump_json(manifest)
    index = json.loads(changed["releases.json"])
    for entry in index["releases"]:
        if entry["version"] == version:
            entry["manifest_sha256"] = hashlib.sha256(changed[manifest_path]).hexdigest()
    changed["releases.json"] = dump_json(index)
    return changed


def rehash(data: Path, name: str, version: str = VERSION) -> None:
    """Make the manifest in ``data`` agree with a changed file, and the index with the manifest."""
    paths = ("releases.json", f"releases/{version}/manifest.json", f"releases/{version}/{name}")
    files = {path: (data / path).read_bytes() for path in paths}
    for path, content in agreeing_hashes(files, name, version).items():
        if content != files[path]:
            (data / path).write_bytes(content)


class MemoryFolder:
    """A data folder held in memory, which a `ReleaseStore` reads as it reads the package's."""

    def __init__(self, files: dict[str, bytes], path: str = "") -> None:
        self._files = files
        self._path = path

    def joinpath(self, child: str) -> MemoryFolder:
        """The file or folder ``child`` of this folder."""
        return MemoryFolder(self._files, f"{self._path}/{child}".lstrip("/"))

    def read_bytes(self) -> bytes:
        """The file's bytes; FileNotFoundError if there is none."""
        try:
            return self._files[self._path]
        except KeyError:
            raise FileNotFoundError(self._path) from None


@cache
def _shipped_files() -> dict[str, bytes]:
    return {
        str(p.relative_to(DATA)).replace(os.sep, "/"): p.read_bytes() for p in DATA.rglob("*") if p.is_file()
    }


def store_with(document: Any, version: str) -> ReleaseStore:
    """A store over the shipped data with ``version``'s report.json replaced, every hash made to agree.

    ``document`` is the new report.json as JSON (a dict) or as bytes.
    """
    files = dict(_shipped_files())
    files[f"releases/{version}/report.json"] = (
        document if isinstance(document, bytes) else dump_json(document)
    )
    return ReleaseStore(MemoryFolder(agreeing_hashes(files, "report.json", version)))  # type: ignore[arg-type]


def store_changed(path: str, content: bytes, version: str = VERSION) -> ReleaseStore:
    """A store over the shipped data with the file at ``path`` replaced by ``content``.

    ``path`` is relative to the data folder ("releases.json",
    "releases/1.3.1/manifest.json", ...); for a file of release ``version``
    the hashes are made to agree (the index's own bytes are not covered by
    any hash, so changing it needs nothing more).
    """
    files = dict(_shipped_files())
    files[path] = content
    prefix = f"releases/{version}/"
    if path.startswith(prefix):
        files = agreeing_hashes(files, path.removeprefix(prefix), version)
    return ReleaseStore(MemoryFolder(files))  # type: ignore[arg-type]


def set_at(*path_and_value: Any) -> Callable[[Any], None]:
    """An edit of a release document: the value at a JSON path (keys and positions) set.

    ``set_at("entities", 0, "name", "")``; a callable value is given the
    value it replaces (``set_at("footnotes", 0, "cited_by", lambda ids: [*ids, ids[0]])``).
    """
    *path, value = path_and_value

    def edit(document: Any) -> None:
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value(target[path[-1]]) if callable(value) else value

    return edit


def verify_a_damaged_copy(
    site: Path, damage: Callable[[Path], None], version: str = VERSION
) -> subprocess.CompletedProcess[str]:
    """Run ``kzrights verify`` over a copy of the package whose data ``damage`` changed.

    The package is copied into ``site`` (without bytecode), ``damage`` is
    given the copy's data folder, and the command runs in a fresh isolated
    interpreter that imports the copy, as a user's damaged install would be.
    """
    shutil.copytree(
        Path(kzrights.__file__).parent, site / "kzrights", ignore=shutil.ignore_patterns("__pycache__")
    )
    damage(site / "kzrights" / "data")
    code = (
        "import sys, runpy; sys.path.insert(0, sys.argv.pop(1));"
        " runpy.run_module('kzrights', run_name='__main__')"
    )
    return subprocess.run(
        [sys.executable, "-I", "-c", code, str(site), "verify", "--data-version", version],
        capture_output=True,
        text=True,
        timeout=120,
    )
