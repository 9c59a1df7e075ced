"""Reading ``seeds/``: the source text and the hand-curated ``report.toml``."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

import attrs

from kzrights.errors import BuildError
from kzrights.records import Entity, LinkingRules, Rights

from .annotations import FIGURES_FILE, THEMES_FILE
from .entities import ENTITIES_FILE, LINKING_FILE, read_entities, read_linking, with_inflected_forms
from .parse import Capture
from .sdg import SDG_FILE
from .seed_files import ReportFile, read
from .sources import SOURCES_FILE

__all__ = ["CONFIG_FILE", "Seeds", "load_toml", "read_seeds"]

CONFIG_FILE = "report.toml"


@attrs.frozen
class Seeds:
    """Everything the build reads from ``seeds/``."""

    version: str
    source_file: str
    source_bytes: bytes = attrs.field(repr=False)
    capture: Capture
    publisher: str
    series: str
    country: str
    language: str
    citation: str
    rights: Rights
    entities: tuple[Entity, ...] = ()
    linking: LinkingRules | None = None
    themes_data: dict[str, Any] = attrs.field(factory=dict, repr=False)
    figures_data: dict[str, Any] = attrs.field(factory=dict, repr=False)
    sources_data: dict[str, Any] = attrs.field(factory=dict, repr=False)
    sdg_data: dict[str, Any] = attrs.field(factory=dict, repr=False)
    directory: str = "seeds"

    @property
    def source_text(self) -> str:
        """The source, decoded."""
        return self.source_bytes.decode("utf-8")

    @property
    def source_sha256(self) -> str:
        """The source's sha256, in hex."""
        return hashlib.sha256(self.source_bytes).hexdigest()


def load_toml(path: Path) -> dict[str, Any]:
    """Read a TOML seed file.

    Raises:
        BuildError: If it is missing or not valid TOML.
    """
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        try:
            import tomli as tomllib
        except ImportError:
            raise BuildError(
                str(path), "reading TOML on Python 3.10 needs tomli: pip install 'kzrights[test]'"
            ) from None
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise BuildError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise BuildError(str(path), f"not valid TOML ({exc})") from None


def read_seeds(directory: Path) -> Seeds:
    """Read ``report.toml`` and the source text it names from ``directory``.

    Raises:
        BuildError: If a file is missing or malformed, or a value that
            claims to come from the report does not occur in its text.
    """
    config_path = directory / CONFIG_FILE
    config = read(load_toml(config_path), ReportFile, str(config_path))
    source_name = config.source.file
    if "/" in source_name or "\\" in source_name or source_name.startswith("."):
        raise BuildError(str(config_path), f"source.file must be a plain file name, not {source_name!r}")
    source_path = directory / source_name
    try:
        source_bytes = source_path.read_bytes()
        source_text = source_bytes.decode("utf-8")
    except OSError as exc:
        raise BuildError(str(source_path), f"cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise BuildError(str(source_path), f"not UTF-8 ({exc})") from None
    metadata = config.metadata
    seeds = Seeds(
        version=config.release.version,
        source_file=source_name,
        source_bytes=source_bytes,
        capture=Capture(
            path=str(source_path),
            furniture_before=config.capture.furniture_before,
            furniture_after=config.capture.furniture_after,
            recommendations_heading=config.capture.recommendations_heading,
        ),
        publisher=metadata.publisher,
        series=metadata.series,
        country=metadata.country,
        language=metadata.language,
        citation=metadata.citation,
        rights=Rights(
            report_text=metadata.rights.report_text,
            attribution=metadata.rights.attribution,
            code_licence=metadata.rights.code_licence,
            annotations_licence=metadata.rights.annotations_licence,
        ),
    )
    entities_path = directory / ENTITIES_FILE
    if entities_path.is_file():
        entities = read_entities(load_toml(entities_path), str(entities_path))
        linking_path = directory / LINKING_FILE
        rules = None
        if linking_path.is_file():
            entities, rules = read_linking(load_toml(linking_path), str(linking_path), entities)
        # the inflected forms are generated from the classed forms, and keep their classes
        entities = with_inflected_forms(entities)
        seeds = attrs.evolve(seeds, entities=entities, linking=rules)
    seeds = attrs.evolve(seeds, directory=str(directory))
    if (directory / THEMES_FILE).is_file():
        seeds = attrs.evolve(seeds, themes_data=load_toml(directory / THEMES_FILE))
    if (directory / FIGURES_FILE).is_file():
        seeds = attrs.evolve(seeds, figures_data=load_toml(directory / FIGURES_FILE))
    if (directory / SOURCES_FILE).is_file():
        seeds = attrs.evolve(seeds, sources_data=load_toml(directory / SOURCES_FILE))
    if (directory / SDG_FILE).is_file():
        seeds = attrs.evolve(seeds, sdg_data=load_toml(directory / SDG_FILE))
    for key in ("publisher", "series", "country"):
        if getattr(seeds, key) not in source_text:
            raise BuildError(
                str(config_path), f"metadata.{key} {getattr(seeds, key)!r} does not occur in the source text"
            )
    return seeds
