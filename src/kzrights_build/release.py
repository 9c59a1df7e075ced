"""Turning seeds into the files of a data release, and writing them.

`build_release` is pure and deterministic: the same seeds give the
same bytes, with no timestamps and with keys in a fixed order.
`write_release` refuses to change a release that already exists
(shipped releases never change) unless told to.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import attrs

from kzrights._converter import unstructure_document
from kzrights._document import TEXT_PARTS, ReleaseDocument
from kzrights._layout import DOCUMENT_FILE, INDEX_FILE, MANIFEST_FILE, RELEASES_FOLDER, SCHEMA, SOURCE_FILE
from kzrights.errors import BuildError
from kzrights.records import Metadata, Span

from .annotations import FIGURES_FILE, THEMES_FILE, read_annotations
from .entities import TextRecord, link_entities, with_entity_ids
from .parse import parse
from .sdg import SDG_FILE, read_sdg
from .seeds import Seeds
from .sources import SOURCES_FILE, read_sources

__all__ = [
    "RELEASES_FOLDER",
    "BuiltRelease",
    "build_release",
    "dump_json",
    "index_bytes",
    "version_key",
    "write_release",
]

_VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


def version_key(version: str) -> tuple[int, int, int]:
    """Return a sort key for a ``MAJOR.MINOR.PATCH`` version.

    Numbers compare as numbers, not as text:

    >>> sorted(["1.10.0", "1.2.0", "1.9.1"], key=version_key)
    ['1.2.0', '1.9.1', '1.10.0']

    Raises:
        BuildError: If ``version`` is not of that form.
    """
    match = _VERSION.fullmatch(version)
    if match is None:
        raise BuildError("seeds/report.toml", f"release.version {version!r} is not MAJOR.MINOR.PATCH")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def dump_json(data: Any) -> bytes:
    """Serialise ``data`` the one way every release file is written."""
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@attrs.frozen
class BuiltRelease:
    """The files of one release, by name, ready to write."""

    version: str
    files: dict[str, bytes] = attrs.field(repr=False)

    @property
    def directory(self) -> str:
        """The release's folder, relative to the package's data folder."""
        return f"{RELEASES_FOLDER}/{self.version}"


def _document(seeds: Seeds) -> ReleaseDocument:
    source = seeds.source_text
    parsed = parse(source, seeds.capture)
    header = parsed.header
    publisher_start = source.index(seeds.publisher)
    records: list[TextRecord] = [r for name in TEXT_PARTS for r in getattr(parsed, name)]
    sdg = None
    if seeds.sdg_data:
        sdg = read_sdg(
            seeds.sdg_data, f"{seeds.directory}/{SDG_FILE}", Path(seeds.directory), records, source
        )
    metadata = Metadata(
        title=header.title,
        authors=header.authors,
        published=header.published,
        publisher=seeds.publisher,
        series=seeds.series,
        country=seeds.country,
        language=seeds.language,
        source_file=seeds.source_file,
        source_sha256=seeds.source_sha256,
        rights=seeds.rights,
        citation=seeds.citation,
        title_span=header.title_span,
        authors_span=header.authors_span,
        published_span=header.published_span,
        publisher_span=Span(publisher_start, publisher_start + len(seeds.publisher)),
        vocabularies=(sdg.vocabulary,) if sdg else (),
    )
    entity_ids, mentions = link_entities(records, source, seeds.entities, seeds.linking)
    annotations = None
    if seeds.themes_data:
        annotations = read_annotations(
            seeds.themes_data,
            f"{seeds.directory}/{THEMES_FILE}",
            seeds.figures_data,
            f"{seeds.directory}/{FIGURES_FILE}",
            records,
            source,
        )
    recommendations = tuple(with_entity_ids(r, entity_ids) for r in parsed.recommendations)
    if annotations is not None:
        recommendations = tuple(annotations.apply(r) for r in recommendations)
    if sdg is not None:
        recommendations = tuple(sdg.apply(r) for r in recommendations)
    return ReleaseDocument(
        schema=SCHEMA,
        metadata=metadata,
        sections=parsed.sections,
        paragraphs=tuple(with_entity_ids(p, entity_ids) for p in parsed.paragraphs),
        items=tuple(with_entity_ids(i, entity_ids) for i in parsed.items),
        recommendations=recommendations,
        footnotes=tuple(with_entity_ids(f, entity_ids) for f in parsed.footnotes),
        entities=seeds.entities,
        mentions=mentions,
        themes=annotations.themes if annotations else (),
        figures=annotations.figures if annotations else (),
        sources=read_sources(seeds.sources_data, f"{seeds.directory}/{SOURCES_FILE}", parsed.footnotes),
        linking=(seeds.linking,) if seeds.linking is not None else (),
        sdg_goals=sdg.goals if sdg else (),
        sdg_targets=sdg.targets if sdg else (),
    )


def build_release(seeds: Seeds) -> BuiltRelease:
    """Build the files of the release that ``seeds`` describe.

    Returns ``report.json`` (the records), ``source.txt`` (the source, byte
    for byte) and ``manifest.json`` (size and sha256 of each).

    Raises:
        BuildError: If the seeds cannot be parsed into a release.
    """
    version_key(seeds.version)
    files = {
        DOCUMENT_FILE: dump_json(unstructure_document(_document(seeds))),
        SOURCE_FILE: seeds.source_bytes,
    }
    manifest = {
        "release": seeds.version,
        "schema": SCHEMA,
        "files": [
            {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in sorted(files.items())
        ],
    }
    files[MANIFEST_FILE] = dump_json(manifest)
    return BuiltRelease(seeds.version, files)


def index_bytes(data_dir: Path) -> bytes:
    """Return the release index for every release folder under ``data_dir``, oldest first."""
    releases_dir = data_dir / RELEASES_FOLDER
    found = (
        [p.name for p in releases_dir.iterdir() if (p / MANIFEST_FILE).is_file()]
        if releases_dir.is_dir()
        else []
    )
    entries = [
        {
            "version": version,
            "directory": f"{RELEASES_FOLDER}/{version}",
            "manifest_sha256": hashlib.sha256(
                (releases_dir / version / MANIFEST_FILE).read_bytes()
            ).hexdigest(),
        }
        for version in sorted(found, key=version_key)
    ]
    return dump_json({"releases": entries})


def write_release(release: BuiltRelease, data_dir: Path, *, replace: bool = False) -> bool:
    """Write ``release`` under ``data_dir`` and refresh the release index.

    Args:
        release: The files to write.
        data_dir: The package's data folder (``src/kzrights/data``).
        replace: Overwrite an existing release whose files differ.  Only for
            a release that has not been published yet.

    Returns:
        Whether anything on disk changed.

    Raises:
        BuildError: If the release exists with other content and ``replace``
            is false.
    """
    target = data_dir / release.directory
    existing = {p.name: p.read_bytes() for p in target.iterdir() if p.is_file()} if target.is_dir() else {}
    changed = existing != release.files
    if existing and changed and not replace:
        raise BuildError(
            str(target),
            "this release already exists with other content, and shipped releases never change: "
            "bump release.version in seeds/report.toml (or pass --replace for an unpublished release)",
        )
    if changed:
        target.mkdir(parents=True, exist_ok=True)
        for stale in set(existing) - set(release.files):
            (target / stale).unlink()
        for name, data in release.files.items():
            (target / name).write_bytes(data)
    index_path = data_dir / INDEX_FILE
    index = index_bytes(data_dir)
    if not index_path.is_file() or index_path.read_bytes() != index:
        index_path.write_bytes(index)
        changed = True
    return changed
