"""Every public module keeps a sorted __all__ that names only what it defines."""

from __future__ import annotations

import importlib

import pytest

PUBLIC_MODULES = [
    "kzrights",
    "kzrights.errors",
    "kzrights.records",
    "kzrights.report",
    "kzrights.releases",
    "kzrights.cli",
    "kzrights.mcp_server",
    "kzrights.annotation",
    "kzrights.compare",
    "kzrights.linker",
    "kzrights.exports",
    "kzrights.exports.citations",
    "kzrights.exports.documents",
    "kzrights.exports.iri",
    "kzrights.exports.schema",
    "kzrights.exports.tables",
    "kzrights.exports.writers",
    "kzrights.followup",
    "kzrights.search",
    "kzrights.search.index",
    "kzrights.search.locate",
    "kzrights.search.quotes",
    "kzrights.search.related",
    "kzrights_build",
    "kzrights_build.annotations",
    "kzrights_build.entities",
    "kzrights_build.inflect",
    "kzrights_build.parse",
    "kzrights_build.sources",
    "kzrights_build.release",
    "kzrights_build.sdg",
    "kzrights_build.seeds",
    "kzrights_build.seed_files",
]


def _isort_key(name: str) -> tuple[int, str]:
    """Sort as isort and ruff do: CONSTANTS, then Classes, then functions."""
    bare = name.lstrip("_")
    category = 0 if bare.isupper() and len(bare) > 1 else 1 if bare[:1].isupper() else 2
    return category, name


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_is_sorted_and_resolvable(name):
    """__all__ is sorted, has no duplicates, and every name in it exists."""
    module = importlib.import_module(name)
    exported = module.__all__
    assert list(exported) == sorted(exported, key=_isort_key)
    assert len(set(exported)) == len(exported)
    for attr in exported:
        assert getattr(module, attr) is not None


def test_package_exports_the_documented_api():
    """The names the docs promise are importable from kzrights itself."""
    import kzrights

    for name in ("load", "versions", "Report", "UnknownIdError", "UnknownVersionError", "DataIntegrityError"):
        assert name in kzrights.__all__
        assert hasattr(kzrights, name)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_public_functions_have_docstrings(name):
    """Every public name has a docstring."""
    module = importlib.import_module(name)
    for attr in module.__all__:
        value = getattr(module, attr)
        if callable(value) and not isinstance(value, type(str | None)):
            assert (value.__doc__ or "").strip(), f"{name}.{attr}"


def test_package_exports_every_record_type():
    """Every record class of kzrights.records (Source among them) is importable from kzrights itself."""
    import attrs

    import kzrights
    import kzrights.records

    record_types = [name for name in kzrights.records.__all__ if attrs.has(getattr(kzrights.records, name))]
    assert "Source" in record_types and "Paragraph" in record_types
    for name in record_types:
        assert name in kzrights.__all__, name
        assert getattr(kzrights, name) is getattr(kzrights.records, name)


def test_lazy_names_stay_functions_after_their_modules_are_imported():
    """Importing a submodule never hides the package function of the same purpose."""
    import kzrights
    import kzrights.annotation
    import kzrights.compare
    import kzrights.exports
    import kzrights.releases

    for name in ("annotate", "diff", "export", "load", "verify", "versions"):
        assert callable(getattr(kzrights, name)), name
