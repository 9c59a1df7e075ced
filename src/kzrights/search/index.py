"""Ranked full-text search over a report's records and entities: BM25 with stemming.

The index is built once per [`Report`][kzrights.report.Report], on the first search,
and kept with it; each term's postings are worked out when a query first
asks for them (see `SearchIndex`), so the first search pays for the terms it
uses, not for stemming every word of the release.  Each document is a text record (paragraph, item,
recommendation, footnote) or an entity (its name, aliases and description).
Scores are Okapi BM25 over normalised terms (see `kzrights.search._text`), plus the
entity layer: a query word or phrase that names an entity ("Bokaev",
"NUR OTAN") also matches every record that mentions that entity, however the
record spells it.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .. import _chars
from .._layout import DERIVED_FOLDER, SEARCH_FILE
from .._locking import FIRST_USE
from .._names import name_key, warn_bare_id
from ..errors import ArgumentTypeError, DataIntegrityError, InvalidArgumentError, UnknownIdError
from ..records import Addressee, Entity, Paragraph, Recommendation
from . import _derived
from ._derived import Searchable
from ._derived import doc_text as _doc_text
from ._text import STOPWORDS, check_text, first_letter, normalise, word_list, word_spans

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["KINDS", "MAX_QUERY_LENGTH", "Hit", "HitList", "SearchIndex", "validate"]

KINDS = ("paragraph", "item", "recommendation", "footnote", "entity")
"""The kinds of document [`Report.search`][kzrights.report.Report.search] can return."""
# far beyond any real query, and short enough that no search takes long
# whatever the text (docs/benchmarks.md measures the worst cases)
MAX_QUERY_LENGTH = 10_000
"""The longest query [`Report.search`][kzrights.report.Report.search] takes, in characters."""

# Okapi BM25's usual constants (Robertson and Zaragoza 2009): k1 is how fast
# repeating a word stops adding to a score, b how much a long record is
# penalised for its length; SQLite FTS5's bm25(), which docs/benchmarks.md
# ranks against, uses the same two
_K1 = 1.2
_B = 0.75
_ENTITY_TERM = "\x00entity:"
# the quote marks that open a phrase, and the mark that closes each
_PHRASE_MARKS = {'"': '"', "“": "”", "«": "»"}
_OPENER = re.compile("[" + "".join(_PHRASE_MARKS) + "]")
_QUOTE_MARKS = str.maketrans(dict.fromkeys('"“”«»', " "))
_MAX_ENTITY_WORDS = 64  # entity names are looked for among the first words of a long query
_MAX_NGRAM = 5
# the longest query word looked up as (part of) a name: the releases' longest name is 111
# characters (tests/test_search.py holds every release's under half of this)
_LONGEST_NAME = 256
_NO_NAME = "\x00"  # a key no name has (name keys are letters, digits and single spaces)
# an entity's entry (its name, aliases and description) is short and repeats
# its name: without halving, it would outrank every record that says more
_ENTITY_DAMPING = 0.5
# how much a record that mentions an entity named in the query gains, as if it
# used a query word this often; an entity's own entry counts as three mentions
_ENTITY_WEIGHT = 1.5
_OWN_ENTRY_MENTIONS = 3
_STOP_TERMS = frozenset(normalise(word) for word in STOPWORDS)


@attrs.frozen
class Hit:
    """One search result.

    Attributes:
        record: The record or entity found.
        score: Its relevance (higher is better; comparable within one search).
        snippet: The best short window of its text, with the matches.
        highlights: ``(start, end)`` offsets of the matched words in ``snippet``.
    """

    record: Searchable
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...]

    @property
    def kind(self) -> str:
        """The kind of the record found ("paragraph", "entity", …)."""
        return self.record.kind

    def _repr_html_(self) -> str:
        with FIRST_USE:  # a fork() waits for this first import (see kzrights._locking)
            from .._display import hit_html

        return hit_html(self)


class HitList(list[Hit]):
    """The hits of a search: a plain list, which Jupyter shows as one table of all hits.

    Defined here rather than with the other displays (`kzrights._display`) so
    that a search imports the display code only when a notebook shows it.
    """

    __slots__ = ()

    def _repr_html_(self) -> str:
        with FIRST_USE:  # a fork() waits for this first import (see kzrights._locking)
            from .._display import hits_html

        return hits_html(self)


class _Doc:
    """One document of the index: a record or an entity, with what ranking it needs."""

    __slots__ = ("length", "record", "section", "text")

    def __init__(self, record: Searchable, text: str, length: int, section: str | None) -> None:
        self.record = record
        self.text = text
        # its length in words (every word has a search form: normalise never empties a word)
        self.length = length
        self.section = section

    @property
    def words(self) -> list[str]:
        """Its words as written, in order (a term's positions index these); split when asked."""
        return word_list(self.text)


def _section(record: Searchable) -> str | None:
    if isinstance(record, Entity):
        return None
    if isinstance(record, Paragraph):
        return record.section_id
    return {"item": "conclusions", "recommendation": "recommendations", "footnote": "footnotes"}[record.kind]


def validate(
    report: Report,
    query: object,
    kinds: str | Collection[str] | None,
    limit: object,
    addressee: Addressee | str | None,
    theme: str | None,
    entity: str | None,
    section: str | None,
) -> dict[str, Any]:
    """Check the arguments of [`Report.search`][kzrights.report.Report.search]; return the index's options.

    Raises:
        TypeError, EmptyInputError, InputTooLongError, InvalidArgumentError, UnknownIdError: As
            [`Report.search`][kzrights.report.Report.search] says.
    """
    check_text(query, "query", MAX_QUERY_LENGTH, hint="give at least one word")
    if type(limit) is not int:
        raise ArgumentTypeError("limit", "an int", limit)
    if limit < 1:
        raise InvalidArgumentError("limit", "limit must be at least 1")
    wanted_kinds = None
    if kinds is not None:
        if not isinstance(kinds, (str, Collection)):
            raise ArgumentTypeError("kinds", "a kind or a collection of kinds", kinds)
        wanted_kinds = {kinds} if isinstance(kinds, str) else set(kinds)
        if not wanted_kinds:
            # an empty filter keeps nothing: a search that must answer [] is a mistake, not a question
            raise InvalidArgumentError(
                "kinds", f"kinds is empty: give at least one of {', '.join(KINDS)}, or None for all", KINDS
            )
        unknown = sorted(str(k) for k in wanted_kinds - set(KINDS))
        if unknown:
            raise InvalidArgumentError(
                "kinds", f"unknown kinds {unknown}; kinds are {', '.join(KINDS)}", KINDS
            )
    wanted_addressee = None
    if addressee is not None:
        try:
            wanted_addressee = Addressee(addressee)
        except ValueError:
            raise InvalidArgumentError(
                "addressee",
                f"unknown addressee {addressee!r}; expected 'government' or 'international'",
                [a.value for a in Addressee],
            ) from None
    theme_id = None
    if theme is not None:
        if not isinstance(theme, str):
            raise ArgumentTypeError("theme", "a str", theme)
        theme_id = theme if theme.startswith("themes.") else f"themes.{theme}"
        if theme_id not in {t.id for t in report.themes}:
            raise UnknownIdError(theme, [t.id for t in report.themes], what="theme")
    entity_id = None
    if entity is not None:
        found, bare = report._entity(entity, argument="entity")
        if bare:
            warn_bare_id(entity)
        entity_id = found.id
    sections = [s.id for s in report.sections]
    if section is not None and section not in sections:
        raise InvalidArgumentError(
            "section", f"unknown section {section!r}; sections are {', '.join(sections)}", sections
        )
    return {
        "kinds": wanted_kinds,
        "limit": limit,
        "addressee": wanted_addressee,
        "theme": theme_id,
        "entity": entity_id,
        "section": section,
    }


class SearchIndex:
    """The BM25 index of one report.  Build it with `for_report`."""

    def __init__(self, report: Report) -> None:
        self._report = report
        records = _derived.documents(report)
        texts = [_doc_text(record) for record in records]
        # term → its postings, for the terms the report has, as queries ask
        self._term_postings: dict[str, dict[int, list[int]]] = {}
        derived = _derived.read(report)
        if derived is not None:
            # the release's search forms and name keys, computed by the build (see _derived)
            self._stored: Mapping[str, str] | None = derived.terms
            self._names = derived.names
            lengths: Sequence[int] = derived.lengths
            # nothing is normalised term by term: no words by first letter, no forms kept
            self._by_letter: dict[str, list[str]] = {}
            self._forms: dict[str, dict[str, set[str]]] = {}
        else:
            self._stored = None
            # name keys of every entity's id, name and aliases (the look-up of Report.entity)
            self._names = report._name_index()
            lengths = self._split(texts)
        self._docs = [
            _Doc(record, text, length, _section(record))
            for record, text, length in zip(records, texts, lengths, strict=True)
        ]
        # where each term of a document stands in its text: only snippets need
        # it, so it is worked out for the documents a search returns, once each
        self._offsets: dict[int, list[tuple[int, int]]] = {}
        # the entity layer: a record "contains" each entity it mentions, an entity itself
        self._entity_postings: dict[str, dict[int, int]] = defaultdict(dict)
        number_of = {id(doc.record): n for n, doc in enumerate(self._docs)}
        for mention in report.mentions:
            n = number_of[id(report.get(mention.record_id or ""))]
            counts = self._entity_postings[mention.entity_id]
            counts[n] = counts.get(n, 0) + 1
        for entity in report.entities:
            self._entity_postings[entity.id][number_of[id(entity)]] = _OWN_ENTRY_MENTIONS
        self._mentions_by_record: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        for mention in report.mentions:
            self._mentions_by_record[mention.record_id or ""].append(
                (mention.entity_id, mention.start, mention.end)
            )
        self._is_entity = [isinstance(d.record, Entity) for d in self._docs]
        self._average = sum(d.length for d in self._docs) / max(len(self._docs), 1)
        self._theme_members = self._themes(report)

    def _split(self, texts: list[str]) -> list[int]:
        """Prepare the index built in memory, term by term; return each document's length in words.

        What a first search waits for is mostly normalising (stemming, in
        Python) the release's 1,600 distinct words, and a query needs the few
        that share its terms' first letter.  So this only splits and counts
        each document's words as written (in C); a term's postings are worked
        out when a query first asks for it, from the words of its first
        letter, each normalised once.  The dictionaries are bounded by the
        release.  (A release's derived search data, when it fits, makes all
        of this unnecessary.)
        """
        written = [word_list(text) for text in texts]
        # each document's words as written, in order (a term's positions index this)
        self._words = written
        # how often each written word stands in each document
        self._counts = [Counter(words) for words in written]
        by_letter: dict[str, list[str]] = defaultdict(list)
        letters: dict[str, str] = {}
        for word in set().union(*written):
            letter = letters.get(word[0])
            if letter is None:
                letter = letters[word[0]] = first_letter(word[0])
            if not letter:  # its first character says nothing: normalise it now (none in 1.1.0)
                letter = normalise(word)[:1]
            by_letter[letter].append(word)
        self._by_letter = dict(by_letter)
        # first letter → search form → the written words that have it, as queries ask
        self._forms = {}
        return [len(words) for words in written]

    @staticmethod
    def _themes(report: Report) -> dict[str, frozenset[str]]:
        """Which record ids each theme takes in: its recommendations, its item, the words that link them."""
        members: dict[str, set[str]] = defaultdict(set)
        for theme in report.themes:
            if theme.item_id:
                members[theme.id].add(theme.item_id)
        for rec in report.recommendations:
            for link in rec.theme_links:
                members[link.target_id].add(rec.id)
                if link.record_id:
                    members[link.target_id].add(link.record_id)
        return {theme: frozenset(ids) for theme, ids in members.items()}

    # ── queries ──────────────────────────────────────────────────────────────

    def query(
        self,
        query: str,
        *,
        kinds: str | Collection[str] | None = None,
        limit: int = 10,
        addressee: Addressee | str | None = None,
        theme: str | None = None,
        entity: str | None = None,
        section: str | None = None,
    ) -> list[Hit]:
        """Check a query as a user gave it, then run it (what `Report.search` does).

        Raises:
            TypeError, ValueError, InputTooLongError, UnknownIdError: As
                [`Report.search`][kzrights.report.Report.search] says.
        """
        query = _chars.plain_str(query, "query")  # no str subclass's __len__ or strip() is trusted
        options = validate(self._report, query, kinds, limit, addressee, theme, entity, section)
        return HitList(self.search(query, **options))  # a list that Jupyter shows as one table

    def _postings(self, term: str) -> dict[int, list[int]]:
        """Where ``term`` stands: document number → its positions in the document's words."""
        found = self._term_postings.get(term)
        if found is not None:
            return found
        if self._stored is not None:
            return self._stored_postings(term, self._stored)
        letter = term[:1]
        if letter not in self._by_letter:
            return {}  # no word of the report starts so; nothing kept for letters users type
        forms = self._forms.get(letter)
        if forms is None:  # the first term with this letter: normalise the words that start so
            forms = defaultdict(set)
            for word in self._by_letter[letter]:
                forms[normalise(word)].add(word)
            # published whole: a thread searching at the same time never sees it half built
            self._forms[letter] = forms
        words = forms.get(term)
        if not words:
            return {}  # not the report's: nothing kept, so what users type is never kept
        found = {
            number: [i for i, word in enumerate(self._words[number]) if word in words]
            for number, counts in enumerate(self._counts)
            if not words.isdisjoint(counts)
        }
        self._term_postings[term] = found
        return found

    def _stored_postings(self, term: str, stored: Mapping[str, str]) -> dict[int, list[int]]:
        """A term's postings from the release's derived search data, checked as they are read.

        Raises:
            DataIntegrityError: If they are not ``"document position …|…"``
                inside the index (a derived file changed and its header's
                sha256 recomputed: the check the header cannot make).
        """
        text = stored.get(term)
        if text is None:
            return {}  # not the report's: nothing kept, so what users type is never kept
        found: dict[int, list[int]] = {}
        docs = self._docs
        try:
            for row in text.split("|"):
                number, *positions = map(int, row.split(" "))
                length = docs[number].length if number >= 0 else -1
                if number in found or not positions or not all(0 <= p < length for p in positions):
                    raise ValueError
                found[number] = positions
        except (AttributeError, ValueError, IndexError):
            where = f"{DERIVED_FOLDER}/{self._report.version}/{SEARCH_FILE}"
            raise DataIntegrityError(
                self._report.version, where, f"malformed postings of the term {term!r}"
            ) from None
        self._term_postings[term] = found
        return found

    def _idf(self, document_frequency: int) -> float:
        n = len(self._docs)
        return math.log(1 + (n - document_frequency + 0.5) / (document_frequency + 0.5))

    def _entities_named(self, words: Sequence[str]) -> tuple[set[str], set[int]]:
        """The entities whose name or alias is a run of the query's words, and which words name them."""
        found: set[str] = set()
        covered: set[int] = set()
        words = words[:_MAX_ENTITY_WORDS]
        # a word longer than any name is keyed as none: "ﷺ" * 10,000 is 180,000 characters
        # once normalised, 47 ms to key, and names nothing (tester, session 27). A word may be a
        # whole name, its words joined by hyphens ("council-of-europe-convention-on-...")
        keys = [name_key(w) if len(w) <= _LONGEST_NAME else _NO_NAME for w in words]
        for size in range(min(_MAX_NGRAM, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                if size == 1 and (words[start].casefold() in STOPWORDS or len(words[start]) < 2):
                    continue
                entity = self._names.get(" ".join(keys[start : start + size]))
                if entity is not None:
                    found.add(entity.id)
                    covered.update(range(start, start + size))
        return found, covered

    def _filter(
        self,
        kinds: Collection[str] | None,
        addressee: Addressee | None,
        theme: str | None,
        entity: str | None,
        section: str | None,
    ) -> list[bool] | None:
        if kinds is None and addressee is None and theme is None and entity is None and section is None:
            return None
        allowed_ids = self._theme_members.get(theme, frozenset()) if theme else None
        mentions = set(self._entity_postings.get(entity, {})) if entity else None
        keep = []
        for number, doc in enumerate(self._docs):
            record = doc.record
            ok = (
                (kinds is None or record.kind in kinds)
                and (
                    addressee is None
                    or (isinstance(record, Recommendation) and record.addressee is addressee)
                )
                and (allowed_ids is None or record.id in allowed_ids)
                and (mentions is None or number in mentions)
                and (section is None or doc.section == section)
            )
            keep.append(ok)
        return keep

    def search(
        self,
        query: str,
        *,
        kinds: Collection[str] | None = None,
        limit: int = 10,
        addressee: Addressee | None = None,
        theme: str | None = None,
        entity: str | None = None,
        section: str | None = None,
        snippet_width: int = 160,
    ) -> list[Hit]:
        """Run a parsed, validated query (see [`kzrights.Report.search`][kzrights.report.Report.search])."""
        phrases, loose = _phrases(_chars.canonical(query))
        words = _WORD.findall(loose)
        # a query of 10,000 characters may hold 5,000 words, and most of them the
        # same few: each distinct word is normalised once, the rest is done in C
        phrase_written = [word_list(p) for p in phrases]
        loose_words = word_list(loose)
        written = {*words, *loose_words, *(w for p in phrase_written for w in p)}
        form = {word: normalise(word) for word in written}.__getitem__
        phrase_terms = [[t for t in map(form, p) if t] for p in phrase_written]
        phrase_terms = [p for p in phrase_terms if p]
        terms = [t for t in map(form, loose_words) if t and t not in _STOP_TERMS and self._postings(t)]
        entity_ids, covered = self._entities_named(words)
        for phrase in phrases:
            if len(phrase.split()) > 1:
                entity_ids |= self._entities_named(_WORD.findall(phrase))[0]
        content = [i for i, w in enumerate(map(form, words)) if w not in _STOP_TERMS]
        # a query that is more than a name asks about something the entity's records say
        name_only = bool(content) and set(content) <= covered and not phrases
        if phrases and not phrase_terms and not terms:
            return []
        for phrase_words in phrase_terms:
            if not all(map(self._postings, phrase_words)):
                return []  # a phrase with a word the report never uses matches nothing
            terms.extend(t for t in phrase_words if t not in _STOP_TERMS)
        if not terms and not entity_ids and not phrase_terms:
            return []
        keep = self._filter(kinds, addressee, theme, entity, section)
        scores: dict[int, float] = defaultdict(float)
        # how many of the query's distinct words each document has (for coordination below)
        present: dict[int, int] = defaultdict(int)
        for term, weight in Counter(terms).items():
            postings = self._postings(term)
            idf = self._idf(len(postings))
            for number, positions in postings.items():
                if keep is None or keep[number]:
                    present[number] += 1
                    if self._is_entity[number]:
                        # an entity's entry repeats its name in every alias: count a word once
                        scores[number] += _ENTITY_DAMPING * weight * idf * self._saturate(1, number)
                    else:
                        scores[number] += weight * idf * self._saturate(len(positions), number)
        for entity_id in entity_ids:
            named = self._entity_postings.get(entity_id, {})
            idf = self._idf(len(named))
            for number, count in named.items():
                if keep is None or keep[number]:
                    scores[number] += _ENTITY_WEIGHT * idf * self._saturate(count, number)
        if phrase_terms:
            scores = {
                n: s * (1 + len(phrase_terms))
                for n, s in scores.items()
                if self._has_phrases(n, phrase_terms)
            }
        distinct = set(terms)
        if len(distinct) > 1:
            # coordination: a document with more of the query's words ranks higher
            by_name = {n for e in entity_ids for n in self._entity_postings.get(e, {})}
            for number in scores:
                matched = present[number]
                if number in by_name:
                    matched = min(len(distinct), matched + 1)  # a name the entity layer found counts too
                scores[number] *= (matched / len(distinct)) ** 2
        if not name_only:
            # a query that is more than a name asks what the records say, not who someone is
            for number in scores:
                if self._is_entity[number]:
                    scores[number] *= _ENTITY_DAMPING
        ranked = sorted(((n, s) for n, s in scores.items() if s > 0), key=lambda item: (-item[1], item[0]))[
            :limit
        ]
        wanted = set(terms) | {t for p in phrase_terms for t in p}
        return [self._hit(number, score, wanted, entity_ids, snippet_width) for number, score in ranked]

    def _saturate(self, frequency: int, number: int) -> float:
        norm = _K1 * (1 - _B + _B * self._docs[number].length / self._average)
        return frequency * (_K1 + 1) / (frequency + norm)

    def _has_phrases(self, number: int, phrases: Iterable[Sequence[str]]) -> bool:
        for phrase in phrases:
            first = self._postings(phrase[0]).get(number, [])
            rest = [set(self._postings(t).get(number, ())) for t in phrase[1:]]
            if not any(
                all(start + i + 1 in positions for i, positions in enumerate(rest)) for start in first
            ):
                return False
        return True

    # ── snippets ─────────────────────────────────────────────────────────────

    def _hit(self, number: int, score: float, wanted: set[str], entity_ids: set[str], width: int) -> Hit:
        doc = self._docs[number]
        offsets = self._offsets.get(number)
        if offsets is None:
            offsets = self._offsets[number] = word_spans(doc.text)
        # the wanted terms' positions in the document's words, from their postings
        spans = [offsets[at] for term in wanted for at in self._postings(term).get(number, ())]
        if entity_ids and not isinstance(doc.record, Entity):
            spans += [
                (start, end)
                for entity_id, start, end in self._mentions_by_record.get(doc.record.id, ())
                if entity_id in entity_ids
            ]
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        snippet, highlights = _snippet(doc.text, merged, width)
        return Hit(doc.record, round(score, 6), snippet, highlights)


def _phrases(query: str) -> tuple[list[str], str]:
    """Split a query into its quoted phrases and the rest, quote marks taken out.

    A phrase is in straight double quotes, in “curly” ones or in «guillemets»;
    a mark that opens and is never closed is only a mark.  One pass: a
    closing mark is looked for at most once after it was missing.
    """
    phrases: list[str] = []
    loose: list[str] = []
    done = 0
    unclosed: set[str] = set()
    for opener in _OPENER.finditer(query):
        at = opener.start()
        closer = _PHRASE_MARKS[opener.group()]
        if at < done or closer in unclosed:
            continue
        end = query.find(closer, at + 1)
        if end < 0:
            unclosed.add(closer)  # no later mark of this kind is closed either
            continue
        loose.append(query[done:at])
        phrases.append(query[at + 1 : end])
        done = end + 1
    loose.append(query[done:])
    return phrases, " ".join(loose).translate(_QUOTE_MARKS)


_WORD = re.compile(f"[^\\W_]+(?:[{re.escape(_chars.APOSTROPHES + _chars.DASHES)}][^\\W_]+)*")


def _snippet(text: str, spans: list[tuple[int, int]], width: int) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The window of about ``width`` characters with the most matches, cut at word boundaries."""
    if len(text) <= width:
        return text, tuple(spans)
    best_start, best_count = 0, -1
    # the spans are sorted and do not overlap: their starts and ends both ascend
    starts = [s for s, _ in spans]
    ends = [e for _, e in spans]
    for start, _ in spans or [(0, 0)]:
        window_start = max(0, start - width // 4)
        count = max(
            0, bisect.bisect_right(ends, window_start + width) - bisect.bisect_left(starts, window_start)
        )
        if count > best_count:
            best_start, best_count = window_start, count
    start = best_start
    if start > 0:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    snippet = prefix + text[start:end] + suffix
    shift = len(prefix) - start
    highlights = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return snippet, highlights
