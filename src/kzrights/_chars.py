"""The gritty details about characters: every rule kzrights applies to text, in one place.

Search, quotations, the concordance, entity linking and [`Report.entity`][kzrights.report.Report.entity]
all read a user's text, and a user's text comes typed on any keyboard, pasted
from a PDF or a messenger, in any Unicode normal form.  Each tool used to
carry its own table of apostrophes and disagreed with the others; they now
take every table and every small rule from here:

- `APOSTROPHES`, `QUOTES` and `DASHES`: the marks that mean
  the same thing, and `fold_apostrophes` / `fold_mark`, which
  fold each group onto one mark;
- `INVISIBLE`: characters that take no room on the page (zero-width
  space, soft hyphen, direction marks, …), which `strip_invisible`
  drops, and `visible` drops keeping the way back to the text as given;
- `is_word_char`: letters, digits *and combining marks* (never an
  apostrophe, even one Unicode calls a letter), so that a word (a name, a
  quotation, a search term) never ends between a letter and its accent;
  `mask_marks` puts a letter in each mark's place for code that only
  knows letters and digits;
- `nfc`: a text in Normalization Form C with, for every mention found
  in it, the way back to the text as given (`Offsets`);
- `same_length_lower`: lowercase that keeps every offset;
- `plain_str`: a user's text as a plain `str`, whatever subclass it came as;
- `strip_diacritics` and `CYRILLIC` (the romanisation table of
  Russian and Kazakh letters), for name keys.

Everything here is a pure function of its arguments, and nothing keeps
state beyond tables computed once.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator

__all__ = [
    "APOSTROPHES",
    "BIDI_CONTROLS",
    "CYRILLIC",
    "DASHES",
    "DOTS",
    "ELLIPSIS_MARKS",
    "HYPHENS",
    "INVISIBLE",
    "INVISIBLE_CLASS",
    "MARK_PLACEHOLDER",
    "QUOTES",
    "Offsets",
    "cacheable",
    "canonical",
    "fold_apostrophes",
    "fold_mark",
    "has_invisible_word_char",
    "invisible_of",
    "is_invisible",
    "is_mark",
    "is_word_char",
    "mark_class",
    "mask_marks",
    "nfc",
    "nonword_bmp_class",
    "plain_str",
    "same_length_lower",
    "strip_diacritics",
    "strip_invisible",
    "transliterate",
    "visible",
]

APOSTROPHES = "'\u2019\u2018\u02bc\u02bb\u0060\u00b4\u2032\u02b9\uff07"
"""Marks that stand for an apostrophe inside a word: ' ’ ‘ ʼ ʻ ` ´ ′ ʹ ＇; the first is the folded form."""

QUOTES = (
    '"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\uff02\u201a\u201b'
    "\u2039\u203a\u2e42\u301f"  # single angle quotation marks, double low-reversed-9, low double prime
    "\u300c\u300d\u300e\u300f"  # corner brackets, which Chinese and Japanese quote with
    "\ufe41\ufe42\ufe43\ufe44\uff62\uff63"  # and their vertical and halfwidth forms
)
"""Quote marks that are never apostrophes: " “ ” „ ‟ « » ″ 〝 〞 ＂, the low single ones ‚ ‛, the
single angle quotation marks ‹ ›, ⹂ 〟, and the corner brackets 「 」 『 』 (and their forms).

Every character Unicode names a quotation mark is here or in `APOSTROPHES` (a test checks
it), but for the dingbat ornaments (❛ ❜ ❝ ❞ …), which decorate rather than quote, and the
invisible tag characters."""

HYPHENS = (
    "-\u2010\u2011"  # hyphen-minus, hyphen, non-breaking hyphen
    "\u058a\u05be\u1400\u1806"  # Armenian hyphen, Hebrew maqaf, Canadian syllabics, Mongolian todo soft
    "\u2e17\u2e1a\u2e40\u2e5d"  # double oblique hyphen, with diaeresis, double hyphen, oblique hyphen
    "\u30a0\U00010d6e\U00010ead"  # Katakana-Hiragana double hyphen, Garay hyphen, Yezidi hyphenation mark
)
"""The hyphens, which join the parts of a compound ("non-governmental"): - ‐ ‑ and every other
character of Unicode's dash punctuation that its name calls a hyphen (a dash parts words)."""

DASHES = (
    HYPHENS
    + "\u2012\u2013\u2014\u2015"  # figure, en, em dash, horizontal bar
    + "\u2e3a\u2e3b\u301c\u3030"  # two-em and three-em dash, wave dash, wavy dash
    + "\ufe31\ufe32\ufe58"  # vertical em and en dash, small em dash
    + "\ufe63\uff0d"  # small and full-width hyphen-minus
    + "\u2212"  # the minus sign (a math symbol, typed for a dash)
)
"""Hyphens, dashes and the minus sign: every character of Unicode's dash punctuation (general
category Pd, up to Unicode 16.0) and −.  A test checks that every Pd character the running
Python knows is here, and `HYPHENS` are the ones among them that are hyphens."""

ELLIPSIS_MARKS = "\u2026\u22ef\u2025\ufe19\ufe30"
"""Characters that are an ellipsis on their own: … ⋯ ‥ ︙ ︰ (the horizontal ellipses, the
two-dot leader that Japanese text uses as one, and their forms for vertical text; a test checks
that every character whose compatibility form is dots, or whose name is a horizontal ellipsis,
is here or in `DOTS`)."""

DOTS = ".\u2024\ufe52\uff0e"
"""Characters three of which in a row are an ellipsis: . ․ ﹒ ． (the full stop, the one-dot
leader, and its small and full-width forms); only the first is ever a sentence's full stop."""

# Unicode's Default_Ignorable_Code_Point property, from DerivedCoreProperties.txt (Unicode
# 15.1.0, the same in 16.0.0): characters a renderer shows as nothing.  The standard library's
# unicodedata has no such property, so the ranges are copied here with their names; a test
# checks the table against the code points' general categories (Cf, Mn, Lo, Cn).
_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark
    (0x115F, 0x1160),  # Hangul choseong and jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels aq and aa
    (0x180B, 0x180F),  # Mongolian free variation selectors, vowel separator
    (0x200B, 0x200F),  # zero-width space, non-joiner, joiner; left-to-right and right-to-left marks
    (0x202A, 0x202E),  # direction embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, direction isolates, deprecated format controls
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors 1 to 16 (U+FE0F asks for the emoji form)
    (0xFEFF, 0xFEFF),  # zero-width no-break space (a byte-order mark inside a text)
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xFFF0, 0xFFF8),  # reserved
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol format controls
    (
        0xE0000,
        0xE0FFF,
    ),  # language tag, tag characters (U+E0020 to U+E007F), variation selectors 17 to 256, reserved
)

INVISIBLE = "".join(chr(code) for first, last in _DEFAULT_IGNORABLE for code in range(first, last + 1))
"""Characters that take no room on the page: a text means the same without them.

Unicode's Default_Ignorable_Code_Point set (DerivedCoreProperties.txt):
soft hyphen, zero-width space and joiners, direction marks, embeddings,
overrides and isolates, variation selectors (U+FE0F after an emoji), Hangul
fillers, tag characters and the code points Unicode reserves among them.
"""


def _ranges(codes: Iterable[int]) -> str:
    """A regex character-class body for these sorted code points."""
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


INVISIBLE_CLASS = _ranges([ord(char) for char in INVISIBLE])
"""The body of a regular-expression class of [`INVISIBLE`][kzrights._chars.INVISIBLE], as ranges.

Put it between brackets.  A class of the 4,174 characters one by one
makes ``re`` test them one by one wherever it is tried (a scan of 1 MB of
news went from 75 ms to 1.5 s); as ranges it costs what a handful of
characters does.
"""

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""The direction embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069).

They are `INVISIBLE`, but not meaningless: a right-to-left override inside a
word shows its letters in another order.  (A quotation that adds any
invisible character to the report's, one of these or not, is at most
``equivalent``, never ``exact``.)
"""

# Russian and Kazakh Cyrillic, in the common English-language romanisation
CYRILLIC = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n",
    "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch",
    "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
"""Lowercase Russian and Kazakh Cyrillic letters, romanised as English-language texts write them."""

_TRANSLIT = str.maketrans(CYRILLIC)
_CYRILLIC_LETTERS = "".join(CYRILLIC)
_TO_APOSTROPHE = str.maketrans(dict.fromkeys(APOSTROPHES[1:], "'"))
_MARKS = {
    **dict.fromkeys(APOSTROPHES + QUOTES, "'"),
    **dict.fromkeys(DASHES, "-"),
}
_INVISIBLE_SET = frozenset(INVISIBLE)


def _has_any(text: str, chars: str) -> bool:
    """Whether ``text`` holds any of ``chars``.

    str.translate looks each character of a non-ASCII text up in its table
    from Python objects (about 0.1 µs a character, 30,000 of them in a
    hostile word); one substring search in C per character of the table
    says first whether there is anything to translate, which there rarely
    is (a regular expression would say it in one pass, but compiling its
    class of non-ASCII characters costs about 0.5 ms at import).
    """
    return any(char in text for char in chars)


_WORD = re.compile(r"\w")
# characters whose lowercase is longer than one character (str.lower gives
# "i̇" for İ); a test checks this table against every code point
_LONG_LOWER = {"\u0130": "i"}


def fold_apostrophes(text: str) -> str:
    """Return ``text`` with every apostrophe-like mark as ``'``; offsets are kept.

    Examples:
        >>> fold_apostrophes("Tokayev’s Kazakhstanʼs")
        "Tokayev's Kazakhstan's"
    """
    if text.isascii() or _has_any(text, APOSTROPHES[1:]):
        return text.translate(_TO_APOSTROPHE)  # ASCII: CPython's fast path
    return text


def fold_mark(char: str) -> str:
    """Return the folded form of one character: any quote mark or apostrophe ``'``, any dash ``-``.

    Examples:
        >>> fold_mark("“"), fold_mark("—"), fold_mark("x")
        ("'", '-', 'x')
    """
    return _MARKS.get(char, char)


def strip_invisible(text: str) -> str:
    r"""Return ``text`` without the characters of `INVISIBLE`.

    Examples:
        >>> strip_invisible("Bo\u200bkay\u00adev\u200f")
        'Bokayev'
    """
    if text.isascii() or _invisible_runs().search(text) is None:
        return text
    return _invisible_runs().sub("", text)


def invisible_of(text: str) -> str:
    r"""Return the characters of `INVISIBLE` that ``text`` holds, in order (``""`` for none).

    Examples:
        >>> invisible_of("Bo\u200bkay\u00adev")
        '\u200b\xad'
    """
    if text.isascii():
        return ""
    return "".join(_invisible_runs().findall(text))


@functools.lru_cache(maxsize=1)
def _invisible_runs() -> re.Pattern[str]:
    """Runs of `INVISIBLE` characters: one class of ranges, tried in C (compiled on first use).

    One group around it all: `_rewrite_clusters` splits the text on it.
    """
    return re.compile(f"([{INVISIBLE_CLASS}]+)")


def visible(text: str) -> tuple[str, Offsets | None]:
    r"""Return ``text`` without the characters of `INVISIBLE`, and the way back to its offsets.

    A name with a soft hyphen or a zero-width space inside ("Toka\u00adyev")
    is the name: the matcher reads the visible text, and `Offsets` gives
    each span back in the text as given, covering the whole visible name
    (never starting or ending on an invisible character around it).

    Returns:
        ``(text, None)`` when ``text`` has no invisible character (checked
        without copying; an ASCII text has none); otherwise the visible text
        and an `Offsets`.

    Examples:
        >>> shown, back = visible("\u200bToka\u00adyev said")
        >>> shown, back.start(0), back.end(7)
        ('Tokayev said', 1, 9)
    """
    if text.isascii() or _invisible_runs().search(text) is None:
        return text, None
    # each run of invisible characters is a cluster that is empty in the visible text
    return _rewrite_clusters(text, _invisible_runs(), _drop)


@functools.lru_cache(maxsize=1)
def _invisible_word_chars() -> re.Pattern[str]:
    """The `INVISIBLE` characters that are also word characters: combining marks, Hangul fillers.

    A matcher that finds a word by the non-word characters around it would
    take one of them for a letter; a text that has one is read visible.
    """
    return re.compile("[" + _ranges([ord(char) for char in INVISIBLE if is_word_char(char)]) + "]")


def has_invisible_word_char(text: str) -> bool:
    """Whether ``text`` has an `INVISIBLE` character that is `is_word_char` (a selector, a filler)."""
    return not text.isascii() and _invisible_word_chars().search(text) is not None


def is_invisible(char: str) -> bool:
    """Whether ``char`` is one of `INVISIBLE`."""
    return char in _INVISIBLE_SET


def is_mark(char: str) -> bool:
    """Whether ``char`` is a combining mark (Unicode category M*)."""
    return unicodedata.category(char)[0] == "M"


def is_word_char(char: str) -> bool:
    r"""Whether ``char`` belongs to a word: a letter, a digit, ``_`` or a combining mark, never an apostrophe.

    A combining mark belongs to the word of its base letter, so nothing that
    splits words splits a letter from its accent.  An apostrophe separates,
    whichever one it is (some, such as ʼ, are letters to Unicode).

    Examples:
        >>> is_word_char("e"), is_word_char("\u0301"), is_word_char(" "), is_word_char("ʼ")
        (True, True, False, False)
    """
    return char not in APOSTROPHES and (_WORD.match(char) is not None or is_mark(char))


@functools.lru_cache(maxsize=1)
def _marks() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Every combining mark's code point: those of the BMP, and those beyond (about 50 ms, once)."""
    blocks = range(0, 0x20000), range(0xE0000, 0xE1000)  # the planes that have marks
    marks = [
        code
        for block in blocks
        for code, category in zip(block, map(unicodedata.category, map(chr, block)), strict=True)
        if category[0] == "M"
    ]
    return tuple(c for c in marks if c < 0x10000), tuple(c for c in marks if c >= 0x10000)


def mark_class() -> str:
    """A regex character class of every combining mark."""
    bmp, astral = _marks()
    return "[" + _ranges(bmp + astral) + "]"


MARK_PLACEHOLDER = "\u02b0"
"""The letter `mask_marks` puts in place of each combining mark (ʰ, a modifier letter)."""


@functools.lru_cache(maxsize=64)
def _mark_pattern(marks: str) -> re.Pattern[str]:
    """A class of these marks (those a text holds: see `_cluster_pattern`)."""
    return re.compile(f"[{_ranges(map(ord, marks))}]")


def marks_in(held: Iterable[str]) -> str:
    """The combining marks among ``held`` (a text's distinct characters), sorted, as one string.

    Each character's category is read where it is asked for: no table of
    every mark is built (a scan of 135,000 code points, 25 to 60 ms, which
    the first text with an accent paid).
    """
    category = unicodedata.category
    return "".join(sorted(char for char in held if category(char)[0] == "M"))


def _replaced_in(held: Iterable[str]) -> str:
    """The characters among ``held`` that NFC replaces on their own, sorted, as one string.

    Each (1,105 in Unicode 15) has a canonical decomposition that NFC does
    not compose back: a singleton (U+212A KELVIN SIGN is "K") or a
    composition exclusion.  It is not a combining mark.
    """
    category, normalize = unicodedata.category, unicodedata.normalize
    return "".join(
        sorted(
            char
            for char in held
            if char > "\u00bf" and category(char)[0] != "M" and normalize("NFC", char) != char
        )
    )


def mask_marks(text: str) -> str:
    """Return ``text`` with each combining mark replaced by `MARK_PLACEHOLDER`; offsets are kept.

    A mark belongs to its letter's word; a letter in its place keeps it there
    for a matcher that only knows letters and digits as word characters.

    Examples:
        >>> mask_marks("x\u0301 y") == "x\u02b0 y"
        True
    """
    if text.isascii():
        return text
    marks = marks_in(set(text))
    return _mark_pattern(marks).sub(MARK_PLACEHOLDER, text) if marks else text


@functools.lru_cache(maxsize=1)
def nonword_bmp_class() -> str:
    """A regex character class of every character of the BMP that is not `is_word_char`.

    Lone surrogates are in it: they are no letters.  A class of the BMP alone
    compiles to a bitmap that the regex engine tests in one step.
    """
    block = range(0x10000)
    chars = map(chr, block)
    categories = map(unicodedata.category, map(chr, block))
    # str.isalnum and "_" are what the regex engine's \w means for a str
    nonword = (
        code
        for code, char, category in zip(block, chars, categories, strict=True)
        if char in APOSTROPHES or not (char.isalnum() or char == "_" or category[0] == "M")
    )
    return "[" + _ranges(nonword) + "]"


def same_length_lower(text: str) -> str:
    """Return ``text`` lowercased with one character for each of its characters.

    ``str.lower`` turns "İ" into two characters ("i" and a combining dot),
    which would shift every offset after it; here it becomes "i".

    Examples:
        >>> same_length_lower("İSTANBUL Nur Otan")
        'istanbul nur otan'
    """
    for char, lower in _LONG_LOWER.items():
        if char in text:
            text = text.replace(char, lower)
    if text.isascii() or len(text) <= _SLICE:
        return text.lower()
    # str.lower works in a buffer of up to three 4-byte characters for each character
    # of a text that is not ASCII (six times a Russian text): a slice at a time
    return "".join(text[start:end].lower() for start, end in _slices(text))


_SLICE = 1 << 16
"""How many characters (about) a long text is lowered, checked or rewritten at a time."""


_CUT = re.compile("[\\s\u3001\u3002]")
"""Where a slice may end: before white space, or an ideographic comma or full stop (Chinese, Japanese)."""


def _slices(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of slices of about `_SLICE` characters that cover ``text``, each ending at a `_CUT`.

    Such a character is a boundary for every rule that reads a slice:
    lowercase (neither cased nor case-ignorable, it ends a final sigma's
    context, where a full stop would not), NFC (it composes with nothing
    before it), a letter's run of combining marks and a run of invisible
    characters.  A text with none for another `_SLICE` characters (a
    string of Kelvin signs, decomposed letters or words joined by
    zero-width spaces, which `_rewrite_clusters` would otherwise hold as
    one string per cluster) is cut before a letter where that is as safe
    (`_letter_cut`); only a text with neither for long gives a longer slice.
    """
    start, length = 0, len(text)
    while start < length:
        end = length
        if length - start > _SLICE:
            cut = _CUT.search(text, start + _SLICE, start + 2 * _SLICE)
            if cut is not None:
                end = cut.start()
            else:
                letter = _letter_cut(text, start + _SLICE)
                if letter is not None:
                    end = letter
                else:
                    cut = _CUT.search(text, start + 2 * _SLICE)
                    end = length if cut is None else cut.start()
        yield start, end
        start = end


_LETTERS = frozenset({"Lu", "Ll", "Lt", "Lo", "Nd"})
"""Letters and digits: never case-ignorable, so a final sigma's context stops at one."""

_LOOKED_AT = 4_096
"""How many places past a slice's length `_letter_cut` tries, and how far back it looks for a letter."""


def _letter_cut(text: str, at: int) -> int | None:
    """The first place from ``at`` before which ``text`` may be cut as at a `_CUT`, if one is near.

    The character there is a letter or digit (`_LETTERS`) that is no
    combining mark, not invisible and not a capital sigma, in a block whose
    letters NFC composes with nothing before them (Latin to Georgian, Latin
    and Greek extended, letterlike symbols such as the Kelvin sign, CJK
    ideographs: not the Hangul vowels and final consonants, nor a script
    of a later Unicode, such as Kirat Rai's letters of 16.0, which do); and the nearest letter or digit before
    it is not a capital sigma either (only a sigma's lowercase depends on
    its neighbours, across case-ignorable characters such as marks and
    apostrophes).  So no cluster of combining marks, no run of invisible
    characters and no composition spans the cut, and every character
    lowercases as in the whole text.  ``None`` if no such place is within
    `_LOOKED_AT` characters.
    """
    category = unicodedata.category
    for place in range(at, min(at + _LOOKED_AT, len(text))):
        char = text[place]
        if (
            category(char) not in _LETTERS
            or char == "\u03a3"
            or char in _INVISIBLE_SET
            or unicodedata.combining(char)
            or not (char < "\u1100" or "\u1e00" <= char < "\u2150" or "\u4e00" <= char < "\ua000")
        ):
            continue
        before = place - 1
        while before > max(0, place - _LOOKED_AT) and category(text[before]) not in _LETTERS:
            before -= 1
        if category(text[before]) in _LETTERS and text[before] != "\u03a3":
            return place
    return None


class Offsets:
    """The way back from offsets into `nfc`'s or `visible`'s text to offsets into the text as given.

    Each run of a base character and its combining marks that normalisation
    changed is one cluster; an offset that falls inside a cluster is moved to
    its edge, so that a span never splits a letter from its marks.  A run of
    invisible characters is a cluster that is empty in the visible text: a
    span starting at it starts after the run, and one ending at it ends
    before the run.

    The clusters are kept as four arrays of machine integers (16 bytes a
    cluster, 32 for a text of 2 GiB characters or more): where each starts and
    ends in the new text, and in the text as given.
    """

    __slots__ = ("_given_ends", "_given_starts", "_normal_ends", "_normal_starts")

    def __init__(
        self,
        normal_starts: array[int],
        normal_ends: array[int],
        given_starts: array[int],
        given_ends: array[int],
    ) -> None:
        self._normal_starts = normal_starts
        self._normal_ends = normal_ends
        self._given_starts = given_starts
        self._given_ends = given_ends

    def start(self, offset: int) -> int:
        """The offset in the given text where a span starting at ``offset`` starts."""
        at = bisect.bisect_right(self._normal_starts, offset) - 1
        if at < 0:
            return offset
        normal_end = self._normal_ends[at]
        if offset < normal_end:
            return self._given_starts[at]
        return offset - normal_end + self._given_ends[at]

    def end(self, offset: int) -> int:
        """The offset in the given text where a span ending at ``offset`` ends."""
        at = bisect.bisect_left(self._normal_starts, offset) - 1
        if at < 0:
            return offset
        normal_end = self._normal_ends[at]
        if offset <= normal_end:
            return self._given_ends[at]
        return offset - normal_end + self._given_ends[at]


@functools.lru_cache(maxsize=64)
def _cluster_pattern(marks: str, replaced: str) -> re.Pattern[str]:
    """The clusters of a text that holds these combining marks and characters NFC replaces alone.

    A cluster is a base character (or none) followed by one or more
    combining marks; or, alone, a character that NFC replaces (the Kelvin
    sign K, the Ohm sign, a CJK compatibility ideograph): canonically the same
    text as what replaces it.  One group goes around it all:
    `_rewrite_clusters` splits the text on it.

    The classes hold only the characters the text holds (a handful, in
    news): a class of every mark, some of them beyond the BMP, is a list of
    ranges that ``re`` tries one by one at each character outside Latin-1,
    which made a Russian text in NFD sixteen times as slow to annotate.
    """
    alternatives = []
    if marks:
        # "." is never a mark here but at the very start: the text is split from
        # the left, and a run of marks goes whole with the character before it
        mark = f"[{_ranges(map(ord, marks))}]"
        alternatives += [f".{mark}+", f"{mark}+"]
    if replaced:
        alternatives.append(f"[{_ranges(map(ord, replaced))}]")
    return re.compile(f"({'|'.join(alternatives) or '(?!)'})", re.DOTALL)


# a text in NFD repeats a few clusters (é, ü, й, ...) many times; only short ones are kept
_compose = functools.lru_cache(maxsize=1024)(functools.partial(unicodedata.normalize, "NFC"))


def nfc(text: str) -> tuple[str, Offsets | None]:
    r"""Return ``text`` in Normalization Form C, and the way back to its offsets.

    Returns:
        ``(text, None)`` when ``text`` is already in NFC (the common case,
        checked in C without copying); otherwise the normalised text and an
        `Offsets`.  Only clusters of a character and its combining
        marks are recomposed; text without combining marks is taken as it is.

    Examples:
        >>> normal, back = nfc("Tulesova\u0301 met")
        >>> normal, back.start(9), back.end(8)
        ('Tulesová met', 10, 9)
    """
    # slice by slice: on a text that may not be in NFC, the check composes it in a buffer
    # of 4-byte characters (twice a text of Cyrillic or accented Latin letters)
    if all(unicodedata.is_normalized("NFC", text[start:end]) for start, end in _slices(text)):
        return text, None
    held = set(text)
    clusters = _cluster_pattern(marks_in(held), _replaced_in(held))
    return _rewrite_clusters(text, clusters, _recompose)


def _recompose(cluster: str) -> str:
    """A character and its combining marks, in NFC."""
    return _compose(cluster) if len(cluster) <= 8 else unicodedata.normalize("NFC", cluster)


def _drop(cluster: str) -> str:
    return ""


def _invisible_tail(given: str, rewritten: str) -> int:
    """How many invisible characters ``given`` ends in that ``rewritten`` ends in too, short of all of it."""
    tail = 0
    while (
        tail < min(len(given), len(rewritten)) - 1
        and given[-1 - tail] == rewritten[-1 - tail]
        and given[-1 - tail] in _INVISIBLE_SET
    ):
        tail += 1
    return tail


def _rewrite_clusters(
    text: str, clusters: re.Pattern[str], rewrite: Callable[[str], str]
) -> tuple[str, Offsets]:
    """Return ``text`` with each match of ``clusters`` replaced by ``rewrite(match)``, and the way back.

    The one rewrite behind `nfc` and `visible`.  ``clusters`` has one group
    around the whole pattern, so that splitting the text on it gives the text
    between clusters and the clusters in turn; ``rewrite`` is called once per
    distinct cluster.  Everything else is done in C, with no Python step per
    cluster: a text made of decomposed letters (each one a cluster) is
    rewritten at about a fifth of the cost of a loop over its matches.  A
    long text is split a slice at a time (`_slices`; no cluster holds a
    space), so that only one slice's pieces are held at once.
    """
    rewritten: dict[str, str] = {}
    tails: dict[str, int] = {}  # the invisible characters each cluster ends in, rewritten alike
    # whether each cluster is kept as one: not one left as it was, nor one character
    # rewritten as one other (the Kelvin sign as "K"), which has no inside to move an
    # offset out of, and moves none after it, so the way back is the same without it
    recorded: dict[str, bool] = {}
    pieces: list[str] = []
    # 4-byte offsets where they fit (every text under 2 GiB characters): 16 bytes a cluster
    kind = "i" if len(text) < 2**31 - 1 else "q"
    normal_starts, normal_ends, given_starts, given_ends = (array(kind) for _ in range(4))
    done = 0  # the length of the new text so far
    for start, end in _slices(text):
        parts = clusters.split(text[start:end])  # between, cluster, between, ..., between
        given = parts[1::2]
        for cluster in set(given).difference(rewritten):
            rewritten[cluster] = new_form = rewrite(cluster)
            tails[cluster] = _invisible_tail(cluster, new_form)
            recorded[cluster] = new_form != cluster and not (len(cluster) == 1 == len(new_form))
        new = parts.copy()
        new[1::2] = map(rewritten.__getitem__, given)
        # where each part ends, in the text as given and in the new text, after where the
        # slice starts: the cluster that is part 2i + 1 starts where part 2i ends
        old_ends = array(kind, itertools.accumulate(map(len, parts), initial=start))
        new_ends = array(kind, itertools.accumulate(map(len, new), initial=done))
        columns = [new_ends[1:-1:2], new_ends[2::2], old_ends[1:-1:2], old_ends[2::2]]
        changed = list(map(recorded.__getitem__, given))
        if not all(changed):
            # a cluster left as it was (a letter and a mark NFC composes with nothing, such as
            # a combining grapheme joiner) is no cluster: an offset in it stays where it is, as in
            # a text that needed no normalising, and a span never takes in the mark after it
            columns = [array(kind, itertools.compress(column, changed)) for column in columns]
            given = list(itertools.compress(given, changed))
        trimmed = list(map(tails.__getitem__, given))
        if any(trimmed):
            # invisible marks that end a cluster as given and as rewritten ("и\u0306\u034f",
            # "й\u034f") are no part of it: a span ending before them ends before them as given
            for at, tail in enumerate(trimmed):
                columns[1][at] -= tail
                columns[3][at] -= tail
        for kept, column in zip((normal_starts, normal_ends, given_starts, given_ends), columns, strict=True):
            kept.extend(column)
        pieces.append("".join(new))
        done = new_ends[-1]
    return "".join(pieces), Offsets(normal_starts, normal_ends, given_starts, given_ends)


def canonical(text: str) -> str:
    r"""Return the form in which kzrights reads a query, a term or a name: NFC, no invisible characters.

    Canonically equivalent inputs (NFC, NFD) give one form, so they give the
    same answers.

    Examples:
        >>> canonical("Tulesova\u0301\u200b") == canonical("Tulesová")
        True
    """
    return unicodedata.normalize("NFC", strip_invisible(text))


def strip_diacritics(text: str) -> str:
    """Return ``text`` decomposed (NFKD) without its combining marks.

    Examples:
        >>> strip_diacritics("Tulesová Şıxəliyev")
        'Tulesova Sıxəliyev'
    """
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    # Python looks at each *distinct* character once and C drops the marks: a
    # flood of one letter ("ǅ" * 10,000 decomposes to 30,000 characters) costs
    # what a short word does, where a test per character cost tens of ms
    marks = [char for char in set(decomposed) if unicodedata.combining(char)]
    if len(marks) > 8:  # many kinds of marks: one pass, a table look-up per character
        return decomposed.translate(dict.fromkeys(map(ord, marks)))
    for mark in marks:  # a few: one pass in C for each
        decomposed = decomposed.replace(mark, "")
    return decomposed


def transliterate(text: str) -> str:
    """Return lowercase ``text`` with its Russian and Kazakh Cyrillic letters romanised (`CYRILLIC`).

    Examples:
        >>> transliterate("токаев")
        'tokaev'
    """
    if text.isascii() or not _has_any(text, _CYRILLIC_LETTERS):
        return text
    return text.translate(_TRANSLIT)


def plain_str(value: object, name: str) -> str:
    """Return a user's text as a plain ``str``, the characters ``str`` itself holds.

    A ``str`` subclass may override ``__len__``, ``__iter__``,
    ``__getitem__``, ``strip`` or ``__str__``; every text entry point reads
    its argument through this first, so that no override can slip past a
    length limit or change what is read.

    Raises:
        TypeError: If ``value`` is not a ``str`` (nor a subclass of one).

    Examples:
        >>> class Short(str):
        ...     def __len__(self):
        ...         return 1
        >>> text = plain_str(Short("Kazakhstan"), "quote")
        >>> type(text).__name__, len(text)
        ('str', 10)
    """
    if type(value) is str:
        return value
    if not isinstance(value, str):
        from .errors import ArgumentTypeError  # a TypeError that is kzrights' own

        raise ArgumentTypeError(name, "a str", value)
    # str's own method, which no subclass overrides here: a copy of the characters as a plain str
    return str.__str__(value)


def cacheable(word: str, longest: int) -> bool:
    """Whether a cache keyed by what users type may keep ``word``'s normalised forms.

    Only a word of at most ``longest`` characters that is ASCII, or of at
    most half as many that is in NFKC.  A compatibility character may stand
    for up to eighteen (U+FDFA is a phrase of 18 letters), so a cached form
    of a short word could be a thousand characters long, and a cache of tens
    of thousands of entries keep hundreds of megabytes (a session 18
    tester); any other character unfolds to at most a few (a precomposed
    letter and its marks, "ß" to "ss").  Python stores a character outside
    ASCII in two or four bytes, so a word of CJK or astral characters
    costs up to four times an ASCII word of its length: half the length
    keeps every cache's worst case near its ASCII one (a session 19 tester
    filled the caches with 64-character CJK words: 56 MB).  English and
    Russian words are far shorter.  Words that are not cached are
    normalised all the same.
    """
    if word.isascii():
        return len(word) <= longest
    return len(word) <= longest // 2 and unicodedata.is_normalized("NFKC", word)
