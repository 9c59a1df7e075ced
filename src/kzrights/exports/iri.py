"""Stable IRIs that name a record of a data release: ``urn:kzrights:<version>:<record-id>``.

The captured page carries no URL of the published report, and none is
guessed: the exports (the W3C Web Annotations first) name records with IRIs
in a scheme of the project's own.  An IRI is a name, not an address: it does
not resolve on the web, and ``kzrights`` is not a URN namespace registered
under RFC 8141.  It is stable because its two parts are: a shipped release
never changes, and a record keeps its id within it.

- ``urn:kzrights:1.1.0:recommendations.government.6`` names a record (or a
  section, an entity, a theme, a source: anything [`Report.get`][kzrights.report.Report.get] finds);
- record ids never hold a colon, so an IRI with more parts names something
  else of that release (``urn:kzrights:1.1.0:export:annotations:1`` is an
  annotation of the W3C export);
- ``urn:kzrights:vocab:`` prefixes the few terms of the project's own (e.g.
  ``kzrights:basis``) in JSON-LD.
"""

from __future__ import annotations

from typing import NamedTuple

from ..errors import ArgumentTypeError, UnknownIdError

__all__ = ["IRI_PREFIX", "RecordIri", "parse_record_iri", "record_iri"]

IRI_PREFIX = "urn:kzrights:"
"""What every IRI kzrights mints starts with."""


class RecordIri(NamedTuple):
    """The two parts of a record IRI.

    Attributes:
        version: The data release, e.g. ``"1.1.0"``.
        record_id: The record's id in it, e.g. ``"recommendations.government.6"``.
    """

    version: str
    record_id: str


def _iri(version: str, record_id: str) -> str:
    """The IRI of ``record_id`` in ``version``, unchecked (for exports that already hold the release)."""
    return f"{IRI_PREFIX}{version}:{record_id}"


def record_iri(version: str, record_id: str) -> str:
    """Return the stable IRI that names a record of a shipped data release.

    Args:
        version: A shipped data release, e.g. ``"1.1.0"`` (see
            [`kzrights.versions`][kzrights.releases.versions]).
        record_id: An id that [`Report.get`][kzrights.report.Report.get] finds in that release.

    Returns:
        ``"urn:kzrights:<version>:<record-id>"``.

    Raises:
        TypeError: If ``version`` or ``record_id`` is not a string.
        UnknownVersionError: If no shipped release has this version.
        UnknownIdError: If the release has no record with this id (the
            error names the closest ids).

    Examples:
        >>> record_iri("1.1.0", "recommendations.government.6")
        'urn:kzrights:1.1.0:recommendations.government.6'
    """
    from ..releases import load

    for name, value in (("version", version), ("record_id", record_id)):
        if not isinstance(value, str):
            raise ArgumentTypeError(name, "a str", value)
    # raises UnknownVersionError or UnknownIdError; the record's own id ("sdg.5.c" for "SDG.5.C")
    return _iri(version, load(version).get(record_id).id)


def parse_record_iri(value: str, release: str | None = None) -> RecordIri:
    """Split a record IRI into its release and record id, checking both against the shipped data.

    The inverse of [`record_iri`][kzrights.exports.iri.record_iri]: ``kzrights.load(version).get(record_id)``
    then gives the record.

    Args:
        value: An IRI such as ``"urn:kzrights:1.1.0:conclusions.p8"``; as in
            any URN (RFC 8141), ``urn:kzrights:`` may be written in any case
            (``"urn:KZRIGHTS:1.1.0:conclusions.p8"``), the version and the
            record id may not (but an SDG goal's or target's id, which
            [`Report.get`][kzrights.report.Report.get] finds in any case).
        release: The data release whose IRIs the error suggests when
            ``value`` is no well-formed IRI; by default the release ``value``
            names, if it is a shipped one, else the newest.

    Returns:
        A [`RecordIri`][kzrights.exports.iri.RecordIri] ``(version, record_id)``.

    Raises:
        TypeError: If ``value`` is not a string.
        UnknownIdError: If ``value`` is not of the form
            ``urn:kzrights:<version>:<record-id>``, or names no record of
            that release (the error names the closest record IRIs).
        UnknownVersionError: If its version is not a shipped release.

    Examples:
        >>> parse_record_iri("urn:kzrights:1.1.0:conclusions.p8")
        RecordIri(version='1.1.0', record_id='conclusions.p8')
    """
    from ..releases import load, versions

    if not isinstance(value, str):
        raise ArgumentTypeError("iri", "a str", value)
    # RFC 8141: "urn" and the namespace are case-insensitive (in ASCII: the Kelvin sign is no k);
    # the version and the record id keep the release's own spelling
    prefix = value[: len(IRI_PREFIX)]
    version, colon, record_id = value[len(IRI_PREFIX) :].partition(":")
    well_formed = colon and version and record_id and ":" not in record_id
    if not (prefix.isascii() and prefix.lower() == IRI_PREFIX and well_formed):
        # the closest IRIs of the release asked for, never of another one
        shipped = versions()
        suggested = load(release if release is not None else version if version in shipped else shipped[-1])
        known = (_iri(suggested.version, r) for r in suggested.ids())
        raise UnknownIdError(value, known, what="record IRI")
    report = load(version)
    if record_id not in report:
        raise UnknownIdError(value, (_iri(version, r) for r in report.ids()), what="record IRI")
    return RecordIri(version, report.get(record_id).id)  # "SDG.5.C" names sdg.5.c
