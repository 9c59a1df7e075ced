"""The loader builds records with their values in order: the same records as by keyword (issue 13)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

import kzrights
from kzrights import DataIntegrityError, _structuring
from kzrights._converter import ReleaseDocument, _ReleaseHooks, _structure, unstructure

from .conftest import DATA


class _ByKeyword(_ReleaseHooks):
    """The release's hooks, each record built from a dict of keyword arguments, as before issue 13."""

    def _fields(self, cls: Any, fields: list[tuple[str, Any, Any]], *, positional: bool) -> Any:
        return super()._fields(cls, fields, positional=False)


def _document(version: str) -> Any:
    return json.loads((DATA / "releases" / version / "report.json").read_bytes())


@pytest.mark.parametrize("version", kzrights.versions())
def test_every_release_gives_the_records_it_gave_by_keyword(version):
    """Each shipped release structures to equal records, of the same types, either way."""
    data = _document(version)
    ours = _structure(_ReleaseHooks(fill_forms=False), data, ReleaseDocument, version=version, file="x")
    keyword = _structure(_ByKeyword(fill_forms=False), data, ReleaseDocument, version=version, file="x")
    assert ours == keyword
    # types too: equality alone would take an int 5 for a float 5.0
    assert json.dumps(unstructure(ours)) == json.dumps(unstructure(keyword))


def test_a_record_missing_a_later_field_gets_its_default():
    """A key an older layout lacks, before others the record has, takes the field's default in its place."""
    data = _document(kzrights.versions()[-1])
    figure = next(f for f in data["figures"] if f.get("value") is not None)
    del figure["value"]  # a middle field: the ones after it keep their places
    document = _structuring.structure_document(data, version="x", file="report.json")
    built = next(f for f in document.figures if f.id == figure["id"])
    assert built.value is None
    assert built.unit == figure.get("unit")
    assert built.description == figure["description"]


def test_an_unknown_key_is_still_named():
    """A key that is no field of the record is an error that names it, with its path."""
    data = _document(kzrights.versions()[-1])
    position = next(n for n, entity in enumerate(data["entities"]) if entity.get("forms"))
    data["entities"][position]["forms"][0]["categry"] = "person"
    where = rf"\$\.entities\[{position}\]\.forms\[0\]"
    with pytest.raises(DataIntegrityError, match=rf"expected Alias @ {where} \(unknown fields 'categry'\)"):
        _structuring.structure_document(data, version="x", file="report.json")


def test_loading_the_shipped_releases_never_imports_the_converter():
    """Every shipped release loads through the generated functions: the converter's hooks stay unimported.

    Its exact hooks serve only a release those functions do not take (and
    name its fault); the unstructuring is for the exports, the CLI and the
    build.  A script that loads releases and reads their records pays for neither.
    """
    code = (
        "import sys, kzrights; reports = [kzrights.load(v) for v in kzrights.versions()];"
        "print(sorted(m for m in ('kzrights._converter', 'cattrs') if m in sys.modules), len(reports))"
    )
    # not -I: the child imports the kzrights this test runs against, wherever PYTHONPATH puts it
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]", str(len(kzrights.versions()))]


def test_loading_the_shipped_releases_needs_no_bisect():
    """The release checks place a mention after its record's footnote markers without `bisect`.

    Importing it (and its C module) cost every first load 0.3 to 0.5 ms, for
    a search among the few markers of one record (docs/benchmarks.md,
    session 11).  The child makes both modules unimportable rather than
    looking for them in ``sys.modules``, where coverage's start-up hook
    (CI measures coverage in every subprocess) has already put them.
    """
    code = (
        "import sys; sys.modules['bisect'] = sys.modules['_bisect'] = None;"
        "import kzrights; reports = [kzrights.load(v) for v in kzrights.versions()]; print(len(reports))"
    )
    # not -I: the child imports the kzrights this test runs against, wherever PYTHONPATH puts it
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout.split() == [str(len(kzrights.versions()))]
