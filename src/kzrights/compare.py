"""What changed between two data releases: [`kzrights.diff`][kzrights.compare.diff]."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from ._locking import FIRST_USE

__all__ = ["Change", "ReleaseDiff", "diff"]


@attrs.frozen
class Change:
    """A record present in both releases whose fields differ.

    Attributes:
        id: The record's id.
        fields: The names of the fields that differ, sorted.
    """

    id: str
    fields: tuple[str, ...]


@attrs.frozen
class ReleaseDiff:
    """The differences between two data releases.

    Attributes:
        old: The older release's version.
        new: The newer release's version.
        added: Ids (records, sections, entities, themes, figures, sources) only the new release has.
        removed: Ids only the old release has.
        changed: Records in both whose fields differ.
        mentions: How many entity mentions each release has (old, new).
        metadata: The metadata fields that differ.
    """

    old: str
    new: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[Change, ...]
    mentions: tuple[int, int]
    metadata: tuple[str, ...]

    @property
    def unchanged(self) -> bool:
        """Whether the two releases hold the same records and annotations."""
        return (
            not (self.added or self.removed or self.changed or self.metadata)
            and self.mentions[0] == self.mentions[1]
        )

    def __str__(self) -> str:
        lines = [f"data release {self.old} -> {self.new}"]
        if self.unchanged:
            return lines[0] + ": no differences"
        lines += _section("added", self.added)
        lines += _section("removed", self.removed)
        lines += _section("changed", [f"{c.id} ({', '.join(c.fields)})" for c in self.changed])
        if self.metadata:
            lines.append(f"metadata changed: {', '.join(self.metadata)}")
        if self.mentions[0] != self.mentions[1]:
            lines.append(f"entity mentions: {self.mentions[0]} -> {self.mentions[1]}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        with FIRST_USE:  # a fork() waits for this first import (see kzrights._locking)
            from ._display import diff_html

        return diff_html(self)


def _section(title: str, items: Iterable[str]) -> list[str]:
    items = list(items)
    if not items:
        return []
    return [f"{title} ({len(items)}):", *(f"  {item}" for item in items)]


def _addressable(report: Any) -> dict[str, Any]:
    # every id the report resolves (its sections, records, entities, themes,
    # figures and sources), in the order of Report.ids()
    return {id: report.get(id) for id in report.ids()}


def _differing_fields(old: Any, new: Any) -> tuple[str, ...]:
    if type(old) is not type(new):
        return ("kind",)
    return tuple(
        sorted(
            field.name
            for field in attrs.fields(type(old))
            if getattr(old, field.name) != getattr(new, field.name)
        )
    )


def diff(old: str, new: str) -> ReleaseDiff:
    """Compare two shipped data releases.

    Examples:
        >>> import kzrights
        >>> change = kzrights.diff("1.0.0", "1.1.0")
        >>> change.removed
        ()
        >>> len([i for i in change.added if i.startswith("entities.")])
        102
        >>> change.changed[0]
        Change(id='conclusions.p1', fields=('entity_ids',))

    Args:
        old: The version to compare from.
        new: The version to compare to.

    Returns:
        Ids added and removed, records changed with the fields that differ,
        the metadata fields that differ and the number of entity mentions.
        ``str()`` of it is a readable account.

    Raises:
        ArgumentTypeError: If a version is not a str (``None`` included: a
            diff compares two named releases); a ``TypeError``.
        UnknownVersionError: If a version is not shipped.
    """
    from .errors import ArgumentTypeError
    from .releases import load

    # before load(), which takes None for the newest release
    for name, version in (("old", old), ("new", new)):
        if not isinstance(version, str):
            raise ArgumentTypeError(name, "a str (a data release's version)", version)
    before, after = load(old), load(new)
    old_items, new_items = _addressable(before), _addressable(after)
    changed = tuple(
        Change(item_id, fields)
        for item_id in old_items
        if item_id in new_items and (fields := _differing_fields(old_items[item_id], new_items[item_id]))
    )
    return ReleaseDiff(
        old=before.version,
        new=after.version,
        added=tuple(i for i in new_items if i not in old_items),
        removed=tuple(i for i in old_items if i not in new_items),
        changed=changed,
        mentions=(len(before.mentions), len(after.mentions)),
        metadata=_differing_fields(before.metadata, after.metadata),
    )
