"""The derived entity forms (derived/<version>/forms.json): a faster first load, never other records.

An entity stored without forms (every entity before release 1.2.0, and from
1.2.0 those whose forms are the ones their name and aliases give) gets its
default forms when the release is loaded.  The build derives them into a
file beside the frozen release folders, which the loader uses only while
its header ties it to the release and its content fits each entity.  These
tests load a copy of the package's data folder with the file as shipped,
absent, stale and tampered with, and hold every entity to the one the
loader derives in memory.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kzrights
from kzrights._compat import sha256_hex
from kzrights._layout import DERIVED_FOLDER, FORMS_FILE
from kzrights._structuring import FORMS_FORMAT, structure_document
from kzrights.releases import ReleaseStore

from .conftest import nested_payload

DATA = Path(kzrights.__file__).with_name("data")
VERSIONS = kzrights.versions()
NEWEST = VERSIONS[-1]


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def _in_memory(version: str, tmp_path: Path) -> kzrights.Report:
    """The release loaded from a copy of the data folder without any derived file."""
    folder = _copy(tmp_path / "memory")
    shutil.rmtree(folder / DERIVED_FOLDER)
    return ReleaseStore(folder).load(version)


def _forms(report: kzrights.Report) -> list[tuple[str, tuple[kzrights.Alias, ...]]]:
    """What a user sees of each entity's forms."""
    return [(entity.id, entity.forms) for entity in report.entities]


def _rewrite(path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    """Change the payload with ``edit`` and give the header the new payload's sha256."""
    header, _, body = path.read_bytes().partition(b"\n")
    body = json.dumps(edit(json.loads(body)), ensure_ascii=False).encode()
    fields = {**json.loads(header), "payload_sha256": sha256_hex(body)}
    path.write_bytes(json.dumps(fields).encode() + b"\n" + body)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_release_loads_the_same_records_with_and_without_its_derived_forms(version, tmp_path):
    """The shipped files give exactly the forms the loader would derive in memory."""
    shipped = kzrights.load(version)
    memory = _in_memory(version, tmp_path)
    assert memory == shipped
    assert _forms(memory) == _forms(shipped)
    assert [entity.forms for entity in shipped.entities] == [e.forms for e in memory.entities]


def test_the_first_load_needs_no_character_rules():
    """With the derived forms, loading a release imports neither the name keys nor the character rules.

    They are imported on first use by what needs them (a search, Report.entity, annotate).
    """
    code = (
        "import sys, kzrights; report = kzrights.load();"
        "print([m for m in ('kzrights._names', 'kzrights._chars') if m in sys.modules], len(report.entities))"
    )
    # not -I: the child imports the kzrights this test runs against, wherever PYTHONPATH puts it
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]", str(len(kzrights.load().entities))]


def _swap_first_kind(payload):  # type: ignore[no-untyped-def]
    """An entity's name given as an alias: a valid kind, but the name must come first."""
    entity_id = next(iter(payload["entities"]))
    payload["entities"][entity_id][0][0] = "alias"
    return payload


def _one_form_less(payload):  # type: ignore[no-untyped-def]
    entity_id = next(key for key, forms in payload["entities"].items() if len(forms) > 1)
    payload["entities"][entity_id].pop()
    return payload


def _tamper(path: Path, _: Path) -> None:
    """The payload changed (an entity's forms dropped), the header left as it was."""
    header, _, body = path.read_bytes().partition(b"\n")
    payload = json.loads(body)
    payload["entities"] = {}
    path.write_bytes(header + b"\n" + json.dumps(payload).encode())


def _other_release(path: Path, folder: Path) -> None:
    shutil.copyfile(folder / DERIVED_FOLDER / VERSIONS[-2] / FORMS_FILE, path)


def _header(**fields):  # type: ignore[no-untyped-def]
    def change(path: Path, _: Path) -> None:
        header, _, body = path.read_bytes().partition(b"\n")
        path.write_bytes(json.dumps({**json.loads(header), **fields}).encode() + b"\n" + body)

    return change


UNTRUSTED = {
    "absent": lambda path, _: path.unlink(),
    "a folder in its place": lambda path, _: (path.unlink(), path.mkdir()),
    "payload changed, header not": _tamper,
    "another release's file": _other_release,
    "another format": _header(format=FORMS_FORMAT + 1),
    "another manifest": _header(manifest_sha256="0" * 64),
    "header not JSON": lambda path, _: path.write_bytes(
        b"{not json\n" + path.read_bytes().partition(b"\n")[2]
    ),
    "empty": lambda path, _: path.write_bytes(b""),
    "an unknown kind (sha256 recomputed)": lambda path, _: _rewrite(
        path, lambda p: {"entities": {k: [["nickname", None] for _ in v] for k, v in p["entities"].items()}}
    ),
    "a form too few (sha256 recomputed)": lambda path, _: _rewrite(path, _one_form_less),
    "the name not first (sha256 recomputed)": lambda path, _: _rewrite(path, _swap_first_kind),
    "an unknown language (sha256 recomputed)": lambda path, _: _rewrite(
        path, lambda p: {"entities": {k: [[f, "de"] for f, _ in v] for k, v in p["entities"].items()}}
    ),
    "a language that is a list (sha256 recomputed)": lambda path, _: _rewrite(
        path, lambda p: {"entities": {k: [[f, []] for f, _ in v] for k, v in p["entities"].items()}}
    ),
    "nested too deeply to read (sha256 recomputed)": nested_payload(b"[", b"]"),
    "an object nested too deeply (sha256 recomputed)": nested_payload(b'{"a":', b"}", b"0"),
    "not an object (sha256 recomputed)": lambda path, _: _rewrite(path, lambda p: [p]),
    "entities not an object (sha256 recomputed)": lambda path, _: _rewrite(path, lambda p: {"entities": [1]}),
}


@pytest.mark.parametrize("case", UNTRUSTED)
def test_a_derived_forms_file_that_does_not_fit_is_not_used(case, tmp_path):
    """Absent, stale, tampered with or not fitting an entity: the forms are derived in memory, the same."""
    folder = _copy(tmp_path)
    UNTRUSTED[case](folder / DERIVED_FOLDER / NEWEST / FORMS_FILE, folder)
    report = ReleaseStore(folder).load(NEWEST)
    assert _forms(report) == _forms(kzrights.load(NEWEST))
    assert report == kzrights.load(NEWEST)


@pytest.mark.parametrize("written", [b"true", b"1.0", b"1e0"])
def test_a_header_whose_format_is_not_written_as_an_int_is_not_trusted(written, tmp_path):
    """A header giving ``"format": true`` (or 1.0, 1e0), which the build never writes: not used, not verified.

    Python compares ``True == 1.0 == 1``, so the loader took such a header for
    format 1 and verify() checked the file (tester, session 23). Now neither
    trusts it: the forms are derived in memory, and verify() lists no such file.
    """
    folder = _copy(tmp_path)
    path = folder / DERIVED_FOLDER / NEWEST / FORMS_FILE
    header, _, body = path.read_bytes().partition(b"\n")
    fields = json.loads(header)
    assert fields["format"] == FORMS_FORMAT == 1  # the spellings below mean 1
    rest = json.dumps({k: v for k, v in fields.items() if k != "format"})[1:]
    path.write_bytes(b'{"format": ' + written + b", " + rest.encode() + b"\n" + body)
    store = ReleaseStore(folder)
    assert f"{DERIVED_FOLDER}/{NEWEST}/{FORMS_FILE}" not in store.verify(NEWEST)
    assert f"{DERIVED_FOLDER}/{NEWEST}/{FORMS_FILE}" in ReleaseStore(_copy(tmp_path / "intact")).verify(
        NEWEST
    )
    assert _forms(store.load(NEWEST)) == _forms(kzrights.load(NEWEST))


_REPORT_JSON = json.loads((DATA / "releases" / NEWEST / "report.json").read_bytes())
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
_ENTITY_IDS = [entity["id"] for entity in _REPORT_JSON["entities"] if not entity.get("forms")]


@given(
    st.one_of(
        _JSON,
        st.builds(
            lambda forms: {"entities": forms},
            st.dictionaries(st.sampled_from(_ENTITY_IDS), _JSON, max_size=5),
        ),
    )
)
@settings(max_examples=200, deadline=None)
def test_any_payload_that_does_not_fit_gives_the_forms_derived_in_memory(payload):
    """Whatever JSON a (hash-consistent) derived file holds, each entity gets its default forms."""
    expected = structure_document(_REPORT_JSON, version=NEWEST, file="report.json").entities
    body = json.dumps(payload).encode()
    document = structure_document(
        _REPORT_JSON, version=NEWEST, file="report.json", derived_forms=lambda: body
    )
    assert document.entities == expected
