"""Checking a quotation against the report: [`Report.check_quote`][kzrights.report.Report.check_quote].

A writer's quotation is compared with the report word by word and given one
verdict (`Verdict`):

- ``exact``: the report has these characters (in Unicode NFC), invisible
  ones included, starting and ending on its word boundaries ("dependent"
  cut from "independent" is no quotation of it, nor "governmental" cut at
  the hyphen of "non-governmental", although
  [`Report.locate`][kzrights.report.Report.locate] finds its characters);
- ``equivalent``: the same words and punctuation in the same order, where only
  typography differs: which quote mark, apostrophe or dash, case, spacing
  (around dashes too, and across the break between two records), invisible
  characters added or left out (a zero-width space, a soft hyphen, U+FE0F), a
  hyphenated compound of the report typed solid or spaced ("nongovernmental",
  `_with_compounds`), and sentence punctuation (``. , ; : ! ? …``) at either end of the quotation,
  which belongs to the writer's sentence (a final "." where the report has
  ";"); any other mark at an edge ("$", "€", "+") is quoted like a word;
- ``altered``: found, but words or punctuation inside the quotation were
  omitted, added or changed; each change is a `Difference`.  Words left out
  where the quotation has an ellipsis ("…", "...", "[…]", "(…)", or "⋯",
  "․․․" and the other characters `_chars.ELLIPSIS_MARKS` and `_chars.DOTS`
  list; several in
  a row are one; a full stop beside one, as in "freedoms. …" or
  "freedoms....", is the sentence's full stop, compared as punctuation, and
  the omission may stand on either side of it) are a *marked omission*,
  reported as such, if they are at most `MAX_MARKED_OMISSION` words and
  the whole quotation lies within one passage or two adjacent ones (a
  passage is a paragraph with the items of its list, a lead-in with the
  recommendations under it, or a footnote); a quotation whose only
  differences are marked omissions is ``equivalent``.  An ellipsis between
  two words that follow on in the report leaves nothing out: it is the
  writer's addition (``altered``), never the reason a quotation of the
  report's words in order is ``not found``;
- ``not found``: nothing in the report is close enough; `QuoteCheck.closest`
  ranks the nearest passages with their similarity.

How it works: the quotation and the report are split into tokens (words, and
each punctuation mark).  A quotation with an ellipsis whose pieces all stand
as written (typography and case aside), in order, within one passage or two
adjacent ones, each ellipsis standing for one token to `MAX_MARKED_OMISSION`
words, is placed at the best such passage (`QuoteChecker._verbatim`: the
closest typography, quote marks included, then the shortest, then the
earliest), however common its pieces ("the … the … the"), and is
``equivalent``.  Otherwise the report's words are indexed by their search form
(`kzrights.search._text.normalise`: case, diacritics, British or American
spelling and inflection folded); the stretches of the report that share the
most rare words with the quotation, along one diagonal, are aligned with it
(a patience diff: the words that stand once on each side anchor it, runs
that agree from an anchor on are taken as they stand, and what is left is
aligned as ``difflib.SequenceMatcher`` aligns it, longest run first
(`_longest_first`, which looks only at the words that match), within a fixed budget of
work per quotation, so that no quotation, however long or repetitive, takes
long); the best alignment's similarity, the share of
the quotation's words that the passage has in the same order
(``matched words / max(words in the quotation, words in the passage / 2)``,
words inside marked omissions left out, each ellipsis counted as a word that
the passage has where it bridges a marked omission between two matched
words, or stands between two matched words that follow on in the report),
decides between ``altered``
(at least `ALTERED_SIMILARITY`) and ``not found``.  Every character rule
(quote marks, dashes, apostrophes, invisible characters) is `kzrights._chars`'.
"""

from __future__ import annotations

import bisect
import difflib
import enum
import functools
import itertools
import operator
import re
import unicodedata
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from .. import _chars
from ..errors import InputTooShortError
from ..records import Span
from ._derived import _URL
from ._text import check_text, normalise
from .locate import Location

if TYPE_CHECKING:
    from ..records import Record
    from ..report import Report
    from .locate import Locator

__all__ = [
    "ALTERED_SIMILARITY",
    "MAX_CHECK_LENGTH",
    "MAX_MARKED_OMISSION",
    "MIN_LETTERS",
    "Difference",
    "DifferenceKind",
    "Passage",
    "QuoteCheck",
    "QuoteChecker",
    "Verdict",
    "quote_check_json",
    "word_diff",
]

ALTERED_SIMILARITY = 0.75
"""The least similarity (0 to 1) at which a quotation is ``altered`` rather than ``not found``.

Chosen on the labelled quotations in ``tests/quotes.json`` (see
docs/how-to/check-a-quote.md for the confusion matrix).
"""

MAX_CHECK_LENGTH = 4_000
"""The longest quotation [`Report.check_quote`][kzrights.report.Report.check_quote] takes, in characters.

A quotation with ellipses is found within one passage (a paragraph with
the items of its list, a lead-in with the recommendations under it, a
footnote) or across the boundary of two; the longest two adjacent passages
of any release hold 2,858 characters (1.0.0 to 1.3.1: conclusions.p28, and
recommendations.p1 with the thirteen recommendations to the Government),
so this leaves room for a writer's typography (spaced dashes, doubled
spaces, "[…]") around the longest quotation the report can hold, and a
test keeps it so for every release.
Within it, every quotation, hostile ones included, is checked in a few
milliseconds (docs/benchmarks.md).  `Report.locate` takes up to
`kzrights.search.MAX_QUOTE_LENGTH` (10,000).
"""
_WHY_LIMIT = (
    "a quotation is found in one passage or across two, and no two adjacent passages hold 3,000 characters"
)

MIN_LETTERS = 2
"""The fewest letters and digits a quotation [`Report.check_quote`][kzrights.report.Report.check_quote] takes.

One letter, with or without its accents ("a", "á", "x\u0301"), stands in
nearly every sentence, and marks or symbols alone (an emoji, a dash, a
lone surrogate) are no words: such a quotation quotes nothing, and is
refused with `kzrights.errors.InputTooShortError` (a ``ValueError``).  The
letters of a writer's note ("[sic]", "(sic!)") are not counted.
"""
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def _count_letters(text: str, most: int) -> int:
    """How many letters and digits ``text`` has, counted up to ``most`` (combining marks are no letters)."""
    count, at = 0, 0
    while count < most:
        found = _LETTER_OR_DIGIT.search(text, at)
        if found is None:
            break
        count, at = count + 1, found.end()
    return count


_MIN_MATCHED_WORDS = 2
# a passage shares at least this many words with an ``altered`` quotation
_CLOSEST = 3
# how many passages ``not found`` ranks
_COMMON = 40
# the fewest report words a stray edge match leaves out within its own record (three per word it
# has, at least): a writer's sloppy cut leaves out a word or two, not a clause (`QuoteChecker._stray`)
_STRAY_WITHIN = 4
# the passages ranked first whose shown similarity is weighed against the first's, where the first
# shows less than it scores (`QuoteChecker._check_tokens`)
_SHOWN_TRIED = 8
# a word the report uses more often than this is no anchor, unless the quotation has no other
_MAX_ANCHORS = 4_000
_IS_RARE = frozenset(range(1, _COMMON + 1))  # the counts of places of a word that is no common one
# at most this many (quotation word, report word) pairs vote for a passage
_BUCKET = 8
# tokens per diagonal bucket of the vote
_MAX_GAP = 400
_TRIMS = 4
_REFINE_LENGTH = 64
# a short quotation found with at most this many distinct rare words is tried again without the
# rarest where it fits badly: with more, the others outvote a rare word the writer added
_FEW_RARE_WORDS = 3
# a quotation of at most this many tokens has its leading places ranked again by the words they share
_REFINE_PLACES = 60
# how many leading places
# how many matches at each end of a passage may be let go to make it more similar
# the most tokens the passage of a quotation with an ellipsis is looked for beyond its words
MAX_MARKED_OMISSION = 100
"""The most words of the report one ellipsis in a quotation may stand for.

An ellipsis ("…", "...", "[…]") is a *marked omission* only if it stands
for at most this many words and the quotation lies within one passage (a
paragraph with its list, a lead-in with its recommendations, a footnote) or
two adjacent ones; any other words left out are an unmarked omission, an
alteration, and count against the similarity.  A writer's ellipsis leaves
out a clause or a sentence (the longest in the labelled set,
``tests/quotes.json``, stands for 73 words, most of a paragraph),
not a page.
"""


class Verdict(str, enum.Enum):
    """What [`Report.check_quote`][kzrights.report.Report.check_quote] finds of a quotation."""

    EXACT = "exact"
    """The report has these characters."""
    EQUIVALENT = "equivalent"
    """Only typography, case, spacing, invisible characters, end punctuation or marked omissions differ."""
    ALTERED = "altered"
    """Found, with words or punctuation omitted, added or changed."""
    NOT_FOUND = "not found"
    """Nothing in the report is close enough."""

    @property
    def exit_status(self) -> int:
        """The exit status of ``kzrights check-quote``: 0 exact or equivalent, 1 altered, 2 not found."""
        return {"exact": 0, "equivalent": 0, "altered": 1, "not found": 2}[self.value]


class DifferenceKind(str, enum.Enum):
    """How a quotation departs from the report at one place."""

    OMITTED = "omitted"
    """Words of the report left out, unmarked."""
    ADDED = "added"
    """Words the report does not have there, or an ellipsis where the report leaves nothing out."""
    CHANGED = "changed"
    """Words of the report replaced by others (a spelling or a form of the same word too)."""
    MARKED_OMISSION = "marked omission"
    """Words of the report left out where the quotation has an ellipsis: not an alteration."""


@attrs.frozen
class Difference:
    """One place where a quotation departs from the report.

    Attributes:
        kind: Omitted, added, changed or a marked omission.
        quote_span: Offsets into the quotation as given (empty where words
            were left out).
        quote_text: The quotation's characters there ("" for an omission,
            the ellipsis for a marked omission).
        record_id: The record the difference is in.
        span: Offsets into that record's ``text`` (empty where words were
            added).
        text: The record's characters there.
    """

    kind: DifferenceKind
    quote_span: Span
    quote_text: str
    record_id: str
    span: Span
    text: str

    @property
    def punctuation_only(self) -> bool:
        """Whether only punctuation differs here (a dropped comma, dropped scare quotes)."""
        return not any(map(_chars.is_word_char, self.quote_text + self.text))


@attrs.frozen
class Passage:
    """A stretch of the report close to a quotation that was not found.

    Attributes:
        locations: Where it stands, one per record it runs over, in reading
            order.
        similarity: How close it is, from 0 to 1.
    """

    locations: tuple[Location, ...]
    similarity: float

    @property
    def text(self) -> str:
        """The passage as the report has it (records joined by a space)."""
        return " ".join(location.text for location in self.locations)


@attrs.frozen
class QuoteCheck:
    """What [`Report.check_quote`][kzrights.report.Report.check_quote] found of a quotation.

    Attributes:
        quote: The quotation, as given.
        verdict: Exact, equivalent, altered or not found.
        locations: Where it stands, in reading order: one `Location` per
            record it runs over (two or more when it runs across a boundary:
            a quotation of a list with an item left out at an ellipsis runs
            over three items); empty when not found.
        similarity: How close the best passage is, from 0 to 1 (1.0 for
            exact and equivalent; for an altered quotation whose every word
            the passage has, the share of its tokens, ellipses included,
            left as they are, from `ALTERED_SIMILARITY` to below 1).
        differences: Every difference, in the quotation's order (marked
            omissions included); empty for exact and equivalent ones without
            marked omissions.
        closest: For ``not found``, the nearest passages, best first (at
            most three); empty otherwise.
    """

    quote: str
    verdict: Verdict
    locations: tuple[Location, ...] = ()
    similarity: float = 0.0
    differences: tuple[Difference, ...] = ()
    closest: tuple[Passage, ...] = ()

    @property
    def location(self) -> Location | None:
        """The first (usually the only) location, or ``None`` when not found."""
        return self.locations[0] if self.locations else None

    @property
    def alterations(self) -> tuple[Difference, ...]:
        """The differences that are alterations (every one but the marked omissions)."""
        return tuple(d for d in self.differences if d.kind is not DifferenceKind.MARKED_OMISSION)


# ── for readers and programs ───────────────────────────────────────────────────


def _bracketed(text: str, role: str) -> str:
    return text


def word_diff(check: QuoteCheck, paint: Callable[[str, str], str] = _bracketed) -> str:
    """The report's words where the quotation stands, with the quotation's changes marked.

    Words the quotation lacks are shown as ``[-…-]``, words it adds as
    ``{+…+}`` (as ``git diff --word-diff`` does); the words of a marked
    omission, left out where the quotation has an ellipsis, are shown as
    ``[……]`` ("President […Tokayev has promised a ‘listening…] state’"),
    so that they are not taken for an alteration.  The records of a
    quotation that runs across a boundary are joined by a space.

    Args:
        check: What [`Report.check_quote`][kzrights.report.Report.check_quote] gave.
        paint: Called with each marked piece (brackets included) and its role,
            ``"omitted"``, ``"marked omission"`` or ``"added"``; returns what
            to show (the command line colours it on a terminal).  By default
            the piece as it is.

    Returns:
        One line of text; ``""`` for a quotation not found.

    Examples:
        >>> import kzrights
        >>> check = kzrights.load("1.1.0").check_quote("Stop using kettling as a tactic")
        >>> word_diff(check)
        'Stop using kettling as a [-policing-] tactic'
        >>> word_diff(kzrights.load("1.1.0").check_quote("Stop … demonstrations"))
        'Stop […using kettling as a policing tactic for peaceful…] demonstrations'
    """
    pieces: list[str] = []
    for place in check.locations:
        text, cursor = place.record.text, place.span.start
        out: list[str] = []
        mine = [d for d in check.differences if d.record_id == place.record.id]
        ordered = sorted(mine, key=lambda d: (d.span.start, d.span.end))
        for n, d in enumerate(ordered):
            if d.span.start < cursor:
                continue  # a change already shown (one quotation span, several report spans)
            marked = d.kind is DifferenceKind.MARKED_OMISSION
            if not d.text and d.quote_text and not marked:  # an addition alone, spaced as quoted
                after = ordered[n + 1] if n + 1 < len(ordered) else None
                if after is not None and after.span.start != d.span.start:
                    after = None  # only a change that starts where the addition goes follows it
                bounds = (place.span.start, cursor, place.span.end)
                out.extend(_spaced_addition(check.quote, d, text, bounds, after, paint))
                cursor = d.span.end
                continue
            out.append(text[cursor : d.span.start])
            if d.text and marked:  # left out where the quotation says so: not an alteration
                out.append(paint(f"[…{d.text}…]", "marked omission"))
            elif d.text:
                out.append(paint(f"[-{d.text}-]", "omitted"))
            if d.quote_text and not marked:
                out.append(paint(f"{{+{d.quote_text}+}}", "added"))
            cursor = d.span.end
        out.append(text[cursor : place.span.end])
        pieces.append("".join(out))
    return " ".join(pieces)


def _spaced_addition(
    quote: str,
    added: Difference,
    text: str,
    bounds: tuple[int, int, int],
    after: Difference | None,
    paint: Callable[[str, str], str],
) -> list[str]:
    """The report's ``text`` from the cursor to where ``added`` goes, and the addition, spaced as quoted.

    An addition stands at an empty span of the report, which is where the
    report's next word starts, after the space (and after an opening quote
    mark): shown there as it is, "[sic]" between two words read
    "kleptocratic {+[sic]+}nature", a comma after a word "The
    {+,+}Government", and a note before a quoted word "of ‘ {+[sic]+}
    freedom".  The space the quotation has before and after the addition
    (past its quote marks and invisible characters) decides: a comma the
    writer put straight after a word goes before the report's space
    ("The{+,+} Government"), a word or note between spaces stands between
    spaces, before the report's opening quote mark ("kleptocratic {+[sic]+}
    nature", "of {+[sic]+} ‘freedom"), and one added after the last word, or
    after another change, has a space before it.

    ``bounds`` are the place's start, the cursor (what of ``text`` is
    already shown ends there) and the place's end; ``after`` is the change
    that starts where the addition goes, if any: a space goes between them
    where the quotation has one and that change shows the quotation's words
    ("{+[sic]+} [-nature-]{+natures+}"), not before an omission alone.
    """
    start, cursor, end = bounds
    at = added.span.start
    spaced_before = _space_beside(quote, added.quote_span.start - 1, -1)
    spaced_after = _space_beside(quote, added.quote_span.end, 1)
    opening = at  # the report's opening quote marks right before where the addition goes
    if not _quote_mark_beside(quote, added.quote_span.start - 1):  # "‘new freedom": inside them
        while opening > cursor and text[opening - 1] in _QUOTE_MARKS:
            opening -= 1
    gap = opening  # and the space before them
    while gap > cursor and text[gap - 1].isspace():
        gap -= 1
    piece = paint(f"{{+{added.quote_text}+}}", "added")
    if gap < opening and not spaced_before:  # "The{+,+} Government": before the report's space
        return [text[cursor:gap], piece, text[gap:at]]
    # after the report's word or mark (or a change), where the quotation has a space; not after a
    # space, nor inside an opening quote mark or bracket
    lead = ""
    if spaced_before and opening > start and not text[opening - 1].isspace():
        lead = "" if text[opening - 1] in _OPENING else " "
    if after is not None:
        trail = " " if spaced_after and after.quote_text else ""
    else:
        # before the report's next word or mark, not before its own full stop, comma or closing mark
        following = text[at] if at < end else " "
        trail = (
            " "
            if spaced_after and (opening < at or not (following.isspace() or following in _CLOSING))
            else ""
        )
    return [text[cursor:opening], lead, piece, trail, text[opening:at]]


# what opens a quotation or an aside, and what closes one or a sentence: nothing is spaced from them
_OPENING = frozenset("\u2018\u201c\u201a\u201e\"'([{\u00ab")
_CLOSING = frozenset(".,;:!?)]}\u2019\u201d\u00bb\u2026")


def _quote_mark_beside(text: str, at: int) -> bool:
    """Whether a quote mark stands at ``text[at]``, past the invisible characters there (looking back)."""
    while at >= 0 and _chars.is_invisible(text[at]):
        at -= 1
    return at >= 0 and text[at] in _QUOTE_MARKS


def _space_beside(text: str, at: int, step: int) -> bool:
    """Whether a space stands at ``text[at]``, or beyond the quote marks and invisible characters there.

    ``step`` is the direction looked in: -1 back, 1 on.
    """
    while 0 <= at < len(text) and (text[at] in _QUOTE_MARKS or _chars.is_invisible(text[at])):
        at += step
    return 0 <= at < len(text) and text[at].isspace()


def quote_check_json(check: QuoteCheck, uri: Callable[[str], str] | None = None) -> dict[str, Any]:
    """A `QuoteCheck` as JSON-ready data, the one both ``kzrights check-quote --json`` and MCP give.

    The assistant server's ``check_quote`` tool (`kzrights.mcp_server`) adds
    ``safe_to_print``, ``citation`` and ``data_version`` to it.

    Args:
        check: What [`Report.check_quote`][kzrights.report.Report.check_quote] gave.
        uri: If given, called with a record's id to give each location a
            ``"uri"`` (the assistant server's resource URI of the record).

    Returns:
        A dict of plain JSON values: ``verdict`` (a `Verdict` value),
        ``similarity`` (0 to 1), ``locations`` (each with the record's
        ``id``, ``span`` and ``source_span`` as ``[start, end]`` character
        offsets into the record's text and the report's source, and the
        report's ``text`` there), ``word_diff`` (`word_diff`),
        ``differences`` (each with its ``kind``, ``quote_span`` and
        ``quote_text`` in the quotation, and ``id``, ``span`` and ``text`` in
        the record) and ``closest`` (for a quotation not found: each passage's
        record ``ids``, ``similarity`` and ``text``).

    Examples:
        >>> import kzrights
        >>> data = quote_check_json(kzrights.load("1.1.0").check_quote("Stop using kettling"))
        >>> data["verdict"], [place["id"] for place in data["locations"]]
        ('exact', ['recommendations.government.6'])
    """

    def location(place: Location) -> dict[str, Any]:
        data: dict[str, Any] = {"id": place.record.id}
        if uri is not None:
            data["uri"] = uri(place.record.id)
        data["span"] = [place.span.start, place.span.end]
        data["source_span"] = [place.source_span.start, place.source_span.end]
        data["text"] = place.text
        return data

    return {
        "verdict": check.verdict.value,
        "similarity": check.similarity,
        "locations": [location(place) for place in check.locations],
        "word_diff": word_diff(check),
        "differences": [
            {
                "kind": d.kind.value,
                "quote_span": [d.quote_span.start, d.quote_span.end],
                "quote_text": d.quote_text,
                "id": d.record_id,
                "span": [d.span.start, d.span.end],
                "text": d.text,
            }
            for d in check.differences
        ],
        "closest": [
            {"ids": [place.record.id for place in p.locations], "similarity": p.similarity, "text": p.text}
            for p in check.closest
        ],
    }


# ── tokens ─────────────────────────────────────────────────────────────────────

_APOS = re.escape(_chars.APOSTROPHES)
_LETTERS = f"[^\\W_{_APOS}]+"
# one ellipsis: "…", "...", ". . ." (or more dots), or an ellipsis and any more dots and ellipses in
# square brackets or parentheses ("[…]", "(...)", "[....]", "[……]": how newspapers mark a cut
# inside a quotation; in brackets, a fourth dot is no full stop)
# (at least an ellipsis's worth: "…" within the first three, or three dots; the lookahead keeps the
# body one loop, so that a failed "[" followed by thousands of dots costs a pass, not a square)
# (an ellipsis is any of `_chars.ELLIPSIS_MARKS`, "⋯" as "…", and a dot any of `_chars.DOTS`:
# "․․․", three one-dot leaders, is "...")
_E = f"[{_chars.ELLIPSIS_MARKS}]"
_D = f"[{re.escape(_chars.DOTS)}]"
_IN_BRACKETS = rf"(?=\s*(?:{_D}\s*){{0,2}}{_E}|\s*{_D}\s*{_D}\s*{_D})\s*(?:{_E}|{_D})(?:\s*(?:{_E}|{_D}))*\s*"
_ONE_ELLIPSIS = rf"\[{_IN_BRACKETS}\]|\({_IN_BRACKETS}\)|{_E}|{_D}\s?{_D}\s?{_D}(?:\s?{_D})*"
# ellipses with only spaces between them ("… …", "[...] …") mark one omission: one token, whose
# difference quotes the whole run (a writer who types two marks one cut, not two)
_ELLIPSIS = rf"(?:{_ONE_ELLIPSIS})(?:\s*(?:{_ONE_ELLIPSIS}))*"
_ELLIPSIS_ALONE = re.compile(_ELLIPSIS)


# the brackets a writer's note stands in ("[sic]", "（sic）"), also beyond a quotation cut inside a
# compound ("trade-[sic]", "trade-[1]")
_NOTE_BRACKETS = {"[": "]", "(": ")", "{": "}", "\uff3b": "\uff3d", "\uff08": "\uff09", "\uff5b": "\uff5d"}
_BRACKETED = re.compile(rf"\[{_IN_BRACKETS}\]|\({_IN_BRACKETS}\)")
# every dot of `_chars.DOTS` counted as one: which of them is the full stop is decided after
_AS_FULL_STOPS = str.maketrans(dict.fromkeys(_chars.DOTS[1:], "."))


def _full_stop_in(run: str) -> int | None:
    """The offset in a run of ellipses of the sentence's full stop it holds, if it holds one.

    English style puts a sentence's full stop next to an ellipsis: "freedoms.
    …", "freedoms…." (where the full stop is a token of its own already),
    "freedoms. . . ." and "freedoms....", where it is one of the run's dots:
    dots outside brackets that are one more than a whole number of ellipses
    ("....", ". . . .", "…....") hold one, the first dot if the run starts
    with one, else the last.
    """
    bare = _BRACKETED.sub(lambda found: " " * len(found.group()), run).translate(_AS_FULL_STOPS)
    if bare.count(".") % 3 != 1:
        return None
    first, last = bare.index("."), bare.rindex(".")
    if bare[first + 1 : first + 2].isspace():  # ". . . .", ". …": the dot set apart first
        chosen = first
    elif bare[last - 1 : last].isspace():  # "... .": the dot set apart last
        chosen = last
    else:
        chosen = first if bare[0] == "." else last
    if run[chosen] == ".":
        return chosen
    # a one-dot leader is no full stop: "․․․." holds one, its last; "․․․․" none, an ellipsis alone
    other = last if chosen == first else first
    return other if run[other] == "." else None


def _ellipsis_in(piece: str) -> tuple[int, int] | None:
    """The offsets into ``piece`` of its first run of ellipses, invisible characters inside it included.

    Tokens are read without invisible characters, so a run with one inside
    ("…\u2060 [...]") is one mark: it is found the same way here, then its
    offsets are mapped back to ``piece`` as given.
    """
    visible = _chars.strip_invisible(piece)
    found = _ELLIPSIS_ALONE.search(visible)
    if found is None or visible is piece:
        return None if found is None else found.span()
    kept = [i for i, char in enumerate(piece) if not _chars.is_invisible(char)]
    return kept[found.start()], kept[found.end() - 1] + 1


# a number is one word, with its thousands separators and decimal point: "2,000", "4.15"
_NUMBER = r"\d+(?:[.,]\d+)*(?![^\W_])"


def _token_pattern(letters: str) -> re.Pattern[str]:
    """Tokens, each with the whitespace before it: ``findall`` gives (space, ellipsis, word, mark).

    Every character of a text is whitespace or part of a token (a mark is
    any other character), so the spaces' and tokens' lengths, summed, give
    each token's offsets: ``findall`` builds the pieces in C, where
    ``finditer`` would make a match object per token.
    """
    word = f"{_NUMBER}|{letters}(?:[{_APOS}]{letters})*"
    return re.compile(f"(\\s*)(?:({_ELLIPSIS})|({word})|([^\\s]))")


_TOKEN = _token_pattern(_LETTERS)


@functools.lru_cache(maxsize=1)
def _marked_token_pattern() -> re.Pattern[str]:
    """The tokens of a text that holds combining marks (`_marks_of_text`).

    A combining mark belongs to its letter's word (`_chars.is_word_char`):
    a letter followed by a flood of marks that compose with nothing is one
    word, not thousands of tokens.  Text without marks (after NFC, nearly
    every text) is read with `_TOKEN`, which tries no mark after each word.
    One pattern of every mark, built once (the table of marks, about 25 ms,
    and the pattern, 5 ms): a pattern of each text's own marks would be
    compiled again for each new set of them (tester, session 27).  The
    BMP's marks are a class of their own, which the regex engine tests as a
    bitmap; the class of the others is a list of ranges, tried in turn.
    """
    bmp, astral = (f"[{_chars._ranges(codes)}]" for codes in _chars._marks())
    return _token_pattern(f"{_LETTERS}(?:(?:{bmp}|{astral})+[^\\W_{_APOS}]*)*")


def _marks_of_text(text: str) -> str:
    """The combining marks ``text`` holds, as one sorted string; empty for most texts."""
    return "" if text.isascii() else _chars.marks_in(set(text))


# the end of a sentence or a clause, which a writer's own sentence may change at a quotation's edge
_SENTENCE_PUNCTUATION = frozenset(".,;:!?" + _chars.ELLIPSIS_MARKS)


def _edge_punctuation(token: _Token) -> bool:
    """Whether ``token`` may stand at a quotation's edge as the writer's own punctuation."""
    return not token.word and token.text in _SENTENCE_PUNCTUATION


def _continues(text: str, at: int, step: int) -> bool:
    """Whether the character at ``at`` carries on the word of its neighbour ``at - step``.

    A letter or digit does; so does an apostrophe or a number's separator
    ("Kazakhstan’s", "2,000", "4.15") with a word character beyond it.  A
    hyphen of a compound is the report's own matter: "governmental" starts
    inside "non-governmental", whose meaning it reverses, where the
    checker's ``_joining_at`` holds that hyphen (`_joining_hyphens`).
    """
    if not 0 <= at < len(text):
        return False
    if _chars.is_word_char(text[at]):
        return True
    beyond = at + step
    if not 0 <= beyond < len(text) or not _chars.is_word_char(text[beyond]):
        return False
    if text[at] in _chars.APOSTROPHES:
        return True
    return text[at] in ".," and text[beyond].isdigit() and text[at - step].isdigit()


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` neither starts nor ends inside one of ``text``'s words."""
    if start >= end:
        return False
    first, last = text[start], text[end - 1]
    if (_chars.is_word_char(first) and _continues(text, start - 1, -1)) or (
        first in _chars.APOSTROPHES and start > 0 and _chars.is_word_char(text[start - 1])
    ):
        return False
    return not (
        (_chars.is_word_char(last) and _continues(text, end, 1))
        or (last in _chars.APOSTROPHES and end < len(text) and _chars.is_word_char(text[end]))
    )


class _Token(NamedTuple):
    key: str  # what aligns: the search form of a word, the folded form of a mark
    face: str  # what must be equal for typography alone to differ
    text: str  # the token as written
    start: int  # offsets into the text the token comes from
    end: int
    word: bool


def _forms(word: str) -> tuple[str, str]:
    """A word's search form (what aligns) and its face (what typography alone leaves the same)."""
    return normalise(word), _chars.fold_apostrophes(_chars.same_length_lower(word))


# longer words are never cached: a cache keyed by what users type must not keep their longest inputs
_CACHED_LENGTH = 64
_word_forms = functools.lru_cache(maxsize=16_384)(_forms)


def _tokens(text: str) -> tuple[list[_Token], list[int], _ToGiven | None]:
    """The tokens of ``text``, the token positions at which an ellipsis stood, and the way back.

    Offsets index ``text`` as given when the way back is ``None`` (the common
    case: ``text`` is in NFC, without invisible characters); otherwise they
    index ``text`` normalised, and the way back (`_ToGiven`) turns tokens
    into tokens with offsets into ``text`` as given.  It is left to the
    caller, so that a quotation that is not found (a flood of combining marks
    is one) never pays for it, token by token.
    """
    normal = _normal(text)
    visible = _chars.strip_invisible(normal)
    tokens: list[_Token] = []
    ellipses: list[int] = []
    # a quotation repeats its words: each distinct one is looked up once (a
    # plain dictionary that dies with the call); a token costs a few hundred
    # ns, which a quotation of 4,000 characters pays up to 4,000 times
    forms: dict[str, tuple[str, str]] = {}
    folded_marks: dict[str, str] = {}
    make = tuple.__new__
    append = tokens.append
    marks = _marks_of_text(visible)
    pattern = _marked_token_pattern() if marks else _TOKEN
    end = 0
    for space, ellipsis, word, mark in pattern.findall(visible):
        start = end + len(space)
        if word:
            end = start + len(word)
            both = forms.get(word)
            if both is None:
                cached = _chars.cacheable(word, _CACHED_LENGTH)
                both = forms[word] = _word_forms(word) if cached else _forms(word)
            append(make(_Token, (both[0], both[1], word, start, end, True)))
        elif mark:
            end = start + len(mark)
            folded = folded_marks.get(mark)
            if folded is None:
                folded = folded_marks[mark] = _chars.fold_mark(mark)
            if folded == "'":  # quote marks, scare quotes included, are typography
                continue
            append(make(_Token, (folded, folded, mark, start, end, False)))
        else:
            end = start + len(ellipsis)
            stop = _full_stop_in(ellipsis)
            if stop is not None and stop == 0:  # "freedoms. . . .": the full stop, then the ellipsis
                append(make(_Token, (".", ".", ".", start, start + 1, False)))
            ellipses.append(len(tokens))
            if stop is not None and stop > 0:  # "… ....": the ellipsis, then the full stop
                append(make(_Token, (".", ".", ".", start + stop, start + stop + 1, False)))
    if not _NOTE_BRACKETS.keys().isdisjoint(folded_marks):  # an opening bracket: maybe a note
        tokens, ellipses = _join_notes(visible, tokens, ellipses)
    plain = normal is text and len(visible) == len(normal)
    return tokens, ellipses, None if plain else _ToGiven(text)


# a writer's "[sic]", "(sic)", "[sic!]", "[sic?]", "[sic.]" or "[sic...]": the writer's note that the
# report has what follows or precedes it as quoted, an addition that does not change what is quoted.
# The one statement of what a note is: `_join_notes` makes each one token, and `QuoteChecker.check`
# leaves its letters uncounted ("a [sic]" quotes one letter)
_NOTES = re.compile(
    "|".join(
        rf"{re.escape(opening)}\s*sic\s*(?:[!?]{{1,3}}|\.{{1,3}}|\u2026)?\s*{re.escape(closing)}"
        for opening, closing in _NOTE_BRACKETS.items()
    ),
    re.IGNORECASE,
)
# a noncharacter (Unicode's "for internal use"): the key of a note, which no report token has
_NOTE_KEY = "\ufdd0"


def _join_notes(text: str, tokens: list[_Token], ellipses: list[int]) -> tuple[list[_Token], list[int]]:
    """``tokens`` of ``text``, each note (`_NOTES`) one token that is no word; ``ellipses`` moved.

    A note is the writer's addition, and weighs as an added comma does:
    one token that is no word, shown as one addition, whose key no report
    token has (its "(" is not the report's "(" of "(2019)").  As three
    tokens, "sic" a word, "kleptocratic [sic] nature" was two words of
    three, not found, and as three tokens that are no words, "change [sic]
    to the" was not found where "change very to the" was (tester 6,
    session 24; helper 123, session 25).  Where an added mark misplaces a
    short quotation ("Further ~ Measures of the" is paragraph 27, not
    footnote 2), a note does the same.
    """
    notes = {match.start(): match.end() for match in _NOTES.finditer(text)}
    if not notes:
        return tokens, ellipses
    joined: list[_Token] = []
    moved = [0] * (len(tokens) + 1)  # each token position's place among the joined tokens
    inside: set[int] = set()  # the ellipses of notes ("[sic...]"), which are the notes' own
    at = 0
    while at < len(tokens):
        token, width = tokens[at], 1
        note_end = notes.get(token.start)
        if note_end is not None:  # the tokens that make up the note, up to its closing bracket
            last = at
            while last + 1 < len(tokens) and tokens[last + 1].end <= note_end:
                last += 1
            if tokens[last].end == note_end:
                width = last - at + 1
                inside.update(e for e in ellipses if at < e <= last)
        for position in range(at, at + width):
            moved[position] = len(joined)
        if width == 1:
            joined.append(token)
        else:
            end = tokens[at + width - 1].end
            joined.append(_Token(_NOTE_KEY, _NOTE_KEY, text[token.start : end], token.start, end, False))
        at += width
    moved[len(tokens)] = len(joined)
    return joined, [moved[e] for e in ellipses if e not in inside]


def _notes_only(tokens: Sequence[_Token]) -> bool:
    """Whether ``tokens`` are the writer's notes (`_join_notes`), at least one, and sentence punctuation."""
    return any(token.key == _NOTE_KEY for token in tokens) and all(
        token.key == _NOTE_KEY or _edge_punctuation(token) for token in tokens
    )


def _normal(text: str) -> str:
    """``text`` as `kzrights._chars.nfc` gives it (each letter composed with its marks), without the way back.

    ``_chars.nfc`` composes cluster by cluster in Python, keeping the way
    back; a quotation needs that only once it is found.  Where the text
    without its combining marks is in NFC (every text but one with a
    decomposed Hangul syllable or a character NFC replaces on its own, such
    as the Ohm sign), composing the clusters is what NFC does to the whole
    text (every composition of two characters but Hangul's takes a
    combining mark second), so one call in C gives the same characters.
    A test holds the two to the same answer.
    """
    if unicodedata.is_normalized("NFC", text):
        return text
    marks = _marks_of_text(text)
    bare = text.translate(dict.fromkeys(map(ord, marks))) if marks else text
    if unicodedata.is_normalized("NFC", bare):
        return unicodedata.normalize("NFC", text)
    return _chars.nfc(text)[0]


class _ToGiven:
    """The way from offsets into a text normalised by `_tokens` back to the text as given."""

    __slots__ = ("_given",)

    def __init__(self, given: str) -> None:
        self._given = given  # worked out again only for a quotation that is found

    def __call__(self, tokens: Sequence[_Token]) -> list[_Token]:
        """``tokens`` with offsets into the text as given."""
        normal, back = _chars.nfc(self._given)  # in NFC, with its invisible characters
        kept = [i for i, char in enumerate(normal) if not _chars.is_invisible(char)]
        moved = []
        for token in tokens:
            if token.start == token.end:  # a hyphen of a compound typed without it: no characters
                start = end = kept[token.start] if token.start < len(kept) else len(normal)
                if back is not None:
                    start = end = back.start(start)
            else:
                start, end = kept[token.start], kept[token.end - 1] + 1
                if back is not None:
                    start, end = back.start(start), back.end(end)
            moved.append(token._replace(start=start, end=end))
        return moved


_MARK_CLASS = f"[{re.escape(_chars.QUOTES + _chars.APOSTROPHES)}]"
# a quote mark that is no apostrophe: not between two letters
_STANDALONE_MARK = re.compile(f"(?<![^\\W_]){_MARK_CLASS}|{_MARK_CLASS}(?![^\\W_])")
_ANY_MARK = re.compile(_MARK_CLASS)


class _MarksOf(NamedTuple):
    """Where `_STANDALONE_MARK` matches in the whole of a record's text, and where any quote mark stands."""

    standalone: list[int]  # in order
    alone: frozenset[int]  # the same places
    every: frozenset[int]


def _marks_of(text: str) -> _MarksOf:
    """`_MarksOf` ``text``: what `_balanced` counts for any stretch of it, worked out once per record.

    A closest passage may run over a dozen records: they are not scanned
    character by character again for each quotation that is not found.
    """
    standalone = [found.start() for found in _STANDALONE_MARK.finditer(text)]
    every = frozenset(found.start() for found in _ANY_MARK.finditer(text))
    return _MarksOf(standalone, frozenset(standalone), every)


def _balanced(text: str, start: int, end: int, marks: _MarksOf | None = None) -> tuple[int, int]:
    """``[start, end)`` widened over a quote mark just outside it that closes (or opens) one inside.

    Quote marks are no tokens, so a passage ends at "state" where the report
    has "‘listening state’"; the location shows the pair whole.  ``marks``,
    if given, is `_marks_of` ``text``, and the marks inside are counted from it.
    """
    if marks is None:
        inside = len(_STANDALONE_MARK.findall(text, start, end))
    else:
        inside = bisect.bisect_left(marks.standalone, end) - bisect.bisect_left(marks.standalone, start)
        # findall(text, start, end) sees the text before ``start`` but none after ``end``: a
        # mark at ``end - 1`` with a letter after it stands alone in the stretch, not in the text
        last = end - 1
        if start <= last and last in marks.every and last not in marks.alone:
            inside += 1
    if inside % 2 and _STANDALONE_MARK.match(text, end):
        end += 1
    elif inside % 2 and start > 0 and _STANDALONE_MARK.match(text, start - 1):
        start -= 1
    return start, end


# ── compounds ──────────────────────────────────────────────────────────────────

# what a dash of the report folds to (`_chars.fold_mark`): the key and face of a compound's hyphen
_HYPHEN = _chars.fold_mark("-")


class _Compounds(NamedTuple):
    """The report's hyphenated compounds ("non-governmental", "ill-treatment"), by their parts' faces.

    A writer types a compound solid ("nongovernmental"), spaced ("non
    governmental") or with another dash; a dash is folded onto the hyphen
    (`_chars.fold_mark`), and these let the other two be read as the
    report's compound: typography, as a dash is.
    """

    solid: dict[str, tuple[str, ...]]  # the parts' faces joined → the parts' faces
    spaced: dict[str, list[tuple[str, ...]]]  # the first part's face → every compound's parts' faces


_ARTICLES = frozenset(["a", "an", "the"])
"""Words no English compound starts or ends with ("state-of-the-art" has one inside).

The report types a dash as a hyphen with no spaces once ("its largest
trading partner-the EU- ahead of its regional neighbours"): "partner-the" is
two words, and a quotation that starts at its "the" is cut at no word.
"""


def _joining_hyphens(
    tokens: Sequence[_Token], owners: Sequence[int], skipped: AbstractSet[int]
) -> frozenset[int]:
    """The positions in ``tokens`` of the hyphens that join the parts of a compound ("non-state").

    The one definition of a compound's hyphen, for its spellings
    (`_compounds_of`) and for where a quotation is cut inside a word: a
    hyphen (`_chars.HYPHENS`, not any dash: "Kazakhstan—EU" is two words)
    between two words of one record (``owners`` gives each token's), with
    no space on either side and a letter on each (not "2015-16"'s digits),
    not at ``skipped`` (a web address's), and not in a run whose first or
    last word is an article: "partner-the EU-" is a dash typed as a hyphen
    (`_ARTICLES`).
    """
    joins = set()
    for at in range(1, len(tokens) - 1):
        hyphen = tokens[at]
        if at in skipped or hyphen.text not in _chars.HYPHENS:
            continue
        before, after = tokens[at - 1], tokens[at + 1]
        if (
            before.word
            and after.word
            and before.text[-1].isalpha()
            and after.text[0].isalpha()
            and owners[at - 1] == owners[at + 1]
            and before.end == hyphen.start
            and hyphen.end == after.start
        ):
            joins.add(at)
    for at in sorted(joins):  # a compound's first hyphen: its parts run to its last
        if at - 2 in joins:
            continue
        last = at
        while last + 2 in joins:
            last += 2
        if {tokens[at - 1].face, tokens[last + 1].face} & _ARTICLES:
            joins.difference_update(range(at, last + 1, 2))
    return frozenset(joins)


def _compounds_of(tokens: Sequence[_Token], joins: frozenset[int], prose: Sequence[_Token]) -> _Compounds:
    """The report's compounds: the words of ``tokens`` joined by the hyphens at ``joins`` (token positions).

    ``joins`` are the hyphens that join a compound's parts, as
    `_joining_hyphens` finds them (the one definition, also used for where
    a quotation is cut inside a word).  A compound with a
    digit ("2015-16", a span of years) has no other spelling.  A compound
    whose parts joined are a word the report's ``prose`` writes solid
    ("re-form" beside "reform") is not read from a solid word, nor one
    whose words, or any two of them side by side, the prose also writes
    apart from spaced words: the writer may mean those.
    """
    solid: dict[str, tuple[str, ...]] = {}
    spaced: defaultdict[str, list[tuple[str, ...]]] = defaultdict(list)
    words = {token.face for token in prose if token.word}
    pairs = {(a.face, b.face) for a, b in itertools.pairwise(prose) if a.word and b.word}
    for at in sorted(joins):
        if at - 2 in joins:
            continue  # not a compound's first hyphen
        last = at
        while last + 2 in joins:
            last += 2
        parts = tokens[at - 1 : last + 2 : 2]
        if any(char.isdigit() for token in parts for char in token.text):
            continue  # "2015-16" is a span of years, and "201516" no spelling of it
        faces = tuple(token.face for token in parts)
        if "".join(faces) not in words:
            solid.setdefault("".join(faces), faces)
        if not pairs.intersection(itertools.pairwise(faces)) and faces not in spaced[faces[0]]:
            spaced[faces[0]].append(faces)
    return _Compounds(solid, dict(spaced))


def _hyphen(at: int) -> _Token:
    """The hyphen a writer left out of a compound, at ``at``: no characters of the quotation."""
    return _Token(_HYPHEN, _HYPHEN, "", at, at, False)


def _split_solid(token: _Token, parts: tuple[str, ...]) -> list[_Token]:
    """A word typed solid as the report's compound of ``parts`` (faces): the parts, with hyphens between."""
    out: list[_Token] = []
    offset = 0
    for number, face in enumerate(parts):
        if number:
            out.append(_hyphen(token.start + offset))
        text = token.text[offset : offset + len(face)]
        key = _word_forms(text)[0] if _chars.cacheable(text, _CACHED_LENGTH) else _forms(text)[0]
        start = token.start + offset
        out.append(_Token(key, face, text, start, start + len(face), True))
        offset += len(face)
    return out


def _with_compounds(
    tokens: list[_Token], ellipses: list[int], compounds: _Compounds
) -> tuple[list[_Token], list[int]]:
    """``tokens`` with each of the report's compounds that the writer typed solid or spaced given its hyphens.

    "nongovernmental" becomes "non", a hyphen and "governmental", and "non
    governmental" has a hyphen put between its words, where the report
    writes "non-governmental": the hyphen, of no characters of the
    quotation, aligns with the report's, so the compound is the report's
    word, and the quotation at most ``equivalent`` (never ``exact``: it is
    not the report's characters).  Two words with an ellipsis between them
    are no compound.  ``ellipses`` (token positions) move with the tokens.
    The tokens are looked at in C; Python loops only over the few that may
    start a compound.
    """
    solid, spaced = compounds
    faces = list(map(operator.itemgetter(1), tokens))
    if solid.keys().isdisjoint(faces) and spaced.keys().isdisjoint(faces):
        return tokens, ellipses  # nearly every quotation
    marks = set(ellipses)
    out: list[_Token] = []
    shift = [0] * (len(tokens) + 1)  # how many tokens were put in before each position
    done = 0  # tokens[:done] are in ``out``
    for at in [i for i, face in enumerate(faces) if face in solid or face in spaced]:
        if at < done or not tokens[at].word:
            continue
        out += tokens[done:at]
        parts = solid.get(faces[at])
        if parts is not None:
            out += _split_solid(tokens[at], parts)
            done = at + 1
            shift[done] += 2 * len(parts) - 2  # the parts and hyphens in the word's place
        else:
            run = next(
                (
                    len(parts)
                    for parts in spaced[faces[at]]
                    if faces[at : at + len(parts)] == list(parts)
                    and marks.isdisjoint(range(at + 1, at + len(parts)))
                ),
                1,
            )
            out.append(tokens[at])
            for k in range(1, run):
                out += (_hyphen(tokens[at + k - 1].end), tokens[at + k])
                shift[at + k] += 1  # a hyphen before each part but the first
            done = at + run
    out += tokens[done:]
    if len(out) == len(tokens):
        return tokens, ellipses
    total = list(itertools.accumulate(shift))
    return out, [e + total[e] for e in ellipses]


# ── alignment ──────────────────────────────────────────────────────────────────

# the largest gap (quotation tokens × report tokens) difflib aligns; a larger one
# with no token that stands once on each side is one change, which keeps every
# quotation, however long or repetitive, to a bounded time
_DIFFLIB_CELLS = 40_000
# the most cells difflib aligns for one quotation, over every passage tried:
# a realistic quotation (60 words, a paraphrase of 100) needs under 70,000;
# a hostile one of 10,000 characters (report words shuffled, an ellipsis
# between each) would spend 300,000, tens of milliseconds, on passages it
# does not match; beyond the budget a gap without anchors is one change
_DIFFLIB_BUDGET = 40_000
# likewise the most tokens looked at for anchors, over every passage tried (a
# 60-word quotation with an ellipsis needs about 1,000, the longest verbatim one 7,500)
_ANCHOR_BUDGET = 6_000
# the most report places looked at to find where the pieces of many words between a quotation's
# ellipses stand as written (a piece is looked for where its rarest word stands, and each distinct
# piece once): a writer's quotation needs a few hundred; beyond it, the vote for places places
# the quotation, as it places every other
_VERBATIM_WORK = 20_000
# the most places of pieces weighed for the best placement (a sliding maximum over each window that
# holds every piece as often as the quotation has it): seventeen "the"s joined by ellipses weigh
# about 600; once past it the best placement weighed so far is kept, so a flood of pieces of common
# words placed in window after window costs a few ms, no more
_VERBATIM_WEIGHED = 20_000


class _Marks(frozenset[int]):
    """The positions of a quotation's ellipses (token positions of its core), with them in order.

    A long quotation with an ellipsis between every word has a thousand; the
    alignment of every passage tried, and every trial trim of it, wants them
    in order, and sorts them once.
    """

    @functools.cached_property
    def ordered(self) -> list[int]:
        """The positions, in order."""
        return sorted(self)


class _Budget:
    """What aligning one quotation may still spend: difflib cells, tokens looked at for anchors.

    It also keeps, for the quotation's ``keys``, the tokens that stand once
    in each stretch of them looked at for anchors: every passage tried looks
    at the whole quotation first, and counting a long one's tokens again for
    each costs as much as the rest of its anchors.
    """

    __slots__ = ("cells", "keys", "once", "tokens")

    def __init__(self, keys: Sequence[str] | None = None) -> None:
        self.cells = _DIFFLIB_BUDGET
        self.tokens = _ANCHOR_BUDGET
        self.keys = keys
        self.once: dict[tuple[int, int], dict[str, int]] = {}

    def once_in(self, a: Sequence[str], alo: int, ahi: int) -> dict[str, int]:
        """The tokens that stand once in ``a[alo:ahi]``, each with its position, in the order they stand."""
        mine = a is self.keys
        if mine and (alo, ahi) in self.once:
            return self.once[alo, ahi]
        side = a[alo:ahi]
        # Counter counts in C, and dict(zip(...)) keeps each key's last place in C:
        # Python loops over distinct tokens only, never over every token
        where = dict(zip(side, range(alo, ahi), strict=True))
        found = {key: where[key] for key, n in Counter(side).items() if n == 1}
        if mine:
            self.once[alo, ahi] = found
        return found


def _matching_blocks(a: Sequence[str], b: Sequence[str], budget: _Budget) -> list[tuple[int, int, int]]:
    """``(i, j, size)`` runs where ``a[i:i+size] == b[j:j+size]``, in order (a patience diff).

    Tokens that stand exactly once in each side of a gap anchor it (the
    longest increasing run of them); small gaps between anchors go to
    `_longest_first` (``difflib``'s alignment).  Both draw on ``budget``; a gap that
    would overdraw it is one change.  An explicit stack, no recursion.
    """
    found: list[tuple[int, int, int]] = []
    # each gap: its bounds, and whether it starts (ends) right after (before) a match
    stack = [(0, len(a), 0, len(b), False, False)]
    while stack:
        alo, ahi, blo, bhi, held_left, held_right = stack.pop()
        # a gap held by a match on one side takes the tokens that follow (or
        # precede) that match alike on both sides as they stand (a longest
        # common run can always take them): in a long quotation most gaps
        # between anchors close this way, without difflib.  The open ends of
        # the whole window are not held: the quotation floats in it.
        if held_left:
            same = _common_run(a, alo, b, blo, min(ahi - alo, bhi - blo), 1)
            if same:
                found.append((alo, blo, same))
                alo, blo = alo + same, blo + same
        if held_right:
            same = _common_run(a, ahi - 1, b, bhi - 1, min(ahi - alo, bhi - blo), -1)
            if same:
                ahi, bhi = ahi - same, bhi - same
                found.append((ahi, bhi, same))
        if alo >= ahi or blo >= bhi:
            continue
        cells = (ahi - alo) * (bhi - blo)
        if cells <= _DIFFLIB_CELLS and cells <= budget.cells:
            budget.cells -= cells
            # a punctuation mark matches only next to matching words: a lone "-" a sentence
            # away is no place of the quotation's "ruling-elite" (its "elite" is nearer)
            found += [(alo + i, blo + j, size) for i, j, size in _longest_first(a[alo:ahi], b[blo:bhi])]
            continue
        size = (ahi - alo) + (bhi - blo)
        if size > budget.tokens:
            continue  # the budget is spent: one change
        budget.tokens -= size
        anchors = _anchors(budget.once_in(a, alo, ahi), b, blo, bhi)
        if not anchors:
            continue  # nothing to hold on to: one change
        previous_i, previous_j, held = alo, blo, held_left
        for i, j in anchors:
            stack.append((previous_i, i, previous_j, j, held, True))
            found.append((i, j, 1))
            previous_i, previous_j, held = i + 1, j + 1, True
        stack.append((previous_i, ahi, previous_j, bhi, True, held_right))
    found.sort()
    merged: list[tuple[int, int, int]] = []
    for i, j, size in found:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + size)
        else:
            merged.append((i, j, size))
    return merged


def _longest_first(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int]]:
    """``(i, j, size)`` runs where ``a[i:i+size] == b[j:j+size]``, in order: ``difflib``'s alignment.

    What ``difflib.SequenceMatcher(_is_mark_key, a, b,
    autojunk=False).get_matching_blocks()`` gives (its last, empty block
    aside): the longest run of tokens alike, with no punctuation mark in it
    (the earliest in ``a``, then in ``b``, of the longest), widened over
    marks alike at either end, then the same on either side of it.  It
    looks only at the tokens of ``a`` that stand in ``b``, where
    ``difflib`` looks at every token of ``a`` and indexes every token of
    ``b``: a gap between anchors of a quotation the report does not have
    holds few of them.  A property test holds the two to the same runs.
    """
    wanted = set(a)
    places: dict[str, list[int]] = {}  # where each token of ``a`` that is no mark stands in ``b``
    for j, key in enumerate(b):
        if key in wanted and not _is_mark_key(key):
            found = places.get(key)
            if found is None:
                places[key] = [j]
            else:
                found.append(j)
    rows = [i for i, key in enumerate(a) if key in places]
    blocks: list[tuple[int, int, int]] = []
    stack = [(0, len(a), 0, len(b))]
    while stack:
        alo, ahi, blo, bhi = stack.pop()
        best_i, best_j, best = alo, blo, 0
        # the length of the run of tokens alike that ends at (i, j), for the row before
        ending: dict[int, int] = {}
        previous = -2
        for i in rows[bisect.bisect_left(rows, alo) : bisect.bisect_left(rows, ahi)]:
            if i != previous + 1:
                ending = {}  # a row between with no token alike ends every run
            previous, before, ending = i, ending.get, {}
            js = places[a[i]]
            for j in js[bisect.bisect_left(js, blo) :]:
                if j >= bhi:
                    break
                k = ending[j] = before(j - 1, 0) + 1
                if k > best:
                    best_i, best_j, best = i - k + 1, j - k + 1, k
        # widened over the marks alike just before and just after it (as difflib does, even
        # when no word is alike: marks alike at the gap's start are a run of their own)
        back = _marks_alike(a, best_i - 1, b, best_j - 1, min(best_i - alo, best_j - blo), -1)
        best_i, best_j, best = best_i - back, best_j - back, best + back
        end_i, end_j = best_i + best, best_j + best
        best += _marks_alike(a, end_i, b, end_j, min(ahi - end_i, bhi - end_j), 1)
        if best:
            blocks.append((best_i, best_j, best))
            if alo < best_i and blo < best_j:
                stack.append((alo, best_i, blo, best_j))
            if best_i + best < ahi and best_j + best < bhi:
                stack.append((best_i + best, ahi, best_j + best, bhi))
    blocks.sort()
    merged: list[tuple[int, int, int]] = []
    for i, j, size in blocks:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + size)
        else:
            merged.append((i, j, size))
    return merged


# the most unmatched tokens at a quotation's edge that `_edge_marks` looks at (a mark and a word or two)
_EDGE_TOKENS = 8


def _edge_marks(
    a: Sequence[str], b: Sequence[str], found: list[tuple[int, int, int]], budget: _Budget
) -> list[tuple[int, int, int]]:
    """``found`` with the punctuation marks before the first match and after the last matched too.

    `_matching_blocks` matches a mark only next to matching words; one at a
    quotation's edge, apart from its words by an ellipsis ("– … has mostly"),
    is matched here to the nearest such mark of the report.
    """
    first_i, first_j, _ = found[0]
    last_i, last_j, last_size = found[-1]
    head: list[tuple[int, int, int]] = []
    tail: list[tuple[int, int, int]] = []
    if 0 < first_i <= _EDGE_TOKENS and first_j and not all(map(_is_word_key, a[:first_i])):
        cells = first_i * first_j
        if cells <= budget.cells:
            budget.cells -= cells
            # reversed, so that difflib's first choice is the mark nearest the match
            mine, theirs = a[first_i - 1 :: -1], b[first_j - 1 :: -1]
            matcher = difflib.SequenceMatcher(None, mine, theirs, autojunk=False)
            head = [
                (first_i - m.a - m.size, first_j - m.b - m.size, m.size)
                for m in matcher.get_matching_blocks()
                if m.size
            ][::-1]
    after_i, after_j = last_i + last_size, last_j + last_size
    if 0 < len(a) - after_i <= _EDGE_TOKENS and after_j < len(b) and not all(map(_is_word_key, a[after_i:])):
        cells = (len(a) - after_i) * (len(b) - after_j)
        if cells <= budget.cells:
            budget.cells -= cells
            matcher = difflib.SequenceMatcher(None, a[after_i:], b[after_j:], autojunk=False)
            tail = [(after_i + m.a, after_j + m.b, m.size) for m in matcher.get_matching_blocks() if m.size]
    return [*head, *found, *tail] if head or tail else found


def _is_word_key(key: str) -> bool:
    return not _is_mark_key(key)


@functools.lru_cache(maxsize=4_096)
def _is_mark_key(key: str) -> bool:
    """Whether ``key`` is a punctuation mark's (a word's key starts with a word character).

    difflib asks it of every distinct token of each window it aligns: cached,
    the answer costs one look-up in C.
    """
    return not _chars.is_word_char(key[0])


def _common_run(a: Sequence[str], i: int, b: Sequence[str], j: int, most: int, step: int) -> int:
    """How many tokens from ``a[i]`` and ``b[j]`` on (``step`` 1) or back (-1) are alike, at most ``most``.

    Compares slices of doubling, then halving, length: C compares the tokens,
    and Python takes a few steps for a run of thousands.
    """
    if most <= 0 or a[i] != b[j]:
        return 0  # most gaps start with tokens that differ: no slices made for them
    run, size = 0, 8
    while run < most and size:
        size = min(size, most - run)
        if step > 0:
            alike = a[i + run : i + run + size] == b[j + run : j + run + size]
        else:
            alike = a[i - run - size + 1 : i - run + 1] == b[j - run - size + 1 : j - run + 1]
        if alike:
            run += size
            size *= 2
        else:
            size //= 2
    return run


def _marks_alike(a: Sequence[str], i: int, b: Sequence[str], j: int, most: int, step: int) -> int:
    """How many tokens from ``a[i]`` and ``b[j]`` on (``step`` 1) or back (-1) are punctuation marks alike.

    At most ``most``; the run stops at the first word, or the first mark that differs.
    """
    run = 0
    while run < most and _is_mark_key(b[j]) and a[i] == b[j]:
        run, i, j = run + 1, i + step, j + step
    return run


def _anchors(once_a: dict[str, int], b: Sequence[str], blo: int, bhi: int) -> list[tuple[int, int]]:
    """The longest in-order run of ``(i, j)``: a token once on one side (``once_a``), once in ``b[blo:bhi]``.

    ``once_a`` maps each token that stands once in the stretch of the
    quotation to its position (`_Budget.once_in`).
    """
    side_b = b[blo:bhi]
    counts_b = Counter(side_b)
    common = [key for key in once_a if counts_b.get(key) == 1]
    if not common:
        return []
    where_b = dict(zip(side_b, range(blo, bhi), strict=True))
    pairs = sorted((once_a[key], where_b[key]) for key in common)
    # the longest increasing subsequence of the j's (patience sorting)
    tails: list[int] = []
    tail_index: list[int] = []
    back: list[int] = []
    for index, (_, j) in enumerate(pairs):
        at = bisect.bisect_left(tails, j)
        if at == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[at] = j
            tail_index[at] = index
        back.append(tail_index[at - 1] if at else -1)
    run: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        run.append(pairs[index])
        index = back[index]
    return run[::-1]


def _slide_to_marks(
    blocks: list[tuple[int, int, int]], b: Sequence[str], marks: _Marks
) -> list[tuple[int, int, int]]:
    """Move each stretch the quotation leaves out onto an ellipsis next to it, where the words allow.

    "of … the format" against "of the wider dialogue but whatever the format"
    aligns either "the" of the report; the omission is the same, but only one
    way puts it where the ellipsis stands.
    """
    blocks = list(blocks)
    ordered = marks.ordered
    for at in range(len(blocks) - 1):
        (xi, xj, xsize), (yi, yj, ysize) = blocks[at], blocks[at + 1]
        gap_at, left_out = xi + xsize, yj - (xj + xsize)
        if yi != gap_at or left_out <= 0 or gap_at in marks:
            continue  # not a pure omission, or already at an ellipsis
        # only the ellipses within the blocks on either side can take the gap
        near = ordered[
            bisect.bisect_right(ordered, gap_at - xsize) : bisect.bisect_left(ordered, gap_at + ysize)
        ]
        for mark in near:
            steps = gap_at - mark
            if 0 < steps < xsize and all(
                b[xj + xsize - k] == b[yj - k] for k in range(1, steps + 1)
            ):  # slide left: the words before the gap repeat at its end
                blocks[at] = (xi, xj, xsize - steps)
                blocks[at + 1] = (yi - steps, yj - steps, ysize + steps)
                break
            steps = mark - gap_at
            if 0 < steps < ysize and all(b[xj + xsize + k] == b[yj + k] for k in range(steps)):
                blocks[at] = (xi, xj, xsize + steps)
                blocks[at + 1] = (yi + steps, yj + steps, ysize - steps)
                break
    return [block for block in blocks if block[2]]


def _slide_edges(
    blocks: list[tuple[int, int, int]], a: Sequence[str], b: Sequence[str], marks: _Marks
) -> list[tuple[int, int, int]]:
    """Move each match next to the one after it, and the last next to the one before, where the words allow.

    difflib takes the earliest of equal runs, so the first word of "The,
    Government should reform its use" matched the "the" of "the
    international community. The Government", leaving out the three words
    between; the report's "The" right before "Government" matches it as
    well, and leaves nothing out.  A match moves to the nearest place that
    leaves no more of the report out before the next match than the
    quotation has there, from the last match back, so that one moved draws
    the one before it along ("The right to [sic] freedom of [sic]
    expression;" is item p8.i6 whole, not "The right to freedom of" from
    item p8.i5).  Only words left out unmarked move: an ellipsis between
    two matches marks them.
    """
    blocks = list(blocks)  # the caller's list is left as it is
    for n in range(len(blocks) - 2, -1, -1):  # each match but the last, from the end back
        (i0, j0, k0), (i1, j1, _) = blocks[n], blocks[n + 1]
        if j1 - k0 <= j0 or _marked_between(marks, i0 + k0, i1):
            continue
        first, gap = list(a[i0 : i0 + k0]), i1 - i0 - k0
        # nearest the next match first, never leaving more of the report out between the two
        # than the quotation has there ("Legislationline, * On": the "Legislationline," of the
        # footnote, not the one inside the URL of the footnote before)
        for at in range(j1 - k0, max(j0, j1 - k0 - gap - 1), -1):
            if list(b[at : at + k0]) == first:
                size = k0  # and on over what follows it alike in both ("Legislationline" ",")
                while i0 + size < i1 and at + size < j1 and a[i0 + size] == b[at + size]:
                    size += 1
                blocks[n] = (i0, at, size)
                break
    (ip, jp, kp), (il, jl, kl) = blocks[-2], blocks[-1]
    if jp + kp < jl and not _marked_between(marks, ip + kp, il):
        last, gap = list(a[il : il + kl]), il - ip - kp
        for at in range(jp + kp, min(jl, jp + kp + gap + 1)):
            if list(b[at : at + kl]) == last:
                while il > ip + kp and at > jp + kp and a[il - 1] == b[at - 1]:
                    il, at, kl = il - 1, at - 1, kl + 1
                blocks = [*blocks[:-1], (il, at, kl)]
                break
    return blocks


def _marked_between(marks: _Marks, first: int, last: int) -> bool:
    """Whether an ellipsis stands at a quotation token position from ``first`` to ``last``."""
    if not marks:
        return False
    ordered = marks.ordered
    return bisect.bisect_left(ordered, first) < bisect.bisect_right(ordered, last)


def _opcodes(
    length_a: int, length_b: int, blocks: Sequence[tuple[int, int, int]]
) -> list[tuple[str, int, int, int, int]]:
    """difflib-style opcodes (equal, replace, delete, insert) from matching blocks."""
    opcodes: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for block_i, block_j, size in [*blocks, (length_a, length_b, 0)]:
        tag = "replace" if i < block_i and j < block_j else "delete" if i < block_i else "insert"
        if i < block_i or j < block_j:
            opcodes.append((tag, i, block_i, j, block_j))
        if size:
            opcodes.append(("equal", block_i, block_i + size, block_j, block_j + size))
        i, j = block_i + size, block_j + size
    return opcodes


def _split_at_marks(
    opcodes: list[tuple[str, int, int, int, int]], marks: _Marks, keys: Sequence[str]
) -> list[tuple[str, int, int, int, int]]:
    """``opcodes`` with each change that runs into an ellipsis cut at it.

    A word changed just before an ellipsis ("405 and supporters … of
    association", where the report has "405 and Article 174 of the Criminal
    Code … of association") makes one change of the quotation's word and
    every word the ellipsis stands for; that change does not start at the
    ellipsis, so the words left out would count as an unmarked omission and
    the quotation would be missed.  The change is cut: the quotation's words
    before the ellipsis are changed into as many of the report's, and the
    rest of the report's words start at the ellipsis, where they are a
    marked omission (with the quotation's words after it, if any, added).
    Where the quotation's tokens before the ellipsis (``keys``: its tokens'
    keys) are punctuation alone, or the report has one token there, the
    report's tokens are all the marked omission and the quotation's tokens
    are added: as they are when typed after the ellipsis.
    """
    if not marks:
        return opcodes
    split: list[tuple[str, int, int, int, int]] = []
    ordered = marks.ordered
    for op in opcodes:
        tag, i1, i2, j1, j2 = op
        if tag == "replace":
            at = bisect.bisect_right(ordered, i1)  # the first ellipsis after the change's start
            if at < len(ordered) and ordered[at] <= i2:
                mark = ordered[at]
                size = min(mark - i1, j2 - j1 - 1)  # the ellipsis keeps at least one report token
                if mark == i2 and (size <= 0 or not any(map(_is_word_key, keys[i1:mark]))):
                    # a change that ends at an ellipsis, of one report token ("protection quimbly
                    # … privacy", where the report has "protection and privacy") or of the
                    # quotation's punctuation alone ("Kazakhstan ․ … (English version)"): the
                    # writer marked the report's tokens as left out, so they all are, and the
                    # quotation's tokens before the ellipsis are added, as they are when typed
                    # after it (a mark of the writer's stands for no word of the report)
                    split.append(("delete", i1, mark, j1, j1))
                    split.append(("insert", mark, i2, j1, j2))
                    continue
                if size > 0:
                    split.append(("replace", i1, mark, j1, j1 + size))
                    split.append(("insert" if mark == i2 else "replace", mark, i2, j1 + size, j2))
                    continue
        split.append(op)
    return split


_SPACE = re.compile(r"\s+")


def _solid_length(text: str) -> int:
    """The characters of ``text`` that are neither whitespace nor invisible: what folding keeps, at most."""
    return len(_SPACE.sub("", _chars.strip_invisible(text)))


# ── the checker ────────────────────────────────────────────────────────────────


def _in_order(held: list[Sequence[int]], sizes: Sequence[int]) -> bool:
    """Drop from ``held`` (each piece's places, in order) the places no in-order placement can use.

    A piece stands after the one before with at least one token between
    (``p + size < q``): from the left, a piece's places before the earliest
    the piece before allows are dropped, and from the right, those after the
    latest the piece after allows.  What is dropped could be in no placement,
    so the best is the same, found among fewer places: seventeen "the"s in a
    window of twenty-five weigh nine places each, not twenty-five.  Whether
    every piece keeps a place.
    """
    floor = 0
    for number, places in enumerate(held):
        places = held[number] = places[bisect.bisect_left(places, floor) :]
        if not places:
            return False
        floor = places[0] + sizes[number] + 1
    for number in range(len(held) - 1, 0, -1):
        ceiling = held[number][-1] - sizes[number - 1] - 1
        before = held[number - 1]
        before = held[number - 1] = before[: bisect.bisect_right(before, ceiling)]
        if not before:
            return False
    return True


class _Quote(NamedTuple):
    keys: list[str]  # each token's key
    texts: list[str]  # each token as written
    words_before: list[int]  # how many word tokens stand before each position
    bares: list[str]  # each token's face without diacritics
    # the quote marks right before and after its tokens (`_marks_around`), if the quotation has any:
    # worked out only for a quotation whose pieces are weighed as written
    around: Callable[[], dict[int, tuple[str, str]]] | None = None


_QUOTE_MARKS = frozenset(_chars.QUOTES + _chars.APOSTROPHES)
_QUOTE_MARK_RUN = re.compile(f"{_MARK_CLASS}+")


def _marks_around(text: str, tokens: Sequence[_Token]) -> dict[int, tuple[str, str]]:
    """The quote marks that stand right before and right after tokens of ``text`` ("‘" of "‘The").

    Quote marks are no tokens (they are typography), so the tokens alone
    cannot tell "‘The" from "The"; this tells the in-order placements of an
    ellipsis quotation apart by them.  An apostrophe inside a word is part of
    its token, so every mark found here stands alone.  Only tokens with a
    mark beside them are keys: (marks before, marks after).
    """
    starts = {token.start: at for at, token in enumerate(tokens)}
    ends = {token.end: at for at, token in enumerate(tokens)}
    around: dict[int, tuple[str, str]] = {}
    for run in _QUOTE_MARK_RUN.finditer(text):
        after, before = starts.get(run.end()), ends.get(run.start())
        if after is not None:
            around[after] = (run.group(), around.get(after, ("", ""))[1])
        if before is not None:
            around[before] = (around.get(before, ("", ""))[0], run.group())
    return around


def _same_marks(mine: tuple[str, str], theirs: tuple[str, str]) -> int:
    """How closely the report's marks around a token match the quotation's.

    Per side (before, after) where the quotation has marks: 1 if the report
    has marks there too, 2 if the very same ones.
    """
    score = 0
    for quoted, reported in zip(mine, theirs, strict=True):
        if quoted and reported:
            score += 2 if quoted == reported else 1
    return score


class _Aligned(NamedTuple):
    similarity: float
    lo: int  # the passage: report tokens [lo, hi)
    hi: int
    opcodes: Sequence[tuple[str, int, int, int, int]]  # quote token indexes vs report token indexes
    matched: int
    same_text: int  # matched tokens written the same way: the tie-break between passages
    same_bare: int  # matched tokens the same but for case and diacritics: the next tie-break
    omissions: frozenset[int]  # the ellipses (quotation token positions) that stand for a marked omission
    unmatched: int  # words of the passage the quotation lacks, unmarked
    # ellipses between two matched tokens that stand next to each other in the report: they mark
    # an omission that did not happen (the writer's addition)
    empty: int = 0


def _fit(shown: float, aligned: _Aligned, words: int) -> float:
    """How well the passage ``aligned``, showing ``shown``, fits a quotation of ``words`` words.

    The similarity shown, or, if lower, the words the two have in common
    over the words either has (a Jaccard index; the words a marked omission
    leaves out are no one's): 0.0 to 1.0. The similarity counts the words a
    passage leaves out unmarked only past twice the quotation's length; this
    counts every one. It orders the passages a found quotation may be shown
    at (`_merit` orders readings of its ellipses).
    """
    return min(shown, aligned.matched / max(1, words + aligned.unmatched))


def _in_one_run(aligned: _Aligned) -> bool:
    """Whether the passage has every word of the quotation it matches in one run, none of its own left out.

    What the quotation has besides is added at its edges only: one
    ``equal`` block, and nothing changed or left out.
    """
    tags = [opcode[0] for opcode in aligned.opcodes]
    return aligned.unmatched == 0 and tags.count("equal") == 1 and set(tags) <= {"equal", "delete"}


def _rank(aligned: _Aligned) -> tuple[float, int, int, int, int, int, int]:
    """The order of passages: the more similar first.

    Then the fewer words the quotation lacks, the closer spelling (the same
    characters, then the same letters but for case and diacritics:
    "Kazakhstán" is "Kazakhstan" rather than "Kazakhstan’s"; "Remove …
    laws" is recommendation government.9's "Remove laws", not a "removed"
    with words left out before "laws"), the fewer ellipses that stand where
    the report leaves nothing out (of two passages written alike, the one
    where the ellipsis is true), and the
    shorter (the fewer words an ellipsis stands for: "Kazakhstan … keen to"
    is "Kazakhstan remains keen to", not a "Kazakhstan" twenty words before
    "extremely keen to").
    """
    return (
        -aligned.similarity,
        aligned.unmatched,
        -aligned.same_text,
        -aligned.same_bare,
        aligned.empty,
        aligned.hi - aligned.lo,
        aligned.lo,
    )


def _passages(records: Sequence[Record]) -> list[int]:
    """The passage of each record (numbered in reading order): what an ellipsis may reach across.

    A passage is a paragraph with the items of its list, a lead-in with the
    recommendations under it, or any other record on its own (a footnote).
    The report's lists are short records: a quotation of one with an item
    left out at an ellipsis runs over three or more of them, yet stays in
    one stretch of the writer's reading.
    """
    numbers: list[int] = []
    previous = None
    for record in records:
        key = getattr(record, "paragraph_id", None) or getattr(record, "lead_in_id", None) or record.id
        numbers.append(numbers[-1] + (key != previous) if numbers else 0)
        previous = key
    return numbers


def _across_full_stops(tokens: Sequence[_Token], ellipses: list[int]) -> list[int]:
    """Where each ellipsis stands once moved across a full stop right beside it (the one before, if two).

    One position for each of ``ellipses``, in the same order: the same
    position for an ellipsis with no full stop beside it.  Only spaces (and
    quote marks, which are no tokens) stand between an ellipsis and the
    tokens either side of its position.
    """

    def full_stop(at: int) -> bool:
        return 0 <= at < len(tokens) and tokens[at].text == "."

    return [at - 1 if full_stop(at - 1) else at + 1 if full_stop(at) else at for at in ellipses]


# the most ellipses beside a full stop for which each is tried moved on its own, after the
# readings as typed and with every one moved: a reading is one more check of the quotation, and
# a quotation with more (a flood of them, hostile) is read those two ways alone. Each reading
# costs about as many tokens as the quotation has: those moved alone stop where all the readings
# would pass _READING_TOKENS (a quotation of the longest two passages is read three ways)
_MOVED_ALONE = 4
_READING_TOKENS = 2_000


def _reading(ellipses: list[int], moved: list[int], which: frozenset[int]) -> list[int]:
    """The ellipses' positions with those numbered in ``which`` (indexes into ``ellipses``) moved."""
    return sorted({moved[i] if i in which else at for i, at in enumerate(ellipses)})


_VERDICT_MERIT = {Verdict.NOT_FOUND: 0, Verdict.ALTERED: 1, Verdict.EQUIVALENT: 2, Verdict.EXACT: 3}


def _merit(check: QuoteCheck) -> tuple[int, float, int, int]:
    """What makes a reading of a quotation better: verdict, similarity, then fewer, shorter alterations."""
    altered = check.alterations
    return (
        _VERDICT_MERIT[check.verdict],
        check.similarity,
        -len(altered),
        -sum(len(d.text) + len(d.quote_text) for d in altered),
    )


class QuoteChecker:
    """The report's tokens, indexed for quotations (built once per report, on first use)."""

    def __init__(self, report: Report, locator: Locator) -> None:
        self._locator = locator
        self._records = report.records()
        tokens: list[_Token] = []
        owners: list[int] = []  # the index of each token's record
        prose: list[_Token] = []  # the tokens outside web addresses
        in_urls: set[int] = set()  # the positions of the others
        for number, record in enumerate(self._records):
            found, _, to_given = _tokens(record.text)
            if to_given is not None:
                found = to_given(found)
            tokens += found
            owners += [number] * len(found)
            urls = [url.span() for url in _URL.finditer(record.text)]
            first = len(tokens) - len(found)
            for at, token in enumerate(found):
                if any(a <= token.start < b for a, b in urls):
                    in_urls.add(first + at)
                else:
                    prose.append(token)
        self._tokens = tokens
        self._keys = [t.key for t in tokens]
        self._texts = [t.text for t in tokens]
        self._bares = [_chars.strip_diacritics(t.face) for t in tokens]
        self._owners = owners
        self._firsts = [owners.index(n) if n in owners else len(tokens) for n in range(len(self._records))]
        positions: defaultdict[str, list[int]] = defaultdict(list)
        for at, token in enumerate(tokens):
            if token.word:
                positions[token.key].append(at)
        # the hyphens that join the parts of a compound of its prose: a quotation that starts or ends
        # at one is cut inside a word ("governmental" of "non-governmental")
        self._joining = _joining_hyphens(tokens, owners, in_urls)
        # the report's hyphenated compounds, which a writer may type solid or spaced: of its prose
        # only, since a web address's slug ("criminal-codes", "kazakhstan-data") is no word of it
        self._compounds = _compounds_of(tokens, self._joining, prose)
        # the same hyphens by (record, offset), for the word boundaries of `_whole_words`
        self._joining_at = frozenset((owners[at], tokens[at].start) for at in self._joining)
        self._number_of = {record.id: number for number, record in enumerate(self._records)}
        self._positions = dict(positions)
        self._longest = max((_solid_length(record.text) for record in self._records), default=0)
        self._word_before = [0] * (len(tokens) + 1)  # the count of word tokens before each position
        for at, token in enumerate(tokens):
            self._word_before[at + 1] = self._word_before[at] + token.word
        # where each record's tokens start (and, past the last record, the end), twice over the end
        self._record_firsts = [bisect.bisect_left(owners, r) for r in range(len(self._records) + 2)]
        # the reach of a quotation with ellipses: one passage or two adjacent ones, by each token's
        # passage (`_passages`), and where each passage's tokens start, twice over the end
        of_record = _passages(self._records)
        self._reach = [of_record[owner] for owner in owners]
        count = of_record[-1] + 1 if of_record else 0
        self._reach_firsts = [bisect.bisect_left(self._reach, p) for p in range(count + 2)]
        # the most tokens two adjacent passages have: a quotation with ellipses needing more has no
        # verbatim place
        sizes = [b - a for a, b in itertools.pairwise(self._reach_firsts)]
        self._most_tokens = max(map(operator.add, sizes, sizes[1:]), default=0)
        # every token's face and the places of each face, built on the first quotation with an ellipsis
        self._faces: list[str] | None = None
        self._face_places: dict[str, list[int]] = {}
        self._record_marks: dict[int, _MarksOf] = {}  # `_marks_of` each record, as passages need them
        self._around: dict[int, tuple[str, str]] | None = None  # `_marks_around` the tokens, on need

    def check(self, quote: str) -> QuoteCheck:
        """Check ``quote``.

        Raises:
            TypeError: If ``quote`` is not a str.
            EmptyInputError: If it is blank (whitespace and invisible characters alone).
            InputTooLongError: If it is longer than `MAX_CHECK_LENGTH` characters.
            InputTooShortError: If it has fewer than `MIN_LETTERS` letters and digits.
        """
        quote = check_text(quote, "quote", MAX_CHECK_LENGTH, _WHY_LIMIT)  # blank: EmptyInputError
        letters = _count_letters(quote, MIN_LETTERS)
        # a note quotes nothing, with or without invisible characters in it ("[si\u00adc]")
        visible = _chars.strip_invisible(quote)
        if letters >= MIN_LETTERS and not _NOTE_BRACKETS.keys().isdisjoint(visible):
            letters = _count_letters(_NOTES.sub(" ", visible), MIN_LETTERS)
        if letters < MIN_LETTERS:
            raise InputTooShortError("quote", letters, MIN_LETTERS)
        # locate() looks within one record: skip it for a quotation longer than any
        where = self._whole_words(quote) if _solid_length(quote) <= self._longest else None
        if where is not None:
            return QuoteCheck(quote, Verdict.EXACT if where.exact else Verdict.EQUIVALENT, (where,), 1.0)
        tokens, ellipses, to_given = _tokens(quote)
        check = self._check_marked(quote, tokens, ellipses, to_given)
        # a full stop beside an ellipsis ("freedoms. …", "freedoms....") may end a sentence before
        # the words left out or after them, and each such omission may need its own side
        moved = _across_full_stops(tokens, ellipses)
        movable = [i for i, (at, to) in enumerate(zip(ellipses, moved, strict=True)) if at != to]
        # each moved ellipsis moves one token: a quotation too far from being found stays not found
        hopeless = check.verdict is Verdict.NOT_FOUND and (
            check.similarity + 2 * len(movable) / max(1, len(tokens)) < ALTERED_SIMILARITY
        )
        if movable and check.verdict is not Verdict.EQUIVALENT and not hopeless:
            check = self._best_reading(quote, tokens, ellipses, moved, movable, to_given, check)
        return check

    def _best_reading(
        self,
        quote: str,
        tokens: list[_Token],
        ellipses: list[int],
        moved: list[int],
        movable: list[int],
        to_given: _ToGiven | None,
        typed: QuoteCheck,
    ) -> QuoteCheck:
        """The best check of ``quote`` with its ellipses beside full stops on either side of them.

        ``typed`` is the check as typed; the others tried are every one of
        ``movable`` (indexes into ``ellipses``) moved to its place in
        ``moved``, then, from the better of those two, where there are two
        to `_MOVED_ALONE` of them, each moved or put back alone ("growth. …
        This … liberties. … the lack", whose first omission ends at a full
        stop and whose second starts after one), as many as
        `_READING_TOKENS` allows.  A reading is kept only if it is
        better (`_merit`): the one as typed, if none is.
        """
        best, chosen = typed, frozenset[int]()
        tried = {tuple(ellipses)}
        # every one moved, then (where there are several) each alone: an index
        steps: list[frozenset[int] | int] = [frozenset(movable)]
        if 1 < len(movable) <= _MOVED_ALONE:
            steps += movable[: max(0, _READING_TOKENS // len(tokens) - 2)]
        for step in steps:
            if best.verdict is Verdict.EQUIVALENT:
                break
            if isinstance(step, int) and best.verdict is Verdict.NOT_FOUND:
                break  # neither reading is found: moving one full stop alone will not find it
            which = step if isinstance(step, frozenset) else chosen ^ {step}
            positions = _reading(ellipses, moved, which)
            if len(positions) < len(ellipses) or tuple(positions) in tried:
                continue
            tried.add(tuple(positions))
            check = self._check_marked(quote, tokens, positions, to_given)
            if _merit(check) > _merit(best):
                best, chosen = check, which
        return best

    def _check_marked(
        self, quote: str, tokens: list[_Token], ellipses: list[int], to_given: _ToGiven | None
    ) -> QuoteCheck:
        """`check` of ``quote`` once split into ``tokens``, its ellipses at token positions ``ellipses``."""
        joined, joined_ellipses = _with_compounds(tokens, ellipses, self._compounds)
        check = self._check_tokens(quote, joined, joined_ellipses, to_given, joined is not tokens)
        if check is None:
            # a hyphen put into a compound typed solid or spaced, where the passage found has none:
            # the writer meant the words as typed, so they are checked as typed (a hyphen of no
            # characters is never a difference, though the similarity counts it as a token)
            check = self._check_tokens(quote, tokens, ellipses, to_given, False)
        assert check is not None
        return check

    def _check_tokens(
        self, quote: str, tokens: list[_Token], ellipses: list[int], to_given: _ToGiven | None, put_in: bool
    ) -> QuoteCheck | None:
        """`check` of ``quote`` once split into ``tokens`` (with the positions of its ``ellipses``).

        ``None`` if ``put_in`` (hyphens were put into compounds the writer typed
        solid or spaced) and the best passage does not match one of them.
        """
        # sentence punctuation (and ellipses) at either end belongs to the writer's
        # sentence; any other mark ("$", "€", "+", "%") is part of what is quoted
        first = next((i for i, t in enumerate(tokens) if not _edge_punctuation(t)), len(tokens))
        last = next(
            (i + 1 for i in range(len(tokens) - 1, first - 1, -1) if not _edge_punctuation(tokens[i])), first
        )
        core = tokens[first:last]
        # an ellipsis with nothing but the writer's notes (and their sentence punctuation) between
        # it and an edge is at the edge of what is quoted ("kleptocratic nature … [sic]",
        # "navigable. … [sic]", "[sic], … kleptocratic"), as one with nothing there is
        noted = any(token.key == _NOTE_KEY for token in core)  # else no slices, ellipsis by ellipsis
        marks = _Marks(
            e - first
            for e in ellipses
            if first < e < last
            and not (noted and (_notes_only(tokens[first:e]) or _notes_only(tokens[e:last])))
        )
        if not core:
            return QuoteCheck(quote, Verdict.NOT_FOUND)
        around = None
        if marks and _QUOTE_MARKS.intersection(quote):
            # the typography of quote marks tells equally good in-order placements apart

            def around() -> dict[int, tuple[str, str]]:
                visible = quote if to_given is None else _chars.strip_invisible(_normal(quote))
                return _marks_around(visible, core)

        candidates = self._align(core, marks, around)
        if not candidates:
            return QuoteCheck(quote, Verdict.NOT_FOUND)
        best = candidates[0]
        hyphens = {i for i, token in enumerate(core) if token.start == token.end} if put_in else set()

        def keeps_hyphens(aligned: _Aligned) -> bool:
            matched = {i for tag, i1, i2, _, _ in aligned.opcodes if tag == "equal" for i in range(i1, i2)}
            return hyphens <= matched

        if put_in and not keeps_hyphens(best):
            return None
        # a quotation of one word is found by that word alone ("Kazakhstán", "Kazakhstan 😀")
        words = sum(token.word for token in core)
        least = min(_MIN_MATCHED_WORDS, words)
        if best.similarity < ALTERED_SIMILARITY or best.matched < least:
            passages: dict[tuple[tuple[str, Span], ...], Passage] = {}
            for c in candidates:  # each passage once, however many places led to it
                places = self._locations(c.lo, c.hi, quote)
                passages.setdefault(
                    tuple((p.record.id, p.span) for p in places), Passage(places, c.similarity)
                )
            closest = tuple(passages.values())
            return QuoteCheck(quote, Verdict.NOT_FOUND, similarity=best.similarity, closest=closest)
        given = core if to_given is None else to_given(core)  # spans into the quotation as given
        whole = self._whole_compounds(best, core)
        cut = (whole.lo, whole.hi) != (best.lo, best.hi)  # the quotation starts or ends inside a compound
        best = whole
        shown, differences = self._shown(quote, given, marks, best)
        fit = _fit(shown, best, words)
        # a passage that has every word of the quotation, in order, but leaves some of the report's
        # out unmarked or spells one otherwise is shown at the share of the quotation's tokens left
        # as they are, which may be below another passage's similarity ("… freedom of expression.
        # urgently", paragraph 13 with a word added, against paragraph 14's "urgent" thirteen
        # words on): the other candidates are weighed too, by their fit (below), in `_rank`'s
        # order among equals
        #
        # of passages alike in all else, the one whose report has the punctuation the quotation
        # has at its edge is shown ("… Amin Eleusinov," is recommendation government.7, which has
        # that comma, rather than paragraph 16, which repeats its words with "Eleusinov and")
        #
        # The similarity shown is not the only measure: a passage that leaves many of the report's
        # words out unmarked counts them only past twice the quotation's length, so it may show
        # more than one that leaves out one ("on insulting honour and dignity" would be paragraph
        # 17 at 0.9091, leaving out two stretches and changing a word, rather than recommendation
        # government.9 at 0.8, leaving out "the"). Passages are weighed by their fit (`_fit`),
        # which counts every word left out
        outside = (tokens[:first], tokens[last:])
        for other in candidates[1:_SHOWN_TRIED]:
            if other.similarity < fit or (other.similarity == fit and not any(outside)):
                break  # ranked by similarity, which no passage's fit exceeds
            if other.matched < least or (put_in and not keeps_hyphens(other)):
                continue
            whole = self._whole_compounds(other, core)
            other_cut = (whole.lo, whole.hi) != (other.lo, other.hi)
            other = whole
            other_shown, other_differences = self._shown(quote, given, marks, other)
            other_fit = _fit(other_shown, other, words)
            if other_shown < ALTERED_SIMILARITY or (other.matched < best.matched and other_shown <= shown):
                # a passage shown is one the quotation is found at, and one with fewer of its
                # words must show more ("Legislationline, … the" and a URL is footnote 4's, not
                # the URL of footnote 6 with the words before it added)
                continue
            # of passages that fit alike and have the quotation's words as alike, one the quotation
            # does not cut a word of ("way … but" is paragraph 25's "way but", not paragraph 21's
            # "long-way … but" with "long-" left out; "protected … peaceful assembly" stays paragraph
            # 6's "constitutionally-protected", not a "protecting" with the word changed)
            if (
                other_fit > fit
                or (other_fit == fit and cut and not other_cut and _rank(other)[1:4] == _rank(best)[1:4])
                or (
                    other_fit == fit
                    and cut == other_cut
                    and _rank(other)[1:5] == _rank(best)[1:5]
                    and self._edges_kept(other, *outside) > self._edges_kept(best, *outside)
                )
            ):
                best, shown, differences, fit = other, other_shown, other_differences, other_fit
                cut = other_cut
        altered = any(d.kind is not DifferenceKind.MARKED_OMISSION for d in differences)
        verdict = Verdict.ALTERED if altered else Verdict.EQUIVALENT
        # the quotation's edge marks that the report has beside the passage are quoted too, as
        # an exact quotation's are ("The right freedom of association;" ends at item p8.i5's ";")
        before, after = self._edge_marks_kept(best, *outside)
        places = self._locations(best.lo - before, best.hi + after, quote)
        return QuoteCheck(quote, verdict, places, shown, differences)

    def _edges_kept(self, aligned: _Aligned, before: Sequence[_Token], after: Sequence[_Token]) -> int:
        """How many of the quotation's edge marks the report has beside the passage ``aligned``.

        ``before`` and ``after`` are the marks outside the quotation's core;
        a mark counts where the same record has it at the same distance from
        the passage, nearest first.  0 to ``len(before) + len(after)``.
        """
        return sum(self._edge_marks_kept(aligned, before, after))

    def _edge_marks_kept(
        self, aligned: _Aligned, before: Sequence[_Token], after: Sequence[_Token]
    ) -> tuple[int, int]:
        """`_edges_kept`, before the passage and after it: how many report tokens each side they are."""
        texts, owners = self._texts, self._owners
        kept_before = kept_after = 0
        for token, at in zip(reversed(before), range(aligned.lo - 1, -1, -1), strict=False):
            if owners[at] != owners[aligned.lo] or texts[at] != token.text:
                break
            kept_before += 1
        for token, at in zip(after, range(aligned.hi, len(texts)), strict=False):
            if owners[at] != owners[aligned.hi - 1] or texts[at] != token.text:
                break
            kept_after += 1
        return kept_before, kept_after

    def _shown(
        self, quote: str, core: Sequence[_Token], marks: _Marks, aligned: _Aligned
    ) -> tuple[float, tuple[Difference, ...]]:
        """The similarity a found quotation shows at ``aligned``, and its differences there."""
        differences = tuple(map(self._cut_compound, self._differences(quote, core, marks, aligned)))
        altered = any(d.kind is not DifferenceKind.MARKED_OMISSION for d in differences)
        if not altered:
            return 1.0, differences
        if aligned.similarity < 1.0:
            return aligned.similarity, differences
        # every word of the quotation is there, in order, yet it differs (punctuation, a word's
        # form, an ellipsis that leaves nothing out, words of the report left out unmarked): 1.0
        # is for exact and equivalent ones, so the share of its tokens left as they are is shown,
        # each ellipsis a token (as it is a word in the similarity), never below the least of an
        # altered quotation
        changes = sum(d.kind is not DifferenceKind.MARKED_OMISSION for d in differences)
        counted = len(core) + len(marks)
        share = round(max(0, counted - changes) / max(counted, 1), 4)
        return min(0.9999, max(ALTERED_SIMILARITY, share)), differences

    def _cut_compound(self, difference: Difference) -> Difference:
        """``difference``, or, for an ellipsis that cuts a hyphenated compound, a changed word.

        "End the use of … extremism legislation" leaves out "anti-" of
        "anti-extremism": the ellipsis stands for part of a word, and what
        is left reverses it, as "governmental organisations" cut from
        "non-governmental organisations" does.  The omission's report text
        starts or ends at a hyphen that joins a compound.
        """
        if difference.kind is not DifferenceKind.MARKED_OMISSION or difference.record_id is None:
            return difference
        number = self._number_of[difference.record_id]
        text = difference.text
        start = difference.span.start + (len(text) - len(text.lstrip()))
        end = difference.span.end - (len(text) - len(text.rstrip()))
        edges = {(number, start - 1), (number, start), (number, end - 1), (number, end)}
        if start >= end or not edges & self._joining_at:
            return difference
        return attrs.evolve(difference, kind=DifferenceKind.CHANGED)

    def _whole_compounds(self, aligned: _Aligned, core: Sequence[_Token]) -> _Aligned:
        """``aligned`` widened over the rest of a compound of the report the quotation starts or ends inside.

        "governmental organisations" matches the end of "non-governmental
        organisations" word for word, yet reverses it: the quotation is cut
        inside a word, as "dependent" cut from "independent" is.  The parts
        left out ("non-") are an omission, in the passage.  ``core`` is the
        quotation's tokens.  Marks of the writer's own beyond the cut (a
        bracket, a second dash, an asterisk: "(accepted the trade-)",
        "trade--", "trade*"), and a note of theirs in brackets ("trade-[sic]",
        "trade-[1]"), hide no cut: they are added, and the part left out is
        still an omission, where the cut is.
        """
        opcodes = list(aligned.opcodes)
        if not opcodes:
            return aligned
        lo, hi = aligned.lo, aligned.hi
        start, end = lo, hi

        def marks_only(ops: Sequence[tuple[str, int, int, int, int]]) -> bool:
            # the writer's marks alone: tokens of the quotation with nothing of the report's, words
            # only inside the writer's brackets ("[sic]", "(sic)", a note's number "[1]")
            if any(tag != "delete" for tag, _, _, _, _ in ops):
                return False
            closing, noted = "", False  # the bracket that closes a note, whether it has words
            for token in (t for _, i1, i2, _, _ in ops for t in core[i1:i2]):
                if closing and token.text == closing:
                    closing, noted = "", False
                elif not closing and token.text in _NOTE_BRACKETS:
                    closing = _NOTE_BRACKETS[token.text]
                elif token.word:
                    if not closing:
                        return False
                    noted = True
            return not noted  # a bracket left open is a mark, unless words follow it

        first = next((n for n, op in enumerate(opcodes) if op[0] != "delete"), len(opcodes))
        last = next((n for n in range(len(opcodes) - 1, -1, -1) if opcodes[n][0] != "delete"), -1)
        if first > last:
            return aligned
        tag, i1, _, j1, _ = opcodes[first]
        if tag == "equal" and j1 == 0 and marks_only(opcodes[:first]):
            if start in self._joining:  # the quotation starts at the hyphen itself: "-governmental"
                start -= 1
            while start - 1 in self._joining:
                start -= 2
        tag, _, i2, _, j2 = opcodes[last]
        if tag == "equal" and lo + j2 == hi and marks_only(opcodes[last + 1 :]):
            if end - 1 in self._joining:  # "… with non-"
                end += 1
            while end in self._joining:
                end += 2
        if (start, end) == (lo, hi):
            return aligned
        head = lo - start
        moved = opcodes[:first]  # the writer's marks before the cut keep their place, before the omission
        if head:
            moved.append(("insert", i1, i1, 0, head))
        moved += [(tag, i1, i2, j1 + head, j2 + head) for tag, i1, i2, j1, j2 in opcodes[first : last + 1]]
        if end > hi:
            moved.append(("insert", i2, i2, hi - start, end - start))
        moved += [(tag, i1, i2, end - start, end - start) for tag, i1, i2, _, _ in opcodes[last + 1 :]]
        return aligned._replace(lo=start, hi=end, opcodes=moved)

    def _whole_words(self, quote: str) -> Location | None:
        """Where `Locator` finds ``quote`` starting and ending on the record's word boundaries, or ``None``.

        ``locate()`` finds characters, so "dependent trade unions" stands inside
        "independent trade unions"; a quotation cut from inside a word is no
        quotation of it.  The place the report has character for character
        (no-break and other spaces, dashes and quote marks as given, and
        invisible characters too) is exact; any other is equivalent.
        """
        stripped, places = self._locator._places(quote)
        # the quotation is found without its invisible characters (a zero-width space,
        # a soft hyphen, U+FE0F, a direction control), but one it adds is a character
        # the report does not have: at most equivalent, as a no-break space is (a record's
        # own invisible characters, which none has, would make its text differ from
        # ``stripped``, so one the quotation drops is not exact either)
        hidden = _chars.invisible_of(quote)
        best: tuple[int, Record, int, int] | None = None
        for record, start, end in places:
            if not _on_word_boundaries(record.text, start, end):
                continue
            number = self._number_of[record.id]
            if {(number, start - 1), (number, start), (number, end - 1), (number, end)} & self._joining_at:
                # cut at a hyphen of a compound, beside it or on it ("governmental" or
                # "-governmental" of "non-governmental")
                continue
            text = record.text[start:end]
            if text == stripped:
                return self._locator._location(record, start, end, stripped, not hidden)
            # as locate() does: the place whose characters differ least from the quotation's
            differing = sum(map(operator.ne, text, stripped)) + abs(len(text) - len(stripped))
            if best is None or differing < best[0]:
                best = (differing, record, start, end)
        if best is None:
            return None
        return self._locator._location(*best[1:], stripped, not hidden)

    # ── finding and aligning passages ──

    def _align(
        self,
        core: Sequence[_Token],
        marks: _Marks,
        around: Callable[[], dict[int, tuple[str, str]]] | None = None,
    ) -> list[_Aligned]:
        """The best passages for ``core``, best first, aligned."""
        # what every passage tried compares, worked out once, column by column in C
        # (a quotation at the length limit has up to 4,000 tokens)
        key_column, face_column, text_column, _, _, word_column = zip(*core, strict=True)
        keys = list(key_column)
        bare = {face: _chars.strip_diacritics(face) for face in set(face_column)}
        bares = list(map(bare.__getitem__, face_column))
        words_before = [0, *itertools.accumulate(word_column)]
        quote = _Quote(keys, list(text_column), words_before, bares, around)
        if marks:
            verbatim = self._verbatim(quote, face_column, marks)
            if verbatim is not None:
                return [verbatim]
        # each token's places in the report and how many, looked up in C (only words have places)
        places_of = list(map(self._positions.get, keys, itertools.repeat(())))
        counts = list(map(len, places_of))
        rare = list(itertools.compress(itertools.count(), map(_IS_RARE.__contains__, counts)))
        spend = _Budget(keys)  # shared by every passage tried
        chosen = rare or list(itertools.compress(itertools.count(), counts))
        results = self._align_voted(quote, core, marks, places_of, chosen, spend)
        words = words_before[-1]
        if rare and len(core) <= _REFINE_LENGTH and words > 1 and (words - 1) / words >= ALTERED_SIMILARITY:
            # the places tried are those the rare words vote for, the rarest with the most votes,
            # and in a short quotation that word may be the writer's addition: "The right to
            # activism" has the items' "The right to" and a word of paragraph 16; "To the
            # international independents" has recommendation p2's "To the international" and a
            # word found in eight places. Without it, the quotation's words would show at least
            # (words - 1) / words at their own place, enough to be found: where no passage tried
            # is, the places its other words vote for (its other rare words, or, if none, its
            # common ones) are tried too, within the same budget, and the better passages kept
            rarest = keys[min(rare, key=counts.__getitem__)]
            others = [q for q in rare if keys[q] != rarest] or [
                q for q, count in enumerate(counts) if count and keys[q] != rarest
            ]
            #
            # A quotation found is tried there too where the passage found leaves words out
            # unmarked between those it has, and so fits worse than the quotation would at its own
            # place with a word added ("To the international independents" was paragraph 22's "to
            # those in the international community", two words left out and one changed), and the
            # quotation has so few rare words that the rarest led the vote alone (many rare words
            # outvote one added). The places found so are kept only if one fits better (of passages
            # that fit alike, the one the rarest word led to stays). A quotation found whole in one
            # run, with words added at its edge, keeps its place: "The right to freedom of
            # association; and assembly" is item p8.i5 with two words added (session 21's edge
            # rule), not paragraph 14's "the ‘right to freedom of association’ and the"
            enough = round((words - 1) / words, 4)  # as a similarity is rounded
            found = bool(results) and results[0].similarity >= ALTERED_SIMILARITY
            fit = _fit(results[0].similarity, results[0], words) if found else 0.0
            few = len({keys[q] for q in rare}) <= _FEW_RARE_WORDS
            gaps = found and results[0].unmatched > 0
            if others and (not found or (few and gaps and fit < enough)):
                more = self._align_voted(quote, core, marks, places_of, others, spend, rarest)
                best: dict[tuple[int, int], _Aligned] = {}  # each passage once, at its best
                for aligned in sorted(results + more, key=_rank):
                    best.setdefault((aligned.lo, aligned.hi), aligned)
                merged = list(best.values())[:_CLOSEST]
                # kept only if the passage among them that fits the quotation best (as `_check`
                # chooses the one shown) fits better than the one found, and differs from the
                # quotation in fewer words: `_fit` counts a word changed twice (the quotation's
                # and the report's), so "To the citizens community:" would be paragraph 2's "to
                # the citizen." (a word added, one spelled otherwise) rather than recommendation
                # p2's "To the international community:" with one word changed
                if not found:
                    results = merged
                elif more:
                    was = max(results[:_SHOWN_TRIED], key=lambda a: _fit(a.similarity, a, words))
                    new = max(more[:_SHOWN_TRIED], key=lambda a: _fit(a.similarity, a, words))
                    if _fit(new.similarity, new, words) > _fit(
                        was.similarity, was, words
                    ) and self._words_differing(quote, new) < self._words_differing(quote, was):
                        results = merged
        return results

    def _words_differing(self, quote: _Quote, aligned: _Aligned) -> int:
        """How many words the passage ``aligned`` differs from ``quote`` in: weighs a second vote's passages.

        A word the quotation adds, or one of the report's it leaves out
        unmarked, counts once, and so does a word changed (a run of the
        quotation's words in place of a run of the report's counts the
        longer run); so does a word the two have in common spelled otherwise
        (other than by case and diacritics: "need" for "needs"). Words a
        marked omission leaves out count for nothing.
        """
        quote_words, report_words, lo = quote.words_before, self._word_before, aligned.lo
        differing = 0
        for tag, i1, i2, j1, j2 in aligned.opcodes:
            if tag == "equal":
                differing += i2 - i1
                continue
            added = quote_words[i2] - quote_words[i1]
            left_out = 0 if i1 in aligned.omissions else report_words[lo + j2] - report_words[lo + j1]
            differing += max(added, left_out)
        return differing - aligned.same_bare

    def _align_voted(
        self,
        quote: _Quote,
        core: Sequence[_Token],
        marks: _Marks,
        places_of: Sequence[Sequence[int]],
        chosen: Sequence[int],
        spend: _Budget,
        added: str | None = None,
    ) -> list[_Aligned]:
        """The best passages for ``core`` at the places its ``chosen`` tokens vote for, best first.

        ``places_of`` holds each token's places in the report; ``spend`` is
        what aligning the quotation may still spend, shared by every call;
        ``added`` is a key taken for the writer's addition, which does not
        count among the words a place shares with the quotation.
        """
        keys = quote.keys
        counts = list(map(len, places_of))
        budget, size = _MAX_ANCHORS, _BUCKET
        # the votes of the buckets (place - q) // size, from -(quotation's length // size) - 1 on, in a
        # list at an offset: an index into a list is quicker than a dict's hash (the same float sums,
        # added in the same order)
        offset = len(core) // size + 2
        tally = [0.0] * (len(self._keys) // size + offset + 2)
        for q in chosen:
            weight = 1.0 / counts[q]
            shift = offset * size - q  # (at - q) // size + offset, as one floor division
            for at in places_of[q][:budget]:
                tally[(at + shift) // size] += weight
            budget -= counts[q]
            if budget <= 0:
                break
        # every bucket voted for has a positive sum
        voted = list(itertools.compress(range(-offset, len(tally) - offset), tally))
        if not voted:
            return []
        votes = dict(zip(voted, itertools.compress(tally, tally), strict=True))
        # the most votes first, then the earliest place: ``votes`` holds the places in order, and a
        # stable sort by votes alone compares floats, not (votes, place) tuples
        ranked = sorted(votes, key=votes.__getitem__, reverse=True)
        if len(core) <= _REFINE_LENGTH:
            # a short quotation's rare words may stand together elsewhere ("freedom of assembly")
            # while its source has most of its words, common ones too ("The right to freedom of
            # association"): the leading places are ranked again by how many of its words they have
            wanted = set(keys) - {added}
            slack_words = _BUCKET + len(core) // 4
            tokens = self._keys

            def share(bucket: int) -> int:
                at = bucket * _BUCKET
                window = tokens[max(0, at - slack_words) : at + len(core) + slack_words + _BUCKET]
                return len(wanted.intersection(window))

            head = ranked[:_REFINE_PLACES]
            shares = {bucket: share(bucket) for bucket in head}
            ranked = sorted(head, key=lambda b: (-shares[b], -votes[b], b)) + ranked[_REFINE_PLACES:]
        results: list[_Aligned] = []
        seen: list[tuple[int, int]] = []
        slack = _BUCKET + len(core) // 4
        gap = _MAX_GAP if marks else 0
        wide = _CLOSEST * 3
        # a quotation with an ellipsis tries more places, each on its own (small) window, until
        # one has its words on both sides of every ellipsis: "The … right to" is "The human
        # right to" once, though "The right to" stands in many places
        short = len(core) <= _REFINE_LENGTH  # a long quotation's words stand in one place
        places = ranked[:_REFINE_PLACES] if marks and short else ranked[:wide]
        for index, bucket in enumerate(places):
            if index >= wide and any(r.similarity >= 1.0 and r.same_text == len(core) for r in results):
                break  # every word there, written as the quotation writes it
            if (
                index < wide
                and results
                and results[0].similarity >= ALTERED_SIMILARITY
                and votes[bucket] < votes[ranked[0]] / 2
                and not (marks and short and results[0].same_text < len(core))
            ):
                # found; what remains is only for the closest passages of a quotation not found.
                # Not yet for a short quotation with an ellipsis found with a word changed: its
                # words may stand elsewhere as written, further apart, so with fewer votes per
                # place ("Remove … Ilyashev" is a recommendation, not "removed … Ilyashev").
                # A short quotation's leading places are in the order of the words they share
                # with it, not of their votes, so a later one may have more votes: unless a
                # passage found has the quotation's words in one run, with words added at its
                # edges only (session 21's edge rule: "The right to freedom of expression; and"
                # is item p8.i6 with "and" added), it is still tried ("The right to freedom in
                # association;" is item p8.i5, as written but for "in", not paragraph 18, whose
                # place shares "in" too and comes first)
                if short and not any(map(_in_one_run, results)):
                    continue
                break
            diagonal = bucket * _BUCKET
            lo = max(0, diagonal - slack - gap)
            hi = min(len(self._tokens), diagonal + len(core) + slack + gap + _BUCKET)
            near_lo = max(0, diagonal - slack)
            near_hi = min(len(self._tokens), diagonal + len(core) + slack + _BUCKET)
            if index >= wide:
                lo, hi = near_lo, near_hi
            if any(lo < s_hi and s_lo < hi and (s_lo <= diagonal < s_hi) for s_lo, s_hi in seen):
                continue
            if (
                not short
                and results
                and results[0].similarity >= ALTERED_SIMILARITY
                and any(lo <= s_lo and s_hi <= hi and abs(diagonal - s_lo) <= slack for s_lo, s_hi in seen)
            ):
                continue  # found: a long quotation's window around the passage found finds it again
            tried = [self._align_in(quote, marks, lo, hi, spend)]
            if gap and short and index < wide:
                # the wide window's first match of a common word may lie far from its source
                # ("President … state"): the place the words vote for is tried on its own too
                tried.append(self._align_in(quote, marks, near_lo, near_hi, spend))
            for aligned in sorted(filter(None, tried), key=_rank):
                if all((aligned.lo, aligned.hi) != (a.lo, a.hi) for a in results):
                    seen.append((aligned.lo, aligned.hi))
                    results.append(aligned)
                    break  # one passage per place tried
        # equally similar: the passage with fewer words the quotation lacks, then the closer spelling
        results.sort(key=_rank)
        return results[:_CLOSEST]

    def _report_around(self) -> dict[int, tuple[str, str]]:
        """`_marks_around` the report's tokens, record by record (built once, on first need)."""
        if self._around is None:
            around: dict[int, tuple[str, str]] = {}
            for number, record in enumerate(self._records):
                first, last = self._record_firsts[number], self._record_firsts[number + 1]
                marked = _marks_around(record.text, self._tokens[first:last])
                around.update((first + at, pair) for at, pair in marked.items())
            self._around = around
        return self._around

    def _face_index(self) -> tuple[list[str], dict[str, list[int]]]:
        """Every report token's face, and the places of each face in reading order (built once)."""
        if self._faces is None:
            places: defaultdict[str, list[int]] = defaultdict(list)
            faces = [token.face for token in self._tokens]
            for at, face in enumerate(faces):
                places[face].append(at)
            self._face_places = dict(places)
            self._faces = faces  # last: another thread sees both or builds them again
        return self._faces, self._face_places

    def _verbatim(self, quote: _Quote, faces: Sequence[str], marks: _Marks) -> _Aligned | None:
        """The best place where every piece between the ellipses stands as written, in order.

        "a period of … Kazakhstan’s human rights" has its two pieces word for
        word in a conclusion, with a few words between them; the vote for
        places preferred a footnote that has its rarer words nearer together,
        one of them in another form. A placement where the pieces have the
        report's faces (typography and case aside), in order, within one
        passage or two adjacent ones, each gap holding at least one token and
        at most `MAX_MARKED_OMISSION` words, is an ``equivalent`` quotation
        with marked omissions, and wins over any placement with a word
        changed. Among several, the closest typography first: the most tokens
        written as the quotation writes them plus the quote marks around them
        that match the quotation's ("‘The … the" is the item that opens with
        "‘The", though "The … the" stands nearer together in a paragraph;
        `_same_marks`), then the same letters but for case and diacritics,
        then the shortest, then the earliest (`_rank`'s order).

        Only windows that hold every distinct piece as many times as the
        quotation has it are weighed (seventeen "the"s joined by ellipses need
        two passages with seventeen "the"s), in reading order, each by a
        dynamic programme linear in its places (`_verbatim_in`), so a
        quotation whose pieces stand in order is placed however common they
        are; past `_VERBATIM_WEIGHED` places weighed, the best placement so far
        is kept.

        Returns:
            That placement aligned, or ``None`` when there is none (or the
            pieces are too many for any two passages, or pieces of several
            words too common to look up within `_VERBATIM_WORK` places).
        """
        bounds = [0, *marks.ordered, len(faces)]
        pieces = list(itertools.pairwise(bounds))  # quotation token ranges [a, b) between ellipses
        if len(faces) + len(pieces) - 1 > self._most_tokens:
            return None  # no two passages have room for the pieces and a token in every gap
        report_faces, places = self._face_index()
        owners, firsts = self._reach, self._reach_firsts  # by passage: the reach of an ellipsis
        work = _VERBATIM_WORK  # report places looked at to find where each piece stands
        # each piece's places in the report, in order: those of its face for one token, those of
        # its rarest face where the rest follows for more (within one passage or two adjacent);
        # a piece the quotation repeats ("the … the … the") is looked up once
        runs = [tuple(faces[a:b]) for a, b in pieces]
        found_at: dict[tuple[str, ...], list[int]] = {}
        for run in runs:
            if run in found_at:
                continue
            if len(run) == 1:
                found_at[run] = places.get(run[0], [])
                continue
            offset = min(range(len(run)), key=lambda k: len(places.get(run[k], ())))
            found = places.get(run[offset], [])
            work -= len(found)
            if work < 0:
                return None  # pieces of many words, each common: no quotation a writer makes
            size = len(run)
            found_at[run] = [
                at - offset
                for at in found
                if offset <= at <= len(owners) - size + offset
                and tuple(report_faces[at - offset : at - offset + size]) == run
                and owners[at - offset + size - 1] - owners[at - offset] <= 1
            ]
        starts = [found_at[run] for run in runs]
        # no piece starts or ends inside a compound ("governmental" of "non-governmental"): not the
        # quotation, and not at an ellipsis, where half a compound left out is a changed word
        # (`_cut_compound`), so "out in the … corruption" is placed at the report's "corruption",
        # not at the "corruption" of "anti-corruption", nearer
        joining = self._joining
        starts = [
            [at for at in here if at - 1 not in joining and at + b - a not in joining]
            for here, (a, b) in zip(starts, pieces, strict=True)
        ]
        # a window (a passage and the next) holds the quotation only if it holds each distinct piece
        # as often as the quotation has it: "the" seventeen times joined by ellipses needs two
        # passages with seventeen "the"s, which few have.  The windows next to the rarest piece's
        # passages are counted, each dropped as soon as a piece is short there
        need = Counter(runs)
        order = sorted(need, key=lambda run: len(found_at[run]))
        rarest = found_at[order[0]]
        if not rarest:
            return None
        owned = set(map(owners.__getitem__, rarest))
        windows = sorted(owned | {owner - 1 for owner in owned if owner})
        kept: list[int] = []
        for w in windows:
            lo, hi = firsts[w], firsts[w + 2]
            if hi - lo < len(faces) + len(pieces) - 1:
                continue  # too few tokens for the pieces and one in every gap
            if all(
                bisect.bisect_left(found_at[run], hi - len(run) + 1) - bisect.bisect_left(found_at[run], lo)
                >= need[run]
                for run in order
            ):
                kept.append(w)
        # the best a placement can be: every token written as the quotation writes it, one token
        # in every gap; the first window that holds such a one holds the answer
        around = quote.around() if kept and quote.around is not None else {}
        marked = sum(2 * bool(side) for pair in around.values() for side in pair)
        ideal = (-len(faces) - marked, -len(faces), len(faces) + len(pieces) - 1)
        best: tuple[tuple[int, int, int, int], list[int]] | None = None
        alike: list[dict[int, tuple[int, int]]] = [{} for _ in pieces]  # a piece's place → its spelling
        weighed = 0
        sizes = [b - a for a, b in pieces]
        for w in kept:  # the windows in reading order
            # each piece's places within the window: the first piece starts in the window's first
            # record (a placement that starts in the next is its window's), the others end in it
            held: list[Sequence[int]] = []
            for number, here in enumerate(starts):
                size = pieces[number][1] - pieces[number][0]
                last = firsts[w + 1] - 1 if number == 0 else firsts[w + 2] - size
                held.append(here[bisect.bisect_left(here, firsts[w]) : bisect.bisect_right(here, last)])
            if not all(held) or not _in_order(held, sizes):
                continue
            if weighed > _VERBATIM_WEIGHED:
                break  # a flood of common pieces has had its share: the best placement so far
            weighed += sum(map(len, held))
            found_here = self._verbatim_in(quote, pieces, held, alike, around)
            if found_here is not None and (best is None or found_here[0] < best[0]):
                best = found_here
                if best[0][:3] == ideal:
                    break
        if best is None:
            return None
        blocks = [(a, at, b - a) for (a, b), at in zip(pieces, best[1], strict=True)]
        lo, hi = blocks[0][1], blocks[-1][1] + blocks[-1][2]
        aligned = self._score(quote, marks, lo, hi, blocks)
        # every word is there as written, each ellipsis a marked omission: nothing ranks above it
        return aligned if aligned.similarity >= 1.0 and not aligned.unmatched else None

    def _verbatim_in(
        self,
        quote: _Quote,
        pieces: Sequence[tuple[int, int]],
        starts: Sequence[Sequence[int]],
        alike: Sequence[dict[int, tuple[int, int]]],
        around: dict[int, tuple[str, str]],
    ) -> tuple[tuple[int, int, int, int], list[int]] | None:
        """The best in-order choice of each piece's start within one window, by `_rank`, and its key.

        A dynamic programme over the pieces: for each place of a piece, the
        best (tokens written alike, alike but for case and diacritics, the
        latest start of the first piece; the earliest place of the piece
        before among equals) over the places of the piece before that leave
        a gap of one token to `MAX_MARKED_OMISSION` words.  Those places form
        a window that slides on as the place does, so its best is kept in a
        queue (a sliding maximum), and each place is looked at a few times,
        not once per place of the piece before.  ``alike`` keeps, per piece,
        each place's tokens written alike (exactly, and but for case and
        diacritics) for the next window; tokens written alike count the quote
        marks ``around`` them that match (`_same_marks`).  ``None`` when there
        is no such choice.
        """
        texts, bares, word_before = self._texts, self._bares, self._word_before
        # the quote marks around the quotation's tokens, where it has any: (token, its marks)
        quoted = sorted(around.items())
        report_around = self._report_around() if quoted else {}
        bare_sides = ("", "")
        # each piece's places: (value, place, index of its parent among the places before)
        chosen: list[list[tuple[tuple[int, int, int], int, int]]] = []
        for number, ((a, b), places) in enumerate(zip(pieces, starts, strict=True)):
            size = b - a
            current: list[tuple[tuple[int, int, int], int, int]] = []
            previous = chosen[-1] if chosen else []
            before_size = pieces[number - 1][1] - pieces[number - 1][0] if number else 0
            best: deque[int] = deque()  # indexes into previous, values falling
            reached = 0  # the places before whose end lies before ``at`` are previous[:reached]
            spelled = alike[number]
            for at in places:
                both = spelled.get(at)
                if both is None:
                    # the tokens written alike, quote marks around them counted in (typography)
                    both = spelled[at] = (
                        sum(map(operator.eq, quote.texts[a:b], texts[at : at + size]))
                        + sum(
                            _same_marks(pair, report_around.get(at + k - a, bare_sides))
                            for k, pair in quoted
                            if a <= k < b
                        ),
                        sum(map(operator.eq, quote.bares[a:b], bares[at : at + size])),
                    )
                same_text, same_bare = both
                if number == 0:
                    current.append(((same_text, same_bare, at), at, -1))
                    continue
                while reached < len(previous) and previous[reached][1] + before_size < at:
                    value = previous[reached][0]
                    while best and previous[best[-1]][0] < value:
                        best.pop()  # never the best again: a later place with a higher value is there
                    best.append(reached)
                    reached += 1
                while best and word_before[at] - word_before[previous[best[0]][1] + before_size] > (
                    MAX_MARKED_OMISSION
                ):
                    best.popleft()  # too far back for every later place too
                if best:
                    value = previous[best[0]][0]
                    current.append(((value[0] + same_text, value[1] + same_bare, value[2]), at, best[0]))
            if not current:
                return None
            chosen.append(current)
        previous = chosen[-1]
        last_size = pieces[-1][1] - pieces[-1][0]
        key, index = min(
            ((-value[0], -value[1], place + last_size - value[2], value[2]), index)
            for index, (value, place, _) in enumerate(previous)
        )
        placed: list[int] = []
        for level in range(len(pieces) - 1, -1, -1):
            _, place, parent = chosen[level][index]
            placed.append(place)
            index = parent
        return key, placed[::-1]

    def _align_in(self, quote: _Quote, marks: _Marks, lo: int, hi: int, budget: _Budget) -> _Aligned | None:
        """The quotation aligned with the report's tokens ``[lo, hi)``, trimmed to the passage it matches.

        A match at either end that lies apart from the rest ("group" matched
        to a "groups" a sentence earlier) would stretch the passage: it is
        let go while that makes the passage more similar (a few times a side).
        """
        window = self._keys[lo:hi]
        found = _matching_blocks(quote.keys, window, budget)
        if not found:
            return None
        if marks:
            found = _edge_marks(quote.keys, window, found, budget)
        best = self._trimmed(quote, marks, lo, hi, found, budget)
        if len(quote.keys) <= _REFINE_LENGTH and (marks or best.similarity < 1.0):
            # difflib takes the longest run first, the first of runs as long, which an ellipsis
            # may cut wrongly: "The … right to life" is "The right to" of one item and "life" of
            # the next read from the left, "The human right to life" read from the right. A short
            # quotation that is not all there is read both ways too: "of gdpr Kazakhstan and the"
            # has paragraph 14's "Kazakhstan and the" and, read from the left, an "of" ten words
            # before it rather than the one just before it. The better reading is kept
            keys, length = quote.keys[::-1], len(quote.keys)
            found = _matching_blocks(keys, window[::-1], budget)
            if found:
                found = [(length - i - size, hi - lo - j - size, size) for i, j, size in reversed(found)]
                if marks:
                    found = _edge_marks(quote.keys, window, found, budget)
                other = self._trimmed(quote, marks, lo, hi, found, budget)
                if marks:
                    best = min(best, other, key=_rank)
                else:
                    # kept only if it fits better (`_fit`), and well enough to be found on its fit
                    # too: the similarity counts the words left out unmarked only past twice the
                    # quotation's length, and "and and and" read from the right has the three
                    # "and"s of "and enforcement, and prevention of torture and" (fit 0.43)
                    words = quote.words_before[-1]
                    fit = _fit(other.similarity, other, words)
                    if fit >= ALTERED_SIMILARITY and fit > _fit(best.similarity, best, words):
                        best = other
        return best

    def _trimmed(
        self,
        quote: _Quote,
        marks: _Marks,
        lo: int,
        hi: int,
        found: list[tuple[int, int, int]],
        budget: _Budget | None = None,
    ) -> _Aligned:
        """The passage ``found`` (matches within the window ``[lo, hi)``) gives, its stray ends let go."""
        blocks = [(i, lo + j, size) for i, j, size in found]  # j: absolute report positions
        blocks = self._tighten(quote, marks, blocks, lo, hi)
        if marks and len(blocks) > 1:
            blocks = self._within_reach(quote, marks, lo, hi, blocks, budget)
        # trimming weighs similarity and unmatched words only: the spelling is counted once, at the end
        best = self._score(quote, marks, lo, hi, blocks, spelled=False)
        if len(blocks) < 2:
            return self._spelled(quote, best)
        most = self._most_similar(quote, marks, lo, hi, blocks)
        first, last = 0, len(blocks)  # the blocks kept: blocks[first:last]
        for _ in range(2 * _TRIMS):
            if last - first < 2:
                break
            # a trial that cannot be as similar as the passage kept is never taken: not scored
            scored = [
                (self._score(quote, marks, lo, hi, blocks[a:b], spelled=False), (a, b))
                for a, b, gone in ((first + 1, last, first), (first, last - 1, last - 1))
                if most(a, b, gone, best.matched) >= best.similarity
            ]
            if not scored:
                break
            top, (a, b) = max(scored, key=lambda pair: (pair[0].similarity, -pair[0].unmatched))
            if (top.similarity, -top.unmatched) <= (best.similarity, -best.unmatched):
                break
            best, first, last = top, a, b
        for _ in range(2 * _TRIMS):
            if last - first < 2:
                break
            if self._stray(quote, marks, blocks[last - 1], blocks[last - 2], after=True):
                a, b = first, last - 1
            elif self._stray(quote, marks, blocks[first], blocks[first + 1], after=False):
                a, b = first + 1, last
            else:
                break
            trial = self._score(quote, marks, lo, hi, blocks[a:b], spelled=False)
            if trial.similarity < ALTERED_SIMILARITY <= best.similarity:
                break  # found with the stray word, not without: the verdict stays
            best, first, last = trial, a, b
        return self._spelled(quote, best)

    def _stray(
        self,
        quote: _Quote,
        marks: _Marks,
        edge: tuple[int, int, int],
        inner: tuple[int, int, int],
        after: bool,
    ) -> bool:
        """Whether the match ``edge`` (first or last) is common words found past the words left out.

        "The right to freedom of expression; and" quotes item p8.i6 and adds
        "and": the report's next "and" stands four words into the next item,
        and matching it there would read the quotation as leaving out "The
        human right to life", which it does not mark.  An edge match is let
        go (its words are then added in the record of the match ``inner``
        beside it) when it lies in another record than ``inner``'s end beside
        it, with no ellipsis between the two in the quotation, every word of
        it is a common one (more than `_COMMON` places in the report), and it
        has no more words than the report words it would leave out.  "; The"
        after an item, the next item's first word, is kept; so is "public
        order", rarer words.  Within one record a stray match is kept: let
        go, the quotation's word before it would stand for a changed report
        word (`_ends`) where it stood for an omitted one.
        """
        i, j, size = edge
        inner_i, inner_j, inner_size = inner
        if after:  # the quotation's tokens between the two, the report's, and the two tokens beside them
            gap_lo, gap_hi, there_lo, there_hi = inner_i + inner_size, i, inner_j + inner_size, j
            near, far = there_lo - 1, j
        else:
            gap_lo, gap_hi, there_lo, there_hi = i + size, inner_i, j + size, inner_j
            near, far = inner_j, there_lo - 1
        if there_hi < there_lo:
            return False
        if any(at in marks for at in range(gap_lo, gap_hi + 1)):
            return False  # an omission the quotation marks
        words = quote.words_before[i + size] - quote.words_before[i]
        left_out = self._word_before[there_hi] - self._word_before[there_lo]
        within = self._owners[near] == self._owners[far]
        if not words or left_out < (max(_STRAY_WITHIN, 3 * words) if within else words):
            return False
        word_at = [k for k in range(i, i + size) if _is_word_key(quote.keys[k])]
        if all(len(self._positions.get(quote.keys[k], ())) > _COMMON for k in word_at):
            return True
        # or a word the report has in another form only ("urgently" for the next paragraph's
        # "urgent"): the writer's own word, not the report's thirteen words on
        bares, shift = self._bares, j - i
        return all(quote.bares[k] != bares[k + shift] for k in word_at)

    def _within_reach(
        self,
        quote: _Quote,
        marks: _Marks,
        lo: int,
        hi: int,
        blocks: list[tuple[int, int, int]],
        budget: _Budget | None = None,
    ) -> list[tuple[int, int, int]]:
        """The matches of a quotation with an ellipsis that lie in one passage or two adjacent ones.

        The reach of an ellipsis is the whole quotation's: its pieces lie within
        one passage (`_passages`: a paragraph with its list, a lead-in with its
        recommendations, a footnote) or two adjacent ones, however many
        ellipses join them.  Each pair of neighbouring pieces may lie within
        two passages while the whole runs over three: such a stretch is no
        place of the quotation.  Matches over more than two records are also
        tried cut to each run of them within two adjacent records, and within
        two adjacent passages, and the one `_score` finds most similar is kept
        (the rest of the quotation is then unmatched); the matches as they
        stand are one of the tries if they lie within reach.  With a
        ``budget`` left, the quotation is also aligned afresh with each such
        pair of records: the alignment of the wide window takes
        the first place of a run the report repeats ("End the use of" opens
        two recommendations), which may lie apart from the rest.
        """
        reach = self._reach
        if self._owners[blocks[-1][1] + blocks[-1][2] - 1] - self._owners[blocks[0][1]] <= 1:
            return blocks  # two records lie within two passages
        whole = reach[blocks[-1][1] + blocks[-1][2] - 1] - reach[blocks[0][1]] <= 1
        tries: list[list[tuple[int, int, int]]] = [blocks] if whole else []
        # cut (and aligned afresh) by records, as the reach once was; cut by passages too, not aligned
        # afresh: a pair of passages may hold thirty records, and the budget is the whole quotation's
        units = [(self._owners, self._record_firsts, budget)]
        if not whole:
            units.append((reach, self._reach_firsts, None))
        for owners, firsts, spend in units:
            end = 0
            for start, (_, j, _) in enumerate(blocks):
                if start and owners[blocks[start - 1][1]] == owners[j]:
                    continue  # a run from the same record (passage), shorter than the one before
                end = max(end, start + 1)
                while end < len(blocks) and owners[blocks[end][1] + blocks[end][2] - 1] - owners[j] <= 1:
                    end += 1
                tries.append(blocks[start:end])
                if spend is not None:
                    pair_lo, pair_hi = max(lo, firsts[owners[j]]), min(hi, firsts[owners[j] + 2])
                    found = _matching_blocks(quote.keys, self._keys[pair_lo:pair_hi], spend)
                    if found:
                        again = [(i, pair_lo + k, size) for i, k, size in found]
                        tries.append(self._tighten(quote, marks, again, pair_lo, pair_hi))
        # every try lies within two adjacent passages: the matches as they stand only when
        # ``whole``, each run of records within two adjacent records (so passages), each
        # alignment afresh within such a pair of records
        best: tuple[tuple[float, int], list[tuple[int, int, int]]] | None = None
        for kept in tries:
            aligned = self._score(quote, marks, lo, hi, kept, spelled=False)
            value = (aligned.similarity, -aligned.unmatched)
            if best is None or value > best[0]:
                best = (value, kept)
        return best[1] if best is not None else blocks

    def _most_similar(
        self, quote: _Quote, marks: _Marks, lo: int, hi: int, blocks: Sequence[tuple[int, int, int]]
    ) -> Callable[[int, int, int, int], float]:
        """A bound on the similarity `_score` gives ``blocks[a:b]``, in constant time per ``(a, b)``.

        ``blocks[a:b]`` are blocks that `_score` found ``matched`` words in,
        less the block ``blocks[gone]`` at either end.  `_score`'s similarity
        is ``(matched + bridged + empty) / max(wanted, ...)``.  ``matched`` is
        the words of the blocks (sliding a gap onto an ellipsis moves tokens from one block to
        the next, never out of them); an ellipsis had as ``empty`` stands
        inside a block or between two that follow on in both texts (sliding
        takes marks out of blocks, never into them); one had as ``bridged``
        stands at a gap, at most one per gap (before the first block too),
        and only in a passage within two passages.  Rounded as `_score` rounds,
        so that a bound below a similarity means the blocks score below it.
        """
        words_before = quote.words_before
        wanted = words_before[-1] + len(marks)
        owners = self._reach
        inside: list[int] = []
        joined: list[int] = []
        ordered = marks.ordered if marks else []
        if marks:  # prefix sums of the ellipses inside blocks, and between blocks that follow on
            inside = [0]
            for i, _, size in blocks:
                count = bisect.bisect_left(ordered, i + size) - bisect.bisect_right(ordered, i)
                inside.append(inside[-1] + count)
            joined = [0]
            for x, y in itertools.pairwise(blocks):
                follow = x[0] + x[2] == y[0] and x[1] + x[2] == y[1] and y[0] in marks
                joined.append(joined[-1] + follow)

        def most(a: int, b: int, gone: int, matched: int) -> float:
            if not words_before[-1]:
                return 0.0
            # the words of the blocks kept: those of the blocks before, less the one let go
            i, _, size = blocks[gone]
            had = matched - (words_before[i + size] - words_before[i])
            if marks:
                had += inside[b] - inside[a] + joined[b - 1] - joined[a]
                start, end = self._ends(quote, marks, lo, hi, blocks[a], blocks[b - 1])
                if end <= start or owners[end - 1] - owners[start] <= 1:
                    first_i, last_end = blocks[a][0], blocks[b - 1][0] + blocks[b - 1][2]
                    in_range = bisect.bisect_left(ordered, last_end) - bisect.bisect_left(ordered, first_i)
                    had += min(b - a, in_range)
            return round(had / wanted, 4)

        return most

    def _spelled(self, quote: _Quote, aligned: _Aligned) -> _Aligned:
        """``aligned`` with its matched tokens written alike counted: `_rank`'s tie-breaks."""
        start, texts, bares = aligned.lo, self._texts, self._bares
        equal = [
            (i1, i2, start + j1, start + j2) for tag, i1, i2, j1, j2 in aligned.opcodes if tag == "equal"
        ]
        same_text = sum(sum(map(operator.eq, quote.texts[i1:i2], texts[j1:j2])) for i1, i2, j1, j2 in equal)
        same_bare = sum(sum(map(operator.eq, quote.bares[i1:i2], bares[j1:j2])) for i1, i2, j1, j2 in equal)
        return aligned._replace(same_text=same_text, same_bare=same_bare)

    def _occurrence(
        self, run: Sequence[str], first: int, last: int, latest: bool, written: Sequence[str] | None = None
    ) -> int | None:
        """The latest (or earliest) report position ``p`` in ``[first, last]`` where ``run`` stands.

        With ``written``, only a place where the report writes the run so too.
        """
        if first > last:
            return None
        keys, size = self._keys, len(run)
        places = self._positions.get(run[0])
        if places is not None:  # a word: its places, from the index
            a, b = bisect.bisect_left(places, first), bisect.bisect_right(places, last)
            candidates: Sequence[int] = places[a:b]
        else:
            candidates = range(first, last + 1)
        order = reversed(candidates) if latest else iter(candidates)
        texts = self._texts
        for at in order:
            if keys[at : at + size] == run and (written is None or texts[at : at + size] == written):
                return at
        return None

    def _placed(
        self,
        keys: Sequence[str],
        texts: Sequence[str],
        i: int,
        j: int,
        size: int,
        first: int,
        last: int,
        latest: bool,
        written: Callable[[int, int, int], Sequence[str] | None],
    ) -> int | None:
        """Where `_tighten` moves the match ``(i, j, size)``: within ``[first, last]``, nearest the next.

        A place the report writes as the quotation does comes first, even if
        another form of the word stands nearer: "laws … that could be" is
        the "laws" of "laws on peaceful assemblies … that could be", not the
        nearer "law" of "the current law there is more that could be".
        """
        run = keys[i : i + size]
        if written(i, j, size) is None:
            place = self._occurrence(run, first, last, latest, texts[i : i + size])
            if place is not None:
                return place
        return self._occurrence(run, first, last, latest, written(i, j, size))

    def _tighten(
        self, quote: _Quote, marks: _Marks, blocks: list[tuple[int, int, int]], lo: int, hi: int
    ) -> list[tuple[int, int, int]]:
        """Move matches next to a gap the quotation does not mark onto the nearest place the words stand.

        The alignment takes the first place a word stands in its window: "Stop …
        demonstrations" matches the window's first "stop", a paragraph before
        the "Stop using kettling … peaceful demonstrations" it quotes, and
        "activists … need both" an "activists" far from "activists will need
        both".  The first match is moved as late as it stands before the
        next, and the last as early as it stands after the one before; a
        match between a gap at an ellipsis and one without is moved towards
        the one without, so that the words the quotation leaves out unmarked
        are as few as they can be.  A match the report writes as the quotation
        does moves only to a place written so too: "it … of public services"
        keeps the "it" of "help it modernise the state and its delivery of
        public services", not the nearer "its", another word of the same stem.
        Across an ellipsis a match keeps at least one token between (the
        ellipsis stands for something): "a subset of … the" is "the" at the
        end of the sentence, not the one after "of".  It moves only as far
        as an ellipsis reaches (`_last_in_reach`, `_first_in_reach`), or
        stays: "of … interaction with non-governmental" keeps the "of" of
        "efficiency of interaction with non-governmental" (an ellipsis that
        leaves nothing out, the writer's addition), since the "of" before it
        stands two items back; moved there, the ellipsis would stand for
        words across three records, which it cannot mark, and the "of",
        let go as a stray match, would leave the quotation "not found".
        """
        keys, texts = quote.keys, quote.texts

        def written(i: int, j: int, size: int) -> Sequence[str] | None:
            run = texts[i : i + size]
            return run if self._texts[j : j + size] == run else None

        # a match across an ellipsis ("of … the" matched to "of the") is two, which may part
        split: list[tuple[int, int, int]] = []
        ordered = marks.ordered
        for i, j, size in blocks:
            cuts = ordered[bisect.bisect_right(ordered, i) : bisect.bisect_left(ordered, i + size)]
            for m in cuts:
                split.append((i, j, m - i))
                i, j, size = m, j + (m - i), size - (m - i)
            split.append((i, j, size))
        blocks = split
        count = len(blocks)
        if count < 2:
            return blocks
        # the last match, and any whose gap after it is at an ellipsis, towards the match before
        for at in range(count - 1, 0, -1):
            i, j, size = blocks[at]
            before_i, before_j, before_size = blocks[at - 1]
            if at + 1 < count and ((i + size) not in marks or i in marks):
                continue  # a match inside: moved only from a gap at an ellipsis to one without
            earliest = before_j + before_size + (i - before_i - before_size)
            last = j - 1
            if i in marks and i == before_i + before_size:
                earliest += 1  # an ellipsis between them stands for at least one token
                if j < earliest:  # right after the match before: the next place it stands, within reach
                    # of the match before, and of the first match (the whole quotation's reach)
                    whole = self._reach_firsts[self._reach[blocks[0][1]] + 2] - size
                    last = min(hi - size, self._last_in_reach(blocks[at - 1], size), whole)
            place = self._placed(keys, texts, i, j, size, earliest, last, False, written)
            if place is not None:
                blocks[at] = (i, place, size)
        # the first match, and any whose gap before it is at an ellipsis, towards the match after
        for at in range(count - 1):
            i, j, size = blocks[at]
            after_i, after_j, _ = blocks[at + 1]
            if at > 0 and (i not in marks or (i + size) in marks):
                continue
            latest = after_j - size - (after_i - i - size)
            first = j + 1
            if after_i in marks and after_i == i + size:
                latest -= 1
                if j > latest:  # right before the match after: the place before it, within reach
                    # of the match after, and of the last match (the whole quotation's reach)
                    final = blocks[-1][1] + blocks[-1][2] - 1
                    whole = self._reach_firsts[max(0, self._reach[final] - 1)]
                    first = max(lo, self._first_in_reach(blocks[at + 1], size), whole)
            place = self._placed(keys, texts, i, j, size, first, latest, True, written)
            if place is not None:
                blocks[at] = (i, place, size)
        return blocks

    def _last_in_reach(self, before: tuple[int, int, int], size: int) -> int:
        """The latest report position a run of ``size`` tokens may start at after the match ``before``.

        After it across an ellipsis that marks an omission, as `_score`
        counts one: at most `MAX_MARKED_OMISSION` words left out, and the two
        within one passage or two adjacent ones (`_passages`).
        """
        word_before, end = self._word_before, before[1] + before[2]
        words = bisect.bisect_right(word_before, word_before[end] + MAX_MARKED_OMISSION) - 1
        return min(words, self._reach_firsts[self._reach[before[1]] + 2] - size)

    def _first_in_reach(self, after: tuple[int, int, int], size: int) -> int:
        """The earliest report position a run of ``size`` tokens may start at before the match ``after``.

        As `_last_in_reach`, the other way: the words from the run's end to
        the match are at most `MAX_MARKED_OMISSION`, in the match's passage or
        the one before.
        """
        word_before, start = self._word_before, after[1]
        words = bisect.bisect_left(word_before, word_before[start] - MAX_MARKED_OMISSION) - size
        return max(words, self._reach_firsts[max(0, self._reach[start + after[2] - 1] - 1)])

    def _ends(
        self,
        quote: _Quote,
        marks: _Marks,
        lo: int,
        hi: int,
        first: tuple[int, int, int],
        last: tuple[int, int, int],
    ) -> tuple[int, int]:
        r"""The report tokens ``[start, end)`` of the passage from the match ``first`` to the match ``last``.

        Words of the quotation just before the first match stand for report
        words just before it (a changed first word), and likewise after the
        last; not a mark ("\x1b[2J" after the quotation is the writer's
        addition, not a change of the report's next words) nor an ellipsis
        (what follows one may be anywhere), nor anything beyond them, nor
        the words of another record: "The right to freedom of association;
        and assembly" ends where its item ends, with "and assembly" added,
        not changed into the next item's "The right".
        """
        words_before, owners, firsts = quote.words_before, self._owners, self._record_firsts
        head = first[0]
        while head > 0 and head not in marks and words_before[head] - words_before[head - 1]:
            head -= 1
        start = max(lo, first[1] - (first[0] - head), firsts[owners[first[1]]])
        tail = after = last[0] + last[2]
        while tail < len(quote.keys) and tail not in marks and words_before[tail + 1] - words_before[tail]:
            tail += 1
        last_end = last[1] + last[2]
        return start, min(hi, last_end + (tail - after), firsts[owners[last_end - 1] + 1])

    def _score(
        self,
        quote: _Quote,
        marks: _Marks,
        lo: int,
        hi: int,
        blocks: list[tuple[int, int, int]],
        spelled: bool = True,
    ) -> _Aligned:
        """The passage ``blocks`` align (quotation position, report position, size), and its similarity.

        With ``spelled`` false, the tokens written alike are not counted (0): `_spelled` counts them.
        """
        words_before = quote.words_before
        if len(blocks) > 1:
            blocks = _slide_edges(blocks, quote.keys, self._keys, marks)
        start, end = self._ends(quote, marks, lo, hi, blocks[0], blocks[-1])
        relative = [(i, j - start, size) for i, j, size in blocks]
        if marks:
            relative = _slide_to_marks(relative, self._keys[start:end], marks)
        opcodes = _split_at_marks(_opcodes(len(quote.keys), end - start, relative), marks, quote.keys)
        matched = sum(words_before[i2] - words_before[i1] for tag, i1, i2, _, _ in opcodes if tag == "equal")
        quote_words = words_before[-1]
        passage_words = self._word_before[end] - self._word_before[start]
        # an ellipsis marks an omission of a few words within one passage or two adjacent ones
        omissions: set[int] = set()
        bridged = 0  # the ellipses that stand for a marked omission between two matches
        empty = 0  # the ellipses that stand between two matches next to each other in the report
        nearby = end <= start or self._reach[end - 1] - self._reach[start] <= 1
        ordered = marks.ordered if marks else []
        joined = -1  # where the last match ended in the quotation, if it ended at j2 == the next j1
        after = -1
        for at, (tag, i1, i2, j1, j2) in enumerate(opcodes):
            if ordered and tag == "equal":
                # an ellipsis inside a match, or between two matches that follow on in the report
                empty += bisect.bisect_left(ordered, i2) - bisect.bisect_right(ordered, i1)
                if i1 == joined and j1 == after and i1 in marks:
                    empty += 1
                joined, after = i2, j2
                continue
            joined = -1
            if tag in ("insert", "replace") and i1 in marks and nearby:
                left_out = self._word_before[start + j2] - self._word_before[start + j1]
                if left_out > MAX_MARKED_OMISSION:
                    continue
                omissions.add(i1)
                # marked omissions are no part of the comparison; so too where the quotation adds
                # tokens right after its ellipsis ("Stop … truly demonstrations", "Stop …․
                # demonstrations": `_split_at_marks` makes the words left out and the tokens added
                # one change that starts at the ellipsis), as where it adds them right before it
                # ("Stop truly … demonstrations"), if it stands between two matches: the added
                # tokens are then counted as added, and an ellipsis that is not between words the
                # report has never bridges
                between = (
                    tag == "replace"
                    and 0 < at < len(opcodes) - 1
                    and opcodes[at - 1][0] == opcodes[at + 1][0] == "equal"
                )
                if tag == "insert" or between:
                    passage_words -= left_out
                    bridged += 1
        # the share of the quotation's words the passage has, in order; a passage more than
        # twice the quotation's length (marked omissions aside) counts for half its words.
        # Each ellipsis counts as a word too, had only where it bridges a marked omission
        # between words the passage has: an ellipsis lets a quotation leave out a hundred
        # words, so "President Tokayev … will not … change" (a last word the report does not
        # have after the ellipsis) must not pass for an alteration of a real sentence. An
        # ellipsis between two words the report has next to each other marks an omission that
        # did not happen: it is had too (the words are the report's, in order, as with an added
        # comma, which counts for nothing), and is an alteration (`_differences`), never the
        # reason two pieces that follow on in the report are "not found"
        wanted = quote_words + len(marks)
        similarity = (matched + bridged + empty) / max(wanted, passage_words / 2) if quote_words else 0.0
        unmatched = passage_words - matched
        aligned = _Aligned(
            round(similarity, 4), start, end, opcodes, matched, 0, 0, frozenset(omissions), unmatched, empty
        )
        return self._spelled(quote, aligned) if spelled else aligned

    # ── reporting ──

    def _locations(self, lo: int, hi: int, quote: str) -> tuple[Location, ...]:
        """One `Location` per record for the report's tokens ``[lo, hi)``."""
        locations = []
        at = lo
        while at < hi:
            owner = self._owners[at]
            stop = min(hi, self._firsts[owner + 1] if owner + 1 < len(self._firsts) else hi)
            stop = max(stop, at + 1)
            record = self._records[owner]
            marks = self._record_marks.get(owner)
            if marks is None:
                marks = self._record_marks[owner] = _marks_of(record.text)
            start, end = _balanced(record.text, self._tokens[at].start, self._tokens[stop - 1].end, marks)
            locations.append(self._locator._location(record, start, end, quote.strip()))
            at = stop
        return tuple(locations)

    def _differences(
        self, quote: str, core: Sequence[_Token], marks: _Marks, aligned: _Aligned
    ) -> tuple[Difference, ...]:
        base = aligned.lo
        bounds = (aligned.lo, aligned.hi)
        differences: list[Difference] = []
        used: set[int] = set()  # the ellipses that stand where the report has words
        # words left out right before an ellipsis's marked omission, with only the writer's
        # punctuation between ("Stop …. demonstrations"): the start of that marked omission
        leading: dict[int, int] = {}
        core_faces = [token.face for token in core]
        faces = self._face_index()[0]
        for number, (tag, i1, i2, j1, j2) in enumerate(aligned.opcodes):
            if tag == "equal":
                # the same word may still be spelled or inflected differently (compared in C)
                unlike = map(operator.ne, core_faces[i1:i2], faces[base + j1 : base + j2])
                for offset in itertools.compress(range(i2 - i1), unlike):
                    at = base + j1 + offset
                    differences += self._difference(
                        bounds, DifferenceKind.CHANGED, quote, core, i1 + offset, i1 + offset + 1, at, at + 1
                    )
                continue
            if tag in ("insert", "replace") and i1 in marks and i1 not in aligned.omissions:
                used.add(i1)  # words left out beyond what an ellipsis may mark: an omission
            elif tag in ("insert", "replace") and i1 in marks:
                used.add(i1)
                differences += self._difference(
                    bounds,
                    DifferenceKind.MARKED_OMISSION,
                    quote,
                    core,
                    i1,
                    i1,
                    leading.pop(i1, base + j1),
                    base + j2,
                    marked=True,
                )
                if tag == "replace":
                    differences += self._difference(
                        bounds, DifferenceKind.ADDED, quote, core, i1, i2, base + j2, base + j2
                    )
                continue
            if tag == "replace":
                # punctuation at either edge of a change is its own addition or omission
                first = base + j1
                i1, i2, j1, j2, edges = self._split_punctuation(core, i1, i2, first, base + j2)
                after = aligned.opcodes[number + 1] if number + 1 < len(aligned.opcodes) else None
                # the writer's punctuation alone for words, right before an ellipsis's marked
                # omission ("Stop …. demonstrations"): the words are that omission's start
                leads = (
                    i1 == i2
                    and j1 < j2
                    and after is not None
                    and after[0] in ("insert", "replace")
                    and after[1] == i2
                    and i2 in aligned.omissions
                    and self._word_before[base + after[4]] - self._word_before[first] <= MAX_MARKED_OMISSION
                )
                for kind, a1, a2, b1, b2 in edges:
                    if not (leads and kind is DifferenceKind.OMITTED):
                        differences += self._difference(bounds, kind, quote, core, a1, a2, b1, b2)
                if leads:
                    leading[i2] = first
                    continue
                if i1 < i2 or j1 < j2:
                    kind = (
                        DifferenceKind.CHANGED
                        if i1 < i2 and j1 < j2
                        else DifferenceKind.ADDED
                        if i1 < i2
                        else DifferenceKind.OMITTED
                    )
                    differences += self._difference(bounds, kind, quote, core, i1, i2, j1, j2)
                continue
            kind = DifferenceKind.ADDED if tag == "delete" else DifferenceKind.OMITTED
            differences += self._difference(bounds, kind, quote, core, i1, i2, base + j1, base + j2)
        # an ellipsis that stands where nothing was left out is the writer's addition
        unused = sorted(marks - used)
        changed = [
            d.quote_span for d in differences if d.kind in (DifferenceKind.CHANGED, DifferenceKind.ADDED)
        ]
        for mark, at in zip(unused, self._report_at(aligned, unused), strict=True):
            added = self._difference(
                bounds, DifferenceKind.ADDED, quote, core, mark, mark, at, at, marked=True
            )
            # one inside a change of the words either side ("‘increase … See" changed into
            # "and"), or inside words added ("Legislationline, … the" before footnote 6's
            # URL), is part of that difference's text already: no quotation token is in two
            # differences (a marked omission over two records aside)
            differences += [
                d
                for d in added
                if not any(c.start < d.quote_span.start and d.quote_span.end < c.end for c in changed)
            ]
        differences.sort(key=lambda d: (d.quote_span.start, d.quote_span.end))
        return tuple(differences)

    def _split_punctuation(
        self, core: Sequence[_Token], i1: int, i2: int, j1: int, j2: int
    ) -> tuple[int, int, int, int, list[tuple[DifferenceKind, int, int, int, int]]]:
        """Peel the punctuation off both edges of a change (quotation ``[i1, i2)``, report ``[j1, j2)``)."""
        edges: list[tuple[DifferenceKind, int, int, int, int]] = []
        while i1 < i2 and not core[i1].word:
            edges.append((DifferenceKind.ADDED, i1, i1 + 1, j1, j1))
            i1 += 1
        while i2 > i1 and not core[i2 - 1].word:
            edges.append((DifferenceKind.ADDED, i2 - 1, i2, j2, j2))
            i2 -= 1
        while j1 < j2 and not self._tokens[j1].word:
            edges.append((DifferenceKind.OMITTED, i1, i1, j1, j1 + 1))
            j1 += 1
        while j2 > j1 and not self._tokens[j2 - 1].word:
            edges.append((DifferenceKind.OMITTED, i2, i2, j2 - 1, j2))
            j2 -= 1
        return i1, i2, j1, j2, edges

    @staticmethod
    def _report_at(aligned: _Aligned, indexes: Sequence[int]) -> list[int]:
        """The report token position aligned with each of the quotation's tokens ``indexes`` (in order).

        One pass over the opcodes for all of them: a quotation with an ellipsis
        between every word, none of which leaves anything out, has a thousand.
        """
        opcodes, at, places = aligned.opcodes, 0, []
        for index in indexes:
            # an opcode that ends at or before ``index`` (and is no empty one at it) holds no later index
            while at < len(opcodes) and opcodes[at][2] <= index and opcodes[at][1:3] != (index, index):
                at += 1
            if at < len(opcodes) and opcodes[at][1] <= index:
                _, i1, _, j1, j2 = opcodes[at]
                places.append(aligned.lo + min(j2, j1 + (index - i1)))
            else:
                places.append(aligned.hi)
        return places

    @staticmethod
    def _gap(core: Sequence[_Token], index: int) -> tuple[int, int]:
        """The stretch of the quotation between token ``index - 1`` and token ``index``."""
        start = core[index - 1].end if index > 0 else core[0].start
        end = core[index].start if index < len(core) else core[-1].end
        return start, end

    def _beyond_full_stop(self, quote: str, core: Sequence[_Token], index: int) -> tuple[int, int] | None:
        """The ellipsis across a full stop from the gap before token ``index``, offset from that gap's start.

        An ellipsis beside a full stop is tried on either side of it
        (`_beside_full_stops`); the characters of the full stop are never the
        ellipsis's, even where one run of dots holds both ("freedoms...."):
        the full stop is a token of its own (`_full_stop_in` split it off),
        so the gap beside it, where the ellipsis is, never holds it.
        """
        gap_start = self._gap(core, index)[0]
        for stop, at in ((index - 1, index - 1), (index, index + 1)):
            if not 0 <= stop < len(core) or core[stop].text != ".":
                continue
            start, end = self._gap(core, at)
            found = _ellipsis_in(quote[start:end])
            if found is None:
                continue
            text = quote[start + found[0] : start + found[1]]
            left = len(text) - len(text.lstrip())
            return start + found[0] + left - gap_start, start + found[0] + len(text.rstrip()) - gap_start
        return None

    def _difference(
        self,
        bounds: tuple[int, int],
        kind: DifferenceKind,
        quote: str,
        core: Sequence[_Token],
        i1: int,
        i2: int,
        j1: int,
        j2: int,
        marked: bool = False,
    ) -> list[Difference]:
        """The difference between quotation tokens ``[i1, i2)`` and report tokens ``[j1, j2)``, per record.

        ``bounds`` are the report tokens ``[lo, hi)`` the quotation is aligned
        with: an addition after the last of them is placed right after the
        word it follows, in that word's record ("… enforcement urgently",
        where the record ends "enforcement;"), not at the next word, outside
        every `Location` of the quotation.
        """
        if i1 < i2:
            quote_start, quote_end = core[i1].start, core[i2 - 1].end
        elif marked:  # the ellipsis itself, between two tokens
            gap_start, gap_end = self._gap(core, i1)
            piece = quote[gap_start:gap_end]
            ellipsis = _ellipsis_in(piece)  # not the quote marks beside it ("… ‘Some")
            if ellipsis is None:  # moved across the full stop beside it ("freedoms. …")
                ellipsis = self._beyond_full_stop(quote, core, i1)
            if ellipsis is not None:
                quote_start, quote_end = gap_start + ellipsis[0], gap_start + ellipsis[1]
            else:
                inner = len(piece) - len(piece.lstrip())
                quote_start, quote_end = gap_start + inner, gap_start + len(piece.rstrip())
        else:
            quote_start = quote_end = core[i1].start if i1 < len(core) else core[-1].end
        quote_span = Span(quote_start, quote_end)
        quote_text = quote[quote_start:quote_end]
        if j1 >= j2:  # nothing of the report: an addition, at the report's place
            # after the passage's last word: right after it, in its record (the next word
            # may be the next record's, which no location names)
            lo, hi = bounds
            follows = lo < j1 and (j1 >= hi or j1 >= len(self._tokens))
            at = j1 - 1 if follows else min(j1, len(self._tokens) - 1)
            owner = self._owners[at]
            offset = self._tokens[at].end if follows else self._tokens[at].start
            record_id = self._records[owner].id
            return [Difference(kind, quote_span, quote_text, record_id, Span(offset, offset), "")]
        runs = []  # the report's tokens, record by record
        at = j1
        while at < j2:
            owner = self._owners[at]
            stop = at + 1
            while stop < j2 and self._owners[stop] == owner:
                stop += 1
            runs.append((owner, at, stop))
            at = stop
        if kind is DifferenceKind.CHANGED and len(runs) > 1:
            return self._changed_per_record(quote, core, i1, i2, runs)
        pieces = []
        for owner, at, stop in runs:
            record = self._records[owner]
            span = Span(self._tokens[at].start, self._tokens[stop - 1].end)
            pieces.append(Difference(kind, quote_span, quote_text, record.id, span, span.slice(record.text)))
        return pieces

    def _changed_per_record(
        self, quote: str, core: Sequence[_Token], i1: int, i2: int, runs: Sequence[tuple[int, int, int]]
    ) -> list[Difference]:
        """A change of quotation tokens ``[i1, i2)`` into report tokens of several records.

        ``runs`` are the report's tokens, ``(record number, first, stop)``
        record by record.  Each quotation token is in one difference only:
        taken in order, as many as a record has tokens changed there (the
        last record takes any left), and a record left with none has its
        tokens omitted, at the end of the quotation's ("interaction with
        non-governmental organisations; The rights", where the report has
        "organisations; and" then item p8.i9's "Human rights": "and" changed
        into "The", "Human" omitted), never one token changed twice.
        """
        pieces = []
        start = i1
        for number, (owner, at, stop) in enumerate(runs):
            end = i2 if number == len(runs) - 1 else min(i2, start + (stop - at))
            record = self._records[owner]
            span = Span(self._tokens[at].start, self._tokens[stop - 1].end)
            if start < end:
                quote_start, quote_end = core[start].start, core[end - 1].end
                kind = DifferenceKind.CHANGED
            else:
                quote_start = quote_end = core[i2 - 1].end
                kind = DifferenceKind.OMITTED
            pieces.append(
                Difference(
                    kind,
                    Span(quote_start, quote_end),
                    quote[quote_start:quote_end],
                    record.id,
                    span,
                    span.slice(record.text),
                )
            )
            start = end
        return pieces
