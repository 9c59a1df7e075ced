"""The guarantees users build on: versions, verify, diff, and ids that outlive releases."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

import kzrights
from kzrights import DataIntegrityError, UnknownVersionError

from .conftest import ROOT


def test_package_and_data_versions_are_distinct():
    """__version__ is the package's; DATA_VERSION the newest data release shipped."""
    from importlib.metadata import version

    assert kzrights.__version__ == version("kzrights")
    assert kzrights.DATA_VERSION == kzrights.versions()[-1] == kzrights.load().version
    assert re.fullmatch(r"\d+\.\d+\.\d+", kzrights.DATA_VERSION)


def test_every_shipped_release_loads():
    """load(version) works for each shipped release, and says which it is."""
    for version in kzrights.versions():
        assert kzrights.load(version).version == version


def test_verify_checks_every_file():
    """verify() re-hashes the manifest and every file it lists, for any release."""
    for version in kzrights.versions():
        checked = kzrights.verify(version)
        assert checked[0] == f"releases/{version}/manifest.json"
        assert {c.rsplit("/", 1)[1] for c in checked[:3]} == {"manifest.json", "report.json", "source.txt"}
        assert checked[3:] == (f"derived/{version}/forms.json", f"derived/{version}/search.json")
    assert kzrights.verify() == kzrights.verify(kzrights.DATA_VERSION)
    with pytest.raises(UnknownVersionError):
        kzrights.verify("0.0.1")
    with pytest.raises(TypeError):
        kzrights.verify(1)  # type: ignore[arg-type]


def _removed_ids() -> dict[str, set[str]]:
    """The ids DATA-CHANGELOG.md lists as removed, by release."""
    text = (ROOT / "DATA-CHANGELOG.md").read_text(encoding="utf-8")
    removed: dict[str, set[str]] = {}
    for block in re.split(r"(?m)^## ", text)[1:]:
        version = block.split("\n", 1)[0].strip()
        line = re.search(r"(?m)^Removed ids: (.*)$", block)
        assert line, f"DATA-CHANGELOG.md: release {version} does not say which ids it removed"
        ids = line.group(1).strip()
        removed[version] = set() if ids == "none." else {i.strip(" `.") for i in ids.split(",")}
    return removed


def test_every_release_is_in_the_data_changelog():
    """Each shipped release has an entry in the data changelog."""
    assert set(kzrights.versions()) <= set(_removed_ids())


def test_ids_outlive_releases():
    """Every id of a release exists in every later release, unless the data changelog lists its removal."""
    removed = _removed_ids()
    shipped = kzrights.versions()
    for i, old in enumerate(shipped):
        for new in shipped[i + 1 :]:
            gone = set(kzrights.diff(old, new).removed)
            allowed = set().union(*(removed[v] for v in shipped[i + 1 : shipped.index(new) + 1]))
            assert gone <= allowed, f"{old} -> {new} removes {sorted(gone - allowed)} without saying so"


def test_diff_reports_additions_and_changed_fields():
    """diff() lists what a release added and which fields of which records changed."""
    change = kzrights.diff("1.0.0", "1.1.0")
    assert change.old == "1.0.0" and change.new == "1.1.0"
    assert change.removed == ()
    assert {i.split(".")[0] for i in change.added} == {"entities", "themes", "figures", "sources"}
    assert all(set(c.fields) <= {"entity_ids", "theme_links", "evidence_links"} for c in change.changed)
    rec = next(c for c in change.changed if c.id == "recommendations.government.6")
    assert rec.fields == ("entity_ids", "evidence_links", "theme_links")
    assert change.mentions[0] == 0 and change.mentions[1] > 0
    text = str(change)
    assert text.startswith("data release 1.0.0 -> 1.1.0")
    assert "entities.max-bokayev" in text and "recommendations.government.6 (" in text
    assert kzrights.diff("1.1.0", "1.1.0").unchanged
    assert str(kzrights.diff("1.0.0", "1.0.0")).endswith("no differences")
    with pytest.raises(UnknownVersionError):
        kzrights.diff("1.0.0", "9.0.0")


def test_load_checks_integrity_of_installed_files(tmp_path):
    """A changed byte in an installed release is caught by load() in a fresh process, naming the file."""
    import shutil

    from .conftest import DATA

    package = tmp_path / "kzrights"
    shutil.copytree(ROOT / "src" / "kzrights", package, ignore=shutil.ignore_patterns("__pycache__"))
    target = package / "data" / "releases" / "1.0.0" / "report.json"
    data = bytearray(target.read_bytes())
    data[100] ^= 0x20
    target.write_bytes(bytes(data))
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import kzrights\n"
        "try:\n    kzrights.load('1.0.0')\nexcept kzrights.DataIntegrityError as e:\n    print(e.file)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "releases/1.0.0/report.json"
    assert (DATA / "releases" / "1.0.0" / "report.json").read_bytes() != bytes(data)
    assert issubclass(DataIntegrityError, kzrights.KzrightsError)
