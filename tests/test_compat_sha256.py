"""The sha256 that checks every release file: CPython's own module, found without a failed import.

Before Python 3.12 the module is ``_sha256``, from 3.12 on ``_sha2``.
Trying the newer name first searched the whole path, in vain, on every first
load before 3.12; the name is now chosen by the version.  Whatever the
interpreter gives, the digests are hashlib's.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import sys
import types
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzrights import _compat


class _Recorder(importlib.abc.MetaPathFinder):
    """Notes every module the import system searches the path for, and finds none of them itself."""

    def __init__(self) -> None:
        self.searched: list[str] = []

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        self.searched.append(fullname)


def test_the_builtin_module_is_found_without_searching_for_the_other_name(monkeypatch):
    """On CPython the sha256 class comes from the one module this version has; no import fails on the way."""
    if sys.implementation.name != "cpython":
        pytest.skip("CPython's own modules")
    expected = "_sha2" if sys.version_info >= (3, 12) else "_sha256"
    __import__(expected)  # already imported: only a name that is not there makes the import system search
    recorder = _Recorder()
    monkeypatch.setattr(sys, "meta_path", [recorder, *sys.meta_path])
    sha256 = _compat._builtin_sha256()
    assert recorder.searched == []
    assert sha256 is sys.modules[expected].sha256


@pytest.mark.parametrize("missing", ["_sha2", "_sha256"])
def test_without_the_builtin_module_hashlib_serves(monkeypatch, missing):
    """A CPython built without its own sha256 module hashes with hashlib's, to the same digests."""
    monkeypatch.setitem(sys.modules, missing, None)  # an import of it raises ImportError
    monkeypatch.setattr(_compat, "_sha256", None)
    if (sys.version_info >= (3, 12)) == (missing == "_sha2"):  # this version's module is the missing one
        assert _compat._builtin_sha256() is hashlib.sha256
    assert _compat.sha256_hex(b"kzrights") == hashlib.sha256(b"kzrights").hexdigest()


def test_another_interpreter_uses_hashlib(monkeypatch):
    """On an interpreter that is not CPython the private modules are not tried: hashlib's sha256."""
    fake = types.SimpleNamespace(
        implementation=types.SimpleNamespace(name="pypy"), version_info=sys.version_info
    )
    monkeypatch.setattr(_compat, "sys", fake)
    assert _compat._builtin_sha256() is hashlib.sha256


@given(st.binary(max_size=5000))
def test_the_digests_are_hashlibs(data):
    """Any bytes hash to hashlib's hex digest."""
    assert _compat.sha256_hex(data) == hashlib.sha256(data).hexdigest()
