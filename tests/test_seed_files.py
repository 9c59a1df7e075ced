"""Seed files are structured into typed records by one converter; every shape error names its place."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzrights.errors import BuildError
from kzrights_build import seed_files
from kzrights_build.seeds import load_toml

from .conftest import SEEDS

FILES = {
    "report.toml": seed_files.ReportFile,
    "entities.toml": seed_files.EntitiesFile,
    "sources.toml": seed_files.SourcesFile,
    "themes.toml": seed_files.ThemesFile,
    "figures.toml": seed_files.FiguresFile,
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_shipped_seed_file_fits_its_record(name: str) -> None:
    """The committed seeds structure without error, into the record type named for them."""
    parsed = seed_files.read(load_toml(SEEDS / name), FILES[name], f"seeds/{name}")
    assert isinstance(parsed, FILES[name])


def _entities() -> dict[str, Any]:
    return load_toml(SEEDS / "entities.toml")


def _error(data: dict[str, Any], cls: type, name: str) -> str:
    with pytest.raises(BuildError) as info:
        seed_files.read(data, cls, f"seeds/{name}")
    return str(info.value)


def test_a_misspelt_key_names_the_file_the_entry_and_the_key() -> None:
    """The issue's own example: a misspelt ``category`` in the sixth entity."""
    data = _entities()
    data["entity"][5]["categry"] = data["entity"][5].pop("category")
    message = _error(data, seed_files.EntitiesFile, "entities.toml")
    assert message.startswith("seeds/entities.toml: ")
    assert "entity[5]: extra field 'categry'" in message
    assert "entity[5].category: missing field" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["entity"][0].update(aliases="Tokayev"), r"entity[0].aliases: must be a list, not str"),
        (lambda d: d["entity"][1].update(category="planet"), "entity[1].category: must be one of person,"),
        (lambda d: d["entity"][2].update(name="  "), "entity[2]: name must not be blank"),
        (lambda d: d["entity"][3].update(related=[7]), "entity[3].related[0]: must be a string, not int"),
        (lambda d: d.update(entity=[]), "entity"),
    ],
)
def test_wrong_types_and_values_are_named(change: Any, expected: str) -> None:
    """A string for a list, an unknown category, blank text, a number for an id: each says where."""
    data = _entities()
    change(data)
    assert expected in _error(data, seed_files.EntitiesFile, "entities.toml")


@pytest.mark.parametrize(
    ("name", "entry", "field", "key"),
    [
        ("entities.toml", "entity", "id", "Adam Hug"),
        ("entities.toml", "entity", "id", "entities.adam-hug"),
        ("themes.toml", "theme", "id", "freedom--of-expression"),
        ("figures.toml", "figure", "id", "ebrd_portfolio"),
        ("sources.toml", "source", "key", ""),
    ],
)
def test_a_key_that_is_not_a_slug_is_named(name: str, entry: str, field: str, key: str) -> None:
    """The key an id is made of is a slug, as load() asks of a release: anything else stops the build."""
    data = load_toml(SEEDS / name)
    data[entry][1][field] = key
    expected = f"{entry}[1]: {field} must be lower-case letters and digits in words joined by hyphens"
    assert f"{expected} ('max-bokayev'), not {key!r}" in _error(data, FILES[name], name)


def test_toml_types_are_not_coerced() -> None:
    """A number where text belongs, or text where a number belongs, is an error, not a conversion."""
    figures = load_toml(SEEDS / "figures.toml")
    figures["figure"][0]["value"] = "30"
    figures["figure"][1]["in"] = 10
    message = _error(figures, seed_files.FiguresFile, "figures.toml")
    assert "figure[0].value: must be a number, not str" in message
    assert "figure[1].in: must be a string, not int" in message  # the TOML key, not in_
    sources = load_toml(SEEDS / "sources.toml")
    sources["source"][0]["footnotes"] = [True]
    assert "source[0].footnotes[0]: must be an integer, not bool" in _error(
        sources, seed_files.SourcesFile, "sources.toml"
    )


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150)
@given(name=st.sampled_from(sorted(FILES)), seed=st.integers(min_value=0), value=_json)
def test_any_value_anywhere_is_accepted_or_a_build_error(name: str, seed: int, value: Any) -> None:
    """Any value anywhere in a real seed file: a BuildError naming the file, or a record; nothing else."""
    data = copy.deepcopy(load_toml(SEEDS / name))
    places: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in items:
            places.append((node, key))
            walk(child)

    walk(data)
    container, key = places[seed % len(places)]
    container[key] = value
    outcome: object
    try:
        outcome = seed_files.read(data, FILES[name], name)
    except BuildError as error:
        outcome = str(error)
    assert isinstance(outcome, FILES[name]) or str(outcome).startswith(f"{name}: ")
