"""A release whose files do not match its manifest, or do not parse, gives a DataIntegrityError."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kzrights import DataIntegrityError
from kzrights.build.release import dump_json, index_bytes
from kzrights.releases import ReleaseStore

from .conftest import DATA, ROOT


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private copy of the package's data folder, to damage."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def _release(data: Path) -> Path:
    return data / "releases" / "1.0.0"


def _rehash(data: Path, name: str) -> None:
    """Make the manifest agree with a changed file, and the index with the manifest."""
    release = _release(data)
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if entry["name"] == name:
            content = (release / name).read_bytes()
            entry["size"] = len(content)
            entry["sha256"] = hashlib.sha256(content).hexdigest()
    (release / "manifest.json").write_bytes(dump_json(manifest))
    (data / "releases.json").write_bytes(index_bytes(data))


def test_the_copy_loads(data):
    """The undamaged copy loads and verifies: the faults below are the only cause of failure."""
    store = ReleaseStore(data)
    store.verify("1.0.0")
    assert store.load("1.0.0").version == "1.0.0"


def test_flipped_byte(data):
    """One changed byte in a file is caught, and the error names that file."""
    path = _release(data) / "source.txt"
    content = bytearray(path.read_bytes())
    content[500] ^= 0x01
    path.write_bytes(bytes(content))
    with pytest.raises(DataIntegrityError, match=r"source\.txt: sha256 differs") as info:
        ReleaseStore(data).load("1.0.0")
    assert info.value.file == "releases/1.0.0/source.txt"
    assert info.value.version == "1.0.0"


def test_truncated_file(data):
    """A truncated file is caught by its size."""
    path = _release(data) / "report.json"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(DataIntegrityError, match=r"report\.json: is 1000 bytes"):
        ReleaseStore(data).load("1.0.0")


def test_missing_manifest(data):
    """A release without its manifest cannot be loaded."""
    (_release(data) / "manifest.json").unlink()
    with pytest.raises(DataIntegrityError, match=r"manifest\.json: cannot be read"):
        ReleaseStore(data).load("1.0.0")


def test_manifest_naming_a_missing_file(data):
    """A manifest that lists a file that is not there is caught."""
    (_release(data) / "source.txt").unlink()
    with pytest.raises(DataIntegrityError, match=r"source\.txt: cannot be read"):
        ReleaseStore(data).verify("1.0.0")


def test_changed_manifest(data):
    """A manifest edited without updating the index is caught."""
    path = _release(data) / "manifest.json"
    path.write_bytes(path.read_bytes().replace(b'"release"', b'"release" ', 1))
    with pytest.raises(DataIntegrityError, match="differs from the release index"):
        ReleaseStore(data).load("1.0.0")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.__setitem__("paragraphs", "oops"), r"expected tuple @ \$\.paragraphs"),
        (lambda d: d["metadata"].__setitem__("title", 5), r"\$\.metadata\.title"),
        (lambda d: d["metadata"].__setitem__("published", "22 July"), "published"),
        (lambda d: d["footnotes"][0].__setitem__("surprise", 1), "surprise"),
        (lambda d: d["footnotes"][2].pop("number"), r"\$\.footnotes\[2\]\.number"),
        (lambda d: d["recommendations"][0].__setitem__("addressee", "parliament"), "addressee"),
        (lambda d: d["items"][0].__setitem__("span", [5]), "span"),
        (lambda d: d["items"][0].__setitem__("span", [9, 2]), r"expected Span @ \$\.items\[0\]\.span"),
        (lambda d: d.__setitem__("schema", 99), "schema 99"),
        (lambda d: d.__setitem__("schema", [1]), r"schema \[1\]"),
        (lambda d: d.__setitem__("schema", True), "schema True"),
    ],
)
def test_wrong_shape_json(data, edit, message):
    """A well-hashed report.json of the wrong shape is a DataIntegrityError with the field path."""
    path = _release(data) / "report.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    edit(document)
    path.write_bytes(dump_json(document))
    _rehash(data, "report.json")
    with pytest.raises(DataIntegrityError, match=message) as info:
        ReleaseStore(data).load("1.0.0")
    assert info.value.__cause__ is None or isinstance(info.value.__cause__, DataIntegrityError)


def test_not_json(data):
    """A report.json that is not JSON at all is a DataIntegrityError, not a JSONDecodeError."""
    (_release(data) / "report.json").write_bytes(b"\xff{not json")
    _rehash(data, "report.json")
    with pytest.raises(DataIntegrityError, match="not valid JSON"):
        ReleaseStore(data).load("1.0.0")


def test_broken_index(data):
    """A release index of the wrong shape is a DataIntegrityError too."""
    (data / "releases.json").write_text('{"releases": [{"version": 1}]}', encoding="utf-8")
    with pytest.raises(DataIntegrityError, match="the release index"):
        ReleaseStore(data).versions()


def test_error_is_not_cached(data):
    """A failed load is not remembered: once the file is mended, the release loads."""
    path = _release(data) / "source.txt"
    good = path.read_bytes()
    path.write_bytes(good[:-1])
    store = ReleaseStore(data)
    with pytest.raises(DataIntegrityError):
        store.load("1.0.0")
    path.write_bytes(good)
    assert store.load("1.0.0").version == "1.0.0"


_LOAD_AND_CHECK = """
import sys
import kzrights
from kzrights.build.__main__ import main

assert kzrights.__file__.startswith(sys.argv[1]), kzrights.__file__
for version in kzrights.versions():
    kzrights.load(version)
    kzrights.verify(version)
sys.exit(main(["--check"]))
"""


def test_a_clone_with_autocrlf_loads_and_builds(tmp_path):
    """A clone made with core.autocrlf=true (Git for Windows' default) loads, verifies and builds.

    The clone holds the committed files only: .gitattributes keeps the release
    files and the seeds byte for byte, which the hashes and the build check need.
    """
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    if subprocess.run([git, "-C", str(ROOT), "rev-parse", "--git-dir"], capture_output=True).returncode:
        pytest.skip(f"{ROOT} is not a git checkout (an sdist, say): nothing to clone")
    clone = tmp_path / "clone"
    subprocess.run(
        [git, "clone", "--quiet", "-c", "core.autocrlf=true", str(ROOT), str(clone)],
        check=True,
        capture_output=True,
    )
    # the conversion is on: a text file that .gitattributes leaves alone gets CRLF
    assert b"\r\n" in (clone / "pyproject.toml").read_bytes()
    environment = {**os.environ, "PYTHONPATH": str(clone / "src")}
    out = subprocess.run(
        [sys.executable, "-c", _LOAD_AND_CHECK, str(clone / "src")],
        cwd=clone,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "the committed release matches the build" in out.stdout
