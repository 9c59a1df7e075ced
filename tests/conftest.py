"""Shared fixtures: the shipped release, and paths into the repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

import kzrights

# The first example of a property test may build an index (search, quotations, the
# entity matcher) on a shared, noisy machine: a per-example deadline would be flaky.
settings.register_profile("kzrights", deadline=None)
settings.load_profile("kzrights")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = ROOT / "src" / "kzrights" / "data"
SEED_TEXT = SEEDS / "retreating-rights-kazakhstan-conclusions-and-recommendations.txt"


@pytest.fixture(scope="session")
def report() -> kzrights.Report:
    """Release 1.0.0, as users load it."""
    return kzrights.load("1.0.0")
