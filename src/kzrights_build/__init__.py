"""The data build: from ``seeds/`` to a data release inside the package.

Run it from the project's root folder::

    python -m kzrights_build            # write the release named in seeds/report.toml
    python -m kzrights_build --check    # fail if the committed release differs

The flow is one way: `read_seeds` reads the source text and the curated
``report.toml``, `parse` turns the text into
records, `build_release` serialises them with a manifest, and
`write_release` puts the files in ``src/kzrights/data/``.

This package is a developer tool for maintainers and for users who rebuild the
data from a checkout: a development install makes it importable, the wheel
does not ship it, and the library never imports it.
"""

from __future__ import annotations

from .release import BuiltRelease, build_release, index_bytes, write_release
from .seeds import Seeds, read_seeds

__all__ = ["BuiltRelease", "Seeds", "build_release", "index_bytes", "read_seeds", "write_release"]
