"""The command line's ``--json`` is the library's one JSON form of its objects, whatever the command."""

from __future__ import annotations

import json
import subprocess
import sys

import attrs
import pytest

import kzrights
from kzrights._converter import structure
from kzrights.compare import ReleaseDiff
from kzrights.records import Mention

REPORT = kzrights.load("1.1.0")


def run_json(*args: str, stdin: str | None = None) -> object:
    out = subprocess.run(
        [sys.executable, "-m", "kzrights", *args, "--json"],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _one_of_each_kind() -> list[str]:
    first: dict[type, str] = {}
    for id in REPORT.ids():
        first.setdefault(type(REPORT.get(id)), id)
    return list(first.values())


@pytest.mark.parametrize("id", _one_of_each_kind())
def test_show_prints_the_record_as_the_release_stores_it(id):
    """The JSON of `show` is the record as the release stores it, plus its kind: it reads back the same."""
    record = REPORT.get(id)
    data = run_json("show", id, "--data-version", REPORT.version)
    assert isinstance(data, dict)
    assert data.pop("kind") == record.kind
    assert structure(data, type(record), version=REPORT.version, file="stdout") == record


def test_annotate_prints_mentions_that_read_back():
    """The JSON of `annotate` is each mention as the release stores it, less the fields without a value."""
    text = "Activists of NUR OTAN met Бокаев in Almaty."
    data = run_json("annotate", "-", stdin=text)
    assert isinstance(data, list) and data
    mentions = [structure(item, Mention, version=None, file="stdout") for item in data]
    assert mentions == list(kzrights.annotate(text))
    assert all(value is not None for item in data for value in item.values())


def test_diff_prints_every_field_of_the_release_diff():
    """The JSON of `diff` has one key per field of ReleaseDiff, with the same values."""
    change = kzrights.diff("1.0.0", "1.1.0")
    data = run_json("diff", "1.0.0", "1.1.0")
    assert isinstance(data, dict)
    assert list(data) == [field.name for field in attrs.fields(ReleaseDiff)]
    assert data["changed"] == [{"id": c.id, "fields": list(c.fields)} for c in change.changed]
    assert data["added"] == list(change.added) and data["mentions"] == list(change.mentions)
