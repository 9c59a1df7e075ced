"""The shape of every seed file, as typed records, and the one converter that checks it.

Each TOML file under ``seeds/`` is structured by cattrs into the records
below before the build reads any of it, so a misspelt key, a missing field,
a value of the wrong type or an unknown category stops the build with one
message naming the file and the path inside it::

    seeds/entities.toml: entity[5]: extra field 'categry'
    seeds/figures.toml: figure[0].value: must be a number, not str

What the shape cannot say (a quote that must occur in its record, an id that
must exist, two entities sharing a name) the readers check afterwards.
"""

from __future__ import annotations

import enum
import re
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, override

from kzrights._document import is_slug
from kzrights.errors import BuildError
from kzrights.records import Ambiguity, EntityCategory, FigureKind

__all__ = [
    "AliasClassSeed",
    "CaptureSeed",
    "EntitiesFile",
    "EntitySeed",
    "EvidenceLinkSeed",
    "FigureSeed",
    "FiguresFile",
    "LinkingFile",
    "MetadataSeed",
    "RecommendationLinksSeed",
    "ReportFile",
    "RightsSeed",
    "SdgLinkSeed",
    "SdgLinksFile",
    "SdgRecommendationSeed",
    "SetAsideSeed",
    "SourceSeed",
    "SourcesFile",
    "ThemeLinkSeed",
    "ThemeSeed",
    "ThemesFile",
    "VocabularySeed",
    "read",
]

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)


def _not_blank(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A curated string says something: empty or all-space text is a slip."""
    values = value if isinstance(value, tuple) else (value,)
    if any(isinstance(v, str) and not v.strip() for v in values):
        raise ValueError(f"{attribute.name.rstrip('_')} must not be blank")


def _text() -> Any:
    return attrs.field(validator=_not_blank)


def _is_slug(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A key the build puts in an id (``entities.<key>``) is a slug, as `check_release` requires of it."""
    if isinstance(value, str) and not is_slug(value):
        raise ValueError(
            f"{attribute.name} must be lower-case letters and digits in words joined by hyphens "
            f"('max-bokayev'), not {value!r}"
        )


def _slug() -> Any:
    return attrs.field(validator=_is_slug)


def _optional_text() -> Any:
    return attrs.field(default=None, validator=attrs.validators.optional(_not_blank))


# ── report.toml ──


@attrs.frozen(kw_only=True)
class ReleaseSeed:
    """``[release]``: the data release the seeds make."""

    version: str = _text()


@attrs.frozen(kw_only=True)
class SourceFileSeed:
    """``[source]``: the captured text, a plain file name in ``seeds/``."""

    file: str = _text()


@attrs.frozen(kw_only=True)
class CaptureSeed:
    """``[capture]``: the web page's furniture around the report's text."""

    furniture_before: tuple[str, ...]
    furniture_after: tuple[str, ...]
    recommendations_heading: str = _text()


@attrs.frozen(kw_only=True)
class RightsSeed:
    """``[metadata.rights]``."""

    report_text: str = _text()
    attribution: str = _text()
    code_licence: str = _text()
    annotations_licence: str = _text()


@attrs.frozen(kw_only=True)
class MetadataSeed:
    """``[metadata]``: what the capture's text does not state in a fixed place."""

    publisher: str = _text()
    series: str = _text()
    country: str = _text()
    language: str = _text()
    citation: str = _text()
    rights: RightsSeed


@attrs.frozen(kw_only=True)
class ReportFile:
    """``report.toml``."""

    release: ReleaseSeed
    source: SourceFileSeed
    capture: CaptureSeed
    metadata: MetadataSeed


# ── entities.toml ──


@attrs.frozen(kw_only=True)
class EntitySeed:
    """One ``[[entity]]``: an id without its ``entities.`` prefix, and related entities' ids likewise."""

    id: str = _slug()
    category: EntityCategory
    name: str = _text()
    aliases: tuple[str, ...] = _text()
    description: str = _text()
    related: tuple[str, ...] = _text()
    background: str | None = _optional_text()
    background_basis: str | None = _optional_text()


@attrs.frozen(kw_only=True)
class EntitiesFile:
    """``entities.toml``."""

    entity: tuple[EntitySeed, ...] = attrs.field(validator=attrs.validators.min_len(1))


# ── linking.toml ──


@attrs.frozen(kw_only=True)
class AliasClassSeed:
    """One ``[[alias]]`` of ``linking.toml``: the ambiguity class of some of an entity's forms."""

    entity: str = _text()
    ambiguity: Ambiguity
    forms: tuple[str, ...] = attrs.field(validator=[_not_blank, attrs.validators.min_len(1)])


@attrs.frozen(kw_only=True)
class LinkingFile:
    """``linking.toml``: the evidence of the linking rules and the class of each form that is not safe."""

    context_entities: tuple[str, ...] = _text()
    context_words: tuple[str, ...] = _text()
    titles: tuple[str, ...] = _text()
    blocking_names: tuple[str, ...] = _text()
    function_words: tuple[str, ...] = _text()
    alias: tuple[AliasClassSeed, ...] = ()


# ── sources.toml ──


@attrs.frozen(kw_only=True)
class SourceSeed:
    """One ``[[source]]``: a work the footnotes cite; every stated field must be in those footnotes."""

    key: str = _slug()
    type: str = attrs.field(validator=attrs.validators.in_(("article", "webpage", "legislation", "report")))
    footnotes: tuple[int, ...] = attrs.field(validator=attrs.validators.min_len(1))
    author: str = _text()
    title: str | None = _optional_text()
    container: str | None = _optional_text()
    date_text: str | None = _optional_text()
    issued: str | None = _optional_text()
    url: str | None = _optional_text()


@attrs.frozen(kw_only=True)
class SourcesFile:
    """``sources.toml``."""

    source: tuple[SourceSeed, ...] = ()


# ── themes.toml ──


@attrs.frozen(kw_only=True)
class ThemeSeed:
    """One ``[[theme]]``; ``item`` names the decree area that states it, when the report does."""

    id: str = _slug()
    name: str = _text()
    description: str = _text()
    item: str | None = _optional_text()


@attrs.frozen(kw_only=True)
class ThemeLinkSeed:
    """A recommendation's link to a theme: explicit (``in`` and ``quote``) or editorial (``rationale``)."""

    theme: str = _text()
    in_: str | None = _optional_text()
    quote: str | None = _optional_text()
    rationale: str | None = _optional_text()


@attrs.frozen(kw_only=True)
class EvidenceLinkSeed:
    """A recommendation's link to a paragraph that argues for it, explicit or editorial likewise."""

    paragraph: str = _text()
    in_: str | None = _optional_text()
    quote: str | None = _optional_text()
    rationale: str | None = _optional_text()


@attrs.frozen(kw_only=True)
class SetAsideSeed:
    """A decree area an evidence paragraph quotes that the curators chose not to link, and why."""

    theme: str = _text()
    rationale: str = _text()


@attrs.frozen(kw_only=True)
class RecommendationLinksSeed:
    """One ``[[recommendation]]``: the links of one recommendation, and the decree areas set aside."""

    id: str = _text()
    themes: tuple[ThemeLinkSeed, ...] = ()
    evidence: tuple[EvidenceLinkSeed, ...] = ()
    set_aside: tuple[SetAsideSeed, ...] = ()


@attrs.frozen(kw_only=True)
class ThemesFile:
    """``themes.toml``."""

    theme: tuple[ThemeSeed, ...] = attrs.field(validator=attrs.validators.min_len(1))
    recommendation: tuple[RecommendationLinksSeed, ...] = ()


# ── sdg_links.toml ──


@attrs.frozen(kw_only=True)
class VocabularySeed:
    """``[vocabulary]``: the reference file of goals and targets, its expected sha256, its licence."""

    file: str = _text()
    sha256: str = attrs.field(validator=attrs.validators.matches_re(r"[0-9a-f]{64}"))
    title: str = _text()
    licence: str = _text()


@attrs.frozen(kw_only=True)
class SdgLinkSeed:
    """A link to an SDG target (``"16.10"``): explicit (``quote``; ``in`` for the lead-in's) or editorial."""

    target: str = _text()
    in_: str | None = _optional_text()
    quote: str | None = _optional_text()
    rationale: str | None = _optional_text()


@attrs.frozen(kw_only=True)
class SdgRecommendationSeed:
    """One ``[[recommendation]]``: the SDG links of one recommendation."""

    id: str = _text()
    sdg: tuple[SdgLinkSeed, ...] = attrs.field(validator=attrs.validators.min_len(1))


@attrs.frozen(kw_only=True)
class SdgLinksFile:
    """``sdg_links.toml``."""

    vocabulary: VocabularySeed
    recommendation: tuple[SdgRecommendationSeed, ...] = ()


# ── figures.toml ──


@attrs.frozen(kw_only=True)
class FigureSeed:
    """One ``[[figure]]``: a number, date or sum the report states, with the words that state it."""

    id: str = _slug()
    kind: FigureKind
    in_: str = _text()
    text: str = _text()
    description: str = _text()
    value: float | None = None
    unit: str | None = _optional_text()
    currency: str | None = _optional_text()
    date: str | None = _optional_text()
    date_end: str | None = _optional_text()
    qualifier: str | None = _optional_text()


@attrs.frozen(kw_only=True)
class FiguresFile:
    """``figures.toml``."""

    figure: tuple[FigureSeed, ...] = ()


# ── the converter ──


def _strict(kind: type[T], name: str) -> Any:
    def hook(value: Any, _: Any) -> T:
        # TOML has real types: never turn 1 into "1", or true into 1
        if type(value) is not kind:
            raise TypeError(f"must be {name}, not {type(value).__name__}")
        return value

    return hook


def _number(value: Any, _: Any) -> float:
    if type(value) not in (int, float):
        raise TypeError(f"must be a number, not {type(value).__name__}")
    return float(value)


def _enum(cls: type[E]) -> Any:
    def hook(value: Any, _: Any) -> E:
        if isinstance(value, str):
            for member in cls:
                if member.value == value:
                    return member
        raise ValueError(f"must be one of {', '.join(m.value for m in cls)}, not {value!r:.40}")

    return hook


def _is_tuple(kind: Any) -> bool:
    args = typing.get_args(kind)
    return typing.get_origin(kind) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple(kind: Any, converter: cattrs.Converter) -> Any:
    """A list, and only a list, becomes a tuple: cattrs would turn the string "ab" into ("a", "b")."""
    element = typing.get_args(kind)[0]
    structure_element = converter.get_structure_hook(element)

    def hook(value: Any, _: Any) -> tuple[Any, ...]:
        if type(value) is not list:
            raise TypeError(f"must be a list, not {type(value).__name__}")
        result, errors = [], []
        for index, item in enumerate(value):
            try:
                result.append(structure_element(item, element))
            except Exception as exc:  # noqa: BLE001 - gathered, as cattrs does, with the index
                note = IterableValidationNote(f"Structuring {kind} @ index {index}", index, element)
                # cattrs reads the index from the exception's notes; Python 3.10 has no add_note()
                setattr(exc, "__notes__", [*getattr(exc, "__notes__", []), note])  # noqa: B010
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {kind!r}", errors, kind)
        return tuple(result)

    return hook


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(str, _strict(str, "a string"))
    converter.register_structure_hook(int, _strict(int, "an integer"))
    converter.register_structure_hook(float, _number)
    for enum_class in (Ambiguity, EntityCategory, FigureKind):
        converter.register_structure_hook(enum_class, _enum(enum_class))
    converter.register_structure_hook_factory(_is_tuple, _tuple)
    # ``in`` is a keyword in Python: the records call it ``in_``
    for cls in (ThemeLinkSeed, EvidenceLinkSeed, FigureSeed, SdgLinkSeed):
        converter.register_structure_hook(
            cls,
            make_dict_structure_fn(cls, converter, in_=override(rename="in"), _cattrs_forbid_extra_keys=True),
        )
    return converter


_converter = _make_converter()


def _message(exc: BaseException, _: Any) -> str:
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return ", ".join(f"extra field {name!r}" for name in sorted(exc.extra_fields))
    if isinstance(exc, KeyError):
        return "missing field"
    return str(exc) or type(exc).__name__


def read(data: Mapping[str, Any], cls: type[T], path: str) -> T:
    """Structure one seed file's parsed TOML into ``cls``.

    Args:
        data: The file's content, as :func:`tomllib.load` returns it.
        cls: One of the ``*File`` records of this module.
        path: The file's path, for messages.

    Raises:
        BuildError: Naming the file and every offending place in it, such as
            ``entity[5]: extra field 'categry'``.
    """
    try:
        return _converter.structure(dict(data), cls)
    except Exception as exc:  # noqa: BLE001 - every shape error becomes one BuildError
        problems = cattrs.transform_error(exc, path="$", format_exception=_message)
    lines = []
    for problem in problems:
        message, _, where = problem.rpartition(" @ ")
        # the path names attributes: say the TOML key where the record renames it
        where = re.sub(r"\.in_\b", ".in", where.removeprefix("$").removeprefix("."))
        lines.append(f"{where}: {message}" if where else message)
    raise BuildError(path, "; ".join(lines))
