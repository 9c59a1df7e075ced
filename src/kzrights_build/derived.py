"""The derived files of the releases: data computed from a release once, at build time.

A derived file lives in ``derived/<version>/`` of the data folder, beside
(never inside) the frozen release folders, so that adding or rebuilding one
never changes a release's files or hashes.  The loader uses it only while
its header ties it to the release it was made from (see
`kzrights.releases.ReleaseStore.derived`); otherwise the same data is
computed in memory.  Today there are two: ``search.json``, the first
search's terms and name keys (`kzrights.search._derived`), and
``forms.json``, the default forms of the entities stored without any
(`kzrights._converter.forms_payload`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kzrights import _converter, _structuring
from kzrights._compat import sha256_hex
from kzrights._layout import DERIVED_FOLDER, DOCUMENT_FILE, FORMS_FILE, SEARCH_FILE
from kzrights.releases import ReleaseStore
from kzrights.search import _derived

__all__ = ["derived_files", "write_derived"]


def _encode(format: int, version: str, manifest_sha256: str, payload: Any) -> bytes:
    """Return a derived file: its header line, then ``payload``, as `ReleaseStore.derived` checks them.

    Args:
        format: The payload's format number, as its reader expects it.
        version: The release's version.
        manifest_sha256: The sha256 of the release's manifest, as the release index lists it.
        payload: The JSON-ready payload.
    """
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    header = {
        "format": format,
        "release": version,
        "manifest_sha256": manifest_sha256,
        "payload_sha256": sha256_hex(body),
    }
    return json.dumps(header).encode("ascii") + b"\n" + body


def derived_files(data_dir: Path) -> dict[Path, bytes]:
    """Return the derived files of every release in ``data_dir``, by path, as the build makes them.

    Raises:
        DataIntegrityError: If a release does not load (its files do not match its manifest).
    """
    store = ReleaseStore(data_dir)
    files: dict[Path, bytes] = {}
    for version in store.versions():
        report = store.load(version)
        manifest_sha256 = store._index()[version].manifest_sha256
        payload = _encode(_derived.FORMAT, version, manifest_sha256, _derived.derive(report))
        files[data_dir / DERIVED_FOLDER / version / SEARCH_FILE] = payload
        document = json.loads((data_dir / store._index()[version].directory / DOCUMENT_FILE).read_bytes())
        forms = _encode(
            _structuring.FORMS_FORMAT, version, manifest_sha256, _converter.forms_payload(document)
        )
        files[data_dir / DERIVED_FOLDER / version / FORMS_FILE] = forms
    return files


def write_derived(data_dir: Path) -> list[Path]:
    """Write the derived files of every release in ``data_dir``; return those that changed."""
    changed = []
    for path, data in derived_files(data_dir).items():
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed.append(path)
    return changed
