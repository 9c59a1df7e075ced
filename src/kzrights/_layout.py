"""The layout of the package's data folder: file names and schema numbers.

The loader ([`kzrights.releases`][kzrights.releases], `kzrights._converter`) and the
builder (``kzrights_build``, a developer tool outside the wheel) both import
these names, so the two cannot disagree about where a release lives or which
layouts exist.

A data folder holds::

    releases.json                  the index: every shipped release, oldest first,
                                   with its folder and its manifest's sha256
    releases/<version>/
        manifest.json              every file of the release, with size and sha256
        report.json                the records (layout: SCHEMA)
        source.txt                 the captured source text, byte for byte
    derived/<version>/
        search.json                derived, never part of the frozen release: what the
                                   first search would otherwise compute (the search
                                   forms' postings, the entities' name keys), tied to
                                   its release by the release's manifest sha256
        forms.json                 derived too: the default forms of the entities stored
                                   without forms, which loading would otherwise derive

A derived file is optional and never trusted blindly: the loader uses it only
when its header names the release's manifest sha256, its payload matches the
sha256 the header gives, and its format is the one the code reads; otherwise
the same data is computed in memory.  So adding, rebuilding or deleting one
never changes an answer, and a frozen release never changes to get one.
"""

from __future__ import annotations

__all__ = [
    "DERIVED_FOLDER",
    "DOCUMENT_FILE",
    "FORMS_FILE",
    "INDEX_FILE",
    "MANIFEST_FILE",
    "READABLE_SCHEMAS",
    "RELEASES_FOLDER",
    "SCHEMA",
    "SEARCH_FILE",
    "SOURCE_FILE",
]

INDEX_FILE = "releases.json"
"""The release index, at the top of the data folder."""
RELEASES_FOLDER = "releases"
"""The folder that holds one folder per release, named by its version."""
MANIFEST_FILE = "manifest.json"
"""A release's list of files, sizes and sha256 digests."""
DOCUMENT_FILE = "report.json"
"""A release's records."""
SOURCE_FILE = "source.txt"
"""A release's copy of the source text."""
DERIVED_FOLDER = "derived"
"""The folder that holds, per release version, data derived from the release (outside its manifest)."""
SEARCH_FILE = "search.json"
"""A release's derived search data (see `kzrights.search._derived`)."""
FORMS_FILE = "forms.json"
"""A release's derived entity forms (see `kzrights._converter.forms_payload`)."""

SCHEMA = 4
"""The version of the release JSON layout that the builder writes."""
READABLE_SCHEMAS = frozenset({1, 2, 3, 4})
"""The layouts the loader reads: 1 (release 1.0.0), 2 (release 1.1.0: adds entities, mentions, themes,
links and figures), 3 (release 1.2.0: adds each entity's typed forms, each mention's form and evidence,
and the linking rules), 4 (release 1.3.0: adds the SDG goals and targets, the recommendations' SDG links
and the metadata's vocabularies)."""
