"""Shipped releases never change: their manifests are pinned in tests/releases.lock.json."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import kzrights
from kzrights.releases import ReleaseStore

from .conftest import DATA

LOCK = Path(__file__).with_name("releases.lock.json")


def test_every_shipped_release_is_locked():
    """Each shipped release is in the lock file, and the lock names no release that is gone."""
    locked = json.loads(LOCK.read_text(encoding="utf-8"))
    assert set(locked) == set(kzrights.versions())


def test_locked_releases_are_unchanged():
    """Every file of every locked release has the sha256 the lock recorded when it shipped."""
    locked = json.loads(LOCK.read_text(encoding="utf-8"))
    for version, files in locked.items():
        folder = DATA / "releases" / version
        actual = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}
        assert actual == files, f"release {version} changed: shipped releases never change"
        ReleaseStore(DATA).verify(version)
