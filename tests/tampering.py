"""Damage a copy of the package's data so that only the check under test can catch it.

One helper for tests/test_integrity.py and tests/test_hostile_packages.py:
both change a release file and then make every hash agree with the change
(the file's size and sha256 in its manifest, the manifest's sha256 in the
release index), so that the load fails, if it does, for the damage itself
and not for a hash.  Release 1.0.0 is the one damaged unless told otherwise.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from kzrights_build.release import dump_json

__all__ = ["agreeing_hashes", "rehash", "release_folder"]

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
