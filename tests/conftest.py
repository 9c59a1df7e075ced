"""Shared fixtures: the shipped release, and paths into the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

import kzrights

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = ROOT / "src" / "kzrights" / "data"
SEED_TEXT = SEEDS / "retreating-rights-kazakhstan-conclusions-and-recommendations.txt"


@pytest.fixture(scope="session")
def report() -> kzrights.Report:
    """Release 1.0.0, as users load it."""
    return kzrights.load("1.0.0")
