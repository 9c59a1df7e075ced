"""kzrights: the report "Retreating Rights – Kazakhstan: Conclusions and Recommendations" as data.

Examples:
    >>> import kzrights
    >>> report = kzrights.load()
    >>> report.recommendations[0].text
    'Stop targeting NGOs with punitive tax inspections and burdensome reporting requirements;'

``import kzrights`` is cheap: it defines the record classes (with attrs)
but reads no data and does not import cattrs; [`load`][kzrights.releases.load] reads a
release on first use, still without cattrs (only the exports, the CLI's
``--json`` and the build import it, to unstructure).  ``Report`` and the
tools (``annotate``, ``diff``, ``export``) are imported on first use.

Two versions: ``kzrights.__version__`` is the package's (semantic
versioning, CHANGELOG.md); ``kzrights.DATA_VERSION`` is the newest data
release it ships (DATA-CHANGELOG.md).  ``kzrights.load("1.0.0")`` pins a
release, which never changes in any later version of the package.
Run without its installed metadata (from a zip file or a copied folder, with
no ``.dist-info``), ``kzrights.__version__`` is ``"0+unknown"``: a valid
version that sorts below every release.
"""

from __future__ import annotations

from typing import TYPE_CHECKING  # free: import attrs (by .records) imports typing anyway

from ._locking import FIRST_USE as _FIRST_USE  # free: .releases imports it
from .errors import (
    AmbiguousNameError,
    ArgumentTypeError,
    DataIntegrityError,
    EmptyInputError,
    InputTooLongError,
    InputTooShortError,
    InvalidArgumentError,
    KzrightsError,
    LinkerError,
    UnknownIdError,
    UnknownSdgTargetError,
    UnknownVersionError,
    UnsupportedReleaseError,
)
from .records import (
    Addressee,
    Alias,
    AliasForm,
    Ambiguity,
    Basis,
    Entity,
    EntityCategory,
    Figure,
    FigureKind,
    Footnote,
    FootnoteRef,
    Item,
    Link,
    LinkingRules,
    Mention,
    Metadata,
    Paragraph,
    Recommendation,
    Record,
    Rights,
    SdgGoal,
    SdgTarget,
    Section,
    Source,
    Span,
    Theme,
    Vocabulary,
)
from .releases import load, verify, versions

if TYPE_CHECKING:
    from typing import Any

    from .annotation import annotate
    from .compare import diff
    from .exports import export
    from .linker import Linker
    from .report import Report

__all__ = [
    "DATA_VERSION",
    "Addressee",
    "Alias",
    "AliasForm",
    "Ambiguity",
    "AmbiguousNameError",
    "ArgumentTypeError",
    "Basis",
    "DataIntegrityError",
    "EmptyInputError",
    "Entity",
    "EntityCategory",
    "Figure",
    "FigureKind",
    "Footnote",
    "FootnoteRef",
    "InputTooLongError",
    "InputTooShortError",
    "InvalidArgumentError",
    "Item",
    "KzrightsError",
    "Link",
    "Linker",
    "LinkerError",
    "LinkingRules",
    "Mention",
    "Metadata",
    "Paragraph",
    "Recommendation",
    "Record",
    "Report",
    "Rights",
    "SdgGoal",
    "SdgTarget",
    "Section",
    "Source",
    "Span",
    "Theme",
    "UnknownIdError",
    "UnknownSdgTargetError",
    "UnknownVersionError",
    "UnsupportedReleaseError",
    "Vocabulary",
    "__version__",
    "annotate",
    "diff",
    "export",
    "load",
    "verify",
    "versions",
]

# Imported on first use: the tools, and the Report class, which the first
# load() needs anyway (import kzrights stays within its budget of 1.3x
# import attrs; see docs/benchmarks.md).
# what __version__ gives when the package's metadata (its .dist-info) is missing
_UNKNOWN_VERSION = "0+unknown"

_LAZY = {
    "Linker": "linker",
    "Report": "report",
    "annotate": "annotation",
    "diff": "compare",
    "export": "exports",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        # under the first-use lock, so that a fork() in another thread waits for
        # this import instead of leaving the child a module lock nobody releases
        with _FIRST_USE:
            import importlib

            value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
            globals()[name] = value
        return value
    if name == "DATA_VERSION":
        from .releases import latest  # imported already: takes no lock

        return latest()
    if name == "__version__":
        with _FIRST_USE:  # importlib.metadata imports email, csv, zipfile... on its first use
            from importlib.metadata import PackageNotFoundError, version

            try:
                return version("kzrights")
            except PackageNotFoundError:
                # run without its metadata (from a zip or a copied folder): a valid
                # PEP 440 version that sorts below every release
                return _UNKNOWN_VERSION
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
