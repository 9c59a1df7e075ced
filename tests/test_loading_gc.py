"""The first load pauses Python's cyclic garbage collector, and always hands it back as it found it."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

import kzrights
from kzrights import DataIntegrityError
from kzrights.releases import ReleaseStore

DATA = Path(kzrights.__file__).with_name("data")


def _paused_during_load(store: ReleaseStore, version: str) -> list[bool]:
    """Load ``version`` from ``store``, noting whether the collector ran while the records were checked."""
    seen: list[bool] = []
    original = store._checked_release

    def checked(entry):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return original(entry)

    store._checked_release = checked  # type: ignore[method-assign]
    store.load(version)
    return seen


def test_the_collector_is_paused_during_the_load_and_running_after():
    """A first load runs with the collector paused; it is on again when load() returns."""
    assert gc.isenabled()
    assert _paused_during_load(ReleaseStore(DATA), "1.3.0") == [False]
    assert gc.isenabled()


def test_a_caller_who_paused_the_collector_finds_it_paused():
    """load() never switches on a collector its caller had switched off."""
    gc.disable()
    try:
        ReleaseStore(DATA).load("1.0.0")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_load_that_fails_switches_the_collector_back_on(tmp_path):
    """A release that fails its checks raises DataIntegrityError, with the collector running again."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("__pycache__"))
    source = folder / "releases" / "1.0.0" / "source.txt"
    source.write_bytes(source.read_bytes().replace(b"Kazakhstan", b"Kazakhstam", 1))
    with pytest.raises(DataIntegrityError):
        ReleaseStore(folder).load("1.0.0")
    assert gc.isenabled()
