"""The Sustainable Development Goals and targets, and the recommendations' links to them.

Read from ``seeds/sdg_links.toml`` and the reference file it names
(``seeds/reference/sdg_targets.json``, a byte-for-byte copy of the shared
reference vocabulary).  The goals' and targets' words are taken from that file
as they are, never retyped: the build refuses a file whose sha256 is not the
one the seed file pins.  Each link is checked as the theme links are: a
target that exists, an explicit link's quote found in the recommendation or
its lead-in (its span recorded), an editorial link's rationale.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from kzrights._document import is_sdg_goal_code, is_sdg_target_code
from kzrights._provenance import SourceMap
from kzrights.errors import BuildError
from kzrights.records import Basis, Link, Recommendation, SdgGoal, SdgTarget, Vocabulary

from .entities import TextRecord
from .seed_files import SdgLinkSeed, SdgLinksFile, read

__all__ = ["SDG_FILE", "SdgLayer", "read_sdg"]

SDG_FILE = "sdg_links.toml"


@attrs.frozen
class SdgLayer:
    """The SDG layer of a release, resolved against the parsed records."""

    vocabulary: Vocabulary
    goals: tuple[SdgGoal, ...]
    targets: tuple[SdgTarget, ...]
    links: Mapping[str, tuple[Link, ...]]

    def apply(self, recommendation: Recommendation) -> Recommendation:
        """Return ``recommendation`` with its SDG links filled in."""
        return attrs.evolve(recommendation, sdg_links=self.links.get(recommendation.id, ()))


def _reference_bytes(directory: Path, name: str, sha256: str, path: str) -> bytes:
    if name.startswith(("/", "\\")) or ".." in Path(name).parts or "\\" in name:
        raise BuildError(path, f"vocabulary.file must be a path inside the seeds folder, not {name!r}")
    file = directory / name
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise BuildError(str(file), f"cannot be read ({exc.strerror or exc})") from None
    found = hashlib.sha256(data).hexdigest()
    if found != sha256:
        raise BuildError(
            str(file),
            f"sha256 is {found}, not the {sha256} that {path} pins: copy the reference file "
            "byte for byte, never edit it",
        )
    return data


def _strings(entry: Any, keys: tuple[str, ...], where: str, file: str) -> tuple[str, ...]:
    if not isinstance(entry, dict) or not all(isinstance(entry.get(key), str) and entry[key] for key in keys):
        raise BuildError(file, f"{where}: expected an object with the strings {', '.join(keys)}")
    return tuple(entry[key] for key in keys)


def _vocabulary(
    data: bytes, seed: SdgLinksFile, file: str
) -> tuple[Vocabulary, tuple[SdgGoal, ...], tuple[SdgTarget, ...]]:
    try:
        reference = json.loads(data.decode("utf-8"))
        source, goal_rows, target_rows = reference["source"], reference["goals"], reference["targets"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise BuildError(file, f"not the reference file's shape ({exc})") from None
    if not isinstance(goal_rows, list) or not isinstance(target_rows, list):
        raise BuildError(file, "goals and targets must be lists")
    repository, url, commit, path, goals_path, rights = _strings(
        source, ("repository", "url", "commit", "path", "goals_path", "licence"), "source", file
    )
    targets: list[SdgTarget] = []
    for n, row in enumerate(target_rows):
        code, goal, text = _strings(row, ("id", "goal", "text"), f"targets[{n}]", file)
        if not is_sdg_target_code(code) or code.partition(".")[0] != goal:
            raise BuildError(file, f"targets[{n}]: {code!r} is not a target of goal {goal!r}")
        targets.append(SdgTarget(id=f"sdg.{code}", code=code, goal_id=f"sdg.{goal}", text=text))
    goals: list[SdgGoal] = []
    for n, row in enumerate(goal_rows):
        code, title, short = _strings(row, ("id", "title", "short"), f"goals[{n}]", file)
        if not is_sdg_goal_code(code):
            raise BuildError(file, f"goals[{n}]: {code!r} is not a goal number")
        own = tuple(t.id for t in targets if t.goal_id == f"sdg.{code}")
        goals.append(SdgGoal(id=f"sdg.{code}", number=int(code), title=title, short=short, target_ids=own))
    ids = [g.id for g in goals] + [t.id for t in targets]
    if len(set(ids)) != len(ids) or {t.goal_id for t in targets} - {g.id for g in goals}:
        raise BuildError(file, "goal and target ids must be distinct, and every target's goal listed")
    vocabulary = Vocabulary(
        id="sdg",
        title=seed.vocabulary.title,
        file=seed.vocabulary.file,
        sha256=seed.vocabulary.sha256,
        repository=repository,
        url=url,
        commit=commit,
        paths=(path, goals_path),
        licence=seed.vocabulary.licence,
        rights=rights,
    )
    return vocabulary, tuple(goals), tuple(targets)


def _link(
    seed: SdgLinkSeed,
    recommendation: Recommendation,
    records: Mapping[str, TextRecord],
    target_ids: frozenset[str],
    source: str,
    path: str,
) -> Link:
    target = f"sdg.{seed.target}"
    what = f"recommendation {recommendation.id!r} → {target}"
    if seed.target.startswith("sdg.") or target not in target_ids:
        raise BuildError(path, f"{what}: unknown SDG target {seed.target!r} (write targets as '16.10')")
    if seed.rationale is not None:
        if seed.quote is not None:
            raise BuildError(
                path,
                f"{what}: has both a quote (an explicit link) and a rationale (an editorial link); "
                "keep the quote if the recommendation's own words name the target's matter, "
                "else the rationale",
            )
        if seed.in_ is not None:
            raise BuildError(path, f"{what}: an editorial link quotes nothing, so it takes no 'in'")
        if len((seed.rationale + ".").splitlines()) > 1:  # any line break, a trailing one too
            raise BuildError(
                path,
                f"{what}: the rationale runs over more than one line; write it as one line "
                "a reviewer can check against the target's text",
            )
        return Link(target, Basis.EDITORIAL, rationale=seed.rationale)
    if seed.quote is None:
        raise BuildError(path, f"{what}: give a quote (explicit) or a rationale (editorial)")
    record_id = seed.in_ or recommendation.id
    if record_id not in (recommendation.id, recommendation.lead_in_id):
        raise BuildError(
            path, f"{what}: an explicit link quotes the recommendation or its lead-in, not {record_id!r}"
        )
    record = records[record_id]
    start = record.text.find(seed.quote)
    if start < 0:
        raise BuildError(path, f"{what}: {seed.quote[:60]!r} is not in {record_id}")
    span = SourceMap.of(source, record.span).to_source(start, start + len(seed.quote))
    return Link(target, Basis.EXPLICIT, record_id=record_id, span=span, quote=seed.quote)


def read_sdg(
    data: Mapping[str, Any], path: str, directory: Path, records: Sequence[TextRecord], source: str
) -> SdgLayer:
    """Read the SDG vocabulary and links, and resolve the links against the parsed records.

    Args:
        data: ``sdg_links.toml`` as parsed.
        path: Its path, for messages.
        directory: The seeds folder, where the reference file is.
        records: The parsed text records.
        source: The source text.

    Raises:
        BuildError: On a malformed entry, a reference file whose sha256 is
            not the pinned one, a link to an unknown target, an explicit link
            whose quote is in neither the recommendation nor its lead-in, an
            editorial link without a rationale or with a rationale of more
            than one line, a link with both a quote and a rationale, or a
            recommendation without links.
    """
    seed = read(data, SdgLinksFile, path)
    reference = _reference_bytes(directory, seed.vocabulary.file, seed.vocabulary.sha256, path)
    vocabulary, goals, targets = _vocabulary(reference, seed, str(directory / seed.vocabulary.file))
    by_id = {r.id: r for r in records}
    target_ids = frozenset(t.id for t in targets)
    links: dict[str, tuple[Link, ...]] = {}
    for entry in seed.recommendation:
        recommendation = by_id.get(entry.id)
        if not isinstance(recommendation, Recommendation) or entry.id in links:
            raise BuildError(path, f"recommendation {entry.id!r}: not a recommendation, or listed twice")
        made = [_link(link, recommendation, by_id, target_ids, source, path) for link in entry.sdg]
        if len({link.target_id for link in made}) != len(made):
            raise BuildError(path, f"recommendation {entry.id!r}: a target is linked twice")
        links[entry.id] = tuple(made)
    missing = [r.id for r in records if isinstance(r, Recommendation) and r.id not in links]
    if missing:
        raise BuildError(path, f"no SDG links for {', '.join(missing)}")
    return SdgLayer(vocabulary, goals, targets, links)
