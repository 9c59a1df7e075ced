"""The annotation seeds (themes.toml, figures.toml) read against the parsed report, for tests that edit them.

Shared by the tests of the build's checks (test_themes.py, test_audit.py):
each copies the seed data from the ``seeds_and_records`` fixture (conftest.py),
breaks one thing, and reads it again.
"""

from __future__ import annotations

from typing import Any

from kzrights_build.annotations import read_annotations


def read(seeds_and_records: tuple[Any, list[Any]], themes: Any = None, figures: Any = None) -> Any:
    """Read the annotation seeds, with ``themes`` or ``figures`` in place of the shipped data when given."""
    seeds, records = seeds_and_records
    return read_annotations(
        themes if themes is not None else seeds.themes_data,
        "themes.toml",
        figures if figures is not None else seeds.figures_data,
        "figures.toml",
        records,
        seeds.source_text,
    )
