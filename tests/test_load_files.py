"""The loader reads each data file whole, with unbuffered reads, up to its size limit (issue 13)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kzrights import DataIntegrityError, releases
from kzrights.releases import ReleaseStore, _read_regular_file

from .conftest import DATA


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private copy of the package's data folder."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def _with_lying_sizes(shift: int, read: Callable[[], Any]) -> Any:
    """Return what ``read()`` gives, or the error it raises, while files claim other sizes.

    stat() and fstat() report each file ``shift`` bytes longer (or shorter)
    than it is, as if it changed in between; they are put back before the
    caller looks at the outcome (pytest's own reports stat files).
    """

    def lying(real):  # type: ignore[no-untyped-def]
        def call(target):  # type: ignore[no-untyped-def]
            status = real(target)
            fields = list(status)
            fields[6] = max(0, status.st_size + shift)  # st_size
            return os.stat_result(fields)

        return call

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(releases.os, "stat", lying(os.stat))
        patch.setattr(releases.os, "fstat", lying(os.fstat))
        try:
            return read()
        except Exception as exc:  # noqa: BLE001 - handed to the caller to check
            return exc


@given(content=st.binary(max_size=200_000), shift=st.integers(-200_000, 200_000))
@example(content=b"x" * 70_000, shift=-70_000)  # the whole file past the size fstat gave: 64 kB steps
@example(content=b"", shift=0)
def test_a_file_reads_whole_whatever_size_it_claimed(tmp_path_factory, content, shift):
    """A file's content comes back byte for byte, even if it grew or shrank after fstat() sized it."""
    path = tmp_path_factory.mktemp("files") / "file"
    path.write_bytes(content)
    assert _with_lying_sizes(shift, lambda: _read_regular_file(str(path))) == content


def test_a_release_file_over_the_limit_is_refused_unread(data, monkeypatch):
    """A file larger than MAX_FILE_BYTES is a DataIntegrityError naming its size, and is never read."""
    monkeypatch.setattr(releases, "MAX_FILE_BYTES", 1000)
    with pytest.raises(DataIntegrityError, match=r"report\.json: is \d+ bytes, more than the 1000"):
        ReleaseStore(data).load("1.0.0")


def test_a_release_file_that_grew_past_the_limit_is_refused(data, monkeypatch):
    """A file that says it is small but reads on past the limit is refused when the limit is passed."""
    monkeypatch.setattr(releases, "MAX_FILE_BYTES", 1000)
    # every file claims to be empty
    error = _with_lying_sizes(-(10**9), lambda: ReleaseStore(data).load("1.0.0"))
    assert isinstance(error, DataIntegrityError)
    assert str(error).endswith("report.json: is more than the 1000 bytes a data file may have")


def test_a_release_loads_when_its_files_claim_other_sizes(data):
    """Files whose size changed after fstat() sized them load all the same: the content is what counts."""
    expected = ReleaseStore(data).load("1.3.1")
    assert _with_lying_sizes(-100, lambda: ReleaseStore(data).load("1.3.1")) == expected
