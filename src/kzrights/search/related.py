"""Keyword in context and related records: `Report.concordance` and `Report.related`."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

import attrs

from .. import _chars
from ..errors import ArgumentTypeError, InvalidArgumentError
from ..records import Entity, Figure, Footnote, Recommendation, Record, Section, Source, Theme
from ._text import check_text, tokens

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["MAX_TERM_LENGTH", "KwicLine", "Related", "concordance", "related", "tokenised"]

# far beyond any real word or phrase, and short enough that no concordance
# takes long whatever the text (docs/benchmarks.md measures the worst cases)
MAX_TERM_LENGTH = 1_000
"""The longest word or phrase `Report.concordance` takes, in characters."""


@attrs.frozen
class KwicLine:
    """One line of a concordance: a match with its context.

    Attributes:
        record_id: The record the match is in.
        left: The text before the match (at most ``width`` characters).
        keyword: The match as the report has it.
        right: The text after it.
        start: Where the match starts in the record's text.
        end: Where it ends.
    """

    record_id: str
    left: str
    keyword: str
    right: str
    start: int
    end: int

    def format(self, width: int) -> str:
        """The line with the keyword in a column: ``left`` right-aligned, ``right`` left-aligned."""
        return f"{self.left:>{width}} {self.keyword} {self.right:<{width}}".rstrip()


_Tokenised = list[tuple[Record, list[str], list[tuple[int, int]]]]


def tokenised(report: Report) -> _Tokenised:
    """Each record with its normalised words and their offsets: what `concordance` searches.

    ``Report.concordance`` builds it once per report and passes it on.
    """
    tokenised = []
    for record in report.records():
        words = list(tokens(record.text))
        tokenised.append((record, [w for w, _, _ in words], [(s, e) for _, s, e in words]))
    return tokenised


def concordance(
    report: Report, term: str, width: int, *, records: _Tokenised | None = None
) -> list[KwicLine]:
    """Every occurrence of ``term`` (a word or phrase, normalised as in search) with its context.

    ``records`` is the report's `tokenised` records, if the caller keeps them;
    without it they are made for this call.

    Raises:
        TypeError, EmptyInputError, InvalidArgumentError, InputTooLongError: As `Report.concordance` says.
    """
    term = check_text(term, "term", MAX_TERM_LENGTH)
    if type(width) is not int:
        raise ArgumentTypeError("width", "an int", width)
    if width < 1:
        raise InvalidArgumentError("width", "width must be at least 1")
    wanted = [t for t, _, _ in tokens(_chars.canonical(term)) if t]
    if not wanted:
        return []
    size = len(wanted)
    lines = []
    for record, words, spans in tokenised(report) if records is None else records:
        text = record.text
        i = _find(words, wanted[0], 0)
        while i >= 0 and i + size <= len(words):
            if words[i : i + size] == wanted:
                start, end = spans[i][0], spans[i + size - 1][1]
                left = _context(text[max(0, start - width) : start], cut=start > width, keep="end")
                right = _context(text[end : end + width], cut=end + width < len(text), keep="start")
                lines.append(KwicLine(record.id, left, text[start:end], right, start, end))
            i = _find(words, wanted[0], i + 1)
    return lines


def _find(words: list[str], word: str, start: int) -> int:
    """The index of ``word`` in ``words`` from ``start`` on, or -1 (the search runs in C)."""
    try:
        return words.index(word, start)
    except ValueError:
        return -1


def _context(text: str, *, cut: bool, keep: str) -> str:
    """Context without the word the window cut in two, and with its spaces folded."""
    words = text.split(" ")
    if cut and len(words) > 1:
        words = words[1:] if keep == "end" else words[:-1]
    return " ".join(" ".join(words).split())


@attrs.frozen
class Related:
    """A record related to another, and why.

    Attributes:
        record: The related record.
        score: How strongly (higher is closer).
        shared: The ids they have in common or that link them (entities,
            themes, footnotes, evidence).
    """

    record: Record
    score: float
    shared: tuple[str, ...]


def _features(report: Report, record: Record) -> set[str]:
    features = set(record.entity_ids)
    features.update(getattr(record, "footnote_ids", ()))
    for footnote_id in list(getattr(record, "footnote_ids", ())):
        footnote = report.get(footnote_id)
        if isinstance(footnote, Footnote):
            features.update(footnote.same_source_as)
            if footnote.ibid_of is not None:
                features.add(footnote.ibid_of)
    if isinstance(record, Recommendation):
        features.update(record.theme_ids)
        features.update(record.evidence_ids)
    return features


def related(report: Report, record_id: str) -> list[Related]:
    """Records sharing entities, themes or footnotes with ``record_id``, or linked to it, best first.

    Raises:
        TypeError, UnknownIdError, InvalidArgumentError: As `Report.related` says.
    """
    target = report.get(record_id)
    if isinstance(target, (Section, Theme, Figure, Source)):
        raise InvalidArgumentError("id", f"related() takes a record or an entity, not a {target.kind}")
    records = report.records()
    features = {r.id: _features(report, r) for r in records}
    # a paragraph "has" the themes of the recommendations it is evidence for, and links to them
    for rec in report.recommendations:
        for paragraph_id in rec.evidence_ids:
            features[paragraph_id] |= set(rec.theme_ids) | {rec.id}
    frequency = Counter(f for fs in features.values() for f in fs)
    if isinstance(target, Entity):
        mine = {target.id}
    elif target.id in features:
        mine = features[target.id] | {target.id}
    else:
        mine = set()
        for r in records:
            if target.id in features[r.id]:
                mine.add(target.id)
    weights: dict[str, float] = defaultdict(float)
    for feature in mine:
        weights[feature] = math.log(1 + len(records) / max(frequency[feature], 1))
    results = []
    for record in records:
        if record.id == target.id:
            continue
        shared = sorted(mine & (features[record.id] | {record.id}))
        if shared:
            results.append(Related(record, round(sum(weights[f] for f in shared), 6), tuple(shared)))
    results.sort(key=lambda r: (-r.score, r.record.span.start))
    return results
