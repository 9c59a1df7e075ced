"""Reading ``seeds/``: the source text and the hand-curated ``report.toml``."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

import attrs

from kzrights.errors import BuildError
from kzrights.records import Entity, Rights

from .annotations import FIGURES_FILE, THEMES_FILE
from .entities import ENTITIES_FILE, read_entities
from .parse import Capture
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
    themes_data: dict[str, Any] = attrs.field(factory=dict, repr=False)
    figures_data: dict[str, Any] = attrs.field(factory=dict, repr=False)
    sources_data: dict[str, Any] = attrs.field(factory=dict, repr=False)
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


def _get(table: dict[str, Any], key: str, path: Path, kind: type = str) -> Any:
    dotted = key.split(".")
    value: Any = table
    for part in dotted:
        if not isinstance(value, dict) or part not in value:
            raise BuildError(str(path), f"missing key {key!r}")
        value = value[part]
    if kind is tuple:
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise BuildError(str(path), f"{key!r} must be a list of strings")
        return tuple(value)
    if not isinstance(value, kind):
        raise BuildError(str(path), f"{key!r} must be a {kind.__name__}")
    return value


def read_seeds(directory: Path) -> Seeds:
    """Read ``report.toml`` and the source text it names from ``directory``.

    Raises:
        BuildError: If a file is missing or malformed, or a value that
            claims to come from the report does not occur in its text.
    """
    config_path = directory / CONFIG_FILE
    config = load_toml(config_path)
    source_name = _get(config, "source.file", config_path)
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
    seeds = Seeds(
        version=_get(config, "release.version", config_path),
        source_file=source_name,
        source_bytes=source_bytes,
        capture=Capture(
            path=str(source_path),
            furniture_before=_get(config, "capture.furniture_before", config_path, tuple),
            furniture_after=_get(config, "capture.furniture_after", config_path, tuple),
            recommendations_heading=_get(config, "capture.recommendations_heading", config_path),
        ),
        publisher=_get(config, "metadata.publisher", config_path),
        series=_get(config, "metadata.series", config_path),
        country=_get(config, "metadata.country", config_path),
        language=_get(config, "metadata.language", config_path),
        citation=_get(config, "metadata.citation", config_path),
        rights=Rights(
            report_text=_get(config, "metadata.rights.report_text", config_path),
            attribution=_get(config, "metadata.rights.attribution", config_path),
            code_licence=_get(config, "metadata.rights.code_licence", config_path),
            annotations_licence=_get(config, "metadata.rights.annotations_licence", config_path),
        ),
    )
    entities_path = directory / ENTITIES_FILE
    if entities_path.is_file():
        seeds = attrs.evolve(seeds, entities=read_entities(load_toml(entities_path), str(entities_path)))
    seeds = attrs.evolve(seeds, directory=str(directory))
    if (directory / THEMES_FILE).is_file():
        seeds = attrs.evolve(seeds, themes_data=load_toml(directory / THEMES_FILE))
    if (directory / FIGURES_FILE).is_file():
        seeds = attrs.evolve(seeds, figures_data=load_toml(directory / FIGURES_FILE))
    if (directory / SOURCES_FILE).is_file():
        seeds = attrs.evolve(seeds, sources_data=load_toml(directory / SOURCES_FILE))
    for key in ("publisher", "series", "country"):
        if getattr(seeds, key) not in source_text:
            raise BuildError(
                str(config_path), f"metadata.{key} {getattr(seeds, key)!r} does not occur in the source text"
            )
    return seeds
